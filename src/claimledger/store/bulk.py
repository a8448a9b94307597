"""Bulk loading for benchmarks and imports: executemany on SQLite, COPY on PostgreSQL.

Rows are complete column dicts (documents: see `DocumentRow`; claims: `repo.claim_columns`
plus `document_id`, `ordinal`, `data`, ...). No reconciliation runs; call `reconcile` after.
Load documents before their claims: loading claims recounts the summary tables (`summary.py`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select, text

from claimledger.store import summary
from claimledger.store.db import Database
from claimledger.store.models import ClaimRow, DocumentRow

CHUNK = 20_000


def _chunks(rows: Iterable[dict[str, Any]], n: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, n)):
        yield chunk


def bulk_insert(db: Database, table: str, rows: Iterable[dict[str, Any]], defer_indexes: bool = True) -> int:
    """Insert many rows of `documents` or `claims` fast; returns the number inserted.

    With `defer_indexes` the table's secondary indexes are dropped during the load and built
    again afterwards (one sort per index instead of a million random B-tree inserts).
    """
    model: Any = {"documents": DocumentRow, "claims": ClaimRow}[table]
    indexes = list(model.__table__.indexes) if defer_indexes else []
    with db.write_engine.begin() as conn:
        for idx in indexes:
            idx.drop(conn, checkfirst=True)
    try:
        n = _copy(db, model, rows) if db.dialect == "postgresql" else _executemany(db, model, rows)
    finally:
        with db.write_engine.begin() as conn:
            for idx in indexes:
                idx.create(conn, checkfirst=True)
    if table == "claims":
        summary.rebuild_all(db)  # claims written outside `repo`: count them (load documents first)
    return n


def _executemany(db: Database, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    for chunk in _chunks(rows, CHUNK):
        def write(s: Any, c: list[dict[str, Any]] = chunk) -> None:
            s.connection().execute(insert(model.__table__), c)  # Core executemany, not ORM bulk

        db.write(write)
        n += len(chunk)
    return n


def _copy(db: Database, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    cols = [c.name for c in model.__table__.columns]
    json_cols = {c.name for c in model.__table__.columns if c.type.__class__.__name__ == "JSON"}
    n = 0
    with db.write_engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cur:
            from psycopg import sql

            stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(model.__tablename__), sql.SQL(", ").join(sql.Identifier(c) for c in cols))
            with cur.copy(stmt) as copy:
                for r in rows:
                    copy.write_row([json.dumps(r.get(c)) if c in json_cols and r.get(c) is not None else r.get(c)
                                    for c in cols])
                    n += 1
        raw.commit()
        # keep the id sequence ahead of the explicit ids we copied in
        top = select(func.coalesce(func.max(model.id), 1)).scalar_subquery()
        conn.execute(select(func.setval(func.pg_get_serial_sequence(model.__tablename__, "id"), top)))
        conn.commit()
    return n


def analyze(db: Database) -> None:
    """Refresh planner statistics after a bulk load (PostgreSQL: VACUUM ANALYZE, which also sets
    the visibility map so that counts can be answered from indexes alone)."""
    if db.dialect == "postgresql":
        with db.write_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE documents, claims"))
        return
    with db.write_engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
