"""The one small core that wires the stages: documents in, claims out.

Sources yield `Document`s (or `InputError`s for inputs they could not read); this module checks
each document at the edge (text, field types, publication date), runs them through the
extraction pipeline in batches and yields one `DocResult` per input, so that a batch never stops
on one bad document: a batch that fails is run again document by document, and only the
document that fails is reported.

Bounded work: a document longer than `PART_CHARS` is extracted part by part (split at paragraph
or sentence ends; claims keep offsets into the whole text), within a time budget
(`Settings.doc_time_budget`); sentences themselves are capped by the splitter (`nlp.sentences`).
Memory so stays bounded by the part, never the document.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from claimledger.config import get_settings
from claimledger.errors import InputError
from claimledger.model import Claim, Document, Evidence
from claimledger.nlp.language import document_language, unsupported_language_reason
from claimledger.normalize.dates import check_published
from claimledger.sources.validate import validate_text

PART_CHARS = 50_000
_STR_FIELDS = ("url", "title", "speaker", "source", "language")


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


def check_document(doc: Document) -> Document:
    """The edge check every document passes before extraction: a real text, string fields, and a
    publication date that is a real day and not in the future (normalised to ISO). Errors name
    the input the document came from (``file:line``) when its reader said so."""
    where = str(doc.meta.get("origin") or doc.id)
    validate_text(where, doc.text, get_settings().max_doc_bytes)
    unsupported = unsupported_language_reason(doc.text)
    if unsupported:
        raise InputError(where, unsupported, "validate")
    for name in _STR_FIELDS:
        value = getattr(doc, name)
        if value is not None and not isinstance(value, str):
            raise InputError(where, f"'{name}' must be a string, not {type(value).__name__}", "validate")
    try:
        doc.published = check_published(doc.published)
    except ValueError as e:
        raise InputError(where, str(e), "validate") from None
    return doc


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
    """One DocResult per input, in input order, memory flat (batches of `batch_size` docs). Each
    accepted document's `language` is set: a declared supported language is kept, else the detected one."""
    from claimledger.extraction.pipeline import get_extractor

    extractor = get_extractor()
    batch: list[Document] = []
    pending: list[DocResult] = []

    def flush() -> Iterator[DocResult]:
        done = iter(_run_batch(extractor, batch))
        for r in pending:
            if r.error is None and r.document is not None:
                r.claims, err = next(done)
                if err is not None:
                    r.error = err
            yield r
        batch.clear()
        pending.clear()

    for i, d in enumerate(docs):
        if isinstance(d, InputError):
            pending.append(DocResult(document=None, error=d))
            continue
        try:
            doc = check_document(as_document(d, i))
            doc.language = document_language(doc.language, doc.text)
        except InputError as e:
            pending.append(DocResult(document=None, error=e))
            continue
        if len(doc.text) > PART_CHARS:
            yield from flush()
            yield _run_long(extractor, doc)
            continue
        batch.append(doc)
        pending.append(DocResult(document=doc))
        if len(batch) >= batch_size:
            yield from flush()
    yield from flush()


def _run_batch(extractor: Any, batch: list[Document]) -> list[tuple[list[Claim], InputError | None]]:
    """The pipeline over a batch; when the batch as a whole fails (the parser refusing one text),
    each document runs alone so that only the one at fault fails."""
    if not batch:
        return []
    try:
        return list(extractor.run_batch(batch))
    except Exception:  # noqa: BLE001 - one document's failure must not take the batch down
        if len(batch) == 1:
            return [_failed_alone(extractor, batch[0])]
        return [_failed_alone(extractor, doc) for doc in batch]


def _failed_alone(extractor: Any, doc: Document) -> tuple[list[Claim], InputError | None]:
    try:
        return extractor.run_batch([doc])[0]  # type: ignore[no-any-return]
    except Exception as e:  # noqa: BLE001
        return [], InputError(doc.id, f"extraction failed: {type(e).__name__}: {e}", "extract")


def split_points(text: str, size: int = PART_CHARS) -> list[int]:
    """Where to cut a long text into parts of at most `size` characters: at a paragraph end if one
    is in the second half of the window, else a sentence end, else a space, else anywhere."""
    cuts = [0]
    while len(text) - cuts[-1] > size:
        lo, hi = cuts[-1] + size // 2, cuts[-1] + size
        for sep in ("\n\n", "\n", ". ", "; ", ", ", " "):
            at = text.rfind(sep, lo, hi)
            if at != -1:
                cuts.append(at + len(sep))
                break
        else:
            cuts.append(hi)
    return [*cuts, len(text)]


def _shifted(claim: Claim, doc_id: str, offset: int) -> Claim:
    def move(e: Evidence) -> Evidence:
        return Evidence(e.text, e.start + offset, e.end + offset)

    claim.doc_id = doc_id
    claim.evidence = move(claim.evidence)
    claim.evidence_more = [move(e) for e in claim.evidence_more]
    return claim


def _run_long(extractor: Any, doc: Document) -> DocResult:
    """A long document, part by part within the per-document time budget; offsets stay the whole text's."""
    budget = get_settings().doc_time_budget
    started = time.monotonic()
    cuts = split_points(doc.text)
    claims: list[Claim] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if time.monotonic() - started > budget:
            return DocResult(document=None, error=InputError(
                doc.id, f"extraction took longer than its {budget:g} s budget ({a:,} of {len(doc.text):,} "
                        "characters done; CLAIMLEDGER_DOC_TIME_BUDGET raises it)", "extract"))
        part = replace(doc, text=doc.text[a:b], meta=dict(doc.meta))
        found, err = _run_batch(extractor, [part])[0]
        if err is not None:
            return DocResult(document=None, error=InputError(doc.id, err.reason, err.stage))
        claims.extend(_shifted(c, doc.id, a) for c in found)
    return DocResult(document=doc, claims=claims)
