"""Resolve the date words of war reporting against the publication date.

News dates are relative: "on Tuesday" is the most recent Tuesday on or before publication, "in a day"
means the 24 hours before the report, "since February 24" is a running total from that day to the
report. A resolved date is always a closed range ``start..end`` of calendar days plus a precision
(``day``, ``week``, ``month``, ``year``, ``period``) so that the scorer can compare spans by overlap.

Conventions (each one is a row in ``tests/test_dates.py``):

* weekdays ("Tuesday", "late on Monday", "Monday night") → most recent such weekday on or before
  publication (the publication weekday is the publication day), ``day``;
* "today", "this morning", "tonight" → publication day; "yesterday" → publication − 1;
  "last night", "overnight", "in a day", "per day", "in 24 hours", "over the past day" → start
  publication − 1, end publication, ``day``;
* "January 7" (no year) → that day in the most recent year where it is ≤ publication + 1 day
  (reports filed around midnight UTC may name the next day), ``day``;
* "in December" → the most recent December not after publication, ``month`` (1st..last day);
  "early/mid/late December" keep ``month`` precision but narrow the range honestly to days
  1–10, 11–20 and 21–end; "October 2024" → ``month``; "2024" → ``year``;
* "last week" → Monday..Sunday of the week before publication, ``week``; "this week" → that
  week's Monday..publication; "last month", "last year" likewise;
* "N days/weeks/months/years ago" → that day / week / month / year;
* "since X" → ``period`` from X's start to publication; "since the start of the invasion",
  "to date", "so far", "as of today" → ``period`` from :data:`WAR_START` to publication
  (:func:`resolve_cumulative`); "since February 24" without a year is the war's start;
* durations ("five months", "126 days"), vague words ("recently", "the other day", "over these
  years") → ``None``: a wrong date scores worse than no date.

dateparser is used for the absolute dates it knows best, always with ``RELATIVE_BASE`` = the
publication day and ``PREFER_DATES_FROM="past"``; ``search_dates`` is never used because it invents
dates from bare numbers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from claimledger.model import EventTime

__all__ = [
    "WAR_START", "ResolvedDate", "parse_published", "resolve", "resolve_cumulative", "infer_published",
    "find_date_phrases", "resolve_in_text",
]

#: Start of Russia's full-scale invasion of Ukraine: the anchor of every running total.
WAR_START = dt.date(2022, 2, 24)

PRECISIONS = ("day", "week", "month", "year", "period")


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """A closed range of days with the precision the text gave it."""

    start: dt.date
    end: dt.date
    precision: str
    text: str

    def to_event_time(self) -> EventTime:
        return EventTime(start=self.start.isoformat(), end=self.end.isoformat(), precision=self.precision)


# --------------------------------------------------------------------------------------------------
# vocabulary

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _i:
        MONTHS[_name.lower()] = _i
        MONTHS[_name[:3].lower()] = _i
MONTHS["sept"] = 9

WEEKDAYS: dict[str, int] = {}
for _i, _name in enumerate(calendar.day_name):
    WEEKDAYS[_name.lower()] = _i
    WEEKDAYS[_name[:3].lower()] = _i
WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})

_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "a couple of": 2, "a couple": 2, "couple of": 2,
    "a few": 3, "few": 3, "several": 3,
}

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_NUM_WORD = "|".join(sorted((re.escape(k) for k in _NUMBER_WORDS), key=len, reverse=True))
_NUM_RE = (r"\d{1,4}|(?:(?:" + _NUM_WORD + r")[\s-]+)?(?:hundred|thousand)(?:\s+(?:and\s+)?(?:"
           + _NUM_WORD + r")(?:[\s-](?:" + _NUM_WORD + r"))?)?|(?:" + _NUM_WORD + r")(?:[\s-](?:" + _NUM_WORD + r"))?")
_UNIT_RE = r"days?|weeks?|months?|years?|hours?"
_SMALL_UNIT_RE = r"minutes?|seconds?|mins?|secs?"

# prepositions and fillers a DATE span may start with; order matters (longest first)
_LEADERS = re.compile(
    r"^(?:(?:on|in|at|during|throughout|through|by|for|of|from|within|around|about|until|till|"
    r"starting|beginning|back|as early as|as recently as|just|only|also|earlier|later)\s+)+")
_TIME_OF_DAY = r"(?:morning|afternoon|evening|night|overnight|midday|noon)"
_VAGUE = re.compile(
    r"^(?:the other day|recently|lately|these days|nowadays|now|soon|earlier|later|before|after|"
    r"(?:over|in|during|for)?\s*(?:these|those|the|recent|past|last|coming)\s+(?:few\s+|several\s+|many\s+)?"
    r"(?:years|months|weeks|days|decades)|the past|the future|once|at that time|then|a long time|"
    r"the same day|that day|the next day|the following day|the day|every day|daily|annually|this time|"
    r"the time|time|ever|years|months|decades|centuries|the night|the day before)$")
_CUMULATIVE = re.compile(
    r"^(?:to date|so far|thus far|as of (?:today|now|this morning|this moment)|until now|up to now|"
    r"to this day|till now|by now|as of|total)$")
_WAR_START_PHRASE = re.compile(
    r"^(?:since|from|after)\s+(?:the\s+)?(?:very\s+)?(?:start|beginning|outbreak|first days?|onset|launch)\s+"
    r"of\s+(?:the\s+|russia'?s\s+|this\s+)?(?:full[- ]scale\s+|large[- ]scale\s+|russian\s+|special\s+)*"
    r"(?:war|invasion|aggression|military operation|operation|hostilities|offensive|smo)\b.*$"
    r"|^(?:during|throughout|over the course of|in the course of)\s+(?:the\s+)?(?:whole\s+|entire\s+)?"
    r"(?:full[- ]scale\s+|large[- ]scale\s+|special\s+)*(?:war|invasion|military operation|operation|smo)$"
    r"|^since (?:the\s+)?(?:full[- ]scale\s+)(?:war|invasion)(?:\s+began)?$"
    r"|^(?:in|during|by|to|from|of)\s+(?:the|this)\s+(?:russian\s+|full[- ]scale\s+)*(?:war|invasion|aggression)$"
    r"|^in\s+war$")
_PAST_N = re.compile(
    rf"^(?:over|in|during|for|within)?\s*(?:the\s+)?(?:past|last|previous|preceding)\s+(?:(?P<n>{_NUM_RE})\s+)?"
    rf"(?P<unit>{_UNIT_RE})$")
# "in three days", "within 48 hours", "in less than 24 hours": the span ending at the report
_IN_N = re.compile(
    rf"^(?:in|within)\s+(?:less than\s+|under\s+|just\s+)?(?P<n>{_NUM_RE}|\d+)\s+(?P<unit>days?|hours?)$")
_AGO = re.compile(
    rf"^(?:about\s+|some\s+|around\s+|nearly\s+|almost\s+|roughly\s+|more than\s+|over\s+)?(?P<n>{_NUM_RE})"
    rf"\s+(?:or so\s+)?(?P<unit>{_UNIT_RE})\s+(?:or so\s+)?ago$")
_DURATION = re.compile(
    rf"^(?:(?:about|some|around|nearly|almost|roughly|more than|over|less than|under|up to|at least|"
    rf"another|a further|the|first|last|next|several more|more)\s+)*(?:(?:{_NUM_RE}|\d[\d,]*)\s+)?"
    rf"(?:(?:and a half|full|long|whole|more|straight|consecutive|of)\s+)*(?:{_UNIT_RE}|{_SMALL_UNIT_RE}|decades?|centuries)"
    rf"(?:\s+(?:and\s+)?(?:{_NUM_RE}|\d+)\s+(?:{_UNIT_RE}|{_SMALL_UNIT_RE}))?(?:\s+(?:long|later|earlier|in a row|straight|"
    rf"running|now|before|after|since|of war|of the war|of fighting))*$")
_YEAR_RE = re.compile(r"^(?P<y>(?:19|20)\d{2})$")
_DAY_WORDS = {
    "today": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "tonight": 0, "this day": 0,
    "earlier today": 0, "later today": 0, "today's": 0, "this night": -1,
    "yesterday": -1, "yesterday morning": -1, "yesterday afternoon": -1, "yesterday evening": -1,
    "late yesterday": -1, "early yesterday": -1, "the day before yesterday": -2, "yesterday's": -1,
    # news of the day: "wounded in the morning … dies" is the report's own day
    "in the morning": 0, "in the afternoon": 0, "in the evening": 0, "morning": 0, "afternoon": 0, "evening": 0,
    "this very day": 0, "the current day": 0, "over the current day": 0, "during the current day": 0,
    "since the beginning of the day": 0, "since the start of the day": 0, "since the morning": 0,
    "since this morning": 0, "from the morning": 0, "since early morning": 0, "since midnight": 0,
    "as of this morning": 0, "during today": 0, "so far today": 0, "today alone": 0,
}
# the 24 hours before the report: start = publication − 1, end = publication
_LAST_DAY = re.compile(
    r"^(?:last night|overnight|over night|this night|tonight's|at night|during the night|night|nightly attack|"
    r"nighttime|night-time|"
    r"(?:in|per|a|over|within|during)\s+(?:the\s+)?(?:past\s+|last\s+)?(?:a\s+|one\s+)?"
    r"(?:day|24 hours|twenty-four hours|24-hour period|night)|"
    r"(?:over|in|during|within|for)\s+(?:the\s+)?(?:past|last|previous)\s+(?:day|24 hours|twenty-four hours|night)|"
    r"the past day|the last day|the past 24 hours|the last 24 hours|24 hours|"
    r"(?:during|in|over|throughout)\s+the\s+(?:day|night))$")


def _settings(base: dt.date) -> dict[str, Any]:
    return {"RELATIVE_BASE": dt.datetime(base.year, base.month, base.day, 12, 0),
            "PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True, "STRICT_PARSING": False}


@lru_cache(maxsize=64)
def _parser(base: dt.date) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings=_settings(base))


def _dateparse(text: str, base: dt.date) -> tuple[dt.date, str] | None:
    """dateparser with the house settings; returns the date and dateparser's period."""
    parser = _parser(base)
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date(), str(data.period or "day")


