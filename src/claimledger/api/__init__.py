"""The JSON API and the dashboard (FastAPI). Only this package and `cli.py` know about HTTP."""

from __future__ import annotations

from claimledger.api.app import create_app
from claimledger.api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]
