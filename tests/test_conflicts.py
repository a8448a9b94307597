"""Table-driven tests of the conflicts table: dyads, opponents, war starts, theatres, the loader."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimledger.errors import ConfigError
from claimledger.normalize import conflicts, parties, places


@pytest.fixture(autouse=True)
def _fresh_tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CLAIMLEDGER_SIDES", raising=False)
    monkeypatch.delenv("CLAIMLEDGER_CONFLICTS", raising=False)
    parties.reset()
    yield
    parties.reset()


@pytest.mark.parametrize(("sides", "on", "expected"), [
    (["Russia", "Ukraine"], None, dt.date(2022, 2, 24)),
    (["Ukraine", "Russia"], None, dt.date(2022, 2, 24)),
    (["DPR", "Ukraine"], None, dt.date(2022, 2, 24)),
    (["DPR", "Ukraine"], "2016-05-01", dt.date(2014, 4, 6)),   # the war going on that day
    ("Sudan", None, dt.date(2023, 4, 15)),
    (["Sudan", "RSF"], None, dt.date(2023, 4, 15)),
    (["Israel", "Hamas"], None, dt.date(2023, 10, 7)),
    ("Israel", None, None),                                     # several wars, no other side named
    (["Ethiopia", "TPLF"], "2021-06-01", dt.date(2020, 11, 4)),
    (["Ethiopia", "TPLF"], None, None),                          # over
    (["Sudan", "Ukraine"], None, None),                          # no war between them
    ([], None, None),
])
def test_war_start(sides: list[str] | str, on: str | None, expected: dt.date | None) -> None:
    assert conflicts.war_start(sides, on=on) == expected


@pytest.mark.parametrize(("party", "mentioned", "on", "expected"), [
    ("Russia", None, None, ["Ukraine"]),
    ("Nigeria", None, None, ["Boko Haram", "Islamic State"]),
    ("Nigeria", {"Islamic State"}, None, ["Islamic State"]),
    ("Afghanistan", None, "2015-01-01", ["Taliban"]),
    ("Taliban", None, "2015-01-01", ["Afghanistan"]),
    ("Sudan", None, "2010-01-01", []),                           # the SAF-RSF war had not begun
])
def test_opponents(party: str, mentioned: set[str] | None, on: str | None, expected: list[str]) -> None:
    assert conflicts.opponents(party, mentioned=mentioned, on=on) == expected


def test_theatre_of_the_parties_named() -> None:
    t = conflicts.theatre(["Russia", "Ukraine"])
    assert "UA" in t.countries and "RU" in t.near and ("RU", "41") in t.front_admin1
    assert conflicts.theatre(["RSF"]).countries == frozenset({"SD"})
    assert conflicts.theatre([]).countries == frozenset()


@pytest.mark.parametrize(("text", "theatre"), [
    ("Russian drones hit Ukrainian power plants", {"UA"}),
    ("RSF fighters stormed a market", {"SD"}),
    ("Boko Haram attacked a village", {"NG"}),
    ("A storm hit the coast", set()),
])
def test_place_context_carries_the_theatre(text: str, theatre: set[str]) -> None:
    gaz = places.DefaultGazetteer(user_db=None)
    assert places.context_from_text(text, gazetteer=gaz).theatre == theatre


def _user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: object) -> None:
    path = tmp_path / "wars.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("CLAIMLEDGER_CONFLICTS", str(path))
    parties.reset()


GOOD = {"name": "Border war", "start": "2030-01-01", "end": None, "sides": [["Chad"], ["Sudan"]], "countries": ["TD"]}


def test_user_conflicts_are_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _user_file(tmp_path, monkeypatch, {"conflicts": [GOOD]})
    assert conflicts.war_start(["Chad", "Sudan"]) == dt.date(2030, 1, 1)
    assert parties.opponent("Sudan") is None   # now two main opponents


BAD_ROWS = [
    ({**GOOD, "start": "Jan 2030"}, "ISO date"),
    ({**GOOD, "end": "2029-01-01"}, "ends (2029-01-01) before it starts"),
    ({**GOOD, "sides": [["Chad"]]}, "two non-empty lists"),
    ({**GOOD, "sides": [["Chad"], ["Freedonia"]]}, "unknown party 'Freedonia'"),
    ({**GOOD, "countries": ["Chad"]}, "ISO-2 codes"),
    ({**GOOD, "calls": {"Chad": ["scoundrel"]}}, "unknown adversary word class"),
    ({**GOOD, "calls": {"Niger": ["enemy"]}}, "on neither side"),
    ({**GOOD, "sidse": []}, "unknown field(s) 'sidse'"),
    ({**GOOD, "main": "yes"}, "'main' must be true or false"),
]


@pytest.mark.parametrize(("entry", "message"), BAD_ROWS)
def test_malformed_conflict_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: dict[str, object],
                                        message: str) -> None:
    _user_file(tmp_path, monkeypatch, {"conflicts": [entry]})
    with pytest.raises(ConfigError) as exc:
        conflicts.conflicts()
    assert message in str(exc.value) and "wars.json" in str(exc.value)


def test_builtin_table_is_valid() -> None:
    table = conflicts.conflicts()
    assert len(table) > 40
    names = {p.name for p in parties.parties()}
    assert all(n in names for c in table for n in c.members())
