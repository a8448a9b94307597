"""Watch mode against a feed served on 127.0.0.1 that gains an item while the watcher runs; a
restarted watcher stores nothing twice; conditional requests; backoff; /api/changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from claimledger.api.app import create_app
from claimledger.cli import main
from claimledger.live.watch import Poll, fingerprint, watch
from claimledger.sources import ReadOptions
from claimledger.sources.http import HttpClient
from claimledger.store import Filter, Ledger
from claimledger.store.live import watch_state

ITEMS = [
    ("Ukraine's General Staff said on Monday that {n} Russian soldiers were killed near Pokrovsk. "
     "The statement added that fighting went on through the night along the front."),
    ("The regional governor said {n} civilians were killed when a missile struck a market in Kharkiv on "
     "Tuesday. Rescue crews worked at the scene until the evening."),
    ("Russia's defence ministry said {n} Ukrainian servicemen were killed in fighting near Kupiansk. "
     "It gave no further details about the clashes."),
]


class Feed:
    """A feed whose items can be added while it is served; counts requests and 304s."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str, float]] = []
        self.requests: list[str] = []
        self.not_modified = 0
        self.fail = 0  # answer the feed with 503 this many times

    def add(self, text: str) -> int:
        n = len(self.items) + 1
        self.items.append((n, text, time.time()))
        return n

    def etag(self) -> str:
        return f'"v{len(self.items)}"'

    def rss(self, port: int) -> bytes:
        entries = "".join(
            f"<item><title>Report {n}</title><link>http://127.0.0.1:{port}/item/{n}</link>"
            f"<pubDate>{formatdate(t, usegmt=True)}</pubDate><description>Report {n}</description></item>"
            for n, _, t in self.items)
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback wire</title>'
                f"<link>http://127.0.0.1:{port}/</link>{entries}</channel></rss>").encode()

    def page(self, n: int) -> bytes:
        text = self.items[n - 1][1]
        return (f"<html><head><title>Report {n}</title></head><body><article><h1>Report {n}</h1>"
                f"<p>{text}</p></article></body></html>").encode()


def _handler(feed: Feed) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_a: Any) -> None:
            pass

        def _send(self, status: int, body: bytes = b"", ctype: str = "text/html", etag: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            feed.requests.append(self.path)
            port = self.server.server_address[1]  # type: ignore[index]
            if self.path == "/feed.xml":
                if feed.fail:
                    feed.fail -= 1
                    return self._send(503)
                if self.headers.get("If-None-Match") == feed.etag():
                    feed.not_modified += 1
                    return self._send(304, etag=feed.etag())
                return self._send(200, feed.rss(int(port)), "application/rss+xml", feed.etag())
            if self.path.startswith("/item/"):
                return self._send(200, feed.page(int(self.path.rsplit("/", 1)[1])))
            return self._send(404, b"not here", "text/plain")

    return Handler


@pytest.fixture
def served() -> Iterator[tuple[Feed, str]]:
    feed = Feed()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(feed))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield feed, f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()


def _options() -> ReadOptions:
    return ReadOptions(http=HttpClient(delay=0.0, retries=0, timeout=10.0))


def _claims_of(ledger: Ledger, n: int, port_url: str) -> int:
    url = port_url.replace("/feed.xml", f"/item/{n}")
    return ledger.count("claims", [Filter("url", "eq", url)])


def test_items_added_while_watching_are_stored_once(tmp_path: Path, served: tuple[Feed, str]) -> None:
    feed, url = served
    feed.add(ITEMS[0].format(n=12))
    db = f"sqlite:///{tmp_path}/watch.db"
    stop = threading.Event()
    polls: list[Poll] = []
    with Ledger.open(db) as ledger:
        api = TestClient(create_app(ledger))
        start = api.get("/api/changes").json()["version"]
        runner = threading.Thread(target=watch, args=(ledger, [url]), daemon=True,
                                  kwargs={"interval": 1.0, "options": _options(), "stop": stop, "on_poll": polls.append})
        runner.start()
        try:
            _wait(lambda: _claims_of(ledger, 1, url) > 0, 120)
            _wait(lambda: feed.not_modified >= 1, 30)  # a poll in between costs a 304 and nothing else
            feed.add(ITEMS[1].format(n=7))
            _wait(lambda: _claims_of(ledger, 2, url) > 0, 60)
        finally:
            stop.set()
            runner.join(30)
        assert not runner.is_alive()
        # an unchanged feed's 304 is an answer, not a failure: no poll backed off
        assert [p.error for p in polls if p.error] == [] and any(not p.changed for p in polls)
        assert feed.requests.count("/item/1") == 1  # the known item is not fetched again
        changes = api.get("/api/changes", params={"since": start}).json()
        assert changes["n_new"] >= 2 and {c["doc_id"] for c in changes["claims"]} >= {url.replace(
            "/feed.xml", "/item/1"), url.replace("/feed.xml", "/item/2")}
        later = api.get("/api/changes", params={"since": changes["version"]}).json()
        assert later["n_new"] == 0 and later["claims"] == []
        assert api.get("/api/changes", params={"since": "yesterday"}).status_code == 400
        n_docs = ledger.count("documents")
    # a restarted watcher (new process state, same ledger): the feed changed meanwhile, the old items
    # are passed over, only the new one is stored
    feed.add(ITEMS[2].format(n=30))
    res = CliRunner().invoke(main, ["watch", url, "--db", db, "--once", "--interval", "1"])
    assert res.exit_code == 0, res.output
    with Ledger.open(db) as ledger:
        assert ledger.count("documents") == n_docs + 1
        assert _claims_of(ledger, 3, url) > 0
        state = watch_state(ledger.db, url)
        assert state is not None and state["etag"] == feed.etag() and state["errors"] == 0
    assert feed.requests.count("/item/1") == 1 and feed.requests.count("/item/2") == 1


def test_a_failing_source_backs_off_and_the_loop_goes_on(tmp_path: Path, served: tuple[Feed, str]) -> None:
    feed, url = served
    feed.fail = 1
    folder = tmp_path / "inbox"
    folder.mkdir()
    with Ledger.open(f"sqlite:///{tmp_path}/w.db") as ledger:
        rep = watch(ledger, [url, str(tmp_path / "missing"), str(folder)], interval=1.0, options=_options(),
                    max_cycles=1)
        assert rep.errors == 2 and rep.cycles == 1
        bad = watch_state(ledger.db, str(tmp_path / "missing"))
        assert bad is not None and bad["errors"] == 1 and "no such" in (bad["last_error"] or "")
        first = watch_state(ledger.db, url)
        assert first is not None and first["errors"] == 1 and "503" in (first["last_error"] or "")
        assert watch_state(ledger.db, str(folder))["errors"] == 0  # type: ignore[index]


def test_a_folder_is_read_again_only_when_it_changes(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "a.txt").write_text("one", encoding="utf-8")
    before = fingerprint(str(folder))
    assert fingerprint(str(folder)) == before
    (folder / "b.txt").write_text("two", encoding="utf-8")
    assert fingerprint(str(folder)) != before


def _wait(cond: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.2)
