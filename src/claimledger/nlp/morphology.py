"""pymorphy3 analyses as Universal Dependencies POS and features, so that Russian and Ukrainian
`Doc`s carry the same `pos_` and `morph` as any spaCy pipeline (mapping: `data/opencorpora_ud.json`).

Russian: natasha's tagger gives POS and features in context; pymorphy3 gives the lemma of the
analysis that agrees with them best (`lemma_for`). Ukrainian: pymorphy3 gives everything, its
unranked analyses ordered by two context rules (`rank_ukrainian`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from claimledger.normalize.morph import parses

__all__ = ["ud_pos", "ud_morph", "lemma_for", "rank_ukrainian", "ud_case", "ClosedClass"]


@cache
def _table(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("claimledger.nlp").joinpath(f"data/{name}.json").read_text(encoding="utf-8"))
    return data


def _mapping() -> dict[str, Any]:
    return _table("opencorpora_ud")


@lru_cache(maxsize=1)
def _proper() -> frozenset[str]:
    return frozenset(_mapping()["proper"])


def ud_pos(parse: Any, word: str) -> str:
    """UD part of speech of one pymorphy3 analysis of `word`."""
    tag = parse.tag
    oc = tag.POS or str(tag).split(",")[0].split(" ")[0]
    pos = str(_mapping()["pos"].get(oc, "X"))
    if pos == "NOUN" and (bool(_proper() & tag.grammemes) or (word[:1].isupper() and word.isupper() and len(word) > 1)):
        return "PROPN"
    if pos == "VERB" and parse.normal_form in _mapping()["auxiliaries"]:
        return "AUX"
    if pos == "CCONJ" and parse.normal_form in _mapping()["subordinating"]:
        return "SCONJ"
    if pos == "X" and word[:1].isupper() and word[:1].isalpha():
        return "PROPN"
    if pos == "X" and not any(ch.isalnum() for ch in word):
        return "PUNCT" if word.strip() else "SPACE"
    return pos


def ud_morph(parse: Any) -> str:
    """UD feature string ("Case=Loc|Gender=Masc|Number=Sing") of one pymorphy3 analysis."""
    feats: dict[str, str] = {}
    table = _mapping()["features"]
    grammemes = set(parse.tag.grammemes)
    if parse.tag.POS:
        grammemes.add(parse.tag.POS)
    for g in grammemes:
        f = table.get(g)
        if f:
            k, v = f.split("=")
            feats.setdefault(k, v)
    if parse.tag.POS in ("VERB",) and "Mood" in feats:
        feats.setdefault("VerbForm", "Fin")
    return "|".join(f"{k}={feats[k]}" for k in sorted(feats))


def ud_case(parse: Any) -> str | None:
    f = _mapping()["features"].get(parse.tag.case or "")
    return f.split("=")[1] if f else None


def lemma_for(word: str, lang: str, pos: str, feats: dict[str, str]) -> str:
    """The lemma of `word` whose analysis agrees best with a tagger's UD `pos` and `feats`
    (natasha's tagger for Russian); the word itself, lower-cased, when nothing fits."""
    low = word.lower()
    if not any(ch.isalpha() for ch in word):
        return low
    allowed = set(_mapping()["ud_to_opencorpora"].get(pos, ()))
    best: tuple[int, int, str] | None = None
    for i, p in enumerate(parses(word, lang)):
        if allowed and p.tag.POS not in allowed:
            continue
        score = 0
        got = dict(item.split("=") for item in ud_morph(p).split("|") if item)
        for key in ("Case", "Number", "Gender", "Aspect", "VerbForm", "Tense"):
            if key in feats and key in got:
                score += 1 if feats[key] == got[key] else -1
        cand = (score, -i, p.normal_form)
        if best is None or cand[:2] > best[:2]:
            best = cand
    if best is None:
        return parses(word, lang)[0].normal_form if parses(word, lang) else low
    return best[2]


@dataclass(frozen=True, slots=True)
class ClosedClass:
    """A function word the Ukrainian dictionary lacks or mis-tags (`data/uk.json`)."""

    normal_form: str
    pos: str


def rank_ukrainian(words: Sequence[str]) -> list[Any | None]:
    """The chosen analysis of each word of a Ukrainian text: a pymorphy3 `Parse`, a `ClosedClass`
    entry, or None for non-words.

    The dictionary ranks nothing, so context does (`data/uk.json`): after a preposition, analyses
    in a case it governs come first, earlier cases of its list preferred ("у Покровську" is
    locative); a preposition analysis wins when the next word can take one of its cases; an
    adjective analysis stands only if the next word has a noun or adjective analysis in the same
    case ("Херсонській області" keeps its adjective, "у Покровську" is the town); then preferred
    lemmas ("танк" over "танок"); remaining ties keep the dictionary's order.
    """
    table = _table("uk")
    governs: dict[str, list[str]] = table["preposition_cases"]
    closed: dict[str, list[str]] = table["closed_class"]
    preferred = frozenset(table["prefer_lemmas"])
    analyses = [parses(w, "uk") if any(ch.isalpha() for ch in w) else () for w in words]
    chosen: list[Any | None] = []
    prev_cases: list[str] = []
    for i, word in enumerate(words):
        low = word.lower()
        options = analyses[i]
        nxt = analyses[i + 1] if i + 1 < len(words) else ()
        if low in closed:
            lemma, pos = closed[low]
            chosen.append(ClosedClass(lemma, pos))
            prev_cases = list(governs.get(low, ())) if pos == "ADP" else []
            continue
        if not options:
            chosen.append(None)
            prev_cases = []
            continue
        next_cases = {ud_case(p) for p in nxt if p.tag.POS in ("NOUN", "ADJF", "PRTF", "NPRO", "NUMR")}

        def rank(item: tuple[int, Any], _next: set[str | None] = next_cases, _prev: list[str] = prev_cases,
                 _low: str = low) -> tuple[int, int, int, int, int]:
            index, p = item
            case = ud_case(p)
            governed = 0
            if _prev and case:
                governed = len(_prev) - _prev.index(case) if case in _prev else -1
            prep = 1 if p.tag.POS == "PREP" and set(governs.get(_low, ())) & _next else 0
            agrees = 0 if p.tag.POS not in ("ADJF", "PRTF") else (1 if case in _next else -1)
            return (prep, governed, agrees, 1 if p.normal_form in preferred else 0, -index)

        best = max(enumerate(options), key=rank)[1]
        chosen.append(best)
        if best.tag.POS == "PREP":
            prev_cases = list(governs.get(low, ()))
        elif best.tag.POS not in ("ADJF", "PRTF", "NUMR"):  # "у двох селах": the preposition reaches the noun
            prev_cases = []
    return chosen
