"""Russian and Ukrainian date words, resolved against the publication date with the conventions of
`normalize/dates.py` (which stays the English resolver; this module only borrows its record and
its war-start anchor).

"вчера"/"вчора" → publication − 1; "в понедельник"/"у понеділок" → the most recent Monday on or
before publication; "24 февраля"/"24 лютого" → that day in the most recent year not after
publication + 1 day; "в феврале" → the month; "за сутки", "минувшей ночью", "за добу", "минулої
ночі" → the day before publication and publication; "в ночь на понедельник" → Sunday and Monday;
"с начала войны", "з початку повномасштабного вторгнення", "за время СВО" → `period` from the
war's start to publication; "с 1 марта" → `period` from that day; "с 24.02.22 по 25.02.23" → that
period; "станом на 25 лютого" → from the war's start to that day (a running total); "на прошлой
неделе", "минулого місяця", "N дней назад", "за три дня" likewise as in English. Vocabulary:
`data/dates_<lang>.json`, month and weekday lemmas expanded to their case forms with pymorphy3.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from claimledger.normalize.dates import WAR_START, ResolvedDate

__all__ = ["find_date_phrases_ru_uk", "resolve_ru_uk", "resolve_in_text_ru_uk", "LANGUAGES"]

LANGUAGES = ("ru", "uk")
_APOS = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


def _alt(words: list[str] | set[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(slots=True)
class _Grammar:
    data: dict[str, Any]
    months: dict[str, int]
    weekdays: dict[str, int]
    units: dict[str, str]
    regex: re.Pattern[str]


@lru_cache(maxsize=2)
def _grammar(lang: str) -> _Grammar:
    from claimledger.normalize.morph import word_forms

    if lang not in LANGUAGES:
        raise ValueError(f"no date vocabulary for language {lang!r}")
    data: dict[str, Any] = json.loads(resources.files("claimledger.normalize").joinpath(f"data/dates_{lang}.json")
                                      .read_text(encoding="utf-8"))
    noun = frozenset({"NOUN", "ADJF"})
    months = {f.translate(_APOS): i + 1 for i, m in enumerate(data["months"]) for f in word_forms(m, lang, noun) | {m}}
    weekdays = {f.translate(_APOS): i for i, w in enumerate(data["weekdays"]) for f in word_forms(w, lang, noun) | {w}}
    units = {f: unit for lemma, unit in data["units"].items() for f in word_forms(lemma, lang, frozenset({"NOUN"})) | {lemma}}
    month, weekday, unit = _alt(set(months)), _alt(set(weekdays)), _alt(set(units))
    year = rf"(?:\s+(?P<{{y}}>\d{{4}})(?:\s*(?:{_alt(data['year_words'])})\.?)?)?"
    # a date: "24.02.2022", "24.02.22", "24 февраля 2022 года"
    date = (rf"(?:(?P<{{d}}n>\d{{1,2}})\.(?P<{{m}}n>\d{{1,2}})\.(?P<{{y}}n>\d{{4}}|\d{{2}})"
            rf"|(?P<{{d}}>\d{{1,2}})\s+(?P<{{m}}>{month}){year})")

    def d(suffix: str) -> str:
        return date.replace("{d}", f"d{suffix}").replace("{m}", f"m{suffix}").replace("{y}", f"y{suffix}")

    patterns = [
        rf"(?P<range>(?:{_alt(data['since'])})\s+{d('1')}\s+(?:{_alt(data['range_to'])})\s+{d('2')})",
        rf"(?P<night>(?:{_alt(data['night_before'])})\s+(?:(?:{weekday})\s+(?:на|проти)\s+)?(?:(?P<nwd>{weekday})|{d('3')}))",
        rf"(?P<asof>(?:{_alt([w for w in data['as_of'] if ' ' in w])})\s+{d('4')})",
        rf"(?P<since>(?:{_alt(data['since'])})\s+{d('5')})",
        rf"(?P<cumulative>{_alt(data['cumulative'])})",
        rf"(?P<lastday>{_alt(data['last_day'])})",
        rf"(?P<prev>{_alt(list(data['previous']))})",
        rf"(?P<ago>(?P<agon>\d+|[^\W\d_]+)\s+(?P<agou>{unit})\s+(?:{_alt(data['ago'])}))",
        rf"(?P<inlast>(?:{_alt(data['in_last'])})\s+(?:(?P<inn>\d+|[^\W\d_]+)\s+)?(?P<inu>{unit}))",
        rf"(?P<date>(?:(?:{_alt(data['prepositions'])})\s+)?{d('6')})",
        rf"(?P<month>(?:{_alt(data['prepositions'])})\s+(?P<mm>{month}){year.replace('{y}', 'my')})",
        rf"(?P<year>(?:{_alt(data['prepositions'])})\s+(?P<yy>\d{{4}})\s*(?:{_alt(data['year_words'])})\.?)",
        rf"(?P<weekday>(?:в|во|у)\s+(?P<wd>{weekday}))",
        rf"(?P<offset>{_alt(list(data['day_offsets']))})",
    ]
    regex = re.compile(r"(?<![\w'-])(?:" + "|".join(patterns) + r")(?![\w'-])", re.IGNORECASE)
    return _Grammar(data, months, weekdays, units, regex)


def find_date_phrases_ru_uk(text: str, lang: str) -> list[tuple[int, int, str]]:
    """Date phrases of a Russian or Ukrainian text as (start, end, text), left to right, not
    overlapping; pass each text to `resolve_ru_uk`."""
    g = _grammar(lang)
    norm = (text or "").translate(_APOS)  # same length: offsets stay those of `text`
    out = []
    for m in g.regex.finditer(norm):
        if any(m.group(k) for k in m.groupdict() if k.isalpha() and m.group(k) is not None):
            out.append((m.start(), m.end(), text[m.start():m.end()]))
    return out


def resolve_in_text_ru_uk(text: str, published: dt.date | None, lang: str) -> list[tuple[int, int, ResolvedDate]]:
    """`find_date_phrases_ru_uk` and `resolve_ru_uk` together: the resolvable date phrases of a text."""
    out = []
    for start, end, phrase in find_date_phrases_ru_uk(text, lang):
        r = resolve_ru_uk(phrase, published, lang)
        if r is not None:
            out.append((start, end, r))
    return out


def resolve_ru_uk(span: str, published: dt.date | None, lang: str) -> ResolvedDate | None:
    """Resolve one Russian or Ukrainian date phrase against the publication date; None when it is
    not confidently placed on the calendar (or lies after the report: a plan, not an event)."""
    if not span or len(span) > 120:
        return None
    g = _grammar(lang)
    s = re.sub(r"\s+", " ", span.strip().translate(_APOS)).strip(" ,.;:()\"«»")
    m = g.regex.fullmatch(s)
    if m is None:
        return None
    try:
        got = _resolve(m, g, published, span.strip())
    except (ValueError, OverflowError):
        return None
    if got is not None and published is not None and got.start > published + dt.timedelta(days=1):
        return None
    return got


def _date_of(m: re.Match[str], suffix: str, g: _Grammar, pub: dt.date | None) -> dt.date | None:
    if m.group(f"d{suffix}n"):
        day, month, year = int(m[f"d{suffix}n"]), int(m[f"m{suffix}n"]), int(m[f"y{suffix}n"])
        return dt.date(year + 2000 if year < 100 else year, month, day)
    if not m.group(f"d{suffix}"):
        return None
    day, month = int(m[f"d{suffix}"]), g.months[m[f"m{suffix}"].lower()]
    if m.group(f"y{suffix}"):
        return dt.date(int(m[f"y{suffix}"]), month, day)
    return _recent_month_day(pub, month, day) if pub else None


def _recent_month_day(pub: dt.date, month: int, day: int) -> dt.date | None:
    limit = pub + dt.timedelta(days=1)
    for year in range(limit.year, limit.year - 9, -1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        if d <= limit:
            return d
    return None


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _count(word: str, lang: str) -> int | None:
    if word.isdigit():
        return int(word)
    from claimledger.normalize.quantities import parse_quantity

    q = parse_quantity(word, lang)
    return q.low if q is not None and q.qualifier == "exact" else None


_Span = tuple[dt.date, dt.date, str]


def _absolute(kind: str, m: re.Match[str], g: _Grammar, pub: dt.date | None) -> _Span | None:
    """Dates that need no publication date (a range, a named date, a month, a year) or only as a bound."""
    if kind == "range":
        a, b = _date_of(m, "1", g, pub), _date_of(m, "2", g, pub)
        return (a, b, "period") if a and b and a <= b else None
    if kind == "asof":
        d = _date_of(m, "4", g, pub)
        return (WAR_START, d, "period") if d and d >= WAR_START else None
    if kind == "since":
        d = _date_of(m, "5", g, pub)
        if pub is None or d is None:
            return None
        if not (m.group("y5") or m.group("y5n")) and (d.month, d.day) == (WAR_START.month, WAR_START.day):
            d = WAR_START  # "с 24 февраля" with no year: the war's start
        return (d, pub, "period") if d <= pub else None
    if kind == "date":
        d = _date_of(m, "6", g, pub)
        return (d, d, "day") if d else None
    if kind == "month":
        month = g.months[m["mm"].lower()]
        if m.group("my"):
            year = int(m["my"])
        elif pub is not None:
            year = pub.year if month <= pub.month else pub.year - 1
        else:
            return None
        return dt.date(year, month, 1), _month_end(year, month), "month"
    year = int(m["yy"])
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"


def _near(kind: str, m: re.Match[str], g: _Grammar, pub: dt.date) -> _Span | None:
    """Days named from the publication date: a night, a weekday, a cumulative total, yesterday."""
    if kind == "night":
        d: dt.date | None
        if m.group("nwd"):
            d = pub - dt.timedelta(days=(pub.weekday() - g.weekdays[m["nwd"].lower()]) % 7)
        else:
            d = _date_of(m, "3", g, pub)
        return (d - dt.timedelta(days=1), d, "day") if d is not None else None
    if kind == "weekday":
        d = pub - dt.timedelta(days=(pub.weekday() - g.weekdays[m["wd"].lower()]) % 7)
        return d, d, "day"
    if kind == "cumulative":
        return (WAR_START, pub, "period") if pub >= WAR_START else None
    if kind == "lastday":
        return pub - dt.timedelta(days=1), pub, "day"
    offsets = {re.sub(r"\s+", " ", k): v for k, v in g.data["day_offsets"].items()}
    d = pub + dt.timedelta(days=int(offsets[re.sub(r"\s+", " ", m["offset"].lower())]))
    return d, d, "day"


def _previous(m: re.Match[str], g: _Grammar, pub: dt.date) -> _Span:
    """'last week', 'this month', 'last year' and the like."""
    which = {re.sub(r"\s+", " ", k): v for k, v in g.data["previous"].items()}[re.sub(r"\s+", " ", m["prev"].lower())]
    monday = pub - dt.timedelta(days=pub.weekday())
    if which == "last_week":
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1), "week"
    if which == "this_week":
        return monday, pub, "week"
    if which == "last_weekend":
        saturday = monday - dt.timedelta(days=2) if pub.weekday() < 5 else monday + dt.timedelta(days=5)
        return saturday, min(saturday + dt.timedelta(days=1), pub), "day"
    if which == "last_month":
        y, mo = (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)
        return dt.date(y, mo, 1), _month_end(y, mo), "month"
    if which == "this_month":
        return dt.date(pub.year, pub.month, 1), pub, "month"
    if which == "last_year":
        return dt.date(pub.year - 1, 1, 1), dt.date(pub.year - 1, 12, 31), "year"
    return dt.date(pub.year, 1, 1), pub, "year"


def _counted(kind: str, m: re.Match[str], g: _Grammar, pub: dt.date, lang: str) -> _Span | None:
    """'three days ago', 'over the past two weeks'."""
    if kind == "ago":
        n = _count(m["agon"], lang)
        unit = g.units[m["agou"].lower()]
        if n is None:
            return None
        if unit == "day":
            d = pub - dt.timedelta(days=n)
            return d, d, "day"
        if unit == "week":
            d = pub - dt.timedelta(days=7 * n)
            monday = d - dt.timedelta(days=d.weekday())
            return monday, monday + dt.timedelta(days=6), "week"
        if unit == "month":
            y, mo = pub.year, pub.month - n
            while mo < 1:
                y, mo = y - 1, mo + 12
            return dt.date(y, mo, 1), _month_end(y, mo), "month"
        return dt.date(pub.year - n, 1, 1), dt.date(pub.year - n, 12, 31), "year"
    unit = g.units[m["inu"].lower()]
    k = _count(m["inn"], lang) if m.group("inn") else 1
    days = {"day": 1, "week": 7}.get(unit)
    if k is None or days is None:
        return None
    if unit == "day" and k == 1:
        return pub - dt.timedelta(days=1), pub, "day"
    return pub - dt.timedelta(days=days * k), pub, "period"


_ABSOLUTE = ("range", "asof", "since", "date", "month", "year")
_NEAR = ("night", "weekday", "cumulative", "lastday", "offset")


def _resolve(m: re.Match[str], g: _Grammar, pub: dt.date | None, text: str) -> ResolvedDate | None:
    """The span a matched date expression names (kinds by group name; see the grammar)."""
    lang = "uk" if g.data["months"][0] == "січень" else "ru"
    kind = m.lastgroup or ""
    span: _Span | None = None
    if kind in _ABSOLUTE:
        span = _absolute(kind, m, g, pub)
    elif pub is not None and kind in _NEAR:
        span = _near(kind, m, g, pub)
    elif pub is not None and kind == "prev":
        span = _previous(m, g, pub)
    elif pub is not None and kind in ("ago", "inlast"):
        span = _counted(kind, m, g, pub, lang)
    return ResolvedDate(span[0], span[1], span[2], text) if span is not None else None
