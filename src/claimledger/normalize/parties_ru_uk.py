"""Parties and sides named in Russian and Ukrainian text, to the same English values as `parties`.

Vocabulary per language in `data/parties_<lang>.json` (loaded by `parties.language_tables`):
words that name a party ("российских", "ЗСУ", "ДНР"), words one side uses for the other
("окупантів" → Russia, "боевиков" → Ukraine; "противник"/"ворог" → the opponent of the
claimant's side, else the language's usual enemy), and claimants → their side ("Генштаб ЗСУ",
"Минобороны России", "глава ОВА", "Пушилин"). Keys are dictionary forms; both the keys and the
text are lemmatised word by word (pymorphy3), so every case form matches.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimledger.normalize.morph import lemmas
from claimledger.normalize.parties import language_tables, opponent

__all__ = ["party_of_ru_uk", "hostile_party_ru_uk", "side_of_claimant_ru_uk", "PartyMention", "find_parties_ru_uk"]

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ\-][^\W\d_]+)*")


class PartyMention(tuple[int, int, str, str]):
    """(start, end, party, how): `how` is "nationality", "hostile" or "enemy" (resolved from a side)."""

    __slots__ = ()

    @property
    def start(self) -> int:
        return self[0]

    @property
    def end(self) -> int:
        return self[1]

    @property
    def party(self) -> str:
        return self[2]

    @property
    def how(self) -> str:
        return self[3]


def _word_lemmas(word: str, lang: str) -> frozenset[str]:
    low = word.lower().replace("’", "'").replace("ʼ", "'").replace("ё", "е")
    return frozenset({low, *(x.replace("ё", "е") for x in lemmas(low, lang))})


@lru_cache(maxsize=8)
def _keys(lang: str, table: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """(lemma sequence, value) of a table's keys, longest first; each key word's first lemma."""
    out = []
    for key, value in language_tables(lang)[table].items():
        words = _WORD.findall(key)
        seq = tuple((lemmas(w.lower(), lang) or [w.lower()])[0].replace("ё", "е") for w in words)
        out.append((seq, str(value)))
    out.sort(key=lambda kv: -len(kv[0]))
    return tuple(out)


def _scan(text: str, lang: str, table: str) -> list[tuple[int, int, str]]:
    """(start, end, value) of the table's keys in `text`, left to right, longest first."""
    words = [(m.start(), m.end(), _word_lemmas(m.group(0), lang)) for m in _WORD.finditer(text)]
    keys = _keys(lang, table)
    out = []
    i = 0
    while i < len(words):
        for seq, value in keys:
            if i + len(seq) <= len(words) and all(seq[j] in words[i + j][2] for j in range(len(seq))):
                out.append((words[i][0], words[i + len(seq) - 1][1], value))
                i += len(seq)
                break
        else:
            i += 1
    return out


def find_parties_ru_uk(text: str, lang: str, claimant_side: str | None = None,
                       *, equipment: bool = False) -> list[PartyMention]:
    """Every party word of `text`, left to right: names of parties, then hostile words resolved
    (an "enemy" word is the opponent of `claimant_side`, or the language's usual enemy). For
    equipment, words of origin ("американских") say who made it and are skipped."""
    origin = {(lemmas(w, lang) or [w])[0] for w in language_tables(lang).get("equipment_origin_only", ())} \
        if equipment else set()
    found = []
    for start, end, party in _scan(text, lang, "nationality"):
        word_lemmas = _word_lemmas(text[start:end], lang)
        if origin and word_lemmas & origin:
            continue
        found.append(PartyMention((start, end, party, "nationality")))
    for start, end, value in _scan(text, lang, "hostile"):
        if value == "enemy":
            enemy = (opponent(claimant_side) if claimant_side else None) or str(language_tables(lang)["default_enemy"])
            found.append(PartyMention((start, end, enemy, "enemy")))
        else:
            found.append(PartyMention((start, end, value, "hostile")))
    found.sort(key=lambda m: m.start)
    return found


def party_of_ru_uk(text: str, lang: str, claimant_side: str | None = None, *, equipment: bool = False) -> str | None:
    """The first party named in a Russian or Ukrainian phrase ("российских военных" → Russia,
    "окупантів" → Russia, "боевиков ВСУ" → Ukraine, "противника" → the claimant's opponent)."""
    found = find_parties_ru_uk(text, lang, claimant_side, equipment=equipment)
    return found[0].party if found else None


def hostile_party_ru_uk(word: str, lang: str, claimant_side: str | None = None) -> str | None:
    """The party a hostile word means ("окупанти" → Russia; "противник" → opponent of the
    claimant's side, else the language's usual enemy); None for other words."""
    for m in find_parties_ru_uk(word, lang, claimant_side):
        if m.how in ("hostile", "enemy"):
            return m.party
    return None


def side_of_claimant_ru_uk(name: str | None, lang: str) -> str | None:
    """The side a claimant speaks for: the longest person or institution of the table in the name
    ("Генштаб ЗСУ", "Минобороны России", "глава Харьковской ОВА" → Ukraine), else a party word in
    it ("украинские военные" → Ukraine)."""
    if not name:
        return None
    best: tuple[int, str] | None = None
    for start, end, side in _scan(name, lang, "claimants"):
        if best is None or end - start > best[0]:
            best = (end - start, side)
    if best is not None:
        return best[1]
    found = _scan(name, lang, "nationality")
    return found[0][2] if found else None
