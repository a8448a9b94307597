"""Ingest cost over `../shared/corpus/statements/`: end to end vs extraction alone, and re-ingest.

Usage: .venv/bin/python bench/ingest.py [--limit N] [--db URL]
1. warms the extractor up (model and gazetteer loading is not counted in either figure);
2. times `extract_documents` over the corpus (reading included, results discarded);
3. times `ingest` into an empty SQLite ledger (reading, skip check, extraction, one transaction per
   document, then the incremental reconcile);
4. times the same ingest again (everything known: no extraction).
Prints figures; asserts nothing. Targets: overhead <= 25 %, second ingest >= 20x faster.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="first N documents only")
    ap.add_argument("--db", default=None, help="ledger URL (default: a temporary SQLite file)")
    args = ap.parse_args()

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
