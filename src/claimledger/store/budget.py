"""Time budgets for reads: past its budget a query is interrupted instead of running on.

A page of 50 rows comes from an index in a millisecond or two, but counting every match of a
broad filter over a million claims can take a second. Callers that can live without an answer
(the API's totals, facet counts and aggregates) run such reads inside `time_budget(ms)`; when the
deadline passes the database interrupts the statement and `BudgetExceeded` is raised.

SQLite: a progress handler on each connection interrupts a query once the calling thread's
deadline has passed. PostgreSQL: `SET LOCAL statement_timeout` for each transaction begun inside
a budget. Both are hooked onto an engine by `install` (see `Database.enable_time_budgets`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from claimledger.errors import StoreError

_local = threading.local()
# SQLite calls the progress handler every this many virtual-machine steps (about a millisecond of
# work). Each call takes the GIL: every few thousand steps, as before, made concurrent queries of
# one server process queue on the GIL, so a process used little more than one core.
PROGRESS_STEPS = 100_000


class BudgetExceeded(StoreError):
    """The work did not fit in its time budget and was interrupted."""


def _deadline() -> float | None:
    return getattr(_local, "deadline", None)


def _progress() -> int:
    d = _deadline()
    return 1 if d is not None and time.perf_counter() > d else 0


@contextmanager
def time_budget(ms: float | None) -> Iterator[None]:
    """Queries run by this thread inside the block are interrupted after `ms` milliseconds
    (None: no limit) and surface as `BudgetExceeded`. Only engines with `install` honour it."""
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
    """Whether a database error is the interruption a budget causes (not a real failure)."""
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
            dbapi_conn.set_progress_handler(_progress, PROGRESS_STEPS)

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


__all__ = ["BudgetExceeded", "time_budget", "is_interrupt", "install"]
