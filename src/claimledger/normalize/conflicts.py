"""Who fights whom: armed conflicts as dyads, with their start dates, countries and adversary words.

Data: `data/conflicts.json` (extend with CLAIMLEDGER_CONFLICTS=path.json, a `conflicts` list appended to the
built-in one). Each conflict has two sides, each a list of parties led by its main party ("Russia" with
"DPR", "LPR", "Wagner Group"… against "Ukraine"); `start`/`end` dates; the countries it is fought in; whether
it is a main dyad of its parties; and `calls`, the classes of adversary words each side uses for the other.

The rules, the same for every war:

* a side's opponent is the leader of the other side of its conflicts going on (on a date, or now); a side with
  one main opponent resolves to it, a side with several (an army fighting many groups) only when the text
  names one of them (`mentioned`);
* an adversary word ("occupiers", "militants", "the enemy") said by a speaker of known side denotes that
  side's opponent in the conflicts where the side uses that word, else its main opponent; with no speaker,
  only a word that a single side of the conflicts in view uses resolves (a Ukrainian "rashist" is Russia's);
* `war_start(sides)` is the start of the conflict between those sides, for "since the start of the war".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from claimledger.config import get_settings
from claimledger.errors import ConfigError

__all__ = ["Conflict", "conflicts", "validate", "conflicts_of", "opponents", "main_opponent", "resolve_hostile",
           "war_start", "theatre", "Theatre", "reset"]

_FIELDS = {"name", "start", "end", "sides", "countries", "main", "calls", "front_admin1", "ruler_min_population"}


@dataclass(frozen=True, slots=True)
class Conflict:
    """One armed conflict between two sides (each a tuple of party names, the main party first)."""

    name: str
    start: dt.date
    end: dt.date | None
    sides: tuple[tuple[str, ...], tuple[str, ...]]
    countries: tuple[str, ...]
    main: bool = True
    calls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    front_admin1: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ruler_min_population: int | None = None

    def active(self, on: dt.date | None = None) -> bool:
        """Going on at `on`; with no date, going on now (no end date)."""
        if on is None:
            return self.end is None
        return self.start <= on and (self.end is None or on <= self.end)

    def side_of(self, party: str) -> int | None:
        for i, members in enumerate(self.sides):
            if party in members:
                return i
        return None

    def members(self) -> tuple[str, ...]:
        return self.sides[0] + self.sides[1]


def _date(source: str, where: str, key: str, value: Any, *, optional: bool) -> dt.date | None:
    if value is None and optional:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as e:
        raise ConfigError(f"{source}: {where}: field {key!r} must be an ISO date such as 2023-04-15 (got {value!r})") from e


def _check(source: str, i: int, raw: Any, known: set[str], terms: set[str]) -> Conflict:
    where = f"conflicts[{i}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise ConfigError(f"{source}: {where}: must be an object with a 'name', 'start', 'sides' and 'countries'")
    where = f"conflicts[{i}] ({raw['name']!r})"
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise ConfigError(f"{source}: {where}: unknown field(s) {', '.join(map(repr, unknown))}")
    start = _date(source, where, "start", raw.get("start"), optional=False)
    end = _date(source, where, "end", raw.get("end"), optional=True)
    assert start is not None
    if end is not None and end < start:
        raise ConfigError(f"{source}: {where}: ends ({end}) before it starts ({start})")
    sides = raw.get("sides")
    if not (isinstance(sides, list) and len(sides) == 2 and all(isinstance(s, list) and s for s in sides)):
        raise ConfigError(f"{source}: {where}: 'sides' must be two non-empty lists of party names")
    for name in (n for s in sides for n in s):
        if name not in known:
            raise ConfigError(f"{source}: {where}: unknown party {name!r} (add it to the parties table first)")
    countries = raw.get("countries")
    if not (isinstance(countries, list) and countries and all(isinstance(c, str) and len(c) == 2 and c.isupper()
                                                              for c in countries)):
        raise ConfigError(f"{source}: {where}: 'countries' must be a non-empty list of ISO-2 codes")
    calls: dict[str, tuple[str, ...]] = {}
    for speaker, used in (raw.get("calls") or {}).items():
        if not any(speaker in s for s in sides):
            raise ConfigError(f"{source}: {where}: 'calls' names {speaker!r}, who is on neither side")
        bad = [t for t in used if t not in terms]
        if bad:
            raise ConfigError(f"{source}: {where}: unknown adversary word class(es) {bad} (known: {sorted(terms)})")
        calls[speaker] = tuple(used)
    front = {cc: tuple(codes) for cc, codes in (raw.get("front_admin1") or {}).items()}
    ruler = raw.get("ruler_min_population")
    if ruler is not None and (not isinstance(ruler, int) or ruler < 0):
        raise ConfigError(f"{source}: {where}: 'ruler_min_population' must be a non-negative integer")
    main = raw.get("main", True)
    if not isinstance(main, bool):
        raise ConfigError(f"{source}: {where}: 'main' must be true or false")
    return Conflict(raw["name"], start, end, (tuple(sides[0]), tuple(sides[1])), tuple(countries), main, calls,
                    front, ruler)


#: Where the party names and the adversary word classes a table may use come from: the parties module
#: registers itself here when it loads (this module sits below it and never imports it).
_vocabulary: Callable[[], tuple[set[str], set[str]]] | None = None


def use_vocabulary(source: Callable[[], tuple[set[str], set[str]]]) -> None:
    """Name the (party names, adversary word classes) a conflicts table is checked against."""
    global _vocabulary
    _vocabulary = source
    conflicts.cache_clear()


def validate(raw: Any, source: str = "conflicts.json") -> list[Conflict]:
    """Check a conflicts table against the parties table; ConfigError names the file, conflict and field."""
    if not isinstance(raw, dict) or not isinstance(raw.get("conflicts"), list):
        raise ConfigError(f"{source}: must be a JSON object with a 'conflicts' list")
    if _vocabulary is None:
        raise ConfigError(f"{source}: no parties table to check the conflicts against (import claimledger.normalize.parties)")
    known, terms = _vocabulary()
    return [_check(source, i, c, known, terms) for i, c in enumerate(raw["conflicts"])]


@lru_cache(maxsize=1)
def conflicts() -> tuple[Conflict, ...]:
    """Every conflict of the table (built-in, then the user's)."""
    text = resources.files("claimledger.normalize").joinpath("data/conflicts.json").read_text(encoding="utf-8")
    out = validate(json.loads(text), "normalize/data/conflicts.json")
    extra = get_settings().user_conflicts
    if extra:
        try:
            with open(extra, encoding="utf-8") as fh:
                raw = json.load(fh)
        except (OSError, ValueError) as e:
            raise ConfigError(f"{extra}: cannot read the user conflicts table ({e})") from e
        out += validate(raw, str(extra))
    return tuple(out)


def reset() -> None:
    conflicts.cache_clear()


def _as_date(on: Any) -> dt.date | None:
    if on is None or isinstance(on, dt.date):
        return on if not isinstance(on, dt.datetime) else on.date()
    try:
        return dt.date.fromisoformat(str(on)[:10])
    except ValueError:
        return None


def conflicts_of(party: str, *, on: Any = None, main_only: bool = False) -> list[Conflict]:
    """The conflicts `party` fights in (on a date, or now)."""
    day = _as_date(on)
    return [c for c in conflicts() if c.side_of(party) is not None and c.active(day) and (c.main or not main_only)]


def opponents(party: str, *, mentioned: Iterable[str] | None = None, on: Any = None) -> list[str]:
    """The opponents of `party`: those the text names (`mentioned`), else the leaders of the other sides of its
    main conflicts."""
    named = set(mentioned or ())
    out: dict[str, None] = {}
    if named:
        for c in conflicts_of(party, on=on):
            i = c.side_of(party)
            assert i is not None
            for other in c.sides[1 - i]:
                if other in named and other != party:
                    out.setdefault(other, None)
        if out:
            return list(out)
    for c in conflicts_of(party, on=on, main_only=True):
        i = c.side_of(party)
        assert i is not None
        out.setdefault(c.sides[1 - i][0], None)
    return list(out)


def main_opponent(party: str, *, mentioned: Iterable[str] | None = None, on: Any = None) -> str | None:
    """The one opponent of `party` (see :func:`opponents`), or None when it has none or several."""
    opp = opponents(party, mentioned=mentioned, on=on)
    return opp[0] if len(opp) == 1 else None


def resolve_hostile(term: str, speaker: str | None, *, mentioned: Iterable[str] | None = None,
                    on: Any = None, needs_speaker: Iterable[str] = ()) -> str | None:
    """Whom an adversary word of class `term` denotes when `speaker`'s side says it (module docstring);
    `needs_speaker` are the classes whose referent depends on who speaks ("militants", "the enemy")."""
    named = set(mentioned or ())
    if speaker is not None:
        targets: dict[str, None] = {}
        for c in conflicts_of(speaker, on=on):
            i = c.side_of(speaker)
            assert i is not None
            users = {speaker, c.sides[i][0]}
            if any(term in c.calls.get(u, ()) for u in users):
                for other in c.sides[1 - i]:
                    if other in named:
                        targets.setdefault(other, None)
                if not named or not any(o in named for o in c.sides[1 - i]):
                    targets.setdefault(c.sides[1 - i][0], None)
        if len(targets) == 1:
            return next(iter(targets))
        if targets:
            narrowed = [t for t in targets if t in named]
            return narrowed[0] if len(narrowed) == 1 else None
        return main_opponent(speaker, mentioned=named or None, on=on)
    # no speaker: only a word that a single side of the conflicts in view uses for its enemy
    if term in set(needs_speaker):
        return None  # "militants", "the enemy": whose they are depends on who speaks
    found: dict[str, None] = {}
    for c in conflicts():
        if not c.active(_as_date(on)) or (named and not named & set(c.members())):
            continue
        for user, used in c.calls.items():
            if term in used:
                i = c.side_of(user)
                assert i is not None
                found.setdefault(c.sides[1 - i][0], None)
    return next(iter(found)) if len(found) == 1 else None


def war_start(sides: str | Iterable[str], *, on: Any = None) -> dt.date | None:
    """The start of the war between `sides` (one party or several), for "since the start of the war".

    ["Russia", "Ukraine"] → 2022-02-24; ["Sudan"] → 2023-04-15 (its one war going on); None when the parties
    fight no war of the table together, or one party fights several and no other is given.
    """
    names = [sides] if isinstance(sides, str) else [s for s in sides if s]
    if not names:
        return None
    day = _as_date(on)
    found = [c for c in conflicts() if all(c.side_of(n) is not None for n in names) and c.active(day)
             and (len(names) < 2 or len({c.side_of(n) for n in names}) == 2)]
    if len(found) > 1:
        found = [c for c in found if c.main] or found
    starts = {c.start for c in found}
    return starts.pop() if len(starts) == 1 else None


@dataclass(frozen=True, slots=True)
class Theatre:
    """Where the conflicts a text names are fought: their main countries, other countries and front
    provinces ((ISO-2, GeoNames admin1 code))."""

    countries: frozenset[str] = frozenset()
    near: frozenset[str] = frozenset()
    front_admin1: frozenset[tuple[str, str]] = frozenset()


def theatre(parties_named: Iterable[str], *, on: Any = None) -> Theatre:
    """The theatre of the conflicts between the parties a text names (any date unless `on` is given): a
    conflict counts when the text names a party on each side, or the main party of a main dyad."""
    named = set(parties_named)
    countries: set[str] = set()
    near: set[str] = set()
    front: set[tuple[str, str]] = set()
    day = _as_date(on)
    for c in conflicts():
        if not named or (day is not None and not c.active(day)):
            continue
        both = named & set(c.sides[0]) and named & set(c.sides[1])
        lead = c.main and (c.sides[0][0] in named or c.sides[1][0] in named)
        if both or lead:
            countries.add(c.countries[0])
            near.update(c.countries[1:])
            front.update((cc, code) for cc, codes in c.front_admin1.items() for code in codes)
    return Theatre(frozenset(countries), frozenset(near - countries), frozenset(front))
