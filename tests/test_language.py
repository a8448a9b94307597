"""Language identification (claimledger.nlp.language): supported languages pass with their code,
others are named; Russian and Ukrainian are told apart on short texts. Phrases are written for
these tests; the accuracy test reads the shared gold at run time."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claimledger.core import extract_documents
from claimledger.model import Document
from claimledger.nlp.language import (
    document_language,
    identify_language,
    language_name,
    normalize_language_code,
    unsupported_language_reason,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.mark.parametrize("text, code", [
    # English, headlines full of foreign names included
    ("Two soldiers were wounded in shelling of the town, officials said.", "en"),
    ("Zelensky: 3 killed in Kharkiv", "en"),
    ("Bakhmut", "en"),
    ("Gunmen kill four in Zacatecas village", "en"),
    ("Mariupol – Маріуполь: 12 tanks destroyed, army says", "en"),
    # Russian, with and without its own letters (ы э ъ ё)
    ("Погибли два человека", "ru"),
    ("Двое раненых после обстрела", "ru"),
    ("Минобороны сообщило об уничтожении склада", "ru"),
    ("В результате удара пострадали мирные жители", "ru"),
    # Ukrainian, with and without its own letters (і ї є ґ)
    ("Загинули дві людини", "uk"),
    ("Вибух у місті: двоє поранених", "uk"),
    ("Окупанти обстріляли село, є загиблі", "uk"),
    ("Ворог атакував дронами", "uk"),
    # the Cyrillic neighbours are told apart from Russian and Ukrainian
    ("Двама войници бяха убити при атака срещу поста", "bg"),
    ("Два салдаты загінулі падчас абстрэлу", "be"),
    ("Двојица војника погинула у нападу", "sr"),
    ("Екі сарбаз қаза тапты", "kk"),
    # other Latin-script languages need evidence beyond the model's guess
    ("Trois soldats tués dans une embuscade près de la frontière", "fr"),
    ("Zwei Zivilisten bei Beschuss verletzt", "de"),
    ("Ataque armado deja un muerto en el centro", "es"),
    ("Trzech żołnierzy zginęło w ataku na posterunek", "pl"),
    ("Drie soldaten gedood bij een aanval", "nl"),
    # other scripts
    ("قتل ثلاثة جنود في هجوم", "ar"),
    ("三名士兵在袭击中死亡", "zh"),
])
def test_identify_language(text: str, code: str) -> None:
    assert identify_language(text).code == code


@pytest.mark.parametrize("text, reason", [
    ("Les forces ont perdu deux cents soldats dans la région selon le ministère",
     "unsupported language (French; claimledger reads English, Russian and Ukrainian)"),
    ("Двама войници бяха убити при атака", "unsupported language (Bulgarian;"),
    ("قتل ثلاثة جنود في هجوم", "unsupported language (Arabic;"),
])
def test_unsupported_languages_are_named(text: str, reason: str) -> None:
    got = unsupported_language_reason(text)
    assert got is not None and got.startswith(reason)


@pytest.mark.parametrize("text", ["Погибли два человека", "Загинули дві людини", "Two were killed", "12 345 —"])
def test_supported_or_letterless_texts_have_no_language_problem(text: str) -> None:
    assert unsupported_language_reason(text) is None


def test_guess_carries_script_and_confidence() -> None:
    guess = identify_language("Загинули дві людини")
    assert (guess.code, guess.name, guess.script, guess.supported) == ("uk", "Ukrainian", "cyrillic", True)
    assert 0.0 < guess.confidence <= 1.0
    assert identify_language("12 345").script == "none"


@pytest.mark.parametrize("value, code", [
    ("ru-RU", "ru"), ("uk_UA", "uk"), ("UK", "uk"), ("Ukrainian", "uk"), ("english", "en"), ("", None),
    (None, None), ("klingon", None),
])
def test_normalize_language_code(value: str | None, code: str | None) -> None:
    assert normalize_language_code(value) == code


def test_language_names() -> None:
    assert [language_name(c) for c in ("en", "ru", "uk", None)] == ["English", "Russian", "Ukrainian", "unknown"]


@pytest.mark.parametrize("declared, text, code", [
    (None, "Загинули дві людини", "uk"),
    ("ru-RU", "Погибли два человека", "ru"),
    ("uk", "Погибли два человека", "uk"),       # a declared supported language is kept
    ("fr", "Погибли два человека", "ru"),       # an unsupported declaration is replaced by detection
])
def test_document_language(declared: str | None, text: str, code: str) -> None:
    assert document_language(declared, text) == code


def test_extraction_stores_the_language_on_each_document() -> None:
    docs = [Document(id="a", text="Погибли два человека", published="2024-03-01"),
            Document(id="b", text="Загинули дві людини", published="2024-03-01"),
            {"id": "c", "text": "Two soldiers were wounded.", "published": "2024-03-01"},
            {"id": "d", "text": "Trois soldats tués dans une embuscade près de la frontière"}]
    results = list(extract_documents(docs))
    assert [r.document.language if r.document else None for r in results] == ["ru", "uk", "en", None]
    assert results[3].error is not None and "unsupported language (French" in results[3].error.reason


def _gold_rows() -> list[dict[str, str]]:
    rows = []
    for path in sorted((SHARED / "eval" / "gold").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return rows


def test_accuracy_on_the_shared_gold() -> None:
    """Target of issue 13: ≥ 0.98 on the dev documents, Russian vs Ukrainian included (read from ../shared)."""
    rows = _gold_rows()
    if not rows:
        if os.environ.get("CI"):
            pytest.fail(f"shared gold not found under {SHARED}")
        pytest.skip("../shared gold not available")
    ru_uk = [r for r in rows if r.get("lang") in ("ru", "uk")]
    english = [r for r in rows if r.get("lang", "en") == "en"]
    assert len(ru_uk) >= 100 and len(english) >= 300

    def accuracy(docs: list[dict[str, str]]) -> float:
        return sum(identify_language(r["text"]).code == r.get("lang", "en") for r in docs) / len(docs)

    assert accuracy(ru_uk) >= 0.98
    assert accuracy(english) >= 0.98
