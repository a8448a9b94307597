"""Table-driven tests of date resolution against a publication date (style of dateparser's own tests)."""

from __future__ import annotations

import datetime as dt

import pytest

from claimledger.model import EventTime
from claimledger.normalize.dates import (
    WAR_START,
    ResolvedDate,
    infer_published,
    parse_published,
    resolve,
    resolve_cumulative,
)

D = dt.date
WED = D(2025, 1, 8)  # a Wednesday
MON = D(2024, 3, 4)  # a Monday in a leap year
SUN = D(2022, 3, 6)  # a Sunday, early in the war

# (span, published, (start, end, precision))
DAY_ROWS = [
    # weekdays: most recent such day on or before publication
    ("Tuesday", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("on Tuesday", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("late on Monday", WED, (D(2025, 1, 6), D(2025, 1, 6), "day")),
    ("early on Monday", WED, (D(2025, 1, 6), D(2025, 1, 6), "day")),
    ("Wednesday", WED, (WED, WED, "day")),
    ("on Wednesday", WED, (WED, WED, "day")),
    ("Thursday", WED, (D(2025, 1, 2), D(2025, 1, 2), "day")),
    ("on Sunday", WED, (D(2025, 1, 5), D(2025, 1, 5), "day")),
    ("Monday night", WED, (D(2025, 1, 6), D(2025, 1, 6), "day")),
    ("on Monday morning", WED, (D(2025, 1, 6), D(2025, 1, 6), "day")),
    ("the night of Sunday", WED, (D(2025, 1, 5), D(2025, 1, 5), "day")),
    ("last Friday", WED, (D(2025, 1, 3), D(2025, 1, 3), "day")),
    ("last Wednesday", WED, (D(2025, 1, 1), D(2025, 1, 1), "day")),
    ("Saturday", SUN, (D(2022, 3, 5), D(2022, 3, 5), "day")),
    ("Sunday", SUN, (SUN, SUN, "day")),
    ("Friday", MON, (D(2024, 3, 1), D(2024, 3, 1), "day")),
    ("Tues.", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("Saturday and Sunday", WED, (D(2025, 1, 4), D(2025, 1, 5), "period")),
    # the publication day and the day before
    ("today", WED, (WED, WED, "day")),
    ("Today", WED, (WED, WED, "day")),
    ("this morning", WED, (WED, WED, "day")),
    ("this evening", WED, (WED, WED, "day")),
    ("tonight", WED, (WED, WED, "day")),
    ("earlier today", WED, (WED, WED, "day")),
    ("yesterday", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("yesterday evening", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("late yesterday", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("the day before yesterday", WED, (D(2025, 1, 6), D(2025, 1, 6), "day")),
    ("yesterday", D(2024, 3, 1), (D(2024, 2, 29), D(2024, 2, 29), "day")),
    # the 24 hours before the report
    ("this night", WED, (D(2025, 1, 7), WED, "day")),
    ("last night", WED, (D(2025, 1, 7), WED, "day")),
    ("overnight", WED, (D(2025, 1, 7), WED, "day")),
    ("in a day", WED, (D(2025, 1, 7), WED, "day")),
    ("per day", WED, (D(2025, 1, 7), WED, "day")),
    ("a day", WED, (D(2025, 1, 7), WED, "day")),
    ("in 24 hours", WED, (D(2025, 1, 7), WED, "day")),
    ("in less than 24 hours", WED, (D(2025, 1, 7), WED, "day")),
    ("in Three Days", WED, (D(2025, 1, 5), WED, "period")),
    ("within 48 hours", WED, (D(2025, 1, 6), WED, "period")),
    ("in 2 days", WED, (D(2025, 1, 6), WED, "period")),
    ("over the past day", WED, (D(2025, 1, 7), WED, "day")),
    ("over the past 24 hours", WED, (D(2025, 1, 7), WED, "day")),
    ("in the last 24 hours", WED, (D(2025, 1, 7), WED, "day")),
    ("within the past 24 hours", WED, (D(2025, 1, 7), WED, "day")),
    ("during the day", WED, (D(2025, 1, 7), WED, "day")),
    ("during the night", WED, (D(2025, 1, 7), WED, "day")),
    ("the past day", WED, (D(2025, 1, 7), WED, "day")),
    ("last night", D(2024, 1, 1), (D(2023, 12, 31), D(2024, 1, 1), "day")),
]

CALENDAR_ROWS = [
    # month + day without a year: most recent past year (≤ publication + 1 day)
    ("January 7", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("on January 7", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("January 8", WED, (WED, WED, "day")),
    ("January 9", WED, (D(2025, 1, 9), D(2025, 1, 9), "day")),  # +1 day tolerance
    ("January 10", WED, (D(2024, 1, 10), D(2024, 1, 10), "day")),
    ("on March 11", WED, (D(2024, 3, 11), D(2024, 3, 11), "day")),
    ("February 25", WED, (D(2024, 2, 25), D(2024, 2, 25), "day")),
    ("25 February", WED, (D(2024, 2, 25), D(2024, 2, 25), "day")),
    ("the 7th of January", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("Dec. 25", WED, (D(2024, 12, 25), D(2024, 12, 25), "day")),
    ("December 31", WED, (D(2024, 12, 31), D(2024, 12, 31), "day")),
    ("Tuesday, January 7", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("February 29", WED, (D(2024, 2, 29), D(2024, 2, 29), "day")),
    ("March 3", SUN, (D(2022, 3, 3), D(2022, 3, 3), "day")),
    # with a year
    ("January 7, 2025", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("7 January 2025", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("on February 24, 2022", WED, (WAR_START, WAR_START, "day")),
    ("2024-11-05", WED, (D(2024, 11, 5), D(2024, 11, 5), "day")),
    ("05.11.2024", WED, (D(2024, 11, 5), D(2024, 11, 5), "day")),
    # months
    ("in December", WED, (D(2024, 12, 1), D(2024, 12, 31), "month")),
    ("December", WED, (D(2024, 12, 1), D(2024, 12, 31), "month")),
    ("in January", WED, (D(2025, 1, 1), D(2025, 1, 31), "month")),
    ("in February", WED, (D(2024, 2, 1), D(2024, 2, 29), "month")),
    ("October 2024", WED, (D(2024, 10, 1), D(2024, 10, 31), "month")),
    ("in October 2024", WED, (D(2024, 10, 1), D(2024, 10, 31), "month")),
    ("Sept. 2023", WED, (D(2023, 9, 1), D(2023, 9, 30), "month")),
    # honest sub-ranges keep month precision
    ("early December", WED, (D(2024, 12, 1), D(2024, 12, 10), "month")),
    ("mid-December", WED, (D(2024, 12, 11), D(2024, 12, 20), "month")),
    ("late December", WED, (D(2024, 12, 21), D(2024, 12, 31), "month")),
    ("the end of December", WED, (D(2024, 12, 21), D(2024, 12, 31), "month")),
    ("early October 2024", WED, (D(2024, 10, 1), D(2024, 10, 10), "month")),
    # years
    ("2024", WED, (D(2024, 1, 1), D(2024, 12, 31), "year")),
    ("in 2023", WED, (D(2023, 1, 1), D(2023, 12, 31), "year")),
    ("the summer of 2023", WED, (D(2023, 6, 1), D(2023, 8, 31), "year")),
    ("seven or so years ago", WED, (D(2018, 1, 1), D(2018, 12, 31), "year")),
    ("two years ago", WED, (D(2023, 1, 1), D(2023, 12, 31), "year")),
    ("a year ago", WED, (D(2024, 1, 1), D(2024, 12, 31), "year")),
    ("last year", WED, (D(2024, 1, 1), D(2024, 12, 31), "year")),
    ("this year", WED, (D(2025, 1, 1), WED, "year")),
    # weeks and months relative to publication
    ("last week", WED, (D(2024, 12, 30), D(2025, 1, 5), "week")),
    ("last week", MON, (D(2024, 2, 26), D(2024, 3, 3), "week")),
    ("this week", WED, (D(2025, 1, 6), WED, "week")),
    ("over the past week", WED, (D(2025, 1, 1), WED, "week")),
    ("two weeks ago", WED, (D(2024, 12, 23), D(2024, 12, 29), "week")),
    ("last month", WED, (D(2024, 12, 1), D(2024, 12, 31), "month")),
    ("last month", MON, (D(2024, 2, 1), D(2024, 2, 29), "month")),
    ("this month", WED, (D(2025, 1, 1), WED, "month")),
    ("three months ago", WED, (D(2024, 10, 1), D(2024, 10, 31), "month")),
    ("three days ago", WED, (D(2025, 1, 5), D(2025, 1, 5), "day")),
    ("over the past five days", WED, (D(2025, 1, 3), WED, "period")),
    ("in the last two weeks", WED, (D(2024, 12, 25), WED, "period")),
    ("one hundred days ago", WED, (D(2024, 9, 30), D(2024, 9, 30), "day")),
    ("a hundred years ago", WED, (D(1925, 1, 1), D(1925, 12, 31), "year")),
    ("120 days ago", D(2022, 6, 24), (WAR_START, WAR_START, "day")),
    # times of day are the publication day
    ("15:56", WED, (WED, WED, "day")),
    ("4 am", WED, (WED, WED, "day")),
    ("at 6 p.m.", WED, (WED, WED, "day")),
    # an explicit date after a day word wins
    ("Today, January 7", WED, (D(2025, 1, 7), D(2025, 1, 7), "day")),
    # this year / last year spelled out
    ("February 24 this year", D(2022, 6, 2), (WAR_START, WAR_START, "day")),
    ("in July this year", D(2022, 12, 9), (D(2022, 7, 1), D(2022, 7, 31), "month")),
    ("in June last year", WED, (D(2024, 6, 1), D(2024, 6, 30), "month")),
    ("the beginning of this year", D(2022, 12, 13), (D(2022, 1, 1), D(2022, 4, 30), "year")),
    ("the end of last year", WED, (D(2024, 9, 1), D(2024, 12, 31), "year")),
    ("the end of the month", D(2024, 3, 28), (D(2024, 3, 21), D(2024, 3, 31), "month")),
    # day ranges, year ranges, decades
    ("June 23-24", WED, (D(2024, 6, 23), D(2024, 6, 24), "period")),
    ("on 3-5 January", WED, (D(2025, 1, 3), D(2025, 1, 5), "period")),
    ("1932-1933", WED, (D(1932, 1, 1), D(1933, 12, 31), "period")),
    ("the 1960s", WED, (D(1960, 1, 1), D(1969, 12, 31), "period")),
    ("last year's", WED, (D(2024, 1, 1), D(2024, 12, 31), "year")),
]

PERIOD_ROWS = [
    ("since August", WED, (D(2024, 8, 1), WED, "period")),
    ("since August 2024", WED, (D(2024, 8, 1), WED, "period")),
    ("since October 3", WED, (D(2024, 10, 3), WED, "period")),
    ("since January", WED, (D(2025, 1, 1), WED, "period")),
    ("since 2023", WED, (D(2023, 1, 1), WED, "period")),
    ("since Monday", WED, (D(2025, 1, 6), WED, "period")),
    ("since February 24", WED, (WAR_START, WED, "period")),
    ("since 24 February", WED, (WAR_START, WED, "period")),
    ("since February 24", SUN, (WAR_START, SUN, "period")),
    ("since the start of the invasion", WED, (WAR_START, WED, "period")),
    ("since the start of the full-scale war", WED, (WAR_START, WED, "period")),
    ("since the beginning of the full-scale invasion", WED, (WAR_START, WED, "period")),
    ("since the beginning of the special military operation", WED, (WAR_START, WED, "period")),
    ("during the operation", WED, (WAR_START, WED, "period")),
    ("to date", WED, (WAR_START, WED, "period")),
    ("as of today", WED, (WAR_START, WED, "period")),
    ("so far", WED, (WAR_START, WED, "period")),
    ("thus far", WED, (WAR_START, WED, "period")),
    ("from March 3 to March 7", WED, (D(2024, 3, 3), D(2024, 3, 7), "period")),
    ("between January 1 and January 5", WED, (D(2025, 1, 1), D(2025, 1, 5), "period")),
    ("from 3 to 7 March", WED, (D(2024, 3, 3), D(2024, 3, 7), "period")),
]

NONE_ROWS = [
    # too vague to place
    ("the other day", WED), ("recently", WED), ("over these years", WED), ("these days", WED),
    ("in recent months", WED), ("earlier", WED), ("now", WED), ("the past", WED),
    # durations are not dates
    ("five months", WED), ("three days", WED), ("126 days", WED), ("more than two years", WED),
    ("for three days", WED), ("two weeks", WED), ("a year and a half", WED), ("decades", WED),
    ("nearly 1,000 days", WED), ("the first 100 days", WED), ("months", WED),
    # no anchor without a publication date
    ("Tuesday", None), ("January 7", None), ("yesterday", None), ("since August", None), ("to date", None),
    # not a date; empty
    ("", WED), ("   ", WED), ("the Kursk operation", WED), ("during the Kursk operation", WED),
    # a future date in a past-tense report
    ("next week", WED), ("tomorrow", WED), ("tomorrow night", WED), ("next year", WED),
    # bare numbers and ordinals must not become dates; neither must durations in minutes
    ("11", WED), ("the 97th day", WED), ("in 10-20 years", WED), ("5 minutes", WED),
    ("16 minutes 19 seconds", WED), ("in previous days", WED), ("in previous years", WED),
    # the future is a plan, not an event
    ("2030", WED), ("by the end of 2030", WED), ("in December 2025", WED),
    # rates and "someday"
    ("one day", WED), ("every day", WED), ("for a day", WED), ("each day", WED),
    # before the war began there is no running total
    ("to date", D(2021, 12, 1)),
]


def _check(span: str, pub: dt.date | None, expected: tuple[dt.date, dt.date, str]) -> None:
    got = resolve(span, pub)
    assert got is not None, f"{span!r} on {pub} resolved to None"
    assert (got.start, got.end, got.precision) == expected, span
    assert got.text == span.strip()
    assert got.start <= got.end


@pytest.mark.parametrize(("span", "pub", "expected"), DAY_ROWS)
def test_day_words(span: str, pub: dt.date, expected: tuple[dt.date, dt.date, str]) -> None:
    _check(span, pub, expected)


@pytest.mark.parametrize(("span", "pub", "expected"), CALENDAR_ROWS)
def test_calendar_dates(span: str, pub: dt.date, expected: tuple[dt.date, dt.date, str]) -> None:
    _check(span, pub, expected)


@pytest.mark.parametrize(("span", "pub", "expected"), PERIOD_ROWS)
def test_periods(span: str, pub: dt.date, expected: tuple[dt.date, dt.date, str]) -> None:
    _check(span, pub, expected)


@pytest.mark.parametrize(("span", "pub"), NONE_ROWS)
def test_unresolvable(span: str, pub: dt.date | None) -> None:
    assert resolve(span, pub) is None


@pytest.mark.parametrize(("span", "expected"), [
    ("January 7, 2025", (D(2025, 1, 7), D(2025, 1, 7), "day")),
    ("October 2024", (D(2024, 10, 1), D(2024, 10, 31), "month")),
    ("2023", (D(2023, 1, 1), D(2023, 12, 31), "year")),
    ("on 2024-11-05", (D(2024, 11, 5), D(2024, 11, 5), "day")),
])
def test_absolute_dates_need_no_publication(span: str, expected: tuple[dt.date, dt.date, str]) -> None:
    _check(span, None, expected)


def test_weekday_is_never_after_publication() -> None:
    for offset in range(14):
        pub = D(2024, 6, 1) + dt.timedelta(days=offset)
        for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
            got = resolve(f"on {name}", pub)
            assert got is not None
            assert 0 <= (pub - got.start).days <= 6
            assert got.start.strftime("%A") == name


def test_to_event_time_is_iso() -> None:
    got = resolve("since August", WED)
    assert got is not None
    et = got.to_event_time()
    assert isinstance(et, EventTime)
    assert et.to_dict() == {"start": "2024-08-01", "end": "2025-01-08", "precision": "period"}


def test_resolved_date_is_frozen() -> None:
    got = resolve("today", WED)
    assert isinstance(got, ResolvedDate)
    with pytest.raises(AttributeError):
        got.start = D(2000, 1, 1)  # type: ignore[misc]


def test_resolve_cumulative() -> None:
    got = resolve_cumulative(WED)
    assert got is not None and (got.start, got.end, got.precision) == (WAR_START, WED, "period")
    assert resolve_cumulative(None) is None
    assert WAR_START == D(2022, 2, 24)


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-01-08", D(2025, 1, 8)),
    ("2025-01-08T10:00:00Z", D(2025, 1, 8)),
    ("2022-06-24T23:23:00Z", D(2022, 6, 24)),
    ("2025-01-08 10:00:00+02:00", D(2025, 1, 8)),
    ("Jan 8, 2025", D(2025, 1, 8)),
    ("January 8, 2025", D(2025, 1, 8)),
    ("8 January 2025", D(2025, 1, 8)),
    ("Wed, 08 Jan 2025 10:00:00 GMT", D(2025, 1, 8)),
    ("", None), (None, None), ("junk", None), ("2025-13-45", None), ("12", None), ("yesterday", None),
    ("x" * 500, None),
])
def test_parse_published(value: str | None, expected: dt.date | None) -> None:
    assert parse_published(value) == expected


TODAY = D(2026, 6, 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("Ukraine's special forces announced on January 7 that a unit had been hit. "
     "The command said on Tuesday that 13 soldiers were killed.", D(2025, 1, 7)),
    ("On Tuesday, January 7, the governor said three people died.", D(2025, 1, 7)),
    ("The ministry said on Friday, March 4, that a convoy was destroyed in 2022.", D(2022, 3, 4)),
    ("Officials reported on Monday, 6 January 2025, that two drones were shot down.", D(2025, 1, 6)),
    # the text looks back at last year: the year after the latest one named is allowed
    ("The offensive began in August 2024. The brigade announced on Tuesday that 40 soldiers died. "
     "The brigade announced on January 7 a new count.", D(2025, 1, 7)),
    # same verb pairs even when other weekdays are mentioned with other verbs
    ("The mayor said on Saturday that the shelling stopped. Officials reported on Monday that a depot burned. "
     "The mayor said on March 8 that 3 people died.", D(2025, 3, 8)),
])
def test_infer_published(text: str, expected: dt.date) -> None:
    got = infer_published(text, today=TODAY)
    assert got is not None
    assert got[0] == expected
    assert got[1]  # a reason is given


@pytest.mark.parametrize("text", [
    "",
    "The governor said on Tuesday that three people died.",  # a weekday alone
    "The report of January 7 counted 13 dead.",  # a date alone
    "On Wednesday, January 7, 2025, officials spoke.",  # the explicit date is a Tuesday: disagreement
    "The summit will be held on Thursday, March 24, leaders said.",  # a future event
    # two weekdays with one verb: which one goes with the date?
    "He said on Monday that it was calm. He said on Friday that 5 died. He said on March 8 that more died.",
    # the text names years that do not fit any Tuesday, January 7
    "In 2019 and 2021 the unit announced on Tuesday that 13 died; it announced on January 7 more losses.",
])
def test_infer_published_is_conservative(text: str) -> None:
    assert infer_published(text, today=TODAY) is None


# -- phrases the small spaCy model misses ---------------------------------------------------------------

SEP10 = D(2022, 9, 10)


@pytest.mark.parametrize(("text", "expected"), [
    ("Enemy losses per day amounted to 50 people, the militia reported.", [("per day", (D(2022, 9, 9), SEP10, "day"))]),
    ("Night shelling of Mykolaiv: two dead, three wounded", [("Night", (D(2022, 9, 9), SEP10, "day"))]),
    ("The enemy killed nine civilians in the region in a day", [("in a day", (D(2022, 9, 9), SEP10, "day"))]),
    ("Since the beginning of the day, 20 servicemen died in battles",
     [("Since the beginning of the day", (SEP10, SEP10, "day"))]),
    ("Over the current day, seven servicemen died", [("Over the current day", (SEP10, SEP10, "day"))]),
    ("As of today, we know of 430 children killed.", [("As of today", (WAR_START, SEP10, "period"))]),
    ("Strikes have killed 43 people since September 3 this week.", [("since September 3", (D(2022, 9, 3), SEP10, "period"))]),
    ("Since the start of the full-scale invasion, 9,000 defenders died.",
     [("Since the start of the full-scale invasion", (WAR_START, SEP10, "period"))]),
    ("A resident wounded in the morning during shelling dies", [("in the morning", (SEP10, SEP10, "day"))]),
    ("The governor said late on Monday that two drones were downed overnight.",
     [("late on Monday", (D(2022, 9, 5), D(2022, 9, 5), "day")), ("overnight", (D(2022, 9, 9), SEP10, "day"))]),
    ("Ukraine lost 9,000 defenders in war - ministry", [("in war", (WAR_START, SEP10, "period"))]),
    ("More than 600 children have fallen victim to this Russian invasion.",
     [("to this Russian invasion", (WAR_START, SEP10, "period"))]),
    ("Over the past 24 hours, 12 attacks were repelled.", [("Over the past 24 hours", (D(2022, 9, 9), SEP10, "day"))]),
    # nothing to find: a night club, a daylong meeting, "a day of mourning", "nightingale"
    ("A day of mourning was declared after the nightclub fire; the daylong meeting ended.", []),
])
def test_resolve_in_text(text: str, expected: list[tuple[str, tuple[dt.date, dt.date, str]]]) -> None:
    from claimledger.normalize.dates import resolve_in_text

    got = resolve_in_text(text, SEP10)
    assert [(text[a:b], (r.start, r.end, r.precision)) for a, b, r in got] == expected
