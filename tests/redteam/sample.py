"""Draw the real-text red-team samples from ../shared/corpus (documents and passages not in the gold).

Run once per red-team round; the samples are written outside the project (the texts stay in ../shared),
annotated blind to the contract, and kept in tests/redteam/ as ids, offsets and claims only.

    python tests/redteam/sample.py OUT_DIR [--seed N]

Passages are windows of three sentences of a corpus document, chosen by a quantity signal (a digit or
a number word, independent of the extractor's claim words) or uniformly; other-war headlines and
Russian/Ukrainian reports are drawn uniformly from the documents that are not in the gold.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[3] / "shared"
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”»]?,?\s+(?=[\"“«(]?[A-Z0-9А-ЯІЇЄҐ])")
NUMBER_SIGNAL = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundreds?|thousands?|dozens?|several|tens)\b",
    re.IGNORECASE,
)
# the second statements round: passages that speak of harm at all (a broad list written for sampling, not the
# extractor's vocabulary), so that the sample holds enough claims to measure recall
HARM_SIGNAL = re.compile(
    r"\b(?:kill|dead|death|die|died|dying|wound|injur|casualt|loss|losses|lost|destroy|shot down|downed|captur|"
    r"prisoner|missing|victim|bod(?:y|ies)|toll|perish|fallen|eliminat|tortur|shell|strike|attack)",
    re.IGNORECASE,
)

HARM_AND_NUMBER = re.compile(rf"(?s)^(?=.*{HARM_SIGNAL.pattern})(?=.*{NUMBER_SIGNAL.pattern})", re.IGNORECASE)


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sentence_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in SENTENCE_END.finditer(text)]


def windows(text: str, size: int = 3) -> list[tuple[int, int]]:
    starts = sentence_starts(text)
    out = []
    for i in range(0, max(1, len(starts) - size + 1)):
        end = starts[i + size] if i + size < len(starts) else len(text)
        out.append((starts[i], len(text[:end].rstrip(" ,"))))
    return out


def passage_doc(doc: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    return {"id": f"{doc['id']}@{start}-{end}", "text": doc["text"][start:end], "published": doc.get("published"),
            "title": doc.get("title"), "source": doc.get("source"), "url": doc.get("url")}


def statements(rng: random.Random, gold_texts: list[str], signal: re.Pattern[str] = NUMBER_SIGNAL,
               counts: tuple[int, int, int] = (45, 15, 12), avoid: set[str] | None = None) -> list[dict[str, Any]]:
    docs = load(SHARED / "corpus/statements/president_gov_ua_2021-10_2022-06.jsonl")
    docs += load(SHARED / "corpus/statements/zelensky_addresses_2022.jsonl")

    def in_gold(text: str) -> bool:
        return any(g[:60] in text or text[:60] in g for g in gold_texts)

    rng.shuffle(docs)
    out: list[dict[str, Any]] = []
    used: set[str] = set(avoid or ())
    for want_signal, count in ((True, counts[0]), (False, counts[1])):
        for doc in docs:
            if len([d for d in out if d.get("_signal") is want_signal]) >= count:
                break
            if doc["id"] in used:
                continue
            spans = windows(doc["text"])
            if want_signal:
                spans = [s for s in spans if signal.search(doc["text"][s[0]:s[1]])]
            if not spans:
                continue
            start, end = rng.choice(spans)
            passage = passage_doc(doc, start, end)
            if in_gold(passage["text"]) or len(passage["text"]) < 80:
                continue
            used.add(doc["id"])
            out.append({**passage, "_signal": want_signal})
    news = [d for d in docs if d["id"].startswith("pgu-") and d["id"] not in used
            and 600 <= len(d["text"]) <= 3500 and signal.search(d["text"]) and not in_gold(d["text"])]
    for doc in rng.sample(news, counts[2]):
        out.append({**passage_doc(doc, 0, len(doc["text"])), "_signal": "article"})
    for d in out:
        d.pop("_signal")
    return out


def long_articles(rng: random.Random, gold_texts: list[str], avoid: set[str], count: int = 24,
                  shorter: bool = False) -> list[dict[str, Any]]:
    """Whole news articles of the presidential office that quote several speakers and speak of harm: the test
    of attribution across a long document (who said each figure when several people speak in turn).
    `shorter` admits articles from 1,500 characters with two quotation marks and two speech verbs, once the
    longer ones are all drawn."""
    docs = load(SHARED / "corpus/statements/president_gov_ua_2021-10_2022-06.jsonl")
    quotes = re.compile(r"[\"“”«»]")
    said = re.compile(r"\b(?:said|says|stated|noted|added|reported|according to|emphasi[sz]ed|stressed)\b")

    def fits(d: dict[str, Any]) -> bool:
        text = d["text"]
        least, marks, verbs = (1500, 2, 2) if shorter else (2500, 4, 3)
        return (d["id"] not in avoid and least <= len(text) <= 12000 and len(HARM_SIGNAL.findall(text)) >= 4
                and len(quotes.findall(text)) >= marks and len(said.findall(text)) >= verbs
                and not any(g[:60] in text for g in gold_texts))

    pool = [d for d in docs if fits(d)]
    return [passage_doc(d, 0, len(d["text"])) for d in rng.sample(pool, min(count, len(pool)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--force", action="store_true", help="draw sets whose folders exist again")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    gold = {p.stem: load(p) for p in (SHARED / "eval/gold").glob("*.jsonl")}
    gold_ids = {r["id"] for rows in gold.values() for r in rows}
    gold_statements = [r["text"] for r in gold["statements_dev"]]
    sets = {"statements": statements(rng, gold_statements)}
    first_round = {d["id"].split("@")[0] for d in sets["statements"]}
    other = [d for d in load(SHARED / "corpus/other_wars/headlines.jsonl") if d["id"] not in gold_ids]
    sets["other_wars"] = rng.sample(other, 120)
    reports = [d for d in load(SHARED / "corpus/ru_uk/reports.jsonl") if d["id"] not in gold_ids]
    sets["ru_uk"] = (rng.sample([d for d in reports if d["lang"] == "uk"], 60)
                     + rng.sample([d for d in reports if d["lang"] == "ru"], 40))
    sets["statements2"] = statements(random.Random(args.seed + 2), gold_statements, HARM_SIGNAL, (50, 0, 12),
                                     avoid=first_round)
    # the third round, drawn after the second round's fixes: long articles and headlines nobody has read
    earlier = first_round | {d["id"].split("@")[0] for d in sets["statements2"]}
    sets["long_articles"] = long_articles(random.Random(args.seed + 3), gold_statements, earlier)
    seen_headlines = {d["id"] for d in sets["other_wars"]}
    sets["other_wars2"] = random.Random(args.seed + 4).sample([d for d in other if d["id"] not in seen_headlines], 120)
    # the fourth round, drawn after every earlier round's fixes: nobody has read these passages
    earlier |= {d["id"] for d in sets["long_articles"]}
    sets["statements3"] = statements(random.Random(args.seed + 5), gold_statements, HARM_SIGNAL, (40, 10, 0),
                                     avoid=earlier)
    earlier |= {d["id"].split("@")[0] for d in sets["statements3"]}
    sets["long_articles2"] = long_articles(random.Random(args.seed + 6), gold_statements, earlier, count=10)
    seen_headlines |= {d["id"] for d in sets["other_wars2"]}
    sets["other_wars3"] = random.Random(args.seed + 7).sample([d for d in other if d["id"] not in seen_headlines], 120)
    # the fifth round, drawn after the construction matrix's fixes: passages that speak of harm with a figure in
    # them (so that each holds a claim to measure recall on), fresh headlines and articles
    earlier |= {d["id"] for d in sets["long_articles2"]} | {d["id"].split("@")[0] for d in sets["statements3"]}
    sets["statements4"] = statements(random.Random(args.seed + 8), gold_statements, HARM_AND_NUMBER, (50, 0, 0),
                                     avoid=earlier)
    earlier |= {d["id"].split("@")[0] for d in sets["statements4"]}
    sets["long_articles3"] = long_articles(random.Random(args.seed + 9), gold_statements, earlier, count=10)
    seen_headlines |= {d["id"] for d in sets["other_wars3"]}
    sets["other_wars4"] = random.Random(args.seed + 10).sample([d for d in other if d["id"] not in seen_headlines], 120)
    # the sixth round, drawn after the fifth round's fixes: passages of statements with harm and a figure, articles
    # quoting several speakers, the headlines no earlier round drew, and Russian/Ukrainian reports not yet read
    # (earlier rounds added the articles' passage ids, `ID@0-N`, to `earlier`: from here on their documents' ids)
    earlier |= {d["id"].split("@")[0] for name in ("long_articles", "long_articles2", "long_articles3")
                for d in sets[name]}
    sets["statements5"] = statements(random.Random(args.seed + 11), gold_statements, HARM_AND_NUMBER, (50, 0, 0),
                                     avoid=earlier)
    earlier |= {d["id"].split("@")[0] for d in sets["statements5"]}
    sets["long_articles4"] = long_articles(random.Random(args.seed + 12), gold_statements, earlier, count=10)
    seen_headlines |= {d["id"] for d in sets["other_wars4"]}
    sets["other_wars5"] = [d for d in other if d["id"] not in seen_headlines]
    seen_reports = {d["id"] for d in sets["ru_uk"]}
    fresh = [d for d in reports if d["id"] not in seen_reports]
    sets["ru_uk2"] = (random.Random(args.seed + 13).sample([d for d in fresh if d["lang"] == "uk"], 30)
                      + random.Random(args.seed + 14).sample([d for d in fresh if d["lang"] == "ru"], 30))
    # the seventh round, drawn after the sixth round's fixes (every other-war headline has been drawn by now):
    # passages of statements with harm and a figure, shorter articles that quote at least two speakers (the
    # longer ones are all drawn), and Russian/Ukrainian reports that neither earlier set holds
    earlier |= {d["id"].split("@")[0] for name in ("statements5", "long_articles4") for d in sets[name]}
    sets["statements6"] = statements(random.Random(args.seed + 15), gold_statements, HARM_AND_NUMBER, (50, 0, 0),
                                     avoid=earlier)
    earlier |= {d["id"].split("@")[0] for d in sets["statements6"]}
    sets["long_articles5"] = long_articles(random.Random(args.seed + 16), gold_statements, earlier, count=8,
                                           shorter=True)
    seen_reports |= {d["id"] for d in sets["ru_uk2"]}
    fresh = [d for d in reports if d["id"] not in seen_reports]
    sets["ru_uk3"] = (random.Random(args.seed + 17).sample([d for d in fresh if d["lang"] == "uk"], 30)
                      + random.Random(args.seed + 18).sample([d for d in fresh if d["lang"] == "ru"], 30))
    for name, docs in sets.items():
        if (args.out / name / "docs.jsonl").exists() and not args.force:
            print(name, "exists; kept (use --force to draw it again)")
            continue
        folder = args.out / name
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "docs.jsonl").open("w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        print(name, len(docs))


if __name__ == "__main__":
    main()
