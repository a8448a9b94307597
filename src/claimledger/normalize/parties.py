"""Parties and sides: who the victims belong to and whom a claimant speaks for, in any war.

The table lives in `data/parties.json`: one entry per state, armed group or international body with its
names, nationality words, capitals, force names and the claimants who speak for it; word lists (adversary
words by class, proxy markers, generic institutions) sit beside it. Users extend it with a JSON file named
by CLAIMLEDGER_SIDES (a `parties` list merged by name, and the flat maps merged key by key, user entries
win), the way spaCy keeps lookups as data. Every entry is validated on load: a malformed one raises
ConfigError naming the file, the entry and the field.

Who fights whom lives in `conflicts.py` (dyads with start dates); "the enemy", "occupiers" or "militants"
are resolved there from the speaker's side.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from claimledger import phrases
from claimledger.config import get_settings
from claimledger.errors import ConfigError
from claimledger.normalize import conflicts

__all__ = [
    "Party", "tables", "validate", "parties", "party", "actor_table", "party_of", "parties_in", "states_in", "state_in_context",
    "hostile_usage", "hostile_words", "hostile_needs_speaker", "opponent", "party_from_hostile", "side_of_claimant", "official_channel",
    "outlet_side", "demonyms", "country_names", "country_of", "reset",
]

KINDS = ("state", "armed_group", "international")
_LIST_FIELDS = ("names", "demonyms", "plurals", "capitals", "forces", "people", "institutions", "context_words",
                "generic_refs", "case_sensitive")
_SCALAR_FIELDS = ("name", "kind", "iso2", "acled")
#: roles whose words name the party itself (victims, perpetrators); people and institutions only name claimants
_PARTY_ROLES = ("names", "forces", "demonyms", "plurals", "capitals")
_FLAT_MAPS = ("nationality", "claimant_sides", "outlet_sides", "official_channels")


@dataclass(frozen=True, slots=True)
class Party:
    """One party of the table; word lists as written in the data file."""

    name: str
    kind: str
    iso2: str | None = None
    acled: str | None = None
    names: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    plurals: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    forces: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    context_words: tuple[str, ...] = ()
    generic_refs: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------------
# loading and validation

def _fail(source: str, where: str, what: str) -> ConfigError:
    return ConfigError(f"{source}: {where}: {what}")


def _check_str_list(source: str, where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(source, where, f"field {key!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _check_party(source: str, index: int, entry: Any) -> Party:
    where = f"parties[{index}]"
    if not isinstance(entry, dict):
        raise _fail(source, where, "must be an object with at least 'name' and 'kind'")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(source, where, "field 'name' must be a non-empty string")
    where = f"parties[{index}] ({name!r})"
    unknown = sorted(set(entry) - set(_LIST_FIELDS) - set(_SCALAR_FIELDS))
    if unknown:
        raise _fail(source, where, f"unknown field(s) {', '.join(map(repr, unknown))}; known: "
                                   f"{', '.join(_SCALAR_FIELDS + _LIST_FIELDS)}")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise _fail(source, where, f"field 'kind' must be one of {', '.join(KINDS)} (got {kind!r})")
    iso2 = entry.get("iso2")
    if iso2 is not None and not (isinstance(iso2, str) and re.fullmatch(r"[A-Z]{2}", iso2)):
        raise _fail(source, where, f"field 'iso2' must be an ISO 3166-1 alpha-2 code such as 'SD' or null (got {iso2!r})")
    if kind == "state" and iso2 is None:
        raise _fail(source, where, "a state needs its 'iso2' country code")
    acled = entry.get("acled")
    if acled is not None and not isinstance(acled, str):
        raise _fail(source, where, "field 'acled' must be a string or null")
    lists = {k: _check_str_list(source, where, k, entry[k]) for k in _LIST_FIELDS if k in entry}
    return Party(name=name.strip(), kind=kind, iso2=iso2, acled=acled, **lists)


def _merge_party(old: Party, new: Party) -> Party:
    """A user entry for a known party adds its words and replaces its scalars."""
    lists = {k: tuple(dict.fromkeys(getattr(old, k) + getattr(new, k))) for k in _LIST_FIELDS}
    return Party(name=old.name, kind=new.kind, iso2=new.iso2 or old.iso2, acled=new.acled or old.acled, **lists)


def _check_flat(source: str, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(source, key, "must be an object of lower-case words")
    out: dict[str, Any] = {}
    for k, v in value.items():
        if k == "_doc":
            continue
        if key == "official_channels":
            if not (isinstance(v, dict) and isinstance(v.get("side"), str) and isinstance(v.get("head"), str)):
                raise _fail(source, f"{key}[{k!r}]", "must be an object with string 'side' and 'head'")
        elif not isinstance(v, str) or not v:
            raise _fail(source, f"{key}[{k!r}]", "must map to a party name (a non-empty string)")
        out[k.lower()] = v
    return out


def _check_word_lists(source: str, key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise _fail(source, key, "must be an object of named word lists")
    return {k: _check_str_list(source, key, k, v) for k, v in value.items() if k != "_doc"}


def validate(raw: Any, source: str = "parties.json") -> dict[str, Any]:
    """Check a parties table (the built-in file or a user's) and return it in loaded form.

    Raises ConfigError naming `source`, the entry and the field for: a party without name or with an unknown
    kind, a state without its ISO-2 code, unknown fields, word lists that are not lists of strings, the same
    party twice, one word given to two parties, and flat maps that do not map words to names.
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: must be a JSON object with a 'parties' list and word maps")
    out: dict[str, Any] = {}
    if "parties" in raw:
        if not isinstance(raw["parties"], list):
            raise _fail(source, "parties", "must be a list of party objects")
        seen: dict[str, Party] = {}
        for i, entry in enumerate(raw["parties"]):
            p = _check_party(source, i, entry)
            if p.name in seen:
                raise _fail(source, f"parties[{i}] ({p.name!r})", "the same party is listed twice")
            seen[p.name] = p
        out["parties"] = list(seen.values())
    for key in _FLAT_MAPS:
        if key in raw:
            out[key] = _check_flat(source, key, raw[key])
    for key in ("hostile_terms", "hostile_resolution", "non_state_heads", "generic_institutions"):
        if key in raw:
            out[key] = _check_word_lists(source, key, raw[key])
    if "proxy_markers" in raw:
        out["proxy_markers"] = _check_word_lists(source, "proxy_markers", raw["proxy_markers"])
    if "equipment_origin_only" in raw:
        out["equipment_origin_only"] = _check_str_list(source, "equipment_origin_only", "equipment_origin_only",
                                                       raw["equipment_origin_only"])
    if "legacy_usages" in raw:
        legacy = {}
        for k, v in raw["legacy_usages"].items():
            if k == "_doc":
                continue
            if not isinstance(v, dict) or not isinstance(v.get("term"), str):
                raise _fail(source, f"legacy_usages[{k!r}]", "must be an object with a 'term' and a 'speaker'")
            legacy[k] = (v["term"], v.get("speaker"))
        out["legacy_usages"] = legacy
    unknown = sorted(set(raw) - set(out) - {"_doc", "parties"} - set(_FLAT_MAPS))
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(map(repr, unknown))}")
    return out


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: cannot read the user sides table ({e})") from e


