"""Ingest cost over `../shared/corpus/statements/`: end to end vs extraction alone, and re-ingest.

Usage: .venv/bin/python bench/ingest.py [--limit N] [--db URL]
       .venv/bin/python bench/ingest.py --into N [--backend sqlite|postgresql|both] [--limit 150] [--keep DIR]
1. warms the extractor up (model and gazetteer loading is not counted in either figure);
2. times `extract_documents` over the corpus (reading included, results discarded);
3. times `ingest` into an empty SQLite ledger (reading, skip check, extraction, one transaction per
   document, then the incremental reconcile);
4. times the same ingest again (everything known: no extraction).
With `--into N` instead: the same documents are ingested (extraction included) and reconciled into
an empty ledger and into a ledger pre-filled with N reconciled claims (`bench/prefill.py`), per
backend; the ratio full/empty is the figure (target <= 1.5 at N = 1,000,000). Set BENCH_SRC to
another checkout's src/ to time that version on the same ledger (a before/after).
Prints figures; asserts nothing. Targets: overhead <= 25 %, second ingest >= 20x faster.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("BENCH_SRC") or str(ROOT / "src"))

from claimledger.core import extract_documents  # noqa: E402
from claimledger.reconcile import reconcile  # noqa: E402
from claimledger.service import ingest  # noqa: E402
from claimledger.sources import ReadOptions, read_sources  # noqa: E402
from claimledger.store import Ledger, repo  # noqa: E402

LEDGER_SECONDS = [0.0]


def _timed(fn: Any) -> Any:
    """Wrap a repository function so the bench can report the time spent in the ledger itself."""

    def wrapper(*a: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            LEDGER_SECONDS[0] += time.perf_counter() - t

    return wrapper


for _name in ("store_document", "known_run", "record_failure", "update_run_counts"):
    setattr(repo, _name, _timed(getattr(repo, _name)))

CORPUS = ROOT.parent / "shared" / "corpus" / "statements"


def read(limit: int | None) -> Iterator[Any]:
    items = read_sources([str(CORPUS)], ReadOptions())
    return islice(items, limit) if limit else items


def _into(ledger: Ledger, limit: int | None, tmp: str) -> tuple[float, float, int, int]:
    """(ingest seconds, reconcile seconds, documents stored, claims reconciled) of one run."""
    t = time.perf_counter()
    rep = ingest(ledger, [str(CORPUS)], documents=read(limit), report=f"{tmp}/fail.jsonl")
    ingest_s = time.perf_counter() - t
    t = time.perf_counter()
    rec = reconcile(ledger)
    return ingest_s, time.perf_counter() - t, rep.counts.stored, rec.claims


def _prefilled_sqlite(keep: Path, n_claims: int, tmp: str) -> str:
    """A copy, in `tmp`, of the SQLite ledger of `n_claims` kept in `keep` (built there the first
    time): prefilling a million claims takes minutes, copying the file seconds."""
    from prefill import prefill  # type: ignore[import-not-found]

    kept = keep / f"sqlite-{n_claims}.db"
    if not kept.exists():
        keep.mkdir(parents=True, exist_ok=True)
        part = keep / f"sqlite-{n_claims}.part.db"
        part.unlink(missing_ok=True)
        ledger = Ledger.open(f"sqlite:///{part}")
        info = prefill(ledger, n_claims)
        ledger.close()
        with sqlite3.connect(part) as conn:  # fold the write-ahead log into the file before keeping it
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        part.rename(kept)
        print(f"[sqlite] prefilled {n_claims:,} claims ({info['groups']:,} groups, {info['events']:,} events) in "
              f"{info['plan_s'] + info['load_s']:.0f} s, kept as {kept}")
    shutil.copyfile(kept, f"{tmp}/bench.db")
    return f"sqlite:///{tmp}/bench.db"


def large(n_claims: int, backend: str, limit: int | None, keep: Path | None) -> None:
    """Ingest + reconcile into an empty ledger and into one of `n_claims` reconciled claims."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from prefill import prefill

    pg = os.environ.get("CLAIMLEDGER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    for name in (["sqlite", "postgresql"] if backend == "both" else [backend]):
        for label, size in (("empty", 0), (f"{n_claims:,} claims", n_claims)):
            with tempfile.TemporaryDirectory() as tmp:
                schema = f"bench_{uuid.uuid4().hex[:8]}" if name == "postgresql" else None
                url = f"sqlite:///{tmp}/bench.db"
                if size and keep is not None and not schema:
                    url, size = _prefilled_sqlite(keep, size, tmp), 0
                ledger = Ledger.open(pg if schema else url, schema=schema)
                try:
                    if size:
                        info = prefill(ledger, size)
                        print(f"[{name}] prefilled {size:,} claims ({info['groups']:,} groups, {info['events']:,} "
                              f"events) in {info['plan_s'] + info['load_s']:.0f} s")
                    load0 = os.getloadavg()[0]
                    ing, rec, docs, claims = _into(ledger, limit, tmp)
                    print(f"[{name}] into {label}: {docs} documents stored in {ing:.1f} s, reconcile of {claims} "
                          f"claims {rec:.2f} s, total {ing + rec:.1f} s (load avg {load0:.1f}, peak RSS "
                          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
                finally:
                    ledger.close()
                    if schema:
                        _drop_schema(pg, schema)


def _drop_schema(url: str, schema: str) -> None:
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    with eng.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    ap.add_argument("--db", default=None, help="ledger URL (default: a temporary SQLite file)")
    ap.add_argument("--into", type=int, default=0, help="compare an empty ledger with one of N reconciled claims")
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--keep", type=Path, default=None,
                    help="folder (outside the repo) where the pre-filled SQLite ledger is kept and reused by copy")
    args = ap.parse_args()
    if args.into:
        t = time.perf_counter()
        list(extract_documents([{"id": "warm", "text": "Five soldiers were killed in Kharkiv, the army said.",
                                 "published": "2025-01-01"}]))
        print(f"extractor warm-up (not counted): {time.perf_counter() - t:.1f} s")
        large(args.into, args.backend, args.limit, args.keep)
        return

    t = time.perf_counter()
    list(extract_documents([{"id": "warm", "text": "Five soldiers were killed in Kharkiv, the army said.",
                             "published": "2025-01-01"}]))
    print(f"extractor warm-up (not counted): {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    n_docs = n_claims = 0
    for r in extract_documents(read(args.limit)):
        n_docs += 1
        n_claims += len(r.claims)
    extract_s = time.perf_counter() - t
    print(f"extract alone: {n_docs} documents, {n_claims} claims in {extract_s:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger.open(args.db or f"sqlite:///{tmp}/bench.db")
        specs = [str(CORPUS)]
        LEDGER_SECONDS[0] = 0.0
        t = time.perf_counter()
        rep = ingest(ledger, specs, documents=read(args.limit), report=f"{tmp}/fail.jsonl")
        ledger_s = LEDGER_SECONDS[0]
        store_s = time.perf_counter() - t
        t = time.perf_counter()
        rec = reconcile(ledger)
        rec_s = time.perf_counter() - t
        first_s = store_s + rec_s
        c = rep.counts
        print(f"ingest #1: {c.processed} processed, {c.stored} stored, {c.failed} failed, {c.claims} claims in "
              f"{store_s:.1f} s + reconcile {rec_s:.2f} s ({rec.groups_touched} groups, {rec.events_touched} events, "
              f"{rec.tallies} tallies, {rec.near_dups} near-dups) = {first_s:.1f} s")
        t = time.perf_counter()
        rep2 = ingest(ledger, specs, documents=read(args.limit), report=f"{tmp}/fail2.jsonl")
        reconcile(ledger)
        second_s = time.perf_counter() - t
        print(f"ingest #2: {rep2.counts.skipped} skipped, {rep2.counts.stored} stored in {second_s:.2f} s")
        ledger.close()
    overhead = (first_s / extract_s - 1) * 100
    direct = (ledger_s + rec_s) / extract_s * 100
    print(f"\ntime in the ledger during ingest #1 (skip checks, document+claim transactions): {ledger_s:.2f} s;"
          f" with reconcile {ledger_s + rec_s:.2f} s = {direct:.1f} % of extract alone")
    print(f"wall-clock overhead of ingest over extract alone: {overhead:+.1f} % (target <= 25 %; both runs share "
          f"the machine with other jobs, so this figure is noisy; the line above is the ledger's own cost)")
    print(f"second ingest speed-up: {first_s / second_s:.0f}x (target >= 20x)")


if __name__ == "__main__":
    main()
