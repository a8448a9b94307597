"""Watch latency: seconds from an item's appearance in a feed to its claims being queryable.

Usage: .venv/bin/python bench/watch_latency.py [--items 12] [--every 7] [--interval 5] [--db URL]
A feed on 127.0.0.1 (this process, a thread) gains one item every `--every` seconds (each item a
page of a few sentences with casualty claims); `watch` follows it at `--interval` in a thread,
with the extractor loaded before the first item appears (a running watcher has it loaded). A
third thread checks every 0.1 s whether the item's claims are in the ledger. Prints p50/p95/max
and the load average; asserts nothing. Target: p95 < 10 s at `--interval 5`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimledger.live.parallel import warm  # noqa: E402
from claimledger.live.watch import watch  # noqa: E402
from claimledger.sources import ReadOptions  # noqa: E402
from claimledger.sources.http import HttpClient  # noqa: E402
from claimledger.store import Filter, Ledger  # noqa: E402

PLACES = ["Pokrovsk", "Kharkiv", "Kupiansk", "Zaporizhzhia", "Kherson", "Sumy"]
TEMPLATE = ("The regional administration said on Monday that {n} civilians were killed when a missile struck "
            "a residential block in {place}. Ukraine's General Staff said its forces killed {m} Russian soldiers "
            "near {place} over the past day. Rescue work continued into the evening, officials said.")


class Feed:
    def __init__(self) -> None:
        self.items: list[tuple[int, float]] = []
        self.lock = threading.Lock()

    def rss(self, port: int) -> bytes:
        with self.lock:
            items = list(self.items)
        body = "".join(f"<item><title>Bulletin {n}</title><link>http://127.0.0.1:{port}/item/{n}</link>"
                       f"<pubDate>{formatdate(t, usegmt=True)}</pubDate></item>" for n, t in items)
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback</title>{body}'
                f"</channel></rss>").encode()


def serve(feed: Feed) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_a: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            port = int(self.server.server_address[1])  # type: ignore[index]
            etag = f'"{len(feed.items)}"'
            if self.path == "/feed.xml" and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            if self.path == "/feed.xml":
                body, ctype = feed.rss(port), "application/rss+xml"
            elif self.path.startswith("/item/"):
                n = int(self.path.rsplit("/", 1)[1])
                text = TEMPLATE.format(n=3 + n, m=20 + n, place=PLACES[n % len(PLACES)])
                body, ctype = f"<html><body><article><p>{text}</p></article></body></html>".encode(), "text/html"
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=12)
    ap.add_argument("--every", type=float, default=7.0, help="seconds between two new items")
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    warm()
    feed = Feed()
    server = serve(feed)
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger.open(args.db or f"sqlite:///{tmp}/watch.db")
        stop = threading.Event()
        opts = ReadOptions(http=HttpClient(delay=0.0, timeout=10.0))
        watcher = threading.Thread(target=watch, args=(ledger, [url]), daemon=True,
                                   kwargs={"interval": args.interval, "options": opts, "stop": stop})
        watcher.start()
        latencies: list[float] = []
        load0 = os.getloadavg()[0]
        for n in range(1, args.items + 1):
            appeared = time.time()
            with feed.lock:
                feed.items.append((n, appeared))
            item = url.replace("/feed.xml", f"/item/{n}")
            deadline = appeared + max(args.every, 60)
            while ledger.count("claims", [Filter("url", "eq", item)]) == 0 and time.time() < deadline:
                time.sleep(0.1)
            latencies.append(time.time() - appeared)
            print(f"item {n}: {latencies[-1]:.1f} s", flush=True)
            time.sleep(max(0.0, appeared + args.every - time.time()))
        stop.set()
        watcher.join(60)
        ledger.close()
    server.shutdown()
    q = statistics.quantiles(latencies, n=20, method="inclusive")
    print(f"\n{len(latencies)} items, interval {args.interval:g} s, one every {args.every:g} s: "
          f"p50 {statistics.median(latencies):.1f} s, p95 {q[18]:.1f} s, max {max(latencies):.1f} s "
          f"(load avg {load0:.1f} → {os.getloadavg()[0]:.1f}; target p95 < 10 s)")


if __name__ == "__main__":
    main()
