"""Facet counts of any table, the claims timeline and the map summary: each computed within a
time budget and cached per ledger version (`api/budget.py`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from claimledger.api import deps
from claimledger.api import params as P
from claimledger.api.aggregates import BUCKETS, map_summary, timeline
from claimledger.api.budget import filters_key
from claimledger.api.errors import ApiError
from claimledger.api.facets import compute_facets
from claimledger.api.routes.lists import facet_budget, reserved_query
from claimledger.api.settings import ApiSettings
from claimledger.store import Ledger

router = APIRouter()
WaitParam = Annotated[str | None, Query(alias="_wait", description=P.RESERVED["_wait"])]


def aggregate_budget(settings: ApiSettings, lp: P.ListParams, led: Ledger) -> float:
    budget = settings.count_max_ms if lp.wait else settings.aggregate_budget_ms
    return max(budget, settings.summary_budget_ms) if led.summarizable(lp.filters) else budget


@router.get("/api/facets", summary="Value counts of claim (or other table) fields, with toggle links")
def facets(request: Request, table: str = Query("claims", pattern="^(claims|events|claim_groups|documents|sources)$",
                                                 description="which table to count"),
           _: None = Depends(reserved_query())) -> Response:
    def build() -> dict[str, Any]:
        lp = P.parse_list_params(table, request.query_params, extra_allowed=("table",))
        if not lp.facets:
            raise ApiError(400, "give at least one _facet=field")
        base_pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "_next"]
        return {"ok": True, "table": table, "filters": P.describe_filters(lp.filters),
                "facets": compute_facets(deps.ledger(request), table, lp, request.url.path, base_pairs,
                                         facet_budget(deps.settings(request), lp), deps.counter(request),
                                         deps.settings(request).summary_budget_ms)}

    return deps.cached_json(request, build)


@router.get("/api/timeline", summary="Claims per day/week/month (histogram of the filtered claims)")
def api_timeline(request: Request, bucket: str = Query("auto", alias="_bucket", pattern="^(" + "|".join(BUCKETS) + ")$",
                                                       description="bucket size; auto picks by span"),
                 wait: WaitParam = None) -> Response:
    def build() -> dict[str, Any]:
        lp = P.parse_list_params("claims", request.query_params, extra_allowed=("_bucket",))
        led = deps.ledger(request)
        data = deps.counter(request).cached(("timeline", filters_key(lp.filters), bucket),
                                            lambda: timeline(led, lp.filters, bucket),
                                            aggregate_budget(deps.settings(request), lp, led))
        if data is None:
            data = {"bucket": bucket, "buckets": [], "timed_out": True}
        return {"ok": True, "filters": P.describe_filters(lp.filters), "timed_out": False, **data}

    return deps.cached_json(request, build)


@router.get("/api/map", summary="Claims per place and per province (what the map draws), by precision")
def api_map(request: Request, wait: WaitParam = None) -> Response:
    def build() -> dict[str, Any]:
        lp = P.parse_list_params("claims", request.query_params)
        led = deps.ledger(request)
        data = deps.counter(request).cached(("map", filters_key(lp.filters)), lambda: map_summary(led, lp.filters),
                                            aggregate_budget(deps.settings(request), lp, led))
        if data is None:
            data = {"points": [], "areas": [], "unplaced": {}, "timed_out": True}
        return {"ok": True, "filters": P.describe_filters(lp.filters), "timed_out": False, **data}

    return deps.cached_json(request, build)
