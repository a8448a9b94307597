"""Repository functions for reconciliation (near-dups, claim groups, events, tallies).

The rules live in `claimledger.reconcile`; this module only loads and saves what they need,
inside the caller's write transaction (`Database.write`), so a reconcile pass is atomic. Rows
go out as plain mappings and values come back as plain arguments: the record types are
reconcile's own (`reconcile.records`), the store knows nothing of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from claimledger.store.models import (
    ClaimGroup,
    ClaimGroupMember,
    ClaimRow,
    DocumentBand,
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


def _chunked(ids: Iterable[Any], n: int = 500) -> Iterable[list[Any]]:
    items = sorted(set(ids))
    for i in range(0, len(items), n):
        yield items[i:i + n]


# documents ----------------------------------------------------------------------------------
def docs_without_minhash(s: Session) -> list[tuple[int, str]]:
    """Documents not signed yet (a partial index holds exactly these)."""
    return [(i, t) for i, t in s.execute(select(DocumentRow.id, DocumentRow.text)
                                         .where(DocumentRow.minhash.is_(None)).order_by(DocumentRow.id))]


def set_minhash(s: Session, doc_id: int, blob: bytes, band_keys: Sequence[int]) -> None:
    s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(minhash=blob))
    set_bands(s, doc_id, band_keys)


def set_bands(s: Session, doc_id: int, band_keys: Sequence[int]) -> None:
    s.execute(delete(DocumentBand).where(DocumentBand.document_id == doc_id))
    if band_keys:
        s.execute(DocumentBand.__table__.insert(),  # type: ignore[attr-defined]
                  [{"band_key": k, "document_id": doc_id} for k in sorted(set(band_keys))])


def all_minhashes(s: Session) -> Iterable[tuple[int, bytes]]:
    """Every stored signature (the one-time band backfill and rebuilds only)."""
    for doc_id, blob in s.execute(select(DocumentRow.id, DocumentRow.minhash).where(DocumentRow.minhash.is_not(None))):
        if blob is not None:
            yield doc_id, blob


_SIG_COLUMNS = (DocumentRow.id, DocumentRow.identity, DocumentRow.published, DocumentRow.minhash,
                DocumentRow.near_dup_of)


def latest_signatures(s: Session) -> list[Row]:
    return [dict(r._mapping) for r in s.execute(select(*_SIG_COLUMNS)
                                                .where(DocumentRow.is_latest.is_(True)).order_by(DocumentRow.id))]


def _latest_by_ids(s: Session, ids: Iterable[int]) -> list[Row]:
    out: list[Row] = []
    for chunk in _chunked(ids):
        out.extend(dict(r._mapping) for r in s.execute(select(*_SIG_COLUMNS).where(
            DocumentRow.id.in_(chunk), DocumentRow.is_latest.is_(True))))
    return out


def signature_neighbourhood(s: Session, doc_ids: Iterable[int]) -> list[Row]:
    """The latest documents among `doc_ids`, every latest document sharing an LSH band with one of
    them, the near-duplicate roots of those, and the roots' other copies: all that linking the
    new documents can read or change, found by indexed look-ups (bands, ids, `near_dup_of`)."""
    new = set(doc_ids)
    keys: set[int] = set()
    for chunk in _chunked(new):
        keys |= set(s.execute(select(DocumentBand.band_key).where(DocumentBand.document_id.in_(chunk))).scalars())
    sharers: set[int] = set()
    for chunk in _chunked(keys):
        sharers |= set(s.execute(select(DocumentBand.document_id).where(DocumentBand.band_key.in_(chunk))).scalars())
    rows = {r["id"]: r for r in _latest_by_ids(s, new | sharers)}
    wanted = {r["near_dup_of"] for r in rows.values() if r["near_dup_of"] is not None} - rows.keys()
    while wanted:  # walk up to the roots (chains are one link long after `link`, so this ends fast)
        found = _latest_by_ids(s, wanted)
        rows.update((r["id"], r) for r in found)
        wanted = {r["near_dup_of"] for r in found if r["near_dup_of"] is not None} - rows.keys()
    for chunk in _chunked(list(rows)):
        for r in s.execute(select(*_SIG_COLUMNS).where(DocumentRow.near_dup_of.in_(chunk),
                                                       DocumentRow.is_latest.is_(True))):
            rows.setdefault(r.id, dict(r._mapping))
    return [rows[i] for i in sorted(rows)]


def set_near_dup(s: Session, doc_id: int, of: int | None, score: float | None) -> None:
    s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(near_dup_of=of, near_dup_score=score))


# claims -------------------------------------------------------------------------------------
def unreconciled_claims(s: Session) -> list[Row]:
    return _infos(s, _claim_select().where(ClaimRow.current.is_(True), ClaimRow.reconciled.is_(False))
                  .order_by(ClaimRow.stated, ClaimRow.id))


def stale_claims(s: Session) -> list[Row]:
    """Claims of superseded revisions that still sit in a group, an event or a tally."""
    return _infos(s, _claim_select().where(ClaimRow.current.is_(False), ClaimRow.reconciled.is_(False)))


MEMBER_FIELDS = ("id", "document_id", "kind", "party", "side", "low", "high", "stated", "group_key", "group_id",
                 "published", "outlet", "doc_root")


def members_of_groups(s: Session, group_ids: Iterable[int]) -> list[Row]:
    """The current claims of `group_ids`, with only the columns grouping reads (`MEMBER_FIELDS`)."""
    c, d = ClaimRow, DocumentRow
    cols = (c.id, c.document_id, c.kind, c.victim_party, c.claimant_side, c.quantity_low, c.quantity_high, c.stated,
            c.group_key, c.group_id, d.published, d.outlet, func.coalesce(d.near_dup_of, d.id))
    out: list[Row] = []
    for chunk in _chunked(group_ids):
        stmt = select(*cols).join(d, d.id == c.document_id).where(c.current.is_(True), c.group_id.in_(chunk))
        out.extend(dict(zip(MEMBER_FIELDS, row, strict=True)) for row in s.execute(stmt))
    return out


def group_ids_of_documents(s: Session, doc_ids: Iterable[int]) -> set[int]:
    out: set[int] = set()
    for chunk in _chunked(doc_ids):
        out |= {g for g in s.execute(select(ClaimRow.group_id).where(
            ClaimRow.current.is_(True), ClaimRow.document_id.in_(chunk))).scalars() if g is not None}
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
    _write_members(s, gid, members)
    return gid


def _write_members(s: Session, gid: int, members: Sequence[Row]) -> None:
    """Make group `gid`'s member rows equal `members`, writing only what differs: a claim joining
    a long group costs its own row and one keyed update per rank that moved, not a rewrite."""
    m = ClaimGroupMember
    have = {r.claim_id: (r.rank, r.wire_copy_of)
            for r in s.execute(select(m.claim_id, m.rank, m.wire_copy_of).where(m.group_id == gid))}
    want = {r["claim_id"]: (r["rank"], r["wire_copy_of"], r["document_id"]) for r in members}
    joining = [c for c in want if c not in have]
    for chunk in _chunked(joining):  # a claim belongs to one group: leave the one it was in
        s.execute(delete(m).where(m.claim_id.in_(chunk)))
        s.execute(update(ClaimRow).where(ClaimRow.id.in_(chunk)).values(group_id=gid))
    for chunk in _chunked(c for c in have if c not in want):
        s.execute(delete(m).where(m.group_id == gid, m.claim_id.in_(chunk)))
    table = m.__table__
    conn = s.connection()
    if joining:
        conn.execute(table.insert(), [  # type: ignore[attr-defined]
            {"group_id": gid, "claim_id": c, "rank": want[c][0], "wire_copy_of": want[c][1],
             "document_id": want[c][2]} for c in joining])
    moved = [{"g": gid, "c": c, "r": want[c][0], "w": want[c][1]} for c in want if c in have and have[c] != want[c][:2]]
    if moved:  # one statement, executed per row on the primary key
        conn.execute(table.update().where(table.c.group_id == bindparam("g"),  # type: ignore[attr-defined]
                                          table.c.claim_id == bindparam("c"))  # type: ignore[attr-defined]
                     .values(rank=bindparam("r"), wire_copy_of=bindparam("w")), moved)


def groups_starting_by(s: Session, key: str, day: str | None, limit: int) -> list[Row]:
    """The `limit` groups of `key` that start last on or before `day` (None: the undated group),
    latest first: one walk down the (key, first_stated) index, however many groups the key has."""
    g = ClaimGroup
    stmt = select(g.id, g.first_stated, g.last_stated).where(g.key == key)
    if day is None:
        stmt = stmt.where(g.first_stated.is_(None))
    else:
        stmt = stmt.where(g.first_stated <= day).order_by(g.first_stated.desc())
    return [dict(r._mapping) for r in s.execute(stmt.limit(limit))]


def drop_empty_groups(s: Session, group_ids: Iterable[int]) -> None:
    """Delete those of `group_ids` that no longer have members."""
    for chunk in _chunked(group_ids):
        kept = set(s.execute(select(ClaimGroupMember.group_id).where(ClaimGroupMember.group_id.in_(chunk))
                             .distinct()).scalars())
        empty = [g for g in chunk if g not in kept]
        if empty:
            s.execute(update(ClaimRow).where(ClaimRow.group_id.in_(empty)).values(group_id=None))
            s.execute(delete(ClaimGroup).where(ClaimGroup.id.in_(empty)))


# events -------------------------------------------------------------------------------------
def _event_row(e: Event) -> Row:
    return {k: getattr(e, k) for k in EVENT_FIELDS}


CELL_DEG = 0.5  # grid cell of the place look-up; a radius query reads the few cells it can reach
_LON_CELLS = int(360 / CELL_DEG)
_KM_PER_DEG = 6371.0 * math.pi / 180


def cell_of(lat: float, lon: float) -> int:
    return math.floor((lat + 90) / CELL_DEG) * _LON_CELLS + math.floor((lon + 180) / CELL_DEG) % _LON_CELLS


def cells_within(lat: float, lon: float, km: float) -> list[int] | None:
    """Every cell holding a point within `km` of (lat, lon) (a superset); None near a pole, where
    longitude cells stop bounding distance (the caller then reads by time only)."""
    dlat = km / _KM_PER_DEG * 1.01
    top = min(90.0, abs(lat) + dlat)
    if top >= 89.0:
        return None
    dlon = km / (_KM_PER_DEG * math.cos(math.radians(top))) * 1.01
    rows = range(math.floor((lat - dlat + 90) / CELL_DEG), math.floor((lat + dlat + 90) / CELL_DEG) + 1)
    cols = range(math.floor((lon - dlon + 180) / CELL_DEG), math.floor((lon + dlon + 180) / CELL_DEG) + 1)
    return sorted({r * _LON_CELLS + c % _LON_CELLS for r in rows for c in cols})


def _days_between(start: str | None, end: str | None) -> int:
    try:
        return max(0, (date.fromisoformat((end or "")[:10]) - date.fromisoformat((start or "")[:10])).days)
    except ValueError:
        return 36_500  # an unreadable span must still be found: bound it generously


def _refresh_keys(e: Event) -> None:
    """The look-up columns of an event, from its place and span (kept in step on every write)."""
    e.admin1_key = e.admin1.casefold() if e.admin1 else None
    e.place_key = e.place.casefold() if e.place else None
    e.cell = cell_of(e.lat, e.lon) if e.lat is not None and e.lon is not None else None
    e.span_days = _days_between(e.date_start, e.date_end)


def refresh_all_event_keys(s: Session) -> int:
    """Fill the look-up columns of every event (once, after the migration that added them)."""
    n = 0
    for e in s.execute(select(Event)).scalars():
        _refresh_keys(e)
        n += 1
    return n


def events_near(s: Session, start: str, end: str, place: dict[str, Any], radius_km: float) -> list[Row]:
    """Events whose span overlaps [start, end] and that share `place`'s admin1 or place name
    (casefolded) or lie in a grid cell within `radius_km` of its point: a superset of the events
    the matching rule can accept, by id. Each look-up is one place key and a date_start range
    bounded by the longest event span, so it reads what is near, not the ledger."""
    longest = s.execute(select(func.max(Event.span_days))).scalar() or 0
    try:
        lo = (date.fromisoformat(start[:10]) - timedelta(days=int(longest))).isoformat()
    except ValueError:
        lo = ""
    when = (Event.date_start >= lo, Event.date_start <= end, Event.date_end >= start)
    wheres: list[Any] = []
    if place.get("admin1"):
        wheres.append(Event.admin1_key == str(place["admin1"]).casefold())
    if place.get("place"):
        wheres.append(Event.place_key == str(place["place"]).casefold())
    if place.get("lat") is not None and place.get("lon") is not None:
        cells = cells_within(float(place["lat"]), float(place["lon"]), radius_km)
        wheres.append(Event.cell.in_(cells) if cells is not None else Event.cell.is_not(None))
    found: dict[int, Event] = {}
    for where in wheres:
        for e in s.execute(select(Event).where(where, *when)).scalars():
            found[e.id] = e
    return [_event_row(found[i]) for i in sorted(found)]


def create_event(s: Session, fields: dict[str, Any]) -> Row:
    e = Event(**fields)
    _refresh_keys(e)
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
    _refresh_keys(e)
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


def get_meta(s: Session, key: str) -> Any:
    row = s.get(MetaRow, key)
    return None if row is None else row.value


def set_meta(s: Session, key: str, value: Any) -> None:
    row = s.get(MetaRow, key)
    if row is None:
        s.add(MetaRow(key=key, value=value))
    else:
        row.value = value
