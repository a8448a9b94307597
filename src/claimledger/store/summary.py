"""Summary tables: the dashboard's counts without scanning claims.

`claim_counts` holds, for each combination of the fields the dashboard filters and facets on
(day, kind, party, side, precision, outlet, means, province, country), how many current claims
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

from sqlalchemy import ColumnElement, Float, String, and_, delete, func, literal, select
from sqlalchemy import cast as sa_cast
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from claimledger.store.aggregates import GRID_DECIMALS, MAX_AREAS, AreaCell, MapCells, PointCell, grid
from claimledger.store.db import Database
from claimledger.store.models import ClaimCell, ClaimCount, ClaimRow, DocumentRow
from claimledger.store.query import FieldSpec, Filter, filter_conditions

_NULL, _SEP = "\x01", "\x1f"  # in the key: a missing value, and the separator between fields


def _dims() -> list[tuple[str, Any]]:
    """(summary column, claims expression) of the fields a summary row stands for."""
    c, d = ClaimRow, DocumentRow
    return [("day", c.date), ("kind", c.kind), ("party", c.victim_party), ("side", c.claimant_side),
            ("precision", c.precision), ("outlet", d.outlet), ("means", c.means), ("admin1", c.admin1),
            ("country", c.country)]


# API field name -> summary column name: the filters and facets a summary can answer.
FIELD_COLUMNS = {"date": "day", "kind": "kind", "party": "party", "side": "side", "precision": "precision",
                 "outlet": "outlet", "means": "means", "admin1": "admin1", "country": "country"}


def _specs(model: Any) -> dict[str, FieldSpec]:
    return {name: FieldSpec(getattr(model, col)) for name, col in FIELD_COLUMNS.items()}


_COUNT_SPECS = _specs(ClaimCount)
_CELL_SPECS = _specs(ClaimCell)


def _key(exprs: Sequence[Any]) -> Any:
    parts: list[Any] = []
    for i, e in enumerate(exprs):
        if i:
            parts.append(literal(_SEP))
        parts.append(func.coalesce(sa_cast(e, String), _NULL))
    out = parts[0]
    for p in parts[1:]:
        out = out.op("||")(p)
    return sa_cast(out, String)


def _insert(dialect: str, model: Any) -> Any:
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


def _count_delta(dialect: str, cond: ColumnElement[bool], sign: int) -> Any:
    """INSERT ... SELECT of the combinations of the claims matching `cond`, added (sign 1) or
    taken away (sign -1) on conflict with an existing row."""
    c, d = ClaimRow, DocumentRow
    dims = _dims()
    exprs = [e for _, e in dims]
    sel = (select(_key(exprs), *exprs, literal(sign) * func.count(),
                  literal(float(sign)) * func.coalesce(func.sum(c.lat), 0.0), literal(sign) * func.count(c.lat),
                  literal(float(sign)) * func.coalesce(func.sum(c.lon), 0.0), literal(sign) * func.count(c.lon))
           .select_from(c).join(d, d.id == c.document_id).where(cond).group_by(*exprs))
    names = ["key", *(n for n, _ in dims), "n", "sum_lat", "n_lat", "sum_lon", "n_lon"]
    ins = _insert(dialect, ClaimCount).from_select(names, sel)
    m = ClaimCount
    return ins.on_conflict_do_update(index_elements=[m.key], set_={
        "n": m.n + ins.excluded.n, "sum_lat": m.sum_lat + ins.excluded.sum_lat, "n_lat": m.n_lat + ins.excluded.n_lat,
        "sum_lon": m.sum_lon + ins.excluded.sum_lon, "n_lon": m.n_lon + ins.excluded.n_lon})


def _cell_delta(dialect: str, cond: ColumnElement[bool], sign: int) -> Any:
    c, d = ClaimRow, DocumentRow
    lat_g, lon_g = grid(c.lat), grid(c.lon)
    dims = [("cell_lat", lat_g), ("cell_lon", lon_g), ("place", c.place), *_dims()]
    exprs = [e for _, e in dims]
    sel = (select(_key(exprs), sa_cast(lat_g, Float), sa_cast(lon_g, Float), *exprs[2:], literal(sign) * func.count())
           .select_from(c).join(d, d.id == c.document_id)
           .where(cond, c.precision.in_(("point", "admin2")), c.lat.is_not(None), c.lon.is_not(None))
           .group_by(*exprs))
    ins = _insert(dialect, ClaimCell).from_select(["key", *(n for n, _ in dims), "n"], sel)
    return ins.on_conflict_do_update(index_elements=[ClaimCell.key], set_={"n": ClaimCell.n + ins.excluded.n})


def _apply(s: Session, cond: ColumnElement[bool], sign: int) -> None:
    dialect = s.get_bind().dialect.name
    s.execute(_count_delta(dialect, cond, sign))
    s.execute(_cell_delta(dialect, cond, sign))
    if sign < 0:
        for model in (ClaimCount, ClaimCell):
            s.execute(delete(model).where(model.n <= 0))


def add_document(s: Session, document_id: int) -> None:
    """Count the current claims of one document just written (same transaction as the claims)."""
    _apply(s, and_(ClaimRow.document_id == document_id, ClaimRow.current.is_(True)), 1)


def retire(s: Session, document_id: int) -> None:
    """Take away the current claims of a document that are about to stop being current (call it
    before the update that sets `current` false, in the same transaction)."""
    _apply(s, and_(ClaimRow.document_id == document_id, ClaimRow.current.is_(True)), -1)


def rebuild(s: Session) -> None:
    """Recount both summaries from the claims (the migration's backfill, after a bulk load)."""
    dialect = s.get_bind().dialect.name
    for model in (ClaimCell, ClaimCount):
        s.execute(delete(model))
    s.execute(_count_delta(dialect, ClaimRow.current.is_(True), 1))
    s.execute(_cell_delta(dialect, ClaimRow.current.is_(True), 1))


def rebuild_all(db: Database) -> None:
    db.write(rebuild)


# reading ------------------------------------------------------------------------------------
def answerable(filters: Sequence[Filter], *fields: str) -> bool:
    """Whether the summaries hold every filter's field (and every faceted field)."""
    return all(f.field in FIELD_COLUMNS for f in filters) and all(f in FIELD_COLUMNS for f in fields)


def _where(model: Any, filters: Sequence[Filter]) -> list[ColumnElement[bool]]:
    return filter_conditions("claims", filters, _COUNT_SPECS if model is ClaimCount else _CELL_SPECS)


def count(db: Database, filters: Sequence[Filter]) -> int | None:
    """Current claims matching `filters`, or None when the summaries cannot answer them."""
    if not answerable(filters):
        return None
    stmt = select(func.coalesce(func.sum(ClaimCount.n), 0)).where(*_where(ClaimCount, filters))
    with db.reading() as s:
        return int(s.execute(stmt).scalar_one())


def facet_counts(db: Database, field: str, filters: Sequence[Filter], limit: int) -> list[tuple[Any, int]] | None:
    """Claims per value of `field` (most first, ties by value), as `query.facet_counts` orders them."""
    if not answerable(filters, field):
        return None
    col = getattr(ClaimCount, FIELD_COLUMNS[field])
    total = func.sum(ClaimCount.n)
    stmt = select(col, total).where(*_where(ClaimCount, filters)).group_by(col).having(total > 0)
    if field == "means":
        counts: dict[str, int] = {}
        with db.reading() as s:
            for value, n in s.execute(stmt):
                for part in (value or "").split(","):
                    if part:
                        counts[part] = counts.get(part, 0) + int(n)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    with db.reading() as s:
        return [(v, int(n)) for v, n in s.execute(stmt.order_by(total.desc(), col).limit(limit))]


def claims_per_day(db: Database, filters: Sequence[Filter]) -> list[tuple[str | None, int]] | None:
    if not answerable(filters):
        return None
    total = func.sum(ClaimCount.n)
    stmt = (select(ClaimCount.day, total).where(*_where(ClaimCount, filters)).group_by(ClaimCount.day)
            .having(total > 0))
    with db.reading() as s:
        return [(d, int(n)) for d, n in s.execute(stmt)]


def map_cells(db: Database, filters: Sequence[Filter], max_points: int) -> MapCells | None:
    """What `aggregates.map_cells` returns, added up from the summaries."""
    if not answerable(filters):
        return None
    m, k = ClaimCell, ClaimCount
    pn, kn = func.sum(m.n), func.sum(k.n)
    pts = (select(m.cell_lat, m.cell_lon, m.precision, func.min(m.place), pn).where(*_where(m, filters))
           .group_by(m.cell_lat, m.cell_lon, m.precision).having(pn > 0).order_by(pn.desc()).limit(max_points + 1))
    lat = func.sum(k.sum_lat) / func.nullif(func.sum(k.n_lat), 0)
    lon = func.sum(k.sum_lon) / func.nullif(func.sum(k.n_lon), 0)
    areas = (select(k.admin1, k.country, lat, lon, kn)
             .where(*_where(k, filters), k.precision == "admin1", k.admin1.is_not(None))
             .group_by(k.admin1, k.country).having(kn > 0).order_by(kn.desc()).limit(MAX_AREAS))
    prec = select(k.precision, kn).where(*_where(k, filters)).group_by(k.precision).having(kn > 0)
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


__all__ = ["add_document", "retire", "rebuild", "rebuild_all", "answerable", "count", "facet_counts",
           "claims_per_day", "map_cells", "FIELD_COLUMNS"]
