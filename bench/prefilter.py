"""How many gold claims the pre-parse filter would lose, and how much parsing it saves.

Extraction parses only the sentences the filter lets through (a claim word, a construction word, a
quotation with a reporting verb). A gold claim is *dropped* when no sentence its evidence touches gets
through: the filter must drop no required claim (optional ones — vague, generic, implied — are counted
apart: a construction could not read most of them from the words the filter looks for anyway). Figures only; nothing here asserts.

    .venv/bin/python bench/prefilter.py [GOLD.jsonl ...] [--json]

Without arguments it reads every file of ../shared/eval/gold/. Documents of a language with no
extraction pipeline are counted as skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "eval" / "gold"


def spans(claim: dict[str, Any]) -> list[tuple[int, int]]:
    """The evidence spans of a gold claim (its main evidence and any repeats)."""
    out = [(claim["evidence"]["start"], claim["evidence"]["end"])]
    out += [(e["start"], e["end"]) for e in claim.get("evidence_more") or [] if "start" in e]
    return out


def measure(path: Path) -> dict[str, Any]:
    from claimledger.extraction.pipeline import get_extractor
    from claimledger.nlp.sentences import split_sentences

    extractor = get_extractor()
    claims = dropped = optional_dropped = sentences = parsed = skipped_docs = 0
    examples: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            doc = json.loads(line)
            code = doc.get("lang") or "en"
            try:
                lang = extractor.language(code)
            except Exception:  # no pipeline for this language: nothing is parsed, nothing is measured
                skipped_docs += 1
                continue
            sents = list(split_sentences(doc["text"], code))
            passed = [(s, e) for s, e in sents if lang.needs_parse(doc["text"][s:e])]
            sentences += len(sents)
            parsed += len(passed)
            for claim in doc.get("claims", []):
                claims += 1
                touched = [(s, e) for s, e in sents for a, b in spans(claim) if s < b and a < e]
                if touched and not any(t in passed for t in touched):
                    if claim.get("optional"):
                        optional_dropped += 1
                        continue
                    dropped += 1
                    examples.append(f"{doc['id']}:{claim['evidence']['start']}")
    name = path.parent.name if path.stem == "gold" else path.stem
    return {"file": name, "claims": claims, "dropped": dropped, "optional_dropped": optional_dropped, "sentences": sentences, "parsed": parsed,
            "parsed_share": round(parsed / sentences, 3) if sentences else None, "docs_skipped": skipped_docs,
            "dropped_at": examples[:20]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    files = args.gold or sorted(GOLD.glob("*.jsonl"))
    rows = [measure(p) for p in files]
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        print()
        return
    print(f"{'gold file':<18} {'claims':>7} {'dropped':>8} {'optional':>9} {'sentences':>10} {'parsed':>7} {'share':>6}")
    for r in rows:
        print(f"{r['file']:<18} {r['claims']:>7} {r['dropped']:>8} {r['optional_dropped']:>9} {r['sentences']:>10} "
              f"{r['parsed']:>7} "
              f"{r['parsed_share'] if r['parsed_share'] is not None else '-':>6}"
              + (f"  ({r['docs_skipped']} documents in languages without a pipeline)" if r["docs_skipped"] else ""))
        for where in r["dropped_at"]:
            print(f"   dropped: {where}")


if __name__ == "__main__":
    main()
