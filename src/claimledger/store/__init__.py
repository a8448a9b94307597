"""The ledger store: documents, claims, groups, events, tallies; SQLite or PostgreSQL.

`Ledger.open(url)` opens (and migrates to head) a ledger; the read API (`query`, `facet_counts`,
`iter_rows`, ...) lives in `store.query` and is mirrored as methods here so that callers need
only one object. No SQL is written outside this package.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from claimledger.store import query as _q
from claimledger.store.db import Database, default_url
from claimledger.store.query import Filter, Page, QueryError


class Ledger:
    """An open ledger. Cheap to keep around (engines pool their connections)."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
        return _q.query(self.db, table, filters, order, cursor, limit, with_total, count_cap)

    def facet_counts(self, table: str, field: str, filters: Sequence[Filter] = (),
                     limit: int = 50) -> list[tuple[Any, int]]:
        return _q.facet_counts(self.db, table, field, filters, limit)

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

    def dataset_version(self) -> str:
        return _q.dataset_version(self.db)

    def filterable_fields(self, table: str) -> dict[str, str]:
        return _q.filterable_fields(table)


__all__ = ["Ledger", "Filter", "Page", "QueryError"]
