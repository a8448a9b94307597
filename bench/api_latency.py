"""Latency of filtered `/api/claims` pages over HTTP on a 1,000,000-claim SQLite ledger.

Usage: .venv/bin/python bench/api_latency.py [--claims N] [--db PATH | --url URL] [--requests N] [--views R]

Generates the ledger with the store benchmark's generator (bench/query.py: random kinds, parties,
sides, places, dates, quantities; bulk-loaded), unless --db names an existing ledger file (then
it is reused as is, e.g. one kept by an earlier run). Serves it with uvicorn on 127.0.0.1 and
times sequential GET requests per query (one keep-alive connection, after a warm-up), as the
dashboard sends them: a 50-row page with the total count. Prints p50/p95/p99/max per query and
overall; then (--views) the dashboard's whole first round (page, facets, timeline, map) per view
with the cache off. The generated ledger has realistic skew (bench/query.py's `Skew`). Asserts
nothing. Target: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import httpx  # noqa: E402

from claimledger.api import ApiSettings, create_app  # noqa: E402
from claimledger.api.server import serve_in_thread  # noqa: E402
from claimledger.store import Ledger  # noqa: E402

# What the dashboard asks for: one page of 50 rows with the total, under typical filters.
QUERIES: list[tuple[str, str]] = [
    ("party=Russia kind=killed", "party__eq=Russia&kind__eq=killed"),
    ("side=Russia since 2024-06-01", "side__eq=Russia&date__gte=2024-06-01"),
    ("bbox Donetsk area, quantity>=100", "bbox=37.0,48.0,38.2,48.8&quantity__gte=100"),
    ("admin1=Kursk Oblast kind in killed,wounded", "admin1__eq=Kursk Oblast&kind__in=killed,wounded"),
    ("means contains drone, 2023", "means__contains=drone&date__gte=2023-01-01&date__lte=2023-12-31"),
    ("outlet=Wire party=Ukraine", "outlet__eq=Wire&party__eq=Ukraine"),
    ("evidence contains 'North Korea'", "evidence__contains=North Korea"),
    ("no filter", ""),
]


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_query", ROOT / "bench" / "query.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(path: Path | str, n_claims: int, skew: bool = True) -> None:
    """Generate `n_claims` into a SQLite file (a Path) or an empty ledger at a database URL (a str)."""
    from claimledger.store.bulk import analyze, bulk_insert

    gen = load_generator()
    ledger = Ledger.open(path if isinstance(path, str) else f"sqlite:///{path}")
    t = time.perf_counter()
    docs, claims = gen.generate(n_claims, skew=skew)
    bulk_insert(ledger.db, "documents", docs)
    n = bulk_insert(ledger.db, "claims", claims)
    analyze(ledger.db)
    ledger.close()
    print(f"generated {n:,} claims in {len(docs):,} documents in {time.perf_counter() - t:.1f} s -> {path}")


# The dashboard's first round for a view (beside the page): facets, timeline, map.
FACETS = "&".join(f"_facet={f}" for f in ("party", "side", "kind", "means", "outlet", "precision")) + "&_facet_size=12"
VIEWS: list[tuple[str, str]] = [
    ("no filter (first paint)", ""),
    ("party=Russia", "party__eq=Russia"),
    ("kind=killed party=Ukraine", "kind__eq=killed&party__eq=Ukraine"),
    ("outlet=Outlet 1 means=drone", "outlet__eq=Outlet 1&means__contains=drone"),
    ("precision=point side=Russia", "precision__eq=point&side__eq=Russia"),
    ("date in 2024-03", "date__gte=2024-03-01&date__lte=2024-03-31"),
    ("side=Ukraine, 2024 on", "side__eq=Ukraine&date__gte=2024-01-01"),
    ("kind=killed, a quarter", "kind__eq=killed&date__gte=2023-04-01&date__lte=2023-06-30"),
    ("bbox (not in the summaries)", "bbox=37.0,48.0,38.2,48.8"),
]


def measure_views(ledger: Ledger, rounds: int) -> None:
    """Each view's first round (page, facets, timeline, map) with the cache off: every answer
    computed afresh, one client, as a cold dashboard sees it."""
    server = serve_in_thread(create_app(ledger, ApiSettings(token=None, count_cache_size=0)))
    per: dict[str, list[float]] = {}
    print(f"\n-- dashboard views, first round, cache off ({rounds} rounds)")
    print(f"{'view':34} {'page':>8} {'facets':>8} {'timeline':>9} {'map':>8}  ms (median), flags")
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            for label, qs in VIEWS:
                amp = "&" if qs else ""
                urls = {"page": f"/api/claims?{qs}{amp}_size=50", "facets": f"/api/facets?{qs}{amp}{FACETS}",
                        "timeline": f"/api/timeline?{qs}", "map": f"/api/map?{qs}"}
                times: dict[str, list[float]] = {k: [] for k in urls}
                flags: set[str] = set()
                for _ in range(rounds):
                    for k, url in urls.items():
                        t = time.perf_counter()
                        r = client.get(url)
                        times[k].append((time.perf_counter() - t) * 1000)
                        body = r.json()
                        if r.status_code != 200:
                            flags.add(f"HTTP {r.status_code}")
                        if body.get("total_truncated"):
                            flags.add("total truncated")
                        if body.get("timed_out") or any(f.get("timed_out") for f in (body.get("facets") or {}).values()):
                            flags.add(f"{k} timed out")
                for k, v in times.items():
                    per.setdefault(k, []).extend(v)
                med = {k: statistics.median(v) for k, v in times.items()}
                print(f"{label:34} {med['page']:8.1f} {med['facets']:8.1f} {med['timeline']:9.1f} {med['map']:8.1f}  "
                      f"{', '.join(sorted(flags))}")
    finally:
        server.stop()
    print("per endpoint over all views: " + "; ".join(
        f"{k} p50 {pct(v, 50):.0f} p95 {pct(v, 95):.0f} ms" for k, v in per.items()))


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--db", help="SQLite ledger file: reused when it exists, else generated there and kept")
    ap.add_argument("--requests", type=int, default=100, help="timed requests per query")
    ap.add_argument("--url", help="an existing ledger URL (e.g. PostgreSQL) instead of --db")
    ap.add_argument("--views", type=int, default=3, help="rounds of the dashboard views (0: skip them)")
    ap.add_argument("--build", action="store_true", help="generate --claims claims into the empty ledger --url, then stop")
    args = ap.parse_args()
    if args.build:
        if not args.url:
            raise SystemExit("--build needs --url (a SQLite --db is generated when missing)")
        build(args.url, args.claims)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "api-bench.db"
        if not args.url and not path.exists():
            build(path, args.claims)
        ledger = Ledger.open(args.url or f"sqlite:///{path}")
        total = ledger.count("claims")
        print(f"ledger: {total:,} claims ({(args.url or str(path)).split('@')[-1]})")
        for cache in (0, 512):
            measure(ledger, cache, args.requests)
        if args.views:
            measure_views(ledger, args.views)
        ledger.close()


def measure(ledger: Ledger, cache: int, requests: int) -> None:
    """One pass over the queries; with cache=0 every total is counted afresh (the cold case)."""
    server = serve_in_thread(create_app(ledger, ApiSettings(token=None, count_cache_size=cache)))
    everything: list[float] = []
    truncated = 0
    print(f"\n-- count cache {'off (every total counted afresh)' if cache == 0 else 'on (repeat views)'}")
    print(f"{'query (50-row page + total)':44} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'rows':>9}  ms")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for label, qs in QUERIES:
                url = f"/api/claims?{qs}&_size=50" if qs else "/api/claims?_size=50"
                exact = client.get(url.replace("_size=50", "_size=1&_total=exact"))
                exact.raise_for_status()
                n_rows = exact.json()["total"]
                for _ in range(3):
                    client.get(url)
                times = []
                n_trunc = 0
                for _ in range(requests):
                    t = time.perf_counter()
                    r = client.get(url)
                    times.append((time.perf_counter() - t) * 1000)
                    if r.status_code != 200:
                        raise SystemExit(f"{url}: HTTP {r.status_code} {r.text[:200]}")
                    n_trunc += bool(r.json()["total_truncated"])
                truncated += n_trunc
                everything.extend(times)
                note = f"  total past budget in {n_trunc}/{requests}" if n_trunc else ""
                print(f"{label:44} {pct(times, 50):7.1f} {pct(times, 95):7.1f} {pct(times, 99):7.1f} "
                      f"{max(times):7.1f} {n_rows:9,}{note}")
            # the same pages without any count
            no_total = []
            for _label, qs in QUERIES:
                url = f"/api/claims?{qs}&_size=50&_total=0" if qs else "/api/claims?_size=50&_total=0"
                for _ in range(max(10, requests // 5)):
                    t = time.perf_counter()
                    client.get(url)
                    no_total.append((time.perf_counter() - t) * 1000)
    finally:
        server.stop()
    print(f"{'ALL QUERIES (_total=auto)':44} {pct(everything, 50):7.1f} {pct(everything, 95):7.1f} "
          f"{pct(everything, 99):7.1f} {max(everything):7.1f}   n={len(everything)}, "
          f"{truncated} totals left to the background count")
    print(f"{'ALL QUERIES (_total=0)':44} {pct(no_total, 50):7.1f} {pct(no_total, 95):7.1f} "
          f"{pct(no_total, 99):7.1f} {max(no_total):7.1f}   n={len(no_total)}")
    print(f"mean {statistics.fmean(everything):.1f} ms; target p95 < 50 ms")


if __name__ == "__main__":
    main()
