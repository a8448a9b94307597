"""A large, already reconciled ledger for benchmarks: generated claims with their groups and events.

`prefill(ledger, n_claims)` bulk-loads `bench/query.py`'s generated documents and claims, then the
reconciled state a long-running ledger has: MinHash signatures (random, so no near-duplicates)
with their LSH bands, claim groups (the real chaining rule, `reconcile.groups.clusters` order
and window) and events (one per place and day: a simplification; the real rule chains a busy
place's days into longer events). Works with any version of the package on sys.path: columns and
tables this version does not have are left out, so the same ledger can be built for a before/after.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import insert

from claimledger.reconcile import groups as gr
from claimledger.reconcile import neardup
from claimledger.store import Ledger
from claimledger.store.bulk import analyze, bulk_insert
from claimledger.store.models import Base
from query import PLACES, generate  # type: ignore[import-not-found]

CHUNK = 20_000
_PLACE = {p[0]: p for p in PLACES}


def _columns(table: str) -> set[str]:
    t = Base.metadata.tables.get(table)
    return {c.name for c in t.columns} if t is not None else set()


def _insert(ledger: Ledger, table: str, rows: list[dict[str, Any]]) -> None:
    t = Base.metadata.tables[table]
    keep = _columns(table)
    for i in range(0, len(rows), CHUNK):
        chunk = [{k: v for k, v in r.items() if k in keep} for r in rows[i:i + CHUNK]]
        ledger.db.write(lambda s, c=chunk: s.connection().execute(insert(t), c))


def _plan(n_claims: int) -> tuple[dict[int, int], list[dict[str, Any]], list[dict[str, Any]], dict[int, int],
                                   list[dict[str, Any]]]:
    """Group and event ids per claim id, with the group, member and event rows."""
    _docs, claims = generate(n_claims)
    by_key: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    first_of_key: dict[str, dict[str, Any]] = {}
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    bucket_parties: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in claims:
        by_key[c["group_key"]].append((c["stated"], c["id"], c["document_id"]))
        first_of_key.setdefault(c["group_key"], c)
        if c["place"] is not None:
            b = (c["place"], c["date"])
            buckets[b].append(c["id"])
            bucket_parties[b] |= {p for p in (c["victim_party"], c["claimant_side"]) if p}
    group_of: dict[int, int] = {}
    groups: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    for key, items in by_key.items():
        items.sort()
        chain: list[tuple[str, int, int]] = []
        for it in [*items, None]:
            if it is not None and chain and abs((date.fromisoformat(it[0]) - date.fromisoformat(chain[-1][0])).days)\
                    <= gr.WINDOW_DAYS:
                chain.append(it)
                continue
            if chain:
                gid = len(groups) + 1
                f = first_of_key[key]
                groups.append({"id": gid, "key": key, "kind": f["kind"], "victim_party": f["victim_party"],
                               "claimant_side": f["claimant_side"], "quantity_low": f["quantity_low"],
                               "quantity_high": f["quantity_high"], "first_stated": chain[0][0],
                               "last_stated": chain[-1][0], "original_claim_id": chain[0][1],
                               "original_document_id": chain[0][2], "n_reports": len({m[2] for m in chain}),
                               "n_independent": len({m[2] for m in chain}), "n_outlets": 1})
                for rank, (_, cid, did) in enumerate(chain):
                    group_of[cid] = gid
                    members.append({"group_id": gid, "claim_id": cid, "rank": rank, "document_id": did,
                                    "wire_copy_of": None})
            chain = [it] if it is not None else []
    event_of: dict[int, int] = {}
    events: list[dict[str, Any]] = []
    for (place, day), ids in buckets.items():
        eid = len(events) + 1
        p = _PLACE[place]
        parties = sorted(bucket_parties[(place, day)])
        events.append({"id": eid, "place": place, "admin1": p[1], "country": "UA", "lat": p[2], "lon": p[3],
                       "precision": "point", "date_start": day, "date_end": day,
                       "parties": "," + ",".join(parties) + "," if parties else "", "kinds": ",killed,",
                       "n_claims": len(ids), "n_groups": len(ids), "n_sides": 2, "deaths_low": None,
                       "deaths_best": None, "deaths_high": None, "rule": "", "summary": {},
                       "admin1_key": p[1].casefold(), "place_key": place.casefold(),
                       "cell": _cell(p[2], p[3]), "span_days": 0})
        for cid in ids:
            event_of[cid] = eid
    return group_of, groups, members, event_of, events


def _cell(lat: float, lon: float) -> int | None:
    try:
        from claimledger.store.recon import cell_of
    except ImportError:
        return None
    return int(cell_of(lat, lon))


def _signed(docs: list[dict[str, Any]], seed: int) -> Iterator[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    width = len(neardup.signature("one two three four five six"))
    for d in docs:
        d["minhash"] = rng.integers(0, 256, width, dtype=np.uint8).tobytes()
        yield d


def prefill(ledger: Ledger, n_claims: int) -> dict[str, float]:
    """Load `n_claims` reconciled claims; returns seconds per step."""
    t0 = time.perf_counter()
    group_of, groups, members, event_of, events = _plan(n_claims)
    t1 = time.perf_counter()
    docs, claims = generate(n_claims)
    signed = list(_signed(docs, 7))
    bulk_insert(ledger.db, "documents", signed)

    def reconciled() -> Iterator[dict[str, Any]]:
        for c in claims:
            c["group_id"] = group_of.get(c["id"])
            c["event_id"] = event_of.get(c["id"])
            yield c

    _insert(ledger, "claim_groups", groups)
    _insert(ledger, "events", events)
    bulk_insert(ledger.db, "claims", reconciled())
    _insert(ledger, "claim_group_members", members)
    _insert(ledger, "event_claims", [{"event_id": e, "claim_id": c, "side": None, "stance": "asserted"}
                                     for c, e in event_of.items()])
    if "document_bands" in Base.metadata.tables:
        _insert(ledger, "document_bands", [{"band_key": k, "document_id": d["id"]} for d in signed
                                           for k in set(neardup.bands(d["minhash"]))])
        from claimledger.reconcile import INDEX_VERSION  # the bands and event keys above are complete

        _insert(ledger, "ledger_meta", [{"key": "reconcile_index", "value": INDEX_VERSION}])
    analyze(ledger.db)
    _reset_sequences(ledger)
    _analyze_all(ledger)
    t2 = time.perf_counter()
    return {"plan_s": t1 - t0, "load_s": t2 - t1, "groups": len(groups), "events": len(events)}


def _analyze_all(ledger: Ledger) -> None:
    """Planner statistics for every bulk-loaded table (`analyze` covers documents and claims): a
    table PostgreSQL has never analysed looks empty to its planner, which then scans it."""
    if ledger.db.dialect != "postgresql":
        return
    from sqlalchemy import text

    tables = [t for t in ("claim_groups", "claim_group_members", "events", "event_claims", "document_bands")
              if t in Base.metadata.tables]
    with ledger.db.write_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE " + ", ".join(tables)))


def _reset_sequences(ledger: Ledger) -> None:
    """Explicit ids were inserted: move PostgreSQL's sequences past them."""
    if ledger.db.dialect != "postgresql":
        return
    from sqlalchemy import text

    def run(s: Any) -> None:
        for table in ("claim_groups", "events"):
            s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))"))

    ledger.db.write(run)
