"""Near-dups, claim groups, events and tallies on both backends, with hand-built claims."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import make_claim

from claimledger.model import Document
from claimledger.reconcile import reconcile, tally_series
from claimledger.reconcile.events import summarize_party
from claimledger.reconcile.records import ClaimInfo
from claimledger.store import Filter, Ledger
from claimledger.store.repo import store_document

WIRE = ("KYIV, Jan 7 (Wire) - Ukraine's special operations forces said on Tuesday that thirteen North Korean "
        "soldiers were killed in fighting in the Kursk region, where Pyongyang has sent thousands of troops to "
        "help Moscow push back a Ukrainian incursion. The forces published a video of the clash near the village.")


def doc(i: int, text: str, published: str, source: str, url: str | None = None) -> Document:
    return Document(id=f"doc{i}", text=text, published=published, source=source, url=url or f"https://{source}/{i}")


def kursk(**kw: object) -> object:
    base: dict[str, object] = dict(low=13, high=13, party="North Korea", place="Kursk", admin1="Kursk Oblast",
                                   lat=51.73, lon=36.19, country="RU", start="2025-01-06", stated_on="2025-01-07")
    base.update(kw)
    return make_claim(**base)  # type: ignore[arg-type]


def test_wire_copies_are_linked_and_counted_once(ledger: Ledger) -> None:
    store_document(ledger.db, doc(1, WIRE, "2025-01-07", "wire.example"), [kursk()])
    store_document(ledger.db, doc(2, WIRE + " Reporting by A. Writer.", "2025-01-08", "paper-a.example"),
                   [kursk(stated_on="2025-01-08")])
    store_document(ledger.db, doc(3, "The Pentagon repeated Ukraine's figure: 13 North Korean soldiers died in "
                                  "Kursk on Monday, a spokesman said.", "2025-01-09", "paper-b.example"),
                   [kursk(stated_on="2025-01-09")])
    # same key but stated a month later: a different claim group
    store_document(ledger.db, doc(4, "A month on, officials again said 13 North Koreans were killed.",
                                  "2025-02-10", "paper-c.example"), [kursk(stated_on="2025-02-10", start=None)])
    rep = reconcile(ledger)
    assert rep.near_dups == 1 and rep.claims == 4
    docs = {d["doc_id"]: d for d in ledger.iter_rows("documents")}
    assert docs["doc2"]["near_dup_of"] == docs["doc1"]["id"]
    groups = ledger.query("claim_groups", order="date").rows
    assert [(g["n_reports"], g["n_independent"]) for g in groups] == [(3, 2), (1, 1)]
    full = ledger.get_group(groups[0]["id"])
    assert full is not None
    assert [r["doc_id"] for r in full["reports"]] == ["doc1", "doc2", "doc3"]
    assert full["reports"][1]["wire_copy_of"] == docs["doc1"]["id"]
    assert full["original_document_id"] == docs["doc1"]["id"]


def test_competing_claims_form_one_event_with_a_summary(ledger: Ledger) -> None:
    store_document(ledger.db, doc(1, "Kyiv says 100 Russian soldiers were killed near Pokrovsk on Monday.",
                                  "2025-01-07", "kyiv.example"),
                   [make_claim(low=100, high=100, place="Pokrovsk", admin1="Donetsk Oblast", lat=48.28, lon=37.18,
                               start="2025-01-06", side="Ukraine")])
    store_document(ledger.db, doc(2, "Moscow says it lost no more than 10 men near Pokrovsk, denying Kyiv's claim.",
                                  "2025-01-08", "moscow.example"),
                   [make_claim(low=None, high=10, qualifier="at_most", place="Myrnohrad", admin1="Donetsk Oblast",
                               lat=48.30, lon=37.26, start="2025-01-06", side="Russia", name="Russian MoD")])
    store_document(ledger.db, doc(3, "Ukraine lost 40 soldiers near Pokrovsk, Russia's defence ministry says.",
                                  "2025-01-08", "moscow.example"),
                   [make_claim(low=40, high=40, party="Ukraine", side="Russia", place="Pokrovsk", lat=48.28,
                               lon=37.18, admin1="Donetsk Oblast", start="2025-01-07")])
    store_document(ledger.db, doc(4, "Far away in Kherson, 3 civilians were killed.", "2025-01-08", "kyiv.example"),
                   [make_claim(low=3, high=3, party=None, place="Kherson", admin1="Kherson Oblast", lat=46.63,
                               lon=32.61, start="2025-01-07")])
    reconcile(ledger)
    events = ledger.query("events", order="id").rows
    assert len(events) == 2
    e = ledger.get_event(events[0]["id"])
    assert e is not None
    assert e["n_claims"] == 3 and e["n_sides"] == 2 and set(e["parties"]) == {"Russia", "Ukraine"}
    russia = e["summary"]["deaths"]["Russia"]
    assert (russia["low"], russia["best"], russia["high"]) == (10, 55, 100)
    assert e["summary"]["deaths"]["Ukraine"]["best"] == 40
    assert e["deaths"] == {"low": 50, "best": 95, "high": 140}
    assert "median" in e["rule"]
    sides = {(c["side"], c["party"]) for c in e["summary"]["claims"]}
    assert sides == {("Ukraine", "Russia"), ("Russia", "Russia"), ("Russia", "Ukraine")}
    assert ledger.query("events", [Filter("party", "eq", "Russia")]).total == 1
    assert ledger.query("claims", [Filter("event_id", "eq", events[0]["id"])]).total == 3


def test_running_totals_become_tallies_never_event_counts(ledger: Ledger) -> None:
    store_document(ledger.db, doc(1, "Over 38,000 Russian soldiers have been killed in Kursk since August.",
                                  "2025-01-08", "kyiv.example"),
                   [make_claim(low=38000, high=None, qualifier="at_least", place="Kursk", admin1="Kursk Oblast",
                               start="2024-08-06", end="2025-01-08", time_precision="period")])
    store_document(ledger.db, doc(2, "The total is now 40,000 since August, officials said.", "2025-01-20",
                                  "kyiv.example"),
                   [make_claim(low=40000, high=None, qualifier="at_least", start="2024-08-06", end="2025-01-20",
                               time_precision="period", place="Kursk", admin1="Kursk Oblast")])
    rep = reconcile(ledger)
    assert rep.tallies == 2
    assert ledger.query("events").total == 0
    series = tally_series(ledger, side="Ukraine", party="Russia", kind="killed")
    assert [(p["as_of"], p["quantity"]["low"]) for p in series] == [("2025-01-08", 38000), ("2025-01-20", 40000)]
    assert ledger.query("claims", [Filter("is_tally", "eq", True)]).total == 2
    page = ledger.query("tallies", [Filter("party", "eq", "Russia"), Filter("side", "eq", "Ukraine")], limit=1)
    assert page.total == 2 and page.next_cursor is not None
    row = page.rows[0]
    assert (row["date"], row["since"], row["quantity"]["low"], row["kind"]) == ("2025-01-08", "2024-08-06", 38000,
                                                                               "killed")
    assert "_sort" not in row and row["outlet"] == "kyiv.example"
    nxt = ledger.query("tallies", [Filter("party", "eq", "Russia")], cursor=page.next_cursor, limit=1)
    assert nxt.rows[0]["quantity"]["low"] == 40000


def test_incremental_equals_rebuild_and_revisions_leave_groups(ledger: Ledger) -> None:
    store_document(ledger.db, doc(1, "Ten Russians killed near Bakhmut, Kyiv said.", "2025-03-01", "a.example",
                                  url="https://a.example/x"),
                   [make_claim(place="Bakhmut", admin1="Donetsk Oblast", lat=48.59, lon=38.0, start="2025-03-01")])
    reconcile(ledger)
    store_document(ledger.db, doc(2, "Kyiv: ten Russians were killed near Bakhmut.", "2025-03-02", "b.example"),
                   [make_claim(place="Bakhmut", admin1="Donetsk Oblast", lat=48.59, lon=38.0, start="2025-03-01")])
    reconcile(ledger)
    inc = ledger.query("claim_groups").rows
    assert [g["n_reports"] for g in inc] == [2]
    assert ledger.query("events").rows[0]["n_claims"] == 2
    reconcile(ledger, rebuild=True)
    assert [g["n_reports"] for g in ledger.query("claim_groups").rows] == [2]
    assert ledger.query("events").rows[0]["n_claims"] == 2
    # the first page changes its figure: its old claim leaves the group and the event
    store_document(ledger.db, doc(1, "Correction: twelve Russians killed near Bakhmut.", "2025-03-01", "a.example",
                                  url="https://a.example/x"),
                   [make_claim(low=12, high=12, place="Bakhmut", admin1="Donetsk Oblast", lat=48.59, lon=38.0,
                               start="2025-03-01")])
    rep = reconcile(ledger)
    assert rep.stale == 1
    assert sorted(g["n_reports"] for g in ledger.query("claim_groups").rows) == [1, 1]
    event = ledger.query("events").rows[0]
    assert event["n_claims"] == 2 and event["deaths"]["high"] == 12


def _info(low: int | None, high: int | None, side: str, stance: str = "asserted", i: int = 1) -> ClaimInfo:
    return ClaimInfo(id=i, document_id=i, kind="killed", party="Russia", side=side, name=None, low=low, high=high,
                     qualifier=None, stance=stance, stated="2025-01-01", date_start=None, date="2025-01-01",
                     time_precision="day", place="X", admin1=None, country=None, lat=None, lon=None, precision=None,
                     evidence="", group_key="", group_id=None, event_id=None, is_tally=False, current=True,
                     published=None, outlet=None, doc_root=i)


@pytest.mark.parametrize(("claims", "expected"), [
    ([_info(10, 10, "A")], (10, 10, 10)),
    ([_info(10, 10, "A"), _info(30, 30, "B", i=2)], (10, 20, 30)),
    ([_info(10, 20, "A")], (10, 15, 20)),
    ([_info(100, None, "A")], (100, 100, 100)),
    ([_info(None, 50, "A"), _info(0, 0, "B", "denied", 2)], (0, 25, 50)),
    ([_info(None, None, "A")], None),
])
def test_summary_rule(claims: list[ClaimInfo], expected: tuple[int, int, int] | None) -> None:
    s = summarize_party(claims)
    assert (None if s is None else (s["low"], s["best"], s["high"])) == expected


def test_a_copy_ingested_before_its_original_is_relinked(ledger: Ledger) -> None:
    store_document(ledger.db, doc(2, WIRE + " Reporting by A. Writer.", "2025-01-08", "paper-a.example"),
                   [kursk(stated_on="2025-01-08")])
    reconcile(ledger)
    assert ledger.query("claim_groups").rows[0]["n_independent"] == 1
    store_document(ledger.db, doc(5, "Officials in Kyiv said on Tuesday that thirteen North Korean soldiers were "
                                  "killed in Kursk, according to a statement.", "2025-01-07", "paper-b.example"),
                   [kursk()])
    store_document(ledger.db, doc(1, WIRE, "2025-01-07", "wire.example"), [kursk()])
    rep = reconcile(ledger)
    assert rep.near_dups == 1
    docs = {d["doc_id"]: d for d in ledger.iter_rows("documents")}
    assert docs["doc2"]["near_dup_of"] == docs["doc1"]["id"] and docs["doc1"]["near_dup_of"] is None
    g = ledger.query("claim_groups").rows
    assert [(x["n_reports"], x["n_independent"]) for x in g] == [(3, 2)]
    full = ledger.get_group(g[0]["id"])
    assert full is not None and full["reports"][0]["doc_id"] in ("doc1", "doc5")
    assert [r["wire_copy_of"] for r in full["reports"] if r["doc_id"] == "doc2"] == [docs["doc1"]["id"]]


def test_tallies_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from claimledger.cli import main

    url = f"sqlite:///{tmp_path / 't.db'}"
    led = Ledger.open(url)
    for i, (day, n) in enumerate([("2025-01-08", 38000), ("2025-02-01", 41000)]):
        store_document(led.db, doc(i, f"Over {n} Russian soldiers have been killed since August.", day, "k.example"),
                       [make_claim(low=n, high=None, qualifier="at_least", start="2024-08-06", end=day,
                                   time_precision="period", stated_on=day)])
    reconcile(led)
    res = CliRunner().invoke(main, ["tallies", "--db", url, "--party", "Russia", "--format", "csv"])
    assert res.exit_code == 0, res.output
    lines = [x for x in res.stdout.splitlines() if x and not x.startswith("#")]
    assert lines[0].startswith("id,date,since,side") and [x.split(",")[1] for x in lines[1:]] == [
        "2025-01-08", "2025-02-01"]


def test_events_that_later_claims_show_to_be_one_are_merged(ledger: Ledger) -> None:
    near = {"place": "Avdiivka", "admin1": "Donetsk Oblast", "lat": 48.14, "lon": 37.74}
    store_document(ledger.db, doc(1, "Ukraine said 10 Russian soldiers were killed near Avdiivka.", "2025-01-01",
                                  "a.example"), [make_claim(low=10, high=10, start="2025-01-01", **near)])
    store_document(ledger.db, doc(2, "Ukraine said 12 Russian soldiers were killed near Avdiivka.", "2025-01-09",
                                  "b.example"), [make_claim(low=12, high=12, start="2025-01-09", **near)])
    reconcile(ledger)
    assert ledger.query("events").total == 2  # eight days apart: two events
    # a later report covers the whole week between them: the two were one event
    store_document(ledger.db, doc(3, "Ukraine said 30 Russian soldiers were killed near Avdiivka that week.",
                                  "2025-01-10", "c.example"),
                   [make_claim(low=30, high=30, start="2025-01-02", end="2025-01-08", time_precision="week", **near)])
    rep = reconcile(ledger)
    events = list(ledger.iter_rows("events"))
    assert len(events) == 1 and rep.events_touched >= 1
    merged = events[0]
    assert (merged["date_start"], merged["date_end"], merged["n_claims"]) == ("2025-01-01", "2025-01-09", 3)
    assert {c["event_id"] for c in ledger.iter_rows("claims")} == {merged["id"]}


def test_undated_claims_stay_undated_and_build_no_event(ledger: Ledger) -> None:
    undated = Document(id="u1", text="Ukraine said 7 Russian soldiers were killed near Avdiivka.", source="x")
    store_document(ledger.db, undated, [make_claim(low=7, high=7, place="Avdiivka", admin1="Donetsk Oblast",
                                                   lat=48.14, lon=37.74)])
    reconcile(ledger)
    [row] = ledger.query("claims", [Filter("date", "eq", None)]).rows
    assert row["stated_on"] is None and row["event_id"] is None
    assert ledger.query("events").total == 0


def _strike(i: int, ledger: Ledger, text: str, source: str, **kw: object) -> None:
    base: dict[str, object] = dict(low=4, high=4, party=None, victim_type="civilian", place="Riverton",
                                   admin1="Lakeside Oblast", lat=47.0, lon=35.0, start="2025-03-03",
                                   stated_on="2025-03-03")
    base.update(kw)
    store_document(ledger.db, doc(i, text, "2025-03-03", source), [make_claim(**base)])  # type: ignore[arg-type]


def test_competing_accounts_of_one_strike_stay_one_event_with_both_attributions(ledger: Ledger) -> None:
    _strike(1, ledger, "A governor says enemy rockets killed four people at the Riverton market.", "a.example",
            side="Ukraine", perpetrator="Russia", perpetrator_text="enemy rockets")
    _strike(2, ledger, "A ministry says a stray interceptor of the other side killed four at the market.",
            "b.example", side="Russia", name="Ministry", perpetrator="Ukraine", perpetrator_text="interceptor")
    reconcile(ledger)
    events = ledger.query("events").rows
    assert len(events) == 1
    e = events[0]
    assert e["perpetrators"] == ["Russia", "Ukraine"] and e["victims"] == ["civilians"]
    assert e["summary"]["perpetrators"] == {"Russia": {"n_claims": 1, "sides": ["Ukraine"]},
                                            "Ukraine": {"n_claims": 1, "sides": ["Russia"]}}
    assert {c["perpetrator"] for c in e["summary"]["claims"]} == {"Russia", "Ukraine"}


def test_different_attackers_on_different_victims_stay_apart(ledger: Ledger) -> None:
    # a raid on villagers and an army strike on fighters, the same province, the same day, other towns
    _strike(1, ledger, "Police say gunmen of a named group killed four villagers in Riverton.", "a.example",
            side="Nigeria", perpetrator="Boko Haram", country="NG")
    _strike(2, ledger, "The army says its jets killed 20 fighters near Hilltop.", "b.example", side="Nigeria",
            perpetrator="Nigeria", party="Boko Haram", victim_type="military", low=20, high=20, place="Hilltop",
            lat=47.9, lon=35.9, country="NG")
    reconcile(ledger)
    events = ledger.query("events", order="id").rows
    assert [e["perpetrators"] for e in events] == [["Boko Haram"], ["Nigeria"]]
    assert ledger.query("events", [Filter("perpetrator", "eq", "Nigeria")]).total == 1
    assert ledger.query("events", [Filter("perpetrator", "eq", None)]).total == 0
    assert ledger.query("events", [Filter("victims", "eq", "civilians")]).total == 1


def test_the_two_sides_of_one_clash_are_one_event(ledger: Ledger) -> None:
    _strike(9, ledger, "A mayor says a blast killed two people in a far town.", "c.example", side="Ukraine",
            place="Far Town", admin1="Other Oblast", lat=40.0, lon=30.0)
    _strike(1, ledger, "Kyiv says its troops killed 30 attackers at Riverton.", "a.example", side="Ukraine",
            party="Russia", victim_type="military", low=30, high=30, perpetrator="Ukraine")
    _strike(2, ledger, "Moscow says its troops killed 40 defenders near Riverton.", "b.example", side="Russia",
            party="Ukraine", victim_type="military", low=40, high=40, perpetrator="Russia", place="Riverton outskirts",
            lat=47.05, lon=35.05)
    reconcile(ledger)
    assert ledger.query("events").total == 2  # the clash, and the blast elsewhere
    assert ledger.query("events", [Filter("perpetrator", "eq", None)]).rows[0]["place"] == "Far Town"


@pytest.mark.parametrize(("perps", "victims", "other_perps", "other_victims", "spot", "agree"), [
    (set(), {"civilians"}, {"Russia"}, {"civilians"}, False, True),  # one names nobody
    ({"Russia"}, {"civilians"}, {"Russia"}, {"Ukraine"}, False, True),  # a common attacker
    ({"Russia"}, {"Ukraine"}, {"Ukraine"}, {"Russia"}, False, True),  # two sides of one clash
    ({"Russia"}, {"civilians"}, {"Ukraine"}, {"civilians"}, True, True),  # competing accounts, same spot
    ({"Russia"}, {"civilians"}, {"Ukraine"}, {"civilians"}, False, False),  # same province only
    ({"CJNG"}, {"unknown"}, {"Sinaloa Cartel"}, {"unknown"}, True, False),  # unknown victims prove nothing
    ({"Boko Haram"}, {"civilians"}, {"Nigeria"}, {"Boko Haram"}, True, False),  # different attackers and victims
])
def test_attackers_agree(perps: set[str], victims: set[str], other_perps: set[str], other_victims: set[str],
                         spot: bool, agree: bool) -> None:
    from claimledger.reconcile.events import attackers_agree

    assert attackers_agree(perps, victims, other_perps, other_victims, spot) is agree
