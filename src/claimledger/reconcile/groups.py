"""Claim groups: one claim reported by several documents.

Claims share a group when they have the same claimant side, kind, victim party and quantity
(low, high) — the `group_key` — and were stated within `WINDOW_DAYS` of each other (chained:
each member within the window of the previous one, in statement order). Members are ranked
by statement date, then publication, then id: rank 0 is the original report. Independent
sources count each near-duplicate family (a wire story and its copies) once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from claimledger.reconcile.records import GroupMember

WINDOW_DAYS = 3


def _day(s: str | None) -> date | None:
    try:
        return date.fromisoformat(s[:10]) if s else None
    except ValueError:
        return None


def _near(a: date | None, b: date | None) -> bool:
    """Within the window; undated claims chain only with undated claims (no distance to measure)."""
    if a is None or b is None:
        return a is None and b is None
    return abs((a - b).days) <= WINDOW_DAYS


def reach(stated: str | None) -> tuple[str | None, str | None]:
    """The days [lo, hi] within which a group must have a member for a claim stated on `stated` to
    join it; (None, None) for an undated claim (it joins the undated chain of its key)."""
    day = _day(stated)
    if day is None:
        return None, None
    w = timedelta(days=WINDOW_DAYS)
    return (day - w).isoformat(), (day + w).isoformat()


def _order(c: GroupMember) -> tuple[str, str, int]:
    return (c.stated or "", c.published or "", c.id)


def clusters(claims: Sequence[GroupMember]) -> list[list[GroupMember]]:
    """Split claims of one group key into chains stated within the window."""
    ordered = sorted(claims, key=_order)
    out: list[list[GroupMember]] = []
    for c in ordered:
        if out and _near(_day(c.stated), _day(out[-1][-1].stated)):
            out[-1].append(c)
        else:
            out.append([c])
    return out


def stats(members: Sequence[GroupMember]) -> tuple[dict[str, Any], dict[int, tuple[int, int | None]]]:
    """Group columns and each member's (rank, document it is a wire copy of)."""
    ordered = sorted(members, key=_order)
    first = ordered[0]
    ranks: dict[int, tuple[int, int | None]] = {}
    roots_seen: dict[int, int] = {}
    for i, c in enumerate(ordered):
        copy_of = c.doc_root if c.doc_root != c.document_id else None
        if copy_of is None and c.doc_root in roots_seen and roots_seen[c.doc_root] != c.document_id:
            copy_of = roots_seen[c.doc_root]
        roots_seen.setdefault(c.doc_root, c.document_id)
        ranks[c.id] = (i, copy_of)
    cols = {
        "key": first.group_key, "kind": first.kind, "victim_party": first.party, "claimant_side": first.side,
        "quantity_low": first.low, "quantity_high": first.high, "first_stated": first.stated,
        "last_stated": ordered[-1].stated, "original_claim_id": first.id, "original_document_id": first.document_id,
        "n_reports": len({c.document_id for c in ordered}), "n_independent": len({c.doc_root for c in ordered}),
        "n_outlets": len({c.outlet or f"doc{c.document_id}" for c in ordered}),
    }
    return cols, ranks
