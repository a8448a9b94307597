"""Store and query API on SQLite and PostgreSQL: revisions, idempotence, filters, keyset pages."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import make_claim

from claimledger.model import Document
from claimledger.store import Filter, Ledger, QueryError
from claimledger.store.repo import store_document


def doc(i: int, text: str | None = None, url: str | None = None, published: str = "2025-01-08",
        source: str = "Kyiv Daily") -> Document:
    return Document(id=f"d{i}", text=text or f"Report number {i}: soldiers were killed.", published=published,
                    url=url, source=source, title=f"Report {i}")


def fill(ledger: Ledger) -> None:
    store_document(ledger.db, doc(1), [
        make_claim(low=13, high=13, party="North Korea", place="Kursk", admin1="Kursk Oblast", lat=51.73,
                   lon=36.19, country="RU", stated_on="2025-01-07", means=["drone"]),
        make_claim(kind="wounded", low=20, high=None, qualifier="at_least", stated_on="2025-01-07"),
    ])
    store_document(ledger.db, doc(2, published="2025-01-10", source="Moscow Herald"), [
        make_claim(low=100, high=100, party="Ukraine", side="Russia", name="Russian MoD", place="Pokrovsk",
                   admin1="Donetsk Oblast", lat=48.28, lon=37.18, start="2025-01-09", means=["artillery"]),
        make_claim(kind="equipment_destroyed", low=3, high=3, party="Ukraine", side="Russia",
                   stated_on="2025-01-10"),
    ])


def test_same_text_is_a_no_op_and_changed_text_is_a_revision(ledger: Ledger) -> None:
    d = doc(1, url="https://news.example/a")
    assert store_document(ledger.db, d, [make_claim()]).status == "stored"
    assert store_document(ledger.db, d, [make_claim()]).status == "skipped"
    changed = doc(1, text="Updated: 14 soldiers were killed.", url="https://news.example/a")
    res = store_document(ledger.db, changed, [make_claim(low=14, high=14)])
    assert res.status == "revision"
    assert ledger.query("claims").total == 1
    assert ledger.query("claims").rows[0]["quantity"]["low"] == 14
    assert ledger.query("claims", [Filter("current", "in", [True, False])]).total == 2
    full = ledger.get_document(res.document_id or 0)
    assert full is not None and [r["revision"] for r in full["revisions"]] == [1, 2]
    assert full["revisions"][0]["id"] == full["supersedes_id"]


def test_claim_rows_are_the_contract_shape_plus_provenance(ledger: Ledger) -> None:
    fill(ledger)
    row = ledger.query("claims", [Filter("party", "eq", "North Korea")]).rows[0]
    for key in ("doc_id", "kind", "victim", "quantity", "claimant", "stance", "means", "location", "event_time",
                "stated_on", "evidence", "confidence", "id", "group_id", "event_id", "outlet", "url", "title"):
        assert key in row
    assert row["doc_id"] == "d1" and row["outlet"] == "Kyiv Daily" and row["location"]["admin1"] == "Kursk Oblast"


@pytest.mark.parametrize(("filters", "expected"), [
    ([Filter("kind", "eq", "killed")], 2),
    ([Filter("kind", "in", ["killed", "wounded"])], 3),
    ([Filter("kind", "in", "killed,wounded")], 3),
    ([Filter("side", "eq", "Russia")], 2),
    ([Filter("party", "eq", "Ukraine"), Filter("kind", "eq", "killed")], 1),
    ([Filter("quantity", "gte", 20)], 2),
    ([Filter("quantity", "lte", "13")], 2),
    ([Filter("admin1", "eq", "Donetsk Oblast")], 1),
    ([Filter("means", "contains", "drone")], 1),
    ([Filter("means", "in", "drone,artillery")], 2),
    ([Filter("evidence", "contains", "NORTH KOREA")], 1),
    ([Filter("outlet", "eq", "Moscow Herald")], 2),
    ([Filter("bbox", "eq", "30,45,40,52")], 2),
    ([Filter("bbox", "eq", [37, 48, 38, 49])], 1),
    (Filter.date_range("2025-01-09", None), 2),
    (Filter.date_range(None, "2025-01-08"), 2),
    (Filter.date_range("2025-01-09", "2025-01-09"), 1),
    ([Filter("precision", "eq", "point")], 2),
])
def test_filters(ledger: Ledger, filters: list[Filter], expected: int) -> None:
    fill(ledger)
    page = ledger.query("claims", filters)
    assert page.total == expected
    assert len(page.rows) == expected
    assert sum(1 for _ in ledger.iter_rows("claims", filters)) == expected


@pytest.mark.parametrize("bad", [
    Filter("password", "eq", "x"), Filter("quantity", "gte", "many"), Filter("kind", "like", "x"),  # type: ignore[arg-type]
    Filter("bbox", "eq", "1,2,3"),
])
def test_bad_filters_raise_query_error(ledger: Ledger, bad: Filter) -> None:
    with pytest.raises(QueryError):
        ledger.query("claims", [bad])


@pytest.mark.parametrize("order", ["-date", "date", "id", "-id", "quantity", "-quantity", "-confidence"])
def test_keyset_pages_visit_every_row_once(ledger: Ledger, order: str) -> None:
    for i in range(7):
        store_document(ledger.db, doc(10 + i, published=f"2025-02-0{1 + i % 3}"),
                       [make_claim(low=None if i % 3 == 0 else i, high=None if i % 3 == 0 else i,
                                   stated_on=f"2025-02-0{1 + i % 3}") for _ in range(3)])
    seen: list[int] = []
    cursor: str | None = None
    while True:
        page = ledger.query("claims", order=order, cursor=cursor, limit=4)
        seen.extend(r["id"] for r in page.rows)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(r["id"] for r in ledger.iter_rows("claims"))
    assert len(seen) == len(set(seen)) == 21
    with pytest.raises(QueryError):
        ledger.query("claims", order="kind" if order != "kind" else "id", cursor="bm90IGEgY3Vyc29y")


@pytest.mark.parametrize("order", ["-date", "quantity"])
def test_outlet_pages_walking_in_order_are_the_same_pages(ledger: Ledger, order: str) -> None:
    """A page filtered on its documents gives the same rows and cursors whether the planner collects
    the outlet's claims and sorts them or walks the claims in order (`walk`, chosen for a big outlet)."""
    from claimledger.store import query as q

    for i in range(9):
        store_document(ledger.db, doc(20 + i, published=f"2025-03-0{1 + i % 4}", source=f"Outlet {i % 2}"),
                       [make_claim(low=i + j, high=i + j, stated_on=f"2025-03-0{1 + i % 4}") for j in range(3)])
    filters = [Filter("outlet", "eq", "Outlet 0"), Filter("kind", "eq", "killed")]
    pages: dict[bool, list[list[int]]] = {}
    for walk in (False, True):
        cursor: str | None = None
        pages[walk] = []
        while True:
            page = q.query(ledger.db, "claims", filters, order, cursor, 4, with_total=False, walk=walk)
            pages[walk].append([r["id"] for r in page.rows])
            if (cursor := page.next_cursor) is None:
                break
    assert pages[True] == pages[False] and sum(len(p) for p in pages[True]) == 15


