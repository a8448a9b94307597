"""Pluggable claim components: registration, configuration, order, errors."""

from __future__ import annotations

import pytest

import claimledger
from claimledger.errors import ConfigError
from claimledger.extraction.pipeline import get_extractor
from claimledger.extraction.registry import get_component, register_component, registered_components
from claimledger.model import Claim, Document

TEXT = ("Twelve soldiers were killed near the river, the army said. Civilians were wounded in the town.")


@pytest.fixture(autouse=True)
def _reset_components():  # type: ignore[no-untyped-def]
    yield
    get_extractor(components=[])


def test_builtins_are_registered() -> None:
    assert {"numbers_only", "min_confidence", "attributed_only"} <= set(registered_components())


def test_numbers_only_filters() -> None:
    assert len(claimledger.extract(TEXT, published="2023-01-01")) == 2
    get_extractor(components=["numbers_only"])
    got = claimledger.extract(TEXT, published="2023-01-01")
    assert [c.quantity.low for c in got] == [12]


def test_custom_component_runs_in_order() -> None:
    seen: list[str] = []

    @register_component("test_tag")
    def tag(doc: Document, claims: list[Claim]) -> list[Claim]:
        seen.append(doc.id)
        for c in claims:
            c.confidence = 0.01
        return claims

    get_extractor(components=["test_tag", "min_confidence"])
    assert claimledger.extract(TEXT, published="2023-01-01", doc_id="x1") == []
    assert seen == ["x1"]


def test_unknown_component_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown claim component 'nope'"):
        get_component("nope")
