"""The ledger store: documents, claims, groups, events, tallies; SQLite or PostgreSQL.

`Ledger.open(url)` opens (and migrates to head) a ledger; the read API (`query`, `facet_counts`,
`iter_rows`, ...) lives in `store.query`, aggregates (`claims_per_day`, `map_cells`) in
`store.aggregates`, time budgets in `store.budget`; all are mirrored as methods here so that
callers need only one object. No SQL is written outside this package.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from claimledger.store import aggregates as _agg
from claimledger.store import query as _q
from claimledger.store import summary as _sum
from claimledger.store.aggregates import MapCells
from claimledger.store.budget import BudgetExceeded, time_budget
from claimledger.store.columnar import Columnar, default_directory
from claimledger.store.db import Database, default_url
from claimledger.store.query import Filter, Page, QueryError
from claimledger.store.repo import DocumentRejected


class Ledger:
    """An open ledger. Cheap to keep around (engines pool their connections)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.columnar: Columnar | None = None  # see enable_columnar

    @classmethod
    def open(cls, url: str | None = None, *, schema: str | None = None, upgrade: bool = True) -> Ledger:
        """Open the ledger at `url` (default `CLAIMLEDGER_DB` or ./claimledger.db), migrated to head.

        `schema` selects a PostgreSQL schema (created when missing), e.g. one per test.
        """
        return cls(Database(url or default_url(), schema=schema, upgrade=upgrade))

    @property
    def url(self) -> str:
        return self.db.redacted_url

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # read API -----------------------------------------------------------------------------
    def query(self, table: str, filters: Sequence[Filter] = (), order: str | None = None,
              cursor: str | None = None, limit: int = 50, with_total: bool = True,
              count_cap: int | None = None) -> Page:
        return _q.query(self.db, table, filters, order, cursor, limit, with_total, count_cap,
                        walk=self._many_by_document(table, filters))

    def _many_by_document(self, table: str, filters: Sequence[Filter]) -> bool:
        """Whether a claims page filtered on its documents (outlet) matches so many claims that
        walking the claims in order finds a page sooner than sorting every match (SQLite's planner
        cannot tell: its statistics say an outlet has few documents, a big outlet has a third of them).
        Walking visits about limit × total / n claims, sorting n: walk when n² exceeds 64 × total."""
        if self.db.dialect != "sqlite" or not _q.document_filters(table, filters):
            return False
        n = _sum.estimate(self.db, filters)
        total = _sum.count(self.db, [])
        return n is not None and total is not None and n * n >= 64 * total

    def count(self, table: str, filters: Sequence[Filter] = (), cap: int | None = None) -> int:
        """Exact; from the summary tables when they hold every filtered field, else counted."""
        n = self._snapshot().count(filters) if self._wide("claims", filters) else None
        n = _sum.count(self.db, filters) if n is None and table == "claims" else n
        if n is not None:
            return n if cap is None else min(n, cap + 1)
        return _q.count(self.db, table, filters, cap)

    def facet_counts(self, table: str, field: str, filters: Sequence[Filter] = (),
                     limit: int = 50) -> list[tuple[Any, int]]:
        out = self._snapshot().facet_counts(field, filters, limit) if self._wide(table, filters, field) else None
        out = _sum.facet_counts(self.db, field, filters, limit) if out is None and table == "claims" else out
        return out if out is not None else _q.facet_counts(self.db, table, field, filters, limit)

    def iter_rows(self, table: str, filters: Sequence[Filter] = (), order: str | None = None,
                  ) -> Iterator[dict[str, Any]]:
        return _q.iter_rows(self.db, table, filters, order)

    def get_claim(self, claim_id: int) -> dict[str, Any] | None:
        return _q.get_claim(self.db, claim_id)

    def get_document(self, doc_id: int) -> dict[str, Any] | None:
        return _q.get_document(self.db, doc_id)

    def get_event(self, event_id: int) -> dict[str, Any] | None:
        return _q.get_event(self.db, event_id)

    def get_group(self, group_id: int) -> dict[str, Any] | None:
        return _q.get_group(self.db, group_id)

    def failures(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest failed inputs of every run (the CLI's, the API's), newest first."""
        from claimledger.store.repo import recent_failures

        return recent_failures(self.db, limit)

    def dataset_version(self) -> str:
        return _q.dataset_version(self.db)

    def filterable_fields(self, table: str) -> dict[str, str]:
        return _q.filterable_fields(table)

    # aggregates -----------------------------------------------------------------------------
    def claims_per_day(self, filters: Sequence[Filter] = ()) -> list[tuple[str | None, int]]:
        out = self._snapshot().claims_per_day(filters) if self._wide("claims", filters, "date") else None
        out = _sum.claims_per_day(self.db, filters) if out is None else out
        return out if out is not None else _agg.claims_per_day(self.db, filters)

    def map_cells(self, filters: Sequence[Filter] = (), max_points: int = 5_000) -> MapCells:
        wide = self._wide("claims", filters, "precision", "admin1", "country")
        out = self._snapshot().map_cells(filters, max_points) if wide else None
        out = _sum.map_cells(self.db, filters, max_points) if out is None else out
        return out if out is not None else _agg.map_cells(self.db, filters, max_points)

    def summarizable(self, filters: Sequence[Filter], *fields: str) -> bool:
        """Whether counts over these filters (and facets of `fields`) come from the summary tables
        (exact and cheap) rather than from scanning claims."""
        return _sum.answerable(filters, *fields)

    def summary_is_small(self, filters: Sequence[Filter], *fields: str) -> bool:
        """Whether a small summary cube (not the one with every field, which is about as large as
        the claims on varied data) answers these filters: cheap enough for every page's total."""
        return _sum.answerable(filters, *fields) and _sum.cube_for(filters, *fields) != 0

    def enable_columnar(self, directory: Path | None = None) -> Columnar | None:
        """Answer what only the widest summary cube holds from a columnar snapshot per ledger version
        (`store/columnar.py`), kept in `directory` (default: beside a SQLite file, else under the
        data home); the summaries answer until it is written. None for an in-memory SQLite ledger."""
        if self.columnar is None:
            folder = directory or default_directory(self.db)
            self.columnar = Columnar(self.db, folder) if folder is not None else None
        return self.columnar

    def _wide(self, table: str, filters: Sequence[Filter], *fields: str) -> bool:
        """Whether the columnar snapshot should answer: it is enabled, and of the summary cubes only
        the widest (as many rows as claims) holds these filters and fields."""
        return (self.columnar is not None and table == "claims" and _sum.answerable(filters, *fields)
                and _sum.cube_for(filters, *fields) == 0)

    def _snapshot(self) -> Columnar:
        assert self.columnar is not None
        return self.columnar

    def rebuild_summaries(self) -> None:
        """Recount the summary tables from the claims (after writing claims outside `repo`)."""
        _sum.rebuild_all(self.db)

    def change_marker(self) -> tuple[Any, ...]:
        return _agg.change_marker(self.db)

    # time budgets ----------------------------------------------------------------------------
    def enable_time_budgets(self) -> bool:
        """Make `budgeted` effective for this ledger's reads (idempotent); call it once, early."""
        return self.db.enable_time_budgets()

    def budgeted(self, ms: float | None) -> AbstractContextManager[None]:
        """A block whose reads (in this thread) are interrupted after `ms` milliseconds, raising
        `BudgetExceeded`; None means no limit. Enables budgets on first use (better done early,
        with `enable_time_budgets`, as SQLite's pooled connections are replaced then)."""
        self.db.enable_time_budgets()
        return time_budget(ms)


__all__ = ["Ledger", "Filter", "Page", "QueryError", "BudgetExceeded", "MapCells", "DocumentRejected"]
