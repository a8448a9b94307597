"""Headline case: 'Three Civilians Killed By Junta Shelling' parses as a row of proper nouns. Before parsing, such a
sentence gets its common words in lower case (same length, so every offset stays true); names stay as written.
The words that count as common are the lexicon's own and the language's stop words."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from claimledger.extraction.lexicon import Lexicon

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@lru_cache(maxsize=8)
def _common_words(lex: Lexicon, stop_words: frozenset[str]) -> frozenset[str]:
    words: set[str] = set(stop_words)
    for value in vars(lex).values():
        if isinstance(value, frozenset):
            words.update(w for w in value if isinstance(w, str))
        elif isinstance(value, dict):
            for k, v in value.items():
                words.add(k)
                if isinstance(v, frozenset):
                    words.update(v)
    out = {w for w in words if w.replace("-", "").replace("'", "").isalpha()}
    out |= {w + "s" for w in out} | {w + "ed" for w in out} | {w + "d" for w in out if w.endswith("e")}
    return frozenset(out)


def headline_case(text: str) -> bool:
    words = [w for w in _WORD.findall(text) if len(w) >= 4]
    if len(words) < 3:
        return False
    lower = sum(1 for w in words if w[0].islower())
    return lower / len(words) <= 0.15


def recase(text: str, lex: Lexicon, nlp: Any, names: frozenset[str]) -> str:
    """Lower-case the common words of a headline-case sentence; anything else (names, places) stays."""
    if not headline_case(text):
        return text
    common = _common_words(lex, frozenset(nlp.Defaults.stop_words))
    out = list(text)
    for m in _WORD.finditer(text):
        word = m.group(0)
        low = word.lower()
        if word[0].isupper() and not word.isupper() and low in common and low not in names:
            out[m.start():m.end()] = low
    return "".join(out)
