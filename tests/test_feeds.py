"""Feeds and single pages over HTTP, served by a local http.server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources import ReadOptions, read_sources
from claimledger.sources.http import reset_shared_client as reset_fetcher

ARTICLE = """<html><head><title>{title}</title></head><body><nav>Menu Home About</nav>
<article><h1>{title}</h1><p>{body}</p><p>The regional governor said rescue work continued through the night
and that the figures could still change as debris was cleared from the damaged buildings.</p></article>
<footer>Copyright</footer></body></html>"""
PAGES = {
    "/news/1": ("Strike on Kharkiv", "Five civilians were killed in a Russian missile strike on Kharkiv on Monday, "
                                     "the regional governor said."),
    "/news/2": ("Drones downed", "Ukraine's air force said it shot down 21 Russian drones overnight over the "
                                 "southern regions of the country."),
    "/private/3": ("Hidden", "This page is disallowed by robots.txt and must never be fetched by the reader."),
    "/flaky/4": ("Flaky", "After two errors the server answered: three soldiers were wounded near Huliaipole."),
    "/story/6.html": ("Named", "The regional governor said two civilians were wounded in the shelling on Monday."),
    "/notes/7.txt": ("Plain", "The army said four soldiers were wounded near the river on Monday."),
}
SITE_NAMED = '<meta property="og:site_name" content="Kharkiv Herald">'


def feed_xml(base: str) -> str:
    items = []
    for i, path in enumerate(["/news/1", "/news/2", "/private/3", "/flaky/4", "/gone/5"], 1):
        items.append(f"""<item><title>Item {i}</title><link>{base}{path}</link>
<pubDate>Mon, 0{i} Jun 2025 10:00:00 GMT</pubDate>
<description>Summary {i}: the military said {i} enemy soldiers were killed in the fighting near the town.</description>
</item>""")
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Front News</title><link>{base}</link>
<description>Test feed</description>{''.join(items)}</channel></rss>"""


class Server:
    def __init__(self) -> None:
        self.hits: list[tuple[str, str]] = []
        self.flaky_left = 2
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                outer.hits.append((self.path, self.headers.get("User-Agent", "")))
                base = f"http://127.0.0.1:{self.server.server_address[1]}"
                if self.path == "/robots.txt":
                    return self.reply(200, "text/plain", "User-agent: *\nDisallow: /private/\n")
                if self.path in ("/feed.xml", "/feed"):
                    return self.reply(200, "application/rss+xml", feed_xml(base))
                if self.path == "/flaky/4" and outer.flaky_left > 0:
                    outer.flaky_left -= 1
                    return self.reply(503, "text/plain", "busy")
                if self.path == "/named-feed.xml":
                    return self.reply(200, "application/rss+xml", feed_xml(base).replace("/news/1", "/story/6.html"))
                if self.path == "/notes/7.txt":
                    return self.reply(200, "text/plain; charset=utf-8", " ".join(PAGES[self.path]))
                if self.path in PAGES:
                    title, body = PAGES[self.path]
                    page = ARTICLE.format(title=title, body=body)
                    if self.path.endswith(".html"):
                        page = page.replace("<head>", "<head>" + SITE_NAMED)
                    return self.reply(200, "text/html; charset=utf-8", page)
                if self.path == "/binary":
                    return self.reply(200, "application/octet-stream", "\x00\x01\x02" * 100)
                return self.reply(404, "text/plain", "not found")

            def reply(self, code: int, ctype: str, body: str) -> None:
                data = body.encode("utf-8")
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("CLAIMLEDGER_FETCH_DELAY", "0")
    monkeypatch.setenv("CLAIMLEDGER_FETCH_BACKOFF", "0.01")
    monkeypatch.setenv("CLAIMLEDGER_FETCH_RETRIES", "2")
    reset_fetcher()
    s = Server()
    yield s
    s.close()
    reset_fetcher()


@pytest.mark.parametrize("path", ["/feed.xml", "/feed"])
def test_feed_url_items_are_fetched_politely(server: Server, path: str) -> None:
    out = list(read_sources([server.base + path], ReadOptions()))
    docs = [d for d in out if isinstance(d, Document)]
    errors = [e for e in out if isinstance(e, InputError)]
    assert not errors
    by_url = {d.url: d for d in docs}
    assert len(docs) == 5
    one = by_url[server.base + "/news/1"]
    assert "Five civilians were killed" in one.text and "Menu Home" not in one.text
    assert one.meta["text_from"] == "page" and one.source == "Front News" and one.title == "Item 1"
    assert one.published == "2025-06-01T10:00:00"
    # robots.txt: the disallowed page is never requested; the item's summary stands in
    hidden = by_url[server.base + "/private/3"]
    assert hidden.meta["text_from"] == "summary" and "disallowed by robots.txt" in hidden.meta["page_error"]
    assert not any(p.startswith("/private/") for p, _ in server.hits)
    # retries with backoff: two 503s, then the page
    assert "three soldiers were wounded" in by_url[server.base + "/flaky/4"].text
    assert by_url[server.base + "/gone/5"].meta["text_from"] == "summary"
    assert all(ua.startswith("claimledger/") for _, ua in server.hits)
    assert [p for p, _ in server.hits].count("/robots.txt") == 1


def test_feed_file_and_single_page(server: Server, tmp_path: Path) -> None:
    f = tmp_path / "front.rss"
    f.write_text(feed_xml(server.base), encoding="utf-8")
    docs = [d for d in read_sources([str(f)], ReadOptions()) if isinstance(d, Document)]
    assert len(docs) == 5
    page = list(read_sources([server.base + "/news/2"], ReadOptions(source="Test Wire")))
    assert len(page) == 1 and isinstance(page[0], Document)
    assert "21 Russian drones" in page[0].text and page[0].source == "Test Wire"
    assert page[0].url == server.base + "/news/2"


