"""Aggregates the dashboard needs that the store's query API does not offer: claims per day for
the timeline histogram, and claims per place / per province for the map.

They reuse the store's models and its filter → condition translation (`store.query._where`), so a
request's filters mean exactly what they mean for `/api/claims`, and no SQL text is built here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Numeric, Select, cast, func, select

from claimledger.store import Ledger
from claimledger.store.models import ClaimRow, DocumentRow
from claimledger.store.query import Filter, QueryError
from claimledger.store.query import _mentions_document as _mentions_document
from claimledger.store.query import _where as _where

BUCKETS = ("auto", "day", "week", "month", "year")
MAX_POINTS = 5_000
GRID_DECIMALS = 2  # points are grouped on a 0.01° grid (about 1 km): plenty for clustered markers


def _claims_select(filters: Sequence[Filter], *cols: Any) -> tuple[Select[Any], list[Any]]:
    conds = _where("claims", filters)
    stmt = select(*cols).select_from(ClaimRow)
    if any(_mentions_document(c) for c in conds):
        stmt = stmt.join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
    return stmt.where(*conds), conds


def _parse_day(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def _bucket_start(d: date, bucket: str) -> date:
    if bucket == "week":
        return d - timedelta(days=d.weekday())
    if bucket == "month":
        return d.replace(day=1)
    if bucket == "year":
        return d.replace(month=1, day=1)
    return d


def _next_start(d: date, bucket: str) -> date:
    if bucket == "day":
        return d + timedelta(days=1)
    if bucket == "week":
        return d + timedelta(days=7)
    if bucket == "month":
        return date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date(d.year + 1, 1, 1)


def choose_bucket(first: date, last: date) -> str:
    span = (last - first).days
    if span <= 92:
        return "day"
    if span <= 2 * 366:
        return "week"
    if span <= 25 * 366:
        return "month"
    return "year"


def timeline(ledger: Ledger, filters: Sequence[Filter], bucket: str = "auto") -> dict[str, Any]:
    """Claims per period (by `date`: when the loss happened, else when it was stated), gaps filled."""
    if bucket not in BUCKETS:
        raise QueryError(f"_bucket must be one of {', '.join(BUCKETS)}, got {bucket!r}")
    stmt, _ = _claims_select(filters, ClaimRow.date, func.count())
    stmt = stmt.group_by(ClaimRow.date)
    with ledger.db.reading() as s:
        per_day = [(d, int(n)) for d, n in s.execute(stmt)]
    days = [(dd, n) for d, n in per_day if (dd := _parse_day(d)) is not None]
    if not days:
        return {"bucket": bucket if bucket != "auto" else "day", "buckets": []}
    first = min(d for d, _ in days)
    last = max(d for d, _ in days)
    if bucket == "auto":
        bucket = choose_bucket(first, last)
    counts: dict[date, int] = {}
    for d, n in days:
        b = _bucket_start(d, bucket)
        counts[b] = counts.get(b, 0) + n
    out: list[dict[str, Any]] = []
    cur = _bucket_start(first, bucket)
    while cur <= last and len(out) < 5000:
        nxt = _next_start(cur, bucket)
        out.append({"start": cur.isoformat(), "end": (nxt - timedelta(days=1)).isoformat(),
                    "count": counts.get(cur, 0)})
        cur = nxt
    return {"bucket": bucket, "buckets": out}


def map_summary(ledger: Ledger, filters: Sequence[Filter], max_points: int = MAX_POINTS) -> dict[str, Any]:
    """What the map draws: exact and district places as points, province-only claims as areas,
    and counts of what cannot be drawn honestly (country, region, no place)."""
    lat3 = func.round(cast(ClaimRow.lat, Numeric), GRID_DECIMALS)
    lon3 = func.round(cast(ClaimRow.lon, Numeric), GRID_DECIMALS)
    pointish = ClaimRow.precision.in_(("point", "admin2"))
    pts, _ = _claims_select(filters, lat3.label("lat"), lon3.label("lon"), ClaimRow.precision,
                            func.min(ClaimRow.place), func.count().label("n"))
    pts = (pts.where(pointish, ClaimRow.lat.is_not(None), ClaimRow.lon.is_not(None))
           .group_by(lat3, lon3, ClaimRow.precision).order_by(func.count().desc()).limit(max_points + 1))
    areas, _ = _claims_select(filters, ClaimRow.admin1, ClaimRow.country, func.avg(ClaimRow.lat),
                              func.avg(ClaimRow.lon), func.count())
    areas = (areas.where(ClaimRow.precision == "admin1", ClaimRow.admin1.is_not(None))
             .group_by(ClaimRow.admin1, ClaimRow.country).order_by(func.count().desc()).limit(2000))
    prec, _ = _claims_select(filters, ClaimRow.precision, func.count())
    prec = prec.group_by(ClaimRow.precision)
    with ledger.db.reading() as s:
        point_rows = list(s.execute(pts))
        area_rows = list(s.execute(areas))
        by_precision = {p: int(n) for p, n in s.execute(prec)}
    truncated = len(point_rows) > max_points
    points = [{"lat": float(la), "lon": float(lo), "precision": p, "place": place, "count": int(n)}
              for la, lo, p, place, n in point_rows[:max_points]]
    area_list = [{"admin1": a, "country": c, "lat": float(la) if la is not None else None,
                  "lon": float(lo) if lo is not None else None, "count": int(n)}
                 for a, c, la, lo, n in area_rows]
    admin1_total = by_precision.get("admin1", 0)
    return {
        "points": points,
        "points_truncated": truncated,
        "areas": area_list,
        "unplaced": {
            "country": by_precision.get("country", 0),
            "region": by_precision.get("region", 0),
            "none": by_precision.get(None, 0),
            "admin1_without_name": admin1_total - sum(a["count"] for a in area_list),
        },
        "by_precision": {("none" if k is None else k): v for k, v in by_precision.items()},
    }
