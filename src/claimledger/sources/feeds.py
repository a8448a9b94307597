"""RSS and Atom feeds (a file or a URL): one document per item.

Each item's page is fetched politely (see `sources.url.Fetcher`) and its article text taken by
trafilatura; when the page cannot be fetched, is disallowed by robots.txt or yields no text,
the item's own summary/content is used instead (marked `meta.text_from = "summary"`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources import ReadOptions, is_url, register_reader
from claimledger.sources.validate import check_file_size, validate_text

FEED_SUFFIXES = frozenset({".rss", ".atom"})
_FEEDY_PATH = re.compile(r"(?:/feed/?|/rss/?|/atom/?|\.rss|\.atom|\.xml|/feeds?/[^/]*)$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def is_feed(spec: str) -> bool:
    if is_url(spec):
        parts = urlsplit(spec)
        return bool(_FEEDY_PATH.search(parts.path)) or "format=rss" in parts.query or "feed=" in parts.query
    p = Path(spec)
    if p.suffix.lower() in FEED_SUFFIXES:
        return True
    if p.suffix.lower() == ".xml":
        try:
            with p.open("rb") as fh:
                head = fh.read(2000).lower()
        except OSError:
            return False
        return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head
    return False


def _iso(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            return time.strftime("%Y-%m-%dT%H:%M:%S", t)
    return None


def _summary_text(entry: Any) -> str:
    parts: list[str] = []
    for c in entry.get("content") or []:
        if c.get("value"):
            parts.append(c["value"])
    if not parts and entry.get("summary"):
        parts.append(entry["summary"])
    import html

    text = html.unescape(_TAG.sub(" ", "\n".join(parts)))
    return re.sub(r"[ \t]+", " ", text).strip()


def read_feed_bytes(spec: str, body: bytes, options: ReadOptions) -> Iterator[Document | InputError]:
    import feedparser

    parsed = feedparser.parse(body)
    entries = parsed.get("entries") or []
    if not entries:
        reason = "not an RSS/Atom feed" if parsed.get("bozo") else "feed has no items"
        yield InputError(spec, reason)
        return
    feed_title = (parsed.get("feed") or {}).get("title") or urlsplit(spec).hostname or Path(spec).stem
    from claimledger.sources.url import fetcher, page_document

    for i, entry in enumerate(entries, 1):
        where = f"{spec}#{i}"
        link = entry.get("link")
        try:
            yield _entry_document(entry, where, link, feed_title, options, fetcher(), page_document)
        except InputError as e:
            yield e


def _entry_document(entry: Any, where: str, link: str | None, feed_title: str, options: ReadOptions,
                    fetch: Any, page_document: Any) -> Document:
    published = _iso(entry)
    doc: Document | None = None
    page_error = ""
    if link and is_url(link):
        try:
            r = fetch.get(link, options.max_bytes)
            doc = page_document(link, r.content, options)
            doc.meta["text_from"] = "page"
        except InputError as e:
            page_error = e.reason
    if doc is None:
        text = _summary_text(entry)
        if not text:
            raise InputError(link or where, f"item has no text ({page_error or 'no link'}; no summary)", "fetch")
        validate_text(link or where, text, options.max_bytes)
        doc = Document(id=link or where, text=text, url=link, published=None, title=None)
        doc.meta["text_from"] = "summary"
        if page_error:
            doc.meta["page_error"] = page_error
    doc.title = entry.get("title") or doc.title
    if published:
        doc.published, doc.published_precision = published, "day"
    elif not doc.published:
        doc.published = options.published
    doc.source = options.source or feed_title  # the feed names the outlet better than a page host
    doc.speaker = doc.speaker or options.speaker
    doc.meta.update(feed=feed_title, origin=where)
    return doc


@register_reader("feeds", detect=is_feed, priority=5)
def read_feed(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    if is_url(spec):
        from claimledger.sources.url import fetcher

        body = fetcher().get(spec, options.max_bytes).content
    else:
        check_file_size(spec, spec, options.max_bytes)
        body = Path(spec).read_bytes()
    yield from read_feed_bytes(spec, body, options)
