"""Reconciliation: near-duplicate documents, claim groups, events and cumulative tallies.

`reconcile(ledger)` is incremental: it looks only at documents without a signature and claims
not yet reconciled (plus claims of superseded revisions, which it takes out again), and runs in
one write transaction, so a crash leaves the previous state. `rebuild=True` starts from scratch.
Events that later claims show to be one (a claim that bridges two events' places or days) are
merged, the younger into the older.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from claimledger.reconcile import events as ev
from claimledger.reconcile import groups as gr
from claimledger.reconcile import neardup
from claimledger.reconcile.records import ClaimInfo, DocSig, EventInfo, GroupMember, from_row, member_of
from claimledger.reconcile.tallies import is_running_total
from claimledger.store import Ledger
from claimledger.store import recon as repo

PARAMETERS: dict[str, Any] = {
    "neardup": {"num_perm": neardup.NUM_PERM, "shingle": neardup.SHINGLE, "threshold": neardup.THRESHOLD},
    "groups": {"window_days": gr.WINDOW_DAYS},
    "events": {"radius_km": ev.RADIUS_KM, "slack_days": ev.SLACK_DAYS, "rule": ev.RULE,
               "attackers": ev.ATTACKERS_RULE},
}


@dataclass(slots=True)
class ReconcileReport:
    documents_hashed: int = 0
    near_dups: int = 0
    claims: int = 0
    groups_touched: int = 0
    events_touched: int = 0
    tallies: int = 0
    stale: int = 0
    notes: list[str] = field(default_factory=list)


def reconcile(ledger: Ledger, rebuild: bool = False) -> ReconcileReport:
    """Bring groups, events, tallies and near-dup links up to date with the stored claims."""
    return ledger.db.write(lambda s: _reconcile(s, rebuild))


def _claims(rows: list[dict[str, Any]]) -> list[ClaimInfo]:
    return [from_row(ClaimInfo, r) for r in rows]


INDEX_VERSION = 1  # bumps when the look-up columns or bands need filling again (ledger_meta)


def _reconcile(s: repo.Transaction, rebuild: bool) -> ReconcileReport:
    rep = ReconcileReport()
    repo.lock(s)
    if rebuild:
        repo.reset_reconciliation(s)
    _ensure_lookups(s, rebuild)
    relinked = _near_duplicates(s, rebuild, rep)
    stale = _claims(repo.stale_claims(s))
    rep.stale = len(stale)
    group_ids = {c.group_id for c in stale if c.group_id is not None} | repo.group_ids_of_documents(s, relinked)
    touched_events = {c.event_id for c in stale if c.event_id is not None}
    if stale:
        repo.detach(s, [c.id for c in stale])
    fresh = _claims(repo.unreconciled_claims(s))
    rep.claims = len(fresh)
    flags: dict[int, bool] = {}
    for c in fresh:
        c.is_tally = is_running_total(c)
        flags[c.id] = c.is_tally
    _regroup(s, group_ids, fresh, rep)
    touched_events |= _place_in_events(s, fresh, rep)
    s.flush()
    touched_events = _merge_events(s, touched_events)
    _resummarize(s, touched_events, rep)
    repo.mark_reconciled(s, flags)
    repo.set_meta(s, "reconcile_parameters", PARAMETERS)
    return rep


def _ensure_lookups(s: repo.Transaction, rebuild: bool) -> None:
    """Fill the band rows and event look-up columns once for a ledger that predates them (and on
    every rebuild); afterwards every write keeps them in step."""
    if not rebuild and repo.get_meta(s, "reconcile_index") == INDEX_VERSION:
        return
    for doc_id, blob in repo.all_minhashes(s):
        repo.set_bands(s, doc_id, neardup.bands(blob))
    repo.refresh_all_event_keys(s)
    repo.set_meta(s, "reconcile_index", INDEX_VERSION)


def _near_duplicates(s: repo.Transaction, rebuild: bool, rep: ReconcileReport) -> set[int]:
    """Sign new documents and link near-duplicates; returns older documents whose family changed.

    Incrementally only the new documents' LSH neighbourhood is read (shared bands, their roots and
    copies); a rebuild reads every signature."""
    hashed: set[int] = set()
    for doc_id, text in repo.docs_without_minhash(s):
        blob = neardup.signature(text)
        repo.set_minhash(s, doc_id, blob, neardup.bands(blob))
        hashed.add(doc_id)
    rep.documents_hashed = len(hashed)
    if not rebuild and not hashed:
        return set()
    rows = repo.latest_signatures(s) if rebuild else repo.signature_neighbourhood(s, hashed)
    sigs = [from_row(DocSig, r) for r in rows]
    new_ids = {d.id for d in sigs} if rebuild else hashed
    relinked: set[int] = set()
    for doc_id, (root, score) in neardup.link(sigs, new_ids).items():
        repo.set_near_dup(s, doc_id, root, score)
        rep.near_dups += root is not None
        if doc_id not in new_ids:
            relinked.add(doc_id)  # an older document whose family changed: its groups recount
    return relinked


def _groups_in_reach(s: repo.Transaction, fresh: list[ClaimInfo]) -> set[int]:
    """The existing groups that new claims can join: of the same key, and (chains of one key never
    come within the window of each other) among the two that start last before a claim's window
    ends, those that end inside it; the undated group of the key for an undated claim."""
    out: set[int] = set()
    for key, day in sorted({(c.group_key, c.stated) for c in fresh}, key=lambda kd: (kd[0], kd[1] or "")):
        lo, hi = gr.reach(day)
        for g in repo.groups_starting_by(s, key, hi, limit=3):
            if lo is None or (g["last_stated"] is not None and g["last_stated"] >= lo):
                out.add(g["id"])
    return out


def _regroup(s: repo.Transaction, group_ids: set[int], fresh: list[ClaimInfo], rep: ReconcileReport) -> None:
    """Recompute the clusters that new claims join and that changed members leave: the members
    of the groups in reach plus the new claims, per key (the rest of each key stays as it is)."""
    fresh_by_id = {c.id: c for c in fresh}
    candidates = group_ids | _groups_in_reach(s, fresh)
    by_key: dict[str, dict[int, GroupMember]] = defaultdict(dict)
    for r in repo.members_of_groups(s, candidates):
        by_key[r["group_key"]][r["id"]] = from_row(GroupMember, r)
    for c in fresh:
        by_key[c.group_key][c.id] = member_of(c)
    reused: set[int] = set()
    for members in by_key.values():
        for cluster in gr.clusters(list(members.values())):
            cols, ranks = gr.stats(cluster)
            # a group id names one cluster: when a group splits, only its first part keeps the id
            existing = sorted({m.group_id for m in cluster if m.group_id is not None} - reused)
            rows = [{"claim_id": m.id, "document_id": m.document_id, "rank": ranks[m.id][0],
                     "wire_copy_of": ranks[m.id][1]} for m in cluster]
            gid = repo.save_group(s, existing, rows, cols)
            reused.add(gid)
            rep.groups_touched += 1
            for m in cluster:
                m.group_id = gid
                if m.id in fresh_by_id:
                    fresh_by_id[m.id].group_id = gid
    repo.drop_empty_groups(s, candidates - reused)


def _place(c: ClaimInfo | EventInfo) -> dict[str, Any]:
    return {"admin1": c.admin1, "place": c.place, "lat": c.lat, "lon": c.lon}


def _place_in_events(s: repo.Transaction, fresh: list[ClaimInfo], rep: ReconcileReport) -> set[int]:
    """Each new eligible claim joins the first matching event or opens one; running totals become
    tally points. Returns the events touched."""
    touched: set[int] = set()
    for c in fresh:
        if c.is_tally:
            if c.stated is not None:  # a running total needs the day it was stated
                repo.save_tally(s, c.id, ev.tally_fields(c))
                rep.tallies += 1
            continue
        if not ev.eligible(c):
            continue
        start, end = ev.window(c)
        candidates = [from_row(EventInfo, e) for e in repo.events_near(s, start, end, _place(c), ev.RADIUS_KM)]
        target = next((e for e in candidates if ev.matches(c, e)), None)
        if target is None:
            target = from_row(EventInfo, repo.create_event(s, ev.summarize([c])))
        else:
            repo.update_event(s, target.id, ev.widened(target, c))
        repo.attach_to_event(s, c.id, c.side, c.stance, target.id)
        c.event_id = target.id
        touched.add(target.id)
    return touched


def _merge_events(s: repo.Transaction, touched: set[int]) -> set[int]:
    """Events that later claims show to be one (their place, time and parties now match) become
    one: the younger is folded into the older. Returns the touched events that remain."""
    alive = set(touched)
    for eid in sorted(touched):
        if eid not in alive:
            continue
        row = repo.get_event(s, eid)
        if row is None:
            alive.discard(eid)
            continue
        event = from_row(EventInfo, row)
        start, end = ev.event_window(event)
        for other in (from_row(EventInfo, r) for r in repo.events_near(s, start, end, _place(event), ev.RADIUS_KM)):
            if other.id != event.id and ev.same_event(event, other):
                keep, absorbed = min(event.id, other.id), max(event.id, other.id)
                repo.merge_events(s, keep, absorbed)
                alive.discard(absorbed)
                alive.add(keep)
                if absorbed == event.id:
                    break
    return alive


def _resummarize(s: repo.Transaction, touched: set[int], rep: ReconcileReport) -> None:
    for eid in sorted(touched):
        members = _claims(repo.claims_of_event(s, eid))
        if not members:
            repo.delete_event(s, eid)
            continue
        if repo.update_event(s, eid, ev.summarize(members)):
            rep.events_touched += 1


def tally_series(ledger: Ledger, side: str | None = None, party: str | None = None,
                 kind: str | None = None) -> list[dict[str, Any]]:
    with ledger.db.reading() as s:
        return repo.tally_series(s, side, party, kind)


__all__ = ["reconcile", "ReconcileReport", "PARAMETERS", "tally_series"]