def test_facets_and_sources(ledger: Ledger) -> None:
    fill(ledger)
    assert dict(ledger.facet_counts("claims", "side")) == {"Ukraine": 2, "Russia": 2}
    assert dict(ledger.facet_counts("claims", "means")) == {"drone": 1, "artillery": 1}
    assert dict(ledger.facet_counts("claims", "outlet", [Filter("kind", "eq", "killed")])) == {
        "Kyiv Daily": 1, "Moscow Herald": 1}
    sources: list[dict[str, Any]] = ledger.query("sources").rows
    assert [(s["outlet"], s["documents"], s["claims"]) for s in sources] == [
        ("Kyiv Daily", 1, 2), ("Moscow Herald", 1, 2)]
    assert ledger.query("documents").total == 2
    assert all("_sort" not in r for t in ("documents", "sources") for r in ledger.query(t).rows)


def test_open_twice_migrates_once(ledger_target: tuple[str, str | None]) -> None:
    url, schema = ledger_target
    a = Ledger.open(url, schema=schema)
    b = Ledger.open(url, schema=schema)
    assert a.query("claims").total == 0 and b.query("claims").total == 0
    a.close()
    b.close()


def test_count_cap(ledger: Ledger) -> None:
    for i in range(3):
        store_document(ledger.db, doc(40 + i), [make_claim() for _ in range(4)])
    assert ledger.query("claims", limit=5).total == 12
    capped = ledger.query("claims", limit=5, count_cap=10)
    assert (capped.total, capped.total_capped) == (10, True)
    exact = ledger.query("claims", limit=5, count_cap=12)
    assert (exact.total, exact.total_capped) == (12, False)


@pytest.mark.parametrize("url", ["postgresql+psycopg://nobody@127.0.0.1:1/none", "sqlite:////proc/no/such/dir/x.db"])
def test_unopenable_ledger_is_a_store_error(url: str) -> None:
    from claimledger.errors import StoreError

    with pytest.raises(StoreError):
        Ledger.open(url)


