"""The ACLED/UCDP crosswalks over a ledger built from the dev gold claims (read from ../shared at run
time): no row puts the victims' own side as actor1 unless a claim says the side hit its own, and no
row leaves actor1 empty where the gold names a perpetrator. In CI a missing ../shared fails."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from claimledger.export.crosswalk import acled_row, dyad, ucdp_row
from claimledger.model import Claim, Document
from claimledger.normalize.parties import actor_table
from claimledger.reconcile import reconcile
from claimledger.store import Ledger
from claimledger.store.repo import store_document

GOLD_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "gold"
DEV_FILES = ("seed.jsonl", "statements_dev.jsonl", "other_wars_dev.jsonl", "ucdp_dev.jsonl", "ru_uk_dev.jsonl")


def _gold_ledger(tmp: Path) -> Ledger:
    led = Ledger.open(f"sqlite:///{tmp / 'gold.db'}")
    for name in DEV_FILES:
        for line in (GOLD_DIR / name).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            doc = Document(id=f"{name}:{d['id']}", text=d["text"], published=d.get("published"),
                           source=d.get("source"), speaker=d.get("speaker"), language=d.get("lang"))
            claims = [Claim.from_dict({k: v for k, v in c.items() if k != "optional"}) for c in d.get("claims", [])]
            store_document(led.db, doc, claims)
    reconcile(led)
    return led


@pytest.fixture(scope="module")
def gold_events(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    if not all((GOLD_DIR / n).exists() for n in DEV_FILES):
        if os.environ.get("CI"):
            pytest.fail(f"dev gold files not found in {GOLD_DIR}")
        pytest.skip(f"dev gold files not found in {GOLD_DIR}")
    led = _gold_ledger(tmp_path_factory.mktemp("gold"))
    events = list(led.iter_rows("events", order="id"))
    led.close()
    assert len(events) > 50
    return events


def _fratricide(e: dict[str, Any]) -> bool:
    return any(c.get("perpetrator") and c["perpetrator"] == c.get("party") for c in e["summary"]["claims"])


def test_actor1_is_never_the_victims_own_side(gold_events: list[dict[str, Any]]) -> None:
    actors = actor_table()
    wrong = []
    for e in gold_events:
        a, b = dyad(e, actors)
        row = acled_row(e, actors)
        if a.party and a.party == b.party and not _fratricide(e):
            wrong.append((e["id"], row["actor1"], row["actor2"]))
        u = ucdp_row(e, actors)
        if u["side_a"] and u["side_a"] == u["side_b"] and not _fratricide(e):
            wrong.append((e["id"], u["side_a"], u["side_b"]))
    assert wrong == []


def test_actor1_is_filled_wherever_the_gold_names_a_perpetrator(gold_events: list[dict[str, Any]]) -> None:
    actors = actor_table()
    named = [e for e in gold_events if any(c.get("perpetrator") or c.get("perpetrator_text")
                                           for c in e["summary"]["claims"])]
    assert named
    assert [e["id"] for e in named if not acled_row(e, actors)["actor1"]] == []
    assert [e["id"] for e in named if any(c.get("perpetrator") for c in e["summary"]["claims"])
            and not ucdp_row(e, actors)["side_a"]] == []
