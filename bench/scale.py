"""Parallel and distributed ingest over `../shared/corpus/statements/`, side by side.

Usage: .venv/bin/python bench/scale.py [--limit N] [--modes serial,workers2,dask2]
Each mode ingests the same documents into a fresh SQLite ledger through `service.ingest`
(reading, skip checks, extraction, one transaction per document; no reconcile):
- serial:   `--workers 1` (extraction in this process);
- workersN: `--workers N` (a pool of N spawned processes, one writer);
- daskN:    a Dask LocalCluster of N worker processes (1 thread each) through `--dask`.
Workers are started and warmed (extractor loaded) before the clock starts, as the serial run's
extractor is; the start-up is printed apart. Peak memory: the largest RSS each worker process
reached (sampled every 0.2 s), and this process's own peak. Prints figures and the load
average (the machine is shared: read ratios, not absolutes); asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import psutil  # noqa: E402

from claimledger.live.cluster import DaskExtractor  # noqa: E402
from claimledger.live.parallel import ParallelExtractor, warm  # noqa: E402
from claimledger.service import ingest  # noqa: E402
from claimledger.sources import ReadOptions, read_sources  # noqa: E402
from claimledger.store import Ledger  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "statements"


def read(limit: int | None) -> Iterator[Any]:
    items = read_sources([str(CORPUS)], ReadOptions())
    return islice(items, limit) if limit else items


class PeakRss:
    """Samples the RSS of some processes in a thread; `peaks` maps pid to its largest RSS in MB."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids, self.peaks = pids, {}  # type: ignore[var-annotated]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for pid in self.pids():
                try:
                    rss = psutil.Process(pid).memory_info().rss / 2**20
                except psutil.Error:
                    continue
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


PARENT_CPU = [0.0]  # CPU seconds this process (the reader and writer) spent in the last timed ingest


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed_ingest(extract: Any, limit: int | None) -> tuple[float, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        with Ledger.open(f"sqlite:///{tmp}/scale.db") as ledger:
            t, cpu = time.perf_counter(), _cpu()
            rep = ingest(ledger, [str(CORPUS)], documents=read(limit), extract=extract, write_report=False)
            PARENT_CPU[0] = _cpu() - cpu
            return time.perf_counter() - t, rep.counts


def run_mode(mode: str, limit: int | None) -> tuple[float, Any, str]:
    if mode == "serial":
        t = time.perf_counter()
        warm()
        start = time.perf_counter() - t
        secs, counts = timed_ingest(None, limit)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return secs, counts, f"start-up {start:.1f} s; peak RSS of this process {own:.0f} MB"
    n = int(mode.removeprefix("workers").removeprefix("dask"))
    if mode.startswith("workers"):
        t = time.perf_counter()
        with ParallelExtractor(n) as ex:
            start = time.perf_counter() - t
            cpu0 = _worker_cpu(ex.pids())
            with PeakRss(ex.pids) as peak:
                secs, counts = timed_ingest(ex, limit)
            cpu = _worker_cpu(ex.pids()) - cpu0
        return secs, counts, (f"start-up {start:.1f} s; CPU of the workers {cpu:.1f} s; peak RSS per worker "
                              + _peaks(peak.peaks))
    from distributed import Client, LocalCluster

    t = time.perf_counter()
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.run(warm)
        start = time.perf_counter() - t
        pids = list(client.run(os.getpid).values())
        cpu0 = _worker_cpu(pids)
        with PeakRss(lambda: pids) as peak:
            secs, counts = timed_ingest(DaskExtractor(cluster.scheduler_address), limit)
        cpu = _worker_cpu(pids) - cpu0
    return secs, counts, (f"start-up {start:.1f} s; CPU of the workers {cpu:.1f} s; peak RSS per worker "
                          + _peaks(peak.peaks))


def _worker_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes `pids` have used so far."""
    total = 0.0
    for pid in pids:
        t = psutil.Process(pid).cpu_times()
        total += t.user + t.system
    return total


def _peaks(peaks: dict[int, float]) -> str:
    return ", ".join(f"{v:.0f} MB" for v in sorted(peaks.values())) or "n/a"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    ap.add_argument("--modes", default="serial,workers2,dask2")
    args = ap.parse_args()
    n_docs = sum(1 for _ in read(args.limit))
    n_words = sum(len(d.text.split()) for d in read(args.limit) if hasattr(d, "text"))
    print(f"{n_docs} documents, {n_words:,} words; cores: {os.cpu_count()}")
    results: dict[str, float] = {}
    for mode in args.modes.split(","):
        load = os.getloadavg()[0]
        secs, counts, extra = run_mode(mode, args.limit)
        results[mode] = secs
        print(f"{mode:9} {secs:7.1f} s  {n_words / secs:8,.0f} words/s  {counts.stored} stored, {counts.claims} claims"
              f"  (load avg before {load:.1f}, after {os.getloadavg()[0]:.1f}; CPU of this process "
              f"{PARENT_CPU[0]:.1f} s; {extra})", flush=True)
    base = results.get("serial")
    for mode, secs in results.items():
        if base and mode != "serial":
            print(f"speed-up {mode} over serial: {base / secs:.2f}x")
    if "workers2" in results and "dask2" in results:
        print(f"dask2 / workers2 time: {results['dask2'] / results['workers2']:.2f} (the engine's overhead)")


if __name__ == "__main__":
    main()
