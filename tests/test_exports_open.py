"""Every export opens as it is in standard readers — `csv.DictReader`, `pandas.read_csv`,
`pyarrow.parquet.read_table`, `json` — with no options, from the CLI and from the API alike; the
API's CSV and the CLI's CSV have the same columns; no CSV cell can run as a spreadsheet formula.

The ledger is the hand-made sample (`tests/test_api_sample.py`), whose untrusted texts include a
claimant named `=HYPERLINK("http://x")`, reconciled into events, groups and tallies.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests.conftest import make_claim
from tests.test_api_sample import build_sample_ledger

from claimledger.api import ApiSettings, create_app
from claimledger.cli import main
from claimledger.export.columns import columns
from claimledger.model import Document
from claimledger.reconcile import reconcile
from claimledger.store.repo import store_document

FORMULA = ("=", "+", "@", "\t", "\r")
CLI_EXPORTS = [  # (arguments, file suffix)
    *[([table, "--format", fmt], fmt) for table in ("claims", "events") for fmt in ("csv", "jsonl", "geojson", "parquet")],
    *[(["tallies", "--format", fmt], fmt) for fmt in ("csv", "jsonl", "parquet")],
    *[(["export", "--format", style, "--as", fmt], fmt) for style in ("acled", "ucdp") for fmt in ("csv", "jsonl", "parquet")],
]
API_EXPORTS = [(path, fmt) for path in ("claims", "events", "claim-groups", "documents", "sources")
               for fmt in ("csv", "jsonl", "geojson") if fmt != "geojson" or path in ("claims", "events")]


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('open') / 'ledger.db'}"
    led = build_sample_ledger(url)
    for i, day in enumerate(("2025-01-06", "2025-01-08")):  # running totals, for the tallies exports
        store_document(led.db, Document(id=f"total-{i}", text=f"Over {900 + i} Russian soldiers killed since August.",
                                        published=day, source="@evil\x1b[31m"),
                       [make_claim(low=900 + i, high=None, qualifier="at_least", start="2024-08-06", end=day,
                                   time_precision="period", stated_on=day)])
    reconcile(led)
    led.close()
    yield url


def open_as_a_reader_would(path: Path, fmt: str) -> list[dict[str, object]]:
    """The rows of an export file, read with each standard reader and no options."""
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as fh:
            rows: list[dict[str, object]] = list(csv.DictReader(fh))
        for row in rows:
            for value in row.values():
                assert not str(value).startswith(FORMULA), f"{path.name}: formula cell {value!r}"
        pandas = pytest.importorskip("pandas")
        frame = pandas.read_csv(path)
        assert list(frame.columns) == list(rows[0]) if rows else True
        assert len(frame) == len(rows)
        return rows
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "geojson":
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
        assert data["type"] == "FeatureCollection"
        return [f["properties"] for f in data["features"]]
    table = pq.read_table(path)
    return table.to_pylist()


@pytest.mark.parametrize(("args", "fmt"), CLI_EXPORTS, ids=lambda v: "-".join(v) if isinstance(v, list) else v)
def test_cli_exports_open_as_they_are(ledger_url: str, tmp_path: Path, args: list[str], fmt: str) -> None:
    out = tmp_path / f"export.{fmt}"
    res = CliRunner().invoke(main, [*args, "--db", ledger_url, "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = open_as_a_reader_would(out, fmt)
    meta = json.loads(Path(f"{out}.meta.json").read_text(encoding="utf-8"))
    assert len(rows) == meta["rows"] > 0
    assert set(meta) >= {"dataset_version", "claimledger_version", "config_hash"}


@pytest.mark.parametrize(("path", "fmt"), API_EXPORTS, ids=lambda v: v)
def test_api_exports_open_as_they_are(ledger_url: str, tmp_path: Path, path: str, fmt: str) -> None:
    client = TestClient(create_app(ledger_url, ApiSettings(token=None)))
    r = client.get(f"/api/{path}?_format={fmt}")
    assert r.status_code == 200, r.text
    assert r.headers["x-claimledger-dataset-version"] and r.headers["x-claimledger-config-hash"]
    out = tmp_path / f"{path}.{fmt}"
    out.write_bytes(r.content)
    rows = open_as_a_reader_would(out, fmt)
    assert len(rows) == client.get(f"/api/{path}?_total=exact").json()["total"]


@pytest.mark.parametrize("table", ["claims", "events"])
def test_the_api_and_the_cli_write_the_same_columns(ledger_url: str, tmp_path: Path, table: str) -> None:
    out = tmp_path / f"{table}.csv"
    assert CliRunner().invoke(main, [table, "--db", ledger_url, "--format", "csv", "-o", str(out)]).exit_code == 0
    cli_header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    api = TestClient(create_app(ledger_url, ApiSettings(token=None))).get(f"/api/{table}?_format=csv").text
    api_header = next(csv.reader(io.StringIO(api)))
    assert cli_header == api_header == columns(table)


def test_formula_cells_are_defused_not_dropped(ledger_url: str, tmp_path: Path) -> None:
    out = tmp_path / "claims.csv"
    CliRunner().invoke(main, ["claims", "--db", ledger_url, "--format", "csv", "-o", str(out)])
    with out.open(newline="", encoding="utf-8") as fh:
        names = {row["claimant_name"] for row in csv.DictReader(fh)}
    assert "'=HYPERLINK(\"http://x\")" in names


def test_bom_is_there_for_excel_when_asked(ledger_url: str, tmp_path: Path) -> None:
    out = tmp_path / "claims.csv"
    CliRunner().invoke(main, ["claims", "--db", ledger_url, "--format", "csv", "--bom", "-o", str(out)])
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,")
    with out.open(newline="", encoding="utf-8-sig") as fh:
        assert next(csv.DictReader(fh))["id"]


def test_table_output_strips_terminal_escapes(tmp_path: Path) -> None:
    from claimledger.export.writers import write_table

    buf = io.StringIO()
    write_table([{"outlet": "Evil\x1b[2J\x1b]0;pwned\x07 News", "id": 1}], ["id", "outlet"], buf)
    assert "\x1b" not in buf.getvalue() and "\x07" not in buf.getvalue() and "Evil[2J]0;pwned News" in buf.getvalue()
