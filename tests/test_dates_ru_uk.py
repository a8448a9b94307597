"""Russian and Ukrainian date words resolved against the publication date (normalize/dates_ru_uk.py),
with the English conventions of normalize/dates.py. Phrases written for the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from claimledger.normalize.dates_ru_uk import find_date_phrases_ru_uk, resolve_in_text_ru_uk, resolve_ru_uk

PUB = dt.date(2024, 3, 6)  # a Wednesday
D = dt.date


@pytest.mark.parametrize("phrase, lang, start, end, precision", [
    ("сегодня", "ru", D(2024, 3, 6), D(2024, 3, 6), "day"),
    ("вчера", "ru", D(2024, 3, 5), D(2024, 3, 5), "day"),
    ("вчора", "uk", D(2024, 3, 5), D(2024, 3, 5), "day"),
    ("учора ввечері", "uk", D(2024, 3, 5), D(2024, 3, 5), "day"),
    ("позавчера", "ru", D(2024, 3, 4), D(2024, 3, 4), "day"),
    ("в понедельник", "ru", D(2024, 3, 4), D(2024, 3, 4), "day"),
    ("у понеділок", "uk", D(2024, 3, 4), D(2024, 3, 4), "day"),
    ("в среду", "ru", D(2024, 3, 6), D(2024, 3, 6), "day"),          # the publication weekday is the day itself
    ("в четверг", "ru", D(2024, 2, 29), D(2024, 2, 29), "day"),
    ("24 февраля", "ru", D(2024, 2, 24), D(2024, 2, 24), "day"),
    ("24 лютого", "uk", D(2024, 2, 24), D(2024, 2, 24), "day"),
    ("24 февраля 2022 года", "ru", D(2022, 2, 24), D(2022, 2, 24), "day"),
    ("12.01.2024", "ru", D(2024, 1, 12), D(2024, 1, 12), "day"),
    ("за сутки", "ru", D(2024, 3, 5), D(2024, 3, 6), "day"),
    ("за прошедшие сутки", "ru", D(2024, 3, 5), D(2024, 3, 6), "day"),
    ("за добу", "uk", D(2024, 3, 5), D(2024, 3, 6), "day"),
    ("минувшей ночью", "ru", D(2024, 3, 5), D(2024, 3, 6), "day"),
    ("минулої ночі", "uk", D(2024, 3, 5), D(2024, 3, 6), "day"),
    ("в ночь на понедельник", "ru", D(2024, 3, 3), D(2024, 3, 4), "day"),
    ("у ніч проти понеділка", "uk", D(2024, 3, 3), D(2024, 3, 4), "day"),
    ("в ночь с воскресенья на понедельник", "ru", D(2024, 3, 3), D(2024, 3, 4), "day"),
    ("у ніч на 5 березня", "uk", D(2024, 3, 4), D(2024, 3, 5), "day"),
    ("с начала войны", "ru", D(2022, 2, 24), PUB, "period"),
    ("за время СВО", "ru", D(2022, 2, 24), PUB, "period"),
    ("з початку повномасштабного вторгнення", "uk", D(2022, 2, 24), PUB, "period"),
    ("с 24 февраля", "ru", D(2022, 2, 24), PUB, "period"),          # no year: the war's start
    ("с 1 марта", "ru", D(2024, 3, 1), PUB, "period"),
    ("з 24.02.22 по 25.02.23", "uk", D(2022, 2, 24), D(2023, 2, 25), "period"),
    ("станом на 25 лютого", "uk", D(2022, 2, 24), D(2024, 2, 25), "period"),
    ("в феврале", "ru", D(2024, 2, 1), D(2024, 2, 29), "month"),
    ("у березні", "uk", D(2024, 3, 1), D(2024, 3, 31), "month"),
    ("в мае", "ru", D(2023, 5, 1), D(2023, 5, 31), "month"),          # the most recent May
    ("в марте 2023 года", "ru", D(2023, 3, 1), D(2023, 3, 31), "month"),
    ("в 2023 году", "ru", D(2023, 1, 1), D(2023, 12, 31), "year"),
    ("на прошлой неделе", "ru", D(2024, 2, 26), D(2024, 3, 3), "week"),
    ("минулого тижня", "uk", D(2024, 2, 26), D(2024, 3, 3), "week"),
    ("три дня назад", "ru", D(2024, 3, 3), D(2024, 3, 3), "day"),
    ("5 днів тому", "uk", D(2024, 3, 1), D(2024, 3, 1), "day"),
    ("за три дня", "ru", D(2024, 3, 3), PUB, "period"),
    ("за тиждень", "uk", D(2024, 2, 28), PUB, "period"),
])
def test_resolve(phrase: str, lang: str, start: dt.date, end: dt.date, precision: str) -> None:
    got = resolve_ru_uk(phrase, PUB, lang)
    assert got is not None, phrase
    assert (got.start, got.end, got.precision, got.text) == (start, end, precision, phrase)


@pytest.mark.parametrize("phrase, lang", [
    ("10 марта 2024 года", "ru"),  # after the report: a plan, not an event
    ("в скором времени", "ru"),
    ("", "uk"),
])
def test_unresolved(phrase: str, lang: str) -> None:
    assert resolve_ru_uk(phrase, PUB, lang) is None


def test_without_publication_only_dated_phrases_resolve() -> None:
    assert resolve_ru_uk("вчера", None, "ru") is None
    got = resolve_ru_uk("24 февраля 2022 года", None, "ru")
    assert got is not None and got.start == D(2022, 2, 24)


def test_find_and_resolve_in_text() -> None:
    text = "Вчера ракетный удар, а за сутки потери выросли. С начала СВО всё иначе."
    assert [p for _, _, p in find_date_phrases_ru_uk(text, "ru")] == ["Вчера", "за сутки", "С начала СВО"]
    found = resolve_in_text_ru_uk("У ніч на 5 березня ворог атакував", PUB, "uk")
    assert [(text_start, r.start, r.end) for text_start, _, r in found] == [(0, D(2024, 3, 4), D(2024, 3, 5))]
