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
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

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


class RawClient:
    """One keep-alive HTTP/1.1 connection with the least client-side work: the request written as
    bytes, the answer read by Content-Length (the API sends no chunked JSON). About a tenth of
    httpx's CPU per request, so that the generator does not take the core the server needs."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        return await asyncio.wait_for(self._get(path), self.timeout)

    async def _get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        target = quote(path, safe="/?&=,%:+-._~")
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length)
        if b"connection: close" in head.lower():
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


NEXT_RE = re.compile(rb'"next":"([^"]+)"')


class Tally:
    """Latencies overall and per endpoint, and errors."""

    def __init__(self) -> None:
        self.lat: list[float] = []
        self.errors: Counter[str] = Counter()
        self.per: dict[str, list[float]] = {}

    def add(self, path: str, ms: float) -> None:
        self.lat.append(ms)
        name = path.split("?")[0]
        name = "/api/documents/{id}" if name.startswith("/api/documents/") else name
        self.per.setdefault(name, []).append(ms)


async def client_loop(get: Any, deadline: float, seed: int, tally: Tally, views: float = 0.5) -> None:
    """One client: the dashboard's requests one after another, sometimes following a page's cursor."""
    rnd = random.Random(seed)
    cursor: str | None = None
    while time.monotonic() < deadline:
        path = dashboard_view(rnd) if rnd.random() < views else rnd.choice(PATHS)
        if cursor and rnd.random() < 0.2:  # follow a cursor now and then, as "Load more" does
            path = f"/api/claims?_size=50&_next={cursor}"
        t = time.perf_counter()
        try:
            status, body = await get(path)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, httpx.HTTPError) as e:
            tally.errors[f"exception {type(e).__name__} {path}"] += 1
            continue
        tally.add(path, (time.perf_counter() - t) * 1000)
        if status != 200:
            tally.errors[f"HTTP {status} {path}"] += 1
        elif path.startswith("/api/claims"):
            m = NEXT_RE.search(body)
            cursor = m.group(1).decode() if m else cursor


async def run_load(base: str, clients: int, seconds: float, views: float = 0.5, generator: str = "raw") -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    if generator == "httpx":
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
            async def get(path: str) -> tuple[int, bytes]:
                r = await client.get(path)
                return r.status_code, r.content

            await asyncio.gather(*(client_loop(get, deadline, i, tally, views) for i in range(clients)))
        return tally
    host, port = base.rsplit("/", 1)[-1].split(":")
    conns = [RawClient(host, int(port)) for _ in range(clients)]
    await asyncio.gather(*(client_loop(c.get, deadline, i, tally, views) for i, c in enumerate(conns)))
    for c in conns:
        await c.close()
    return tally


def report(tally: Tally, wall: float, clients: int, cpu: dict[str, float]) -> None:
    lat, per, errors = tally.lat, tally.per, tally.errors
    n = len(lat) + sum(v for k, v in errors.items() if k.startswith("exception"))
    print(f"clients {clients}, {wall:.1f} s: {n:,} requests, {n / wall:,.1f} req/s, "
          f"errors {sum(errors.values())}")
    print(f"latency ms: p50 {pct(lat, 50):.1f}  p90 {pct(lat, 90):.1f}  p95 {pct(lat, 95):.1f}  "
          f"p99 {pct(lat, 99):.1f}  max {max(lat) if lat else float('nan'):.1f}")
    print("CPU seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items())
          + f" (of {2 * wall:.0f} on 2 cores); server {1000 * cpu.get('server', 0) / max(1, len(lat)):.1f} ms/request")
    print(f"{'endpoint':24} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  ms")
    for name, values in sorted(per.items()):
        print(f"{name:24} {len(values):6d} {pct(values, 50):8.1f} {pct(values, 95):8.1f} {pct(values, 99):8.1f} "
              f"{max(values):8.1f}")
    worst = max((pct(v, 95) for v in per.values()), default=float("nan"))
    print(f"worst endpoint p95 {worst:.1f} ms (target < 300 ms, 0 errors)")
    for what, count in errors.most_common(10):
        print(f"  error x{count}: {what}")


def cpu_by_process(pid: int) -> dict[int, float]:
    """User + system CPU of a process and of each of its children (the server's workers)."""
    import psutil

    proc = psutil.Process(pid)
    out: dict[int, float] = {}
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return out


def cpu_seconds(pid: int) -> float:
    return sum(cpu_by_process(pid).values())


def database_cpu() -> float:
    """CPU of every PostgreSQL process on this machine (its backends answer the server's queries;
    other jobs' queries on the same server count too)."""
    import psutil

    total = 0.0
    for p in psutil.process_iter(["name", "cpu_times"]):
        if (p.info["name"] or "").startswith("postgres") and p.info["cpu_times"] is not None:
            total += p.info["cpu_times"].user + p.info["cpu_times"].system
    return total


def load(base: str, server_pid: int, args: argparse.Namespace) -> None:
    pg = bool(args.url and args.url.startswith("postgresql"))
    pg_before = database_cpu() if pg else 0.0
    per_before = cpu_by_process(server_pid)
    before = (sum(per_before.values()), time.process_time())
    t0 = time.perf_counter()
    if args.generator == "wrk":
        wall, tally = run_wrk(base, args), None
    else:
        tally = asyncio.run(run_load(base, args.clients, args.seconds, args.views, args.generator))
        wall = time.perf_counter() - t0
    cpu = {"server": cpu_seconds(server_pid) - before[0], "generator": time.process_time() - before[1]}
    if pg:  # backends that ended during the run are not counted: a lower bound
        cpu["postgres"] = database_cpu() - pg_before
    per = cpu_by_process(server_pid)
    if len(per) > 2:  # the supervisor and its workers: how evenly the connections were shared
        print("server CPU per process: " + ", ".join(f"{v - per_before.get(k, 0.0):.1f}" for k, v in per.items()))
    if tally is not None:
        report(tally, wall, args.clients, cpu)
    else:
        print("CPU seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()) + " (wrk's own not counted)")


WRK_LUA = """
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tonumber(args[2]))
end
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d\\n", summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
  for _, p in ipairs({50, 90, 95, 99}) do io.write(string.format("WRK p%d %.1f\\n", p, latency:percentile(p) / 1000)) end
  io.write(string.format("WRK max %.1f\\n", latency.max / 1000))
end
"""


def url_list(base: str, views: float, n: int = 20_000, seed: int = 1) -> list[str]:
    """The same mix as the Python clients as a list of URLs for wrk: a fifth are cursor pages
    (cursors read beforehand from the claim pages the list contains)."""
    rnd = random.Random(seed)
    paths = [dashboard_view(rnd) if rnd.random() < views else rnd.choice(PATHS) for _ in range(n)]
    cursors: list[str] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for path in [p for p in paths if p.startswith("/api/claims")][:40]:
            nxt = client.get(path).json().get("next")
            if nxt:
                cursors.append(nxt)
    out = [f"/api/claims?_size=50&_next={rnd.choice(cursors)}" if cursors and rnd.random() < 0.2 else p for p in paths]
    return [quote(p, safe="/?&=,%:+-._~") for p in out]


def run_wrk(base: str, args: argparse.Namespace) -> float:
    """Drive the load with wrk (one thread per core is the generator's whole cost); prints its
    overall latency percentiles and errors; returns the wall time."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        urls, script = Path(tmp) / "urls.txt", Path(tmp) / "mix.lua"
        urls.write_text("\n".join(url_list(base, args.views)) + "\n")
        script.write_text(WRK_LUA)
        t0 = time.perf_counter()
        out = subprocess.run([wrk, "-t", "1", "-c", str(args.clients), "-d", f"{args.seconds:g}s", "--timeout", "30s",
                              "-s", str(script), base, "--", str(urls), "1"], capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t0
    stats = dict(line.split()[1:3] for line in out.stdout.splitlines() if line.startswith("WRK p") or
                 line.startswith("WRK max"))
    counts = next(line.split()[1:] for line in out.stdout.splitlines() if line.startswith("WRK ") and
                  line.split()[1].isdigit())
    n, errors = int(counts[0]), sum(int(x) for x in counts[1:])
    print(f"clients {args.clients}, {wall:.1f} s: {n:,} requests, {n / wall:,.1f} req/s, errors {errors} "
          f"(connect/read/write/status/timeout {'/'.join(counts[1:])})")
    print("latency ms: " + "  ".join(f"{k} {v}" for k, v in stats.items()))
    return wall


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
    ap.add_argument("--generator", choices=["raw", "httpx", "wrk"], default="raw",
                    help="raw: asyncio keep-alive sockets (cheap); httpx: the earlier client; wrk: the wrk tool "
                         "over a URL list of the same mix (overall figures only)")
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
            print(f"generator: {args.generator}; load average before {Path('/proc/loadavg').read_text().strip()}")
            load(base, server.pid, args)
            print(f"load average after {Path('/proc/loadavg').read_text().strip()}")
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


if __name__ == "__main__":
    main()
