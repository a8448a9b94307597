"""Claim groups: one claim reported by several documents.

Claims share a group when they have the same claimant side, kind, victim party and quantity
(low, high) — the `group_key` — and were stated within `WINDOW_DAYS` of each other (chained:
each member within the window of the previous one, in statement order). Members are ranked
by statement date, then publication, then id: rank 0 is the original report. Independent
sources count each near-duplicate family (a wire story and its copies) once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from claimledger.store.recon import ClaimInfo

WINDOW_DAYS = 3


def _day(s: str) -> date:
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return date.min


def clusters(claims: Sequence[ClaimInfo]) -> list[list[ClaimInfo]]:
    """Split claims of one group key into chains stated within the window."""
    ordered = sorted(claims, key=lambda c: (c.stated, c.published or "", c.id))
    out: list[list[ClaimInfo]] = []
    for c in ordered:
        if out and (_day(c.stated) - _day(out[-1][-1].stated)).days <= WINDOW_DAYS:
            out[-1].append(c)
        else:
            out.append([c])
    return out


def stats(members: Sequence[ClaimInfo]) -> tuple[dict[str, Any], dict[int, tuple[int, int | None]]]:
    """Group columns and each member's (rank, document it is a wire copy of)."""
    ordered = sorted(members, key=lambda c: (c.stated, c.published or "", c.id))
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
