"""HTML pages through trafilatura: main text plus title, date, site name and URL from metadata."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources import ReadOptions, register_reader
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
    doc.meta.update(origin=source, format="html",
                    **{k: meta[k] for k in ("author", "description") if meta.get(k)})
    return doc


def is_html_path(spec: str) -> bool:
    return Path(spec).suffix.lower() in HTML_SUFFIXES


@register_reader("html", detect=is_html_path, priority=0)
def read_html(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    check_file_size(spec, spec, options.max_bytes)
    yield html_document(spec, Path(spec).read_bytes(), options, doc_id=Path(spec).stem)
