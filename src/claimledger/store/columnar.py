"""A columnar snapshot of the current claims per ledger version, for the summaries' long tail.

The summary cubes (`summary.py`) answer the dashboard's first view and one-click views from a few
thousand rows; a view that combines a date range with another field, or two fields only the widest
cube holds, reads cube 0, which has about as many rows as there are claims (100–700 ms at a million
claims). For those, this module keeps the columns the summaries aggregate (the same expressions:
`summary.claim_exprs`, plus coordinates, place and map cell) as one Parquet file per ledger version,
written once in a background thread (to a temporary name, then renamed), and answers facets,
timeline, map and counts over it with DuckDB (its built-in Parquet reader; no extension).

Exact, never stale: a snapshot is named after the ledger's change marker plus its count of current
claims, read before and after the export (a write in between discards it), and is used only while
the ledger's marker is the same; until the snapshot of the current version exists, callers get None
and use the summary tables. Filters keep their meaning: they go through `query.filter_conditions`
on the snapshot's columns, compiled for DuckDB (PostgreSQL's SQL, `?` parameters). Ordering of
NULLs follows the ledger's dialect, so answers equal the row store's.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Float, String, cast, column, func, or_, select, table
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from claimledger.config import get_settings
from claimledger.store.aggregates import (
    GRID_DECIMALS,
    MAX_AREAS,
    AreaCell,
    MapCells,
    PointCell,
    grid,
    marker_of,
)
from claimledger.store.db import Database
from claimledger.store.models import ClaimCount, ClaimRow, DocumentRow
from claimledger.store.query import FieldSpec, Filter, filter_conditions, split_counts
from claimledger.store.summary import DIMS, FIELD_COLUMNS, claim_exprs

log = logging.getLogger(__name__)

_FLOATS = ("lat", "lon", "cell_lat", "cell_lon")
_STRINGS = (*DIMS, "place")
_SCHEMA = pa.schema([*((c, pa.string()) for c in _STRINGS), *((c, pa.float64()) for c in _FLOATS)])
SNAP = table("snap", *(column(c, String) for c in _STRINGS), *(column(c, Float) for c in _FLOATS))
_SPECS = {name: FieldSpec(SNAP.c[col]) for name, col in FIELD_COLUMNS.items()}
_DUCK = postgresql.dialect(paramstyle="qmark")  # DuckDB reads PostgreSQL's SQL; `?` are its parameters
_BATCH = 50_000  # rows per Parquet row group
_KEEP = 2  # snapshot files kept per ledger (another process may still read the one before)


def _version(s: Session) -> str:
    """The ledger's change marker and its current claims (from the per-day cube): a new value
    whenever a claim is added, retired or reconciled."""
    current = s.execute(select(func.coalesce(func.sum(ClaimCount.n), 0)).where(ClaimCount.cube == 1)).scalar_one()
    return hashlib.sha256(repr((marker_of(s), int(current))).encode()).hexdigest()[:20]


def _export_select() -> Any:
    c, d = ClaimRow, DocumentRow
    src = claim_exprs()
    cols = [*(src[k].label(k) for k in DIMS), c.place.label("place"), c.lat.label("lat"), c.lon.label("lon"),
            cast(grid(c.lat), Float).label("cell_lat"), cast(grid(c.lon), Float).label("cell_lon")]
    # in date order (the claims' date index gives it): each row group then holds a run of days, and a
    # date range reads only the row groups whose min/max statistics overlap it
    return (select(*cols).select_from(c).join(d, d.id == c.document_id).where(c.current.is_(True))
            .order_by(c.date))


def export(db: Database, directory: Path) -> Path | None:
    """Write the current claims' snapshot for the ledger's version now (None when the ledger changed
    during the export, as the file would mix two versions, or when another process is writing it).
    Atomic: written to a temporary name, renamed."""
    directory.mkdir(parents=True, exist_ok=True)
    with db.reading() as s:
        before = _version(s)
    final = directory / f"v-{before}.parquet"
    if final.exists():
        return final
    if _others_writing(directory, before):
        return None
    tmp = directory / f".v-{before}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with db.reading() as s, pq.ParquetWriter(tmp, _SCHEMA, compression="zstd") as writer:
            result = s.execute(_export_select().execution_options(stream_results=True, yield_per=_BATCH))
            for part in result.partitions(_BATCH):
                cols = list(zip(*part, strict=True)) if part else [() for _ in _SCHEMA]
                writer.write_batch(pa.record_batch([pa.array(v, type=f.type) for v, f in zip(cols, _SCHEMA,
                                                                                           strict=True)],
                                                   schema=_SCHEMA))
        with db.reading() as s:
            after = _version(s)
        if after != before:
            return None
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    for old in sorted(directory.glob("v-*.parquet"), key=lambda p: p.stat().st_mtime)[:-_KEEP]:
        old.unlink(missing_ok=True)
    return final


def _others_writing(directory: Path, version: str) -> bool:
    """Remove the temporary files of exports whose process died (killed mid-export) on this machine;
    True when a live process is writing this version already (another server worker)."""
    busy = False
    for tmp in directory.glob(".v-*.tmp"):
        try:
            os.kill(int(tmp.name.split(".")[2]), 0)
        except (ProcessLookupError, ValueError, IndexError):
            tmp.unlink(missing_ok=True)
            continue
        except PermissionError:
            pass  # another user's live process
        busy = busy or tmp.name.startswith(f".v-{version}.")
    return busy


class Columnar:
    """The snapshots of one ledger and the DuckDB queries over the current one.

    Safe at interpreter exit: DuckDB runs queries in C++ with the GIL released, and a daemon thread (a
    server's worker) that comes back from one while Python is finalizing is unwound by force through C++
    frames, which aborts the process. So DuckDB is called only from this instance's pool of non-daemon
    threads, which the interpreter joins before it finalizes (callers wait on a future, in pure Python);
    and `close` (called for every open instance by an `atexit` hook) refuses new queries, interrupts
    running ones, waits for them, closes the connections and terminates an export child still running."""

    def __init__(self, db: Database, directory: Path) -> None:
        self.db = db
        self.directory = directory
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._building: str | None = None  # the version a background export is writing
        self._con: tuple[str, duckdb.DuckDBPyConnection] | None = None
        self._active: dict[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection] = {}  # cursor -> its connection
        self._retired: list[duckdb.DuckDBPyConnection] = []  # replaced connections with queries still running
        self._child: subprocess.Popen[str] | None = None
        self._closed = False
        # DuckDB's C++ runs only on these threads: not daemons, so the interpreter joins them (after their
        # current query) before it finalizes, and no thread is inside DuckDB when it does
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="claimledger-duckdb")
        _OPEN.add(self)

    def version(self) -> str:
        with self.db.reading() as s:
            return _version(s)

    def build(self) -> bool:
        """Export the snapshot of the current version now, in this thread; True when it is usable."""
        path = export(self.db, self.directory)
        return path is not None and self._open(path.stem[2:]) is not None

    def close(self, timeout: float = 10.0) -> None:
        """Stop answering: interrupt running queries, wait for them (up to `timeout` seconds), close the
        connections and stop a running export. Idempotent; later queries get None (the summaries answer)."""
        with self._lock:
            self._closed = True
            for cur in list(self._active):
                cur.interrupt()
            self._idle.wait_for(lambda: not self._active, timeout=timeout)
            cons = [c for c in (self._con[1] if self._con else None, *self._retired) if c is not None]
            self._con, self._retired = None, []
            child = self._child
        for con in cons:
            con.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
        if child is not None and child.poll() is None:
            child.terminate()

    def _start(self, version: str) -> None:
        with self._lock:
            if self._building is not None or self._closed:
                return
            self._building = version

        def run() -> None:
            try:
                self._export_in_child()
            except Exception:  # a background export that fails leaves the summaries answering
                log.exception("columnar snapshot of %s failed", self.db.redacted_url)
            finally:
                self._building = None

        threading.Thread(target=run, name="claimledger-columnar", daemon=True).start()

    def _export_in_child(self) -> None:
        """`export` in a child process at low priority: reading a million rows in Python would hold this
        process's GIL (and its core) away from the requests it serves. The ledger URL goes through stdin,
        never the command line."""
        job = json.dumps({"url": self.db.url, "schema": self.db.schema, "directory": str(self.directory)})
        with self._lock:
            if self._closed:
                return
            child = self._child = subprocess.Popen([sys.executable, "-m", "claimledger.store.columnar"],
                                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                   stderr=subprocess.PIPE, text=True)
        _, err = child.communicate(job, timeout=3600)
        if child.returncode != 0:
            log.warning("columnar snapshot of %s failed: %s", self.db.redacted_url, err.strip()[-2000:])

    def _open(self, version: str) -> duckdb.DuckDBPyConnection | None:
        with self._lock:
            if self._closed:
                return None
            if self._con is not None and self._con[0] == version:
                return self._con[1]
            path = self.directory / f"v-{version}.parquet"
            if not path.exists():
                return None
            con = duckdb.connect(":memory:", config={"threads": 1})
            con.execute(f"CREATE VIEW snap AS SELECT * FROM read_parquet('{_quoted(path)}')")
            old, self._con = self._con, (version, con)
            if old is not None and old[1] in self._active.values():
                self._retired.append(old[1])   # closed when its last query returns
                old = None
        if old is not None:
            old[1].close()
        return con

    def _cursor(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection | None:
        with self._lock:
            if self._closed:
                return None
            cur = con.cursor()
            self._active[cur] = con
            return cur

    def _release(self, cur: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            con = self._active.pop(cur, None)
            cur.close()
            if con is not None and con in self._retired and con not in self._active.values():
                self._retired.remove(con)
                con.close()
            self._idle.notify_all()

    def _query(self, *stmts: Any) -> list[list[tuple[Any, ...]]] | None:
        """The rows of each statement over the snapshot of the ledger's current version; None when
        that snapshot is not there yet (an export is started), cannot be read, or this is closed.
        DuckDB runs on this instance's own worker threads, never on the caller's (see the class)."""
        version = self.version()
        sqls = []
        for stmt in stmts:
            compiled = stmt.compile(dialect=_DUCK, compile_kwargs={"render_postcompile": True})
            params = compiled.construct_params()
            sqls.append((str(compiled), [params[k] for k in compiled.positiontup or ()]))
        try:
            done = self._pool.submit(self._run, version, sqls).result()
        except RuntimeError:   # the interpreter is shutting down: the pool takes no more work
            return None
        if done is _MISSING:
            self._start(version)
            return None
        return done

    def _run(self, version: str, sqls: list[tuple[str, list[Any]]]) -> Any:
        con = self._open(version)
        if con is None:
            return None if self._closed else _MISSING
        cur = self._cursor(con)
        if cur is None:
            return None
        try:
            return [cur.execute(sql, params).fetchall() for sql, params in sqls]
        except (duckdb.Error, OSError):  # the file was removed under us, or closing: the summaries answer
            if not self._closed:
                log.warning("columnar query failed; falling back", exc_info=True)
            return None
        finally:
            self._release(cur)

    def _select(self, filters: Sequence[Filter], *cols: Any) -> Any:
        return select(*cols).select_from(SNAP).where(*filter_conditions("claims", filters, _SPECS))

    def count(self, filters: Sequence[Filter]) -> int | None:
        got = self._query(self._select(filters, func.count()))
        return None if got is None else int(got[0][0][0])

    def facet_counts(self, field: str, filters: Sequence[Filter], limit: int) -> list[tuple[Any, int]] | None:
        col = SNAP.c[FIELD_COLUMNS[field]]
        got = self._query(self._select(filters, col, func.count()).group_by(col))
        if got is None:
            return None
        rows = got[0]
        if field == "means":
            return split_counts(rows, limit)
        nulls_first = self.db.dialect == "sqlite"  # where the row store's ORDER BY puts NULL
        rows.sort(key=lambda r: (-r[1], (r[0] is not None) == nulls_first, r[0] if r[0] is not None else ""))
        return [(v, int(n)) for v, n in rows[:limit]]

    def claims_per_day(self, filters: Sequence[Filter]) -> list[tuple[str | None, int]] | None:
        got = self._query(self._select(filters, SNAP.c.day, func.count()).group_by(SNAP.c.day))
        return None if got is None else [(d, int(n)) for d, n in got[0]]

    def map_cells(self, filters: Sequence[Filter], max_points: int) -> MapCells | None:
        t = SNAP.c
        n = func.count()
        pts = (self._select(filters, t.cell_lat, t.cell_lon, t.precision, func.min(t.place), n)
               .where(or_(t.precision == "point", t.precision == "admin2"), t.lat.is_not(None), t.lon.is_not(None))
               .group_by(t.cell_lat, t.cell_lon, t.precision).order_by(n.desc()).limit(max_points + 1))
        areas = (self._select(filters, t.admin1, t.country, func.avg(t.lat), func.avg(t.lon), n)
                 .where(t.precision == "admin1", t.admin1.is_not(None))
                 .group_by(t.admin1, t.country).order_by(n.desc()).limit(MAX_AREAS))
        prec = self._select(filters, t.precision, n).group_by(t.precision)
        got = self._query(pts, areas, prec)
        if got is None:
            return None
        point_rows, area_rows, prec_rows = got
        return MapCells(
            points=[PointCell(round(float(la), GRID_DECIMALS), round(float(lo), GRID_DECIMALS), p, place, int(k))
                    for la, lo, p, place, k in point_rows[:max_points]],
            points_truncated=len(point_rows) > max_points,
            areas=[AreaCell(a, c, float(la) if la is not None else None, float(lo) if lo is not None else None,
                            int(k)) for a, c, la, lo, k in area_rows],
            by_precision={p: int(k) for p, k in prec_rows},
        )


def _child() -> None:
    os.nice(10)
    job = json.loads(sys.stdin.read())
    db = Database(job["url"], schema=job["schema"], upgrade=False)
    try:
        export(db, Path(job["directory"]))
    finally:
        db.dispose()


_OPEN: weakref.WeakSet[Columnar] = weakref.WeakSet()
_MISSING = object()   # the snapshot of the asked version is not written yet


@atexit.register
def _close_all() -> None:
    """Close every open snapshot before the interpreter finalizes (see `Columnar`)."""
    for c in list(_OPEN):
        c.close()


def default_directory(db: Database) -> Path | None:
    """`<file>.columnar/` beside a SQLite ledger; for PostgreSQL a folder per URL and schema under
    the data home; None for an in-memory SQLite ledger (other connections do not see it)."""
    if db.url.startswith("sqlite:///"):
        path = db.url[len("sqlite:///"):].split("?", 1)[0]
        return None if path in ("", ":memory:") else Path(path).expanduser().with_name(Path(path).name + ".columnar")
    if db.url.startswith("sqlite"):
        return None
    tag = hashlib.sha256(repr((db.url, db.schema)).encode()).hexdigest()[:16]
    return get_settings().home / "columnar" / tag


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


__all__ = ["Columnar", "export", "default_directory", "SNAP"]

if __name__ == "__main__":
    _child()
