"""Repository functions for reconciliation (near-dups, claim groups, events, tallies).

The rules live in `claimledger.reconcile`; this module only loads and saves what they need,
inside the caller's write transaction (`Database.write`), so a reconcile pass is atomic. Rows
go out as plain mappings and values come back as plain arguments: the record types are
reconcile's own (`reconcile.records`), the store knows nothing of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from claimledger.store.models import (
    ClaimGroup,
    ClaimGroupMember,
    ClaimRow,
    DocumentRow,
    Event,
    EventClaim,
    MetaRow,
    Tally,
)

_PG_RECONCILE_LOCK = 7_201_340_418

# The open write transaction a reconcile pass hands to every function here (`Database.write`).
# Callers outside the store treat it as an opaque handle: they pass it on and never query it.
Transaction = Session


Row = dict[str, Any]  # one row as a plain mapping; reconcile turns it into its own record types
CLAIM_FIELDS = ("id", "document_id", "kind", "party", "side", "name", "low", "high", "qualifier", "stance",
                "stated", "date_start", "date", "time_precision", "place", "admin1", "country", "lat", "lon",
                "precision", "evidence", "group_key", "group_id", "event_id", "is_tally", "current", "published",
                "outlet", "doc_root", "means", "victim_type", "perpetrator", "perpetrator_text")
EVENT_FIELDS = ("id", "date_start", "date_end", "parties", "lat", "lon", "admin1", "place", "perpetrators", "victims")


def lock(s: Session) -> None:
    """Serialize reconcile passes across processes (SQLite already holds the write lock)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_RECONCILE_LOCK})


def _claim_select() -> Any:
    c, d = ClaimRow, DocumentRow
    return select(c.id, c.document_id, c.kind, c.victim_party, c.claimant_side, c.claimant_name, c.quantity_low,
                  c.quantity_high, c.qualifier, c.stance, c.stated, c.date_start, c.date, c.time_precision,
                  c.place, c.admin1, c.country, c.lat, c.lon, c.precision, c.evidence, c.group_key, c.group_id,
                  c.event_id, c.is_tally, c.current, d.published, d.outlet,
                  func.coalesce(d.near_dup_of, d.id), c.means, c.victim_type, c.perpetrator_party,
                  c.perpetrator_text).join(d, d.id == c.document_id)


def _infos(s: Session, stmt: Any) -> list[Row]:
    return [dict(zip(CLAIM_FIELDS, row, strict=True)) for row in s.execute(stmt)]


# documents ----------------------------------------------------------------------------------
def docs_without_minhash(s: Session) -> list[tuple[int, str]]:
    return [(i, t) for i, t in s.execute(select(DocumentRow.id, DocumentRow.text)
                                         .where(DocumentRow.minhash.is_(None)).order_by(DocumentRow.id))]


def set_minhash(s: Session, doc_id: int, blob: bytes) -> None:
    s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(minhash=blob))


def latest_signatures(s: Session) -> list[Row]:
    d = DocumentRow
    return [dict(r._mapping) for r in s.execute(select(d.id, d.identity, d.published, d.minhash, d.near_dup_of)
                                                .where(d.is_latest.is_(True)).order_by(d.id))]


def set_near_dup(s: Session, doc_id: int, of: int | None, score: float | None) -> None:
    s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(near_dup_of=of, near_dup_score=score))


# claims -------------------------------------------------------------------------------------
def unreconciled_claims(s: Session) -> list[Row]:
    return _infos(s, _claim_select().where(ClaimRow.current.is_(True), ClaimRow.reconciled.is_(False))
                  .order_by(ClaimRow.stated, ClaimRow.id))


def stale_claims(s: Session) -> list[Row]:
    """Claims of superseded revisions that still sit in a group, an event or a tally."""
    return _infos(s, _claim_select().where(ClaimRow.current.is_(False), ClaimRow.reconciled.is_(False)))


def claims_by_group_keys(s: Session, keys: Iterable[str]) -> list[Row]:
    keys = sorted(set(keys))
    out: list[Row] = []
    for i in range(0, len(keys), 500):
        out.extend(_infos(s, _claim_select().where(ClaimRow.current.is_(True), ClaimRow.group_key.in_(keys[i:i + 500]))))
    return out


def group_keys_of_documents(s: Session, doc_ids: Iterable[int]) -> set[str]:
    ids = sorted(set(doc_ids))
    out: set[str] = set()
    for i in range(0, len(ids), 500):
        out |= set(s.execute(select(ClaimRow.group_key).where(ClaimRow.current.is_(True),
                                                               ClaimRow.document_id.in_(ids[i:i + 500]))).scalars())
    return out


def claims_of_event(s: Session, event_id: int) -> list[Row]:
    return _infos(s, _claim_select().where(ClaimRow.current.is_(True), ClaimRow.event_id == event_id)
                  .order_by(ClaimRow.stated, ClaimRow.id))


def detach(s: Session, claim_ids: Sequence[int]) -> None:
    """Take superseded claims out of groups, events and tallies."""
    for i in range(0, len(claim_ids), 500):
        ids = list(claim_ids[i:i + 500])
        s.execute(delete(ClaimGroupMember).where(ClaimGroupMember.claim_id.in_(ids)))
        s.execute(delete(EventClaim).where(EventClaim.claim_id.in_(ids)))
        s.execute(delete(Tally).where(Tally.claim_id.in_(ids)))
        s.execute(update(ClaimRow).where(ClaimRow.id.in_(ids)).values(group_id=None, event_id=None, reconciled=True))


