"""Reconciliation: near-duplicate documents, claim groups, events and cumulative tallies.

`reconcile(ledger)` is incremental: it looks only at documents without a signature and claims
not yet reconciled (plus claims of superseded revisions, which it takes out again), and runs in
one write transaction, so a crash leaves the previous state. `rebuild=True` starts from scratch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from claimledger.reconcile import events as ev
from claimledger.reconcile import groups as gr
from claimledger.reconcile import neardup
from claimledger.reconcile.tallies import is_running_total
from claimledger.store import Ledger
from claimledger.store import recon as repo

PARAMETERS: dict[str, Any] = {
    "neardup": {"num_perm": neardup.NUM_PERM, "shingle": neardup.SHINGLE, "threshold": neardup.THRESHOLD},
    "groups": {"window_days": gr.WINDOW_DAYS},
    "events": {"radius_km": ev.RADIUS_KM, "slack_days": ev.SLACK_DAYS, "rule": ev.RULE},
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


def _reconcile(s: repo.Transaction, rebuild: bool) -> ReconcileReport:
    rep = ReconcileReport()
    repo.lock(s)
    if rebuild:
        repo.reset_reconciliation(s)
    hashed: set[int] = set()
    for doc_id, text in repo.docs_without_minhash(s):
        repo.set_minhash(s, doc_id, neardup.signature(text))
        hashed.add(doc_id)
    rep.documents_hashed = len(hashed)
    sigs = repo.latest_signatures(s)
    new_ids = {d.id for d in sigs} if rebuild else hashed
    relinked: set[int] = set()
    for doc_id, (root, score) in neardup.link(sigs, new_ids).items():
        repo.set_near_dup(s, doc_id, root, score)
        rep.near_dups += root is not None
        if doc_id not in new_ids:
            relinked.add(doc_id)  # an older document whose family changed: its groups recount

    stale = repo.stale_claims(s)
    rep.stale = len(stale)
    keys = {c.group_key for c in stale} | repo.group_keys_of_documents(s, relinked)
    touched_events = {c.event_id for c in stale if c.event_id is not None}
    if stale:
        repo.detach(s, [c.id for c in stale])

    fresh = repo.unreconciled_claims(s)
    rep.claims = len(fresh)
    flags: dict[int, bool] = {}
    for c in fresh:
        c.is_tally = is_running_total(c)
        flags[c.id] = c.is_tally
        keys.add(c.group_key)

    # claim groups: recompute every cluster of every touched key
    by_key: dict[str, list[repo.ClaimInfo]] = defaultdict(list)
    for c in repo.claims_by_group_keys(s, keys):
        by_key[c.group_key].append(c)
    fresh_by_id = {c.id: c for c in fresh}
    for members in by_key.values():
        for cluster in gr.clusters(members):
            cols, ranks = gr.stats(cluster)
            gid = repo.save_group(s, cluster, cols, ranks)
            rep.groups_touched += 1
            for m in cluster:
                if m.id in fresh_by_id:
                    fresh_by_id[m.id].group_id = gid
    repo.drop_empty_groups(s)

    # events: each new eligible claim joins the first matching event or opens one
    for c in fresh:
        if c.is_tally:
            repo.save_tally(s, c)
            rep.tallies += 1
            continue
        if not ev.eligible(c):
            continue
        start, end = ev.window(c)
        target = next((e for e in repo.events_overlapping(s, start, end) if ev.matches(c, e)), None)
        if target is None:
            target = repo.create_event(s, ev.summarize([c]))
        else:
            target.date_start = min(target.date_start, c.date_start or c.date)
            target.date_end = max(target.date_end, c.date)
            ps = {p for p in target.parties.split(",") if p} | ev.parties(c)
            target.parties = ("," + ",".join(sorted(ps)) + ",") if ps else ""
        repo.attach_to_event(s, c, target.id)
        touched_events.add(target.id)
    s.flush()
    for eid in sorted(touched_events):
        members = repo.claims_of_event(s, eid)
        event = repo.get_event(s, eid)
        if event is None:
            continue
        if not members:
            repo.delete_event(s, eid)
            continue
        for k, v in ev.summarize(members).items():
            setattr(event, k, v)
        rep.events_touched += 1
    repo.mark_reconciled(s, flags)
    repo.set_meta(s, "reconcile_parameters", PARAMETERS)
    return rep


def tally_series(ledger: Ledger, side: str | None = None, party: str | None = None,
                 kind: str | None = None) -> list[dict[str, Any]]:
    with ledger.db.reading() as s:
        return repo.tally_series(s, side, party, kind)


__all__ = ["reconcile", "ReconcileReport", "PARAMETERS", "tally_series"]
