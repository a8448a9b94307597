"""What every router reads from the running app: the ledger, the settings, the count cache,
the HTTP client of URL ingestion. Set once by `create_app` on `app.state`."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from claimledger.api.budget import Counter
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
