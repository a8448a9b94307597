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
    "a dozen": (12, "approx"), "dozens": (12, "at_least"), "tens": (10, "at_least"),
    "scores": (20, "at_least"), "hundreds": (100, "at_least"), "thousands": (1000, "at_least"),
    "tens of thousands": (10000, "at_least"), "hundreds of thousands": (100000, "at_least"),
    "dozens of thousands": (12000, "at_least"), "millions": (1_000_000, "at_least"),
    "several": (2, "at_least"), "a few": (2, "at_least"), "a couple of": (2, "exact"), "a couple": (2, "exact"),
    "multiple": (2, "at_least"), "both": (2, "exact"), "a number of": (2, "at_least"), "numerous": (2, "at_least"),
    # 'several dozen' reads as 'dozens': the contract's vague plurals take one unit as the lower bound
    "several dozen": (12, "at_least"), "several hundred": (100, "at_least"), "several thousand": (1000, "at_least"),
    "a few dozen": (12, "at_least"), "a few hundred": (100, "at_least"), "a few thousand": (1000, "at_least"),
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
    (?![\w])(?!:\d)(?![,.]\d)      # not the '1' of '1,000th'
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
    increase: int | None = None  # "+N" after a running total (Russian/Ukrainian tally lines): the day's increase


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
def parse_quantity(text: str, lang: str = "en") -> Quantity | None:
    """Parse a whole quantity phrase ('over 38,000', 'an estimated 10,000 to 12,000', 'dozens';
    with lang "ru"/"uk": 'около 300', 'понад 2 тисячі', 'двух', 'до батальона')."""
    found = find_quantities(text, lang)
    return found[0].quantity if found else None


def find_quantities(text: str, lang: str = "en") -> list[QuantityMatch]:
    """All quantity phrases in `text`, left to right, non-overlapping (vague and unit words included).
    `lang` "ru" or "uk" reads Russian or Ukrainian (word lists in data/quantities_<lang>.json)."""
    if lang in CYRILLIC_LANGUAGES:
        return _cyrillic_quantities(text, lang)
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
            quantity = _make(low, low if qual in ("exact", "approx") else None, qual, m.group(0))
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


def exactly(value: int, word: str) -> Quantity:
    """A count as written ('the 200th' as a running total)."""
    return Quantity(low=value, high=value, qualifier="exact", text=word)


# --------------------------------------------------------------------------------------------------
# Russian and Ukrainian: the same decisions, word lists in data/quantities_<lang>.json

CYRILLIC_LANGUAGES = ("ru", "uk")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "ʹ": "'"})
# a number in digits: groups of three after a space, thin space or no-break space ("38 000"), a decimal part
_CYR_TOKEN = re.compile(r"\+?\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d])(?:[.,]\d+)?|\+?\d+(?:[.,]\d+)?|"
                        r"[^\W\d_]+(?:['\-][^\W\d_]+)*\.?|[-–—]|\S")


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str  # lower case, apostrophes unified, a trailing period dropped
    start: int
    end: int


@dataclass(slots=True)
class _NumberWords:
    """One language's quantity vocabulary, every lemma expanded to its case forms."""

    numbers: dict[str, int]
    scales: dict[str, int]
    fractions: dict[str, float]
    fixed: dict[str, int]
    before: list[tuple[tuple[str, ...], str]]
    after: list[tuple[tuple[str, ...], str]]
    range_from: frozenset[str]
    separators: frozenset[str]
    vague: list[tuple[tuple[str, ...], int, str]]
    unspecified: list[tuple[str, ...]]
    units: frozenset[str]
    plural_scales: frozenset[str]


def _phrase(words: str) -> tuple[str, ...]:
    return tuple(words.lower().translate(_APOSTROPHES).split())


