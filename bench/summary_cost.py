"""What keeping the summary tables costs the write path: documents stored one transaction each
(`repo.store_document`, as ingest does) into an empty ledger, with the summaries maintained and
with their maintenance switched off, alternately in rounds so that both see the same machine load.

Usage: .venv/bin/python bench/summary_cost.py [--docs N] [--rounds R] [--url URL]
Claims are generated (bench/query.py's skewed generator, 10 per document). Prints seconds per
round and the ratio; asserts nothing. Target (issue 11): ingest <= 5 % slower end to end; this
bench shows the ledger's share alone, which is the upper bound of that.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimledger.model import Claim, Claimant, Document, EventTime, Evidence, Location, Quantity, Victim  # noqa: E402
from claimledger.store import Ledger, summary  # noqa: E402
from claimledger.store.repo import store_document  # noqa: E402


def generated(n_docs: int) -> list[tuple[Document, list[Claim]]]:
    spec = importlib.util.spec_from_file_location("bench_query", ROOT / "bench" / "query.py")
    assert spec is not None and spec.loader is not None
    gen: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    docs, rows = gen.generate(n_docs * 10, skew=True)
    out: list[tuple[Document, list[Claim]]] = []
    by_doc: dict[int, list[Claim]] = {}
    for r in rows:
        d = r["data"]
        loc = d["location"]
        by_doc.setdefault(r["document_id"], []).append(Claim(
            doc_id=d["doc_id"], kind=d["kind"], victim=Victim(d["victim"]["party"], d["victim"]["type"], "soldiers"),
            quantity=Quantity(d["quantity"]["low"], d["quantity"]["high"], d["quantity"]["qualifier"], ""),
            claimant=Claimant(d["claimant"]["name"], d["claimant"]["side"]), evidence=Evidence("text", 0, 4),
            stance="asserted", means=d["means"],
            location=Location(loc["name"], loc["lat"], loc["lon"], loc["country"], loc["admin1"], loc["precision"])
            if loc else None, event_time=EventTime(d["event_time"]["start"], d["event_time"]["end"], "day"),
            stated_on=d["stated_on"], confidence=0.5))
    for d in docs:
        out.append((Document(id=d["doc_key"], text=d["text"], url=d["url"], published=d["published"],
                             source=d["outlet"]), by_doc.get(d["id"], [])))
    return out


def one_round(url: str, schema: str | None, items: list[tuple[Document, list[Claim]]], maintain: bool) -> float:
    saved = summary.add_document, summary.retire
    if not maintain:
        summary.add_document = summary.retire = lambda s, document_id: None  # type: ignore[assignment]
    led = Ledger.open(url, schema=schema)
    try:
        t = time.perf_counter()
        for doc, claims in items:
            store_document(led.db, doc, claims)
        return time.perf_counter() - t
    finally:
        summary.add_document, summary.retire = saved
        led.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--url", help="PostgreSQL URL (a fresh schema per round); default: SQLite files")
    args = ap.parse_args()
    items = generated(args.docs)
    times: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for maintain in (False, True):
                schema = f"cost_{uuid.uuid4().hex[:8]}" if args.url else None
                url = args.url or f"sqlite:///{tmp}/r{r}{maintain}.db"
                times[maintain].append(one_round(url, schema, items, maintain))
                if schema:
                    import sqlalchemy as sa

                    eng = sa.create_engine(args.url)
                    with eng.begin() as conn:
                        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    eng.dispose()
                print(f"round {r + 1}: summaries {'on ' if maintain else 'off'} {times[maintain][-1]:.2f} s")
    off, on = statistics.median(times[False]), statistics.median(times[True])
    print(f"{args.docs} documents ({args.docs * 10} claims), one transaction each: median {off:.2f} s without "
          f"summaries, {on:.2f} s with ({(on / off - 1) * 100:+.1f} %, {(on - off) / args.docs * 1000:.2f} ms "
          f"per document)")


if __name__ == "__main__":
    main()
