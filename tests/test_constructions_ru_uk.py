"""Russian and Ukrainian constructions (extraction/data/{ru,uk}/constructions/*.json): every construction's own
examples run through the whole extractor, the data files validate, and the claim record keeps the contract
(original words, offsets into the original text, English normalised values). Sentences written for these tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import claimledger
from claimledger.core import extract_documents
from claimledger.errors import ConfigError
from claimledger.model import Claim, Document

DATA = Path(claimledger.__file__).parent / "extraction" / "data"
LANGUAGES = ("ru", "uk")


def _constructions() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for lang in LANGUAGES:
        for path in sorted((DATA / lang / "constructions").glob("*.json")):
            for c in json.loads(path.read_text(encoding="utf-8"))["constructions"]:
                out.append((lang, c))
    return out


CONSTRUCTIONS = _constructions()


def _claims(text: str, lang: str, published: str = "2024-03-12") -> list[Claim]:
    [result] = list(extract_documents([Document(id="t", text=text, published=published, language=lang)]))
    assert result.error is None, result.error
    return result.claims


def _row(c: Claim) -> tuple[Any, ...]:
    return (c.kind, c.victim.party, c.quantity.low, c.quantity.high, c.quantity.qualifier)


def test_every_language_has_constructions_of_every_role() -> None:
    for lang in LANGUAGES:
        roles = {c["role"] for lang_, c in CONSTRUCTIONS if lang_ == lang}
        assert roles == {"claim", "gate"}, (lang, roles)


@pytest.mark.parametrize("lang, construction", CONSTRUCTIONS, ids=[f"{lg}-{c['name']}" for lg, c in CONSTRUCTIONS])
def test_construction_examples(lang: str, construction: dict[str, Any]) -> None:
    examples = construction["examples"]
    assert examples.get("positive") or examples.get("negative"), "a construction needs examples"
    for ex in examples.get("positive", []):
        got = [_row(c) for c in _claims(ex["text"], lang)]
        for want in ex["claims"]:
            assert tuple(want) in got, (ex["text"], want, got)
    for text in examples.get("negative", []):
        assert _claims(text, lang) == [], text


def test_record_keeps_the_original_text_and_normalises_to_english() -> None:
    text = "Вечером российские войска обстреляли город. В Херсоне ранены четыре мирных жителя, сообщил глава ОВА."
    [claim] = _claims(text, "ru")
    assert claim.kind == "wounded"
    assert (claim.quantity.low, claim.quantity.text) == (4, "четыре")
    assert claim.victim.text == "мирных жителя" and claim.victim.type == "civilian"
    assert text[claim.evidence.start:claim.evidence.end] == claim.evidence.text
    assert claim.location is not None and claim.location.admin1 == "Kherson Oblast"
    assert claim.claimant.name == "глава ОВА" and claim.claimant.side == "Ukraine"
    assert claim.stated_on == "2024-03-12"


def test_ukrainian_headline_source_side_and_party() -> None:
    [claim] = _claims("На Запорізькому напрямку знищено 12 окупантів – Генштаб", "uk")
    assert _row(claim) == ("casualties", "Russia", 12, 12, "exact")
    assert claim.claimant.name == "Генштаб" and claim.claimant.side == "Ukraine"
    assert claim.victim.type == "military"


def test_enemy_means_the_claimants_opponent() -> None:
    [claim] = _claims("Минобороны России: уничтожены два склада противника.", "ru")
    assert claim.victim.party == "Ukraine"
    assert claim.claimant.side == "Russia"


def test_a_model_name_with_its_number_is_equipment_of_its_family() -> None:
    [claim] = _claims("Российская авиация уничтожила украинский Су-27 под Винницей.", "ru")
    assert (claim.kind, claim.victim.party, claim.victim.item) == ("equipment_destroyed", "Ukraine", "aircraft")
    [claim] = _claims("Сили оборони знищили російський Ка-52 на півдні.", "uk")
    assert claim.victim.item == "helicopter"


def test_headline_and_body_name_one_depot_in_two_ways() -> None:
    text = "ЗСУ знищили склад БК окупантів на Запоріжжі.\nУкраїнські військові знищили склад із боєприпасами росіян."
    claims = _claims(text, "uk")
    assert [(c.kind, c.victim.item) for c in claims] == [("equipment_destroyed", "depot")]


def test_general_staff_tally_is_a_running_total() -> None:
    text = ("Загальні бойові втрати противника орієнтовно склали:\n"
            "особового складу – близько 250000 (+900) осіб\n"
            "танків – 4100 (+7)\n")
    claims = _claims(text, "uk", published="2024-03-12")
    rows = {c.kind: c for c in claims}
    assert rows["casualties"].quantity.low == 250000 and rows["casualties"].quantity.qualifier == "approx"
    assert rows["equipment_destroyed"].quantity.low == 4100
    assert rows["equipment_destroyed"].victim.party == "Russia"
    assert rows["equipment_destroyed"].event_time is not None
    assert rows["equipment_destroyed"].event_time.end == "2024-03-12"


def test_a_malformed_lexicon_is_refused_with_the_concept_named(tmp_path: Path, monkeypatch: Any) -> None:
    from claimledger.extraction import cyrillic

    folder = tmp_path / "xx"
    folder.mkdir()
    (folder / "lexicon.json").write_text(json.dumps({"language": "xx"}), encoding="utf-8")
    monkeypatch.setattr(cyrillic, "data_path", lambda lang, *parts: tmp_path.joinpath(lang, *parts))
    cyrillic.cyrillic_lexicon.cache_clear()
    with pytest.raises(ConfigError, match="triggers"):
        cyrillic.cyrillic_lexicon("xx")
    cyrillic.cyrillic_lexicon.cache_clear()
