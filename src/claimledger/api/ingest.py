"""`POST /api/documents`: one document (given as text, or fetched from a URL under the SSRF guard)
through extraction into the ledger, with the same reading rules as the `ingest` command."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from claimledger.api.netguard import fetch_url
from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources.validate import validate_text

if TYPE_CHECKING:
    from claimledger.api.app import ApiSettings
    from claimledger.store import Ledger


def _looks_html(content_type: str, body: bytes) -> bool:
    if "html" in content_type.lower():
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def document_from_request(data: dict[str, Any], settings: ApiSettings) -> Document:
    """The Document a request describes; fetches the URL when no text is given."""
    text = data.get("text")
    url = data.get("url")
    if text and text.strip():
        source = data.get("id") or url or "request body"
        validate_text(source, text, settings.max_doc_bytes)
        doc_id = data.get("id") or url or f"api-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"
        return Document(id=doc_id, text=text, published=data.get("published"), url=url, title=data.get("title"),
                        speaker=data.get("speaker"), source=data.get("source"))
    assert url
    fetched = fetch_url(url, allow_private=settings.allow_private_urls, max_bytes=settings.fetch_max_bytes,
                        timeout=settings.fetch_timeout, trusted=settings.trusted_addresses)
    from claimledger.sources import ReadOptions

    options = ReadOptions(published=data.get("published"), speaker=data.get("speaker"), source=data.get("source"),
                          max_bytes=settings.max_doc_bytes)
    doc_id = data.get("id") or fetched.url
    if _looks_html(fetched.content_type, fetched.body):
        from claimledger.sources.html import html_document

        doc = html_document(url, fetched.body, options, doc_id=doc_id, url=fetched.url)
    else:
        from claimledger.sources.text import decode_bytes

        body_text, _encoding = decode_bytes(url, fetched.body)
        validate_text(url, body_text, settings.max_doc_bytes)
        doc = Document(id=doc_id, text=body_text, published=options.published, url=fetched.url,
                       speaker=options.speaker, source=options.source)
    if data.get("title"):
        doc.title = data["title"]
    return doc


def ingest_document(ledger: Ledger, data: dict[str, Any], settings: ApiSettings) -> dict[str, Any]:
    """Extract and store one document; returns what happened (stored, revision or skipped)."""
    from claimledger.core import extract_documents
    from claimledger.reconcile import reconcile
    from claimledger.store.repo import is_known, store_document

    doc = document_from_request(data, settings)
    if is_known(ledger.db, doc):  # same text under the same identity: nothing to extract or store
        return {"status": "skipped", "document_id": None, "claims": 0, "document_url": None}
    result = next(iter(extract_documents([doc])), None)
    if result is None:
        raise InputError(doc.id, "extraction returned nothing", stage="extract")
    if result.error is not None:
        raise result.error
    stored = store_document(ledger.db, result.document or doc, result.claims)
    if stored.status != "skipped":
        reconcile(ledger)  # incremental: groups and events for the new claims
    return {"status": stored.status, "document_id": stored.document_id, "claims": stored.n_claims,
            "document_url": f"/api/documents/{stored.document_id}" if stored.document_id else None}
