"""Parties and sides in Russian and Ukrainian (normalize/parties_ru_uk.py, data/parties_{ru,uk}.json):
case forms, hostile words resolved from the claimant's side, claimants' sides. Phrases written for the tests."""

from __future__ import annotations

import pytest

from claimledger.errors import ConfigError
from claimledger.normalize.parties import language_tables
from claimledger.normalize.parties_ru_uk import (
    find_parties_ru_uk,
    hostile_party_ru_uk,
    party_of_ru_uk,
    side_of_claimant_ru_uk,
)


@pytest.mark.parametrize("text, lang, claimant_side, party", [
    ("гибель российских военных", "ru", None, "Russia"),
    ("потери ВСУ", "ru", None, "Ukraine"),
    ("уничтожены боевики", "ru", None, "Ukraine"),
    ("ликвидировано до 30 националистов", "ru", None, "Ukraine"),
    ("потери противника", "ru", None, "Ukraine"),          # Russian media: the enemy is Ukraine
    ("потери противника", "ru", "Ukraine", "Russia"),      # unless a Ukrainian claimant speaks
    ("знищено окупантів", "uk", None, "Russia"),
    ("втрати ворога", "uk", None, "Russia"),
    ("ліквідовано рашистів", "uk", None, "Russia"),
    ("ЗСУ знищили склад", "uk", None, "Ukraine"),
    ("бойовики ДНР", "uk", None, "DPR"),
    ("северокорейских солдат", "ru", None, "North Korea"),
    ("поранено двох цивільних", "uk", None, None),
])
def test_party_of(text: str, lang: str, claimant_side: str | None, party: str | None) -> None:
    assert party_of_ru_uk(text, lang, claimant_side) == party


def test_equipment_origin_words_are_skipped() -> None:
    assert party_of_ru_uk("подбиты американские танки ВСУ", "ru", equipment=True) == "Ukraine"
    assert party_of_ru_uk("американские танки", "ru") == "United States"


def test_hostile_words_and_mentions() -> None:
    assert hostile_party_ru_uk("ворогу", "uk") == "Russia"
    assert hostile_party_ru_uk("российских", "ru") is None
    mentions = find_parties_ru_uk("Окупанти атакували позиції ЗСУ", "uk")
    assert [(m.party, m.how) for m in mentions] == [("Russia", "hostile"), ("Ukraine", "nationality")]


@pytest.mark.parametrize("name, lang, side", [
    ("Генштаб ЗСУ", "uk", "Ukraine"),
    ("Генштабом ЗСУ", "uk", "Ukraine"),
    ("Міноборони", "uk", "Ukraine"),
    ("Минобороны", "ru", "Russia"),
    ("Минобороны России", "ru", "Russia"),
    ("Минобороны Украины", "ru", "Ukraine"),
    ("глава Харківської ОВА", "uk", "Ukraine"),
    ("Пушилин", "ru", "DPR"),
    ("губернатор Вячеслав Гладков", "ru", "Russia"),
    ("украинские военные", "ru", "Ukraine"),
    ("местные жители", "ru", None),
    (None, "ru", None),
])
def test_side_of_claimant(name: str | None, lang: str, side: str | None) -> None:
    assert side_of_claimant_ru_uk(name, lang) == side


def test_language_tables_loader() -> None:
    assert language_tables("uk")["default_enemy"] == "Russia"
    assert language_tables("ru")["default_enemy"] == "Ukraine"
    with pytest.raises(ConfigError, match="no parties table for language 'xx'"):
        language_tables("xx")
