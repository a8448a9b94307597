"""How many documents per second the ledger absorbs, with 1..N concurrent writer processes.

Usage: .venv/bin/python bench/writers.py [--docs 400] [--writers 1,2] [--db URL]
Each writer process stores `--docs` generated documents of 3 claims each through
`repo.store_document` (one transaction per document, as every ingest does), no extraction;
the figure is documents per second over all writers. This is the ceiling a cluster of extracting
workers runs into (documents/hour per worker × workers must stay below it): on a 2-core machine
the writers share the cores with the database, so read the trend, not the absolute.
Default ledger: PostgreSQL at CLAIMLEDGER_TEST_PG (a fresh schema per run). Asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PG = os.environ.get("CLAIMLEDGER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _claim(n: int) -> object:
    from claimledger.model import Claim, Claimant, EventTime, Evidence, Location, Quantity, Victim

    text = f"Officials said {n} soldiers were killed near Kharkiv."
    return Claim(doc_id=None, kind="killed", victim=Victim("Russia", "military", "soldiers"),
                 quantity=Quantity(n, n, "exact", str(n)), claimant=Claimant("General Staff", "Ukraine"),
                 evidence=Evidence(text, 0, len(text)), stance="asserted", means=[],
                 location=Location("Kharkiv", 49.99, 36.23, "UA", "Kharkiv Oblast", "point"),
                 event_time=EventTime("2025-03-01", "2025-03-01", "day"), stated_on="2025-03-01", confidence=0.8)


def writer(url: str, schema: str | None, wid: int, n: int, spans: object) -> None:
    from claimledger.model import Document
    from claimledger.store import Ledger
    from claimledger.store.repo import store_document

    with Ledger.open(url, schema=schema, upgrade=False) as ledger:
        start = time.time()
        for i in range(n):
            doc = Document(id=f"w{wid}-{i}", text=f"Bulletin {wid}-{i}: losses reported near the front.",
                           published="2025-03-01", url=f"https://writers.example/{wid}/{i}")
            store_document(ledger.db, doc, [_claim(k + i % 7) for k in range(3)])  # type: ignore[misc]
        spans.put((start, time.time()))  # type: ignore[attr-defined]


def run(url: str, n_writers: int, n_docs: int) -> float:
    from claimledger.store import Ledger

    schema = f"bench_w_{uuid.uuid4().hex[:8]}" if url.startswith("postgresql") else None
    Ledger.open(url, schema=schema).close()  # migrate once, before the writers start
    ctx = multiprocessing.get_context("spawn")
    spans = ctx.Queue()
    procs = [ctx.Process(target=writer, args=(url, schema, w, n_docs, spans)) for w in range(n_writers)]
    for p in procs:
        p.start()
    got = [spans.get() for _ in procs]
    for p in procs:
        p.join()
    secs = max(e for _, e in got) - min(s for s, _ in got)  # first write to last, start-up excluded
    if schema:
        import sqlalchemy as sa

        eng = sa.create_engine(url)
        with eng.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        eng.dispose()
    return n_writers * n_docs / secs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=400, help="documents per writer")
    ap.add_argument("--writers", default="1,2")
    ap.add_argument("--db", default=PG)
    args = ap.parse_args()
    for n in (int(x) for x in args.writers.split(",")):
        load = os.getloadavg()[0]
        rate = run(args.db, n, args.docs)
        print(f"{n} writer(s): {rate:,.0f} documents/s = {rate * 3600:,.0f} documents/hour "
              f"(3 claims each; load avg before {load:.1f}; start-up excluded)", flush=True)


if __name__ == "__main__":
    main()