def _merge(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    if "parties" in user:
        by_name = {p.name: p for p in base.get("parties", [])}
        for p in user["parties"]:
            by_name[p.name] = _merge_party(by_name[p.name], p) if p.name in by_name else p
        out["parties"] = list(by_name.values())
    for key, value in user.items():
        if key == "parties":
            continue
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = {**base[key], **value}
        elif isinstance(value, tuple) and isinstance(base.get(key), tuple):
            out[key] = tuple(dict.fromkeys(base[key] + value))
        else:
            out[key] = value
    return out


@lru_cache(maxsize=1)
def _loaded() -> dict[str, Any]:
    text = resources.files("claimledger.normalize").joinpath("data/parties.json").read_text(encoding="utf-8")
    data = validate(json.loads(text), "normalize/data/parties.json")
    user = get_settings().user_sides
    extra = str(user) if user else None
    if extra:
        data = _merge(data, validate(_read_json(extra), extra))
    _check_words_unique(data["parties"], extra or "normalize/data/parties.json")
    return data


def _check_words_unique(plist: list[Party], source: str) -> None:
    owner: dict[str, str] = {}
    for p in plist:
        for role in _PARTY_ROLES:
            for w in getattr(p, role):
                prev = owner.setdefault(w.lower(), p.name)
                if prev != p.name:
                    raise ConfigError(f"{source}: the word {w!r} names both {prev!r} and {p.name!r}; "
                                      f"keep it in one party's lists")


def reset() -> None:
    """Forget the loaded tables (after CLAIMLEDGER_SIDES or CLAIMLEDGER_CONFLICTS changed; tests)."""
    for f in (_loaded, tables, _index, _party_re, _sides_re, _by_name, _generic_re, _ref_re, _people):
        f.cache_clear()
    conflicts.reset()


# --------------------------------------------------------------------------------------------------
# derived views

@lru_cache(maxsize=1)
def _by_name() -> dict[str, Party]:
    return {p.name: p for p in _loaded()["parties"]}


def parties() -> tuple[Party, ...]:
    """Every party of the table (built-in and user entries)."""
    return tuple(_by_name().values())


def actor_table() -> dict[str, dict[str, str | None]]:
    """Each party's kind, ISO code and ACLED actor name, for the ACLED/UCDP crosswalk (which may not
    read this table itself: export sits below normalize's readers in the layers)."""
    return {p.name: {"kind": p.kind, "iso2": p.iso2, "acled": p.acled} for p in parties()}


def party(name: str | None) -> Party | None:
    """The table entry of a canonical party name ("Sudan", "RSF"), or None."""
    return _by_name().get(name) if name else None


@dataclass(frozen=True, slots=True)
class _Word:
    party: str
    role: str  # one of _PARTY_ROLES, or "legacy" for the flat nationality map
    exact: frozenset[str]  # the spellings that count when the word is case-sensitive; empty: any case


def _is_case_sensitive(word: str, listed: tuple[str, ...]) -> bool:
    """Short all-capital abbreviations (IS, KIA, CAR, US) only count as written; so do listed words."""
    letters = [ch for ch in word if ch.isalpha()]
    return word in listed or (bool(letters) and len(letters) <= 5 and not any(ch.islower() for ch in word))


@lru_cache(maxsize=8)
def language_tables(lang: str) -> dict[str, Any]:
    """Parties and sides vocabulary of one language other than English, `data/parties_<lang>.json`
    ("ru", "uk"): used by `parties_ru_uk`; a ConfigError names a language without a table."""
    path = resources.files("claimledger.normalize").joinpath(f"data/parties_{lang}.json")
    if not path.is_file():
        raise ConfigError(f"no parties table for language {lang!r} (data/parties_{lang}.json)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def _proxies() -> list[dict[str, Any]]:
    raw = json.loads(resources.files("claimledger.normalize").joinpath("data/proxies.json").read_text(encoding="utf-8"))
    entries = raw.get("proxies", [])
    for e in entries:
        if not all(isinstance(e.get(k), str) for k in ("side", "proxy")) or not isinstance(e.get("words"), list):
            raise ConfigError(f"proxies.json: entry {e!r} needs 'side', 'proxy' and a 'words' list")
    return list(entries)


def proxy_side(side: str | None, text: str, admin1: str | None = None) -> str | None:
    """An official quoted by `side`'s outlets in a province that `side` holds through a proxy speaks for the
    proxy (a Russian outlet's 'mayor' of Donetsk → DPR); None when no proxy applies."""
    if not side:
        return None
    for e in _proxies():
        if e["side"] != side:
            continue
        if admin1 and admin1 in e.get("admin1", []):
            return str(e["proxy"])
        if re.search(r"\b(?:" + "|".join(re.escape(w) for w in e["words"]) + r")\b", text):
            return str(e["proxy"])
    return None


def armed_groups() -> list[str]:
    """The parties that are not states (armed groups, alliances): their names count their fighters."""
    return [p.name for p in parties() if p.kind != "state"]


def name_words() -> list[tuple[str, str, bool]]:
    """(word as written, the party it names, True when only that spelling counts) for every name, force name,
    demonym, plural and capital: for matchers that tag party words in text ('CAR' is a country, 'car' is not)."""
    out: list[tuple[str, str, bool]] = []
    for key, word in _index().items():
        if word.exact:
            out.extend((w, word.party, True) for w in word.exact)
        else:
            out.append((key, word.party, False))
    return out


def is_capital(word: str) -> bool:
    """A capital's name ('Kabul', 'Kyiv'): a party as a subject ('Kabul says'), a place before an attack noun."""
    found = _index().get(word.lower())
    return found is not None and found.role == "capitals"


@lru_cache(maxsize=1)
def _index() -> dict[str, _Word]:
    """Lower-case word → the party it names, for names, forces, demonyms, plurals and capitals."""
    idx: dict[str, _Word] = {}
    for p in _loaded()["parties"]:
        for role in _PARTY_ROLES:
            for w in (p.name, *getattr(p, role)) if role == "names" else getattr(p, role):
                key = w.lower()
                exact = frozenset({w}) if _is_case_sensitive(w, p.case_sensitive) else frozenset()
                prev = idx.get(key)
                if prev is not None and prev.party == p.name:
                    # one word in two lists of a party: its first role; any case when one spelling allows it
                    idx[key] = _Word(p.name, prev.role, prev.exact | exact if prev.exact and exact else frozenset())
                else:
                    idx[key] = _Word(p.name, role, exact)
    for key, name in _loaded().get("nationality", {}).items():  # a user's flat map wins
        idx[key] = _Word(name, "legacy", frozenset())
    return idx


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    """Flat views of the table (lower-case keys), as earlier versions had them.

    `nationality` (every word naming a party → its name), `claimant_sides` (people and institutions → side),
    `opponents` (each side → its one main opponent, from conflicts.json), `official_channels`, `outlet_sides`,
    `equipment_origin_only`, `hostile_terms`; and `parties`, the entries themselves.
    """
    data = _loaded()
    claimants: dict[str, str] = {}
    for p in data["parties"]:
        for w in (*p.people, *p.institutions):
            claimants.setdefault(w.lower(), p.name)
    claimants.update(data.get("claimant_sides", {}))
    opponents = {p.name: opp for p in data["parties"] if (opp := conflicts.main_opponent(p.name)) is not None}
    return {
        "parties": list(data["parties"]),
        "nationality": {k: w.party for k, w in _index().items()},
        "claimant_sides": claimants,
        "opponents": opponents,
        "official_channels": dict(data.get("official_channels", {})),
        "outlet_sides": dict(data.get("outlet_sides", {})),
        "equipment_origin_only": list(data.get("equipment_origin_only", ())),
        "hostile_terms": {k: list(v) for k, v in data.get("hostile_terms", {}).items()},
    }


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?i)(?<![\w])(" + phrases.alternation(words) + r")(?![\w])")


@lru_cache(maxsize=1)
def _party_re() -> re.Pattern[str]:
    return _pattern(_index())


@lru_cache(maxsize=1)
def _sides_re() -> re.Pattern[str]:
    return _pattern(list(tables()["claimant_sides"]) + list(_index()))


def _words(key: str, sub: str) -> tuple[str, ...]:
    return tuple(_loaded().get(key, {}).get(sub, ()))


def demonyms() -> dict[str, str]:
    """Nationality adjectives and plurals of states → ISO-2 ("Somali" → "SO", "Filipinos" → "PH")."""
    out: dict[str, str] = {}
    for p in _loaded()["parties"]:
        if p.kind == "state" and p.iso2:
            for w in (*p.demonyms, *p.plurals):
                out[w] = p.iso2
    return out


def country_names() -> dict[str, str]:
    """A state's own names (not its force names) → ISO-2 ("DR Congo" → "CD", "B'desh" → "BD")."""
    out: dict[str, str] = {}
    for p in _loaded()["parties"]:
        if p.kind == "state" and p.iso2:
            for w in (p.name, *p.names):
                out[w] = p.iso2
    return out


def country_of(name: str | None) -> str | None:
    """ISO-2 of a party: a state's own code, an armed group's home country ("RSF" → "SD")."""
    p = party(name)
    return p.iso2 if p else None


# --------------------------------------------------------------------------------------------------
# parties named in text

_NEAR = 60   # characters around a party word that its markers sit in (slices, not the whole text: linear)


def _skip(text: str, m: re.Match[str], word: _Word, *, equipment: bool, context: bool = False) -> bool:
    """Matches that do not name the victims' or actors' party."""
    surface = m.group(1)
    if word.exact and surface not in word.exact:
        return True  # "us", "is", "car" written in lower case
    low = surface.lower()
    if equipment and low in _loaded().get("equipment_origin_only", ()):
        return True  # "Iranian drones": who made it, not who lost it
    markers = _loaded().get("proxy_markers", {})
    after = re.match(r"\s*-\s*([a-z]+)", text[m.end():m.end() + _NEAR])
    if after and after.group(1) in markers.get("after", ()):
        return True  # "Iran-backed militias", "Turkish-made drones"
    before = re.search(r"(\w+)\s*-\s*$", text[max(0, m.start() - _NEAR):m.start()])
    if before and before.group(1).lower() in markers.get("before", ()):
        return True  # "pro-Russian separatists", "anti-Houthi forces"
    if word.role in ("demonyms", "legacy") or word.role == "names" and not context and is_state(word.party):
        nxt = re.match(r"(?:\s+[\w'-]+){0,2}", text[m.end():m.end() + 2 * _NEAR])
        if nxt and any(w.lower() in non_state_heads() for w in nxt.group(0).split()):
            return True  # "Syrian rebels", "Somali militants", "Myanmar resistance": not the state's forces
    return False


def is_state(name: str | None) -> bool:
    """A party that is a state (its forces and officials), not an armed group."""
    p = _by_name().get(name or "")
    return p is not None and p.kind == "state"


@lru_cache(maxsize=1)
def non_state_heads() -> frozenset[str]:
    """Nouns after a nationality or a country's name that name people outside the state's forces."""
    return frozenset(w.lower() for w in _loaded().get("non_state_heads", {}).get("words", ()))


def _matches(text: str, *, equipment: bool = False, any_group: bool = False) -> Iterable[tuple[re.Match[str], _Word]]:
    """Party words of a text; `any_group` keeps a country's name before a non-state group ('Myanmar resistance'),
    which names the country as context though not as the group's party."""
    idx = _index()
    for m in _party_re().finditer(text):
        word = idx.get(m.group(1).lower())
        if word is not None and not _skip(text, m, word, equipment=equipment, context=any_group):
            yield m, word


def parties_in(text: str | None) -> list[str]:
    """Every party named in a text, in order of first mention ("Sudanese army shells RSF" → Sudan, RSF)."""
    if not text:
        return []
    return list(dict.fromkeys(w.party for _, w in _matches(text, any_group=True)))


def states_in(text: str | None) -> list[str]:
    """The states named in a text (nationality words included), in order of first mention."""
    by_name = _by_name()
    return [n for n in parties_in(text) if (p := by_name.get(n)) is not None and p.kind == "state"]


def state_in_context(context: str | None) -> str | None:
    """The one state a text names by its name or nationality word, or None when it names none or several
    ("a convoy hit in Somalia" → Somalia). Force names and capitals do not count: "an artillery unit of the
    Armed Forces of Ukraine" names an actor, not where the speaker stands.

    For the contract's "soldiers or police of a state that the text makes clear".
    """
    if not context:
        return None
    by_name = _by_name()
    states = list(dict.fromkeys(w.party for _, w in _matches(context)
                                if w.role in ("names", "demonyms", "plurals")
                                and (p := by_name.get(w.party)) is not None and p.kind == "state"))
    return states[0] if len(states) == 1 else None


def party_of(text: str, *, equipment: bool = False, context: str | None = None) -> str | None:
    """The first party named in `text` ("North Korean soldiers" → North Korea, "IDF troops" → Israel).

    Skipped: for equipment, words of origin ("Iranian drones", "US-supplied") that say who made it; proxies
    ("Iran-backed", "pro-Russian"); a nationality before a non-state noun ("Syrian rebels"). With `context`
    (the sentence or document), words that denote a party only in its war ("the junta", "regime forces",
    "AFP") resolve to the one party of the context that uses them.
    """
    for _, word in _matches(text, equipment=equipment):
        return word.party
    if context:
        return party_from_context_words(text, context)
    return None


def party_from_context_words(text: str, context: str) -> str | None:
    """'regime forces' where Syria is named: the one party of the context whose context words the text uses."""
    low = text.lower()
    named = set(parties_in(context))
    found: list[str] = []
    for p in _loaded()["parties"]:
        if p.name in named and any(re.search(r"(?<![\w-])" + re.escape(w.lower()) + r"(?![\w-])", low)
                                   if not _is_case_sensitive(w, p.case_sensitive)
                                   else re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", text)
                                   for w in p.context_words):
            found.append(p.name)
    return found[0] if len(found) == 1 else None


# --------------------------------------------------------------------------------------------------
# adversary words

def hostile_words() -> dict[str, tuple[str, ...]]:
    """Adversary words by class, in the order they are tried ("occupier": invaders, occupiers, …)."""
    return dict(_loaded().get("hostile_terms", {}))


def hostile_needs_speaker() -> frozenset[str]:
    """Adversary word classes that only the speaker's side resolves ("militant", "enemy")."""
    return frozenset(_words("hostile_resolution", "needs_speaker"))


def hostile_usage(text: str) -> str | None:
    """The class of the adversary word in `text` ("occupier" for invaders, "militant" for terrorists,
    "enemy" for the enemy), or None. Resolve it with :func:`party_from_hostile` and the speaker's side."""
    low = text.lower()
    for term, words in hostile_words().items():
        for w in words:
            if re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", low):
                return term
    return None


def opponent(side: str | None, context: str | Iterable[str] | None = None, *, on: Any = None) -> str | None:
    """The one main opponent of `side` in the conflicts of conflicts.json (Ukraine → Russia, Sudan → RSF);
    None when it has several (Myanmar's army fights many groups) unless `context` (a text, or party names)
    names one of them. `on` (a date) picks the conflicts going on that day; default: those going on now."""
    if side is None:
        return None
    return conflicts.main_opponent(side, mentioned=_mentioned(context), on=on)


def party_from_hostile(usage: str, perspective: str | None, context: str | Iterable[str] | None = None, *,
                       on: Any = None) -> str | None:
    """Whom an adversary word denotes, from the speaker's side (`perspective`) and the conflicts between them.

    `usage` is a class of :func:`hostile_usage` ("occupier", "militant", "enemy", …) or a usage name of
    earlier versions ("ukraine_usage": as a Ukrainian speaker says it). A Ukrainian speaker's "occupiers" →
    Russia; the Russian MoD's "militants" → Ukraine; a Nigerian army's "terrorists" → None (several groups).
    Without a speaker, only words that one side alone uses for its enemy resolve ("rashists").
    """

    legacy = _loaded().get("legacy_usages", {}).get(usage)
    if legacy is not None:
        usage, speaker = legacy
        perspective = perspective or speaker
    return conflicts.resolve_hostile(usage, perspective, mentioned=_mentioned(context), on=on,
                                     needs_speaker=hostile_needs_speaker())


def _mentioned(context: str | Iterable[str] | None) -> set[str] | None:
    if context is None:
        return None
    if isinstance(context, str):
        return set(parties_in(context)) or None
    return set(context) or None


# --------------------------------------------------------------------------------------------------
# claimants

@lru_cache(maxsize=1)
def _generic_re() -> re.Pattern[str]:
    return _pattern(_words("generic_institutions", "words"))


@lru_cache(maxsize=1)
def _people() -> frozenset[str]:
    """Lower-case names of people who speak for a party (and the user's flat claimant map)."""
    return frozenset({w.lower() for p in _loaded()["parties"] for w in p.people} | set(_loaded().get("claimant_sides", {})))


@lru_cache(maxsize=1)
def _ref_re() -> re.Pattern[str]:
    refs = {w for p in _loaded()["parties"] for w in p.generic_refs}
    return _pattern(refs) if refs else re.compile(r"(?!x)x")


def side_of_claimant(name: str | None, context: str = "") -> str | None:
    """The side a named claimant speaks for.

    In order: "the republic"/"people's militia" → the party named in `context` (the sentence) that goes by
    that word; "<party>-installed/-appointed/-backed" → that party; a person in the table ("Zelensky"); a party
    named in the claimant's own words ("Sudanese army", "RSF", "Egypt", "DPR Ombudsman"); an institution of the
    table ("General Staff"); a generic institution ("police", "officials", "governor") → the one state the
    context names.
    """
    if not name:
        return None
    ref = _ref_re().search(name)
    if ref and not parties_in(name):
        word = ref.group(1).lower()
        named = {n for n in parties_in(context) if (p := party(n)) is not None
                 and word in {w.lower() for w in p.generic_refs}}
        return named.pop() if len(named) == 1 else None
    keeps = _words("proxy_markers", "claimant_keeps")
    if keeps:
        m_inst = re.search(r"(?i)([\w'’.]+(?: [\w'’.]+)?)-(?:" + "|".join(map(re.escape, keeps)) + r")\b", name)
        if m_inst:
            word = _index().get(m_inst.group(1).lower()) or _index().get(m_inst.group(1).split()[-1].lower())
            if word is not None:
                return word.party
    sides = tables()["claimant_sides"]
    people = _people()
    for m in _sides_re().finditer(name):
        w = m.group(1).lower()
        if w in people and w in sides and m.group(1)[:1].isupper() and " " not in w:
            return str(sides[w])  # a named person ("Zelensky", "Basurin")
    nat = party_of(name)
    if nat:
        return nat
    best: tuple[int, str] | None = None
    for m in _sides_re().finditer(name):
        w = m.group(1).lower()
        side = sides.get(w)
        if side:
            score = len(w) * 10 - m.start() // 10  # the longest, then the earliest ("Russian Defense Ministry")
            if best is None or score > best[0]:
                best = (score, str(side))
    if best:
        return best[1]
    if _generic_re().search(name):
        return state_in_context(context)  # "police" in a sentence about Bangladesh
    return None


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
    """The side an outlet speaks for (state media: TASS → Russia, SANA → Syria), or None."""
    if not source:
        return None
    side = tables()["outlet_sides"].get(source.lower())
    return str(side) if side else None


conflicts.use_vocabulary(lambda: ({p.name for p in parties()}, set(hostile_words())))
