"""What watch mode keeps in the ledger: each followed source's validators and retry schedule,
and whether an address is already stored (so a feed item is passed over before it is fetched).

Keeping this in the ledger, not in a file beside it, is what lets a watcher restarted on another
machine (or in a new container) continue where the last one stopped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from claimledger.store.db import Database
from claimledger.store.models import DocumentRow, WatchSource

STATE_FIELDS = ("etag", "last_modified", "fingerprint", "last_polled", "last_changed", "errors", "next_poll",
                "last_error")


def watch_state(db: Database, source: str) -> dict[str, Any] | None:
    with db.reading() as s:
        row = s.get(WatchSource, source)
        return None if row is None else {k: getattr(row, k) for k in STATE_FIELDS}


def save_watch_state(db: Database, source: str, **fields: Any) -> None:
    """Set some of a source's fields (`STATE_FIELDS`), creating its row on first use."""
    unknown = set(fields) - set(STATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown watch state fields: {sorted(unknown)}")

    def write(s: Any) -> None:
        row = s.get(WatchSource, source)
        if row is None:
            row = WatchSource(source=source, errors=0)
            s.add(row)
        for k, v in fields.items():
            setattr(row, k, v)

    db.write(write)


def address_known(db: Database, address: str) -> bool:
    """A document is stored under this address (any revision): one index look-up."""
    with db.reading() as s:
        return s.execute(select(DocumentRow.id).where(DocumentRow.identity == address).limit(1)).first() is not None


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


__all__ = ["watch_state", "save_watch_state", "address_known", "as_utc", "STATE_FIELDS"]
