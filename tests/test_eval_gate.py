"""Eval gate: run the shared scorer on every gold file and fail below the floors pinned per file in
tests/eval_floors.json (raise floors as the extractor improves; never lower one silently).

Every gold file present must have its own floor: a new file fails the gate until it is given one.
In CI (``CI`` set) a missing ``../shared`` is a failure, not a skip."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD_DIR = SHARED / "eval" / "gold"
SCORER = SHARED / "eval" / "score.py"
FLOORS = json.loads((Path(__file__).parent / "eval_floors.json").read_text())



@pytest.fixture(scope="module", autouse=True)
def _shared_present() -> None:
    if SCORER.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"shared scorer not found at {SCORER}: the eval gate cannot run in CI without it")
    pytest.skip(f"shared scorer not found at {SCORER}")


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("claimledger_shared_score", SCORER)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def predictions() -> dict[str, Any]:
    """Extract every gold document once, through the public streaming API."""
    from claimledger import extract_many

    score = _scorer()
    gold: dict[str, list[dict[str, Any]]] = {}
    docs = []
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        rows = score.load_jsonl(path)
        gold[path.stem] = rows
        docs.extend({k: v for k, v in row.items() if k != "claims"} for row in rows)
    preds: dict[str, list[dict[str, Any]]] = {}
    for claim in extract_many(docs):
        d = claim.to_dict()
        preds.setdefault(d["doc_id"], []).append(d)
    return {"gold": gold, "preds": preds, "score": score}


def _result(predictions: dict[str, Any], name: str | None) -> dict[str, Any]:
    score = predictions["score"]
    rows = [r for rows in predictions["gold"].values() for r in rows] if name is None else predictions["gold"][name]
    return score.score(rows, predictions["preds"])  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(FLOORS["files"]))
def test_gold_file_floor(predictions: dict[str, Any], name: str) -> None:
    if name not in predictions["gold"]:
        pytest.fail(f"gold file {name}.jsonl has a floor but is not in {GOLD_DIR}")
    result = _result(predictions, name)
    floors = FLOORS["files"][name]
    for metric in ("precision", "recall", "f1"):
        assert result[metric] >= floors[metric], f"{name}: {metric} {result[metric]:.3f} fell below {floors[metric]}"
    for field, floor in floors.get("fields", {}).items():
        got = result["fields"].get(field, 0.0)
        assert got >= floor, f"{name}: field {field} {got:.3f} fell below the floor {floor}"


def test_every_gold_file_has_a_floor(predictions: dict[str, Any]) -> None:
    missing = sorted(set(predictions["gold"]) - set(FLOORS["files"]))
    assert not missing, f"gold files without a floor in tests/eval_floors.json: {missing}"


def test_founding_article(predictions: dict[str, Any]) -> None:
    """All required claims of the founding article, at most one false alarm."""
    if "seed" not in predictions["gold"]:
        pytest.skip("seed gold absent")
    result = _result(predictions, "seed")
    assert result["fn"] == 0, result["per_doc"]
    assert result["fp"] <= FLOORS["seed_max_false_alarms"], result["per_doc"]


def test_predictions_are_contract_shaped(predictions: dict[str, Any]) -> None:
    """Every prediction has exactly the contract's fields, and evidence offsets point into the text."""
    texts = {r["id"]: r["text"] for rows in predictions["gold"].values() for r in rows}
    required = {"doc_id", "kind", "victim", "quantity", "claimant", "stance", "means", "location", "event_time",
                "stated_on", "evidence", "confidence", "perpetrator"}   # perpetrator: contract v1.1
    n = 0
    for doc_id, claims in predictions["preds"].items():
        for c in claims:
            assert required <= set(c), set(c) ^ required
            assert set(c) - required <= {"evidence_more"}
            ev = c["evidence"]
            assert texts[doc_id][ev["start"]:ev["end"]] == ev["text"]
            assert 0.0 <= c["confidence"] <= 1.0
            n += 1
    assert n > 100
