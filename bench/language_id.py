"""Accuracy and speed of language identification (`claimledger.nlp.language`) on the shared data.

Every gold file of ../shared/eval/gold (the `lang` field, English where absent), the unannotated
Russian/Ukrainian reports of ../shared/corpus/ru_uk (their `lang` was detected by the corpus
builders, so disagreements there are worth reading, not errors for sure), the English statements
and the other-wars headlines. Prints accuracy per set, the Russian/Ukrainian confusion of the dev
set, the documents it got wrong (--show N), and documents per second after a warm-up.
Figures only; nothing is asserted.

    .venv/bin/python bench/language_id.py [--show 20] [--json]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def sets() -> dict[str, list[tuple[str, str, str]]]:
    """name → [(id, expected language, text)]."""
    out: dict[str, list[tuple[str, str, str]]] = {}

    def read(name: str, path: Path, default: str = "en") -> None:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    out.setdefault(name, []).append((str(row.get("id")), row.get("lang") or default, row["text"]))

    for path in sorted((SHARED / "eval" / "gold").glob("*.jsonl")):
        read(path.stem, path)
    read("corpus ru_uk (lang detected by its builders)", SHARED / "corpus" / "ru_uk" / "reports.jsonl")
    for path in sorted((SHARED / "corpus" / "statements").glob("*.jsonl")):
        read("corpus statements (en)", path)
    read("corpus other_wars (en)", SHARED / "corpus" / "other_wars" / "headlines.jsonl")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", type=int, default=20, help="print up to N misidentified documents")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from claimledger.nlp import language

    data = sets()
    t0 = time.perf_counter()
    language.detect_language("warm up: the detectors are built on first use")
    language.detect_language("разогрев детектора")
    warm = time.perf_counter() - t0
    report: dict[str, dict[str, float | int]] = {}
    wrong: list[tuple[str, str, str, str | None, str]] = []
    confusion: collections.Counter[tuple[str, str | None]] = collections.Counter()
    n_docs = 0
    t0 = time.perf_counter()
    for name, docs in data.items():
        ok = 0
        for doc_id, lang, text in docs:
            got = language.detect_language(text)
            ok += got == lang
            n_docs += 1
            if name == "ru_uk_dev":
                confusion[(lang, got)] += 1
            if got != lang:
                wrong.append((name, doc_id, lang, got, text[:100].replace("\n", " ")))
        report[name] = {"documents": len(docs), "correct": ok, "accuracy": round(ok / len(docs), 4)}
    secs = time.perf_counter() - t0
    english = [k for k in report if k not in ("ru_uk_dev",) and not k.startswith("corpus")]
    en_ok = sum(int(report[k]["correct"]) for k in english)
    en_n = sum(int(report[k]["documents"]) for k in english)
    summary = {"sets": report, "english_gold": {"documents": en_n, "accuracy": round(en_ok / en_n, 4)},
               "ru_uk_dev_confusion": {f"{a}->{b}": n for (a, b), n in sorted(confusion.items(), key=str)},
               "documents": n_docs, "seconds": round(secs, 2), "docs_per_second": round(n_docs / secs, 1),
               "detector_build_seconds": round(warm, 3)}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return 0
    for name, r in report.items():
        print(f"{name:<48} {r['correct']:>5} / {r['documents']:<5} {r['accuracy']:.4f}")
    print(f"{'English gold files together':<48} {en_ok:>5} / {en_n:<5} {en_ok / en_n:.4f}")
    print("ru_uk_dev gold → detected:", ", ".join(f"{k} {v}" for k, v in summary["ru_uk_dev_confusion"].items()))
    print(f"{n_docs} documents in {secs:.2f} s ({n_docs / secs:.0f} docs/s; detectors built in {warm:.2f} s)")
    for row in wrong[: args.show]:
        print("  wrong:", *row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
