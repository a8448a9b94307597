"""Russian and Ukrainian place names to GeoNames entries (normalize/places_ru_uk.py): case forms,
oblast adjectives and '-щина' nouns, fronts and districts, context. Phrases written for the tests."""

from __future__ import annotations

import pytest

from claimledger.normalize.places import PlaceContext
from claimledger.normalize.places_ru_uk import (
    context_from_text_ru_uk,
    find_place_spans,
    geocode_ru_uk,
    place_keys,
)


@pytest.mark.parametrize("phrase, lang, name, country, admin1, precision", [
    ("в Покровске", "ru", "Покровске", "UA", "Donetsk Oblast", "point"),
    ("у Покровську", "uk", "Покровську", "UA", "Donetsk Oblast", "point"),
    ("Покровск", "ru", "Покровск", "UA", "Donetsk Oblast", "point"),
    ("в Новой Каховке", "ru", "Новой Каховке", "UA", "Kherson Oblast", "point"),
    ("у Новій Каховці", "uk", "Новій Каховці", "UA", "Kherson Oblast", "point"),
    ("в Артемовске", "ru", "Артемовске", "UA", "Donetsk Oblast", "point"),       # an old name
    ("біля Куп'янська", "uk", "Куп'янська", "UA", "Kharkiv Oblast", "point"),
    ("у Кривому Розі", "uk", "Кривому Розі", "UA", "Dnipropetrovsk Oblast", "point"),  # an alias in the data
    ("в районе Авдеевки", "ru", "Авдеевки", "UA", "Donetsk Oblast", "point"),
    ("в Белгороде", "ru", "Белгороде", "RU", "Belgorod Oblast", "point"),
    ("Херсонская область", "ru", "Херсонская область", "UA", "Kherson Oblast", "admin1"),
    ("в Херсонской области", "ru", "Херсонской области", "UA", "Kherson Oblast", "admin1"),
    ("на Херсонщине", "ru", "Херсонщине", "UA", "Kherson Oblast", "admin1"),
    ("на Херсонщині", "uk", "Херсонщині", "UA", "Kherson Oblast", "admin1"),
    ("у Бєлгородській області", "uk", "Бєлгородській області", "RU", "Belgorod Oblast", "admin1"),
    ("в Крыму", "ru", "Крыму", "UA", "Crimea", "admin1"),
    ("в России", "ru", "России", "RU", None, "country"),
    ("Донбасс", "ru", "Донбасс", "UA", "Donetsk Oblast", "region"),
    ("Покровское направление", "ru", "Покровское направление", "UA", "Donetsk Oblast", "region"),
    ("на Покровському напрямку", "uk", "Покровському напрямку", "UA", "Donetsk Oblast", "region"),
    ("Покровский район", "ru", "Покровский район", "UA", "Donetsk Oblast", "admin2"),
    ("Покровск Донецкой области", "ru", "Покровск Донецкой области", "UA", "Donetsk Oblast", "point"),
])
def test_geocode(phrase: str, lang: str, name: str, country: str, admin1: str | None, precision: str) -> None:
    loc = geocode_ru_uk(phrase, lang)
    assert loc is not None
    assert (loc.name, loc.country, loc.admin1, loc.precision) == (name, country, admin1, precision)
    assert (loc.lat is not None) == (precision == "point")


def test_one_place_in_three_spellings() -> None:
    from claimledger.normalize.places import geocode

    ru, uk, en = geocode_ru_uk("в Покровске", "ru"), geocode_ru_uk("у Покровську", "uk"), geocode("Pokrovsk")
    assert ru is not None and uk is not None and en is not None
    assert (ru.lat, ru.lon) == (uk.lat, uk.lon) == (en.lat, en.lon)


def test_unknown_place_keeps_its_name_and_the_context() -> None:
    loc = geocode_ru_uk("в селе Небывалое-Тестовое", "ru", PlaceContext(countries={"UA"}, admin1={"Kharkiv Oblast"}))
    assert loc is not None
    assert (loc.name, loc.lat, loc.country, loc.admin1) == ("Небывалое-Тестовое", None, "UA", "Kharkiv Oblast")


def test_place_keys_are_lemmatised() -> None:
    assert place_keys(["Новой", "Каховке"], "ru")[0] == "новая каховка"
    assert "покровск" in place_keys(["Покровске"], "ru")


def test_context_from_text() -> None:
    ctx = context_from_text_ru_uk("Обстрел Белгородской области и Херсонщины", "ru")
    assert ctx.admin1 == {"Belgorod Oblast", "Kherson Oblast"} and ctx.countries == {"RU", "UA"}


def test_find_place_spans() -> None:
    words = "У Новій Каховці та на Херсонщині загинули двоє , а в Херсонській області поранено . Перемога".split()
    assert find_place_spans(words, "uk") == [(1, 3, "point"), (5, 6, "admin1"), (11, 13, "admin1")]
