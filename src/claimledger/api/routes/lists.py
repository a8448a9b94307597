"""The list endpoints: one JSON page (filters, keyset cursor, total within a time budget,
facets), or with `_format=csv|jsonl|geojson` the full filtered result streamed through the
export writers (`claimledger.export`), the same columns as the CLI's, provenance in headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from claimledger.api import deps
from claimledger.api import params as P
from claimledger.api.budget import filters_key
from claimledger.api.errors import ApiError
from claimledger.api.facets import compute_facets
from claimledger.api.settings import ApiSettings
from claimledger.export import provenance, provenance_headers, stream
from claimledger.export.writers import MEDIA_TYPES
from claimledger.store import Ledger, Page

LIST_ENDPOINTS: dict[str, tuple[str, str]] = {
    # path: (table, summary)
    "/api/claims": ("claims", "Claims: one row per attributed claim, in the claim contract's shape"),
    "/api/events": ("events", "Events: claims grouped by place, time and parties, with low/best/high"),
    "/api/claim-groups": ("claim_groups", "Claim groups: the same claim reported by several documents"),
    "/api/documents": ("documents", "Documents (without their text; see /api/documents/{id})"),
    "/api/sources": ("sources", "Sources: outlets with document and claim counts"),
}
router = APIRouter()


def reserved_query() -> Callable[..., None]:
    """Declared only so that they are validated and documented; values are read in `list_rows`."""
    def dep(
        size: Annotated[int, Query(alias="_size", ge=1, le=1000, description=P.RESERVED["_size"])] = 50,
        next_: Annotated[str | None, Query(alias="_next", description=P.RESERVED["_next"])] = None,
        sort: Annotated[str | None, Query(alias="_sort", description=P.RESERVED["_sort"])] = None,
        facet: Annotated[list[str] | None, Query(alias="_facet", description=P.RESERVED["_facet"])] = None,
        facet_size: Annotated[int, Query(alias="_facet_size", ge=1, le=200,
                                         description=P.RESERVED["_facet_size"])] = 30,
        fmt: Annotated[str | None, Query(alias="_format", pattern="^(csv|jsonl|geojson|json)$",
                                         description=P.RESERVED["_format"])] = None,
        total: Annotated[str | None, Query(alias="_total", description=P.RESERVED["_total"])] = None,
        wait: Annotated[str | None, Query(alias="_wait", description=P.RESERVED["_wait"])] = None,
    ) -> None:
        return None

    return dep


def facet_budget(settings: ApiSettings, lp: P.ListParams) -> float:
    return settings.count_max_ms if lp.wait else settings.facet_budget_ms


def _stream(led: Ledger, table: str, lp: P.ListParams) -> StreamingResponse:
    if lp.format == "geojson" and table not in ("claims", "events"):
        raise ApiError(400, "_format=geojson is only for claims and events (they have coordinates)")
    led.query(table, lp.filters, lp.sort, None, 1, with_total=False)  # validate before headers go out
    fmt = lp.format or "jsonl"
    meta = provenance(led)
    chunks = (c.encode("utf-8") for c in stream(table, led.iter_rows(table, lp.filters, lp.sort), fmt, meta))
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{table}.{fmt}"', "Cache-Control": "no-store",
        **provenance_headers(meta)})


def _total(request: Request, table: str, lp: P.ListParams, page: Any) -> int | None:
    if lp.total == "none":
        return None
    if page.next_cursor is None and lp.next is None:
        return len(page.rows)  # the whole result is on this page
    settings, counter = deps.settings(request), deps.counter(request)
    budget = settings.count_max_ms if lp.total == "exact" else settings.count_budget_ms
    led = deps.ledger(request)
    if table == "claims" and led.summary_is_small(lp.filters):
        budget = max(budget, settings.summary_budget_ms)  # exact from a small summary cube
    elif table == "claims" and led.summarizable(lp.filters):
        budget = max(budget, settings.summary_total_budget_ms)
    return counter.total(table, lp.filters, budget)


def next_url(settings: ApiSettings, request: Request, cursor: str) -> str:
    """The next page's URL: this request's path and query with the new cursor, under the configured
    base URL (never the Host header)."""
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "_next"]
    return settings.absolute(request.url.path + "?" + urlencode([*pairs, ("_next", cursor)]))


def list_rows(request: Request, table: str) -> Any:
    led = deps.ledger(request)
    lp = P.parse_list_params(table, request.query_params)
    if lp.format:
        return _stream(led, table, lp)
    return deps.cached_json(request, lambda: page_body(request, led, table, lp))


def page_body(request: Request, led: Ledger, table: str, lp: P.ListParams) -> dict[str, Any]:
    """One JSON page: rows, cursor, total (within its budget) and the facets asked for."""
    settings = deps.settings(request)

    def read() -> Page:
        return led.query(table, lp.filters, lp.sort, lp.next, lp.size, with_total=False)

    page: Page | None = None
    if table == "sources":  # every row is an aggregate over the documents: computed once per ledger version
        page = deps.counter(request).cached(("page", table, filters_key(lp.filters), lp.sort, lp.next, lp.size),
                                            read, None)
    page = page or read()
    total = _total(request, table, lp, page)
    body: dict[str, Any] = {"ok": True, "table": table, "filters": P.describe_filters(lp.filters),
                            "rows": page.rows, "next": page.next_cursor,
                            "next_url": next_url(settings, request, page.next_cursor) if page.next_cursor else None,
                            "total": total, "total_truncated": total is None and lp.total != "none"}
    if lp.facets:
        base_pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "_next"]
        body["facets"] = compute_facets(led, table, lp, request.url.path, base_pairs, facet_budget(settings, lp),
                                        deps.counter(request), settings.summary_budget_ms)
    return body


def _endpoint(table: str) -> Callable[..., JSONResponse]:
    def endpoint(request: Request, _: None = Depends(reserved_query())) -> Any:
        return list_rows(request, table)

    return endpoint


for _path, (_table, _summary) in LIST_ENDPOINTS.items():
    router.add_api_route(_path, _endpoint(_table), methods=["GET"], summary=_summary, name=f"list_{_table}",
                         openapi_extra={"x-claimledger-table": _table})
