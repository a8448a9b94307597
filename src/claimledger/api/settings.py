"""The server's settings: the configured ones (`claimledger.config`, from CLAIMLEDGER_*) as
defaults, overridable per app (tests, embedding), plus the time budgets of its answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from claimledger.config import get_settings


@dataclass(slots=True)
class ApiSettings:
    """Server settings; the first group comes from the environment through `config.Settings`."""

    token: str | None = field(default_factory=lambda: get_settings().token)
    allow_private_urls: bool = field(default_factory=lambda: get_settings().allow_private_urls)
    tile_url: str | None = field(default_factory=lambda: get_settings().tile_url)
    tile_attribution: str | None = field(default_factory=lambda: get_settings().tile_attribution)
    base_url: str | None = field(default_factory=lambda: get_settings().base_url)  # for next_url; never Host
    max_doc_bytes: int = field(default_factory=lambda: get_settings().max_doc_bytes)
    columnar: bool = field(default_factory=lambda: get_settings().columnar)
    columnar_dir: Path | None = field(default_factory=lambda: get_settings().columnar_dir)
    trusted_addresses: tuple[str, ...] = ()  # exact addresses URL ingestion may reach anyway
    # Time budgets (ms): past them the answer says so instead of slowing every page (see api/budget.py).
    count_budget_ms: float = 15.0        # the total that comes with a page (_total=auto)
    count_max_ms: float = 60_000.0       # _total=exact
    facet_budget_ms: float = 500.0       # each _facet
    aggregate_budget_ms: float = 5_000.0  # /api/timeline, /api/map
    # What the summary tables answer (store/summary.py) is exact and cheap: it gets at least this much,
    # so that the dashboard's totals, facets, timeline and map come in one round, never "counting…".
    summary_budget_ms: float = 3_000.0
    # A page's total when only the widest summary answers it (three or more fields at once): exact
    # nearly always, and a page never waits longer than this for it.
    summary_total_budget_ms: float = 500.0
    count_cache_size: int = 512          # exact totals kept per ledger version (0: none)
    response_cache_bytes: int = 64 << 20  # whole answers of repeat views per ledger version (0: none)

    def absolute(self, path_and_query: str) -> str:
        """A link to this server: under the configured base URL, else relative (the request's Host
        header is the client's to choose, so it is never reflected)."""
        return (self.base_url or "").rstrip("/") + path_and_query
