"""Exports stream every row and carry dataset version, claimledger version and config hash."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from tests.conftest import make_claim

from claimledger import __version__
from claimledger.cli import main
from claimledger.export import build_filters, export, provenance
from claimledger.export.crosswalk import acled_row, priogrid_gid, ucdp_row
from claimledger.model import Document
from claimledger.reconcile import reconcile
from claimledger.store import Ledger
from claimledger.store.repo import store_document

N_DOCS = 30


def fill(ledger: Ledger) -> None:
    for i in range(N_DOCS):
        store_document(ledger.db, Document(id=f"d{i}", text=f"Report {i}: soldiers killed near Pokrovsk.",
                                           published=f"2025-01-{1 + i % 28:02d}", source="Kyiv Daily",
                                           url=f"https://kyiv.example/{i}"),
                       [make_claim(low=10 + i, high=10 + i, place="Pokrovsk", admin1="Donetsk Oblast", lat=48.28,
                                   lon=37.18, start=f"2025-01-{1 + i % 28:02d}", means=["artillery"]),
                        make_claim(low=3, high=3, party="Ukraine", side="Russia", place="Kupiansk",
                                   admin1="Kharkiv Oblast", lat=49.71, lon=37.61, perpetrator="Russia",
                                   start=f"2025-01-{1 + i % 28:02d}")])
    reconcile(ledger)


@pytest.fixture
def filled(ledger: Ledger) -> Ledger:
    fill(ledger)
    return ledger


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson", "parquet", "table"])
def test_claim_exports_stream_everything_with_provenance(filled: Ledger, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"claims.{fmt}"
    n = export(filled, "claims", [], fmt, str(out))
    assert n == 2 * N_DOCS
    meta = json.loads(Path(f"{out}.meta.json").read_text())
    assert meta["claimledger_version"] == __version__ and meta["rows"] == n
    assert meta["dataset_version"] == filled.dataset_version() and len(meta["config_hash"]) == 16
    if fmt == "jsonl":
        rows = [json.loads(x) for x in out.read_text().splitlines()]
        assert {r["kind"] for r in rows} == {"killed"} and all("evidence" in r for r in rows)
        assert {(r["perpetrator"] or {}).get("party") for r in rows} == {"Russia", None}  # round trip
    elif fmt == "csv":
        with out.open(newline="", encoding="utf-8") as fh:  # plain RFC 4180: the header comes first
            rows = list(csv.DictReader(fh))
        assert len(rows) == n and rows[0]["means"] in ("artillery", "") and rows[0]["location_precision"]
        assert {r["perpetrator_party"] for r in rows} == {"Russia", ""}
    elif fmt == "geojson":
        gj = json.loads(out.read_text())
        assert gj["properties"]["config_hash"] == meta["config_hash"] and len(gj["features"]) == n
        assert gj["features"][0]["geometry"]["type"] == "Point"
    elif fmt == "parquet":
        t = pq.read_table(out)
        assert t.num_rows == n
        md = t.schema.metadata
        assert md[b"claimledger.dataset_version"].decode() == meta["dataset_version"]
        assert md[b"claimledger.claimledger_version"].decode() == __version__
    else:
        assert "Pokrovsk" in out.read_text()


def test_filters_from_flags(filled: Ledger) -> None:
    f = build_filters(party=["Ukraine"], bbox=(37, 49, 38, 50), min_quantity=3)
    assert filled.query("claims", f).total == N_DOCS
    assert filled.query("claims", build_filters(since="2025-01-27", until="2025-01-28")).total == 2 * 2


def test_acled_and_ucdp_crosswalks(filled: Ledger) -> None:
    events = list(filled.iter_rows("events"))
    assert events
    pok = next(e for e in events if e["place"] == "Pokrovsk")
    a = acled_row(pok)
    assert a["event_type"] == "Explosions/Remote violence" and a["sub_event_type"].startswith("Shelling")
    assert a["fatalities"] == pok["deaths"]["low"] and a["country"] == "Ukraine" and a["geo_precision"] == 1
    # only Kyiv speaks, and names no perpetrator: actor1 stays empty, never the claimant's side
    assert a["actor2"] == "Military Forces of Russia" and a["actor1"] == "" and a["inter1"] == 0
    assert "perpetrator not named" in a["notes"]
    kup = next(e for e in events if e["place"] == "Kupiansk")
    assert (acled_row(kup)["actor1"], acled_row(kup)["actor2"]) == ("Military Forces of Russia", "Military Forces of Ukraine")
    u = ucdp_row(pok)
    assert (u["best"], u["low"], u["high"]) == (pok["deaths"]["best"], pok["deaths"]["low"], pok["deaths"]["high"])
    assert u["deaths_b"] == pok["summary"]["deaths"]["Russia"]["best"] and u["country_id"] == 369
    assert (u["side_a"], u["side_b"], u["type_of_violence"]) == ("", "Government of Russia", 1)
    assert u["priogrid_gid"] == priogrid_gid(48.28, 37.18) and u["where_prec"] == 1


@pytest.mark.parametrize(("lat", "lon", "gid"), [(-89.9, -179.9, 1), (-89.9, 179.9, 720), (0.1, 0.1, 180 * 720 + 361)])
def test_priogrid(lat: float, lon: float, gid: int) -> None:
    assert priogrid_gid(lat, lon) == gid


@pytest.mark.parametrize("style", ["acled", "ucdp"])
def test_cli_export(tmp_path: Path, style: str) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    filled = Ledger.open(url)
    fill(filled)
    out = tmp_path / f"{style}.csv"
    res = CliRunner().invoke(main, ["export", "--format", style, "--db", url, "-o", str(out)])
    assert res.exit_code == 0, res.output
    lines = out.read_text().splitlines()
    assert lines[0].split(",")[0] == ("event_id_cnty" if style == "acled" else "id")
    assert len(lines) == 1 + filled.query("events").total  # type: ignore[operator]
    assert provenance(filled)["config_hash"] == json.loads(Path(f"{out}.meta.json").read_text())["config_hash"]


@pytest.mark.parametrize(("args", "expected"), [
    (["claims", "--format", "jsonl", "--party", "Ukraine"], N_DOCS),
    (["claims", "--format", "jsonl", "--bbox", "37,48,37.5,48.5", "--min-quantity", "30"], N_DOCS - 20),
    (["claims", "--format", "jsonl", "--since", "2025-01-27", "--kind", "killed"], 2 * 2),
    (["claims", "--format", "jsonl", "--admin1", "Kharkiv Oblast", "--side", "Russia"], N_DOCS),
    (["claims", "--format", "jsonl", "--place", "kupiansk", "--precision", "point"], N_DOCS),
    (["events", "--format", "jsonl", "--party", "Russia"], None),
    (["claims", "--format", "jsonl", "--perpetrator", "Russia"], N_DOCS),
    (["claims", "--format", "jsonl", "--perpetrator", "Russia", "--perpetrator", "Ukraine"], N_DOCS),
    (["claims", "--format", "jsonl", "--perpetrator", "Ukraine"], 0),
])
def test_cli_query_flags(tmp_path: Path, args: list[str], expected: int | None) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    led = Ledger.open(url)
    fill(led)
    res = CliRunner().invoke(main, [*args, "--db", url])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    if expected is None:
        expected = led.query("events", build_filters(party=["Russia"], table="events")).total
        assert expected
    assert len(rows) == expected


def test_cli_geojson_and_parquet_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    fill(Ledger.open(url))
    for fmt in ("geojson", "parquet", "csv"):
        out = tmp_path / f"events.{fmt}"
        res = CliRunner().invoke(main, ["events", "--db", url, "--format", fmt, "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert json.loads(Path(f"{out}.meta.json").read_text())["rows"] >= 2


# --- crosswalk rules, one written example each ------------------------------------------------------
ACTORS = {"Russia": {"kind": "state", "iso2": "RU", "acled": "Military Forces of Russia (2000-)"},
          "Ukraine": {"kind": "state", "iso2": "UA", "acled": "Military Forces of Ukraine (2019-)"},
          "Nigeria": {"kind": "state", "iso2": "NG", "acled": "Military Forces of Nigeria (2023-)"},
          "Boko Haram": {"kind": "armed_group", "iso2": "NG", "acled": None},
          "Islamic State": {"kind": "armed_group", "iso2": None, "acled": None},
          "Taliban": {"kind": "armed_group", "iso2": "AF", "acled": None}}


def claim_row(party: str | None, perpetrator: str | None, victim_type: str = "military", side: str | None = None,
              claimant: str | None = None, low: int = 3, kind: str = "killed") -> dict[str, object]:
    return {"claimant": claimant, "side": side, "stance": "asserted", "kind": kind, "party": party,
            "victim_type": victim_type, "perpetrator": perpetrator, "means": [],
            "quantity": {"low": low, "high": low, "qualifier": "exact"}}


def event(*claims: dict[str, object], country: str = "UA") -> dict[str, object]:
    return {"id": 7, "country": country, "date_start": "2025-03-01", "date_end": "2025-03-01", "precision": "point",
            "place": "Riverton", "deaths": {"low": 3, "best": 3, "high": 3},
            "summary": {"claims": list(claims), "deaths": {}}}


def test_actor1_is_the_perpetrator_not_the_claimant() -> None:
    # a Ukrainian governor: "three civilians were killed when Russian artillery shelled the city"
    e = event(claim_row(None, "Russia", "civilian", side="Ukraine", claimant="Regional governor"))
    a = acled_row(e, ACTORS)
    assert (a["actor1"], a["inter1"]) == ("Military Forces of Russia (2000-)", 8)  # a foreign force in Ukraine
    assert (a["actor2"], a["inter2"], a["interaction"]) == ("Civilians (Ukraine)", 7, 78)
    assert a["civilian_targeting"] == "Civilian targeting"
    assert "Regional governor (Ukraine) asserted: 3 civilian killed by Russia" in a["notes"]
    u = ucdp_row(e, ACTORS)
    assert (u["side_a"], u["side_b"], u["type_of_violence"]) == ("Government of Russia", "Civilians", 3)


def test_a_group_that_attacks_state_forces() -> None:
    # "fighters of the group killed three soldiers at a checkpoint"
    e = event(claim_row("Nigeria", "Boko Haram"), country="NG")
    a = acled_row(e, ACTORS)
    assert (a["actor1"], a["inter1"], a["actor2"], a["inter2"]) == (
        "Boko Haram", 2, "Military Forces of Nigeria (2023-)", 1)
    assert a["interaction"] == 12  # ACLED writes the lower code first
    u = ucdp_row(e, ACTORS)
    assert (u["side_a"], u["side_b"], u["type_of_violence"]) == ("Boko Haram", "Government of Nigeria", 1)


def test_two_groups_are_non_state_violence() -> None:
    e = event(claim_row("Taliban", "Islamic State"), country="AF")
    u = ucdp_row(e, ACTORS)
    assert (u["side_a"], u["side_b"], u["type_of_violence"]) == ("Islamic State", "Taliban", 2)
    assert acled_row(e, ACTORS)["interaction"] == 22


def test_the_same_party_is_never_on_both_sides() -> None:
    # "our air defences shot down five drones" (Ukraine) beside two reports of Ukrainian losses there
    e = event(claim_row("Russia", "Ukraine", "equipment", kind="equipment_destroyed", side="Ukraine"),
              claim_row("Ukraine", None, side="Ukraine"), claim_row("Ukraine", None, side="Ukraine"))
    a = acled_row(e, ACTORS)
    assert a["actor1"] == "Military Forces of Ukraine (2019-)" and a["actor2"] == "Military Forces of Russia (2000-)"


def test_fratricide_only_when_the_text_says_so() -> None:
    # "the brigade's own shell fell short and killed two of its soldiers"
    e = event(claim_row("Ukraine", "Ukraine", side="Ukraine"))
    a = acled_row(e, ACTORS)
    assert a["actor1"] == a["actor2"] == "Military Forces of Ukraine (2019-)"


def test_an_unknown_perpetrator_is_left_empty_with_a_note() -> None:
    # "Russia lost 40 soldiers", said by Kyiv: who killed them is not said, and Kyiv is not guessed
    e = event(claim_row("Russia", None, side="Ukraine", claimant="General Staff"))
    a = acled_row(e, ACTORS)
    assert (a["actor1"], a["inter1"], a["interaction"]) == ("", 0, 80)  # ACLED's "sole" action code
    assert a["actor2"] == "Military Forces of Russia (2000-)" and "perpetrator not named" in a["notes"]
    assert ucdp_row(e, ACTORS)["side_a"] == ""


def test_competing_attributions_lead_with_the_most_named_and_note_the_rest() -> None:
    e = event(claim_row(None, "Russia", "civilian", side="Ukraine"), claim_row(None, "Russia", "civilian", side="Ukraine"),
              claim_row(None, "Ukraine", "civilian", side="Russia"))
    a = acled_row(e, ACTORS)
    assert a["actor1"] == "Military Forces of Russia (2000-)" and a["actor2"] == "Civilians (Ukraine)"
    assert "perpetrator disputed: Russia (according to Ukraine), Ukraine (according to Russia)" in a["notes"]


def test_unnamed_fighters_are_an_unidentified_armed_group() -> None:
    # "an army offensive killed eight militants"
    e = event(claim_row(None, "Nigeria"), country="NG")
    a = acled_row(e, ACTORS)
    assert (a["actor2"], a["inter2"], a["interaction"]) == ("Unidentified Armed Group (Nigeria)", 3, 13)
    assert ucdp_row(e, ACTORS)["type_of_violence"] == 1


def test_without_an_actor_table_countries_are_states_and_the_rest_groups() -> None:
    e = event(claim_row("Ukraine", "Russia"))
    assert (acled_row(e)["actor1"], acled_row(e)["actor2"]) == ("Military Forces of Russia", "Military Forces of Ukraine")
    e = event(claim_row("Nigeria", "Boko Haram"), country="NG")
    assert ucdp_row(e)["side_a"] == "Boko Haram" and ucdp_row(e)["type_of_violence"] == 1


# ACLED's published data types (the codebook's columns); a file that does not load with them is not ACLED-shaped
ACLED_DTYPES = {"event_id_cnty": str, "year": "Int64", "time_precision": "Int64", "disorder_type": str,
                "event_type": str, "sub_event_type": str, "actor1": str, "assoc_actor_1": str, "inter1": "Int64",
                "actor2": str, "assoc_actor_2": str, "inter2": "Int64", "interaction": "Int64",
                "civilian_targeting": str, "iso": "Int64", "region": str, "country": str, "admin1": str,
                "location": str, "latitude": float, "longitude": float, "geo_precision": "Int64", "source": str,
                "notes": str, "fatalities": "Int64", "timestamp": "Int64"}


def test_acled_and_ucdp_files_load_in_dataset_readers(tmp_path: Path) -> None:
    import pandas as pd

    url = f"sqlite:///{tmp_path / 'rt.db'}"
    led = Ledger.open(url)
    store_document(led.db, Document(id="g1", text="A governor says shelling killed three people.", published="2025-03-02"),
                   [make_claim(party=None, victim_type="civilian", perpetrator="Russia", perpetrator_text="shelling",
                               place="Riverton", lat=46.6, lon=32.6, start="2025-03-01", means=["artillery"]),
                    make_claim(party="Russia", low=2, high=2, perpetrator="Russia", place="Riverton", lat=46.6,
                               lon=32.6, start="2025-03-01", side="Russia")])
    store_document(led.db, Document(id="g2", text="A ministry says 4 of its soldiers died at Hilltop.", published="2025-03-02"),
                   [make_claim(party="Ukraine", low=4, high=4, side="Ukraine", place="Hilltop", lat=40.0, lon=30.0,
                               start="2025-03-01")])
    reconcile(led)
    led.close()
    for style in ("acled", "ucdp"):
        out = tmp_path / f"{style}.csv"
        res = CliRunner().invoke(main, ["export", "--format", style, "--db", url, "-o", str(out)])
        assert res.exit_code == 0, res.output
    acled = pd.read_csv(tmp_path / "acled.csv", dtype=ACLED_DTYPES, parse_dates=["event_date"], keep_default_na=False,
                        na_values={"latitude": [""], "longitude": [""]})
    assert list(acled.columns)[:8] == ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
                                       "event_type", "sub_event_type", "actor1"]
    assert set(acled["actor1"]) == {"Military Forces of Russia (2000-)", ""}
    assert set(acled["interaction"]) <= {10, 80, 17, 18, 78, 11, 88, 12, 13, 27, 23, 22}
    ucdp = pd.read_csv(tmp_path / "ucdp.csv", parse_dates=["date_start", "date_end"], keep_default_na=False)
    assert set(ucdp["type_of_violence"].astype(str)) <= {"1", "2", "3", ""}
    assert "Government of Russia" in set(ucdp["side_a"])


def test_an_unnamed_attacker_is_an_unidentified_armed_group() -> None:
    # "gunmen killed four villagers": a perpetrator the text names but does not identify
    c = dict(claim_row(None, None, "civilian"), perpetrator_text="gunmen")
    a = acled_row(event(c, country="NG"), ACTORS)
    assert (a["actor1"], a["inter1"], a["interaction"]) == ("Unidentified Armed Group (Nigeria)", 3, 37)
    assert "perpetrator unidentified (gunmen)" in a["notes"]
    assert ucdp_row(event(c, country="NG"), ACTORS)["type_of_violence"] == 3