# --------------------------------------------------------------------------------------------------
# published dates

_PUB_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y",
                "%b. %d, %Y", "%A, %B %d, %Y", "%Y%m%d")


def parse_published(value: str | None) -> dt.date | None:
    """Publication date of a document as given in its metadata; junk gives None, never an exception.

    Timestamps keep their calendar date as written (no time-zone shift): the report's own day is what
    its relative words refer to.
    """
    if value is None:
        return None
    s = str(value).strip()
    if not s or len(s) > 64:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$", s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    for fmt in _PUB_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    if not re.search(r"\d{4}", s):  # a publication date without a year is no date
        return None
    try:
        from dateparser import parse

        d = parse(s, languages=["en"], settings={"PREFER_DATES_FROM": "past", "STRICT_PARSING": True})
    except Exception:  # dateparser raises assorted errors on junk
        return None
    return d.date() if d is not None else None


_ISO_START = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
EARLIEST_PUBLISHED = dt.date(1900, 1, 1)


def check_published(value: object, now: dt.datetime | None = None) -> str | None:
    """A publication date fit for the ledger, or ValueError saying why not.

    None stays None (a missing date stays missing). ISO dates and timestamps are kept as written
    when they are real (no month 13, no hour 99, no offset of 25 hours); other readable forms
    ("March 7, 2024", RFC 2822) become ISO dates. Nothing after the time of ingest plus a day is
    accepted, nor anything before 1900.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"'published' must be a string, not {type(value).__name__}")
    s = value.strip()
    if not s:
        return None
    day, kept = _published_day(s)
    now = now or dt.datetime.now(dt.UTC)
    if day > (now + dt.timedelta(days=1)).date():
        raise ValueError(f"'published' {s!r} is in the future (after the time of ingest plus a day)")
    if day < EARLIEST_PUBLISHED:
        raise ValueError(f"'published' {s!r} is before {EARLIEST_PUBLISHED.year}")
    return kept


def _published_day(s: str) -> tuple[dt.date, str]:
    """(calendar day, value to keep) of a publication date; ValueError for an impossible one."""
    if _ISO_START.match(s):
        try:
            stamp = dt.datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError as e:
            why = "time-zone offset out of range" if "offset" in str(e) else str(e)
            raise ValueError(f"'published' {s!r} is not a real date or time ({why})") from None
        return stamp.date(), s
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(s).date(), parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    day = parse_published(s)
    if day is None:
        raise ValueError(f"'published' {s!r} is not a date")
    return day, day.isoformat()


# --------------------------------------------------------------------------------------------------
# helpers

def _num(word: str) -> int | None:
    w = word.strip().lower()
    if w.isdigit():
        return int(w)
    if w in _NUMBER_WORDS:
        return _NUMBER_WORDS[w]
    try:
        from text_to_num import text2num

        return int(text2num(re.sub(r"^an?\s+", "one ", w), "en"))
    except (ImportError, ValueError):
        return None


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(d: dt.date, n: int) -> tuple[int, int]:
    idx = d.year * 12 + (d.month - 1) - n
    return idx // 12, idx % 12 + 1


def _recent_weekday(pub: dt.date, weekday: int) -> dt.date:
    return pub - dt.timedelta(days=(pub.weekday() - weekday) % 7)


def _recent_month_day(pub: dt.date, month: int, day: int) -> dt.date | None:
    """Most recent (month, day) not later than publication + 1 day (Feb 29 looks back to a leap year)."""
    limit = pub + dt.timedelta(days=1)
    for year in range(limit.year, limit.year - 9, -1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        if d <= limit:
            return d
    return None


def _recent_month(pub: dt.date, month: int) -> int:
    return pub.year if month <= pub.month else pub.year - 1


def _clean(span: str) -> str:
    s = span.strip().lower()
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"^[\s,;:(\"']+|[\s,;:.)\"'-]+$", "", s)
    s = re.sub(r"'s$", "", s)  # "last year's", "today's"
    return s


def _strip_leaders(s: str) -> str:
    s = _LEADERS.sub("", s)
    return re.sub(r"^the\s+(?=(?:\d|" + _MONTH_RE + r")\b)", "", s)


# --------------------------------------------------------------------------------------------------
# resolution

def resolve_cumulative(published: dt.date | None, text: str = "to date") -> ResolvedDate | None:
    """A running total ("to date", "so far", "since the invasion"): war start to publication."""
    if published is None or published < WAR_START:
        return None
    return ResolvedDate(WAR_START, published, "period", text)


def resolve(span: str, published: dt.date | None) -> ResolvedDate | None:
    """Resolve a DATE span (with any leading preposition) against the publication date.

    Returns None for durations, vague words and anything not confidently placed on the calendar.
    Without a publication date only spans that carry their own year resolve.
    """
    if not span or len(span) > 120:
        return None
    s = _clean(span)
    if not s:
        return None
    try:
        got = _resolve(s, span.strip(), published)
    except (ValueError, OverflowError):
        return None
    if got is not None and published is not None and got.start > published + dt.timedelta(days=1):
        return None  # a date after the report is a plan or a forecast, not an event
    return got


class _Next:
    """A rule's answer for "the span matched my pattern but is not mine after all": try the next."""


