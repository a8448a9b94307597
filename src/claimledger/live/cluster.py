"""Extraction on a Dask cluster (`dask.distributed`), for `service.ingest(extract=...)`.

This process reads the sources, cuts the documents into partitions (batches of documents in
input order), submits each partition as one task, and stores the results as they come back, in
input order, as the only writer: the ledger needs no access from the workers, and a document is
stored once however often its partition runs. A worker that dies mid-task loses its partitions;
the scheduler runs them again on another worker (up to its `allowed-failures`), and results are
consumed once per partition, so nothing is stored twice. Reconcile runs once, at the end of the
ingest, in this process (the service does it).

Cluster: `dask scheduler` on one machine, `dask worker tcp://HOST:8786 --nthreads 1` on each
(claimledger installed there too; one thread per worker process, as extraction holds the GIL);
each worker process loads the extractor once, on its first partition.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any
from uuid import uuid4

from claimledger import core
from claimledger.live.parallel import batches, extract_batch
from claimledger.model import Document

IN_FLIGHT_PER_WORKER = 3  # partitions queued per worker: enough to keep it busy, little to redo


class DaskExtractor:
    """An `ExtractFn` that runs partitions of documents on the Dask scheduler at `address`."""

    def __init__(self, address: str, partition: int = 16, retries: int = 2) -> None:
        self.address, self.partition, self.retries = address, partition, retries

    def _client(self) -> Any:
        try:
            from distributed import Client
        except ImportError as e:  # an optional engine: say what to install
            raise RuntimeError("--dask needs dask.distributed: pip install 'dask[distributed]'") from e
        return Client(self.address, timeout="30s")

    def __call__(self, docs: Iterable[Document], batch_size: int | None = None) -> Iterator[core.DocResult]:
        run = uuid4().hex[:8]
        with self._client() as client:
            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            pending: deque[Any] = deque()
            for i, chunk in enumerate(batches(docs, self.partition)):
                pending.append(client.submit(extract_batch, chunk, key=f"claimledger-extract-{run}-{i}",
                                             retries=self.retries, pure=False))
                while len(pending) >= IN_FLIGHT_PER_WORKER * n_workers:
                    yield from _take(pending)
            while pending:
                yield from _take(pending)


def _take(pending: deque[Any]) -> list[core.DocResult]:
    """The oldest partition's results (waiting for it), released from the cluster's memory."""
    future = pending.popleft()
    try:
        out: list[core.DocResult] = future.result()
    finally:
        future.release()
    return out
