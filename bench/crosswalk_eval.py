"""The ACLED crosswalk over the dev gold documents as the extractor reads them, checked against the
gold perpetrators (read from ../shared/eval/gold at run time, never copied).

Extracts every dev gold document into a fresh SQLite ledger, reconciles, builds the ACLED rows and
counts, over events whose claims match gold claims (same document, kind, victim party, numbers):
rows whose actor1 is a victim side the gold does not name as perpetrator, and rows with an empty
actor1 where the gold names a perpetrator. Figures only; nothing is asserted (the gold-claims
ledger check is tests/test_crosswalk_gold.py).
Usage: .venv/bin/python bench/crosswalk_eval.py [--show]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from claimledger.core import extract_documents
from claimledger.export.crosswalk import acled_row, dyad
from claimledger.model import Document
from claimledger.normalize.parties import actor_table
from claimledger.reconcile import reconcile
from claimledger.store import Ledger
from claimledger.store.repo import store_document

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "gold"
FILES = ("seed.jsonl", "statements_dev.jsonl", "other_wars_dev.jsonl", "ucdp_dev.jsonl", "ru_uk_dev.jsonl")


def _key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["kind"], (c["victim"]["party"] or "").lower(), c["quantity"]["low"], c["quantity"]["high"])


def main() -> None:
    gold: dict[str, list[dict[str, Any]]] = {}
    docs: list[Document] = []
    for name in FILES:
        for line in (GOLD / name).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            gold[f"{name}:{d['id']}"] = d.get("claims", [])
            docs.append(Document(id=f"{name}:{d['id']}", text=d["text"], published=d.get("published"),
                                 source=d.get("source"), speaker=d.get("speaker"), language=d.get("lang")))
    led = Ledger.open(f"sqlite:///{Path(tempfile.mkdtemp()) / 'crosswalk.db'}")
    t0 = time.perf_counter()
    by_id = {d.id: d for d in docs}
    for res in extract_documents(docs):
        if res.document is not None:
            store_document(led.db, by_id[res.document.id], res.claims)
    reconcile(led)
    print(f"extract + store + reconcile of {len(docs)} documents: {time.perf_counter() - t0:.0f} s")
    claims = {r["id"]: r for r in led.iter_rows("claims")}
    actors = actor_table()
    n = own_side = named = empty = 0
    for e in led.iter_rows("events"):
        n += 1
        attacker, _ = dyad(e, actors)
        row = acled_row(e, actors)
        pairs = [(claims[c["claim_id"]], next((g for g in gold.get(claims[c["claim_id"]]["doc_id"], [])
                                               if _key(g) == _key(claims[c["claim_id"]])), None))
                 for c in e["summary"]["claims"] if c["claim_id"] in claims]
        perps = {(g.get("perpetrator") or {}).get("party") for _, g in pairs if g} - {None}
        victims = {g["victim"]["party"] for _, g in pairs if g and g["victim"]["party"]}
        wrong = bool(attacker.party and attacker.party in victims and attacker.party not in perps)
        missing = bool(perps and not row["actor1"])
        own_side += wrong
        named += bool(perps)
        empty += missing
        if (wrong or missing) and "--show" in sys.argv:
            print(f"event {e['id']}: actor1 {row['actor1']!r}, actor2 {row['actor2']!r}, gold perpetrators {perps}")
            for c, g in pairs:
                print(f"   {c['kind']} {c['victim']['party']} predicted {c.get('perpetrator')} gold "
                      f"{g and g.get('perpetrator')}: {c['evidence']['text'][:90]}")
    print(f"events {n}; actor1 on a gold victim side the gold does not name as perpetrator: {own_side}; "
          f"events whose matched gold claims name a perpetrator: {named}, with an empty actor1: {empty}")
    led.close()


if __name__ == "__main__":
    main()