@pytest.mark.parametrize(("path", "reason"), [
    ("/missing", "HTTP 404"), ("/private/3", "robots.txt"), ("/binary", ""),
])
def test_bad_urls_are_one_error_each(server: Server, path: str, reason: str) -> None:
    out = list(read_sources([server.base + path, server.base + "/news/1"], ReadOptions()))
    assert isinstance(out[0], InputError) and reason in out[0].reason
    assert isinstance(out[1], Document)


def test_unreachable_host_fails_after_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMLEDGER_FETCH_DELAY", "0")
    monkeypatch.setenv("CLAIMLEDGER_FETCH_BACKOFF", "0.01")
    monkeypatch.setenv("CLAIMLEDGER_FETCH_TIMEOUT", "2")
    reset_fetcher()
    out = list(read_sources(["http://127.0.0.1:9/news"], ReadOptions()))
    reset_fetcher()  # robots.txt unreachable: cannot tell whether fetching is allowed, so not fetched
    assert len(out) == 1 and isinstance(out[0], InputError) and "cannot tell" in out[0].reason
    monkeypatch.setenv("CLAIMLEDGER_ROBOTS_ON_ERROR", "allow")
    out = list(read_sources(["http://127.0.0.1:9/news"], ReadOptions()))
    reset_fetcher()
    assert len(out) == 1 and isinstance(out[0], InputError) and "fetch failed" in out[0].reason


def test_urls_go_to_the_url_reader_whatever_their_suffix(server: Server) -> None:
    out = list(read_sources([server.base + "/story/6.html", server.base + "/notes/7.txt"], ReadOptions()))
    assert [type(d) for d in out] == [Document, Document], out
    assert "two civilians were wounded" in out[0].text and out[0].url == server.base + "/story/6.html"
    assert "four soldiers were wounded" in out[1].text
    assert {"/story/6.html", "/notes/7.txt"} <= {p for p, _ in server.hits}


def test_a_page_keeps_its_own_site_name_over_the_feed_title(server: Server) -> None:
    docs = {d.url: d for d in read_sources([server.base + "/named-feed.xml"], ReadOptions())
            if isinstance(d, Document)}
    assert docs[server.base + "/story/6.html"].source == "Kharkiv Herald"  # the page names itself
    assert docs[server.base + "/news/2"].source == "Front News"  # no site name of its own: the feed's title


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.mark.parametrize(("policy", "words"), [("skip", "cannot tell"), ("allow", "fetch failed")])
def test_a_server_that_never_answers_costs_one_budget(silent_server: str, monkeypatch: pytest.MonkeyPatch,
                                                       policy: str, words: str) -> None:
    import time

    monkeypatch.setenv("CLAIMLEDGER_FETCH_TIMEOUT", "1.5")
    monkeypatch.setenv("CLAIMLEDGER_FETCH_BACKOFF", "0.1")
    monkeypatch.setenv("CLAIMLEDGER_ROBOTS_ON_ERROR", policy)
    reset_fetcher()
    t0 = time.monotonic()
    out = list(read_sources([silent_server + "/article.html"], ReadOptions()))
    spent = time.monotonic() - t0
    reset_fetcher()
    assert len(out) == 1 and isinstance(out[0], InputError) and words in out[0].reason, out
    assert spent < 1.5 + 1.0  # robots.txt, attempts and pauses share the one budget (was 4 × 20 s twice)


def test_not_a_feed_file(tmp_path: Path) -> None:
    f = tmp_path / "x.rss"
    f.write_text("this is not xml at all", encoding="utf-8")
    out = list(read_sources([str(f)], ReadOptions()))
    assert len(out) == 1 and isinstance(out[0], InputError)


def test_ingest_feed_stores_provenance_and_page_revisions(server: Server, ledger: object) -> None:
    from tests.test_ingest import fake_extract

    from claimledger.service import ingest
    from claimledger.store import Filter, Ledger

    assert isinstance(ledger, Ledger)
    rep = ingest(ledger, [server.base + "/feed.xml"], extract=fake_extract)
    assert rep.counts.stored == 5 and rep.counts.failed == 0
    doc = ledger.query("documents", [Filter("url", "eq", server.base + "/news/1")]).rows[0]
    assert (doc["outlet"], doc["title"], doc["published"], doc["published_precision"]) == (
        "Front News", "Item 1", "2025-06-01T10:00:00", "day")
    assert len(doc["sha256"]) == 64 and doc["fetched_at"] and doc["revision"] == 1
    full = ledger.get_document(doc["id"])
    assert full is not None and "Five civilians were killed" in full["text"]
    # the same page fetched again: nothing changes; the page edited: a new revision, history kept
    url = server.base + "/news/2"
    again = ingest(ledger, [url], extract=fake_extract)  # same text as the feed item's page
    assert (again.counts.skipped, again.counts.stored) == (1, 0)
    title, body = PAGES["/news/2"]
    PAGES["/news/2"] = (title, body + " Later the air force said two more were killed.")
    try:
        rev = ingest(ledger, [url], extract=fake_extract)
    finally:
        PAGES["/news/2"] = (title, body)
    assert rev.counts.revisions == 1
    history = ledger.query("documents", [Filter("url", "eq", url), Filter("is_latest", "in", "true,false")],
                           order="id").rows
    assert [(h["revision"], h["is_latest"]) for h in history] == [(1, False), (2, True)]
