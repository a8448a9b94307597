"""The FastAPI application: the JSON API over the ledger and the dashboard at `/`.

`create_app` only assembles: settings and shared objects on `app.state`, the security headers,
the error handlers (`api/errors.py`) and one router per resource (`api/routes/`). Routes stay
thin: they parse and validate the request, call the store, the export writers or the service
layer, and shape the answer the way Datasette does (`{"ok": true, "rows": [...], "next": ...,
"total": N}`; errors `{"ok": false, "error": "...", "status": 400}`). Reads are public; the one
write (`POST /api/documents`) needs `Authorization: Bearer $CLAIMLEDGER_TOKEN`, and without a
configured token the server is read-only.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from claimledger import __version__
from claimledger.api import params as P
from claimledger.api.budget import Counter, ResponseCache
from claimledger.api.errors import install_error_handlers
from claimledger.api.routes import aggregates, changes, details, documents, lists, meta
from claimledger.api.routes.lists import LIST_ENDPOINTS
from claimledger.api.routes.meta import STATIC_DIR
from claimledger.api.security import SecurityHeadersMiddleware
from claimledger.api.settings import ApiSettings
from claimledger.sources.http import HttpClient
from claimledger.store import Ledger
from claimledger.store.query import OPS, filterable_fields

mimetypes.add_type("application/geo+json", ".geojson")
mimetypes.add_type("text/javascript", ".js")
DESCRIPTION = (
    "Attributed casualty and equipment-loss claims with their evidence. List endpoints filter with "
    "`field__op=value` (ops: eq, in, gte, lte, contains), page with `_size` and the opaque `_next` "
    "cursor, count values with `_facet`, and stream the full filtered result with "
    "`_format=csv|jsonl|geojson`. Errors are `{\"ok\": false, \"error\": ..., \"status\": N}`.")


def create_app(ledger: Ledger | str | None = None, settings: ApiSettings | None = None) -> FastAPI:
    """The app over `ledger` (an open Ledger, or a database URL; default: the settings' ledger)."""
    settings = settings or ApiSettings()
    led = ledger if isinstance(ledger, Ledger) else Ledger.open(ledger)
    # the Swagger page needs a CDN and inline script; /openapi.json is served
    app = FastAPI(title="claimledger", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.ledger = led
    app.state.settings = settings
    led.enable_time_budgets()
    if settings.columnar:
        led.enable_columnar(settings.columnar_dir)
    app.state.counter = Counter(led, size=settings.count_cache_size)
    app.state.responses = ResponseCache(app.state.counter, settings.response_cache_bytes)
    app.state.http = HttpClient.from_settings(guard=not settings.allow_private_urls,
                                              trusted=settings.trusted_addresses)
    # Outermost, around Starlette's own error middleware too, so that even a 500 carries the headers.
    build_stack = app.build_middleware_stack

    def build_with_headers() -> Any:
        return SecurityHeadersMiddleware(build_stack(), tile_url=settings.tile_url)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    for module in (meta, lists, details, aggregates, documents, changes):
        app.include_router(module.router)
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