def mark_reconciled(s: Session, flags: dict[int, bool]) -> None:
    """Set `reconciled` and the running-total flag of freshly processed claims."""
    tallies = [i for i, t in flags.items() if t]
    others = [i for i, t in flags.items() if not t]
    for ids, val in ((tallies, True), (others, False)):
        for i in range(0, len(ids), 500):
            s.execute(update(ClaimRow).where(ClaimRow.id.in_(ids[i:i + 500])).values(reconciled=True, is_tally=val))


# claim groups -------------------------------------------------------------------------------
def save_group(s: Session, existing: Sequence[int], members: Sequence[Row], stats: dict[str, Any]) -> int:
    """Create or update the group of `members` ({claim_id, document_id, rank, wire_copy_of}), reusing
    the lowest of the `existing` group ids among them."""
    group: ClaimGroup | None = s.get(ClaimGroup, min(existing)) if existing else None
    if group is None:
        group = ClaimGroup(**stats)
        s.add(group)
        s.flush()
    else:
        for k, v in stats.items():
            setattr(group, k, v)
    gid = group.id
    ids = [m["claim_id"] for m in members]
    s.execute(delete(ClaimGroupMember).where(or_(ClaimGroupMember.group_id == gid, ClaimGroupMember.claim_id.in_(ids))))
    s.execute(ClaimGroupMember.__table__.insert(), [{"group_id": gid, **m} for m in members])  # type: ignore[attr-defined]
    s.execute(update(ClaimRow).where(ClaimRow.id.in_(ids)).values(group_id=gid))
    return gid


def drop_empty_groups(s: Session) -> None:
    has_members = select(ClaimGroupMember.group_id).distinct()
    s.execute(update(ClaimRow).where(ClaimRow.group_id.is_not(None), ClaimRow.group_id.not_in(has_members))
              .values(group_id=None))
    s.execute(delete(ClaimGroup).where(ClaimGroup.id.not_in(has_members)))


# events -------------------------------------------------------------------------------------
def _event_row(e: Event) -> Row:
    return {k: getattr(e, k) for k in EVENT_FIELDS}


def events_overlapping(s: Session, start: str, end: str) -> list[Row]:
    return [_event_row(e) for e in s.execute(select(Event).where(Event.date_start <= end, Event.date_end >= start)
                                             .order_by(Event.id)).scalars()]


def create_event(s: Session, fields: dict[str, Any]) -> Row:
    e = Event(**fields)
    s.add(e)
    s.flush()
    return _event_row(e)


def update_event(s: Session, event_id: int, fields: dict[str, Any]) -> bool:
    """Set an event's columns; False when it no longer exists."""
    e = s.get(Event, event_id)
    if e is None:
        return False
    for k, v in fields.items():
        setattr(e, k, v)
    return True


def get_event(s: Session, event_id: int) -> Row | None:
    e = s.get(Event, event_id)
    return None if e is None else _event_row(e)


def attach_to_event(s: Session, claim_id: int, side: str | None, stance: str, event_id: int) -> None:
    s.execute(update(ClaimRow).where(ClaimRow.id == claim_id).values(event_id=event_id))
    s.execute(delete(EventClaim).where(EventClaim.claim_id == claim_id))
    s.add(EventClaim(event_id=event_id, claim_id=claim_id, side=side, stance=stance))


def merge_events(s: Session, keep: int, absorbed: int) -> None:
    """Move every claim of event `absorbed` into event `keep` and delete `absorbed`."""
    s.execute(update(ClaimRow).where(ClaimRow.event_id == absorbed).values(event_id=keep))
    s.execute(update(EventClaim).where(EventClaim.event_id == absorbed).values(event_id=keep))
    s.execute(delete(Event).where(Event.id == absorbed))


def delete_event(s: Session, event_id: int) -> None:
    s.execute(delete(Event).where(Event.id == event_id))


# tallies ------------------------------------------------------------------------------------
def save_tally(s: Session, claim_id: int, fields: dict[str, Any]) -> None:
    s.execute(delete(Tally).where(Tally.claim_id == claim_id))
    s.add(Tally(claim_id=claim_id, **fields))


def tally_series(s: Session, side: str | None = None, party: str | None = None,
                 kind: str | None = None) -> list[dict[str, Any]]:
    """Cumulative figures per (claimant side, victim party, kind), oldest first."""
    t = Tally
    stmt = select(t, DocumentRow.outlet, DocumentRow.url).join(ClaimRow, ClaimRow.id == t.claim_id).join(
        DocumentRow, DocumentRow.id == ClaimRow.document_id)
    if side is not None:
        stmt = stmt.where(t.claimant_side == side)
    if party is not None:
        stmt = stmt.where(t.victim_party == party)
    if kind is not None:
        stmt = stmt.where(t.kind == kind)
    stmt = stmt.order_by(t.claimant_side, t.victim_party, t.kind, t.as_of, t.id)
    return [{"claim_id": r.claim_id, "side": r.claimant_side, "claimant": r.claimant_name, "party": r.victim_party,
             "kind": r.kind, "since": r.period_start, "as_of": r.as_of,
             "quantity": {"low": r.quantity_low, "high": r.quantity_high, "qualifier": r.qualifier},
             "outlet": outlet, "url": url} for r, outlet, url in s.execute(stmt)]


# rebuild ------------------------------------------------------------------------------------
def reset_reconciliation(s: Session) -> None:
    """Forget every group, event, tally and near-dup link (minhash signatures are kept)."""
    s.execute(update(ClaimRow).values(group_id=None, event_id=None, reconciled=False, is_tally=False))
    for model in (EventClaim, ClaimGroupMember, Tally, Event, ClaimGroup):
        s.execute(delete(model))
    s.execute(update(DocumentRow).values(near_dup_of=None, near_dup_score=None))


def set_meta(s: Session, key: str, value: Any) -> None:
    row = s.get(MetaRow, key)
    if row is None:
        s.add(MetaRow(key=key, value=value))
    else:
        row.value = value
