"""The dashboard page, the API index and the dashboard's settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from claimledger import __version__
from claimledger.api import deps
from claimledger.api.routes.lists import LIST_ENDPOINTS
from claimledger.api.settings import ApiSettings
from claimledger.store.query import filterable_fields

STATIC_DIR = Path(__file__).resolve().parents[2] / "web" / "static"
router = APIRouter()


@router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


@router.get("/api", summary="What this API offers")
def api_index() -> dict[str, Any]:
    return {"ok": True, "version": __version__, "openapi": "/openapi.json",
            "endpoints": [*LIST_ENDPOINTS, "/api/facets", "/api/timeline", "/api/map", "/api/config",
                          "/api/claims/{id}", "/api/events/{id}", "/api/claim-groups/{id}", "/api/documents/{id}",
                          "/api/changes"]}


@router.get("/api/config", summary="Dashboard settings (tile layer, write access, filterable fields)")
def api_config(settings: Annotated[ApiSettings, Depends(deps.settings)]) -> dict[str, Any]:
    return {"ok": True, "version": __version__, "tile_url": settings.tile_url,
            "tile_attribution": settings.tile_attribution, "writable": bool(settings.token),
            "fields": {t: sorted(filterable_fields(t)) for _, (t, _) in LIST_ENDPOINTS.items()}}
