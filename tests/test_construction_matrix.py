"""The construction matrix (tests/construction_matrix.py) as a gate: recall and speaker attribution per construction
family may not fall below the floors pinned in tests/matrix_floors.json (raised as the extractor improves)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import construction_matrix as matrix

FLOORS = json.loads((Path(__file__).parent / "matrix_floors.json").read_text())["families"]


@pytest.fixture(scope="module")
def rows() -> dict[str, tuple[int, float, float, int]]:
    done = matrix.run()
    return {name: (n, rec, att, extra) for name, n, rec, att, extra in matrix.table(done, "family")}


def test_every_family_has_a_floor() -> None:
    families = set(matrix.FAMILIES) | set(matrix.FIXED)
    assert families == set(FLOORS), f"families without a floor: {families ^ set(FLOORS)}"


def test_every_kind_is_in_the_matrix() -> None:
    kinds = {c.kind for c in matrix.cells()} | {k for c in matrix.cells() for k, *_ in c.expected}
    assert kinds >= {"killed", "wounded", "casualties", "captured", "missing", "surrendered", "deployed",
                     "equipment_destroyed", "equipment_damaged", "equipment_captured"}


@pytest.mark.parametrize("family", sorted(FLOORS))
def test_family_recall_and_attribution(rows: dict[str, tuple[int, float, float, int]], family: str) -> None:
    n, rec, att, extra = rows[family]
    floor = FLOORS[family]
    assert rec >= floor["recall"], f"{family}: recall {rec:.3f} < {floor['recall']} over {n} cells"
    assert att >= floor["speaker"], f"{family}: speaker right {att:.3f} < {floor['speaker']}"
    assert extra <= floor["extra"], f"{family}: {extra} extra claims > {floor['extra']}"
