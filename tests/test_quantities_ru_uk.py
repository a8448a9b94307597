"""Russian and Ukrainian quantities (normalize/quantities.py with lang="ru"/"uk"): digits with
grouping spaces, number words in every case form, ranges, qualifiers, vague and unit words and
the '+N' increase of a tally line. Phrases written for the tests."""

from __future__ import annotations

import pytest

from claimledger.normalize.quantities import find_quantities, parse_quantity

NBSP, THIN, NARROW = "\u00a0", "\u2009", "\u202f"


@pytest.mark.parametrize("text, lang, span, low, high, qualifier", [
    # digits, grouped with spaces of every kind
    ("погибли 12 человек", "ru", "12", 12, 12, "exact"),
    ("потери составили 38 000 человек", "ru", "38 000", 38000, 38000, "exact"),
    (f"потери: 38{NBSP}000", "ru", f"38{NBSP}000", 38000, 38000, "exact"),
    (f"втрати: 123{THIN}450", "uk", f"123{THIN}450", 123450, 123450, "exact"),
    (f"втрати: 1{NARROW}200{NARROW}000", "uk", f"1{NARROW}200{NARROW}000", 1200000, 1200000, "exact"),
    ("1,5 тыс. военных", "ru", "1,5 тыс", 1500, 1500, "exact"),
    ("2,3 тис. осіб", "uk", "2,3 тис", 2300, 2300, "exact"),
    # number words in their case forms
    ("гибель двух военнослужащих", "ru", "двух", 2, 2, "exact"),
    ("ранения получили пятеро", "ru", "пятеро", 5, 5, "exact"),
    ("эвакуировали пятерых", "ru", "пятерых", 5, 5, "exact"),
    ("ранены трое мирных жителей", "ru", "трое", 3, 3, "exact"),
    ("загибель трьох військових", "uk", "трьох", 3, 3, "exact"),
    ("поранено п'ятьох", "uk", "п'ятьох", 5, 5, "exact"),
    ("поранено п’ятеро", "uk", "п’ятеро", 5, 5, "exact"),
    ("двоє загиблих", "uk", "двоє", 2, 2, "exact"),
    ("двести тридцать пять раненых", "ru", "двести тридцать пять", 235, 235, "exact"),
    ("двадцять одна людина", "uk", "двадцять одна", 21, 21, "exact"),
    ("три тысячи двести солдат", "ru", "три тысячи двести", 3200, 3200, "exact"),
    ("полторы тысячи бойцов", "ru", "полторы тысячи", 1500, 1500, "exact"),
    ("півтори тисячі бійців", "uk", "півтори тисячі", 1500, 1500, "exact"),
    # qualifiers (the contract's conventions)
    ("около 300 человек", "ru", "около 300", 300, 300, "approx"),
    ("примерно сорок солдат", "ru", "примерно сорок", 40, 40, "approx"),
    ("близько 300 осіб", "uk", "близько 300", 300, 300, "approx"),
    ("приблизно двісті", "uk", "приблизно двісті", 200, 200, "approx"),
    ("более 38 000", "ru", "более 38 000", 38000, None, "at_least"),
    ("не менее десяти", "ru", "не менее десяти", 10, None, "at_least"),
    ("понад 2 тисячі", "uk", "понад 2 тисячі", 2000, None, "at_least"),
    ("більше 50 окупантів", "uk", "більше 50", 50, None, "at_least"),
    ("щонайменше 1 людина", "uk", "щонайменше 1", 1, None, "at_least"),
    ("300 с лишним", "ru", "300 с лишним", 300, None, "at_least"),
    ("до 15 окупантів", "uk", "до 15", None, 15, "at_most"),
    ("до 1000 военных", "ru", "до 1000", None, 1000, "at_most"),
    # ranges
    ("от 10 до 15 человек", "ru", "от 10 до 15", 10, 15, "range"),
    ("від 20 до 30 осіб", "uk", "від 20 до 30", 20, 30, "range"),
    ("10–12 тысяч", "ru", "10–12 тысяч", 10000, 12000, "range"),
    ("двое или трое", "ru", "двое или трое", 2, 3, "range"),
    # vague words (ACLED conventions of the contract)
    ("десятки погибших", "ru", "десятки", 10, None, "at_least"),
    ("сотни раненых", "ru", "сотни", 100, None, "at_least"),
    ("сотні загиблих", "uk", "сотні", 100, None, "at_least"),
    ("тысячи военных", "ru", "тысячи", 1000, None, "at_least"),
    ("тисячі окупантів", "uk", "тисячі", 1000, None, "at_least"),
    ("десятки тысяч", "ru", "десятки тысяч", 10000, None, "at_least"),
    ("несколько десятков", "ru", "несколько десятков", 10, None, "at_least"),
    ("кілька поранених", "uk", "кілька", 2, None, "at_least"),
    ("около десятка", "ru", "около десятка", 10, 10, "approx"),
    ("багато загиблих", "uk", "багато", None, None, "unspecified"),
    ("многие погибли", "ru", "многие", None, None, "unspecified"),
])
def test_find_quantities(text: str, lang: str, span: str, low: int | None, high: int | None, qualifier: str) -> None:
    found = find_quantities(text, lang)
    assert found, text
    q = found[0]
    assert (text[q.start:q.end], q.quantity.low, q.quantity.high, q.quantity.qualifier) == (span, low, high, qualifier)
    assert q.quantity.text == span


@pytest.mark.parametrize("text, lang, span, qualifier", [
    ("до батальона", "ru", "до батальона", "at_most"),
    ("около роты", "ru", "около роты", "approx"),
    ("до роти", "uk", "до роти", "at_most"),
    ("два батальона", "ru", "два батальона", "exact"),
])
def test_unit_words_keep_null_numbers(text: str, lang: str, span: str, qualifier: str) -> None:
    [q] = find_quantities(text, lang)
    assert q.is_unit and (q.quantity.low, q.quantity.high) == (None, None)
    assert (q.quantity.text, q.quantity.qualifier) == (span, qualifier)


def test_tally_line_increase() -> None:
    line = "особового складу – близько 123 450 (+1 230) осіб, танків – 8 900 (+12)"
    found = find_quantities(line, "uk")
    assert [(line[q.start:q.end], q.quantity.low, q.quantity.qualifier, q.increase) for q in found] == [
        ("близько 123 450", 123450, "approx", 1230), ("8 900", 8900, "exact", 12)]


@pytest.mark.parametrize("text, lang", [
    ("24.02.2022 начались бои", "ru"),   # a date
    ("о 10:30 пролунали вибухи", "uk"),   # a time
    ("без потерь", "ru"),
])
def test_no_quantity(text: str, lang: str) -> None:
    assert find_quantities(text, lang) == []


def test_parse_quantity_takes_a_language_and_english_is_unchanged() -> None:
    q = parse_quantity("около 300", "ru")
    assert q is not None and (q.low, q.high, q.qualifier) == (300, 300, "approx")
    q = parse_quantity("over 38,000")
    assert q is not None and (q.low, q.high, q.qualifier) == (38000, None, "at_least")