NEXT = _Next()


@dataclass(slots=True)
class _Span:
    """One span under resolution: `s` as cleaned, `s2` with its leading prepositions stripped."""

    s: str
    text: str
    pub: dt.date | None
    s2: str = ""

    def rd(self, start: dt.date, end: dt.date, precision: str) -> ResolvedDate:
        return ResolvedDate(start, end, precision, self.text)

    @property
    def day(self) -> dt.date:
        assert self.pub is not None  # rules that use it are marked needs_pub
        return self.pub


@dataclass(frozen=True, slots=True)
class _Rule:
    """(pattern, handler): `test` finds the pattern in the span, `handler` resolves what it found.
    A rule that matches decides, unless its handler answers NEXT; `needs_pub` rules decide None
    when the document has no publication date."""

    name: str
    test: Callable[[_Span], Any]
    handler: Callable[[Any, _Span], Any]
    needs_pub: bool = False


def _on_s(pattern: re.Pattern[str] | str, whole: bool = True) -> Callable[[_Span], Any]:
    pat = re.compile(pattern) if isinstance(pattern, str) else pattern
    return (lambda c: pat.fullmatch(c.s)) if whole else (lambda c: pat.match(c.s))


def _on_s2(pattern: re.Pattern[str] | str, whole: bool = True) -> Callable[[_Span], Any]:
    pat = re.compile(pattern) if isinstance(pattern, str) else pattern
    return (lambda c: pat.fullmatch(c.s2)) if whole else (lambda c: pat.match(c.s2))


def _on_either(pattern: re.Pattern[str]) -> Callable[[_Span], Any]:
    return lambda c: pattern.match(c.s) or pattern.match(c.s2)


# -- rules on the cleaned span ---------------------------------------------------------------------

def _day_word(_: Any, c: _Span) -> ResolvedDate:
    """The report's own day, including "since the beginning of the day"."""
    d = c.day + dt.timedelta(days=_DAY_WORDS[c.s])
    return c.rd(d, d, "day")


def _cumulative(_: Any, c: _Span) -> ResolvedDate | None:
    return resolve_cumulative(c.pub, c.text)


def _since(m: re.Match[str], c: _Span) -> Any:
    """"since X": from X to the report."""
    if re.search(r"\b(?:to|until|till|through)\b", m["x"]):
        return NEXT
    x = re.sub(r",?\s+(?:this|last|earlier this|late last)\s+(?:week|month)$", "", m["x"])
    if c.pub is None:
        return None
    if re.fullmatch(r"(?:the\s+)?(?:24(?:th)?\s+(?:of\s+)?february|feb(?:ruary)?\.?\s+24(?:th)?)", x):
        return c.rd(WAR_START, c.pub, "period") if c.pub >= WAR_START else None
    inner = _resolve(x, c.text, c.pub)
    if inner is None or inner.precision == "period" or inner.start > c.pub:
        return inner if inner is not None and inner.precision == "period" else None
    return c.rd(inner.start, c.pub, "period")


