"""Events: claims about the same place, overlapping time and the same parties, side by side.

Matching (a claim joins the first existing event that passes all three tests, else it opens a
new event):
- place: both have coordinates within `RADIUS_KM`, or the same admin1 (province/oblast), or the
  same place name;
- time: the claim's span [date_start, date] and the event's span, each widened by `SLACK_DAYS`,
  overlap;
- parties: the claim's parties (victim party, claimant side, perpetrator) share one with the event's;
- attackers: a claim that names a perpetrator joins an event that names others only as a competing
  account of the same loss (the same victims at the same spot: coordinates within `RADIUS_KM` or
  the same place name, not merely the same province) or as the other side of one clash (it names
  the event's attackers as its victims and its attackers are the event's victims). So "the enemy
  shelled the market" and "their own air defence missile fell on the market" stay one event with
  both attributions side by side, while an insurgent raid on a village and an army strike on
  insurgents in the same province that day stay two events.
Only located claims about a day or a week join events; running totals never do (see tallies).

Summary (the `RULE` text stored with each event): per victim party (civilians form their own
bucket, "civilians", whatever their nationality; an unknown party is "unknown"), among the event's claims
of kind `killed`, taking one claim per claim group (wire copies and repeats count once) and
ignoring unspecified numbers:
- low  = the smallest lower bound any claim gives (a denial of losses counts as 0);
- high = the largest upper bound (an open-ended "over N" counts as N);
- best = the median of one figure per claimant side (that side's latest statement; a range
  counts as its midpoint), rounded down.
The event's deaths are the sums over victim parties. Other kinds get the same summary under
`summary.by_kind`; `summary.claims` lists who says what, with stance and the perpetrator each
claim names, side by side; `summary.perpetrators` counts, per perpetrator named, the claims and
claimant sides that name it (conflicting attributions are kept, never resolved).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from claimledger.reconcile.records import ClaimInfo, EventInfo

RADIUS_KM = 25.0
SLACK_DAYS = 1
EVENT_TIME_PRECISIONS = (None, "day", "week")
RULE = ("per victim party, one claim per claim group, kind killed: low = smallest lower bound (denial = 0); "
        "high = largest upper bound; best = median of one figure per claimant side (its latest statement, "
        "range midpoint), rounded down; event totals are sums over parties")
ATTACKERS_RULE = ("a claim naming a perpetrator joins an event naming others only as a competing account of the "
                  "same loss (same victims, not unknown, same spot) or as the other side of one clash")
_PRECISION_RANK = {"point": 0, "admin2": 1, "admin1": 2, "region": 3, "country": 4, None: 5}


def eligible(c: ClaimInfo) -> bool:
    """Events are built on known places and known days only (an undated claim never opens one)."""
    has_place = c.lat is not None or c.admin1 is not None or c.place is not None
    return has_place and c.date is not None and not c.is_tally and c.time_precision in EVENT_TIME_PRECISIONS


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def parties(c: ClaimInfo) -> set[str]:
    return {p for p in (c.party, c.side, c.perpetrator) if p}


def _shift(day: str, days: int) -> str:
    from datetime import date, timedelta

    try:
        return (date.fromisoformat(day[:10]) + timedelta(days=days)).isoformat()
    except ValueError:
        return day


def window(c: ClaimInfo) -> tuple[str, str]:
    assert c.date is not None  # eligible() holds
    return _shift(c.date_start or c.date, -SLACK_DAYS), _shift(c.date, SLACK_DAYS)


def event_window(e: EventInfo) -> tuple[str, str]:
    return _shift(e.date_start, -SLACK_DAYS), _shift(e.date_end, SLACK_DAYS)


def _party_set(parties: str | None) -> set[str]:
    return {p for p in (parties or "").split(",") if p}


def _joined(parties: set[str]) -> str:
    return ("," + ",".join(sorted(parties)) + ",") if parties else ""


def widened(e: EventInfo, c: ClaimInfo) -> dict[str, Any]:
    """The event's span, parties, perpetrators and victims once claim `c` joins it."""
    assert c.date is not None
    return {"date_start": min(e.date_start, c.date_start or c.date), "date_end": max(e.date_end, c.date),
            "parties": _joined(_party_set(e.parties) | parties(c)),
            "perpetrators": _joined(_party_set(e.perpetrators) | ({c.perpetrator} if c.perpetrator else set())),
            "victims": _joined(_party_set(e.victims) | {bucket(c)})}


