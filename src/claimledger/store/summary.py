"""Summary tables: the dashboard's counts without scanning claims.

`claim_counts` holds, for each combination of the fields the dashboard filters and facets on
(day, kind, party, side, precision, outlet, means, province, country, language, perpetrator), how many current claims
have it; `claim_cells` does the same per map grid cell and place for point/district claims. They
are kept exact in the very transaction that writes claims (`add_document`, `retire`): a new
document adds its claims' combinations, a superseded revision takes its claims' away. Facet
counts, totals, the timeline and the map then add up a few thousand summary rows instead of
scanning a million claims.

A request whose filters the summaries cannot answer (a bounding box, a quantity, evidence text,
`current`, ...) gets None from here and the caller falls back to the row store (`query.py`,
`aggregates.py`) under the API's time budgets. Filters keep their exact meaning: they go through
`query.filter_conditions` with the summary's own columns in place of the claims' ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import cast as sa_cast
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from claimledger.store.aggregates import GRID_DECIMALS, MAX_AREAS, AreaCell, MapCells, PointCell, grid
from claimledger.store.db import Database
from claimledger.store.models import ClaimCell, ClaimCount, ClaimRow, DocumentRow
from claimledger.store.query import FieldSpec, Filter, filter_conditions, split_counts

_NULL, _SEP = "\x01", "\x1f"  # in the key: a missing value, and the separator between fields
DIMS = ("day", "kind", "party", "side", "precision", "outlet", "means", "admin1", "country", "language",
        "perpetrator")
# The cubes of `claim_counts`: which fields each one keeps (the rest are NULL in its rows), smallest
# first. Cube 0 keeps every field and answers any combination; the small ones answer the dashboard's
# first view and one-click views from a few thousand rows.
_AREA = ("precision", "admin1", "country")  # the map's province shading; cube 11 has it with every field but outlet
CUBES: dict[int, tuple[str, ...]] = {
    1: ("day",), 14: ("language", "kind", "party", "side"), 16: ("perpetrator", "kind", "party", "side"),
    12: ("outlet", "precision", "means"),
    13: (*_AREA, "outlet"), 15: ("language", "outlet", "precision", "means"), 4: ("day", "side"), 2: ("day", "kind"), 7: ("day", "means"),
    9: ("kind", "party", "side", "precision", "means"), 10: ("outlet", "kind", "party", "side"), 3: ("day", "party"),
    6: ("day", "outlet"), 5: ("day", "precision", "admin1", "country"),
    11: ("kind", "party", "side", "precision", "means", "admin1", "country"), 8: ("day", "kind", "party", "side"),
    0: DIMS,
}
# The cubes of `claim_cells` (every row also has its cell, place and precision).
# One-click map views (one filter, no date) read a cube of a few thousand rows instead of the wide
# cube 2 (or cube 0 for an outlet); fields paired so that upkeep adds three cubes, not five.
CELL_CUBES: dict[int, tuple[str, ...]] = {1: ("precision",), 3: ("precision", "side", "kind"),
                                          4: ("precision", "party", "means"), 5: ("precision", "outlet"),
                                          2: ("precision", "kind", "party", "side", "means"), 0: DIMS}


def claim_exprs() -> dict[str, Any]:
    """Each summary field as the claims' (and their documents') column it counts."""
    c, d = ClaimRow, DocumentRow
    return {"day": c.date, "kind": c.kind, "party": c.victim_party, "side": c.claimant_side,
            "precision": c.precision, "outlet": d.outlet, "means": c.means, "admin1": c.admin1,
            "country": c.country, "language": d.language, "perpetrator": c.perpetrator_party}


# API field name -> summary column name: the filters and facets a summary can answer.
FIELD_COLUMNS = {"date": "day", "kind": "kind", "party": "party", "side": "side", "precision": "precision",
                 "outlet": "outlet", "means": "means", "admin1": "admin1", "country": "country",
                 "language": "language", "perpetrator": "perpetrator"}


def _specs(model: Any) -> dict[str, FieldSpec]:
    return {name: FieldSpec(getattr(model, col)) for name, col in FIELD_COLUMNS.items()}


_COUNT_SPECS = _specs(ClaimCount)
_CELL_SPECS = _specs(ClaimCell)


def _key(cube: int, exprs: Sequence[Any]) -> Any:
    out: Any = literal(f"{cube}")
    for e in exprs:
        out = out.op("||")(literal(_SEP)).op("||")(func.coalesce(sa_cast(e, String), _NULL))
    return sa_cast(out, String)


def _insert(dialect: str, model: Any) -> Any:
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


def _sums(sign: int, lat: Any, lon: Any, n: Any) -> list[Any]:
    f = literal(float(sign))
    return [literal(sign) * n, f * func.coalesce(func.sum(lat), 0.0), literal(sign) * func.count(lat),
            f * func.coalesce(func.sum(lon), 0.0), literal(sign) * func.count(lon)]


def _count_delta(dialect: str, cube: int, cond: ColumnElement[bool], sign: int) -> Any:
    """INSERT ... SELECT of one cube's combinations among the claims matching `cond`, added (sign 1)
    or taken away (sign -1) on conflict with an existing row."""
    c, d = ClaimRow, DocumentRow
    src = claim_exprs()
    dims = CUBES[cube]
    exprs = [src[k] for k in dims]
    sel = (select(_key(cube, exprs), literal(cube), *exprs, *_sums(sign, c.lat, c.lon, func.count()))
           .select_from(c).join(d, d.id == c.document_id).where(cond).group_by(*exprs))
    return _upsert_counts(dialect, dims, sel)


def _upsert_counts(dialect: str, dims: Sequence[str], sel: Any) -> Any:
    ins = _insert(dialect, ClaimCount).from_select(["key", "cube", *dims, "n", "sum_lat", "n_lat", "sum_lon", "n_lon"],
                                                   sel)
    m = ClaimCount
    return ins.on_conflict_do_update(index_elements=[m.key], set_={
        "n": m.n + ins.excluded.n, "sum_lat": m.sum_lat + ins.excluded.sum_lat, "n_lat": m.n_lat + ins.excluded.n_lat,
        "sum_lon": m.sum_lon + ins.excluded.sum_lon, "n_lon": m.n_lon + ins.excluded.n_lon})


def _cell_delta(dialect: str, cube: int, cond: ColumnElement[bool], sign: int) -> Any:
    c, d = ClaimRow, DocumentRow
    src = claim_exprs()
    lat_g, lon_g = sa_cast(grid(c.lat), Float), sa_cast(grid(c.lon), Float)
    dims = ("cell_lat", "cell_lon", "place", "precision", *(k for k in CELL_CUBES[cube] if k != "precision"))
    exprs = [lat_g, lon_g, c.place, c.precision, *(src[k] for k in dims[4:])]
    sel = (select(_key(cube, exprs), literal(cube), *exprs, literal(sign) * func.count())
           .select_from(c).join(d, d.id == c.document_id)
           .where(cond, or_(c.precision == "point", c.precision == "admin2"), c.lat.is_not(None), c.lon.is_not(None))
           .group_by(*exprs))
    ins = _insert(dialect, ClaimCell).from_select(["key", "cube", *dims, "n"], sel)
    return ins.on_conflict_do_update(index_elements=[ClaimCell.key], set_={"n": ClaimCell.n + ins.excluded.n})


def _of_document() -> ColumnElement[bool]:
    """The current claims of one document (bound as `doc`). `current` is compared through a CAST so
    that no index on it is usable: the planner must find the rows by `document_id` (without
    statistics, SQLite would otherwise walk the (current, date) index over every claim)."""
    return and_(ClaimRow.document_id == bindparam("doc", type_=Integer), sa_cast(ClaimRow.current, Integer) == 1)


_COMPILED: dict[tuple[str, int], list[Any]] = {}


def _document_statements(s: Session, sign: int) -> list[Any]:
    """Built and compiled once per dialect: constructing and compiling these statements costs more
    than running them on one document's claims (SQLAlchemy cannot bind a value into an INSERT ...
    SELECT at execution, so the compiled SQL is run with the document id as its one parameter).
    One statement per table: the document's claims are read once (a CTE), every cube grouped from
    them (UNION ALL), all upserted together."""
    dialect = s.get_bind().dialect
    key = (dialect.name, sign)
    if key not in _COMPILED:
        # rows that reach 0 stay (reads skip them with HAVING sum(n) > 0; `rebuild` drops them):
        # deleting them here would scan the whole table at every revision
        stmts = [_document_counts(dialect.name, sign), _document_cells(dialect.name, sign)]
        _COMPILED[key] = [stmt.compile(dialect=dialect) for stmt in stmts]
    return _COMPILED[key]


def _document_claims() -> Any:
    c, d = ClaimRow, DocumentRow
    src = claim_exprs()
    return (select(*(src[k].label(k) for k in DIMS), c.lat.label("lat"), c.lon.label("lon"), c.place.label("place"),
                   sa_cast(grid(c.lat), Float).label("cell_lat"), sa_cast(grid(c.lon), Float).label("cell_lon"))
            .select_from(c).join(d, d.id == c.document_id).where(_of_document()).cte("doc_claims"))


def _document_counts(dialect: str, sign: int) -> Any:
    cte = _document_claims()
    f = literal(float(sign))
    parts = []
    for cube, dims in CUBES.items():
        exprs = [cte.c[k] for k in dims]
        nulls = [literal(None, type_=String).label(k) for k in DIMS if k not in dims]
        parts.append(select(_key(cube, exprs).label("key"), literal(cube).label("cube"), *exprs, *nulls,
                            (literal(sign) * func.count()).label("n"),
                            (f * func.coalesce(func.sum(cte.c.lat), 0.0)).label("sum_lat"),
                            (literal(sign) * func.count(cte.c.lat)).label("n_lat"),
                            (f * func.coalesce(func.sum(cte.c.lon), 0.0)).label("sum_lon"),
                            (literal(sign) * func.count(cte.c.lon)).label("n_lon"))
                     .group_by(*exprs).subquery().select())
    # every part lists its columns in one order: key, cube, the cube's fields, NULLs for the others
    ordered = []
    for part in parts:
        sub = part.subquery()
        ordered.append(select(sub.c.key, sub.c.cube, *(sub.c[k] for k in DIMS), sub.c.n, sub.c.sum_lat, sub.c.n_lat,
                              sub.c.sum_lon, sub.c.n_lon).where(true()))  # WHERE: SQLite's upsert parsing
    # rows in key order: concurrent writers (PostgreSQL) then lock shared rows in one order, never
    # in two orders that would deadlock
    return _upsert_counts(dialect, DIMS, union_all(*ordered).order_by(literal_column("key")))


def _document_cells(dialect: str, sign: int) -> Any:
    cte = _document_claims()
    cols = ["cell_lat", "cell_lon", "place", "precision", *(k for k in DIMS if k != "precision")]
    ordered = []
    for cube, extra in CELL_CUBES.items():
        keep = ["cell_lat", "cell_lon", "place", "precision", *(k for k in extra if k != "precision")]
        exprs = [cte.c[k] for k in keep]
        sub = (select(_key(cube, exprs).label("key"), literal(cube).label("cube"), *exprs,
                      *(literal(None, type_=String).label(k) for k in cols if k not in keep),
                      (literal(sign) * func.count()).label("n"))
               .where(or_(cte.c.precision == "point", cte.c.precision == "admin2"), cte.c.lat.is_not(None),
                      cte.c.lon.is_not(None))
               .group_by(*exprs).subquery())
        ordered.append(select(sub.c.key, sub.c.cube, *(sub.c[k] for k in cols), sub.c.n).where(true()))
    ins = _insert(dialect, ClaimCell).from_select(["key", "cube", *cols, "n"],
                                                  union_all(*ordered).order_by(literal_column("key")))
    return ins.on_conflict_do_update(index_elements=[ClaimCell.key], set_={"n": ClaimCell.n + ins.excluded.n})


def _apply(s: Session, document_id: int, sign: int) -> None:
    conn = s.connection()
    for compiled in _document_statements(s, sign):
        params = compiled.construct_params({"doc": document_id})
        args: Any = tuple(params[k] for k in compiled.positiontup) if compiled.positional else params
        conn.exec_driver_sql(str(compiled), args)


def add_document(s: Session, document_id: int) -> None:
    """Count the current claims of one document just written (same transaction as the claims)."""
    _apply(s, document_id, 1)


def retire(s: Session, document_id: int) -> None:
    """Take away the current claims of a document that are about to stop being current (call it
    before the update that sets `current` false, in the same transaction)."""
    _apply(s, document_id, -1)


def rebuild(s: Session) -> None:
    """Recount the summaries from the claims (the migration's backfill, after a bulk load): cube 0
    from the claims, the smaller cubes from cube 0."""
    dialect = s.get_bind().dialect.name
    for model in (ClaimCell, ClaimCount):
        s.execute(delete(model))
    s.execute(_count_delta(dialect, 0, ClaimRow.current.is_(True), 1))
    s.execute(_cell_delta(dialect, 0, ClaimRow.current.is_(True), 1))
    m = ClaimCount
    for cube, dims in CUBES.items():
        if cube == 0:
            continue
        exprs = [getattr(m, k) for k in dims]
        sel = (select(_key(cube, exprs), literal(cube), *exprs, func.sum(m.n), func.sum(m.sum_lat),
                      func.sum(m.n_lat), func.sum(m.sum_lon), func.sum(m.n_lon))
               .where(m.cube == 0).group_by(*exprs))
        s.execute(_upsert_counts(dialect, dims, sel))
    k = ClaimCell
    for cube, extra in CELL_CUBES.items():
        if cube == 0:
            continue
        cols = ["cell_lat", "cell_lon", "place", "precision", *(x for x in extra if x != "precision")]
        exprs = [getattr(k, x) for x in cols]
        sel = select(_key(cube, exprs), literal(cube), *exprs, func.sum(k.n)).where(k.cube == 0).group_by(*exprs)
        ins = _insert(dialect, ClaimCell).from_select(["key", "cube", *cols, "n"], sel)
        s.execute(ins.on_conflict_do_update(index_elements=[k.key], set_={"n": k.n + ins.excluded.n}))


def rebuild_all(db: Database) -> None:
    db.write(rebuild)


# reading ------------------------------------------------------------------------------------
def answerable(filters: Sequence[Filter], *fields: str) -> bool:
    """Whether the summaries hold every filter's field (and every faceted field)."""
    return all(f.field in FIELD_COLUMNS for f in filters) and all(f in FIELD_COLUMNS for f in fields)


def _cube(cubes: dict[int, tuple[str, ...]], filters: Sequence[Filter], *cols: str) -> int:
    """The smallest cube that keeps every filtered field and every column in `cols`."""
    need = {FIELD_COLUMNS[f.field] for f in filters} | set(cols)
    return next(k for k, dims in cubes.items() if need <= set(dims))


def cube_for(filters: Sequence[Filter], *fields: str) -> int:
    """The `claim_counts` cube that would answer these filters (and facets of `fields`)."""
    return _cube(CUBES, filters, *(FIELD_COLUMNS[f] for f in fields))


def _where(model: Any, cube: int, filters: Sequence[Filter]) -> list[ColumnElement[bool]]:
    specs = _COUNT_SPECS if model is ClaimCount else _CELL_SPECS
    return [model.cube == cube, *filter_conditions("claims", filters, specs)]


def count(db: Database, filters: Sequence[Filter]) -> int | None:
    """Current claims matching `filters`, or None when the summaries cannot answer them."""
    if not answerable(filters):
        return None
    cube = _cube(CUBES, filters)
    stmt = select(func.coalesce(func.sum(ClaimCount.n), 0)).where(*_where(ClaimCount, cube, filters))
    with db.reading() as s:
        return int(s.execute(stmt).scalar_one())


def estimate(db: Database, filters: Sequence[Filter]) -> float | None:
    """How many current claims match `filters`: exact when a small cube answers them, else the
    product of the shares of the document filters and of the others (as if independent), so that
    the estimate never scans the widest cube. None when the summaries cannot answer them."""
    if not answerable(filters):
        return None
    if cube_for(filters) != 0:
        return float(count(db, filters) or 0)
    docs = [f for f in filters if FIELD_COLUMNS[f.field] in ("outlet", "language")]
    rest = [f for f in filters if f not in docs]
    if not docs or not rest or 0 in (cube_for(docs), cube_for(rest)):
        return None
    total = count(db, []) or 0
    return (count(db, docs) or 0) * (count(db, rest) or 0) / total if total else 0.0


def facet_counts(db: Database, field: str, filters: Sequence[Filter], limit: int) -> list[tuple[Any, int]] | None:
    """Claims per value of `field` (most first, ties by value), as `query.facet_counts` orders them."""
    if not answerable(filters, field):
        return None
    name = FIELD_COLUMNS[field]
    col = getattr(ClaimCount, name)
    total = func.sum(ClaimCount.n)
    stmt = (select(col, total).where(*_where(ClaimCount, _cube(CUBES, filters, name), filters))
            .group_by(col).having(total > 0))
    if field == "means":
        with db.reading() as s:
            return split_counts(s.execute(stmt), limit)
    with db.reading() as s:
        return [(v, int(n)) for v, n in s.execute(stmt.order_by(total.desc(), col).limit(limit))]


def claims_per_day(db: Database, filters: Sequence[Filter]) -> list[tuple[str | None, int]] | None:
    if not answerable(filters):
        return None
    m, total = ClaimCount, func.sum(ClaimCount.n)
    stmt = (select(m.day, total).where(*_where(m, _cube(CUBES, filters, "day"), filters)).group_by(m.day)
            .having(total > 0))
    with db.reading() as s:
        return [(d, int(n)) for d, n in s.execute(stmt)]


def map_cells(db: Database, filters: Sequence[Filter], max_points: int) -> MapCells | None:
    """What `aggregates.map_cells` returns, added up from the summaries."""
    if not answerable(filters):
        return None
    m, k = ClaimCell, ClaimCount
    pn, kn = func.sum(m.n), func.sum(k.n)
    pts = (select(m.cell_lat, m.cell_lon, m.precision, func.min(m.place), pn)
           .where(*_where(m, _cube(CELL_CUBES, filters, "precision"), filters))
           .group_by(m.cell_lat, m.cell_lon, m.precision).having(pn > 0).order_by(pn.desc()).limit(max_points + 1))
    lat = func.sum(k.sum_lat) / func.nullif(func.sum(k.n_lat), 0)
    lon = func.sum(k.sum_lon) / func.nullif(func.sum(k.n_lon), 0)
    areas_cube = _cube(CUBES, filters, "precision", "admin1", "country")
    areas = (select(k.admin1, k.country, lat, lon, kn)
             .where(*_where(k, areas_cube, filters), k.precision == "admin1", k.admin1.is_not(None))
             .group_by(k.admin1, k.country).having(kn > 0).order_by(kn.desc()).limit(MAX_AREAS))
    prec = (select(k.precision, kn).where(*_where(k, _cube(CUBES, filters, "precision"), filters))
            .group_by(k.precision).having(kn > 0))
    with db.reading() as s:
        point_rows = list(s.execute(pts))
        area_rows = list(s.execute(areas))
        by_precision = {p: int(n) for p, n in s.execute(prec)}
    return MapCells(
        points=[PointCell(round(float(la), GRID_DECIMALS), round(float(lo), GRID_DECIMALS), p, place, int(n))
                for la, lo, p, place, n in point_rows[:max_points]],
        points_truncated=len(point_rows) > max_points,
        areas=[AreaCell(a, c, float(la) if la is not None else None, float(lo) if lo is not None else None, int(n))
               for a, c, la, lo, n in area_rows],
        by_precision=by_precision,
    )


__all__ = ["add_document", "retire", "rebuild", "rebuild_all", "answerable", "count", "estimate", "facet_counts",
           "claims_per_day", "map_cells", "cube_for", "claim_exprs", "FIELD_COLUMNS", "CUBES", "CELL_CUBES", "DIMS"]