def _from_to(m: re.Match[str], c: _Span) -> ResolvedDate | None:
    """"from X to Y", "between X and Y"."""
    b = _resolve(m["b"], c.text, c.pub)
    if b is None:
        return None
    a_text = m["a"]
    if re.fullmatch(r"\d{1,2}", a_text):  # "from 3 to 7 March"
        try:
            a = c.rd(b.start.replace(day=int(a_text)), b.start.replace(day=int(a_text)), "day")
        except ValueError:
            return None
    else:
        a_res = _resolve(a_text, c.text, b.end)
        if a_res is None:
            return None
        a = a_res
    if a.start > b.end:
        return None
    return c.rd(a.start, b.end, "period")


def _last_day(_: Any, c: _Span) -> ResolvedDate:
    return c.rd(c.day - dt.timedelta(days=1), c.day, "day")


def _nothing(_: Any, c: _Span) -> None:
    """Vague words and durations ("recently", "for three days"): not on the calendar."""
    return None


_RAW_RULES: tuple[_Rule, ...] = (
    _Rule("day word", lambda c: c.s in _DAY_WORDS and c.s != "this night", _day_word, needs_pub=True),
    _Rule("running total", lambda c: _CUMULATIVE.match(c.s) or _WAR_START_PHRASE.match(c.s), _cumulative),
    _Rule("since", _on_s(r"^(?:ever\s+)?(?:since|starting from|beginning from|from|after)\s+(?P<x>.+)$", False),
          _since),
    _Rule("from-to", _on_s(r"^(?:from|between)\s+(?P<a>.+?)\s+(?:to|until|till|through|and|-)\s+(?P<b>.+)$", False),
          _from_to),
    _Rule("last day", _on_s(_LAST_DAY, False), _last_day, needs_pub=True),
    _Rule("vague", _on_s(_VAGUE, False), _nothing),
    _Rule("duration", _on_s(r"^for\s+(?!the\s+(?:past|last|previous)\b)", False), _nothing),
    _Rule("in N units", _on_s(_IN_N), lambda m, c: _past_n(m, c), needs_pub=True),
)


# -- rules on the span without its leading prepositions --------------------------------------------

def _explicit_after_day_word(m: re.Match[str], c: _Span) -> ResolvedDate | None:
    """"today, June 22": the explicit date wins."""
    return _resolve(m["x"], c.text, c.pub)


def _absolute_rule(found: ResolvedDate, _: _Span) -> ResolvedDate:
    return found


def _time_of_day(_: Any, c: _Span) -> ResolvedDate:
    """Times of day ("15:56", "4 am") are the publication day."""
    return c.rd(c.day, c.day, "day")


def _is_time_of_day(c: _Span) -> bool:
    return bool(re.fullmatch(r"(?:at\s+)?(?:about\s+|around\s+)?\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m|p\.m|a\.m\.|"
                             r"p\.m\.|h|o'clock)?(?:\s+(?:local time|kyiv time|moscow time))?", c.s2)
                and (":" in c.s2 or re.search(r"[ap]\.?m|o'clock|h$", c.s2)))


def _in_relative_year(m: re.Match[str], c: _Span) -> Any:
    """"in July this year", "February 23 last year", "the end of this year"."""
    if m["x"] in ("this", "last", "the", "early", "late"):
        return NEXT
    year = c.day.year - (1 if "last" in m["rel"] or "previous" in m["rel"] else 0)
    if re.fullmatch(r"(?:the\s+)?(?:beginning|start|end|middle|first half|second half|spring|summer|autumn|fall|winter)"
                    r"(?:\s+of)?", m["x"]):
        return c.rd(*_year_part(m["x"].removesuffix(" of").strip(), year), "year")
    return _resolve(f"{m['x']} {year}", c.text, c.pub)


def _part_of_current(m: re.Match[str], c: _Span) -> ResolvedDate:
    """"the beginning of the month", "the end of this year"."""
    if m["unit"] == "year":
        return c.rd(*_year_part(m["part"], c.day.year), "year")
    start, end = _month_part(m["part"], *_month_range(c.day.year, c.day.month))
    return c.rd(start, end, "month")


def _day_word_stripped(_: Any, c: _Span) -> ResolvedDate:
    if c.s2 == "this night" or c.s == "this night":
        return c.rd(c.day - dt.timedelta(days=1), c.day, "day")
    d = c.day + dt.timedelta(days=_DAY_WORDS.get(c.s2, _DAY_WORDS.get(c.s, 0)))
    return c.rd(d, d, "day")


def _day_word_inside(m: re.Match[str], c: _Span) -> Any:
    """"during one day yesterday", "only yesterday alone": the day word decides."""
    if re.search(rf"\b(?:{_MONTH_RE}|{_WEEKDAY_RE}|week|month|year)s?\b", c.s2):
        return NEXT
    return _resolve(m["w"], c.text, c.pub)


def _part_of_day(_: Any, c: _Span) -> ResolvedDate:
    """"early today", "yesterday evening", "late yesterday night"."""
    if "yesterday" in c.s2:
        d = c.day - dt.timedelta(days=1)
        return c.rd(d, c.day, "day") if c.s2.endswith("night") else c.rd(d, d, "day")
    return c.rd(c.day, c.day, "day")


def _weekday(m: re.Match[str], c: _Span) -> ResolvedDate | None:
    """"Tuesday", "late on Monday", "Monday night", "last Friday", "on the night of Sunday"."""
    d = _recent_weekday(c.day, WEEKDAYS[m["wd"]])
    if c.s2.startswith("last ") and d == c.day:
        d = d - dt.timedelta(days=7)
    if m["wd2"]:
        d2 = _recent_weekday(c.day, WEEKDAYS[m["wd2"]])
        start, end = min(d, d2), max(d, d2)
        if (end - start).days > 6:
            return None
        return c.rd(start, end, "period") if start != end else c.rd(start, end, "day")
    return c.rd(d, d, "day")


