"""Aggregates over filtered claims that the page/facet API does not offer: claims per day (the
timeline histogram) and claims per map cell and per province (the map), plus a cheap marker that
changes whenever the ledger does (for caches of such results).

Filters go through `query.where_clause`, so they mean exactly what they mean for `query`. The
results are plain typed records; bucketing and response shapes belong to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Numeric, Select, cast, func, literal_column, select
from sqlalchemy.orm import Session

from claimledger.store.db import Database
from claimledger.store.models import ClaimGroup, ClaimRow, DocumentRow, Event, IngestRun
from claimledger.store.query import Filter, mentions_document, where_clause

GRID_DECIMALS = 2  # points are grouped on a 0.01° grid (about 1 km): plenty for clustered markers
MAX_AREAS = 2000


@dataclass(frozen=True, slots=True)
class PointCell:
    """Claims with a point or district location, grouped on a lat/lon grid cell."""

    lat: float
    lon: float
    precision: str | None
    place: str | None  # one place name of the cell (the smallest)
    count: int


@dataclass(frozen=True, slots=True)
class AreaCell:
    """Claims located only to a province, per province (centre = mean of their coordinates)."""

    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    count: int


@dataclass(slots=True)
class MapCells:
    """What a map of the filtered claims can draw, and how many claims per location precision."""

    points: list[PointCell] = field(default_factory=list)
    points_truncated: bool = False  # there were more than `max_points` cells
    areas: list[AreaCell] = field(default_factory=list)
    by_precision: dict[str | None, int] = field(default_factory=dict)


def grid(col: Any, decimals: int = GRID_DECIMALS) -> Any:
    """A coordinate rounded to the map's grid, in SQL (the same expression for claims and summaries;
    the digits are a literal so that PostgreSQL sees one expression in SELECT and GROUP BY)."""
    return func.round(cast(col, Numeric), literal_column(str(int(decimals))))


def _claims_select(filters: Sequence[Filter], *cols: Any) -> Select[Any]:
    conds = where_clause("claims", filters)
    stmt = select(*cols).select_from(ClaimRow)
    if any(mentions_document(c) for c in conds):
        stmt = stmt.join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
    return stmt.where(*conds)


def claims_per_day(db: Database, filters: Sequence[Filter] = ()) -> list[tuple[str | None, int]]:
    """(date, number of claims) for each distinct claim `date` (ISO; None for undated claims)
    among the filtered claims, unordered: the caller buckets them as it likes."""
    stmt = _claims_select(filters, ClaimRow.date, func.count()).group_by(ClaimRow.date)
    with db.reading() as s:
        return [(d, int(n)) for d, n in s.execute(stmt)]


def map_cells(db: Database, filters: Sequence[Filter] = (), max_points: int = 5_000,
              grid_decimals: int = GRID_DECIMALS) -> MapCells:
    """Point/district claims per grid cell (most claims first, at most `max_points`), province-only
    claims per province (at most `MAX_AREAS`), and the count of filtered claims per precision."""
    lat_g, lon_g = grid(ClaimRow.lat, grid_decimals), grid(ClaimRow.lon, grid_decimals)
    pointish = ClaimRow.precision.in_(("point", "admin2"))
    pts = (_claims_select(filters, lat_g.label("lat"), lon_g.label("lon"), ClaimRow.precision,
                          func.min(ClaimRow.place), func.count().label("n"))
           .where(pointish, ClaimRow.lat.is_not(None), ClaimRow.lon.is_not(None))
           .group_by(lat_g, lon_g, ClaimRow.precision).order_by(func.count().desc()).limit(max_points + 1))
    areas = (_claims_select(filters, ClaimRow.admin1, ClaimRow.country, func.avg(ClaimRow.lat),
                            func.avg(ClaimRow.lon), func.count())
             .where(ClaimRow.precision == "admin1", ClaimRow.admin1.is_not(None))
             .group_by(ClaimRow.admin1, ClaimRow.country).order_by(func.count().desc()).limit(MAX_AREAS))
    prec = _claims_select(filters, ClaimRow.precision, func.count()).group_by(ClaimRow.precision)
    with db.reading() as s:
        point_rows = list(s.execute(pts))
        area_rows = list(s.execute(areas))
        by_precision = {p: int(n) for p, n in s.execute(prec)}
    return MapCells(
        points=[PointCell(float(la), float(lo), p, place, int(n)) for la, lo, p, place, n in point_rows[:max_points]],
        points_truncated=len(point_rows) > max_points,
        areas=[AreaCell(a, c, float(la) if la is not None else None, float(lo) if lo is not None else None, int(n))
               for a, c, la, lo, n in area_rows],
        by_precision=by_precision,
    )


def change_marker(db: Database) -> tuple[Any, ...]:
    """Cheap (index max lookups) and different whenever stored content or reconciliation changes:
    a key for caches of counts and aggregates."""
    with db.reading() as s:
        return marker_of(s)


def marker_of(s: Session) -> tuple[Any, ...]:
    """`change_marker` read in an open session."""
    row = s.execute(select(
        select(func.max(DocumentRow.id)).scalar_subquery(),
        select(func.max(ClaimRow.id)).scalar_subquery(),
        select(func.max(Event.id)).scalar_subquery(),
        select(func.max(ClaimGroup.id)).scalar_subquery(),
        select(func.max(IngestRun.id)).scalar_subquery(),
        select(func.count()).select_from(ClaimRow).where(
            ClaimRow.current.is_(True), ClaimRow.reconciled.is_(False)).scalar_subquery(),
    )).one()
    return tuple(row)


__all__ = ["PointCell", "AreaCell", "MapCells", "claims_per_day", "map_cells", "change_marker", "marker_of", "grid", "GRID_DECIMALS",
           "MAX_AREAS"]
