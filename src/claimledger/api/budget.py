"""Time budgets for the expensive parts of a response: exact totals, facet counts, aggregates.

A page of 50 rows comes from an index in a millisecond or two, but counting every match of a
broad filter over a million claims can take a second. Like Datasette, the API gives such work a
time budget: within it the answer is exact; past it the query is interrupted and the response
says so (`total: null, total_truncated: true`, a facet with `timed_out: true`) instead of making
every page slow. `_total=exact` waits for the exact count, and exact counts are cached until the
ledger changes, so the dashboard's background count makes the next pages exact too.

The interruption itself is the store's (`Ledger.budgeted`, see `store/budget.py`); this module
only decides what to cache and for how long.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from claimledger.store import BudgetExceeded, Filter, Ledger

T = TypeVar("T")


def filters_key(filters: Sequence[Filter]) -> tuple[Any, ...]:
    """A hashable cache key for a list of filters (values by repr: lists are unhashable)."""
    return tuple((f.field, f.op, repr(f.value)) for f in filters)


class _Flight:
    """One computation in progress; followers wait on `done`."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None

    def finish(self, value: tuple[Any] | None) -> None:
        if value is not None:
            self.ok, self.value = True, value[0]
        self.done.set()


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
        self._flights: dict[tuple[Any, ...], _Flight] = {}
        self._missed: dict[tuple[Any, ...], float] = {}  # key -> the largest budget it did not fit

    def invalidate(self) -> None:
        """Forget the remembered version: this process just changed the ledger (a POST), so the next
        answer must not come from before the change, even within `VERSION_TTL`."""
        self._version = None

    def version(self) -> tuple[Any, ...]:
        """Cheap (index max lookups) and changes whenever stored content or reconciliation does;
        re-read at most every `VERSION_TTL` seconds."""
        now = time.monotonic()
        if self._version is not None and now - self._version[0] < self.VERSION_TTL:
            return self._version[1]
        self._version = (now, self.ledger.change_marker())
        return self._version[1]

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T], budget_ms: float | None) -> T | None:
        """`compute()` within `budget_ms` (None when it does not fit), remembered per ledger version.

        A key that did not fit a budget is not tried again on the same ledger version within a budget
        as small (a page's total past its 15 ms stays null at no cost until `_total=exact` counts it).

        Single flight: while one request computes a key, the others asking for the same key wait for
        its answer (within their own budget) instead of computing it again, so that fifty clients
        opening the same view cost one computation, not fifty."""
        full = (*key, self.version())
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(full)
            if hit is not None and now - hit[0] < self.ttl:
                self._cache.move_to_end(full)
                return cast(T, hit[1])
            missed = self._missed.get(full)
            if missed is not None and budget_ms is not None and budget_ms <= missed:
                return None  # did not fit this budget on this ledger version before: do not try again
            flight = self._flights.get(full)
            leader = flight is None
            if flight is None:
                flight = self._flights[full] = _Flight()
        if not leader:
            if flight.done.wait(None if budget_ms is None else budget_ms / 1000.0) and flight.ok:
                return cast(T, flight.value)
            if not flight.done.is_set():
                return None  # still being computed: it would not fit this budget either
        value: tuple[T] | None = None
        try:
            value = self._compute(compute, budget_ms)
        finally:
            if leader:
                with self._lock:
                    self._flights.pop(full, None)
                flight.finish(value)
        if value is None:
            if budget_ms is not None and self.size > 0:
                with self._lock:
                    self._missed[full] = max(budget_ms, self._missed.get(full, 0.0))
                    while len(self._missed) > self.size:
                        self._missed.pop(next(iter(self._missed)))
            return None
        if self.size > 0:
            with self._lock:
                self._cache[full] = (now, value[0])
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return value[0]

    def _compute(self, compute: Callable[[], T], budget_ms: float | None) -> tuple[T] | None:
        try:
            with self.ledger.budgeted(budget_ms):
                return (compute(),)
        except BudgetExceeded:
            return None

    def total(self, table: str, filters: Sequence[Filter], budget_ms: float | None) -> int | None:
        """The exact number of matching rows, or None when counting would exceed `budget_ms`."""
        return self.cached(("count", table, filters_key(filters)),
                           lambda: self.ledger.count(table, filters), budget_ms)


class ResponseCache:
    """Whole JSON answers (the encoded bytes) of read requests, keyed by the ledger version of
    `counter`, the path and the query as sent (decoded, in its order: the toggle links of a facet
    answer repeat it). Bounded by total bytes, least recently used out first. A repeat view then
    costs a dictionary look-up instead of the queries, the toggle links and the encoding; the
    numbers stay exact because a changed ledger has a new version, so an old answer is never found
    again. Only complete answers are kept (the caller decides: nothing timed out or truncated)."""

    def __init__(self, counter: Counter, max_bytes: int = 64 << 20) -> None:
        self.counter = counter
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def key(self, path: str, query: Sequence[tuple[str, str]]) -> tuple[Any, ...]:
        return (self.counter.version(), path, tuple(query))

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: tuple[Any, ...], body: bytes) -> None:
        if len(body) > self.max_bytes // 8:
            return  # one huge answer would push out many useful ones
        with self._lock:
            old = self._entries.pop(key, None)
            self._bytes += len(body) - (len(old) if old is not None else 0)
            self._entries[key] = body
            while self._bytes > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)


__all__ = ["BudgetExceeded", "Counter", "ResponseCache", "filters_key"]
