"""Repository functions: the only code that writes documents, claims, runs and failures.

A document and its claims are written in one transaction, so a crash (even `kill -9`) leaves
either the whole document with all its claims or nothing. A document is identified by its URL
(else its input id, else its text hash); the same text again is a no-op, a changed text at the
same identity becomes the next revision and the older revision's claims stop being current.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from claimledger import __version__
from claimledger.errors import StoreError
from claimledger.model import Claim, Document
from claimledger.store import summary
from claimledger.store.db import Database
from claimledger.store.models import ClaimRow, DocumentRow, Failure, IngestRun

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class DocumentRejected(StoreError):
    """One document the database would not take (bad value, encoding): it fails alone, the run goes on.
    A lost connection is a plain StoreError and ends the run."""


def _first_line(e: BaseException) -> str:
    return (str(getattr(e, "orig", None) or e).strip().splitlines() or [type(e).__name__])[0][:300]


def now() -> datetime:
    return datetime.now(UTC)


def iso_day(value: str | None) -> str | None:
    if value and _ISO_DATE.match(value):
        return value[:10]
    return None


def identity_of(doc: Document) -> str:
    """What makes two inputs "the same document": the URL, else the input id, else the text."""
    if doc.url:
        return doc.url.strip()
    if doc.id:
        return f"id:{doc.id}"
    return f"sha:{doc.sha256}"


def outlet_of(doc: Document) -> str | None:
    if doc.source:
        return doc.source
    if doc.url:
        from urllib.parse import urlsplit

        host = urlsplit(doc.url).hostname or ""
        return host[4:] if host.startswith("www.") else (host or None)
    return None


def claim_columns(d: dict[str, Any], published: str | None) -> dict[str, Any]:
    """The filterable columns of one contract dict (the dict itself is stored as `data`)."""
    q = d.get("quantity") or {}
    v = d.get("victim") or {}
    c = d.get("claimant") or {}
    loc = d.get("location") or {}
    et = d.get("event_time") or {}
    low, high = q.get("low"), q.get("high")
    stated = iso_day(d.get("stated_on")) or iso_day(published)  # never the day of ingest: undated stays undated
    date = iso_day(et.get("end")) or stated
    means = d.get("means") or []
    ev = d.get("evidence") or {}
    perp = d.get("perpetrator") or {}
    return {
        "kind": d["kind"], "victim_party": v.get("party"), "victim_type": v.get("type"),
        "victim_item": v.get("item"), "quantity_low": low, "quantity_high": high,
        "quantity": high if high is not None else low, "qualifier": q.get("qualifier"),
        "claimant_name": c.get("name"), "claimant_side": c.get("side"),
        "perpetrator_party": perp.get("party") or None, "perpetrator_text": (perp.get("text") or "")[:300] or None,
        "stance": d.get("stance") or "asserted",
        "means": ("," + ",".join(means) + ",") if means else "",
        "place": loc.get("name"), "admin1": loc.get("admin1"), "country": loc.get("country"),
        "lat": loc.get("lat"), "lon": loc.get("lon"), "precision": loc.get("precision") if loc else None,
        "time_precision": et.get("precision") if et else None,
        "date_start": iso_day(et.get("start")) or date, "date": date, "stated": stated,
        "stated_on": iso_day(d.get("stated_on")), "confidence": float(d.get("confidence") or 0.0),
        "evidence": (ev.get("text") or "")[:4000],
        "group_key": group_key(c.get("side"), d["kind"], v.get("party"), low, high),
    }


def group_key(side: str | None, kind: str, party: str | None, low: int | None, high: int | None) -> str:
    """Claims with the same key (claimant side, kind, party, quantity) may be one claim reported twice."""
    raw = json.dumps([(side or "").casefold(), kind, (party or "").casefold(), low, high])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass(slots=True)
class StoreResult:
    status: str  # "stored", "revision", "skipped", "reextracted"
    document_id: int | None
    n_claims: int = 0


def known_run(db: Database, doc: Document) -> tuple[bool, int | None]:
    """(stored already?, the run that stored it): this exact text under this identity."""
    with db.reading() as s:
        row = s.execute(select(DocumentRow.run_id).where(DocumentRow.identity == identity_of(doc),
                                                         DocumentRow.sha256 == doc.sha256).limit(1)).first()
        return (row is not None, row[0] if row is not None else None)


def is_known(db: Database, doc: Document) -> bool:
    """True when this exact text is already stored under this identity (nothing to do)."""
    return known_run(db, doc)[0]


def store_document(db: Database, doc: Document, claims: Sequence[Claim], run_id: int | None = None,
                   fetched_at: datetime | None = None) -> StoreResult:
    """Write one document with all its claims in one transaction (idempotent on identity+text)."""
    identity, sha = identity_of(doc), doc.sha256
    fetched = fetched_at or now()

    def write(s: Session) -> StoreResult:
        if s.execute(select(DocumentRow.id).where(DocumentRow.identity == identity,
                                                  DocumentRow.sha256 == sha)).first() is not None:
            return StoreResult("skipped", None)
        prev = s.execute(select(DocumentRow).where(DocumentRow.identity == identity, DocumentRow.is_latest.is_(True))
                         .order_by(DocumentRow.revision.desc()).limit(1).with_for_update()).scalars().first()
        row = DocumentRow(
            identity=identity, doc_key=doc.id, outlet=outlet_of(doc), url=doc.url, title=doc.title,
            speaker=doc.speaker, published=doc.published, published_precision=doc.published_precision
            or ("day" if iso_day(doc.published) else None), language=doc.language, text=doc.text, sha256=sha,
            n_chars=len(doc.text), fetched_at=fetched, revision=(prev.revision + 1) if prev else 1,
            supersedes_id=prev.id if prev else None, is_latest=True, n_claims=len(claims), run_id=run_id,
            meta=_jsonable(doc.meta),
        )
        if prev is not None:
            prev.is_latest = False
            summary.retire(s, prev.id)
            s.execute(update(ClaimRow).where(ClaimRow.document_id == prev.id)
                      .values(current=False, reconciled=False))
        s.add(row)
        s.flush()
        if claims:
            s.execute(insert(ClaimRow), [_claim_values(row.id, i, c, doc)
                                                    for i, c in enumerate(claims)])
            summary.add_document(s, row.id)
        return StoreResult("revision" if prev else "stored", row.id, len(claims))

    try:
        return db.write(write)
    except IntegrityError:
        # another process stored the same text under the same identity between our check and insert
        return StoreResult("skipped", None)
    except (DataError, UnicodeError, ValueError, TypeError) as e:
        raise DocumentRejected(f"the ledger refused this document ({_first_line(e)})") from e


def replace_claims(db: Database, doc: Document, claims: Sequence[Claim], run_id: int | None = None) -> StoreResult:
    """Re-extraction of a stored text (a newer extractor): when the claims differ, the old ones stop being
    current (kept for history, retired from groups and events at the next reconcile) and the new ones are
    added to the same document. Same claims → nothing changes."""
    identity, sha = identity_of(doc), doc.sha256

    def write(s: Session) -> StoreResult:
        from sqlalchemy import func

        row = s.execute(select(DocumentRow).where(DocumentRow.identity == identity, DocumentRow.sha256 == sha)
                        .limit(1).with_for_update()).scalars().first()
        if row is None:
            return StoreResult("skipped", None)
        old = s.execute(select(ClaimRow.data).where(ClaimRow.document_id == row.id, ClaimRow.current.is_(True))
                        .order_by(ClaimRow.ordinal)).scalars().all()
        new = [dict(c.to_dict(), doc_id=doc.id) for c in claims]
        if [_comparable(d) for d in old] == [_comparable(d) for d in new]:
            return StoreResult("skipped", row.id)
        summary.retire(s, row.id)
        s.execute(update(ClaimRow).where(ClaimRow.document_id == row.id, ClaimRow.current.is_(True))
                  .values(current=False, reconciled=False))
        start = int(s.execute(select(func.coalesce(func.max(ClaimRow.ordinal), -1))
                              .where(ClaimRow.document_id == row.id)).scalar_one()) + 1
        if claims:
            s.execute(insert(ClaimRow), [_claim_values(row.id, start + i, c, doc)
                                         for i, c in enumerate(claims)])
            summary.add_document(s, row.id)
        row.n_claims = len(claims)
        return StoreResult("reextracted", row.id, len(claims))

    return db.write(write)


def _comparable(d: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in d.items() if k != "confidence"}, sort_keys=True, default=str)


def _claim_values(document_id: int, ordinal: int, claim: Claim, doc: Document) -> dict[str, Any]:
    d = claim.to_dict()
    d["doc_id"] = doc.id
    return {"document_id": document_id, "ordinal": ordinal, "doc_key": doc.id, "current": True,
            "reconciled": False, "data": d, "is_tally": False, "visible_at": now(),
            **claim_columns(d, doc.published)}


def _jsonable(meta: dict[str, Any]) -> dict[str, Any]:
    try:
        json.dumps(meta)
        return meta
    except (TypeError, ValueError):
        return {k: str(v) for k, v in meta.items()}


def sources_key(specs: Iterable[str]) -> str:
    return hashlib.sha256(json.dumps(sorted(specs)).encode()).hexdigest()


def start_run(db: Database, specs: Sequence[str], config_hash: str, resume: bool = False) -> tuple[int, bool]:
    """A new ingest run, or with `resume` the latest unfinished run over the same sources.

    Returns (run id, resumed?). Unfinished runs that are not resumed are marked interrupted.
    """
    key = sources_key(specs)

    def write(s: Session) -> tuple[int, bool]:
        if resume:
            run = s.execute(select(IngestRun).where(IngestRun.sources_key == key, IngestRun.status != "done")
                            .order_by(IngestRun.id.desc()).limit(1)).scalars().first()
            if run is not None:
                run.status = "running"
                return run.id, True
        run = IngestRun(sources_key=key, sources=list(specs), status="running", started_at=now(),
                        version=__version__, config_hash=config_hash)
        s.add(run)
        s.flush()
        return run.id, False

    return db.write(write)


def finish_run(db: Database, run_id: int, status: str, counts: dict[str, int]) -> None:
    def write(s: Session) -> None:
        run = s.get(IngestRun, run_id)
        if run is None:
            return
        run.status = status
        run.finished_at = now()
        for k, v in counts.items():
            setattr(run, f"n_{k}", v)

    db.write(write)


def update_run_counts(db: Database, run_id: int, counts: dict[str, int]) -> None:
    def write(s: Session) -> None:
        run = s.get(IngestRun, run_id)
        if run is not None:
            for k, v in counts.items():
                setattr(run, f"n_{k}", v)

    db.write(write)


def run_counts(db: Database, run_id: int) -> dict[str, int]:
    with db.reading() as s:
        run = s.get(IngestRun, run_id)
        if run is None:
            return {}
        return {"processed": run.n_processed, "stored": run.n_stored, "skipped": run.n_skipped,
                "failed": run.n_failed}


def run_documents(db: Database, run_id: int) -> int:
    """Documents a run stored (exact even when the run was killed before updating its counters)."""
    from sqlalchemy import func

    with db.reading() as s:
        return int(s.execute(select(func.count(DocumentRow.id)).where(DocumentRow.run_id == run_id)).scalar_one())


def record_failure(db: Database, run_id: int | None, input: str, stage: str, reason: str) -> None:
    db.write(lambda s: s.add(Failure(run_id=run_id, input=input[:2000], stage=stage, reason=reason[:4000],
                                     at=now())))


def run_failures(db: Database, run_id: int) -> list[dict[str, Any]]:
    with db.reading() as s:
        rows = s.execute(select(Failure).where(Failure.run_id == run_id).order_by(Failure.id)).scalars()
        return [{"input": f.input, "stage": f.stage, "reason": f.reason, "at": f.at.isoformat()} for f in rows]


def recent_failures(db: Database, limit: int = 100) -> list[dict[str, Any]]:
    """The latest failures of every run, newest first, with the sources of their run."""
    with db.reading() as s:
        rows = s.execute(select(Failure, IngestRun.sources).join(IngestRun, IngestRun.id == Failure.run_id, isouter=True)
                         .order_by(Failure.id.desc()).limit(limit))
        return [{"input": f.input, "stage": f.stage, "reason": f.reason, "at": f.at.isoformat(), "run_id": f.run_id,
                 "run_sources": sources} for f, sources in rows]


def clear_failures(db: Database, run_id: int) -> None:
    from sqlalchemy import delete

    db.write(lambda s: s.execute(delete(Failure).where(Failure.run_id == run_id)))
