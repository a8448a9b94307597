"""Table-driven tests for normalize.quantities (the way dateparser tables its cases)."""

from __future__ import annotations

import pytest

from claimledger.normalize.quantities import find_quantities, parse_quantity, words_to_int

# (phrase, low, high, qualifier, text)
CASES = [
    ("13 soldiers", 13, 13, "exact", "13"),
    ("over 38,000", 38000, None, "at_least", "over 38,000"),
    ("more than 40 fighters", 40, None, "at_least", "more than 40"),
    ("at least three people", 3, None, "at_least", "at least three"),
    ("no fewer than 12", 12, None, "at_least", "no fewer than 12"),
    ("up to 30 people", None, 30, "at_most", "up to 30"),
    ("as many as 1,000 soldiers", None, 1000, "at_most", "as many as 1,000"),
    ("up to a battalion of infantry", None, None, "at_most", "up to a battalion"),
    ("about 45 people", 45, 45, "approx", "about 45"),
    ("approximately 15,000", 15000, 15000, "approx", "approximately 15,000"),
    ("almost 140 invaders", 140, 140, "approx", "almost 140"),
    ("nearly 9,200", 9200, 9200, "approx", "nearly 9,200"),
    ("an estimated 10,000 to 12,000 troops", 10000, 12000, "range", "an estimated 10,000 to 12,000"),
    ("from 13,000 to 14,000 people", 13000, 14000, "range", "from 13,000 to 14,000"),
    ("between 5 and 7 people", 5, 7, "range", "between 5 and 7"),
    ("15-20 soldiers", 15, 20, "range", "15-20"),
    ("four hundred and thirty children", 430, 430, "exact", "four hundred and thirty"),
    ("twenty-two wounded", 22, 22, "exact", "twenty-two"),
    ("one hundred and twenty-five", 125, 125, "exact", "one hundred and twenty-five"),
    ("a dozen civilians", 12, 12, "approx", "a dozen"),
    ("dozens of wounded", 12, None, "at_least", "dozens"),
    ("tens of soldiers", 10, None, "at_least", "tens"),
    ("hundreds of dead", 100, None, "at_least", "hundreds"),
    ("thousands of people", 1000, None, "at_least", "thousands"),
    ("tens of thousands", 10000, None, "at_least", "tens of thousands"),
    ("hundreds of thousands wounded", 100000, None, "at_least", "hundreds of thousands"),
    ("several tanks", 2, None, "at_least", "several"),
    ("a few drones", 2, None, "at_least", "a few"),
    ("several dozen sailors", 12, None, "at_least", "several dozen"),
    ("a few hundred recruits", 100, None, "at_least", "a few hundred"),
    ("several thousand troops", 1000, None, "at_least", "several thousand"),
    ("multiple casualties", 2, None, "at_least", "multiple"),
    ("a hundred or more civilians", 100, None, "at_least", "a hundred or more"),
    ("more than a thousand servicemen", 1000, None, "at_least", "more than a thousand"),
    ("50 or more", 50, None, "at_least", "50 or more"),
    ("10 thousand", 10000, 10000, "exact", "10 thousand"),
    ("some 300 troops", 300, 300, "approx", "some 300"),
]


@pytest.mark.parametrize("phrase,low,high,qualifier,text", CASES)
def test_parse_quantity(phrase: str, low: int | None, high: int | None, qualifier: str, text: str) -> None:
    q = parse_quantity(phrase)
    assert q is not None, phrase
    assert (q.low, q.high, q.qualifier) == (low, high, qualifier)
    assert q.text.lower() == text.lower()


@pytest.mark.parametrize("phrase", ["8th Separate Regiment", "K-52 helicopter", "the 2.5 billion", "no numbers here"])
def test_no_quantity(phrase: str) -> None:
    assert all(m.quantity.low != 8 and m.quantity.low != 52 for m in find_quantities(phrase))
    if phrase in ("no numbers here",):
        assert find_quantities(phrase) == []


@pytest.mark.parametrize("text,expected", [
    ("killed three and wounded eight civilians", [3, 8]),
    ("More than ten are wounded, five are in grave condition", [10, 5]),
    ("20 civilians killed, 22 wounded", [20, 22]),
])
def test_several_numbers_stay_apart(text: str, expected: list[int]) -> None:
    assert [m.quantity.low for m in find_quantities(text)] == expected


@pytest.mark.parametrize("s,n", [
    ("38,000", 38000), ("1 500", 1500), ("1.5 thousand", 1500), ("seven", 7), ("ninety-nine", 99),
    ("two thousand three hundred", 2300), ("a hundred", 100), ("twelve", 12), ("banana", None), ("", None),
])
def test_words_to_int(s: str, n: int | None) -> None:
    assert words_to_int(s) == n


def test_offsets_point_into_text() -> None:
    text = "Officials said over 1,200 soldiers and about 40 tanks were lost."
    for m in find_quantities(text):
        assert text[m.start:m.end] == m.quantity.text
