"""The JSON API and the dashboard (FastAPI). Only this package and `cli.py` know about HTTP."""

from __future__ import annotations

from claimledger.api.app import ApiSettings, create_app

__all__ = ["ApiSettings", "create_app"]
