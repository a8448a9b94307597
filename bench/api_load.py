"""50 concurrent clients for 30 seconds against `claimledger serve` on 127.0.0.1.

Usage: .venv/bin/python bench/api_load.py [--db PATH | --url URL] [--claims N] [--clients 50] [--seconds 30]

Starts the real server (`claimledger serve`, its own process) on a free loopback port over a
ledger (--db an existing SQLite file, e.g. the one bench/api_latency.py keeps; else a generated
ledger of --claims claims, default 100,000), then runs --clients concurrent clients, each sending
the dashboard's requests (filtered claim pages, cursors, facets, timeline, map, events, a
document, an event) one after another until the time is up: half of them (--views) the fixed list
below, half a dashboard view with 0-2 filters drawn at random (a party, a kind, a side, an outlet, a
means, a month or a quarter: hundreds of distinct views, so the caches do not answer them all).
--url serves any ledger (e.g. PostgreSQL) instead of a SQLite file. Bounded in time; stops the
server itself. Prints requests, errors, throughput and latency percentiles, overall and per
endpoint; asserts nothing. Target: zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import httpx  # noqa: E402

from claimledger.api.server import free_port  # noqa: E402

PATHS = [
    "/api/claims?_size=50",
    "/api/claims?party__eq=Russia&kind__eq=killed&_size=50",
    "/api/claims?side__eq=Ukraine&date__gte=2024-01-01&_size=50",
    "/api/claims?bbox=37.0,48.0,38.2,48.8&quantity__gte=100&_size=50",
    "/api/claims?means__contains=drone&_size=50",
    "/api/claims?admin1__eq=Kursk Oblast&kind__in=killed,wounded&_size=50",
    "/api/facets?_facet=party&_facet=side&_facet=kind&kind__eq=killed&_facet_size=12",
    "/api/timeline?party__eq=Ukraine",
    "/api/map?kind__eq=wounded",
    "/api/events?_size=50",
    "/api/sources",
    "/api/documents/1",
    "/",
    "/static/app.js",
]


FACETS = "&".join(f"_facet={f}" for f in ("party", "side", "kind", "means", "outlet", "precision")) + "&_facet_size=12"
PICKS = [
    ("party__eq", ["Russia", "Ukraine", "Wagner Group", "North Korea", "Party 3"]),
    ("kind__eq", ["killed", "wounded", "captured", "equipment_destroyed"]),
    ("side__eq", ["Ukraine", "Russia"]),
    ("outlet__eq", ["Outlet 0", "Outlet 1", "Outlet 5", "Outlet 17"]),
    ("means__contains", ["drone", "artillery", "missile"]),
    ("precision__eq", ["point", "admin1"]),
]
MONTHS = [f"{y}-{m:02d}" for y in (2022, 2023, 2024, 2025) for m in range(1, 13)]


def dashboard_view(rnd: random.Random) -> str:
    """One of the dashboard's first-round requests for a random view (0-2 facet filters, maybe a date
    range as the timeline brush sets it)."""
    pairs: list[str] = []
    for key, values in rnd.sample(PICKS, rnd.choice([0, 1, 1, 2])):
        pairs.append(f"{key}={rnd.choice(values)}")
    if rnd.random() < 0.3:
        i = rnd.randrange(len(MONTHS) - 3)
        pairs += [f"date__gte={MONTHS[i]}-01", f"date__lte={MONTHS[i + rnd.choice([0, 2])]}-28"]
    qs = "&".join(pairs)
    endpoint = rnd.choice(["/api/claims?_size=50", f"/api/facets?{FACETS}", "/api/timeline?", "/api/map?"])
    return endpoint + ("&" if not endpoint.endswith("?") else "") + qs if qs else endpoint.rstrip("?")


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))] if s else float("nan")


async def client_loop(client: httpx.AsyncClient, deadline: float, seed: int, lat: list[float],
                      errors: Counter[str], by_path: Counter[str], per: dict[str, list[float]],
                      views: float = 0.5) -> None:
    rnd = random.Random(seed)
    cursor: str | None = None
    while time.monotonic() < deadline:
        path = dashboard_view(rnd) if rnd.random() < views else rnd.choice(PATHS)
        if cursor and rnd.random() < 0.2:  # follow a cursor now and then, as "Load more" does
            path = f"/api/claims?_size=50&_next={cursor}"
        t = time.perf_counter()
        try:
            r = await client.get(path)
            ms = (time.perf_counter() - t) * 1000
            lat.append(ms)
            name = path.split("?")[0]
            name = "/api/documents/{id}" if name.startswith("/api/documents/") else name
            per.setdefault(name, []).append(ms)
            by_path[name] += 1
            if r.status_code != 200:
                errors[f"HTTP {r.status_code} {path}"] += 1
            elif path.startswith("/api/claims"):
                cursor = r.json().get("next") or cursor
        except httpx.HTTPError as e:
            errors[f"exception {type(e).__name__} {path}"] += 1


async def run_load(base: str, clients: int, seconds: float, views: float = 0.5) -> None:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    lat: list[float] = []
    errors: Counter[str] = Counter()
    by_path: Counter[str] = Counter()
    per: dict[str, list[float]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        deadline = time.monotonic() + seconds
        t0 = time.perf_counter()
        await asyncio.gather(*(client_loop(client, deadline, i, lat, errors, by_path, per, views) for i in range(clients)))
        wall = time.perf_counter() - t0
    n = sum(by_path.values()) + sum(v for k, v in errors.items() if k.startswith("exception"))
    print(f"clients {clients}, {wall:.1f} s: {n:,} requests, {n / wall:,.1f} req/s, "
          f"errors {sum(errors.values())}")
    print(f"latency ms: p50 {pct(lat, 50):.1f}  p90 {pct(lat, 90):.1f}  p95 {pct(lat, 95):.1f}  "
          f"p99 {pct(lat, 99):.1f}  max {max(lat) if lat else float('nan'):.1f}")
    print(f"{'endpoint':24} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  ms")
    for name, values in sorted(per.items()):
        print(f"{name:24} {len(values):6d} {pct(values, 50):8.1f} {pct(values, 95):8.1f} {pct(values, 99):8.1f} "
              f"{max(values):8.1f}")
    for what, count in errors.most_common(10):
        print(f"  error x{count}: {what}")


def ensure_ledger(db: str | None, n_claims: int, tmp: str) -> Path:
    if db and Path(db).exists():
        return Path(db)
    path = Path(db) if db else Path(tmp) / "load.db"
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_api_latency", ROOT / "bench" / "api_latency.py")
    assert spec is not None and spec.loader is not None
    mod: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.build(path, n_claims)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="SQLite ledger file to serve (generated there when missing)")
    ap.add_argument("--url", help="serve this ledger URL as it is (e.g. postgresql://...) instead of --db")
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=1, help="server processes (claimledger serve --workers)")
    ap.add_argument("--views", type=float, default=0.5,
                    help="share of requests that are random dashboard views (0: the fixed list only, as before)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{ensure_ledger(args.db, args.claims, tmp)}"
        port = free_port()
        env = {**os.environ, "CLAIMLEDGER_TOKEN": ""}
        cmd = [sys.executable, "-c", "from claimledger.cli import main; main()", "serve", "--db", url,
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)]
        if not (ROOT / "src" / "claimledger" / "cli.py").exists():
            raise SystemExit("run from the claimledger checkout")
        server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/api", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    err = server.stderr.read().decode() if server.stderr else ""
                    raise SystemExit(f"server did not start: {err[-500:]}")
                time.sleep(0.2)
            print(f"serving {url.split('@')[-1]} on {base} (pid {server.pid})")
            asyncio.run(run_load(base, args.clients, args.seconds, args.views))
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


if __name__ == "__main__":
    main()
