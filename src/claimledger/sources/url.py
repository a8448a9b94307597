"""Web pages by URL, fetched with the one HTTP client (`sources.http`): a page becomes one
document (its article text by trafilatura), a feed one document per item, plain text one
document. The URL reader wins for every http(s) spec, whatever the path's suffix."""

from __future__ import annotations

from collections.abc import Iterator

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources.feeds import looks_like_feed, read_feed_bytes
from claimledger.sources.html import looks_html, page_document
from claimledger.sources.http import Fetched, HttpClient, shared_client
from claimledger.sources.registry import ReadOptions, is_url, register_reader
from claimledger.sources.text import decode_bytes, text_document
from claimledger.sources.validate import validate_text


def client_of(options: ReadOptions) -> HttpClient:
    """The caller's client (the API's is SSRF-guarded), else the process-wide one."""
    return options.http or shared_client()


def url_documents(url: str, options: ReadOptions) -> Iterator[Document | InputError]:
    """Fetch `url` and read what came back as a feed, a page or plain text."""
    yield from fetched_documents(url, client_of(options).get(url, options.max_bytes), options)


def fetched_documents(url: str, r: Fetched, options: ReadOptions) -> Iterator[Document | InputError]:
    """Read an answer from `url` as a feed, a page or plain text (watch mode fetches by itself)."""
    if looks_like_feed(r.content_type, r.body):
        yield from read_feed_bytes(url, r.body, options)
    elif looks_html(r.content_type, r.body):
        yield page_document(url, r.body, options, fetched_url=r.url)
    else:
        text, enc = decode_bytes(url, r.body)
        validate_text(url, text, options.max_bytes)
        doc = text_document(url, text, options, url=url)
        doc.meta.update(origin=url, encoding=enc, fetched_url=r.url)
        yield doc


@register_reader("url", detect=is_url, priority=20)
def read_url(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    yield from url_documents(spec, options)