def attackers_agree(perps: set[str], victims: set[str], other_perps: set[str], other_victims: set[str],
                    same_spot: bool) -> bool:
    """Whether two sets of claims may be about one fight as far as who did it goes: one side names
    no perpetrator, or they name a common one, or they are the two sides of one clash (each one's
    attackers are the other's victims), or they are competing accounts of the same loss (the same
    victims, other than unknown ones, at the same spot)."""
    if not perps or not other_perps or perps & other_perps:
        return True
    if perps & other_victims and other_perps & victims:
        return True
    return same_spot and bool((victims & other_victims) - {"unknown"})


def same_spot(a: ClaimInfo | EventInfo, b: Any) -> bool:
    """The same strike's place: coordinates within the radius or the same place name (a province is too wide)."""
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        return km(a.lat, a.lon, b.lat, b.lon) <= RADIUS_KM
    return bool(a.place and b.place and a.place.casefold() == b.place.casefold())


def same_event(a: EventInfo, b: EventInfo) -> bool:
    """Two events that are one: overlapping days (with the slack), the same place, shared parties,
    attackers that agree."""
    a_start, a_end = event_window(a)
    if not (b.date_start <= a_end and b.date_end >= a_start):
        return False
    pa, pb = _party_set(a.parties), _party_set(b.parties)
    if not ((not pa or not pb or bool(pa & pb)) and same_place(a, b)):
        return False
    return attackers_agree(_party_set(a.perpetrators), _party_set(a.victims), _party_set(b.perpetrators),
                           _party_set(b.victims), same_spot(a, b))


def tally_fields(c: ClaimInfo) -> dict[str, Any]:
    """A running total's point in its series (the claim must carry the day it was stated)."""
    return {"claimant_side": c.side, "claimant_name": c.name, "victim_party": c.party, "kind": c.kind,
            "period_start": c.date_start if c.date_start != c.date else None, "as_of": c.stated,
            "quantity_low": c.low, "quantity_high": c.high, "qualifier": c.qualifier}


def same_place(c: ClaimInfo | EventInfo, e: Any) -> bool:
    if c.lat is not None and c.lon is not None and e.lat is not None and e.lon is not None:
        if km(c.lat, c.lon, e.lat, e.lon) <= RADIUS_KM:
            return True
    if c.admin1 and e.admin1 and c.admin1.casefold() == e.admin1.casefold():
        return True
    return bool(c.place and e.place and c.place.casefold() == e.place.casefold())


def matches(c: ClaimInfo, e: Any) -> bool:
    start, end = window(c)
    if not (e.date_start <= end and e.date_end >= start):
        return False
    ep = _party_set(e.parties)
    cp = parties(c)
    if not ((not ep or not cp or bool(ep & cp)) and same_place(c, e)):
        return False
    return attackers_agree({c.perpetrator} if c.perpetrator else set(), {bucket(c)},
                           _party_set(e.perpetrators), _party_set(e.victims),
                           same_spot(c, e))


def _bounds(c: ClaimInfo) -> tuple[int | None, int | None, float | None]:
    """(lower, upper, point) of one claim's figure."""
    if c.stance == "denied" and not c.low and not c.high:
        return 0, None, 0.0
    lo, hi = c.low, c.high
    if lo is None and hi is None:
        return None, None, None
    lower = lo if lo is not None else hi
    upper = hi if hi is not None else lo
    point = (lo + hi) / 2 if lo is not None and hi is not None else float(lower or 0)
    return lower, upper, point


def summarize_party(claims: Sequence[ClaimInfo]) -> dict[str, Any] | None:
    lows: list[int] = []
    highs: list[int] = []
    latest_by_side: dict[str, tuple[str, int, float]] = {}
    for c in claims:
        lower, upper, point = _bounds(c)
        if point is None:
            continue
        if lower is not None:
            lows.append(lower)
        if upper is not None:
            highs.append(upper)
        side = c.side or "(unattributed)"
        key = (c.stated or "", c.id, point)
        if side not in latest_by_side or key[:2] > latest_by_side[side][:2]:
            latest_by_side[side] = key
    if not latest_by_side:
        return None
    points = sorted(v[2] for v in latest_by_side.values())
    mid = len(points) // 2
    median = points[mid] if len(points) % 2 else (points[mid - 1] + points[mid]) / 2
    low = min(lows) if lows else None
    high = max(highs) if highs else None
    best = int(math.floor(median))
    if low is not None:
        best = max(best, low)
    if high is not None:
        best = min(best, high)
    return {"low": low, "best": best, "high": high, "n_claims": len(claims), "n_sides": len(latest_by_side)}


