"""Quantities: digits and number words, ranges, qualifiers, vague words and unit words.

One place owns this decision (architecture rule): every number that becomes `quantity` in a claim
is parsed here. Qualifier conventions follow the contract: over/more than → at_least (low only);
up to/as many as → at_most (high only); about/almost/nearly/an estimated → approx (low = high);
ranges → range; vague words follow ACLED (dozens ≥ 12, hundreds ≥ 100, several ≥ 2 …); unit words
("up to a battalion") keep null numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from claimledger.model import Quantity

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}

# qualifier words before a number → qualifier
BEFORE = [
    (r"more than|over|upwards of|in excess of|at least|no fewer than|no less than|not less than|a minimum of|above|exceeding|over a total of|exceeds?|exceeded|surpassed|topped", "at_least"),
    (r"up to|as many as|at most|no more than|not more than|fewer than|less than|under|a maximum of|nearly up to", "at_most"),
    (r"about|approximately|around|roughly|almost|nearly|approaching|some|an estimated|estimated|approx\.?|close to|circa|about an estimated|approximately an estimated|some estimated|reportedly|a reported", "approx"),
]
AFTER = [(r"or more|and more|or so|plus|\+", None)]

# vague counts (ACLED conventions): word → (low, qualifier)
VAGUE = {
    "a dozen": (12, "exact"), "dozens": (12, "at_least"), "tens": (10, "at_least"),
    "scores": (20, "at_least"), "hundreds": (100, "at_least"), "thousands": (1000, "at_least"),
    "tens of thousands": (10000, "at_least"), "hundreds of thousands": (100000, "at_least"),
    "dozens of thousands": (12000, "at_least"), "millions": (1_000_000, "at_least"),
    "several": (2, "at_least"), "a few": (2, "at_least"), "a couple of": (2, "exact"), "a couple": (2, "exact"),
    "multiple": (2, "at_least"), "a number of": (2, "at_least"), "numerous": (2, "at_least"),
    "several dozen": (24, "at_least"), "several hundred": (200, "at_least"), "several thousand": (2000, "at_least"),
    "a few dozen": (24, "at_least"), "a few hundred": (200, "at_least"), "a few thousand": (2000, "at_least"),
    "half a hundred": (50, "exact"), "a hundred": (100, "exact"), "a thousand": (1000, "exact"),
}
# words that say "some, unknown number" → unspecified with the word kept
UNSPECIFIED_WORDS = {"many", "most", "some", "significant", "huge", "heavy", "numerous and", "countless",
                     "massive", "large numbers of", "a large number of", "great numbers of"}
UNIT_WORDS = {"battalion", "battalions", "company", "companies", "brigade", "brigades", "platoon",
              "platoons", "regiment", "regiments", "division", "divisions", "squad", "squads", "unit", "units",
              "group", "groups", "convoy", "column"}

_DIGITS = r"\d{1,3}(?:[,\s]\d{3})+(?!\d)|\d+(?:\.\d+)?"
_W = "|".join(sorted(list(UNITS) + list(SCALES), key=len, reverse=True))
# "four hundred and thirty": "and" only after a scale word, so "three and eight" stays two numbers
_WORDNUM = rf"(?:(?:{_W})(?:(?:[\s-]+|(?:(?<=hundred)|(?<=thousand)|(?<=million))\s+and\s+)(?:{_W}))*)"
_SCALE_AFTER = r"(?:\s*(?:thousand|million|k\b))?"
_NUMBER = rf"(?:(?:{_DIGITS}){_SCALE_AFTER}|{_WORDNUM})"
_BEFORE_RE = "|".join(p.replace(" ", r"\s+") for p, _ in BEFORE)
_RANGE_SEP = r"\s*(?:-|–|—|to|or)\s*"

QUANTITY_RE = re.compile(
    rf"""(?ix)
    (?<![\w.,:/-])
    (?P<qual>(?:{_BEFORE_RE})\s+)?
    (?:(?P<from>from|between)\s+)?
    (?P<n1>{_NUMBER})
    (?:(?P<sep>{_RANGE_SEP}|\s+and\s+)(?P<n2>{_NUMBER}))?
    (?P<after>\s+(?:or\ more|and\ more|or\ so))?
    (?![\w])(?!:\d)
    """,
)
_VAGUE_WORDS = "|".join(re.escape(k) for k in sorted(VAGUE, key=len, reverse=True))
_VAGUE_RE = re.compile(rf"(?i)(?<![\w])(?P<qual>(?:{_BEFORE_RE})\s+)?(?P<w>{_VAGUE_WORDS})(?![\w])")
_UNITS_ALT = "|".join(sorted(UNIT_WORDS, key=len, reverse=True))
_UNIT_RE = re.compile(rf"(?i)(?<![\w])(?P<qual>(?:{_BEFORE_RE})\s+)?(?P<art>a|an|one|two|three|several|almost a|nearly a)"
                      rf"\s+(?P<u>{_UNITS_ALT})\b")


@dataclass(frozen=True, slots=True)
class QuantityMatch:
    """A quantity found in a string: its span and what it means."""

    start: int
    end: int
    quantity: Quantity
    is_unit: bool = False


def words_to_int(s: str) -> int | None:
    """'four hundred and thirty' → 430; '38,000' → 38000; '1.5 thousand' → 1500; None if not a number."""
    s = s.strip().lower().replace("\u00a0", " ")
    if not s:
        return None
    m = re.fullmatch(r"(\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)\s*(thousand|million|k)?", s)
    if m:
        num = float(re.sub(r"[,\s]", "", m.group(1)))
        scale = {"thousand": 1000, "k": 1000, "million": 1_000_000}.get(m.group(2) or "", 1)
        val = num * scale
        return int(round(val)) if val == int(round(val)) or scale > 1 else None
    total = current = 0
    seen = False
    for w in re.split(r"[\s-]+", s):
        if w in ("and", ""):
            continue
        if w == "a":
            current = max(current, 1)
            continue
        if w in UNITS:
            current += UNITS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif w in ("thousand", "million"):
            total += max(current, 1) * SCALES[w]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _qualifier(word: str | None) -> str | None:
    if not word:
        return None
    w = word.strip().lower()
    for pattern, q in BEFORE:
        if re.fullmatch(pattern, w):
            return q
    return None


def _make(low: int | None, high: int | None, qual: str, text: str) -> Quantity:
    return Quantity(low=low, high=high, qualifier=qual, text=text)


def parse_match(m: re.Match[str]) -> Quantity | None:
    text = m.group(0).strip()
    n1 = words_to_int(m.group("n1"))
    if n1 is None:
        return None
    n2 = words_to_int(m.group("n2")) if m.group("n2") else None
    qual = _qualifier(m.group("qual"))
    sep = (m.group("sep") or "").strip().lower()
    if n2 is not None:
        # "four to eight million": the scale of the second number applies to the first
        m2 = re.search(r"(thousand|million)\s*$", m.group("n2") or "", re.I)
        if m2 and not re.search(r"thousand|million|\d{1,3},\d{3}", m.group("n1") or "", re.I) and n1 < 1000:
            n1 *= SCALES[m2.group(1).lower()]
        if sep == "or" and n2 <= n1:
            n2 = None
        elif n2 < n1 and n2 < 1000 and re.search(r"thousand|million|\d{1,3},\d{3}", m.group("n2") or "") is None:
            # "10 to 12 thousand" style shorthand handled by words_to_int; "15-20" fine; "5 2" junk
            if sep == "and":
                return None
        if n2 is not None and n2 > n1:
            if sep == "and" and not m.group("from"):
                return None  # "three and eight" is two numbers, not a range
            return _make(n1, n2, "range", text)
        if sep == "and":
            return None
    if m.group("after"):
        return _make(n1, None, "at_least", text)
    if qual == "at_least":
        return _make(n1, None, "at_least", text)
    if qual == "at_most":
        return _make(None, n1, "at_most", text)
    if qual == "approx":
        return _make(n1, n1, "approx", text)
    return _make(n1, n1, "exact", text)


@lru_cache(maxsize=4096)
def parse_quantity(text: str) -> Quantity | None:
    """Parse a whole quantity phrase ('over 38,000', 'an estimated 10,000 to 12,000', 'dozens')."""
    found = find_quantities(text)
    return found[0].quantity if found else None


def find_quantities(text: str) -> list[QuantityMatch]:
    """All quantity phrases in `text`, left to right, non-overlapping (vague and unit words included)."""
    out: list[QuantityMatch] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _UNIT_RE.finditer(text):
        rest = text[m.end():m.end() + 40]
        if re.match(r"\s+of\s+(?:about\s+|up\s+to\s+|some\s+|over\s+)?(?:\d|" + _W + r")", rest, re.I) \
                or re.match(r"\s+(?:commanders?|chiefs?|headquarters|members?|staff|soldiers?|fighters?)\b", rest, re.I):
            continue  # "a group of 20 saboteurs", "two battalion commanders": the number is elsewhere
        q = _qualifier(m.group("qual"))
        txt = m.group(0)
        art = m.group("art").lower()
        qual = q or "exact"
        if art.startswith(("almost", "nearly")):
            qual = "approx"
        out.append(QuantityMatch(m.start(), m.end(), _make(None, None, qual, txt), is_unit=True))
        taken.append((m.start(), m.end()))
    for m in _VAGUE_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        w = m.group("w").lower()
        low, qual = VAGUE[w]
        q = _qualifier(m.group("qual"))
        # "a hundred or more" / "more than a thousand"
        tail = text[m.end():m.end() + 9].lower()
        if tail.startswith(" or more") or tail.startswith(" and more"):
            end = m.end() + 8
            out.append(QuantityMatch(m.start(), end, _make(low, None, "at_least", text[m.start():end])))
            taken.append((m.start(), end))
            continue
        # "hundreds of thousands" style scale continuation already in VAGUE; "a thousand" needs qualifiers
        if q == "at_least" or qual == "at_least":
            quantity = _make(low, None, "at_least", m.group(0))
        elif q == "at_most":
            quantity = _make(None, low, "at_most", m.group(0))
        elif q == "approx":
            quantity = _make(low, low, "approx", m.group(0))
        else:
            quantity = _make(low, low if qual == "exact" else None, qual, m.group(0))
        out.append(QuantityMatch(m.start(), m.end(), quantity))
        taken.append((m.start(), m.end()))
    for m in QUANTITY_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        parsed = parse_match(m)
        if parsed is None:
            # "three and eight": take the first number alone
            n1 = words_to_int(m.group("n1"))
            if n1 is None:
                continue
            end = m.start("n1") + len(m.group("n1"))
            quantity = parse_match_simple(text[m.start():end], m.group("qual"), n1)
            out.append(QuantityMatch(m.start(), end, quantity))
            taken.append((m.start(), end))
            # and the second as its own
            if m.group("n2"):
                n2 = words_to_int(m.group("n2"))
                if n2 is not None:
                    s2 = m.start("n2")
                    out.append(QuantityMatch(s2, m.end("n2"), _make(n2, n2, "exact", m.group("n2"))))
                    taken.append((s2, m.end("n2")))
            continue
        s = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        out.append(QuantityMatch(s, m.end(), parsed))
        taken.append((s, m.end()))
    out.sort(key=lambda q: q.start)
    return out


def parse_match_simple(text: str, qual_word: str | None, n: int) -> Quantity:
    q = _qualifier(qual_word)
    if q == "at_least":
        return _make(n, None, q, text.strip())
    if q == "at_most":
        return _make(None, n, q, text.strip())
    if q == "approx":
        return _make(n, n, q, text.strip())
    return _make(n, n, "exact", text.strip())


def unspecified(word: str = "") -> Quantity:
    return Quantity(low=None, high=None, qualifier="unspecified", text=word)


def single(word: str = "") -> Quantity:
    """A singular with no number ('a mercenary died') is one, exact."""
    return Quantity(low=1, high=1, qualifier="exact", text=word)


def zero(word: str) -> Quantity:
    return Quantity(low=0, high=0, qualifier="exact", text=word)
