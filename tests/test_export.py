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
    assert a["actor2"] == "Military Forces of Russia" and a["actor1"] == "Military Forces of Ukraine"
    u = ucdp_row(pok)
    assert (u["best"], u["low"], u["high"]) == (pok["deaths"]["best"], pok["deaths"]["low"], pok["deaths"]["high"])
    assert u["deaths_a"] == pok["summary"]["deaths"]["Russia"]["best"] and u["country_id"] == 369
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