@lru_cache(maxsize=4)
def _number_words(lang: str) -> _NumberWords:
    import json
    from importlib import resources

    from claimledger.normalize.morph import analyzer, word_forms

    data = json.loads(resources.files("claimledger.normalize").joinpath(f"data/quantities_{lang}.json")
                      .read_text(encoding="utf-8"))
    numeral = frozenset({"NUMR", "ADJF"})  # "один" is an adjective in the Russian dictionary
    numbers: dict[str, int] = {}
    for lemma, value in {**data["numbers"], **data["collective"]}.items():
        for form in word_forms(lemma.translate(_APOSTROPHES), lang, numeral) | {lemma}:
            numbers.setdefault(form.translate(_APOSTROPHES), int(value))
    scales: dict[str, int] = {}
    plural_scales: set[str] = set()
    for lemma, value in data["scales"].items():
        for p in analyzer(lang).parse(lemma):
            if p.normal_form == lemma and p.tag.POS == "NOUN":
                for f in p.lexeme:
                    scales[f.word] = int(value)
                    if "plur" in f.tag:
                        plural_scales.add(f.word)
    scales.update({k: int(v) for k, v in data["scale_abbreviations"].items()})
    fractions: dict[str, float] = {}
    for lemma, value in data["fractions"].items():
        for form in word_forms(lemma.translate(_APOSTROPHES), lang) | {lemma}:
            fractions[form] = float(value)
    fixed = {k.translate(_APOSTROPHES): int(v) for k, v in data["fixed"].items()}
    for form, lemma in data["forms"].items():
        form, lemma = form.translate(_APOSTROPHES), lemma.translate(_APOSTROPHES)
        if lemma in data["numbers"] or lemma in data["collective"]:
            numbers.setdefault(form, int({**data["numbers"], **data["collective"]}[lemma]))
        elif lemma in data["fractions"]:
            fractions.setdefault(form, float(data["fractions"][lemma]))
    before = [(_phrase(w), q) for q, words in data["qualifiers_before"].items() for w in words]
    after = [(_phrase(w), q) for q, words in data["qualifiers_after"].items() for w in words]
    vague: list[tuple[tuple[str, ...], int, str]] = []
    for entry in data["vague"]:
        phrases = [_phrase(w) for w in entry.get("words", ())]
        if "lemma" in entry:
            for p in analyzer(lang).parse(entry["lemma"]):
                if p.normal_form != entry["lemma"] or p.tag.POS not in ("NOUN", "NUMR", "ADVB"):
                    continue
                for f in p.lexeme:
                    number = "plur" if "plur" in f.tag else "sing"
                    if entry.get("number") in (None, number):
                        phrases.append((f.word,))
        for ph in phrases:
            vague.append((ph, int(entry["low"]), str(entry["qualifier"])))
    units: set[str] = set()
    for lemma in data["units"]:
        units |= word_forms(lemma, lang, frozenset({"NOUN"}))
    before.sort(key=lambda x: -len(x[0]))
    after.sort(key=lambda x: -len(x[0]))
    # a plural reading wins when a form is both ("тысячи" alone: thousands, at least 1000)
    vague.sort(key=lambda x: (-len(x[0]), x[2] != "at_least"))
    # Russian text mostly writes "е" for "ё" ("трех", "четырех"): tokens are read without "ё", and so are the words
    return _NumberWords({_yo(k): v for k, v in numbers.items()}, {_yo(k): v for k, v in scales.items()},
                        {_yo(k): v for k, v in fractions.items()}, {_yo(k): v for k, v in fixed.items()},
                        [(tuple(map(_yo, p)), q) for p, q in before], [(tuple(map(_yo, p)), q) for p, q in after],
                        frozenset(map(_yo, data["range_from"])), frozenset(data["range_separators"]),
                        [(tuple(map(_yo, p)), n, q) for p, n, q in vague],
                        [tuple(map(_yo, _phrase(w))) for w in data["unspecified"]],
                        frozenset(map(_yo, units)), frozenset(map(_yo, plural_scales)))


def _yo(word: str) -> str:
    return word.replace("ё", "е")


