"""The summary tables give exactly the row store's numbers: facet counts, totals, the timeline and
the map equal `SELECT count(*)` (and the row store's GROUP BYs) over the same filters, for many
filter combinations on a generated ledger written through the ordinary write path (new documents,
revisions, re-extractions), on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
import time
from itertools import combinations
from typing import Any

import pytest
from tests.conftest import make_claim

from claimledger.model import Claim, Document
from claimledger.store import Filter, Ledger
from claimledger.store import aggregates as agg
from claimledger.store import query as q
from claimledger.store.columnar import Columnar
from claimledger.store.repo import replace_claims, store_document

KINDS = ["killed", "killed", "wounded", "captured", "equipment_destroyed"]
PARTIES = ["Russia", "Russia", "Ukraine", None, "Wagner Group"]
PLACES = [("Alpha", "North Oblast", 50.123, 30.456), ("Beta", "North Oblast", 50.129, 30.451),
          ("Gamma", "South Oblast", 46.5, 32.6), ("Delta", "East Oblast", 48.005, 37.995)]
MEANS = [[], ["drone"], ["artillery"], ["drone", "artillery"], ["missile"]]
OUTLETS = ["Wire One", "Daily Two", "Herald Three"]
DAYS = [f"2024-0{m}-{d:02d}" for m in (1, 2, 3) for d in (1, 5, 9, 17, 28)]


def random_claim(rnd: random.Random) -> Claim:
    party = rnd.choice(PARTIES)
    name, admin1, lat, lon = rnd.choice(PLACES)
    precision = rnd.choice(["point", "point", "admin2", "admin1", "country"])
    placed = rnd.random() < 0.8
    day = rnd.choice(DAYS)
    return make_claim(
        perpetrator={"Ukraine": "Russia", "Russia": "Ukraine"}.get(party), kind=rnd.choice(KINDS), party=party, side=rnd.choice(["Ukraine", "Russia", None]),
        low=rnd.choice([1, 5, 40]), high=rnd.choice([None, 40]),
        place=name if placed else None, admin1=admin1 if precision != "country" else None,
        lat=lat + rnd.uniform(-0.004, 0.004) if precision != "country" else None,
        lon=lon + rnd.uniform(-0.004, 0.004) if precision != "country" else None,
        precision=precision, start=day if rnd.random() < 0.7 else None,
        stated_on=rnd.choice(DAYS) if rnd.random() < 0.8 else None, means=rnd.choice(MEANS))


LANGUAGES = ["en", "ru", "uk", None]


def build(ledger: Ledger, n_docs: int = 160, seed: int = 3) -> None:
    rnd = random.Random(seed)
    for i in range(n_docs):
        published = rnd.choice([*DAYS, None])
        doc = Document(id=f"g{i}", text=f"Generated report {i}.", url=f"https://gen.example/{i}",
                       published=published, source=rnd.choice([*OUTLETS, None]), language=LANGUAGES[i % 4])
        store_document(ledger.db, doc, [random_claim(rnd) for _ in range(rnd.randrange(0, 6))])
        if rnd.random() < 0.15:  # a changed text at the same URL: a revision supersedes the claims
            rev = Document(id=f"g{i}", text=f"Generated report {i}, updated.", url=f"https://gen.example/{i}",
                           published=published, source=doc.source, language=doc.language)
            store_document(ledger.db, rev, [random_claim(rnd) for _ in range(rnd.randrange(0, 4))])
        elif rnd.random() < 0.1:  # re-extraction of the same text: the claims are replaced
            replace_claims(ledger.db, doc, [random_claim(rnd) for _ in range(rnd.randrange(1, 4))])


SINGLE: list[Filter] = [
    Filter("kind", "eq", "killed"), Filter("kind", "in", "killed,wounded"), Filter("party", "eq", "Russia"),
    Filter("party", "eq", None), Filter("side", "eq", "Ukraine"), Filter("side", "in", "Russia,Ukraine"),
    Filter("precision", "eq", "point"), Filter("precision", "eq", None), Filter("outlet", "eq", "Wire One"),
    Filter("outlet", "in", "Daily Two,Herald Three"), Filter("means", "contains", "drone"),
    Filter("means", "in", "artillery,missile"), Filter("admin1", "eq", "North Oblast"),
    Filter("country", "eq", "UA"), Filter("date", "gte", "2024-02-01"), Filter("date", "lte", "2024-02-17"),
    Filter("party", "contains", "russ"), Filter("date", "eq", None), Filter("language", "eq", "ru"),
    Filter("language", "in", "en,uk"), Filter("perpetrator", "eq", "Russia"), Filter("perpetrator", "eq", ""),
]
COMBOS: list[list[Filter]] = [[], *([f] for f in SINGLE),
                              *([a, b] for a, b in combinations(SINGLE, 2) if a.field != b.field)]
COMBOS += [[Filter("kind", "eq", "killed"), Filter("party", "eq", "Russia"), Filter("side", "eq", "Ukraine"),
            Filter("date", "gte", "2024-01-05"), Filter("date", "lte", "2024-03-09")],
           [Filter("means", "contains", "drone"), Filter("means", "contains", "artillery"),
            Filter("outlet", "eq", "Wire One"), Filter("precision", "in", "point,admin2")]]
FACETS = ["party", "side", "kind", "means", "outlet", "precision", "admin1", "date", "language", "perpetrator"]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    import uuid

    from tests.conftest import PG_URL, drop_pg_schema, require_pg

    if request.param == "sqlite":
        led = Ledger.open(f"sqlite:///{tmp_path_factory.mktemp('summary') / 'l.db'}")
        build(led)
        yield led
        led.close()
        return
    require_pg()
    schema = f"sum_{uuid.uuid4().hex[:10]}"
    led = Ledger.open(PG_URL, schema=schema)
    try:
        build(led)
        yield led
    finally:
        led.close()
        drop_pg_schema(schema)


def _points(cells: agg.MapCells) -> set[tuple[Any, ...]]:
    return {(p.lat, p.lon, p.precision, p.place, p.count) for p in cells.points}


def _areas(cells: agg.MapCells) -> list[tuple[Any, ...]]:
    return sorted((a.admin1, a.country, a.count, round(a.lat or 0, 6), round(a.lon or 0, 6)) for a in cells.areas)


def test_the_generated_ledger_has_revisions_and_retired_claims(generated: Ledger) -> None:
    every = [Filter("current", "in", [True, False])]
    assert generated.count("claims", every) > generated.count("claims") > 300


def test_totals_equal_select_count(generated: Ledger) -> None:
    for filters in COMBOS:
        assert generated.summarizable(filters)
        assert generated.count("claims", filters) == q.count(generated.db, "claims", filters), filters


def test_facets_equal_group_by_over_claims(generated: Ledger) -> None:
    for filters in COMBOS:
        for field in FACETS:
            others = [f for f in filters if f.field != field]
            got = generated.facet_counts("claims", field, others, limit=200)
            want = q.facet_counts(generated.db, "claims", field, others, limit=200)
            assert got == want, (field, others)


def test_timeline_equals_claims_per_day(generated: Ledger) -> None:
    for filters in COMBOS:
        dateless = [f for f in filters if f.field != "date"]
        for fl in (filters, dateless):
            got = generated.claims_per_day(fl)
            want = agg.claims_per_day(generated.db, fl)
            assert sorted(got, key=str) == sorted(want, key=str), fl
            assert sum(n for _, n in got) == q.count(generated.db, "claims", fl)


def test_map_equals_map_cells_over_claims(generated: Ledger) -> None:
    for filters in COMBOS:
        got = generated.map_cells(filters)
        want = agg.map_cells(generated.db, filters)
        assert _points(got) == _points(want), filters
        assert _areas(got) == _areas(want), filters
        assert got.by_precision == want.by_precision, filters
        assert sum(got.by_precision.values()) == q.count(generated.db, "claims", filters)


def test_filters_the_summaries_cannot_answer_fall_back_to_the_claims(generated: Ledger) -> None:
    for filters in ([Filter("quantity", "gte", 10)], [Filter("bbox", "eq", "30,50,31,51")],
                    [Filter("evidence", "contains", "killed")], [Filter("current", "eq", False)]):
        assert not generated.summarizable(filters)
        assert generated.count("claims", filters) == q.count(generated.db, "claims", filters)
        assert generated.facet_counts("claims", "party", filters) == q.facet_counts(generated.db, "claims", "party",
                                                                                   filters)
    assert not generated.summarizable([], "stance")


def test_rebuild_gives_the_incremental_counts(generated: Ledger) -> None:
    from sqlalchemy import select

    from claimledger.store.models import ClaimCell, ClaimCount

    def snapshot() -> tuple[Any, ...]:
        with generated.db.reading() as s:
            # rows that went down to 0 stay until a rebuild: compare the others
            counts = sorted((r.cube, r.key, r.n, r.n_lat) for r in s.execute(select(ClaimCount)).scalars() if r.n)
            cells = sorted((r.cube, r.key, r.n) for r in s.execute(select(ClaimCell)).scalars() if r.n)
        return tuple(counts), tuple(cells)

    before = snapshot()
    generated.rebuild_summaries()
    assert snapshot() == before


def test_the_migration_backfills_an_existing_ledger(ledger_target: tuple[str, str | None]) -> None:
    """A ledger written before the summaries existed (downgraded to 0004) gets them counted when
    it is opened again (migration 0007's backfill)."""
    from alembic import command
    from alembic.config import Config

    from claimledger.store.db import MIGRATIONS

    url, schema = ledger_target
    led = Ledger.open(url, schema=schema)
    build(led, n_docs=40, seed=11)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with led.db.write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    with led.db.write_engine.connect() as conn:
        import sqlalchemy as sa

        assert "claim_counts" not in sa.inspect(conn).get_table_names()  # as before the summaries
    led.close()
    led = Ledger.open(url, schema=schema)
    try:
        for filters in COMBOS[:40]:
            assert led.count("claims", filters) == q.count(led.db, "claims", filters), filters
            got = led.facet_counts("claims", "party", [f for f in filters if f.field != "party"], limit=50)
            assert got == q.facet_counts(led.db, "claims", "party", [f for f in filters if f.field != "party"])
    finally:
        led.close()


def test_concurrent_writers_keep_the_summaries_exact(ledger: Ledger) -> None:
    """Four threads storing documents whose claims share summary rows (PostgreSQL: concurrent
    upserts of the same keys; SQLite: serialised writers) lose no count and do not deadlock."""
    import threading

    errors: list[BaseException] = []

    def writer(w: int) -> None:
        rnd = random.Random(w)
        try:
            for i in range(25):
                doc = Document(id=f"w{w}-{i}", text=f"Writer {w} report {i}.", url=f"https://w.example/{w}/{i}",
                               published=rnd.choice(DAYS), source=rnd.choice(OUTLETS))
                store_document(ledger.db, doc, [random_claim(rnd) for _ in range(4)])
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ledger.count("claims") == q.count(ledger.db, "claims") == 400
    for field in ("party", "kind", "outlet", "date"):
        assert ledger.facet_counts("claims", field, limit=100) == q.facet_counts(ledger.db, "claims", field, limit=100)
    assert _points(ledger.map_cells()) == _points(agg.map_cells(ledger.db))


def test_the_columnar_snapshot_gives_the_row_store_numbers(generated: Ledger, tmp_path: Any) -> None:
    col = Columnar(generated.db, tmp_path / "snap")
    assert col.build()
    for filters in COMBOS:
        assert col.count(filters) == q.count(generated.db, "claims", filters), filters
        for field in FACETS:
            others = [f for f in filters if f.field != field]
            assert col.facet_counts(field, others, 200) == q.facet_counts(generated.db, "claims", field, others,
                                                                           limit=200), (field, others)
        got_days = col.claims_per_day(filters)
        assert got_days is not None
        assert sorted(got_days, key=str) == sorted(agg.claims_per_day(generated.db, filters), key=str), filters
        got, want = col.map_cells(filters, 5000), agg.map_cells(generated.db, filters)
        assert got is not None
        assert _points(got) == _points(want), filters
        assert _areas(got) == _areas(want), filters
        assert got.by_precision == want.by_precision, filters


def test_a_snapshot_answers_only_its_own_ledger_version(ledger: Ledger, tmp_path: Any) -> None:
    """Before its snapshot exists, and once the ledger has changed, the columnar path answers None
    (the summaries answer instead) and a background export of the new version starts."""
    build(ledger, n_docs=30)
    wide = [Filter("kind", "eq", "killed"), Filter("outlet", "eq", "Wire One"), Filter("date", "gte", "2024-02-01")]
    assert ledger.summarizable(wide) and not ledger.summary_is_small(wide)
    col = ledger.enable_columnar(tmp_path / "snap")
    assert col is not None
    assert col.count(wide) is None  # not written yet: an export starts in the background
    assert _eventually(lambda: col.count(wide) is not None)
    assert col.count(wide) == ledger.count("claims", wide) == q.count(ledger.db, "claims", wide)
    doc = Document(id="late", text="A late report.", url="https://gen.example/late", published="2024-02-09",
                   source="Wire One")
    store_document(ledger.db, doc, [make_claim(kind="killed", party="Russia", start="2024-02-09")])
    assert col.count(wide) is None  # the ledger moved on: that snapshot is not its version
    assert ledger.count("claims", wide) == q.count(ledger.db, "claims", wide)  # the summaries answer
    assert _eventually(lambda: col.count(wide) is not None)
    assert col.count(wide) == q.count(ledger.db, "claims", wide)


def _eventually(check: Any, seconds: float = 20.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return False


_EXIT_SCRIPT = """
import sys, threading, time
from pathlib import Path
from claimledger.store import Filter, Ledger
from claimledger.store.columnar import Columnar
from tests.test_summary import build

ledger = Ledger.open("sqlite:///" + sys.argv[1])
build(ledger, n_docs=80)
col = Columnar(ledger.db, Path(sys.argv[1] + ".columnar"))
assert col.build()
wide = [Filter("kind", "eq", "killed"), Filter("date", "gte", "2024-01-01")]

def hammer() -> None:
    while True:
        col.facet_counts("outlet", wide, 50)
        col.map_cells(wide, 5000)

for _ in range(4):
    threading.Thread(target=hammer, daemon=True).start()
time.sleep(float(sys.argv[2]))
"""


@pytest.mark.parametrize("linger", [0.2, 0.5, 0.9])
def test_exit_with_snapshot_queries_running_in_daemon_threads(tmp_path: Any, linger: float) -> None:
    """A server's worker threads may be inside a DuckDB query when the interpreter exits; the process must
    end cleanly (without the close-at-exit hook it aborts: a C++ frame unwound by Python's finalization)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(root / "src"),
                                                        os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", _EXIT_SCRIPT, str(tmp_path / "l.db"), str(linger)], env=env,
                          cwd=root, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "terminate called" not in done.stderr
