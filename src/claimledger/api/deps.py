"""What every router reads from the running app: the ledger, the settings, the count cache,
the HTTP client of URL ingestion. Set once by `create_app` on `app.state`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from claimledger.api.budget import Counter, ResponseCache
from claimledger.api.settings import ApiSettings
from claimledger.sources.http import HttpClient
from claimledger.store import Ledger


def ledger(request: Request) -> Ledger:
    return request.app.state.ledger  # type: ignore[no-any-return]


def settings(request: Request) -> ApiSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


def counter(request: Request) -> Counter:
    return request.app.state.counter  # type: ignore[no-any-return]


def http(request: Request) -> HttpClient:
    return request.app.state.http  # type: ignore[no-any-return]


def ok_json(body: dict[str, Any], status: int = 200) -> JSONResponse:
    """Rows are JSON-ready already (the store returns plain dicts): skip FastAPI's slow re-encoding."""
    return JSONResponse(body, status_code=status)


def complete(body: dict[str, Any]) -> bool:
    """Whether an answer is whole: no total past its budget, no aggregate or facet timed out."""
    if body.get("timed_out") or body.get("total_truncated"):
        return False
    return not any(f.get("timed_out") for f in (body.get("facets") or {}).values())


def cached_json(request: Request, build: Callable[[], dict[str, Any]]) -> Response:
    """The answer of a read request from the response cache of this ledger version, else `build()`
    encoded as `ok_json` does, kept when it is complete. Same bytes either way."""
    cache: ResponseCache = request.app.state.responses
    if cache.max_bytes <= 0:
        return ok_json(build())
    key = cache.key(request.url.path, request.query_params.multi_items())
    body = cache.get(key)
    if body is None:
        data = build()
        response = ok_json(data)
        if complete(data):
            cache.put(key, bytes(response.body))
        return response
    return Response(body, media_type="application/json")
