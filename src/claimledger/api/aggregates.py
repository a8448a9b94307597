"""Aggregates the dashboard needs that the page API does not offer: claims per day/week/month for
the timeline histogram, and claims per place / per province for the map.

The numbers come from the store (`Ledger.claims_per_day`, `Ledger.map_cells`), which applies a
request's filters exactly as `/api/claims` does; this module only buckets and shapes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from claimledger.store import Filter, Ledger, QueryError

BUCKETS = ("auto", "day", "week", "month", "year")
MAX_POINTS = 5_000


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
    per_day = ledger.claims_per_day(filters)
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
    cells = ledger.map_cells(filters, max_points)
    points = [{"lat": p.lat, "lon": p.lon, "precision": p.precision, "place": p.place, "count": p.count}
              for p in cells.points]
    area_list = [{"admin1": a.admin1, "country": a.country, "lat": a.lat, "lon": a.lon, "count": a.count}
                 for a in cells.areas]
    by_precision = cells.by_precision
    admin1_total = by_precision.get("admin1", 0)
    return {
        "points": points,
        "points_truncated": cells.points_truncated,
        "areas": area_list,
        "unplaced": {
            "country": by_precision.get("country", 0),
            "region": by_precision.get("region", 0),
            "none": by_precision.get(None, 0),
            "admin1_without_name": admin1_total - sum(a.count for a in cells.areas),
        },
        "by_precision": {("none" if k is None else k): v for k, v in by_precision.items()},
    }
