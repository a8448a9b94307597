"""Russian and Ukrainian morphology (pymorphy3 with the OpenCorpora and LanguageTool dictionaries
that `pymorphy3-dicts-ru` / `pymorphy3-dicts-uk` ship; nothing is downloaded).

The normalisers use it two ways: word lists in the data files hold lemmas ("два", "окупант",
"тисяча") and `word_forms` expands them once to every case form ("двух", "окупантів",
"тисячами"), so matching text is a dictionary look-up; and `lemmas` gives the dictionary forms
of one word ("Покровске" → "покровск") for place look-ups. `claimledger.nlp` uses the same
analysers for the lemmas and morphology of its Russian and Ukrainian `Doc`s.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

__all__ = ["LANGUAGES", "analyzer", "parses", "lemmas", "word_forms", "inflect_phrase_head"]

LANGUAGES = ("ru", "uk")

_lock = threading.Lock()
_analyzers: dict[str, Any] = {}


def analyzer(lang: str) -> Any:
    """The pymorphy3 `MorphAnalyzer` of `lang` ("ru" or "uk"), built once per process."""
    if lang not in LANGUAGES:
        raise ValueError(f"no morphology for language {lang!r} (have: {', '.join(LANGUAGES)})")
    morph = _analyzers.get(lang)
    if morph is None:
        with _lock:
            morph = _analyzers.get(lang)
            if morph is None:
                import pymorphy3

                morph = pymorphy3.MorphAnalyzer(lang=lang)
                _analyzers[lang] = morph
    return morph


@lru_cache(maxsize=200_000)
def parses(word: str, lang: str) -> tuple[Any, ...]:
    """pymorphy3's analyses of one word, most likely first (Ukrainian ones are unranked)."""
    return tuple(analyzer(lang).parse(word))


def lemmas(word: str, lang: str, pos: frozenset[str] | None = None) -> list[str]:
    """Distinct dictionary forms of `word` (lower case), in analysis order; only analyses whose
    OpenCorpora part of speech is in `pos` when given ({"NOUN"}, {"NUMR", "NOUN"}…)."""
    out: list[str] = []
    for p in parses(word, lang):
        if pos is not None and p.tag.POS not in pos:
            continue
        if p.normal_form not in out:
            out.append(p.normal_form)
    return out


@lru_cache(maxsize=4096)
def word_forms(lemma: str, lang: str, pos: frozenset[str] | None = None) -> frozenset[str]:
    """Every form of the lexeme whose dictionary form is `lemma` (lower case), the lemma included;
    only lexemes of a part of speech in `pos` when given (Ukrainian "три" is also a verb form)."""
    forms = {lemma.lower()}
    for p in parses(lemma.lower(), lang):
        if p.normal_form != lemma.lower() or (pos is not None and p.tag.POS not in pos):
            continue
        forms.update(f.word for f in p.lexeme)
    return frozenset(forms)


def inflect_phrase_head(words: list[str], lang: str) -> list[list[str]]:
    """Nominative readings of a short name phrase in any case: adjectives agree with the last noun
    ("Новой Каховке" → [["новая", "каховка"]], "Херсонської області" → [["херсонська", "область"]]).
    Each reading is one choice of the last word's noun analysis; words pymorphy does not know are
    kept as they are. Lower case; at most a few readings."""
    if not words:
        return []
    readings: list[list[str]] = []
    head_word = words[-1]
    heads = [p for p in parses(head_word.lower(), lang) if p.tag.POS == "NOUN"] or list(parses(head_word.lower(), lang))[:1]
    for head in heads[:3]:
        number = "plur" if "plur" in head.tag and "Pltm" in head.tag else "sing"
        gender = head.tag.gender
        out: list[str] = []
        for w in words[:-1]:
            adj = next((p for p in parses(w.lower(), lang) if p.tag.POS in ("ADJF", "PRTF")
                        and p.tag.case == head.tag.case), None)
            if adj is None:
                out.append(w.lower())
                continue
            # the Ukrainian dictionary gives singular adjectives a gender and no number
            wants = [{"nomn", gender}, {"nomn", "sing", gender}] if gender and number == "sing" else [{"nomn", "plur"}]
            form = next((f for f in (adj.inflect(w) for w in wants) if f is not None), None)
            out.append(form.word if form is not None else adj.normal_form)
        lemma = head.normal_form
        if number == "plur":
            form = head.inflect({"nomn", "plur"})
            lemma = form.word if form is not None else lemma
        reading = [*out, lemma]
        if reading not in readings:
            readings.append(reading)
    return readings