@pytest.mark.parametrize("order", ["-date", "date", "-stated", "stated"])
def test_pages_reach_undated_claims_in_either_order(ledger: Ledger, order: str) -> None:
    """Undated claims (documents without a date) sit where the database puts NULLs, and keyset
    pages walk into and through them: every claim once, whatever the order and the backend."""
    for i in range(5):
        store_document(ledger.db, Document(id=f"dated-{i}", text=f"Dated report {i}.", published=f"2025-01-0{i + 1}"),
                       [make_claim(stated_on=f"2025-01-0{i + 1}")])
        store_document(ledger.db, Document(id=f"undated-{i}", text=f"Undated report {i}."), [make_claim()])
    seen: list[int] = []
    cursor = None
    while True:
        page = ledger.query("claims", [], order=order, cursor=cursor, limit=3)
        seen.extend(r["id"] for r in page.rows)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(r["id"] for r in ledger.iter_rows("claims")) and len(seen) == 10
    dated = ledger.query("claims", [Filter("date", "gte", "2025-01-02")], order=order, limit=2)
    rest = ledger.query("claims", [Filter("date", "gte", "2025-01-02")], order=order, cursor=dated.next_cursor, limit=5)
    assert len(dated.rows) + len(rest.rows) == 4


def fill_perpetrators(ledger: Ledger) -> None:
    store_document(ledger.db, doc(60), [
        make_claim(party=None, victim_type="civilian", perpetrator="Russia", perpetrator_text="Russian artillery"),
        make_claim(party="Russia", perpetrator="Ukraine", perpetrator_text="our air defences", kind="equipment_destroyed"),
        make_claim(party="Ukraine", side="Russia"),
    ])


@pytest.mark.parametrize(("filters", "expected"), [
    ([Filter("perpetrator", "eq", "Russia")], 1),
    ([Filter("perpetrator", "in", "Russia,Ukraine")], 2),
    ([Filter("perpetrator", "eq", None)], 1),
    ([Filter("perpetrator_text", "contains", "ARTILLERY")], 1),
    ([Filter("perpetrator", "eq", "Ukraine"), Filter("party", "eq", "Russia")], 1),
])
def test_perpetrator_filters(ledger: Ledger, filters: list[Filter], expected: int) -> None:
    fill_perpetrators(ledger)
    assert ledger.query("claims", filters).total == expected


def test_perpetrator_round_trips_and_facets(ledger: Ledger) -> None:
    fill_perpetrators(ledger)
    rows = {r["victim"]["party"]: r for r in ledger.iter_rows("claims", order="id")}
    assert rows[None]["perpetrator"] == {"party": "Russia", "text": "Russian artillery"}
    assert rows["Ukraine"]["perpetrator"] is None
    assert dict(ledger.facet_counts("claims", "perpetrator")) == {"Russia": 1, "Ukraine": 1, None: 1}


def test_migration_0005_backfills_the_perpetrator(ledger_target: tuple[str, str | None]) -> None:
    """A ledger at 0004 whose stored contract JSON already carries perpetrators gets them as columns."""
    import json

    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from claimledger.store.db import MIGRATIONS, make_engine

    url, schema = ledger_target
    Ledger.open(url, schema=schema, upgrade=True).close()  # creates the schema (PostgreSQL) and head
    engine = make_engine(url, schema=schema)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", "")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    data = make_claim(perpetrator="Boko Haram", perpetrator_text="Boko Haram fighters").to_dict()
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO documents (id, identity, doc_key, text, sha256, n_chars, fetched_at, "
                             "revision, is_latest, n_claims, meta) VALUES (1, 'id:x', 'x', 't', 'h', 1, "
                             "'2025-01-01 00:00:00', 1, true, 2, '{}')"))
        for i, d in enumerate((data, make_claim().to_dict())):
            conn.execute(sa.text("INSERT INTO claims (document_id, ordinal, current, reconciled, kind, stance, means, "
                                 "confidence, evidence, is_tally, group_key, data, date, stated) VALUES (1, :o, true, "
                                 "false, 'killed', 'asserted', '', 0.5, '', false, '', :d, '2025-01-01', "
                                 "'2025-01-01')"), {"o": i, "d": json.dumps(d)})
    engine.dispose()
    with Ledger.open(url, schema=schema) as led:
        assert led.query("claims", [Filter("perpetrator", "eq", "Boko Haram")]).total == 1
        assert led.query("claims", [Filter("perpetrator", "eq", None)]).total == 1
        assert led.query("claims", [Filter("perpetrator_text", "contains", "fighters")]).total == 1
