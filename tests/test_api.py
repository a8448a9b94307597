"""The JSON API against a fixture ledger (hand-made claims, stored and reconciled by the store),
on SQLite and on PostgreSQL (same rules as the store tests: skip without a server unless CI)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import PG_URL, drop_pg_schema, require_pg
from tests.test_api_sample import N_CLAIMS, build_sample_ledger

from claimledger.api import ApiSettings, create_app
from claimledger.store import Ledger
from claimledger.store.query import OPS, filterable_fields


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def sample_ledger(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    if request.param == "sqlite":
        led = build_sample_ledger(f"sqlite:///{tmp_path_factory.mktemp('api') / 'ledger.db'}")
        yield led
        led.close()
        return
    require_pg()
    schema = f"api_{uuid.uuid4().hex[:10]}"
    led = build_sample_ledger(PG_URL, schema=schema)
    try:
        yield led
    finally:
        led.close()
        drop_pg_schema(schema)


@pytest.fixture(scope="module")
def client(sample_ledger: Ledger) -> TestClient:
    return TestClient(create_app(sample_ledger, ApiSettings(token=None)), raise_server_exceptions=False)


def ids(body: dict[str, Any]) -> set[int]:
    return {r["id"] for r in body["rows"]}


def all_claims(client: TestClient) -> list[dict[str, Any]]:
    return client.get("/api/claims?_size=1000").json()["rows"]


# ---- shape --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/claims", "/api/events", "/api/claim-groups", "/api/documents",
                                  "/api/sources"])
def test_list_endpoints_have_datasette_shape(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["ok"] is True
    assert set(body) >= {"rows", "next", "next_url", "total"}
    assert isinstance(body["rows"], list) and body["rows"]
    assert body["total"] == len(body["rows"])  # small fixture: one page
    assert body["next"] is None and body["next_url"] is None


def test_claim_rows_are_the_contract_plus_ids(client: TestClient) -> None:
    row = client.get("/api/claims?_size=1").json()["rows"][0]
    for key in ("kind", "victim", "quantity", "claimant", "stance", "means", "location", "event_time",
                "stated_on", "evidence", "confidence", "id", "document_id", "outlet"):
        assert key in row
    assert set(row["evidence"]) == {"text", "start", "end"}


# ---- filters ------------------------------------------------------------------------------------

def _expected(claims: list[dict[str, Any]], pred: Any) -> set[int]:
    return {c["id"] for c in claims if pred(c)}


FILTER_CASES: list[tuple[str, Any]] = [
    ("party__eq=Russia", lambda c: c["victim"]["party"] == "Russia"),
    ("party=Ukraine", lambda c: c["victim"]["party"] == "Ukraine"),
    ("side__eq=Russia", lambda c: c["claimant"]["side"] == "Russia"),
    ("kind__in=captured,equipment_destroyed", lambda c: c["kind"] in ("captured", "equipment_destroyed")),
    ("means__contains=drone", lambda c: "drone" in c["means"]),
    ("means__eq=artillery", lambda c: "artillery" in c["means"]),
    ("evidence__contains=BAKHMUT", lambda c: "bakhmut" in c["evidence"]["text"].lower()),
    ("quantity__gte=100", lambda c: max(x for x in (c["quantity"]["low"], c["quantity"]["high"], -1)
                                        if x is not None) >= 100),
    ("date__gte=2025-02-01&date__lte=2025-02-28", lambda c: "2025-02-01" <= c["event_time"]["end"] <= "2025-02-28"),
    ("outlet__eq=Kyiv Independent", lambda c: c["outlet"] == "Kyiv Independent"),
    ("precision__in=admin1,region", lambda c: (c["location"] or {}).get("precision") in ("admin1", "region")),
    ("bbox=37,48,39,49", lambda c: (c["location"] or {}).get("lat") is not None
     and 48 <= c["location"]["lat"] <= 49 and 37 <= c["location"]["lon"] <= 39),
    ("perpetrator=Russia", lambda c: (c["perpetrator"] or {}).get("party") == "Russia"),
    ("perpetrator__in=Russia,Ukraine", lambda c: (c["perpetrator"] or {}).get("party") in ("Russia", "Ukraine")),
    ("perpetrator__eq=", lambda c: c["perpetrator"] is None),
    ("perpetrator_text__contains=shelling", lambda c: "shelling" in ((c["perpetrator"] or {}).get("text") or "")),
    ("party__eq=Russia&kind__eq=killed&stance__eq=denied",
     lambda c: c["victim"]["party"] == "Russia" and c["kind"] == "killed" and c["stance"] == "denied"),
]


@pytest.mark.parametrize(("query", "pred"), FILTER_CASES, ids=[q for q, _ in FILTER_CASES])
def test_filters(client: TestClient, query: str, pred: Any) -> None:
    expected = _expected(all_claims(client), pred)
    assert expected, f"fixture has no claim for {query}"
    body = client.get(f"/api/claims?{query}&_size=1000").json()
    assert body["ok"] is True
    assert ids(body) == expected
    assert body["total"] == len(expected)
    assert [f["field"] for f in body["filters"]]


def test_events_filter_by_party_and_date(client: TestClient) -> None:
    body = client.get("/api/events?party__contains=Russia&date__gte=2025-03-01").json()
    assert body["rows"] and all("Russia" in e["parties"] and e["date_end"] >= "2025-03-01" for e in body["rows"])


def test_pagination_follows_next_url_over_every_row(client: TestClient) -> None:
    seen: list[int] = []
    url: str | None = "/api/claims?_size=3&kind__in=killed,captured,equipment_destroyed"
    totals = set()
    pages = 0
    while url:
        body = client.get(url).json()
        assert body["ok"] is True and len(body["rows"]) <= 3
        seen.extend(r["id"] for r in body["rows"])
        totals.add(body["total"])
        url = body["next_url"]
        if url:
            assert body["next"] and f"_next={body['next']}" in url
        pages += 1
        assert pages < 10
    assert len(seen) == len(set(seen)) == N_CLAIMS
    assert totals == {N_CLAIMS}
    assert pages == 3


def test_sort_and_total_switch(client: TestClient) -> None:
    body = client.get("/api/claims?_sort=quantity&_total=0&_size=1000").json()
    qs = [r["quantity"]["high"] if r["quantity"]["high"] is not None else r["quantity"]["low"] for r in body["rows"]]
    known = [q for q in qs if q is not None]
    assert known == sorted(known)
    assert body["total"] is None


# ---- errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "status", "words"), [
    ("/api/claims?colour__eq=red", 400, "unknown field 'colour'"),
    ("/api/claims?party__like=Rus", 400, "unknown operator 'like'"),
    ("/api/claims?whatever=1", 400, "unknown parameter"),
    ("/api/claims?_next=not-a-cursor", 400, "invalid cursor"),
    ("/api/claims?quantity__gte=99999999999999999999999", 400, "out of range"),
    ("/api/claims?quantity__lte=-99999999999999999999999", 400, "out of range"),
    ("/api/claims?lat__gte=nan", 400, "expected float"),
    ("/api/claims?_next=eyJvIjogIi1kYXRlIiwgInYiOiBbMSwgMl0sICJrIjogNX0", 400, "invalid cursor"),
    ("/api/claims?_next=eyJvIjogIi1kYXRlIiwgInYiOiAiMjAyNS0wMS0wMSIsICJrIjogMTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMH0", 400, "invalid cursor"),
    ("/api/claims?_next=eyJvIjogIi1kYXRlIiwgInYiOiAiMjAyNS0wMS0wMSIsICJrIjogIngifQ", 400, "invalid cursor"),
    ("/api/claims?_next=eyJvIjogIi1kYXRlIiwgInYiOiB7ImEiOiAxfSwgImsiOiAxfQ", 400, "invalid cursor"),
    ("/api/claims?_next=eyJvIjogIi1kYXRlIiwgInYiOiBudWxsLCAiayI6IG51bGx9", 400, "invalid cursor"),
    ("/api/claims?_next=W1tbW1tbXV1dXV1d", 400, "invalid cursor"),
    ("/api/claims/99999999999999999999999", 422, "claim_id"),
    ("/api/documents/-1", 422, "doc_id"),
    ("/api/claims?_sort=evidence", 400, "cannot order"),
    ("/api/claims?quantity__gte=many", 400, "expected int"),
    ("/api/claims?_facet=colour", 400, "cannot facet"),
    ("/api/claims?_size=0", 422, "_size"),
    ("/api/claims?_size=abc", 422, "_size"),
    ("/api/claims?_format=xml", 422, "_format"),
    ("/api/claim-groups?_format=geojson", 400, "geojson"),
    ("/api/claims/999999", 404, "no claim 999999"),
    ("/api/events/999999", 404, "no event"),
    ("/api/documents/999999", 404, "no document"),
    ("/api/claim-groups/999999", 404, "no claim group"),
    ("/api/documents/abc", 422, "doc_id"),
    ("/api/nothing-here", 404, "not found"),
    ("/api/facets", 400, "_facet"),
    ("/api/timeline?_bucket=decade", 422, "_bucket"),
])
def test_errors_have_the_error_shape(client: TestClient, url: str, status: int, words: str) -> None:
    r = client.get(url)
    assert r.status_code == status
    body = r.json()
    assert body["ok"] is False and body["status"] == status
    assert words in body["error"]


def test_next_url_never_reflects_the_host_header(sample_ledger: Ledger) -> None:
    plain = TestClient(create_app(sample_ledger, ApiSettings(token=None)), base_url="http://evil.example")
    body = plain.get("/api/claims?_size=2", headers={"Host": "evil.example"}).json()
    assert body["next_url"].startswith("/api/claims?") and "evil" not in body["next_url"]
    based = TestClient(create_app(sample_ledger, ApiSettings(token=None, base_url="https://ledger.example/")))
    body = based.get("/api/claims?_size=2", headers={"Host": "evil.example"}).json()
    assert body["next_url"].startswith("https://ledger.example/api/claims?_size=2&_next=")


def test_unexpected_errors_are_500_without_internals(sample_ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(sample_ledger, ApiSettings(token=None))
    c = TestClient(app, raise_server_exceptions=False)

    def boom(*a: Any, **k: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(sample_ledger, "query", boom)
    r = c.get("/api/claims")
    assert r.status_code == 500
    assert r.json() == {"ok": False, "error": "internal server error", "status": 500}
    assert "script-src 'self'" in r.headers["content-security-policy"]  # even a crash carries the headers


def test_method_not_allowed_has_error_shape(client: TestClient) -> None:
    r = client.delete("/api/claims")
    assert r.status_code == 405
    assert r.json()["ok"] is False and r.json()["status"] == 405


# ---- facets -------------------------------------------------------------------------------------

def test_facets_count_and_toggle(client: TestClient) -> None:
    claims = all_claims(client)
    body = client.get("/api/claims?_facet=party&_facet=means&side__eq=Ukraine").json()
    party = {r["value"]: r for r in body["facets"]["party"]["results"]}
    ukr_claims = [c for c in claims if c["claimant"]["side"] == "Ukraine"]
    for value, r in party.items():
        assert r["count"] == sum(1 for c in ukr_claims if c["victim"]["party"] == value)
        assert r["selected"] is False
    means = {r["value"]: r["count"] for r in body["facets"]["means"]["results"]}
    assert means["drone"] == sum(1 for c in ukr_claims if "drone" in c["means"])
    # following a toggle link adds the filter ...
    on = client.get(party["Russia"]["toggle_url"]).json()
    assert {f["field"] for f in on["filters"]} == {"side", "party"}
    assert all(r["victim"]["party"] == "Russia" for r in on["rows"])
    # ... the facet keeps counting the other values (its own filter is left out) and marks the choice
    res = {r["value"]: r for r in on["facets"]["party"]["results"]}
    assert res["Russia"]["selected"] is True and res["Ukraine"]["selected"] is False
    assert res["Ukraine"]["count"] == party["Ukraine"]["count"]
    # ... and the selected value's toggle link removes it again
    off = client.get(res["Russia"]["toggle_url"]).json()
    assert [f["field"] for f in off["filters"]] == ["side"]
    assert off["total"] == len(ukr_claims)


def test_perpetrator_facet_counts_and_toggles(client: TestClient) -> None:
    claims = all_claims(client)
    body = client.get("/api/claims?_facet=perpetrator").json()
    res = {r["value"]: r for r in body["facets"]["perpetrator"]["results"]}
    assert res["Russia"]["count"] == sum(1 for c in claims if (c["perpetrator"] or {}).get("party") == "Russia")
    assert res[None]["label"] == "(none)" and res[None]["count"] == sum(1 for c in claims if not c["perpetrator"])
    on = client.get(res["Ukraine"]["toggle_url"]).json()
    assert on["filters"] == [{"field": "perpetrator", "op": "eq", "value": "Ukraine"}]
    assert [r["perpetrator"]["text"] for r in on["rows"]] == ["Ukrainian drones"]
    events = client.get("/api/events?perpetrator=Russia").json()
    assert events["rows"] and all("Russia" in e["perpetrators"] for e in events["rows"])
    detail = client.get(f"/api/events/{events['rows'][0]['id']}").json()
    assert any(c.get("perpetrator") == "Russia" for c in detail["event"]["summary"]["claims"])
    by_perp = {p["perpetrator"]: p["claim_ids"] for p in detail["perpetrators"]}
    claims_by_id = {c["id"]: c for c in detail["claims"]}
    assert all(claims_by_id[i]["perpetrator"]["party"] == "Russia" for i in by_perp["Russia"])


def test_facets_endpoint_and_in_toggle(client: TestClient) -> None:
    body = client.get("/api/facets?_facet=kind&kind__in=killed,captured").json()
    assert body["ok"] is True
    res = {r["value"]: r for r in body["facets"]["kind"]["results"]}
    assert res["killed"]["selected"] and res["captured"]["selected"]
    assert not res["equipment_destroyed"]["selected"]
    after = client.get(res["captured"]["toggle_url"]).json()
    assert after["filters"] == [{"field": "kind", "op": "in", "value": "killed"}]
    events = client.get("/api/facets?table=events&_facet=party").json()
    assert {r["value"] for r in events["facets"]["party"]["results"]} >= {"Russia", "Ukraine"}


# ---- streaming formats --------------------------------------------------------------------------

def test_csv_streams_the_full_filtered_result(client: TestClient) -> None:
    r = client.get("/api/claims?_format=csv&_size=1&party__eq=Ukraine")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    expected = client.get("/api/claims?party__eq=Ukraine").json()["total"]
    assert len(rows) == expected > 1  # _size does not cut an export
    assert {row["victim_party"] for row in rows} == {"Ukraine"}
    for row in rows:
        assert row["evidence_text"]
        if row["claimant_name"].startswith("'"):
            assert row["claimant_name"] == "'=HYPERLINK(\"http://x\")"  # formula defused


def test_jsonl_and_geojson_stream_everything(client: TestClient) -> None:
    lines = client.get("/api/claims?_format=jsonl").text.strip().splitlines()
    assert len(lines) == N_CLAIMS
    assert all(json.loads(line)["kind"] for line in lines)
    gj = client.get("/api/claims?_format=geojson").json()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == N_CLAIMS
    by_precision = {f["properties"]["location_precision"]: f for f in gj["features"]}
    assert by_precision["point"]["geometry"]["type"] == "Point"
    assert by_precision["region"]["geometry"] is None
    ev = client.get("/api/events?_format=geojson").json()
    assert ev["features"] and all(f["type"] == "Feature" for f in ev["features"])
    docs = client.get("/api/documents?_format=csv").text.splitlines()
    assert docs[0].startswith("id,")


# ---- details ------------------------------------------------------------------------------------

def test_document_detail_has_text_and_evidence_offsets(client: TestClient) -> None:
    doc_id = client.get("/api/claims?outlet__eq=General Staff of Ukraine").json()["rows"][0]["document_id"]
    body = client.get(f"/api/documents/{doc_id}").json()
    text = body["document"]["text"]
    assert body["claims"]
    for c in body["claims"]:
        ev = c["evidence"]
        assert text[ev["start"]:ev["end"]] == ev["text"]


def test_event_detail_puts_competing_claims_side_by_side(client: TestClient) -> None:
    events = client.get("/api/events?party__contains=Russia&n_sides__gte=2").json()["rows"]
    assert events, "the fixture's Bakhmut claims should form one event with two sides"
    body = client.get(f"/api/events/{events[0]['id']}").json()
    sides = {s["side"]: s["claim_ids"] for s in body["sides"]}
    assert {"Ukraine", "Russia"} <= set(sides)
    by_id = {c["id"]: c for c in body["claims"]}
    assert all(by_id[i]["claimant"]["side"] == "Ukraine" for i in sides["Ukraine"])
    assert any(by_id[i]["stance"] == "denied" for i in sides["Russia"])
    assert body["event"]["rule"]


def test_claim_and_group_details(client: TestClient) -> None:
    row = client.get("/api/claims?_size=1").json()["rows"][0]
    assert client.get(f"/api/claims/{row['id']}").json()["claim"]["id"] == row["id"]
    group = client.get(f"/api/claim-groups/{row['group_id']}").json()
    assert row["id"] in [r["id"] for r in group["reports"]]


def test_sources_count_documents(client: TestClient) -> None:
    rows = {r["outlet"]: r for r in client.get("/api/sources").json()["rows"]}
    assert rows["Kyiv Independent"]["documents"] == 2


# ---- aggregates ---------------------------------------------------------------------------------

def test_timeline_counts_every_filtered_claim(client: TestClient) -> None:
    body = client.get("/api/timeline").json()
    assert sum(b["count"] for b in body["buckets"]) == N_CLAIMS
    assert body["bucket"] in ("day", "week")
    starts = [b["start"] for b in body["buckets"]]
    assert starts == sorted(starts)
    month = client.get("/api/timeline?_bucket=month&party__eq=Russia").json()
    assert month["bucket"] == "month"
    assert sum(b["count"] for b in month["buckets"]) == client.get("/api/claims?party__eq=Russia").json()["total"]


def test_map_never_turns_areas_into_points(client: TestClient) -> None:
    body = client.get("/api/map").json()
    assert {p["precision"] for p in body["points"]} <= {"point", "admin2"}
    assert sum(p["count"] for p in body["points"]) == 5  # 4 at Bakhmut, 1 at Kherson
    assert [a["admin1"] for a in body["areas"]] == ["Kharkiv Oblast"]
    assert body["unplaced"]["country"] == 1 and body["unplaced"]["region"] == 1
    bakhmut = [p for p in body["points"] if p["place"] == "Bakhmut"]
    assert bakhmut and bakhmut[0]["count"] == 4


# ---- OpenAPI ------------------------------------------------------------------------------------

def test_openapi_documents_every_parameter(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, table in [("/api/claims", "claims"), ("/api/events", "events"), ("/api/claim-groups", "claim_groups"),
                        ("/api/documents", "documents"), ("/api/sources", "sources")]:
        params = {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}
        for reserved in ("_size", "_next", "_sort", "_facet", "_facet_size", "_format", "_total"):
            assert params[reserved].get("description"), (path, reserved)
        for fld in filterable_fields(table):
            if fld == "bbox":
                assert "bbox" in params
                continue
            for op in OPS:
                assert f"{fld}__{op}" in params, (path, fld, op)
                assert params[f"{fld}__{op}"]["description"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                assert p.get("description"), (method, path, p["name"])
    assert "post" in spec["paths"]["/api/documents"]
    assert "/api/documents/{doc_id}" in spec["paths"]


def test_api_index_and_config(client: TestClient) -> None:
    assert client.get("/api").json()["ok"] is True
    cfg = client.get("/api/config").json()
    assert cfg["writable"] is False and cfg["tile_url"] is None
    assert "party" in cfg["fields"]["claims"]


# ---- POST /api/documents ------------------------------------------------------------------------

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A fresh ledger with a token, and an extractor stub (the real one is tested at the end)."""
    from tests.conftest import make_claim

    from claimledger import core
    from claimledger.core import DocResult

    def fake_extract(docs: Any, batch_size: int = 64) -> Iterator[DocResult]:
        for d in docs:
            doc = core.as_document(d)
            c = make_claim(text=doc.text[:40], doc_id=doc.id)
            yield DocResult(document=doc, claims=[c])

    monkeypatch.setattr(core, "extract_documents", fake_extract)
    led = Ledger.open(f"sqlite:///{tmp_path / 'w.db'}")
    yield TestClient(create_app(led, ApiSettings(token=TOKEN)), raise_server_exceptions=False)
    led.close()


