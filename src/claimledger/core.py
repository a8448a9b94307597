"""The one small core that wires the stages: documents in, claims out.

Sources yield `Document`s (or `InputError`s for inputs they could not read); this module runs
them through the extraction pipeline in batches and yields one `DocResult` per input, so that a
batch never stops on one bad document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from claimledger.errors import InputError
from claimledger.model import Claim, Document


@dataclass(slots=True)
class DocResult:
    """What became of one input: its claims, or the error that stopped it."""

    document: Document | None
    claims: list[Claim] = field(default_factory=list)
    error: InputError | None = None


def as_document(d: Document | Mapping[str, Any], index: int = 0) -> Document:
    """Accept the JSON Lines document shape as well as a Document."""
    if isinstance(d, Document):
        return d
    if not isinstance(d, Mapping):
        raise InputError(f"document #{index}", f"expected a document object, got {type(d).__name__}")
    text = d.get("text")
    doc_id = str(d.get("id") if d.get("id") is not None else f"doc-{index}")
    if not isinstance(text, str):
        raise InputError(doc_id, "document has no 'text' string")
    return Document(
        id=doc_id, text=text, published=d.get("published"), url=d.get("url"), title=d.get("title"),
        speaker=d.get("speaker"), source=d.get("source"), language=d.get("language"),
    )


def extract(text: str, published: str | None = None, doc_id: str | None = None,
            speaker: str | None = None, title: str | None = None) -> list[Claim]:
    """Claims of one text. `published` (ISO date) anchors relative dates."""
    doc = Document(id=doc_id or "doc", text=text, published=published, speaker=speaker, title=title)
    for result in extract_documents([doc]):
        if result.error is not None:
            raise result.error
        return result.claims
    return []


def extract_many(docs: Iterable[Document | Mapping[str, Any]]) -> Iterator[Claim]:
    """Stream claims of many documents; bad documents are skipped (use extract_documents to see why)."""
    for result in extract_documents(docs):
        yield from result.claims


def extract_documents(docs: Iterable[Document | Mapping[str, Any] | InputError],
                      batch_size: int = 64) -> Iterator[DocResult]:
    """One DocResult per input, in input order, memory flat (batches of `batch_size` docs)."""
    from claimledger.extraction.pipeline import get_extractor

    extractor = get_extractor()
    batch: list[Document] = []
    pending: list[DocResult] = []

    def flush() -> Iterator[DocResult]:
        if batch:
            done = iter(extractor.run_batch(batch))
            for r in pending:
                if r.error is None and r.document is not None:
                    r.claims, err = next(done)
                    if err is not None:
                        r.error = err
                yield r
        else:
            yield from pending
        batch.clear()
        pending.clear()

    for i, d in enumerate(docs):
        if isinstance(d, InputError):
            pending.append(DocResult(document=None, error=d))
            continue
        try:
            doc = as_document(d, i)
            extractor.check(doc)
        except InputError as e:
            pending.append(DocResult(document=None, error=e))
            continue
        batch.append(doc)
        pending.append(DocResult(document=doc))
        if len(batch) >= batch_size:
            yield from flush()
    yield from flush()
