"""The one settings object: every variable it owns, the errors it gives, the hash it stamps, and
the two user tables (CLAIMLEDGER_LEXICON, CLAIMLEDGER_SIDES) doing what the README says."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import claimledger
from claimledger.config import Settings, config_hash, get_settings
from claimledger.errors import ConfigError
from claimledger.extraction import lexicon, pipeline
from claimledger.normalize import parties

SENTENCE = "Vogelsang said on Monday that 12 Russian soldiers were vaporized near the river."


@pytest.fixture
def fresh_tables() -> Iterator[None]:
    """The word tables and the extractor are built once per process: rebuild them around a test."""
    def reset() -> None:
        lexicon.get_lexicon.cache_clear()
        parties.reset()
        pipeline._extractor = None

    reset()
    yield
    reset()


@pytest.mark.parametrize(("var", "value", "field", "expected"), [
    ("CLAIMLEDGER_DB", "sqlite:///x.db", "db_url", "sqlite:///x.db"),
    ("CLAIMLEDGER_FETCH_TIMEOUT", "7.5", "fetch_timeout", 7.5),
    ("CLAIMLEDGER_FETCH_RETRIES", "0", "fetch_retries", 0),
    ("CLAIMLEDGER_ROBOTS_ON_ERROR", "allow", "robots_on_error", "allow"),
    ("CLAIMLEDGER_ALLOW_PRIVATE_URLS", "yes", "allow_private_urls", True),
    ("CLAIMLEDGER_COMPONENTS", " numbers_only, attributed_only ,", "components", ("numbers_only", "attributed_only")),
    ("CLAIMLEDGER_MIN_CONFIDENCE", "0.7", "min_confidence", 0.7),
    ("CLAIMLEDGER_BASE_URL", "https://ledger.example", "base_url", "https://ledger.example"),
    ("CLAIMLEDGER_DOC_TIME_BUDGET", "5", "doc_time_budget", 5.0),
    ("DEMO_SERVE", "0", "demo_serve", False),
    ("DEMO_PORT", "8123", "demo_port", 8123),
])
def test_variables_reach_the_settings(monkeypatch: pytest.MonkeyPatch, var: str, value: str, field: str,
                                      expected: object) -> None:
    monkeypatch.setenv(var, value)
    assert getattr(get_settings(), field) == expected


@pytest.mark.parametrize(("var", "value", "words"), [
    ("CLAIMLEDGER_FETCH_TIMEOUT", "soon", "CLAIMLEDGER_FETCH_TIMEOUT='soon'"),
    ("CLAIMLEDGER_ALLOW_PRIVATE_URLS", "maybe", "CLAIMLEDGER_ALLOW_PRIVATE_URLS"),
    ("CLAIMLEDGER_ROBOTS_ON_ERROR", "ignore", "one of skip, allow"),
    ("DEMO_PORT", "eighty", "DEMO_PORT"),
])
def test_bad_values_are_config_errors(monkeypatch: pytest.MonkeyPatch, var: str, value: str, words: str) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=words):
        Settings()


def test_config_hash_follows_every_content_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    base = config_hash()
    table = tmp_path / "sides.json"
    table.write_text(json.dumps({"claimant_sides": {"vogelsang": "Ukraine"}}), encoding="utf-8")
    monkeypatch.setenv("CLAIMLEDGER_SIDES", str(table))
    with_sides = config_hash()
    assert with_sides != base
    table.write_text(json.dumps({"claimant_sides": {"vogelsang": "Russia"}}), encoding="utf-8")
    assert config_hash() != with_sides  # same path, other words: another configuration
    monkeypatch.delenv("CLAIMLEDGER_SIDES")
    for var, value in (("CLAIMLEDGER_LEXICON", str(table)), ("CLAIMLEDGER_COMPONENTS", "numbers_only"),
                       ("CLAIMLEDGER_MIN_CONFIDENCE", "0.9"), ("CLAIMLEDGER_SPACY_MODEL", "other_model")):
        monkeypatch.setenv(var, value)
        assert config_hash() != base, var
        monkeypatch.delenv(var)
    assert config_hash() == base


def test_user_lexicon_adds_a_trigger(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_tables: None) -> None:
    assert not [c for c in claimledger.extract(SENTENCE, published="2024-03-07") if c.kind == "killed"]
    extra = tmp_path / "lexicon.json"
    extra.write_text(json.dumps({"en": {"kind_verbs": {"killed": ["vaporize"]}}}), encoding="utf-8")
    monkeypatch.setenv("CLAIMLEDGER_LEXICON", str(extra))
    lexicon.get_lexicon.cache_clear()
    pipeline._extractor = None
    killed = [c for c in claimledger.extract(SENTENCE, published="2024-03-07") if c.kind == "killed"]
    assert [(c.quantity.low, c.victim.party) for c in killed] == [(12, "Russia")]


def test_user_sides_table_names_a_claimant_side(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                fresh_tables: None) -> None:
    text = "Vogelsang said on Monday that 12 Russian soldiers were killed near the river."
    before = claimledger.extract(text, published="2024-03-07")
    assert before and before[0].claimant.side is None
    table = tmp_path / "sides.json"
    table.write_text(json.dumps({"claimant_sides": {"Vogelsang": "Ukraine"}}), encoding="utf-8")
    monkeypatch.setenv("CLAIMLEDGER_SIDES", str(table))
    parties.reset()
    pipeline._extractor = None
    after = claimledger.extract(text, published="2024-03-07")
    assert after and after[0].claimant.name == "Vogelsang" and after[0].claimant.side == "Ukraine"


def test_unreadable_user_tables_are_config_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  fresh_tables: None) -> None:
    monkeypatch.setenv("CLAIMLEDGER_LEXICON", str(tmp_path / "missing.json"))
    with pytest.raises(ConfigError, match="cannot read the user lexicon"):
        lexicon.get_lexicon()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("CLAIMLEDGER_SIDES", str(bad))
    with pytest.raises(ConfigError, match="cannot read the user sides table"):
        parties.tables()
