"""Repository functions for reconciliation (near-dups, claim groups, events, tallies).

The rules live in `claimledger.reconcile`; this module only loads and saves what they need,
inside the caller's write transaction (`Database.write`), so a reconcile pass is atomic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


@dataclass(slots=True)
class ClaimInfo:
    id: int
    document_id: int
    kind: str
    party: str | None
    side: str | None
    name: str | None
    low: int | None
    high: int | None
    qualifier: str | None
    stance: str
    stated: str
    date_start: str | None
    date: str
    time_precision: str | None
    place: str | None
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    precision: str | None
    evidence: str
    group_key: str
    group_id: int | None
    event_id: int | None
    is_tally: bool
    current: bool
    published: str | None
    outlet: str | None
    doc_root: int  # the document this one is a wire copy of, else itself
    means: str = ""  # ",drone,artillery,"
    victim_type: str | None = None


@dataclass(slots=True)
class DocSig:
    id: int
    identity: str
    published: str | None
    minhash: bytes | None
    near_dup_of: int | None


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
                  func.coalesce(d.near_dup_of, d.id), c.means, c.victim_type).join(d, d.id == c.document_id)


def _infos(s: Session, stmt: Any) -> list[ClaimInfo]:
    return [ClaimInfo(*row) for row in s.execute(stmt)]


# documents ----------------------------------------------------------------------------------
def docs_without_minhash(s: Session) -> list[tuple[int, str]]:
    return [(i, t) for i, t in s.execute(select(DocumentRow.id, DocumentRow.text)
                                         .where(DocumentRow.minhash.is_(None)).order_by(DocumentRow.id))]


def set_minhash(s: Session, doc_id: int, blob: bytes) -> None:
    s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(minhash=blob))


def latest_signatures(s: Session) -> list[DocSig]:
    d = DocumentRow
    return [DocSig(*r) for r in s.execute(select(d.id, d.identity, d.published, d.minhash, d.near_dup_of)
                                          .where(d.is_latest.is_(True)).order_by(d.id))]


def set_near_dup(s: Session, doc_id: int, of: int | None, score: float | None) -> None:
    s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(near_dup_of=of, near_dup_score=score))


# claims -------------------------------------------------------------------------------------
def unreconciled_claims(s: Session) -> list[ClaimInfo]:
    return _infos(s, _claim_select().where(ClaimRow.current.is_(True), ClaimRow.reconciled.is_(False))
                  .order_by(ClaimRow.stated, ClaimRow.id))


def stale_claims(s: Session) -> list[ClaimInfo]:
    """Claims of superseded revisions that still sit in a group, an event or a tally."""
    return _infos(s, _claim_select().where(ClaimRow.current.is_(False), ClaimRow.reconciled.is_(False)))


def claims_by_group_keys(s: Session, keys: Iterable[str]) -> list[ClaimInfo]:
    keys = sorted(set(keys))
    out: list[ClaimInfo] = []
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


def claims_of_event(s: Session, event_id: int) -> list[ClaimInfo]:
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
def save_group(s: Session, members: Sequence[ClaimInfo], stats: dict[str, Any],
               ranks: dict[int, tuple[int, int | None]]) -> int:
    """Create or update the group of `members` (reusing the lowest existing group id among them)."""
    existing = sorted({m.group_id for m in members if m.group_id is not None})
    group: ClaimGroup | None = s.get(ClaimGroup, existing[0]) if existing else None
    if group is None:
        group = ClaimGroup(**stats)
        s.add(group)
        s.flush()
    else:
        for k, v in stats.items():
            setattr(group, k, v)
    gid = group.id
    ids = [m.id for m in members]
    s.execute(delete(ClaimGroupMember).where(or_(ClaimGroupMember.group_id == gid, ClaimGroupMember.claim_id.in_(ids))))
    s.execute(ClaimGroupMember.__table__.insert(), [  # type: ignore[attr-defined]
        {"group_id": gid, "claim_id": m.id, "rank": ranks[m.id][0], "document_id": m.document_id,
         "wire_copy_of": ranks[m.id][1]} for m in members])
    s.execute(update(ClaimRow).where(ClaimRow.id.in_(ids)).values(group_id=gid))
    for m in members:
        m.group_id = gid
    return gid


def drop_empty_groups(s: Session) -> None:
    has_members = select(ClaimGroupMember.group_id).distinct()
    s.execute(update(ClaimRow).where(ClaimRow.group_id.is_not(None), ClaimRow.group_id.not_in(has_members))
              .values(group_id=None))
    s.execute(delete(ClaimGroup).where(ClaimGroup.id.not_in(has_members)))


# events -------------------------------------------------------------------------------------
def events_overlapping(s: Session, start: str, end: str) -> list[Event]:
    return list(s.execute(select(Event).where(Event.date_start <= end, Event.date_end >= start)
                          .order_by(Event.id)).scalars())


def create_event(s: Session, fields: dict[str, Any]) -> Event:
    e = Event(**fields)
    s.add(e)
    s.flush()
    return e


def get_event(s: Session, event_id: int) -> Event | None:
    return s.get(Event, event_id)


def attach_to_event(s: Session, claim: ClaimInfo, event_id: int) -> None:
    s.execute(update(ClaimRow).where(ClaimRow.id == claim.id).values(event_id=event_id))
    s.execute(delete(EventClaim).where(EventClaim.claim_id == claim.id))
    s.add(EventClaim(event_id=event_id, claim_id=claim.id, side=claim.side, stance=claim.stance))
    claim.event_id = event_id


def delete_event(s: Session, event_id: int) -> None:
    s.execute(delete(Event).where(Event.id == event_id))


# tallies ------------------------------------------------------------------------------------
def save_tally(s: Session, c: ClaimInfo) -> None:
    s.execute(delete(Tally).where(Tally.claim_id == c.id))
    s.add(Tally(claim_id=c.id, claimant_side=c.side, claimant_name=c.name, victim_party=c.party, kind=c.kind,
                period_start=c.date_start if c.date_start != c.date else None, as_of=c.stated,
                quantity_low=c.low, quantity_high=c.high, qualifier=c.qualifier))


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
