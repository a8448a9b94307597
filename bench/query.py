"""Filtered first-page latency of the ledger's query API with 1,000,000 generated claims.

Usage: .venv/bin/python bench/query.py [--claims N] [--backend sqlite|postgresql|both] [--keep PATH]
Generates documents and claims (random kinds, parties, sides, places, dates, quantities),
bulk-loads them (executemany on SQLite, COPY on PostgreSQL), then times the first page of a
few filtered queries (median and worst of 7 runs after one warm-up), without and with the
total count. Prints figures; asserts nothing. Target: first page < 100 ms on both backends.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from claimledger.store import Filter, Ledger  # noqa: E402
from claimledger.store.bulk import analyze, bulk_insert  # noqa: E402
from claimledger.store.repo import claim_columns  # noqa: E402

PG_URL = os.environ.get("CLAIMLEDGER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KINDS = ["killed"] * 5 + ["wounded"] * 3 + ["casualties", "captured", "equipment_destroyed", "equipment_damaged"]
PARTIES = ["Russia"] * 6 + ["Ukraine"] * 3 + ["North Korea", "Wagner Group", None]
SIDES = {"Russia": "Ukraine", "Ukraine": "Russia"}
PLACES = [("Pokrovsk", "Donetsk Oblast", 48.28, 37.18), ("Bakhmut", "Donetsk Oblast", 48.59, 38.0),
          ("Avdiivka", "Donetsk Oblast", 48.14, 37.74), ("Kupiansk", "Kharkiv Oblast", 49.71, 37.61),
          ("Kharkiv", "Kharkiv Oblast", 49.99, 36.23), ("Kherson", "Kherson Oblast", 46.63, 32.61),
          ("Zaporizhzhia", "Zaporizhzhia Oblast", 47.84, 35.14), ("Sudzha", "Kursk Oblast", 51.19, 35.27),
          ("Kursk", "Kursk Oblast", 51.73, 36.19), ("Odesa", "Odesa Oblast", 46.48, 30.72),
          ("Sumy", "Sumy Oblast", 50.91, 34.8), ("Chasiv Yar", "Donetsk Oblast", 48.59, 37.84)]
START = date(2022, 2, 24)
FETCHED = datetime(2025, 6, 1, tzinfo=UTC)


def _zipf(rnd: random.Random, items: list[Any], s: float = 1.1) -> Iterator[Any]:
    """Items drawn forever with weights 1/rank^s: the first few dominate, the tail is long."""
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    while True:
        yield from rnd.choices(items, weights, k=1024)


class Skew:
    """Realistic skew (`generate(..., skew=True)`): a few parties, places and outlets dominate, a
    long tail of rare ones follows, and reporting grows over the war with bursts (so a few days
    carry many claims). Places: the 12 named ones first, then 288 synthetic towns in Ukraine's box."""

    def __init__(self, rnd: random.Random) -> None:
        towns = [(f"Town {i}", f"Oblast {i % 24}", rnd.uniform(44.5, 52.3), rnd.uniform(22.2, 40.2))
                 for i in range(288)]
        self.places = _zipf(rnd, [*PLACES, *towns])
        self.outlets = _zipf(rnd, [f"Outlet {i}" for i in range(60)], 1.2)
        self.parties = _zipf(rnd, ["Russia", "Ukraine", None, "Wagner Group", "North Korea",
                                   *[f"Party {i}" for i in range(20)]], 1.6)
        self.means = _zipf(rnd, [[], ["drone"], ["artillery"], ["missile"], ["drone", "artillery"],
                                 ["glide bomb"], ["mine"], ["missile", "drone"]], 1.0)
        days = list(range(1100))
        weights = [(1 + d / 300) * (6 if d % 97 < 3 else 1) for d in days]  # growth plus bursts
        self._days: Iterator[int] = iter(())
        self._rnd, self._day_list, self._day_w = rnd, days, weights
        self.precision = _zipf(rnd, ["point", "admin1", None, "admin2", "country", "region"], 1.3)

    def day(self) -> int:
        try:
            return next(self._days)
        except StopIteration:
            self._days = iter(self._rnd.choices(self._day_list, self._day_w, k=4096))
            return next(self._days)