def one_per_group(claims: Sequence[ClaimInfo]) -> list[ClaimInfo]:
    seen: set[Any] = set()
    out = []
    for c in sorted(claims, key=lambda c: (c.stated or "", c.id)):
        key = c.group_id if c.group_id is not None else ("claim", c.id)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def bucket(c: ClaimInfo) -> str:
    """The victim bucket of the summary: civilians apart, else the party, else unknown."""
    if c.victim_type == "civilian":
        return "civilians"
    return c.party or "unknown"


def attributions(claims: Sequence[ClaimInfo]) -> dict[str, Any]:
    """Per perpetrator named: how many claims (one per claim group) and which claimant sides name it.
    Two entries are two accounts of who did it, kept side by side."""
    out: dict[str, dict[str, Any]] = {}
    for c in claims:
        if c.perpetrator:
            entry = out.setdefault(c.perpetrator, {"n_claims": 0, "sides": []})
            entry["n_claims"] += 1
            if c.side and c.side not in entry["sides"]:
                entry["sides"].append(c.side)
    return {k: {"n_claims": v["n_claims"], "sides": sorted(v["sides"])} for k, v in sorted(out.items())}


def summarize(claims: Sequence[ClaimInfo]) -> dict[str, Any]:
    """Event columns (place, time, parties, deaths low/best/high, summary JSON) from its claims."""
    distinct = one_per_group(claims)
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({c.kind for c in distinct}):
        per_party: dict[str, Any] = {}
        for party in sorted({bucket(c) for c in distinct if c.kind == kind}):
            s = summarize_party([c for c in distinct if c.kind == kind and bucket(c) == party])
            if s is not None:
                per_party[party] = s
        if per_party:
            by_kind[kind] = per_party
    deaths = by_kind.get("killed", {})
    total = {k: (sum(v[k] for v in deaths.values() if v[k] is not None) if any(v[k] is not None for v in deaths.values())
                 else None) for k in ("low", "best", "high")}
    anchor = min(claims, key=lambda c: (_PRECISION_RANK.get(c.precision, 5), c.lat is None, c.id))
    all_parties = sorted({p for c in claims for p in parties(c)})
    side_by_side = [
        {"claim_id": c.id, "group_id": c.group_id, "claimant": c.name, "side": c.side, "stance": c.stance,
         "kind": c.kind, "party": c.party, "victim_type": c.victim_type, "perpetrator": c.perpetrator,
         "perpetrator_text": c.perpetrator_text,
         "means": [m for m in c.means.split(",") if m], "quantity": {"low": c.low, "high": c.high, "qualifier": c.qualifier},
         "stated": c.stated, "outlet": c.outlet, "document_id": c.document_id, "evidence": c.evidence}
        for c in sorted(claims, key=lambda c: (c.side or "", c.kind, c.stated or "", c.id))]
    return {
        "place": anchor.place, "admin1": anchor.admin1, "country": anchor.country, "lat": anchor.lat,
        "lon": anchor.lon, "precision": anchor.precision,
        "date_start": min(c.date_start or c.date or "" for c in claims), "date_end": max(c.date or "" for c in claims),
        "parties": ("," + ",".join(all_parties) + ",") if all_parties else "",
        "perpetrators": _joined({c.perpetrator for c in claims if c.perpetrator}),
        "victims": _joined({bucket(c) for c in claims}),
        "kinds": "," + ",".join(sorted({c.kind for c in claims})) + ",",
        "n_claims": len(claims), "n_groups": len(distinct), "n_sides": len({c.side for c in claims if c.side}),
        "deaths_low": total["low"], "deaths_best": total["best"], "deaths_high": total["high"], "rule": RULE,
        "summary": {"deaths": deaths, "by_kind": by_kind, "claims": side_by_side,
                    "perpetrators": attributions(distinct)},
    }
