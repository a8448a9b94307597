"""Speed of the Russian and Ukrainian analysis next to the bare libraries, on the same texts: the
reports of ../shared/corpus/ru_uk/reports.jsonl (read at run time), Russian ones through natasha,
Ukrainian ones through spaCy's `uk` tokenizer.

Phases, each in its own child process (so that load time and peak memory are its own):
  natasha-bare   natasha's Doc: segment, tag_morph, parse_syntax, tag_ner (its own objects only)
  ru             claimledger get_nlp("ru"): the same natasha work turned into spaCy Docs with lemmas
  spacy-uk-bare  spacy.blank("uk"): the tokenizer alone
  uk             claimledger get_nlp("uk"): tokenizer, sentences, pymorphy3 morphology, gazetteer places
  ru-extract     claimledger's whole extraction of the Russian texts (analysis, constructions, claim records)
  uk-extract     the same for the Ukrainian texts
Prints documents, words, seconds, words/s, load seconds and max RSS per phase, and the ratio of
each claimledger pipeline to its bare library. Each phase passes over the texts K times and reports
its fastest pass (the machine is shared: the best pass is the least disturbed one). Figures only:
nothing here asserts a time.

    .venv/bin/python bench/ru_uk_speed.py [--rounds K] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "ru_uk" / "reports.jsonl"
PHASES = {"natasha-bare": "ru", "ru": "ru", "ru-extract": "ru", "spacy-uk-bare": "uk", "uk": "uk", "uk-extract": "uk"}


def texts(lang: str) -> list[str]:
    with CORPUS.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r["text"] for r in rows if r.get("lang") == lang]


def run_phase(phase: str, rounds: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "src"))
    docs = texts(PHASES[phase])
    words = sum(len(t.split()) for t in docs)
    t0 = time.perf_counter()
    if phase == "natasha-bare":
        from natasha import Doc, NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter

        emb = NewsEmbedding()
        seg, morph, syntax, ner = Segmenter(), NewsMorphTagger(emb), NewsSyntaxParser(emb), NewsNERTagger(emb)

        def work(text: str) -> object:
            d = Doc(text)
            d.segment(seg)
            d.tag_morph(morph)
            d.parse_syntax(syntax)
            d.tag_ner(ner)
            return d

        work("Загрузка моделей.")
        load = time.perf_counter() - t0
        passes = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            for text in docs:
                work(text)
            passes.append(time.perf_counter() - t0)
    elif phase.endswith("-extract"):
        from claimledger.core import extract_documents
        from claimledger.model import Document

        lang = PHASES[phase]
        list(extract_documents([Document(id="warm", text="Загрузка моделей.", language=lang)]))
        load = time.perf_counter() - t0
        passes = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            for _result in extract_documents(Document(id=str(i), text=t, language=lang) for i, t in enumerate(docs)):
                pass
            passes.append(time.perf_counter() - t0)
    else:
        if phase == "spacy-uk-bare":
            import spacy

            nlp = spacy.blank("uk")
        else:
            from claimledger.nlp import get_nlp

            nlp = get_nlp(phase)
        list(nlp.pipe(["Завантаження моделей." if PHASES[phase] == "uk" else "Загрузка моделей."]))
        load = time.perf_counter() - t0
        passes = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            for _doc in nlp.pipe(docs, batch_size=64):
                pass
            passes.append(time.perf_counter() - t0)
    secs = min(passes)
    return {"documents": len(docs), "words": words, "seconds": round(secs, 3), "words_per_s": round(words / secs),
            "docs_per_s": round(len(docs) / secs, 1), "load_seconds": round(load, 2),
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="passes over the texts; the fastest counts (default 3)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.rounds)))
        return 0
    if not CORPUS.exists():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 1
    results = {}
    for phase in PHASES:
        out = subprocess.run([sys.executable, __file__, "--phase", phase, "--rounds", str(args.rounds)],
                             check=True, capture_output=True, text=True).stdout
        results[phase] = json.loads(out.strip().splitlines()[-1])
    results["ratios"] = {
        "ru / natasha-bare (words/s)": round(results["ru"]["words_per_s"] / results["natasha-bare"]["words_per_s"], 3),
        "uk / spacy-uk-bare (words/s)": round(results["uk"]["words_per_s"] / results["spacy-uk-bare"]["words_per_s"], 3),
        "ru-extract / natasha-bare (words/s)": round(results["ru-extract"]["words_per_s"]
                                                     / results["natasha-bare"]["words_per_s"], 3),
        "uk-extract / spacy-uk-bare (words/s)": round(results["uk-extract"]["words_per_s"]
                                                      / results["spacy-uk-bare"]["words_per_s"], 3),
    }
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"{'phase':<15}{'docs':>7}{'words':>9}{'secs':>9}{'words/s':>10}{'docs/s':>9}{'load s':>8}{'RSS MB':>8}")
    for phase in PHASES:
        r = results[phase]
        print(f"{phase:<15}{r['documents']:>7}{r['words']:>9}{r['seconds']:>9}{r['words_per_s']:>10}{r['docs_per_s']:>9}"
              f"{r['load_seconds']:>8}{r['max_rss_mb']:>8}")
    for k, v in results["ratios"].items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
