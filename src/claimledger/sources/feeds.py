"""RSS and Atom feeds (a file or a URL): one document per item.

Each item's page is fetched politely (see `sources.http.HttpClient`) and its article text taken by
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
from claimledger.sources.html import page_document
from claimledger.sources.http import HttpClient, shared_client
from claimledger.sources.registry import ReadOptions, is_url, register_reader
from claimledger.sources.validate import check_file_size, validate_text

FEED_SUFFIXES = frozenset({".rss", ".atom"})
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
_TAG = re.compile(r"<[^>]+>")


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """An HTTP answer that is an RSS/Atom feed, by its type or, when the type is vague, its first tags."""
    ct = content_type.split(";")[0].strip().lower()
    if ct in FEED_TYPES:
        return True
    head = body[:2000].lstrip().lower()
    return ct in ("application/xml", "text/xml", "text/plain", "") and (
        b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head)


def is_feed(spec: str) -> bool:
    """A feed file (URLs go to the URL reader, which recognises a feed by what it serves)."""
    if is_url(spec):
        return False
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
    client = options.http or shared_client()
    for i, entry in enumerate(entries, 1):
        where = f"{spec}#{i}"
        link = entry.get("link")
        if options.seen is not None and options.seen(link or where):
            continue
        try:
            yield _entry_document(entry, where, link, str(feed_title), options, client)
        except InputError as e:
            yield e


def _entry_document(entry: Any, where: str, link: str | None, feed_title: str, options: ReadOptions,
                    client: HttpClient) -> Document:
    published = _iso(entry)
    doc: Document | None = None
    page_error = ""
    if link and is_url(link):
        try:
            r = client.get(link, options.max_bytes)
            doc = page_document(link, r.body, options, fetched_url=r.url)
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
    # the page's own site name first; the feed names the outlet better than a bare host name
    doc.source = options.source or doc.meta.get("site_name") or feed_title
    doc.speaker = doc.speaker or options.speaker
    doc.meta.update(feed=feed_title, origin=where)
    return doc


@register_reader("feeds", detect=is_feed, priority=5)
def read_feed(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    check_file_size(spec, spec, options.max_bytes)
    yield from read_feed_bytes(spec, Path(spec).read_bytes(), options)
