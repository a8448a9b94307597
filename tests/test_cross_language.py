"""Cross-language provenance: a claim first made in Ukrainian, retold in Russian and then in English, is one claim
group of three reports with the original first; the documents keep their languages, and claims filter by them
(store, CLI flag, API facet). Reports written for this test."""

from __future__ import annotations

from typing import Any

from claimledger.model import Document
from claimledger.service import ingest
from claimledger.store import Filter, Ledger

REPORTS = [
    # (id, language, published, text): the original in Ukrainian, then a Russian and an English retelling
    ("ua-1", "uk", "2025-01-06", "Генштаб ЗСУ повідомив, що під Покровськом знищено 14 російських танків."),
    ("ru-1", "ru", "2025-01-07", "Генштаб ВСУ сообщил, что под Покровском уничтожены 14 российских танков."),
    ("en-1", "en", "2025-01-08", "Ukraine's General Staff said 14 Russian tanks were destroyed near Pokrovsk."),
]


def _documents() -> list[Document]:
    # the English retelling comes first in the input: the group orders by statement date, not input order
    return [Document(id=i, text=t, published=p, source=f"{lang}.example") for i, lang, p, t in reversed(REPORTS)]


def test_one_group_three_reports_original_first(ledger: Ledger) -> None:
    report = ingest(ledger, [], documents=_documents(), reconcile_after=True)
    assert (report.counts.failed, report.counts.stored) == (0, 3)
    docs = {d["doc_id"]: d for d in ledger.iter_rows("documents")}
    assert {k: d["language"] for k, d in docs.items()} == {"ua-1": "uk", "ru-1": "ru", "en-1": "en"}
    claims = ledger.query("claims").rows
    assert sorted((c["doc_id"], c["kind"], c["victim"]["party"], c["claimant"]["side"]) for c in claims) == [
        ("en-1", "equipment_destroyed", "Russia", "Ukraine"),
        ("ru-1", "equipment_destroyed", "Russia", "Ukraine"),
        ("ua-1", "equipment_destroyed", "Russia", "Ukraine"),
    ]
    groups = ledger.query("claim_groups").rows
    assert len(groups) == 1 and groups[0]["n_reports"] == 3
    full: dict[str, Any] | None = ledger.get_group(groups[0]["id"])
    assert full is not None
    assert [r["doc_id"] for r in full["reports"]] == ["ua-1", "ru-1", "en-1"]
    assert full["original_document_id"] == docs["ua-1"]["id"]


def test_claims_filter_and_facet_by_language(ledger: Ledger) -> None:
    from claimledger.export import build_filters

    ingest(ledger, [], documents=_documents())
    assert [c["doc_id"] for c in ledger.query("claims", [Filter("language", "eq", "ru")]).rows] == ["ru-1"]
    both = ledger.query("claims", build_filters(language=["UK", "en"])).rows
    assert sorted(c["doc_id"] for c in both) == ["en-1", "ua-1"]
    assert build_filters(language=["ru"], table="events") == []
    assert dict(ledger.facet_counts("claims", "language")) == {"en": 1, "ru": 1, "uk": 1}


def test_api_filters_and_facets_claims_by_language(ledger: Ledger) -> None:
    from fastapi.testclient import TestClient

    from claimledger.api import create_app
    from claimledger.api.settings import ApiSettings

    ingest(ledger, [], documents=_documents())
    client = TestClient(create_app(ledger, ApiSettings(token=None)), raise_server_exceptions=False)
    assert [r["doc_id"] for r in client.get("/api/claims?language=ru").json()["rows"]] == ["ru-1"]
    both = client.get("/api/claims?language__in=uk,en").json()["rows"]
    assert sorted(r["doc_id"] for r in both) == ["en-1", "ua-1"]
    facet = client.get("/api/facets?_facet=language").json()["facets"]["language"]["results"]
    assert {r["value"]: r["count"] for r in facet} == {"en": 1, "ru": 1, "uk": 1}


def test_cli_claims_language_flag(tmp_path: Any) -> None:
    import json

    from click.testing import CliRunner

    from claimledger.cli import main

    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    led = Ledger.open(db)
    try:
        ingest(led, [], documents=_documents())
    finally:
        led.close()
    res = CliRunner().invoke(main, ["claims", "--db", db, "--format", "jsonl", "--language", "ru", "--language", "UK"])
    assert res.exit_code == 0, res.output
    assert sorted(json.loads(line)["doc_id"] for line in res.output.splitlines() if line.startswith("{")) == [
        "ru-1", "ua-1"]
