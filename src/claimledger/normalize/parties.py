"""Parties and sides: who the victims belong to and whom a claimant speaks for.

Tables live in `data/parties.json`; users extend them with a JSON file named by
CLAIMLEDGER_SIDES (same keys, merged, user entries win), the way spaCy keeps lookups as data.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from claimledger.errors import ConfigError


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("claimledger.normalize").joinpath("data/parties.json").read_text())
    extra = os.environ.get("CLAIMLEDGER_SIDES")
    if extra:
        try:
            user = json.loads(open(extra, encoding="utf-8").read())
        except (OSError, ValueError) as e:
            raise ConfigError(f"{extra}: cannot read the user sides table ({e})") from e
        for key, value in user.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key].update({k.lower(): v for k, v in value.items()})
            elif isinstance(value, list) and isinstance(data.get(key), list):
                data[key] = list(data[key]) + list(value)
            else:
                data[key] = value
    return data


def _pattern(words: list[str]) -> re.Pattern[str]:
    alts = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return re.compile(r"(?i)(?<![\w-])(" + "|".join(alts) + r")(?![\w-])")


@lru_cache(maxsize=1)
def _nationality_re() -> re.Pattern[str]:
    return _pattern(list(tables()["nationality"]))


@lru_cache(maxsize=1)
def _sides_re() -> re.Pattern[str]:
    return _pattern(list(tables()["claimant_sides"]) + list(tables()["nationality"]))


def party_of(text: str, *, equipment: bool = False) -> str | None:
    """The first party named in `text` ("North Korean soldiers" → North Korea). For equipment, words of
    origin ("Iranian drones", "US-supplied") say who made it, not who lost it, and are skipped."""
    origin = set(tables()["equipment_origin_only"]) if equipment else set()
    for m in _nationality_re().finditer(text):
        w = m.group(1).lower()
        if w in origin:
            continue
        if w == "us" and m.group(1) != "US":
            continue
        return str(tables()["nationality"][w])
    return None


def hostile_usage(text: str) -> str | None:
    """'ukraine_usage' for invaders/occupiers, 'russia_usage' for nationalists/neo-Nazis, 'neutral' for enemy."""
    low = text.lower()
    for usage in ("ukraine_usage", "russia_usage", "neutral"):
        for w in tables()["hostile_words"][usage]:
            if re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", low):
                return usage
    return None


def opponent(side: str | None) -> str | None:
    if side is None:
        return None
    opp = tables()["opponents"].get(side)
    return str(opp) if opp else None


def party_from_hostile(usage: str, perspective: str | None) -> str | None:
    """Resolve 'the enemy' etc. from the speaker's side; invaders/occupiers are Ukrainian usage."""
    if usage == "ukraine_usage":
        return "Russia"
    if usage == "russia_usage":
        return "Ukraine"
    return opponent(perspective)


_INSTITUTION_KEYS = {"ova", "rma", "sbu", "gur", "hur", "caa", "vga", "jccc", "isw", "fsb", "dpsu", "tass", "ohchr",
                     "kremlin", "pentagon", "ombudsman", "ukrinform", "stratcom", "rosgvardia"}


def side_of_claimant(name: str | None, context: str = "") -> str | None:
    """The side a named claimant speaks for: table of people and institutions, else a nationality word in the name;
    'the republic' takes the republic named in the sentence."""
    if not name:
        return None
    low = name.lower()
    if re.search(r"\brepublic\b", low) and not re.search(r"\b(dpr|lpr|people's)\b", low):
        m = re.search(r"\b(DPR|LPR|LNR|DNR)\b", context)
        if m:
            return str(tables()["nationality"][m.group(1).lower()])
    if re.search(r"\bpeople's militia\b", low):
        m = re.search(r"\b(DPR|LPR|LNR|DNR)\b", context)
        return str(tables()["nationality"][m.group(1).lower()]) if m else None
    m_inst = re.search(r"(?i)\b(russian|ukrainian|kremlin)-(?:installed|appointed|backed|controlled)\b", name)
    if m_inst:
        return str(tables()["nationality"][m_inst.group(1).lower()])
    # a named person in the table first ("Zelensky"), then a country or force named in the claimant's own
    # words ("DPR Ombudsman", "Russian Defense Ministry"), then institutions ("General Staff")
    for m in _sides_re().finditer(name):
        w = m.group(1).lower()
        if w in tables()["claimant_sides"] and m.group(1)[:1].isupper() and w not in _INSTITUTION_KEYS \
                and " " not in w:
            return str(tables()["claimant_sides"][w])
    nat = party_of(name)
    if nat:
        return nat
    best: tuple[int, str] | None = None
    for m in _sides_re().finditer(name):
        w = m.group(1).lower()
        side = tables()["claimant_sides"].get(w) or tables()["nationality"].get(w)
        if side:
            # prefer the longest, then the earliest match ("Russian Defense Ministry" over "Russian")
            score = len(w) * 10 - m.start() // 10
            if best is None or score > best[0]:
                best = (score, str(side))
    return best[1] if best else None


def official_channel(source: str | None, url: str | None) -> dict[str, str] | None:
    """Official sites whose own voice is a state's (president.gov.ua → Ukraine, head Zelensky)."""
    chans = tables()["official_channels"]
    src = (source or "").lower()
    if src in chans:
        return dict(chans[src])
    for key, value in chans.items():  # "president.gov.ua (address)"
        if src and re.search(r"(?<![\w.])" + re.escape(key) + r"(?![\w.])", src):
            return dict(value)
    if url:
        host = re.sub(r"^https?://", "", url.lower()).split("/")[0]
        host = host[4:] if host.startswith("www.") else host
        if host in chans:
            return dict(chans[host])
    return None


def outlet_side(source: str | None) -> str | None:
    if not source:
        return None
    side = tables()["outlet_sides"].get(source.lower())
    return str(side) if side else None