def _skewed_claim(rnd: random.Random, sk: Skew, d: dict[str, Any]) -> tuple[str | None, str, dict[str, Any] | None,
                                                                            list[str]]:
    party = next(sk.parties)
    kind = rnd.choice(KINDS)
    prec = next(sk.precision)
    loc = None
    if prec is not None:
        name, admin1, lat, lon = next(sk.places)
        # coordinates as the gazetteer gives them: the place's own, a district's a little off it
        shift = {"admin2": 0.07, "admin1": 0.3, "country": 1.5}.get(prec, 0.0)
        loc = {"name": name if prec in ("point", "admin2") else (admin1 if prec == "admin1" else "Ukraine"),
               "lat": lat + shift, "lon": lon - shift,
               "country": "UA", "admin1": admin1 if prec in ("point", "admin2", "admin1") else None,
               "precision": prec}
    return party, kind, loc, list(next(sk.means))


def generate(n_claims: int, per_doc: int = 10, seed: int = 7, skew: bool = False,
             ) -> tuple[list[dict[str, Any]], Iterator[dict[str, Any]]]:
    rnd = random.Random(seed)
    sk = Skew(rnd) if skew else None
    n_docs = n_claims // per_doc
    docs: list[dict[str, Any]] = []
    for d in range(1, n_docs + 1):
        day = (START + timedelta(days=sk.day() if sk else rnd.randrange(1200))).isoformat()
        outlet = next(sk.outlets) if sk else rnd.choice(["Kyiv Daily", "Moscow Herald", "Wire", "Front News"])
        docs.append({"id": d, "identity": f"https://bench.example/{d}", "doc_key": f"b{d}",
                     "outlet": outlet,
                     "url": f"https://bench.example/{d}", "title": f"Report {d}", "speaker": None, "published": day,
                     "published_precision": "day", "language": "en", "text": f"Generated report {d}.",
                     "sha256": f"{d:064x}", "n_chars": 20, "fetched_at": FETCHED, "revision": 1,
                     "supersedes_id": None, "is_latest": True, "near_dup_of": None, "near_dup_score": None,
                     "minhash": None, "n_claims": per_doc, "run_id": None, "meta": {}})

    def claims() -> Iterator[dict[str, Any]]:
        cid = 0
        for d in docs:
            for k in range(per_doc):
                cid += 1
                if sk is not None:
                    party, kind, loc, means = _skewed_claim(rnd, sk, d)
                else:
                    party, kind = rnd.choice(PARTIES), rnd.choice(KINDS)
                    place = rnd.choice(PLACES) if rnd.random() < 0.8 else None
                    means = rnd.choice([[], ["drone"], ["artillery"], ["missile"]])
                    loc = ({"name": place[0], "lat": place[2] + rnd.uniform(-0.05, 0.05),
                            "lon": place[3] + rnd.uniform(-0.05, 0.05), "country": "UA", "admin1": place[1],
                            "precision": "point"} if place else None)
                side = SIDES.get(party or "", rnd.choice(["Ukraine", "Russia", None]))
                q = rnd.choice([1, 2, 3, 5, 8, 12, 20, 40, 100, 250, 1000, None])
                day = str(d["published"])
                data = {
                    "doc_id": d["doc_key"], "kind": kind,
                    "victim": {"party": party, "type": "equipment" if kind.startswith("equipment") else "military",
                               "text": "soldiers", "item": "tank" if kind.startswith("equipment") else None},
                    "quantity": {"low": q, "high": q, "qualifier": "exact" if q else "unspecified",
                                 "text": str(q or "")},
                    "claimant": {"name": "General Staff" if side else None, "side": side}, "stance": "asserted",
                    "means": means, "location": loc,
                    "event_time": {"start": day, "end": day, "precision": "day"}, "stated_on": day,
                    "evidence": {"text": f"{q} {party} soldiers were killed.", "start": 0, "end": 30},
                    "confidence": round(rnd.random(), 3)}
                row = claim_columns(data, day)
                row.update(id=cid, document_id=d["id"], ordinal=k, doc_key=d["doc_key"], current=True,
                           reconciled=True, data=data, is_tally=False, group_id=None, event_id=None)
                yield row

    return docs, claims()


