"""Extraction in N worker processes, results in input order, for `service.ingest(extract=...)`.

Each worker loads the extractor (spaCy, gazetteer) once, when it starts, and then extracts whole
batches; the calling process stays the only writer (it stores each result as it comes back,
in input order), so progress, failures, `--resume` and idempotency are the serial run's.
At most `2 × workers` batches are in flight: memory stays flat on a corpus of any size.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from claimledger import core
from claimledger.model import Document


def warm() -> None:
    """Load the extractor in this process (a worker's initializer): an empty run loads it."""
    list(core.extract_documents([]))


def extract_batch(docs: list[Document]) -> list[core.DocResult]:
    """One batch, extracted where this runs (a worker process, a Dask worker)."""
    return list(core.extract_documents(docs, batch_size=max(1, len(docs))))


def batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while chunk := list(islice(it, size)):
        yield chunk


class ParallelExtractor:
    """An `ExtractFn` that spreads batches over `workers` processes (spawned: no inherited
    threads or database connections). Used as a context manager, its pool starts (and every
    worker loads the extractor) on entry and serves every call until exit; otherwise each call
    starts and stops its own pool. A task is at most `batch_size` documents (fewer when the
    caller asks for smaller batches): small enough that the last tasks of a run still spread over
    every worker (extraction batches per sentence, so small tasks cost it nothing)."""

    def __init__(self, workers: int, batch_size: int = 8) -> None:
        if workers < 1:
            raise ValueError(f"--workers must be at least 1 (got {workers})")
        self.workers, self.batch_size = workers, batch_size
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm)

    def __enter__(self) -> ParallelExtractor:
        self._pool = self._new_pool()
        for f in [self._pool.submit(_ready) for _ in range(self.workers)]:  # spawns and warms every worker
            f.result()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def pids(self) -> list[int]:
        """The worker processes' ids (for measuring them)."""
        return [p.pid for p in (getattr(self._pool, "_processes", None) or {}).values() if p.pid is not None]

    def __call__(self, docs: Iterable[Document], batch_size: int | None = None) -> Iterator[core.DocResult]:
        size = min(batch_size or self.batch_size, self.batch_size)
        if self._pool is not None:
            yield from self._run(self._pool, docs, size)
            return
        with self._new_pool() as pool:
            yield from self._run(pool, docs, size)

    def _run(self, pool: ProcessPoolExecutor, docs: Iterable[Document], size: int) -> Iterator[core.DocResult]:
        pending: deque[Future[list[core.DocResult]]] = deque()
        for chunk in batches(docs, size):
            pending.append(pool.submit(extract_batch, chunk))
            while len(pending) >= 2 * self.workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _ready() -> bool:
    time.sleep(0.2)  # long enough that the pool starts a process per task
    return True
