"""The FastAPI application: the JSON API over the ledger and the dashboard at `/`.

Routes stay thin: they parse and validate the request, call the store (`claimledger.store`), and
shape the answer the way Datasette does (`{"ok": true, "rows": [...], "next": ..., "total": N}`;
errors `{"ok": false, "error": "...", "status": 400}`). Reads are public; the one write
(`POST /api/documents`) needs `Authorization: Bearer $CLAIMLEDGER_TOKEN`, and without a configured
token the server is read-only.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as FPath
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimledger import __version__
from claimledger.api import params as P
from claimledger.api import streams
from claimledger.api.aggregates import BUCKETS, map_summary, timeline
from claimledger.api.budget import Counter, filters_key
from claimledger.api.security import SecurityHeadersMiddleware, token_matches
from claimledger.config import get_settings
from claimledger.errors import ConfigError, InputError, StoreError
from claimledger.store import BudgetExceeded, Ledger
from claimledger.store.query import LIST_FIELDS, OPS, Filter, QueryError, filterable_fields

log = logging.getLogger("claimledger.api")
STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
mimetypes.add_type("application/geo+json", ".geojson")
mimetypes.add_type("text/javascript", ".js")

LIST_ENDPOINTS: dict[str, tuple[str, str]] = {
    # path: (table, summary)
    "/api/claims": ("claims", "Claims: one row per attributed claim, in the claim contract's shape"),
    "/api/events": ("events", "Events: claims grouped by place, time and parties, with low/best/high"),
    "/api/claim-groups": ("claim_groups", "Claim groups: the same claim reported by several documents"),
    "/api/documents": ("documents", "Documents (without their text; see /api/documents/{id})"),
    "/api/sources": ("sources", "Sources: outlets with document and claim counts"),
}


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(slots=True)
class ApiSettings:
    """Server settings; every one can come from the environment (CLAIMLEDGER_*)."""

    token: str | None = field(default_factory=lambda: os.environ.get("CLAIMLEDGER_TOKEN") or None)
    allow_private_urls: bool = field(default_factory=lambda: _env_flag("CLAIMLEDGER_ALLOW_PRIVATE_URLS"))
    tile_url: str | None = field(default_factory=lambda: os.environ.get("CLAIMLEDGER_TILE_URL") or None)
    tile_attribution: str | None = field(
        default_factory=lambda: os.environ.get("CLAIMLEDGER_TILE_ATTRIBUTION") or None)
    max_doc_bytes: int = field(default_factory=lambda: get_settings().max_doc_bytes)
    fetch_timeout: float = 15.0
    fetch_max_bytes: int = 5_000_000
    trusted_addresses: tuple[str, ...] = ()  # exact addresses URL ingestion may reach anyway
    # Time budgets (ms): past them the answer says so instead of slowing every page (see api/budget.py).
    count_budget_ms: float = 15.0        # the total that comes with a page (_total=auto)
    count_max_ms: float = 60_000.0       # _total=exact
    facet_budget_ms: float = 500.0       # each _facet
    aggregate_budget_ms: float = 5_000.0  # /api/timeline, /api/map
    count_cache_size: int = 512          # exact totals kept per ledger version (0: none)


# --------------------------------------------------------------------------------------------
# Errors: always {"ok": false, "error": ..., "status": N}
# --------------------------------------------------------------------------------------------

def ok_json(body: dict[str, Any]) -> JSONResponse:
    """Rows are JSON-ready already (the store returns plain dicts): skip FastAPI's slow re-encoding."""
    return JSONResponse(body)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message, "status": status}, status_code=status, headers=headers)


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(QueryError)
    async def _query_error(_: Request, exc: QueryError) -> JSONResponse:
        return error_response(400, str(exc))

    @app.exception_handler(InputError)
    async def _input_error(_: Request, exc: InputError) -> JSONResponse:
        return error_response(422, f"{exc.source}: {exc.reason}")

    @app.exception_handler(ConfigError)
    async def _config_error(_: Request, exc: ConfigError) -> JSONResponse:
        return error_response(500, f"configuration error: {exc}")

    @app.exception_handler(StoreError)
    async def _store_error(_: Request, exc: StoreError) -> JSONResponse:
        log.error("store error: %s", exc)
        return error_response(503, f"ledger unavailable: {exc}")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = "not found"
        return error_response(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path"))
            parts.append(f"{loc}: {e.get('msg')}" if loc else str(e.get("msg")))
        return error_response(422, "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal server error")


# --------------------------------------------------------------------------------------------
# Facets with toggle links
# --------------------------------------------------------------------------------------------

def _selected(filters: list[Filter], fld: str, value: Any) -> bool:
    sval = "" if value is None else str(value)
    for f in filters:
        if f.field != fld:
            continue
        if f.op in ("eq", "contains") and ("" if f.value is None else str(f.value)) == sval:
            return True
        if f.op == "in" and sval in [v.strip() for v in str(f.value).split(",")]:
            return True
    return False


def _toggle_pairs(table: str, pairs: list[tuple[str, str]], fld: str, value: Any,
                  selected: bool) -> list[tuple[str, str]]:
    sval = "" if value is None else str(value)
    listy = (table, fld) in LIST_FIELDS
    if not selected:
        return [*pairs, (f"{fld}__{'contains' if listy else 'eq'}", sval)]
    out: list[tuple[str, str]] = []
    for k, v in pairs:
        if k in (f"{fld}__eq", f"{fld}__contains", fld) and v == sval:
            continue
        if k == f"{fld}__in":
            rest = [x for x in (s.strip() for s in v.split(",")) if x and x != sval]
            if rest:
                out.append((k, ",".join(rest)))
            continue
        out.append((k, v))
    return out


def compute_facets(ledger: Ledger, table: str, lp: P.ListParams, path: str,
                   base_pairs: list[tuple[str, str]], budget_ms: float | None = None,
                   counter: Counter | None = None) -> dict[str, Any]:
    """Counts per value of each requested field. A facet's own filters are left out of its counts
    (so that picking "Russia" still shows how many claims the other parties have), every other
    filter applies; each value carries the URL that toggles it on or off."""
    out: dict[str, Any] = {}
    for fld in lp.facets:
        others = [f for f in lp.filters if f.field != fld]

        def count(fld: str = fld, others: list[Filter] = others) -> list[tuple[Any, int]]:
            return ledger.facet_counts(table, fld, others, limit=lp.facet_size + 1)

        counts: list[tuple[Any, int]] | None
        if counter is not None:
            counts = counter.cached(("facet", table, fld, filters_key(others), lp.facet_size), count, budget_ms)
        else:
            try:
                with ledger.budgeted(budget_ms):
                    counts = count()
            except BudgetExceeded:
                counts = None
        if counts is None:
            out[fld] = {"name": fld, "results": [], "truncated": False, "timed_out": True}
            continue
        results = []
        for value, n in counts[: lp.facet_size]:
            sel = _selected(lp.filters, fld, value)
            results.append({"value": value, "label": "(none)" if value in (None, "") else str(value),
                            "count": n, "selected": sel,
                            "toggle_url": P.url_with(path, _toggle_pairs(table, base_pairs, fld, value, sel))})
        out[fld] = {"name": fld, "results": results, "truncated": len(counts) > lp.facet_size, "timed_out": False}
    return out


# --------------------------------------------------------------------------------------------
# Ingest request
# --------------------------------------------------------------------------------------------

class DocumentIn(BaseModel):
    """A document to ingest: its text (and what is known about it), or only a URL to fetch."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The document's text (plain text).")
    url: str | None = Field(None, max_length=2000,
                            description="Where the text comes from; alone, the page is fetched (http/https, "
                                        "public addresses only).")
    published: str | None = Field(None, max_length=40, description="Publication date (ISO).")
    title: str | None = Field(None, max_length=2000)
    speaker: str | None = Field(None, max_length=300, description="Who speaks, for addresses and statements.")
    source: str | None = Field(None, max_length=300, description="Outlet name.")
    id: str | None = Field(None, max_length=500, description="An input id (default: the URL or a text hash).")

    @model_validator(mode="after")
    def _text_or_url(self) -> DocumentIn:
        if not (self.text and self.text.strip()) and not self.url:
            raise ValueError("give 'text' or 'url'")
        return self


# --------------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------------

def create_app(ledger: Ledger | str | None = None, settings: ApiSettings | None = None) -> FastAPI:
    """The app over `ledger` (an open Ledger, or a database URL; default: the settings' ledger)."""
    settings = settings or ApiSettings()
    led = ledger if isinstance(ledger, Ledger) else Ledger.open(ledger)
    app = FastAPI(
        title="claimledger",
        version=__version__,
        description=(
            "Attributed casualty and equipment-loss claims with their evidence. List endpoints filter with "
            "`field__op=value` (ops: eq, in, gte, lte, contains), page with `_size` and the opaque `_next` "
            "cursor, count values with `_facet`, and stream the full filtered result with "
            "`_format=csv|jsonl|geojson`. Errors are `{\"ok\": false, \"error\": ..., \"status\": N}`."),
        docs_url=None, redoc_url=None,  # the Swagger page needs a CDN and inline script; /openapi.json is served
    )
    app.state.ledger = led
    app.state.settings = settings
    led.enable_time_budgets()
    counter = Counter(led, size=settings.count_cache_size)
    app.state.counter = counter
    # Outermost, around Starlette's own error middleware too, so that even a 500 carries the headers.
    build_stack = app.build_middleware_stack

    def build_with_headers() -> Any:
        return SecurityHeadersMiddleware(build_stack(), tile_url=settings.tile_url)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
    _install_error_handlers(app)

    # ---- dashboard ----------------------------------------------------------------------
    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")

    @app.get("/api", summary="What this API offers")
    def api_index() -> dict[str, Any]:
        return {"ok": True, "version": __version__, "openapi": "/openapi.json",
                "endpoints": [*LIST_ENDPOINTS, "/api/facets", "/api/timeline", "/api/map", "/api/config",
                              "/api/claims/{id}", "/api/events/{id}", "/api/claim-groups/{id}",
                              "/api/documents/{id}"]}

    @app.get("/api/config", summary="Dashboard settings (tile layer, write access, filterable fields)")
    def api_config() -> dict[str, Any]:
        return {"ok": True, "version": __version__, "tile_url": settings.tile_url,
                "tile_attribution": settings.tile_attribution, "writable": bool(settings.token),
                "fields": {t: sorted(filterable_fields(t)) for _, (t, _) in LIST_ENDPOINTS.items()}}

    # ---- list endpoints ----------------------------------------------------------------
    def list_rows(request: Request, table: str) -> Any:
        lp = P.parse_list_params(table, request.query_params)
        path = request.url.path
        base_pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in ("_next",)]
        if lp.format:
            return _stream(table, lp)
        page = led.query(table, lp.filters, lp.sort, lp.next, lp.size, with_total=False)
        total = None
        if lp.total != "none":
            if page.next_cursor is None and lp.next is None:
                total = len(page.rows)  # the whole result is on this page
            else:
                budget = settings.count_max_ms if lp.total == "exact" else settings.count_budget_ms
                total = counter.total(table, lp.filters, budget)
        next_url = str(request.url.include_query_params(_next=page.next_cursor)) if page.next_cursor else None
        body: dict[str, Any] = {"ok": True, "table": table, "filters": P.describe_filters(lp.filters),
                                "rows": page.rows, "next": page.next_cursor, "next_url": next_url,
                                "total": total, "total_truncated": total is None and lp.total != "none"}
        if lp.facets:
            body["facets"] = compute_facets(led, table, lp, path, base_pairs, facet_budget(lp), counter)
        return ok_json(body)

    def facet_budget(lp: P.ListParams) -> float:
        return settings.count_max_ms if lp.wait else settings.facet_budget_ms

    def aggregate_budget(lp: P.ListParams) -> float:
        return settings.count_max_ms if lp.wait else settings.aggregate_budget_ms

    def _stream(table: str, lp: P.ListParams) -> StreamingResponse:
        if lp.format == "geojson" and table not in ("claims", "events"):
            raise ApiError(400, "_format=geojson is only for claims and events (they have coordinates)")
        led.query(table, lp.filters, lp.sort, None, 1, with_total=False)  # validate before headers go out
        rows: Iterator[dict[str, Any]] = led.iter_rows(table, lp.filters, lp.sort)
        if lp.format == "csv":
            body = streams.csv_stream(table, rows)
        elif lp.format == "jsonl":
            body = streams.jsonl_stream(rows)
        else:
            body = streams.geojson_stream(table, rows)
        ext = {"csv": "csv", "jsonl": "jsonl", "geojson": "geojson"}[lp.format or "jsonl"]
        return StreamingResponse(body, media_type=streams.MEDIA_TYPES[lp.format or "jsonl"], headers={
            "Content-Disposition": f'attachment; filename="{table}.{ext}"', "Cache-Control": "no-store"})

    def _reserved_query(table: str) -> Any:
        # Declared only so that they are validated and documented; values are read in list_rows.
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

    for path, (table, summary) in LIST_ENDPOINTS.items():
        def make(table: str = table) -> Any:
            def endpoint(request: Request, _: None = Depends(_reserved_query(table))) -> Any:
                return list_rows(request, table)
            return endpoint

        app.add_api_route(path, make(), methods=["GET"], summary=summary, name=f"list_{table}",
                          openapi_extra={"x-claimledger-table": table})

    # ---- details -------------------------------------------------------------------------
    @app.get("/api/claims/{claim_id}", summary="One claim")
    def get_claim(claim_id: Annotated[int, FPath(description="claim id (the `id` of a claim row)")]) -> JSONResponse:
        row = led.get_claim(claim_id)
        if row is None:
            raise ApiError(404, f"no claim {claim_id}")
        return ok_json({"ok": True, "claim": row})

    @app.get("/api/events/{event_id}", summary="One event with its competing claims (who says what)")
    def get_event(event_id: Annotated[int, FPath(description="event id")]) -> JSONResponse:
        ev = led.get_event(event_id)
        if ev is None:
            raise ApiError(404, f"no event {event_id}")
        claims = ev.pop("claims", [])
        sides: dict[str, list[int]] = {}
        for c in claims:
            side = (c.get("claimant") or {}).get("side") or "(unattributed)"
            sides.setdefault(side, []).append(c["id"])
        return ok_json({"ok": True, "event": ev, "claims": claims,
                        "sides": [{"side": s, "claim_ids": ids} for s, ids in sides.items()]})

    @app.get("/api/claim-groups/{group_id}", summary="One claim group with every report, original first")
    def get_group(group_id: Annotated[int, FPath(description="claim group id (a claim row's `group_id`)")]) -> JSONResponse:
        g = led.get_group(group_id)
        if g is None:
            raise ApiError(404, f"no claim group {group_id}")
        reports = g.pop("reports", [])
        return ok_json({"ok": True, "group": g, "reports": reports})

    @app.get("/api/documents/{doc_id}", summary="One document: its text, revisions and claims (evidence offsets)")
    def get_document(doc_id: Annotated[int, FPath(description="document id (a claim row's `document_id`)")]) -> JSONResponse:
        d = led.get_document(doc_id)
        if d is None:
            raise ApiError(404, f"no document {doc_id}")
        claims = d.pop("claims", [])
        return ok_json({"ok": True, "document": d, "claims": claims})

    # ---- aggregates ------------------------------------------------------------------------
    @app.get("/api/facets", summary="Value counts of claim (or other table) fields, with toggle links")
    def facets(request: Request, table: str = Query("claims", pattern="^(claims|events|claim_groups|documents|sources)$",
                                                     description="which table to count"),
               _: None = Depends(_reserved_query("claims"))) -> JSONResponse:
        lp = P.parse_list_params(table, request.query_params, extra_allowed=("table",))
        if not lp.facets:
            raise ApiError(400, "give at least one _facet=field")
        base_pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "_next"]
        return ok_json({"ok": True, "table": table, "filters": P.describe_filters(lp.filters),
                        "facets": compute_facets(led, table, lp, request.url.path, base_pairs,
                                                 facet_budget(lp), counter)})

    @app.get("/api/timeline", summary="Claims per day/week/month (histogram of the filtered claims)")
    def api_timeline(request: Request, bucket: str = Query("auto", alias="_bucket", pattern="^(" + "|".join(BUCKETS) + ")$",
                                                           description="bucket size; auto picks by span"),
                     wait: Annotated[str | None, Query(alias="_wait", description=P.RESERVED["_wait"])] = None,
                     ) -> JSONResponse:
        lp = P.parse_list_params("claims", request.query_params, extra_allowed=("_bucket",))
        data = counter.cached(("timeline", filters_key(lp.filters), bucket),
                              lambda: timeline(led, lp.filters, bucket), aggregate_budget(lp))
        if data is None:
            data = {"bucket": bucket, "buckets": [], "timed_out": True}
        return ok_json({"ok": True, "filters": P.describe_filters(lp.filters), "timed_out": False, **data})

    @app.get("/api/map", summary="Claims per place and per province (what the map draws), by precision")
    def api_map(request: Request,
                wait: Annotated[str | None, Query(alias="_wait", description=P.RESERVED["_wait"])] = None,
                ) -> JSONResponse:
        lp = P.parse_list_params("claims", request.query_params)
        data = counter.cached(("map", filters_key(lp.filters)), lambda: map_summary(led, lp.filters),
                              aggregate_budget(lp))
        if data is None:
            data = {"points": [], "areas": [], "unplaced": {}, "timed_out": True}
        return ok_json({"ok": True, "filters": P.describe_filters(lp.filters), "timed_out": False, **data})

    # ---- the one write -------------------------------------------------------------------
    def require_token(request: Request) -> None:
        if not settings.token:
            raise ApiError(403, "this server is read-only (no CLAIMLEDGER_TOKEN configured)")
        if not token_matches(request.headers.get("authorization"), settings.token):
            raise ApiError(401, "missing or wrong bearer token", {"WWW-Authenticate": "Bearer"})
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.max_doc_bytes + 100_000:
            raise ApiError(413, f"request body larger than {settings.max_doc_bytes} bytes")

    @app.post("/api/documents", status_code=201, summary="Ingest one document (text, or a URL to fetch)",
              dependencies=[Depends(require_token)],
              responses={200: {"description": "already stored (nothing changed)"},
                         401: {"description": "missing or wrong bearer token"},
                         403: {"description": "server is read-only"},
                         422: {"description": "the document could not be read or fetched"}})
    def post_document(doc_in: DocumentIn) -> JSONResponse:
        from claimledger.api.ingest import ingest_document

        result = ingest_document(led, doc_in.model_dump(), settings)
        status = 200 if result["status"] == "skipped" else 201
        return JSONResponse({"ok": True, **result}, status_code=status)

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema plus one documented query parameter per whitelisted `field__op`."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    targets: dict[str, str] = {p: t for p, (t, _) in LIST_ENDPOINTS.items()}
    targets.update({"/api/map": "claims", "/api/timeline": "claims", "/api/facets": "claims"})
    for path, table in targets.items():
        op = schema.get("paths", {}).get(path, {}).get("get")
        if op is None:
            continue
        params = op.setdefault("parameters", [])
        for fld, doc in sorted(filterable_fields(table).items()):
            for o in OPS:
                if fld == "bbox" and o != "eq":
                    continue
                name = "bbox" if fld == "bbox" else f"{fld}__{o}"
                what = doc or fld
                params.append({
                    "name": name, "in": "query", "required": False,
                    "description": (f"Filter{' (' + table + ')' if path == '/api/facets' else ''}: {what} "
                                    f"{P.OP_DOCS[o]} the value" + (" (comma-separated)" if o == "in" else "")
                                    + (". The bare name `" + fld + "=v` means eq." if o == "eq" else "")),
                    "schema": {"type": "string"},
                })
    app.openapi_schema = schema
    return schema
