"""Red-team sets on real text: keep the blind annotations as ids, offsets and claims (never the corpus text),
rebuild them from ../shared, and score the extractor on them with the shared scorer.

    python tests/redteam/redteam.py pack NAME ANNOTATED.jsonl   # annotator's file -> tests/redteam/sets/NAME.jsonl
    python tests/redteam/redteam.py score [NAME ...] [--by-doc]  # rebuild, extract, score (all sets by default)

A document id is a corpus id, or `ID@START-END` for a passage of one. Free-text fields of the claims
(`evidence.text`, `victim.text`, `quantity.text`, `perpetrator.text`) are dropped when packing; evidence
keeps its offsets and gets its text back from the corpus when a set is rebuilt.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SETS = HERE / "sets"
SHARED = HERE.parents[2] / "shared"
CORPUS_FILES = ("corpus/statements/president_gov_ua_2021-10_2022-06.jsonl",
                "corpus/statements/zelensky_addresses_2022.jsonl",
                "corpus/other_wars/headlines.jsonl", "corpus/ru_uk/reports.jsonl")
DOC_FIELDS = ("published", "title", "source", "url", "lang", "country")
TEXT_FIELDS = (("victim", "text"), ("quantity", "text"), ("perpetrator", "text"))


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@lru_cache(maxsize=1)
def corpus() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for rel in CORPUS_FILES:
        for doc in _load(SHARED / rel):
            out[doc["id"]] = doc
    return out


def document(doc_id: str) -> dict[str, Any]:
    """The document (or passage) a red-team id names, rebuilt from the corpus."""
    base, _, window = doc_id.partition("@")
    try:
        doc = corpus()[base]
    except KeyError:
        raise SystemExit(f"red-team id {doc_id!r}: no such document in {SHARED / 'corpus'}") from None
    text = doc["text"]
    if window:
        start, end = (int(x) for x in window.split("-"))
        text = text[start:end]
    return {"id": doc_id, "text": text, **{k: doc[k] for k in DOC_FIELDS if doc.get(k) is not None}}


def pack(name: str, annotated: Path) -> None:
    rows = []
    for row in _load(annotated):
        doc = document(row["id"])
        if "text" in row and doc["text"] != row["text"]:
            raise SystemExit(f"{annotated}: {row['id']}: text differs from the corpus")
        claims = []
        for c in row["claims"]:
            ev = c["evidence"]
            if doc["text"][ev["start"]:ev["end"]] != ev["text"]:
                raise SystemExit(f"{annotated}: {row['id']}: evidence offsets do not match its text")
            c = json.loads(json.dumps(c))
            c["evidence"] = {"start": ev["start"], "end": ev["end"]}
            for outer, inner in TEXT_FIELDS:
                if isinstance(c.get(outer), dict):
                    c[outer].pop(inner, None)
            claims.append(c)
        rows.append({"id": row["id"], "claims": claims})
    SETS.mkdir(exist_ok=True)
    with (SETS / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{name}: {len(rows)} documents, {sum(len(r['claims']) for r in rows)} claims")


def gold(name: str) -> list[dict[str, Any]]:
    """A packed set with its texts back: the shared scorer's gold format."""
    out = []
    for row in _load(SETS / f"{name}.jsonl"):
        doc = document(row["id"])
        for c in row["claims"]:
            ev = c["evidence"]
            ev["text"] = doc["text"][ev["start"]:ev["end"]]
        out.append({**doc, "claims": row["claims"]})
    return out


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("claimledger_shared_score", SHARED / "eval" / "score.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score(names: list[str], by_doc: bool) -> None:
    from claimledger import extract_many

    scorer = _scorer()
    for name in names:
        rows = gold(name)
        preds: dict[str, list[dict[str, Any]]] = {}
        docs = [{k: v for k, v in r.items() if k != "claims"} for r in rows]
        for claim in extract_many(docs):
            d = claim.to_dict()
            preds.setdefault(d["doc_id"], []).append(d)
        r = scorer.score(rows, preds)
        fields = " ".join(f"{k}={v:.3f}(n={r['field_counts'][k]})" for k, v in r["fields"].items())
        print(f"{name:15s} docs {r['documents']:3d}  P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}"
              f"  tp {r['tp']} fp {r['fp']} fn {r['fn']}  {fields}")
        if by_doc:
            for d in r["per_doc"]:
                for text in d["missed"]:
                    print(f"  MISS {d['id']}: {text}")
                for fa in d["false_alarms"]:
                    print(f"  FA   {d['id']}: {fa}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("name")
    p.add_argument("annotated", type=Path)
    s = sub.add_parser("score")
    s.add_argument("names", nargs="*")
    s.add_argument("--by-doc", action="store_true")
    args = parser.parse_args()
    if args.cmd == "pack":
        pack(args.name, args.annotated)
    else:
        score(args.names or sorted(p.stem for p in SETS.glob("*.jsonl")), args.by_doc)


if __name__ == "__main__":
    sys.exit(main())
