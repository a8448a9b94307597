"""Reading throughput and memory of `read_sources` (decode, JSON, validate_text; no extraction).

Builds a JSON Lines corpus of about TARGET_MB by repeating ../shared/corpus/statements/*.jsonl in
a temporary folder, reads it through `read_sources`, and prints documents/s, MB/s, words/s and
peak RSS before/after, to show the readers stream (memory flat however large the file).
Usage: .venv/bin/python bench/sources_read.py [TARGET_MB]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from claimledger.model import Document
from claimledger.sources import read_sources

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    target = int(sys.argv[1]) * 1_000_000 if len(sys.argv) > 1 else 200_000_000
    src = sorted((SHARED / "corpus" / "statements").glob("*.jsonl"))
    if not src:
        sys.exit(f"no corpus under {SHARED / 'corpus' / 'statements'}")
    blob = b"".join(p.read_bytes() for p in src)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "corpus.jsonl"
        with big.open("wb") as f:
            while f.tell() < target:
                f.write(blob)
        size = big.stat().st_size
        rss0 = peak_rss_mb()
        t0 = time.perf_counter()
        docs = errors = words = 0
        for item in read_sources([str(big)]):
            if isinstance(item, Document):
                docs += 1
                words += item.text.count(" ") + 1
            else:
                errors += 1
        dt = time.perf_counter() - t0
    print(f"file           {size / 1e6:,.1f} MB, {docs:,} documents, {errors:,} errors")
    print(f"time           {dt:.2f} s")
    print(f"throughput     {docs / dt:,.0f} docs/s, {size / 1e6 / dt:,.1f} MB/s, ~{words / dt:,.0f} words/s")
    print(f"peak RSS       {rss0:,.0f} MB before reading, {peak_rss_mb():,.0f} MB after")


if __name__ == "__main__":
    main()