QUERIES: list[tuple[str, list[Filter], str]] = [
    ("kind=killed party=Russia, newest first", [Filter("kind", "eq", "killed"), Filter("party", "eq", "Russia")],
     "-date"),
    ("side=Russia since 2024-06-01", [Filter("side", "eq", "Russia"), *Filter.date_range("2024-06-01", None)],
     "-date"),
    ("bbox Donetsk area, quantity >= 100", [*Filter.bbox(37.0, 48.0, 38.2, 48.8), Filter("quantity", "gte", 100)],
     "-date"),
    ("admin1=Kursk Oblast kind in (killed, wounded)",
     [Filter("admin1", "eq", "Kursk Oblast"), Filter("kind", "in", ["killed", "wounded"])], "-date"),
    ("means contains drone, 2023", [Filter("means", "contains", "drone"), *Filter.date_range("2023-01-01",
                                                                                              "2023-12-31")], "-date"),
    ("no filter, page 2 via cursor", [], "-date"),
]


def timed(fn: Any, runs: int = 7) -> tuple[float, float]:
    fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts), max(ts)


def run(name: str, url: str, schema: str | None, n_claims: int) -> None:
    ledger = Ledger.open(url, schema=schema)
    docs, claims = generate(n_claims)
    t = time.perf_counter()
    bulk_insert(ledger.db, "documents", docs)
    n = bulk_insert(ledger.db, "claims", claims)
    analyze(ledger.db)
    load = time.perf_counter() - t
    print(f"\n== {name}: {n:,} claims in {len(docs):,} documents loaded in {load:.1f} s "
          f"({n / load:,.0f} claims/s)")
    print(f"{'query':52} {'page ms (median/max)':>22} {'+count<=10k ms':>15} {'+exact total ms':>16} {'total':>9}")
    for label, filters, order in QUERIES:
        cursor = None
        if label.startswith("no filter"):
            cursor = ledger.query("claims", filters, order, limit=50, with_total=False).next_cursor
        med, worst = timed(lambda f=filters, o=order, c=cursor: ledger.query("claims", f, o, c, 50, False))
        med_c, _ = timed(lambda f=filters, o=order, c=cursor: ledger.query("claims", f, o, c, 50, True, 10_000),
                         runs=3)
        med_t, _ = timed(lambda f=filters, o=order, c=cursor: ledger.query("claims", f, o, c, 50, True), runs=3)
        total = ledger.query("claims", filters, order, cursor, 50, True).total
        print(f"{label:52} {med:10.1f} / {worst:8.1f} {med_c:15.1f} {med_t:16.1f} {total:9,}")
    fmed, _ = timed(lambda: ledger.facet_counts("claims", "party", [Filter("kind", "eq", "killed")]), runs=3)
    print(f"{'facet party | kind=killed':52} {fmed:10.1f}")
    ledger.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--keep", help="SQLite file to keep (default: a temporary file)")
    args = ap.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            path = args.keep or str(Path(tmp) / "bench.db")
            if args.keep and Path(path).exists():
                sys.exit(f"{path} exists; remove it first")
            run("SQLite", f"sqlite:///{path}", None, args.claims)
    if args.backend in ("postgresql", "both"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        try:
            run("PostgreSQL", PG_URL, schema, args.claims)
        finally:
            import sqlalchemy as sa

            eng = sa.create_engine(PG_URL)
            with eng.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            eng.dispose()


if __name__ == "__main__":
    main()