def _relative_unit(m: re.Match[str], c: _Span) -> ResolvedDate:
    """this/last/past week, weekend, month, year."""
    rel, unit, pub = m["rel"], m["unit"], c.day
    this = "this" in rel or "current" in rel
    past_window = rel in ("past", "the past", "the last")
    if unit == "week":
        monday = pub - dt.timedelta(days=pub.weekday())
        if this:
            return c.rd(monday, pub, "week")
        if past_window:
            return c.rd(pub - dt.timedelta(days=7), pub, "week")
        return c.rd(monday - dt.timedelta(days=7), monday - dt.timedelta(days=1), "week")
    if unit == "weekend":
        sat = _recent_weekday(pub, 5)
        if not this and sat + dt.timedelta(days=1) >= pub:
            sat = sat - dt.timedelta(days=7) if pub.weekday() in (5, 6) else sat
        return c.rd(sat, min(sat + dt.timedelta(days=1), pub), "day" if sat == pub else "period")
    if unit == "month":
        if this:
            return c.rd(pub.replace(day=1), pub, "month")
        if past_window:
            return c.rd(pub - dt.timedelta(days=30), pub, "period")
        y, mo = _shift_months(pub, 1)
        return c.rd(*_month_range(y, mo), "month")
    if this:
        return c.rd(dt.date(pub.year, 1, 1), pub, "year")
    if past_window:
        return c.rd(pub - dt.timedelta(days=365), pub, "period")
    return c.rd(dt.date(pub.year - 1, 1, 1), dt.date(pub.year - 1, 12, 31), "year")


