"""HTML pages through trafilatura: main text plus title, date, site name and URL from metadata."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources.registry import ReadOptions, register_reader
from claimledger.sources.validate import check_file_size, validate_text

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


def html_document(source: str, raw: bytes | str, options: ReadOptions, doc_id: str,
                  url: str | None = None) -> Document:
    """A Document from one HTML page; raises InputError when the page yields no text.

    Reusable by other readers (stdin, URLs). The page's own date and site name win over the
    caller's defaults (`options.published`); `options.source` overrides the site name.
    """
    import trafilatura  # imported here: loading it costs time the other readers do not need

    if not (raw.strip() if isinstance(raw, bytes | str) else raw):
        raise InputError(source, "empty HTML page")
    try:
        res = trafilatura.bare_extraction(raw, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False)
    except Exception as e:  # noqa: BLE001 - lxml/trafilatura raise many kinds on broken input
        raise InputError(source, f"malformed HTML ({type(e).__name__}: {e})") from None
    meta = res.as_dict() if res is not None and hasattr(res, "as_dict") else (res or {})
    text = (meta.get("text") or "").strip()
    if not text:
        raise InputError(source, "malformed or empty HTML: no article text found")
    validate_text(source, text, options.max_bytes)
    doc = Document(
        id=doc_id, text=text,
        published=meta.get("date") or options.published,
        url=meta.get("url") or url,
        title=meta.get("title") or None,
        speaker=options.speaker,
        source=options.source or meta.get("sitename") or meta.get("hostname") or None,
        language=meta.get("language") or None,
    )
    if meta.get("date"):
        doc.published_precision = "day"
    site = meta.get("sitename")
    if site and site.lower() not in _host_names(meta.get("hostname"), url):
        doc.meta["site_name"] = site  # the page's own name for its outlet (beats a feed title)
    doc.meta.update(origin=source, format="html",
                    **{k: meta[k] for k in ("author", "description") if meta.get(k)})
    return doc


def _host_names(*values: str | None) -> set[str]:
    """Host names (with and without port and www.) that trafilatura falls back to as a site name."""
    out: set[str] = set()
    for v in values:
        if v:
            netloc = urlsplit(v).netloc if "//" in v else v
            host = netloc.lower()
            out |= {host, host.split(":")[0], host.removeprefix("www."), host.split(":")[0].removeprefix("www.")}
    return out


def looks_html(content_type: str, body: bytes) -> bool:
    """An HTTP answer that is a web page (by its type, or by its first bytes when the type is vague)."""
    if "html" in content_type.lower():
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def page_document(url: str, body: bytes, options: ReadOptions, fetched_url: str | None = None) -> Document:
    """A fetched web page: the address asked for is the page's identity, not a canonical link."""
    doc = html_document(url, body, options, doc_id=url, url=url)
    doc.url = url
    doc.meta["fetched_url"] = fetched_url or url
    return doc


def is_html_path(spec: str) -> bool:
    return Path(spec).suffix.lower() in HTML_SUFFIXES


@register_reader("html", detect=is_html_path, priority=0)
def read_html(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    check_file_size(spec, spec, options.max_bytes)
    yield html_document(spec, Path(spec).read_bytes(), options, doc_id=Path(spec).stem)
