"""Web pages by URL, fetched politely; also the shared fetcher of the feed reader.

Politeness: a User-Agent naming claimledger, a timeout, retries with exponential backoff on
connection errors, 429 and 5xx (honouring a short Retry-After), robots.txt obeyed per host, a
minimum delay between requests to one host, and a size cap. A URL whose response is an RSS or
Atom feed is read as a feed (one document per item).
"""

from __future__ import annotations

import os
import time
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from claimledger import __version__
from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources import ReadOptions, is_url, register_reader

USER_AGENT = f"claimledger/{__version__} (+https://pypi.org/project/claimledger/; research crawler)"
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")


@dataclass
class Fetcher:
    """One polite HTTP client: robots.txt per host, per-host delay, retries with backoff."""

    timeout: float = field(default_factory=lambda: float(os.environ.get("CLAIMLEDGER_FETCH_TIMEOUT", "20")))
    retries: int = field(default_factory=lambda: int(os.environ.get("CLAIMLEDGER_FETCH_RETRIES", "3")))
    backoff: float = field(default_factory=lambda: float(os.environ.get("CLAIMLEDGER_FETCH_BACKOFF", "0.5")))
    delay: float = field(default_factory=lambda: float(os.environ.get("CLAIMLEDGER_FETCH_DELAY", "1.0")))
    user_agent: str = USER_AGENT
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, follow_redirects=True,
                                        headers={"User-Agent": self.user_agent})
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None and self.delay > 0:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()

    def allowed(self, url: str) -> bool:
        """robots.txt of the URL's host (fetched once); a missing robots.txt allows everything."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            rp: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                r = self._get(f"{host}/robots.txt", max_bytes=500_000, check_robots=False)
                if r.status_code >= 400:
                    rp = None  # no robots.txt: everything allowed (RFC 9309 for 4xx)
                elif rp is not None:
                    rp.parse(r.text.splitlines())
            except InputError:
                rp = None
            self._robots[host] = rp
        rp = self._robots[host]
        return rp is None or rp.can_fetch(self.user_agent, url)

    def _get(self, url: str, max_bytes: int, check_robots: bool = True) -> httpx.Response:
        if check_robots and not self.allowed(url):
            raise InputError(url, "disallowed by robots.txt", "fetch")
        host = urlsplit(url).netloc
        last_error = ""
        for attempt in range(self.retries + 1):
            self._wait_turn(host)
            try:
                with self.client.stream("GET", url) as r:
                    body = bytearray()
                    for chunk in r.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise InputError(url, f"response larger than {max_bytes:,} bytes", "fetch")
                    resp = httpx.Response(r.status_code, headers=r.headers, content=bytes(body), request=r.request)
            except httpx.HTTPError as e:
                last_error = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
            else:
                if resp.status_code == 429 or resp.status_code >= 500:
                    last_error = f"HTTP {resp.status_code}"
                    retry_after = resp.headers.get("Retry-After", "")
                    if attempt < self.retries and retry_after.isdigit():
                        time.sleep(min(float(retry_after), 10.0))
                        continue
                else:
                    return resp
            if attempt < self.retries:
                time.sleep(self.backoff * (2 ** attempt))
        raise InputError(url, f"fetch failed after {self.retries + 1} attempts ({last_error})", "fetch")

    def get(self, url: str, max_bytes: int = 20_000_000) -> httpx.Response:
        """GET with robots.txt, retries and size cap; a 4xx answer raises InputError."""
        r = self._get(url, max_bytes)
        if r.status_code >= 400:
            raise InputError(url, f"HTTP {r.status_code}", "fetch")
        return r


_shared: Fetcher | None = None


def fetcher() -> Fetcher:
    """The process-wide fetcher (so robots.txt and per-host delays are shared by all readers)."""
    global _shared
    if _shared is None:
        _shared = Fetcher()
    return _shared


def reset_fetcher() -> None:
    """Forget robots.txt and delays (tests change the environment between runs)."""
    global _shared
    if _shared is not None:
        _shared.close()
    _shared = None


def looks_like_feed(content_type: str, body: bytes) -> bool:
    ct = content_type.split(";")[0].strip().lower()
    if ct in FEED_TYPES:
        return True
    head = body[:2000].lstrip().lower()
    return ct in ("application/xml", "text/xml", "") and (b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head)


def page_document(url: str, body: bytes, options: ReadOptions) -> Document:
    from claimledger.sources.html import html_document

    doc = html_document(url, body, options, doc_id=url, url=url)
    doc.url = url  # the address we fetched is the identity of the page, not a canonical link
    doc.meta["fetched_url"] = url
    return doc


@register_reader("url", detect=is_url, priority=-5)
def read_url(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    r = fetcher().get(spec, options.max_bytes)
    if looks_like_feed(r.headers.get("content-type", ""), r.content):
        from claimledger.sources.feeds import read_feed_bytes

        yield from read_feed_bytes(spec, r.content, options)
        return
    yield page_document(spec, r.content, options)
