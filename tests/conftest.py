"""Shared fixtures: a ledger on every backend (SQLite file, PostgreSQL schema), hand-built claims.

PostgreSQL: `CLAIMLEDGER_TEST_PG` (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
Each test gets its own schema, dropped afterwards. With `CLAIMLEDGER_REQUIRE_PG=1` (set by
`.ci/run`) an unreachable server fails the tests; otherwise they skip with a message.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from claimledger.model import Claim, Claimant, EventTime, Evidence, Location, Perpetrator, Quantity, Victim

PG_URL = os.environ.get("CLAIMLEDGER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
_pg_state: dict[str, str | None] = {}


def pg_unavailable() -> str | None:
    """None when PostgreSQL answers, else the reason (cached per session)."""
    if "reason" not in _pg_state:
        try:
            import sqlalchemy as sa

            eng = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with eng.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            eng.dispose()
            _pg_state["reason"] = None
        except Exception as exc:  # any failure to connect means "no server"
            _pg_state["reason"] = f"PostgreSQL not reachable at {PG_URL}: {str(exc).splitlines()[0]}"
    return _pg_state["reason"]


def require_pg() -> None:
    reason = pg_unavailable()
    if reason is None:
        return
    if os.environ.get("CLAIMLEDGER_REQUIRE_PG") == "1":
        pytest.fail(f"CLAIMLEDGER_REQUIRE_PG=1 but {reason}")
    pytest.skip(f"{reason} (set CLAIMLEDGER_REQUIRE_PG=1 to make this a failure)")


def drop_pg_schema(schema: str) -> None:
    import sqlalchemy as sa

    eng = sa.create_engine(PG_URL)
    with eng.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def ledger_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(url, schema) of an empty ledger location on each backend; the schema is dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}", None
        return
    require_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        yield PG_URL, schema
    finally:
        drop_pg_schema(schema)


@pytest.fixture
def ledger(ledger_target: tuple[str, str | None]) -> Iterator[Any]:
    from claimledger.store import Ledger

    url, schema = ledger_target
    led = Ledger.open(url, schema=schema)
    try:
        yield led
    finally:
        led.close()


def make_claim(kind: str = "killed", party: str | None = "Russia", low: int | None = 10, high: int | None = 10,
               qualifier: str = "exact", side: str | None = "Ukraine", name: str | None = "General Staff",
               stance: str = "asserted", place: str | None = None, lat: float | None = None,
               lon: float | None = None, admin1: str | None = None, country: str | None = "UA",
               precision: str = "point", start: str | None = None, end: str | None = None,
               time_precision: str = "day", stated_on: str | None = None, means: list[str] | None = None,
               text: str = "", doc_id: str | None = None, perpetrator: str | None = None,
               perpetrator_text: str | None = None, victim_type: str | None = None) -> Claim:
    """A hand-built claim (the extractor is not needed to test the ledger)."""
    loc = Location(place, lat, lon, country, admin1, precision) if place else None
    et = EventTime(start, end or start, time_precision) if start else None
    ev_text = text or f"{side} said {low} {party} soldiers were killed."
    perp = Perpetrator(perpetrator, perpetrator_text) if perpetrator or perpetrator_text else None
    vtype = victim_type or ("military" if party else "unknown")
    return Claim(doc_id=doc_id, kind=kind, victim=Victim(party, vtype, "soldiers"), perpetrator=perp,
                 quantity=Quantity(low, high, qualifier, str(low)), claimant=Claimant(name, side),
                 evidence=Evidence(ev_text, 0, len(ev_text)), stance=stance, means=list(means or []),
                 location=loc, event_time=et, stated_on=stated_on, confidence=0.8)


@pytest.fixture
def claim_factory() -> Callable[..., Claim]:
    return make_claim