def _cyr_tokens(text: str) -> list[_Tok]:
    norm = text.translate(_APOSTROPHES)
    out = []
    for m in _CYR_TOKEN.finditer(norm):
        t = _yo(m.group(0).lower())
        end = m.end()
        if t.endswith(".") and len(t) > 1 and not t[:-1].replace(",", "").replace(".", "").isdigit():
            t = t[:-1]  # "тыс." → "тыс"; the period stays outside the quantity's text
            end -= 1
        out.append(_Tok(t, m.start(), end))
    return out


def _starts(tokens: list[_Tok], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(t.text for t in tokens[i:i + len(phrase)]) == phrase


def _digits(tok: _Tok, text: str) -> float | None:
    t = tok.text.lstrip("+")
    if not t[:1].isdigit():
        return None
    if tok.start > 0 and text[tok.start - 1] in ".,:/" and tok.start > 1 and text[tok.start - 2].isdigit():
        return None  # "24.02", "10:30", "1/3": part of a date, time or fraction
    if re.match(r"[.:/]\d", text[tok.end:tok.end + 2]):
        return None
    t = re.sub(r"[ \u00a0\u2009\u202f]", "", t).replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return None


def _read_number(tokens: list[_Tok], i: int, text: str, words: _NumberWords) -> tuple[int, int] | None:
    """(value, tokens used) of the number at `i`: digits with an optional scale ("1,5 тыс"), or
    number words ("двести тридцать пять тысяч", "полторы тысячи", "пятерых")."""
    if i >= len(tokens):
        return None
    tok = tokens[i]
    value = _digits(tok, text)
    if value is not None:
        j = i + 1
        if j < len(tokens) and tokens[j].text in words.scales:
            value *= words.scales[tokens[j].text]
            j += 1
        return (int(round(value)), j - i) if value == int(value) or j > i + 1 else None
    if tok.text in words.fixed:
        return words.fixed[tok.text], 1
    if tok.text in words.fractions:
        j = i + 1
        if j < len(tokens) and tokens[j].text in words.scales:
            return int(words.fractions[tok.text] * words.scales[tokens[j].text]), 2
        return None
    total = current = 0
    j = i
    seen = False
    while j < len(tokens):
        t = tokens[j].text
        if t in words.numbers:
            v = words.numbers[t]
            # "двести тридцать пять": hundreds, then tens or teens, then units, each at most once
            if current and not ((v >= 100 and current % 1000 == 0)
                                or (10 <= v < 100 and current % 100 == 0)
                                or (v < 10 and current % 10 == 0 and not 10 <= current % 100 < 20)):
                break
            current += v
            seen = True
        elif t in words.scales and seen and not tokens[j].text.isdigit():
            total += max(current, 1) * words.scales[t]
            current = 0
        else:
            break
        j += 1
    if not seen:
        return None
    return total + current, j - i


def _qualifier_at(tokens: list[_Tok], i: int, table: list[tuple[tuple[str, ...], str]]) -> tuple[str, int] | None:
    for phrase, qual in table:
        if _starts(tokens, i, phrase):
            return qual, len(phrase)
    return None


def _cyrillic_quantities(text: str, lang: str) -> list[QuantityMatch]:
    words = _number_words(lang)
    tokens = _cyr_tokens(text)
    out: list[QuantityMatch] = []
    i = 0
    while i < len(tokens):
        got = _cyr_match_at(tokens, i, text, words)
        if got is None:
            i += 1
            continue
        match, i = got
        out.append(match)
    return out


def _cyr_match_at(tokens: list[_Tok], i: int, text: str, words: _NumberWords) -> tuple[QuantityMatch, int] | None:
    """The quantity that starts at token `i` and the token after it, or None."""
    n = len(tokens)
    qual = _qualifier_at(tokens, i, words.before)
    j = i + (qual[1] if qual else 0)
    # "от 10 до 15", "з двох до трьох"
    ranged_from = j < n and tokens[j].text in words.range_from
    k = j + 1 if ranged_from else j
    num = _read_number(tokens, k, text, words)
    if num is None and ranged_from:
        num, k = _read_number(tokens, j, text, words), j
        ranged_from = False
    if num is not None:
        begin = tokens[i if qual or ranged_from else k].start
        return _cyr_number(tokens, begin, k, num, qual[0] if qual else "exact", text, words)
    # "до батальона", "около роты": a unit word after a qualifier
    if qual and j < n and tokens[j].text in words.units:
        begin, end = tokens[i].start, tokens[j].end
        return QuantityMatch(begin, end, Quantity(None, None, qual[0], text[begin:end]), is_unit=True), j + 1
    vague = next(((ph, low, q) for ph, low, q in words.vague if _starts(tokens, j, ph)), None)
    if vague is not None:
        ph, vlow, vq = vague
        begin, end = tokens[i].start, tokens[j + len(ph) - 1].end
        return QuantityMatch(begin, end, _vague_quantity(qual[0] if qual else vq, vq, vlow, text[begin:end])), j + len(ph)
    unspec = next((ph for ph in words.unspecified if _starts(tokens, i, ph)), None)
    if unspec is not None:
        begin, end = tokens[i].start, tokens[i + len(unspec) - 1].end
        return QuantityMatch(begin, end, unspecified(text[begin:end])), i + len(unspec)
    return None


def _vague_quantity(q: str, vq: str, vlow: int, written: str) -> Quantity:
    if q == "at_most":
        return Quantity(None, vlow, "at_most", written)
    if q == "approx":
        return Quantity(vlow, vlow, "approx", written)
    if q == "at_least" or vq == "at_least":
        return Quantity(vlow, None, "at_least", written)
    return Quantity(vlow, vlow, "exact", written)


def _cyr_number(tokens: list[_Tok], begin: int, k: int, num: tuple[int, int], qualifier: str, text: str,
                words: _NumberWords) -> tuple[QuantityMatch, int]:
    """A number read at token `k` (with its range, trailing qualifier, unit word and '+N' increase)."""
    n = len(tokens)
    value, used = num
    end_k = k + used
    low: int | None = value
    high: int | None = value
    # a range: "10-15", "от 10 до 15", "двое или трое"
    if end_k < n and tokens[end_k].text in words.separators:
        second = _read_number(tokens, end_k + 1, text, words)
        if second is not None and second[0] > value:
            high = second[0]
            if high >= 1000 and value < 1000 and tokens[end_k + 1 + second[1] - 1].text in words.scales:
                low = value * words.scales[tokens[end_k + 1 + second[1] - 1].text]  # "10-12 тысяч"
            end_k = end_k + 1 + second[1]
            qualifier = "range" if qualifier in ("exact", "range", "approx") else qualifier
    after = _qualifier_at(tokens, end_k, words.after)
    if after:
        qualifier = after[0]
        end_k += after[1]
    if qualifier == "at_least":
        low, high = (low if low is not None else value), None
    elif qualifier == "at_most":
        low, high = None, (high if high is not None else value)
    end = tokens[end_k - 1].end
    # units: "два батальона" keep null numbers, the words in text
    if end_k < n and tokens[end_k].text in words.units and value < 10:
        quantity = Quantity(None, None, qualifier if qualifier != "range" else "exact", text[begin:tokens[end_k].end])
        return QuantityMatch(begin, tokens[end_k].end, quantity, is_unit=True), end_k + 1
    increase = _increase_after(text, end)
    match = QuantityMatch(begin, end, Quantity(low=low, high=high, qualifier=qualifier, text=text[begin:end]),
                          increase=increase)
    i = end_k
    if increase is not None:  # "(+12)" belongs to the total before it
        stop = end + len(_INCREASE.match(text, end).group(0))  # type: ignore[union-attr]
        while i < n and tokens[i].start < stop:
            i += 1
    return match, i


_INCREASE = re.compile(r"\s*\(\s*\+\s*(\d[\d \u00a0\u2009\u202f]*)\s*\)|\s*\+\s*(\d+)\b")


def _increase_after(text: str, end: int) -> int | None:
    """The day's increase written after a running total: "1 230 (+12)"."""
    m = _INCREASE.match(text, end)
    if not m:
        return None
    return int(re.sub(r"\D", "", m.group(1) or m.group(2)))