def _past_n(m: re.Match[str], c: _Span) -> ResolvedDate | None:
    """"over the past 5 days", "in the last two weeks"."""
    if not m["n"] and m["unit"].endswith("s"):
        return None  # "in previous days", "over the past years": how many?
    n = _num(m["n"]) if m["n"] else 1
    unit = m["unit"].rstrip("s")
    if n is None or n <= 0:
        return None
    pub = c.day
    if unit == "hour":
        return c.rd(pub - dt.timedelta(days=1 if n <= 24 else -(-n // 24)), pub, "day" if n <= 24 else "period")
    if unit == "day" and n == 1:
        return c.rd(pub - dt.timedelta(days=1), pub, "day")
    if unit == "week" and n == 1:
        return c.rd(pub - dt.timedelta(days=7), pub, "week")
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
    return c.rd(pub - dt.timedelta(days=days), pub, "period")


def _ago(m: re.Match[str], c: _Span) -> ResolvedDate | None:
    """"seven or so years ago", "two weeks ago", "three days ago"."""
    n = _num(m["n"])
    unit = m["unit"].rstrip("s")
    if n is None:
        return None
    pub = c.day
    if unit == "day":
        d = pub - dt.timedelta(days=n)
        return c.rd(d, d, "day")
    if unit == "hour":
        d = pub if n < 12 else pub - dt.timedelta(days=max(1, round(n / 24)))
        return c.rd(d, d, "day")
    if unit == "week":
        d = pub - dt.timedelta(days=7 * n)
        monday = d - dt.timedelta(days=d.weekday())
        return c.rd(monday, monday + dt.timedelta(days=6), "week")
    if unit == "month":
        y, mo = _shift_months(pub, n)
        return c.rd(*_month_range(y, mo), "month")
    return c.rd(dt.date(pub.year - n, 1, 1), dt.date(pub.year - n, 12, 31), "year")


def _month_day(m: re.Match[str], c: _Span) -> ResolvedDate | None:
    """"January 7", "7 January", "the 7th of January": the most recent one."""
    md = _recent_month_day(c.day, MONTHS[m["m1"] or m["m2"]], int(m["d1"] or m["d2"]))
    return c.rd(md, md, "day") if md else None


def _month(m: re.Match[str], c: _Span) -> ResolvedDate:
    """"December", "early December", "the end of December"."""
    month = MONTHS[m["m"]]
    start, end = _month_part(m["part"], *_month_range(_recent_month(c.day, month), month))
    return c.rd(start, end, "month")


def _day_range(m: re.Match[str], c: _Span) -> ResolvedDate | None:
    """"June 23-24", "23-24 June"."""
    month = MONTHS[m["m1"] or m["m2"]]
    first, last = int(m["a1"] or m["a2"]), int(m["b1"] or m["b2"])
    end_d = _recent_month_day(c.day, month, last)
    if end_d is None or not 1 <= first < last:
        return None
    return c.rd(end_d.replace(day=first), end_d, "period")


def _dateparser_fallback(_: Any, c: _Span) -> ResolvedDate | None:
    """Anything else dateparser can place, with its own period as the precision: only spans naming a
    month or a weekday (bare numbers such as "11" or "the 97th day" would become invented dates)."""
    if re.search(r"\b(?:" + _MONTH_RE + "|" + _WEEKDAY_RE + r")\b", c.s2) is None:
        return None
    got = _dateparse(c.s2, c.day)
    if got is None:
        return None
    d, period = got
    if d > c.day + dt.timedelta(days=1):
        return None
    if period == "month":
        return c.rd(*_month_range(d.year, d.month), "month")
    if period == "year":
        return c.rd(dt.date(d.year, 1, 1), dt.date(d.year, 12, 31), "year")
    if period == "week":
        monday = d - dt.timedelta(days=d.weekday())
        return c.rd(monday, monday + dt.timedelta(days=6), "week")
    return c.rd(d, d, "day")


_WEEKDAY_SPAN = re.compile(
    rf"(?:(?:early|late|earlier|later|last|this|past)\s+)?(?:(?:on|in the)\s+)?(?:(?:the\s+)?"
    rf"{_TIME_OF_DAY}\s+of\s+)?(?P<wd>{_WEEKDAY_RE})\.?(?:'s)?(?:\s+(?:early\s+|late\s+)?{_TIME_OF_DAY})?"
    rf"(?:\s+and\s+(?:on\s+)?(?P<wd2>{_WEEKDAY_RE})(?:\s+{_TIME_OF_DAY})?)?")
_MONTH_DAY_SPAN = re.compile(
    rf"(?:(?:{_WEEKDAY_RE}),?\s+)?(?:(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?|"
    rf"(?:the\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_RE})\.?)"
    rf"(?:,?\s+(?:early\s+|late\s+)?(?:{_TIME_OF_DAY}|at\s+\d.*))?")
_STRIPPED_RULES: tuple[_Rule, ...] = (
    _Rule("running total", lambda c: _CUMULATIVE.match(c.s2) or _WAR_START_PHRASE.match(c.s2), _cumulative),
    _Rule("vague", _on_s2(_VAGUE, False), _nothing),
    _Rule("day word, then a date", _on_s2(r"(?:today|yesterday|tonight|this morning|last night),?\s+(?P<x>.*\d.*)"),
          _explicit_after_day_word),
    _Rule("absolute date", lambda c: _absolute(c.s2, c.text), _absolute_rule),
    _Rule("publication date needed", lambda c: c.pub is None, _nothing),
    _Rule("time of day", _is_time_of_day, _time_of_day),
    _Rule("relative year", _on_s2(r"(?P<x>.+?),?\s+(?P<rel>this|last|of this|of last|the previous|of the previous)\s+"
                                  r"year"), _in_relative_year),
    _Rule("part of the current", _on_s2(r"(?:the\s+)?(?P<part>beginning|start|end|middle|first half|second half)\s+"
                                        r"of\s+(?:the|this|the current)\s+(?P<unit>year|month)"), _part_of_current),
    _Rule("day word", lambda c: c.s2 in _DAY_WORDS or c.s in _DAY_WORDS, _day_word_stripped),
    _Rule("last day", _on_either(_LAST_DAY), _last_day),
    _Rule("day word inside", _on_s2(r"(?:[a-z ]+\s)?(?P<w>yesterday|today|last night|overnight)(?:\s[a-z ]+)?"),
          _day_word_inside),
    _Rule("part of a day", _on_s2(r"(?:early|late|earlier|later)?\s*(?:today|yesterday)\s*"
                                  r"(?:morning|afternoon|evening|night)?"), _part_of_day),
    _Rule("weekday", _on_s2(_WEEKDAY_SPAN), _weekday),
    _Rule("this/last unit", _on_s2(r"(?P<rel>this|last|past|previous|the past|the last|the previous|current|"
                                   r"the current|earlier this|late last|early last|earlier last|early this|late this|"
                                   r"later this)\s+(?P<unit>week|month|year|weekend)"), _relative_unit),
    _Rule("past N units", _on_either(_PAST_N), _past_n),
    _Rule("N units ago", _on_s2(_AGO, False), _ago),
    _Rule("duration", lambda c: _DURATION.match(c.s2) or _DURATION.match(c.s), _nothing),
    _Rule("month and day", _on_s2(_MONTH_DAY_SPAN), _month_day),
    _Rule("month", _on_s2(rf"(?P<part>early|mid|mid-|middle of|late|the end of|end of|the beginning of|beginning of|"
                          rf"the start of|start of|the middle of|the first half of|the second half of|first half of|"
                          rf"second half of)?\s*(?P<m>{_MONTH_RE})\.?"), _month),
    _Rule("day range", _on_s2(rf"(?:(?P<m1>{_MONTH_RE})\.?\s+(?P<a1>\d{{1,2}})\s*(?:-|to|and)\s*(?P<b1>\d{{1,2}})|"
                              rf"(?P<a2>\d{{1,2}})\s*(?:-|to|and)\s*(?P<b2>\d{{1,2}})\s+(?P<m2>{_MONTH_RE})\.?)"),
          _day_range),
    _Rule("anything dateparser places", lambda c: True, _dateparser_fallback),
)


def _apply(rules: tuple[_Rule, ...], c: _Span) -> Any:
    for rule in rules:
        found = rule.test(c)
        if not found:
            continue
        if rule.needs_pub and c.pub is None:
            return None
        got = rule.handler(found, c)
        if got is not NEXT:
            return got
    return NEXT


def _resolve(s: str, text: str, pub: dt.date | None) -> ResolvedDate | None:
    """The first rule of the table whose pattern matches decides (rules on the cleaned span, then on
    the span without its leading prepositions)."""
    span = _Span(s, text, pub)
    got = _apply(_RAW_RULES, span)
    if got is not NEXT:
        return got  # type: ignore[no-any-return]
    span.s2 = _strip_leaders(s)
    if not span.s2:
        return None
    got = _apply(_STRIPPED_RULES, span)
    return None if got is NEXT else got  # type: ignore[no-any-return]


def _month_part(part: str | None, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """'early December' → 1–10, 'mid' → 11–20, 'late'/'end of' → 21–end; precision stays month."""
    if not part:
        return start, end
    if part.startswith(("early", "the beginning", "beginning", "the start", "start")):
        return start, start.replace(day=10)
    if part.startswith(("mid", "middle", "the middle")):
        return start.replace(day=11), start.replace(day=20)
    if part.startswith(("late", "the end", "end")):
        return start.replace(day=21), end
    if "first half" in part:
        return start, start.replace(day=15)
    if "second half" in part:
        return start.replace(day=16), end
    return start, end


def _absolute(s: str, text: str) -> ResolvedDate | None:
    """Dates that carry their own year: ISO, "January 7, 2025", "7 January 2025", "October 2024", "2024"."""
    m = _YEAR_RE.match(s) or re.fullmatch(r"(?:the\s+)?(?:year\s+)?(?P<y>(?:19|20)\d{2})(?:\s+year)?", s)
    if m:
        y = int(m["y"])
        return ResolvedDate(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", text)
    m = re.fullmatch(r"(?:the\s+)?(?:early\s+|late\s+|mid-?)?(?P<y>(?:19|20)\d)0'?s", s)
    if m:
        y = int(m["y"]) * 10
        return ResolvedDate(dt.date(y, 1, 1), dt.date(y + 9, 12, 31), "period", text)
    m = re.fullmatch(r"(?P<a>(?:19|20)\d{2})\s*(?:-|to|and|through)\s*(?P<b>(?:19|20)\d{2})", s)
    if m and int(m["a"]) < int(m["b"]):
        return ResolvedDate(dt.date(int(m["a"]), 1, 1), dt.date(int(m["b"]), 12, 31), "period", text)
    m = re.fullmatch(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})", s)
    if m:
        d = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        return ResolvedDate(d, d, "day", text)
    m = re.fullmatch(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})", s)
    if m:
        d = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        return ResolvedDate(d, d, "day", text)
    m = re.fullmatch(rf"(?P<part>early|mid|mid-|late|the end of|end of|the beginning of|beginning of|"
                     rf"the start of|start of|the middle of)?\s*(?P<m>{_MONTH_RE})\.?,?\s+(?:of\s+)?(?P<y>(?:19|20)\d{{2}})", s)
    if m:
        start, end = _month_range(int(m["y"]), MONTHS[m["m"]])
        start, end = _month_part(m["part"], start, end)
        return ResolvedDate(start, end, "month", text)
    m = re.fullmatch(
        rf"(?:(?:{_WEEKDAY_RE}),?\s+)?(?:(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?|"
        rf"(?:the\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_RE})\.?),?\s+(?P<y>(?:19|20)\d{{2}})", s)
    if m:
        d = dt.date(int(m["y"]), MONTHS[m["m1"] or m["m2"]], int(m["d1"] or m["d2"]))
        return ResolvedDate(d, d, "day", text)
    m = re.fullmatch(r"(?P<part>early|mid|late|the end of|the beginning of|the start of|the middle of|"
                     r"the first half of|the second half of|the spring of|the summer of|the autumn of|the fall of|"
                     r"the winter of|spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<y>(?:19|20)\d{2})", s)
    if m:
        y = int(m["y"])
        return ResolvedDate(*_year_part(m["part"], y), "year", text)
    return None


def _year_part(part: str, y: int) -> tuple[dt.date, dt.date]:
    """Honest sub-ranges of a year; precision stays 'year'."""
    p = part.removeprefix("the ").removesuffix(" of")
    ranges = {
        "early": ((1, 1), (4, 30)), "beginning": ((1, 1), (4, 30)), "start": ((1, 1), (4, 30)),
        "mid": ((5, 1), (8, 31)), "middle": ((5, 1), (8, 31)),
        "late": ((9, 1), (12, 31)), "end": ((9, 1), (12, 31)),
        "first half": ((1, 1), (6, 30)), "second half": ((7, 1), (12, 31)),
        "spring": ((3, 1), (5, 31)), "summer": ((6, 1), (8, 31)), "autumn": ((9, 1), (11, 30)),
        "fall": ((9, 1), (11, 30)),
    }
    if p == "winter":
        return dt.date(y, 1, 1), dt.date(y, 2, calendar.monthrange(y, 2)[1])
    (m1, d1), (m2, d2) = ranges.get(p, ((1, 1), (12, 31)))
    return dt.date(y, m1, d1), dt.date(y, m2, d2)


# --------------------------------------------------------------------------------------------------
# publication date inference

_REPORT_VERBS = (r"announced|said|says|reported|reports|stated|told|claimed|wrote|posted|confirmed|declared|"
                 r"added|noted|published|released|revealed|tweeted|warned|explained|insisted|acknowledged")
_DATE_CORE = (rf"(?:(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+"
              rf"(?:of\s+)?(?P<m2>{_MONTH_RE})\b)(?:,?\s+(?P<y>(?:19|20)\d{{2}})\b)?")
# "announced on January 7" / "said on 7 January 2025"
_VERB_DATE = re.compile(rf"\b(?P<verb>{_REPORT_VERBS})\s+(?:late\s+|early\s+)?on\s+{_DATE_CORE}", re.IGNORECASE)
# "announced on Tuesday" / "said late on Monday"
_VERB_WEEKDAY = re.compile(rf"\b(?P<verb>{_REPORT_VERBS})\s+(?:late\s+|early\s+)?on\s+(?P<wd>monday|tuesday|wednesday|"
                           rf"thursday|friday|saturday|sunday)\b(?!,?\s+(?:{_MONTH_RE}|\d))", re.IGNORECASE)
# "on Tuesday, January 7": the weekday and the date name the same day
_WEEKDAY_DATE = re.compile(rf"\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+(?:the\s+)?{_DATE_CORE}",
                           re.IGNORECASE)


def _date_of(m: re.Match[str]) -> tuple[int, int, int | None] | None:
    month = MONTHS[(m["m1"] or m["m2"]).lower().rstrip(".")]
    day = int(m["d1"] or m["d2"])
    if not 1 <= day <= 31:
        return None
    return month, day, int(m["y"]) if m["y"] else None


def _consistent_years(month: int, day: int, weekday: int, today: dt.date, span: int = 12) -> list[dt.date]:
    out = []
    for y in range(today.year, today.year - span, -1):
        try:
            d = dt.date(y, month, day)
        except ValueError:
            continue
        if d <= today and d.weekday() == weekday:
            out.append(d)
    return out


def infer_published(text: str, today: dt.date | None = None) -> tuple[dt.date, str] | None:
    """Guess the publication date of a document that has none, conservatively.

    Two kinds of evidence, both tying one weekday to one calendar day:

    * the same reporting verb with both: "X announced on Tuesday…" and "…announced on January 7";
    * a weekday written with its date: "on Tuesday, January 7".

    The year is the one the text gives, else the most recent year (not after ``today``) in which that
    day fell on that weekday, provided the text names no other year or names that one. The latest
    date so found is returned with the reason; ``None`` when there is no such evidence or when the
    pieces of evidence disagree on the year. Dates written with a year and a weekday that does not
    match count against (a typo or a different event: no guess).
    """
    if not text:
        return None
    today = today or dt.date.today()
    head = text[:50000]
    years_named = {int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", head)}
    found: list[tuple[dt.date, str]] = []

    def settle(month: int, day: int, year: int | None, weekday: int, why: str) -> bool:
        if year is not None:
            try:
                d = dt.date(year, month, day)
            except ValueError:
                return False
            if d.weekday() != weekday or d > today:
                return False
            found.append((d, f"{why}: {d.isoformat()} is a {calendar.day_name[weekday]}"))
            return True
        cands = _consistent_years(month, day, weekday, today)
        if not cands:
            return False
        if years_named:
            # a year the text names, or the year after the latest one (a report looking back)
            allowed = years_named | {max(years_named) + 1}
            named = [c for c in cands if c.year in allowed]
            if not named:
                return False  # the text speaks of other years: no confident guess
            d = named[0]
        else:
            d = cands[0]
        found.append((d, f"{why}: {calendar.day_name[weekday]} falls on {d.strftime('%B')} {d.day} in {d.year}"))
        return True

    for m in _WEEKDAY_DATE.finditer(head):
        got = _date_of(m)
        if got is None:
            continue
        if re.search(r"\b(?:will|next|upcoming|scheduled|planned|plans?|to be held|due|expected)\b",
                     head[max(0, m.start() - 60):m.start()], re.IGNORECASE):
            continue  # an announced future event, not the day of the report
        if not settle(got[0], got[1], got[2], WEEKDAYS[m["wd"].lower()], f"'{m.group(0)}'") and got[2] is not None:
            return None  # an explicit year that contradicts its weekday
    verb_weekdays: dict[str, set[int]] = {}
    for m in _VERB_WEEKDAY.finditer(head):
        verb_weekdays.setdefault(m["verb"].lower(), set()).add(WEEKDAYS[m["wd"].lower()])
    verb_dates = [(m, got) for m in _VERB_DATE.finditer(head) if (got := _date_of(m)) is not None]
    paired = False
    for m, got in verb_dates:
        wds = verb_weekdays.get(m["verb"].lower(), set())
        if len(wds) != 1:
            continue  # no weekday with this verb, or several: which one?
        wd = next(iter(wds))
        paired |= settle(got[0], got[1], got[2], wd, f"'{m.group(0)}' and '{m['verb']} on {calendar.day_name[wd]}'")
    # different verbs ("announced on January 7" … "said on Tuesday"): only when the text has one of each
    all_wds = set().union(*verb_weekdays.values()) if verb_weekdays else set()
    days = {(g[0], g[1], g[2]) for _, g in verb_dates}
    if not paired and len(all_wds) == 1 and len(days) == 1:
        (month, day, year), wd = next(iter(days)), next(iter(all_wds))
        settle(month, day, year, wd, f"'{verb_dates[0][0].group(0)}' and a statement on {calendar.day_name[wd]}")
    if not found:
        return None
    if len({d.year for d, _ in found}) > 1:
        return None
    return max(found, key=lambda t: t[0])


# --------------------------------------------------------------------------------------------------
# date phrases spaCy's small model does not tag as DATE

_FIND_PATTERNS = [
    # the 24 hours before the report
    r"(?:per|in\s+a|in\s+one|during\s+one|within\s+one|over\s+one)\s+day",
    r"(?:over|in|during|within|for)\s+(?:the\s+)?(?:past|last|previous)\s+(?:day|24\s+hours|twenty-four\s+hours|night)",
    r"(?:in|within|per)\s+24\s+hours", r"during\s+the\s+(?:day|night)", r"in\s+the\s+night",
    rf"(?:in|within)\s+(?:less\s+than\s+)?(?:{_NUM_RE}|\d+)\s+(?:days|hours)",
    r"last\s+night", r"this\s+night", r"overnight", r"at\s+night", r"tonight", r"night-?time",
    r"night(?=[\s-](?:time\s+)?(?:shelling|attack|strike|raid|bombardment|assault|drone|missile|shell)s?\b)",
    # the report's day
    r"today", r"yesterday", r"this\s+(?:morning|afternoon|evening)",
    r"in\s+the\s+(?:morning|afternoon|evening)",
    r"(?:since|from)\s+the\s+(?:beginning|start)\s+of\s+the\s+day", r"(?:over|during)\s+the\s+current\s+day",
    # running totals
    r"as\s+of\s+(?:today|now|this\s+morning)", r"to\s+date", r"so\s+far", r"thus\s+far",
    r"since\s+the\s+(?:very\s+)?(?:start|beginning|outbreak|first\s+days?)\s+of\s+(?:the\s+|russia'?s\s+|this\s+)?"
    r"(?:full[- ]scale\s+|large[- ]scale\s+|russian\s+|special\s+)*(?:war|invasion|aggression|military\s+operation|"
    r"operation|hostilities)",
    r"during\s+the\s+(?:whole\s+|entire\s+)?(?:full[- ]scale\s+|special\s+)*(?:war|invasion|military\s+operation)",
    r"(?:in|by|to)\s+(?:the|this)\s+(?:russian\s+|full[- ]scale\s+)*(?:war|invasion|aggression)(?!\s+(?:in|of)\s+\d)",
    r"in\s+war",
    # since a named day or month
    rf"since\s+(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:{_MONTH_RE})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
    r"(?:,?\s+(?:19|20)\d{2})?",
    # weekdays
    rf"(?:late\s+|early\s+)?on\s+(?:{_WEEKDAY_RE})(?:\s+(?:morning|afternoon|evening|night))?",
]
_FIND_RE = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in _FIND_PATTERNS) + r")(?![\w-])", re.IGNORECASE)


def find_date_phrases(text: str) -> list[tuple[int, int, str]]:
    """Date phrases of a sentence that the small spaCy model misses ("per day", "in a day", "night
    shelling", "since the beginning of the day", "as of today"), as (start, end, text) with character
    offsets, left to right, not overlapping. Pass each text to :func:`resolve`.
    """
    return [(m.start(), m.end(), m.group(0)) for m in _FIND_RE.finditer(text or "")]


def resolve_in_text(text: str, published: dt.date | None) -> list[tuple[int, int, ResolvedDate]]:
    """:func:`find_date_phrases` and :func:`resolve` together: the resolvable date phrases of a text."""
    out = []
    for start, end, phrase in find_date_phrases(text):
        r = resolve(phrase, published)
        if r is not None:
            out.append((start, end, r))
    return out
