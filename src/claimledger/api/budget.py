"""Time budgets for the expensive parts of a response: exact totals, facet counts, aggregates.

A page of 50 rows comes from an index in a millisecond or two, but counting every match of a
broad filter over a million claims can take a second. Like Datasette, the API gives such work a
time budget: within it the answer is exact; past it the query is interrupted and the response
says so (`total: null, total_truncated: true`, a facet with `timed_out: true`) instead of making
every page slow. `_total=exact` waits for the exact count, and exact counts are cached until the
ledger changes, so the dashboard's background count makes the next pages exact too.

SQLite: a progress handler on each connection interrupts a query once the calling thread's
deadline has passed. PostgreSQL: `statement_timeout` for each transaction begun inside a budget.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import DBAPIError, OperationalError

from claimledger.store import Ledger
from claimledger.store.models import ClaimGroup, ClaimRow, DocumentRow, Event, IngestRun
from claimledger.store.query import Filter
from claimledger.store.query import _count as _store_count
from claimledger.store.query import _where as _where

_local = threading.local()
T = TypeVar("T")


class BudgetExceeded(Exception):
    """The work did not fit in its time budget and was interrupted."""


def _deadline() -> float | None:
    return getattr(_local, "deadline", None)


def _progress() -> int:
    d = _deadline()
    return 1 if d is not None and time.perf_counter() > d else 0


@contextmanager
def time_budget(ms: float | None) -> Iterator[None]:
    """Queries run by this thread inside the block are interrupted after `ms` milliseconds."""
    prev = _deadline()
    _local.deadline = None if ms is None else time.perf_counter() + ms / 1000.0
    try:
        yield
    except (OperationalError, DBAPIError) as exc:
        if is_interrupt(exc):
            raise BudgetExceeded(str(exc)) from None
        raise
    finally:
        _local.deadline = prev


def is_interrupt(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "interrupted" in msg or "statement timeout" in msg or "canceling statement" in msg


def install(engine: Engine) -> bool:
    """Let `time_budget` interrupt the queries of this engine: SQLite through a progress handler on
    every connection, PostgreSQL through `SET LOCAL statement_timeout` when a transaction begins
    inside a budget. Returns False when already installed or the dialect has neither."""
    if getattr(engine, "_claimledger_budget", False):
        return False
    if engine.dialect.name == "sqlite":
        def on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.set_progress_handler(_progress, 4000)

        event.listen(engine, "connect", on_connect)
        engine.dispose()  # connections opened before the handler existed are replaced
    elif engine.dialect.name == "postgresql":
        def on_begin(conn: Any) -> None:
            d = _deadline()
            if d is not None:
                ms = max(1, int((d - time.perf_counter()) * 1000))
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {ms:d}")  # an int we computed

        event.listen(engine, "begin", on_begin)
    else:
        return False
    engine._claimledger_budget = True  # type: ignore[attr-defined]
    return True


def filters_key(filters: Sequence[Filter]) -> tuple[Any, ...]:
    return tuple((f.field, f.op, repr(f.value)) for f in filters)


class Counter:
    """Results that cost more than a page (totals, facet counts, timeline and map aggregates):
    computed within a time budget and cached per ledger version."""

    VERSION_TTL = 2.0

    def __init__(self, ledger: Ledger, size: int = 512, ttl: float = 300.0) -> None:
        self.ledger = ledger
        self.size = size
        self.ttl = ttl
        self._cache: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._version: tuple[float, tuple[Any, ...]] | None = None

    def version(self) -> tuple[Any, ...]:
        """Cheap (index max lookups) and changes whenever stored content or reconciliation does;
        re-read at most every `VERSION_TTL` seconds."""
        now = time.monotonic()
        if self._version is not None and now - self._version[0] < self.VERSION_TTL:
            return self._version[1]
        with self.ledger.db.reading() as s:
            row = s.execute(select(
                select(func.max(DocumentRow.id)).scalar_subquery(),
                select(func.max(ClaimRow.id)).scalar_subquery(),
                select(func.max(Event.id)).scalar_subquery(),
                select(func.max(ClaimGroup.id)).scalar_subquery(),
                select(func.max(IngestRun.id)).scalar_subquery(),
                select(func.count()).select_from(ClaimRow).where(
                    ClaimRow.current.is_(True), ClaimRow.reconciled.is_(False)).scalar_subquery(),
            )).one()
        self._version = (now, tuple(row))
        return self._version[1]

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T], budget_ms: float | None) -> T | None:
        """`compute()` within `budget_ms` (None when it does not fit), remembered per ledger version."""
        full = (*key, self.version())
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(full)
            if hit is not None and now - hit[0] < self.ttl:
                self._cache.move_to_end(full)
                return cast(T, hit[1])
        try:
            with time_budget(budget_ms):
                value = compute()
        except BudgetExceeded:
            return None
        if self.size > 0:
            with self._lock:
                self._cache[full] = (now, value)
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return value

    def total(self, table: str, filters: Sequence[Filter], budget_ms: float | None) -> int | None:
        """The exact number of matching rows, or None when counting would exceed `budget_ms`."""
        def count() -> int:
            conds = _where(table, filters)
            with self.ledger.db.reading() as s:
                return _store_count(s, table, conds)

        return self.cached(("count", table, filters_key(filters)), count, budget_ms)