ARTICLE = {"text": "Officials said 12 Russian soldiers were killed near Vuhledar on Monday in a drone strike.",
           "published": "2025-02-03", "title": "Vuhledar", "speaker": None}


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401),
    ({"Authorization": "Bearer wrong"}, 401),
    ({"Authorization": f"Basic {TOKEN}"}, 401),
    ({"Authorization": f"Bearer {TOKEN}x"}, 401),
    ({"Authorization": "Bearer "}, 401),
])
def test_post_needs_the_right_token(writable: TestClient, headers: dict[str, str], status: int) -> None:
    r = writable.post("/api/documents", json=ARTICLE, headers=headers)
    assert r.status_code == status
    assert r.json()["ok"] is False
    assert r.headers.get("www-authenticate") == "Bearer"
    assert writable.get("/api/documents").json()["total"] == 0


def test_post_stores_then_skips_the_same_text(writable: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writable.post("/api/documents", json=ARTICLE, headers=auth)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["ok"] is True and body["status"] == "stored" and body["claims"] == 1
    doc = writable.get(body["document_url"]).json()
    assert doc["document"]["text"] == ARTICLE["text"] and doc["document"]["title"] == "Vuhledar"
    again = writable.post("/api/documents", json=ARTICLE, headers=auth)
    assert again.status_code == 200 and again.json()["status"] == "skipped"
    assert writable.get("/api/documents").json()["total"] == 1


def test_repeat_views_come_from_the_response_cache_until_the_ledger_changes(writable: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert writable.post("/api/documents", json=ARTICLE, headers=auth).status_code == 201
    led = writable.app.state.ledger  # type: ignore[attr-defined]
    calls: list[str] = []
    original = led.facet_counts

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        return original(*args, **kwargs)

    led.facet_counts = counting
    url = "/api/facets?_facet=kind&_facet=party&party__eq=Russia"
    first = writable.get(url)
    assert first.json()["facets"]["kind"]["results"][0]["count"] == 1 and calls == ["kind", "party"]
    again = writable.get(url)
    assert again.content == first.content and calls == ["kind", "party"]  # the same bytes, nothing counted
    other = {**ARTICLE, "text": ARTICLE["text"].replace("12", "14"), "title": "Vuhledar again"}
    assert writable.post("/api/documents", json=other, headers=auth).status_code == 201
    after = writable.get(url).json()  # a new ledger version: counted afresh, at once (no stale answer)
    assert after["facets"]["kind"]["results"][0]["count"] == 2 and len(calls) == 4


@pytest.mark.parametrize(("payload", "status", "words"), [
    ({}, 422, "give 'text' or 'url'"),
    ({"text": "   "}, 422, "give 'text' or 'url'"),
    ({"text": "x", "colour": "red"}, 422, "colour"),
    ({"text": "\x00\x01binary"}, 422, "binary"),
    ({"text": "Това е статия на български език за войната и загубите на фронта, " * 5}, 422, "unsupported language"),
    ({"url": "ftp://example.org/a"}, 422, "only http and https"),
    ({"url": "/etc/passwd"}, 422, "only http and https"),  # never a file of the server
    ({"url": "examples/articles"}, 422, "only http and https"),
    ({"url": "http://0177.0.0.1/"}, 422, "not a valid IPv4 address"),  # octal spelling of 127.0.0.1
    ({"text": "The army said 3 soldiers were killed.", "title": ["a", "b"]}, 422, "title"),
    ({"text": "The army said 3 soldiers were killed.", "published": "2025-13-45T99:99:99+25:00"}, 422,
     "not a real date"),
    ({"text": "The army said 3 soldiers were killed.", "published": "2999-12-31"}, 422, "future"),
    ({"url": "http://127.0.0.1:9/"}, 422, "loopback"),
])
def test_post_rejects_bad_documents(writable: TestClient, payload: dict[str, Any], status: int, words: str) -> None:
    r = writable.post("/api/documents", json=payload, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == status, r.text
    assert r.json()["ok"] is False and words in r.json()["error"]


def test_post_failures_are_recorded_like_any_run(tmp_path: Path) -> None:
    led = Ledger.open(f"sqlite:///{tmp_path / 'f.db'}")
    try:
        c = TestClient(create_app(led, ApiSettings(token=TOKEN)), raise_server_exceptions=False)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert c.post("/api/documents", json={"text": "\x00\x01binary", "id": "bad-1"}, headers=auth).status_code == 422
        assert c.post("/api/documents", json={"url": "http://127.0.0.1:9/x"}, headers=auth).status_code == 422
        recorded = led.failures()
        assert [(f["input"], f["stage"]) for f in recorded] == [("http://127.0.0.1:9/x", "fetch"), ("bad-1", "read")]
        assert "loopback" in recorded[0]["reason"] and "binary" in recorded[1]["reason"]
        assert all(f["run_sources"] == ["POST /api/documents"] for f in recorded)
    finally:
        led.close()


def test_read_only_without_token(client: TestClient) -> None:
    r = client.post("/api/documents", json=ARTICLE, headers={"Authorization": "Bearer anything"})
    assert r.status_code == 403
    assert "read-only" in r.json()["error"]


def test_post_with_the_real_extractor(tmp_path: Path) -> None:
    """End to end: the lead's extraction pipeline, the store's write, reconcile, then read back."""
    from claimledger.core import extract

    led = Ledger.open(f"sqlite:///{tmp_path / 'real.db'}")
    try:
        c = TestClient(create_app(led, ApiSettings(token=TOKEN)), raise_server_exceptions=False)
        text = ("The General Staff of Ukraine said on Sunday that 120 Russian soldiers were killed near Bakhmut. "
                "Russia's Defence Ministry said 200 Ukrainian servicemen were killed there.")
        r = c.post("/api/documents", json={"text": text, "published": "2025-03-02", "source": "Test Wire"},
                   headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 201, r.text
        expected = extract(text, published="2025-03-02")
        assert r.json()["claims"] == len(expected) >= 1
        rows = c.get(f"/api/claims?document_id__eq={r.json()['document_id']}").json()["rows"]
        assert sorted((x["kind"], x["victim"]["party"]) for x in rows) == sorted(
            (x.kind, x.victim.party) for x in expected)
    finally:
        led.close()


# ---- time budgets (big enough a ledger that counting is real work) -------------------------------

BIG_PER_DOC = 5000  # 50,000 claims: counting them takes several ms even on PostgreSQL (timeouts are 1 ms)
BIG_UKRAINE = 10 * len(range(0, BIG_PER_DOC, 3))
BIG_RUSSIA = 10 * BIG_PER_DOC - BIG_UKRAINE


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def big_ledger(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    from tests.conftest import make_claim

    from claimledger.model import Document
    from claimledger.store.repo import store_document

    schema = None
    if request.param == "sqlite":
        led = Ledger.open(f"sqlite:///{tmp_path_factory.mktemp('big') / 'big.db'}")
    else:
        require_pg()
        schema = f"big_{uuid.uuid4().hex[:10]}"
        led = Ledger.open(PG_URL, schema=schema)
    for i in range(10):
        text = f"Report {i}: the General Staff said Russian soldiers were killed near the front."
        doc = Document(id=f"big{i}", text=text, published=f"2025-01-{i + 1:02d}", source="Wire" if i % 2 else "Daily")
        claims = [make_claim(low=j, high=j, party="Russia" if j % 3 else "Ukraine", doc_id=doc.id, text=text,
                             start=doc.published, place="Bakhmut", lat=48.59, lon=38.0, admin1="Donetsk Oblast")
                  for j in range(BIG_PER_DOC)]
        store_document(led.db, doc, claims)
    try:
        yield led
    finally:
        led.close()
        if schema:
            drop_pg_schema(schema)


def test_total_is_exact_within_the_budget(big_ledger: Ledger) -> None:
    settings = ApiSettings(token=None, count_budget_ms=10_000)  # generous: this test is about exactness
    c = TestClient(create_app(big_ledger, settings), raise_server_exceptions=False)
    body = c.get("/api/claims?_size=10&party__eq=Russia").json()
    assert body["total"] == BIG_RUSSIA and body["total_truncated"] is False


def test_total_past_the_budget_is_null_until_counted_exactly(big_ledger: Ledger) -> None:
    # quantity__gte=0 (every claim): a filter the summary tables cannot answer, so the claims are counted
    settings = ApiSettings(token=None, count_budget_ms=0)
    c = TestClient(create_app(big_ledger, settings), raise_server_exceptions=False)
    body = c.get("/api/claims?_size=10&party__eq=Ukraine&quantity__gte=0").json()
    assert body["ok"] is True and len(body["rows"]) == 10
    assert body["total"] is None and body["total_truncated"] is True
    exact = c.get("/api/claims?_size=1&party__eq=Ukraine&quantity__gte=0&_total=exact").json()
    assert exact["total"] == BIG_UKRAINE and exact["total_truncated"] is False
    again = c.get(body["next_url"]).json()  # the exact count is cached: later pages have it at once
    assert again["total"] == BIG_UKRAINE
    assert c.get("/api/claims?_size=10&kind__eq=killed&_total=0").json()["total_truncated"] is False


def test_facets_and_aggregates_report_a_timeout(big_ledger: Ledger) -> None:
    settings = ApiSettings(token=None, facet_budget_ms=0, aggregate_budget_ms=0)
    q = "quantity__gte=0"  # every claim, but not from the summary tables: the claims are scanned
    c = TestClient(create_app(big_ledger, settings), raise_server_exceptions=False)
    facets = c.get(f"/api/claims?_size=5&_facet=party&{q}").json()["facets"]["party"]
    assert facets["timed_out"] is True and facets["results"] == []
    assert c.get(f"/api/timeline?{q}").json()["timed_out"] is True
    assert c.get(f"/api/map?{q}").json()["timed_out"] is True
    # _wait=1 gives them the long budget; what it computed is cached, so the quick request has it next
    waited = c.get(f"/api/facets?_facet=party&_wait=1&{q}").json()["facets"]["party"]
    assert waited["timed_out"] is False and {r["value"] for r in waited["results"]} == {"Russia", "Ukraine"}
    assert c.get(f"/api/facets?_facet=party&{q}").json()["facets"]["party"]["timed_out"] is False
    assert c.get(f"/api/map?_wait=1&{q}").json()["timed_out"] is False
    assert c.get(f"/api/map?{q}").json()["points"][0]["count"] == 10 * BIG_PER_DOC
    assert sum(b["count"] for b in c.get(f"/api/timeline?_wait=1&{q}").json()["buckets"]) == 10 * BIG_PER_DOC
    # an interrupted query leaves nothing behind: the same connections answer normal requests
    ok = TestClient(create_app(big_ledger, ApiSettings(token=None, facet_budget_ms=30_000)),
                    raise_server_exceptions=False)
    facets = ok.get(f"/api/claims?_size=5&_facet=party&{q}").json()["facets"]["party"]
    assert facets["timed_out"] is False and {r["value"]: r["count"] for r in facets["results"]} == {
        "Russia": BIG_RUSSIA, "Ukraine": BIG_UKRAINE}
    assert sum(b["count"] for b in ok.get(f"/api/timeline?{q}").json()["buckets"]) == 10 * BIG_PER_DOC


def test_summaries_give_exact_totals_facets_and_aggregates_in_one_round(big_ledger: Ledger) -> None:
    """The page budgets of today stay for what the summaries cannot answer (a quantity, a box)."""
    settings = ApiSettings(token=None, count_budget_ms=0, facet_budget_ms=0, aggregate_budget_ms=0)
    c = TestClient(create_app(big_ledger, settings), raise_server_exceptions=False)
    body = c.get("/api/claims?_size=10&party__eq=Ukraine&_facet=party&_facet=kind&_facet=outlet").json()
    assert body["total"] == BIG_UKRAINE and body["total_truncated"] is False
    assert {r["value"]: r["count"] for r in body["facets"]["party"]["results"]} == {
        "Russia": BIG_RUSSIA, "Ukraine": BIG_UKRAINE}
    assert {r["value"]: r["count"] for r in body["facets"]["outlet"]["results"]} == {
        "Wire": BIG_UKRAINE // 2, "Daily": BIG_UKRAINE // 2}
    timeline = c.get("/api/timeline?party__eq=Ukraine").json()
    assert timeline["timed_out"] is False and sum(b["count"] for b in timeline["buckets"]) == BIG_UKRAINE
    assert c.get("/api/map").json()["points"][0]["count"] == 10 * BIG_PER_DOC
    slow = c.get("/api/claims?_size=10&quantity__gte=10").json()
    assert slow["total"] is None and slow["total_truncated"] is True


def test_concurrent_requests_for_one_aggregate_compute_it_once(big_ledger: Ledger) -> None:
    import threading
    import time

    from claimledger.api.budget import Counter

    counter, calls = Counter(big_ledger), []

    def compute() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 42

    got: list[int | None] = []
    threads = [threading.Thread(target=lambda: got.append(counter.cached(("k",), compute, 5_000)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [42] * 8 and len(calls) == 1


def test_a_count_past_its_budget_is_not_tried_again_within_that_budget(big_ledger: Ledger) -> None:
    from claimledger.api.budget import Counter
    from claimledger.store import BudgetExceeded

    counter, calls = Counter(big_ledger), []

    def compute() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise BudgetExceeded("past the budget")
        return 7

    assert counter.cached(("k",), compute, 15) is None and len(calls) == 1
    assert counter.cached(("k",), compute, 15) is None and len(calls) == 1  # no second try at 15 ms
    assert counter.cached(("k",), compute, 60_000) == 7 and len(calls) == 2  # a longer budget counts it
    assert counter.cached(("k",), compute, 15) == 7 and len(calls) == 2  # and then everyone has it


# ---- the command ------------------------------------------------------------------------------------

def test_serve_command_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from claimledger.api.server import free_port

    db = f"sqlite:///{tmp_path / 'serve.db'}"
    build_sample_ledger(db).close()
    port = free_port()
    env = {**os.environ, "CLAIMLEDGER_TOKEN": "tok", "CLAIMLEDGER_TILE_URL": "https://{s}.tiles.example/{z}/{x}/{y}.png"}
    proc = subprocess.Popen([sys.executable, "-c", "from claimledger.cli import main; main()", "serve", "--db", db,
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/config", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        cfg = r.json()
        assert cfg["writable"] is True and cfg["tile_url"].startswith("https://{s}.tiles.example")
        assert "img-src 'self' data: https://*.tiles.example" in r.headers["content-security-policy"]
        assert httpx.get(f"http://127.0.0.1:{port}/api/claims", timeout=5).json()["total"] == N_CLAIMS
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        err = proc.stderr.read().decode() if proc.stderr else ""
        assert f"http://127.0.0.1:{port}/" in err and "writes need the bearer token" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
