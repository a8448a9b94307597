"""Table-driven tests of the gazetteer and geocoder (default gazetteer: cities500 + tables)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from claimledger.model import Location
from claimledger.normalize import places
from claimledger.normalize.places import (
    DefaultGazetteer,
    Gazetteer,
    Place,
    PlaceContext,
    admin1_name,
    build_context,
    geocode,
    normalize_name,
)


@pytest.fixture(scope="module")
def gaz() -> DefaultGazetteer:
    t0 = time.perf_counter()
    g = DefaultGazetteer(user_db=None)
    print(f"\ndefault gazetteer built in {time.perf_counter() - t0:.2f} s")
    return g


@pytest.fixture(scope="module")
def patterns(gaz: DefaultGazetteer) -> set[tuple[str, str]]:
    t0 = time.perf_counter()
    pats = gaz.ruler_patterns()
    print(f"\n{len(pats)} ruler patterns in {time.perf_counter() - t0:.2f} s")
    assert all(set(p) == {"label", "pattern"} for p in pats)
    return {(str(p["label"]), str(p["pattern"])) for p in pats}


def ctx(admin1: tuple[str, ...] = (), countries: tuple[str, ...] = (), doc_admin1: tuple[str, ...] = (),
        doc_countries: tuple[str, ...] = ()) -> PlaceContext:
    return PlaceContext(countries=set(countries), admin1=set(admin1), doc_admin1=set(doc_admin1),
                        doc_countries=set(doc_countries))


def war(theatre: tuple[str, ...], near: tuple[str, ...] = (), front: tuple[str, ...] = ()) -> PlaceContext:
    """The context of a document that names the parties of a war of conflicts.json (what context_from_text
    gives: a report naming Russia and Ukraine has theatre UA, near RU and Russia's border oblasts as front)."""
    return PlaceContext(theatre=set(theatre), theatre_near=set(near), front_admin1=set(front))


UA_WAR = war(("UA",), ("RU",), ("Kursk Oblast", "Belgorod Oblast", "Bryansk Oblast"))

# (surface form, context, (country, admin1, precision, has coordinates))
GEOCODE_ROWS: list[tuple[str, PlaceContext | None, tuple[str | None, str | None, str, bool]]] = [
    # settlements: points with coordinates, English oblast names
    ("Kursk", None, ("RU", "Kursk Oblast", "point", True)),
    ("Sudzha", None, ("RU", "Kursk Oblast", "point", True)),
    ("Bakhmut", None, ("UA", "Donetsk Oblast", "point", True)),
    ("Pokrovsk", UA_WAR, ("UA", "Donetsk Oblast", "point", True)),  # not the Yakutian one
    ("Pokrovsk", PlaceContext(countries={"RU"}, theatre={"UA"}, theatre_near={"RU"}),
     ("UA", "Donetsk Oblast", "point", True)),  # "Russian" alone is weak
    ("Donetsk", None, ("UA", "Donetsk Oblast", "point", True)),  # not the small town in Rostov Oblast
    ("Kharkiv", None, ("UA", "Kharkiv Oblast", "point", True)),
    ("Belgorod", None, ("RU", "Belgorod Oblast", "point", True)),
    ("Kyiv", None, ("UA", "Kyiv City", "point", True)),
    ("Avdiivka", None, ("UA", "Donetsk Oblast", "point", True)),
    ("Kupiansk", None, ("UA", "Kharkiv Oblast", "point", True)),
    ("Vovchansk", None, ("UA", "Kharkiv Oblast", "point", True)),
    ("Kherson", None, ("UA", "Kherson Oblast", "point", True)),
    ("Odesa", None, ("UA", "Odesa Oblast", "point", True)),
    ("Sumy", None, ("UA", "Sumy Oblast", "point", True)),
    # Russian / older transliterations, case and punctuation
    ("Kharkov", None, ("UA", "Kharkiv Oblast", "point", True)),
    ("Kiev", None, ("UA", "Kyiv City", "point", True)),
    ("Gorlovka", None, ("UA", "Donetsk Oblast", "point", True)),
    ("Horlivka", None, ("UA", "Donetsk Oblast", "point", True)),
    ("Zaporozhye", None, ("UA", "Zaporizhzhia Oblast", "point", True)),
    ("Zaporizhzhia", None, ("UA", "Zaporizhzhia Oblast", "point", True)),
    ("Artemovsk", None, ("UA", "Donetsk Oblast", "point", True)),
    ("Odessa", UA_WAR, ("UA", "Odesa Oblast", "point", True)),
    ("Odessa", None, ("US", "Texas", "point", True)),  # no war named: the town of that main name
    ("KURSK", None, ("RU", "Kursk Oblast", "point", True)),
    ("Ryazan", None, ("RU", "Ryazan Oblast", "point", True)),
    ("Kramatorsk,", None, ("UA", "Donetsk Oblast", "point", True)),
    # other romanisations found by transliteration variants (ae/aye, y/i, -ovo/-ove)
    ("Nikolaevka", ctx(admin1=("Donetsk region",)), ("UA", "Donetsk Oblast", "point", True)),
    ("Lysichansk", None, ("UA", "Luhansk Oblast", "point", True)),
    ("Svatovo", None, ("UA", "Luhansk Oblast", "point", True)),
    ("Nikolaev", None, ("UA", "Mykolaiv Oblast", "point", True)),
    # provinces: admin1, no coordinates
    ("Kursk region", None, ("RU", "Kursk Oblast", "admin1", False)),
    ("the Kursk region", None, ("RU", "Kursk Oblast", "admin1", False)),
    ("Kursk Oblast", None, ("RU", "Kursk Oblast", "admin1", False)),
    ("the Donetsk region", None, ("UA", "Donetsk Oblast", "admin1", False)),
    ("Kherson Oblast", None, ("UA", "Kherson Oblast", "admin1", False)),
    ("Kharkov region", None, ("UA", "Kharkiv Oblast", "admin1", False)),
    ("Zaporozhye region", None, ("UA", "Zaporizhzhia Oblast", "admin1", False)),
    ("Belgorod Region", None, ("RU", "Belgorod Oblast", "admin1", False)),
    ("Krasnodar Krai", None, ("RU", "Krasnodar Krai", "admin1", False)),
    ("Crimea", None, ("UA", "Crimea", "admin1", False)),
    ("Dagestan", None, ("RU", "Dagestan", "admin1", False)),
    ("Zakarpattia", None, ("UA", "Zakarpattia Oblast", "admin1", False)),
    ("Kuban", None, ("RU", "Krasnodar Krai", "admin1", False)),
    ("northern Kharkiv region", None, ("UA", "Kharkiv Oblast", "admin1", False)),
    # countries
    ("Russia", None, ("RU", None, "country", False)),
    ("Ukraine", None, ("UA", None, "country", False)),
    ("Russian territory", None, ("RU", None, "country", False)),
    ("North Korea", None, ("KP", None, "country", False)),
    ("the United States", None, ("US", None, "country", False)),
    # regions, fronts, directions
    ("Donbas", None, ("UA", None, "region", False)),
    ("Donbass", None, ("UA", None, "region", False)),
    ("the South", None, ("UA", None, "region", False)),
    ("southern direction", None, ("UA", None, "region", False)),
    ("the front", None, ("UA", None, "region", False)),
    ("southern Russia", None, ("RU", None, "region", False)),
    ("eastern Ukraine", None, ("UA", None, "region", False)),
    ("the Kharkiv direction", None, ("UA", "Kharkiv Oblast", "region", False)),
    ("the Pokrovsk direction", None, ("UA", "Donetsk Oblast", "region", False)),
    ("Kupiansk axis", None, ("UA", "Kharkiv Oblast", "region", False)),
    ("western Russia", None, ("RU", None, "region", False)),
    ("Europe", None, (None, None, "region", False)),
    ("the Middle East", None, (None, None, "region", False)),
    # famous places elsewhere beat small theatre villages of the same name; countries beat villages
    ("New York", UA_WAR, ("US", "New York", "point", True)),
    ("Paris", UA_WAR, ("FR", "Ile-de-France", "point", True)),
    ("Berlin", UA_WAR, ("DE", "Berlin", "point", True)),
    ("Moldova", None, ("MD", None, "country", False)),
    ("UK", None, ("GB", None, "country", False)),
    ("Vladimir", None, ("RU", "Vladimir Oblast", "point", True)),
    ("Pokrovsk", PlaceContext(countries={"Russia"}, theatre={"UA"}, theatre_near={"RU"}),
     ("UA", "Donetsk Oblast", "point", True)),
    # other wars: provinces of every country, nationality words as countries, the theatre of the war named
    ("Borno", None, ("NG", "Borno", "admin1", False)),
    ("Borno State", None, ("NG", "Borno", "admin1", False)),
    ("Plateau State", None, ("NG", "Plateau", "admin1", False)),
    ("North Kivu", None, ("CD", "North Kivu", "admin1", False)),
    ("Nord-Kivu province", None, ("CD", "North Kivu", "admin1", False)),
    ("Idlib province", None, ("SY", "Idlib", "admin1", False)),
    ("Rakhine state", None, ("MM", "Rakhine", "admin1", False)),
    ("Sagaing Region", None, ("MM", "Sagaing", "admin1", False)),
    ("North Darfur", None, ("SD", "North Darfur", "admin1", False)),
    ("Philippine", None, ("PH", None, "country", False)),
    ("Somali", None, ("SO", None, "country", False)),
    ("Nigerian", None, ("NG", None, "country", False)),
    ("DR Congo", None, ("CD", None, "country", False)),
    ("northwest Pakistan", None, ("PK", None, "region", False)),
    ("Kandahar", None, ("AF", "Kandahar", "point", True)),  # town and province: the town
    ("Hama", None, ("SY", "Hama", "point", True)),  # the town's main name is another spelling
    ("Hama province", None, ("SY", "Hama", "admin1", False)),
    ("Beni, North Kivu", None, ("CD", "North Kivu", "point", True)),
    ("Asadabad", None, ("IR", "Hamadan", "point", True)),  # the bigger town of that name
    ("Asadabad", war(("AF",)), ("AF", "Konar", "point", True)),  # in a report on Afghanistan's war
    ("Asadabad", PlaceContext(nationalities={"AF"}, admin1={"Kunar province"}), ("AF", "Konar", "point", True)),
    # near / outskirts keep the point
    ("the outskirts of Bakhmut", None, ("UA", "Donetsk Oblast", "point", True)),
    # phrases: the province after a comma or "in" is context; "of"/"near"/compass/site words name a place
    ("Bakhmut, Donetsk region", None, ("UA", "Donetsk Oblast", "point", True)),
    ("Zolochiv, Kharkiv region", None, ("UA", "Kharkiv Oblast", "point", True)),  # not the Lviv Oblast town
    ("Zolochiv", None, ("UA", "Lviv Oblast", "point", True)),
    ("Zolochiv", ctx(admin1=("Kharkiv region",)), ("UA", "Kharkiv Oblast", "point", True)),
    ("Zzyzxivka, Sumy region", None, ("UA", "Sumy Oblast", "point", False)),
    ("the centre of Kharkiv", None, ("UA", "Kharkiv Oblast", "point", True)),
    ("south of Bakhmut", None, ("UA", "Donetsk Oblast", "point", True)),
    ("outside of Kupiansk", None, ("UA", "Kharkiv Oblast", "point", True)),
    ("Sumy airport", None, ("UA", "Sumy Oblast", "point", True)),
    ("a market in Kherson", None, ("UA", "Kherson Oblast", "point", True)),
    ("the Central district of Mariupol", None, ("UA", "Donetsk Oblast", "point", True)),
    ("the road between Kramatorsk and Sloviansk in the Donetsk region", None, ("UA", "Donetsk Oblast", "point", False)),
    ("Avdiivka and Pokrovsk", None, ("UA", "Donetsk Oblast", "point", False)),
    ("Kupiansk-Lyman direction", None, ("UA", "Kharkiv Oblast", "region", False)),
    ("the Slobozhansky direction", None, ("UA", "Kharkiv Oblast", "region", False)),
    ("DPR", None, ("UA", "Donetsk Oblast", "region", False)),
    ("the Luhansk People's Republic", None, ("UA", "Luhansk Oblast", "region", False)),
    # sites of the war: points with coordinates
    ("the Kursk NPP", None, ("RU", "Kursk Oblast", "point", True)),
    ("the Crimean Bridge", None, ("UA", "Crimea", "point", True)),
    ("the Zaporizhzhia nuclear power plant", None, ("UA", "Zaporizhzhia Oblast", "point", True)),
    # unknown names: a point without coordinates, context fills what it can
    ("Zzyzxivka", None, (None, None, "point", False)),
    ("Zzyzxivka", ctx(admin1=("Kursk region",), countries=("Russia",)), ("RU", "Kursk Oblast", "point", False)),
    ("Zzyzxivka", ctx(admin1=("Kursk Oblast", "Belgorod Oblast")), (None, None, "point", False)),
]


@pytest.mark.parametrize(("name", "context", "expected"), GEOCODE_ROWS)
def test_geocode(gaz: DefaultGazetteer, name: str, context: PlaceContext | None,
                 expected: tuple[str | None, str | None, str, bool]) -> None:
    loc = geocode(name, context, gazetteer=gaz)
    assert isinstance(loc, Location)
    assert loc.name == name.strip().strip(",.;:")
    country, admin1, precision, coords = expected
    assert (loc.country, loc.admin1, loc.precision) == (country, admin1, precision)
    assert (loc.lat is not None and loc.lon is not None) is coords
    if coords:
        assert loc.lat is not None and loc.lon is not None
        assert -90 <= loc.lat <= 90 and -180 <= loc.lon <= 180


@pytest.mark.parametrize(("name", "lat", "lon"), [
    ("Kursk", 51.73, 36.19), ("Sudzha", 51.19, 35.27), ("Bakhmut", 48.59, 38.0), ("Kharkov", 49.98, 36.25),
    ("Pokrovsk", 48.28, 37.18),
])
def test_coordinates(gaz: DefaultGazetteer, name: str, lat: float, lon: float) -> None:
    loc = geocode(name, gazetteer=gaz)
    assert loc is not None and loc.lat is not None and loc.lon is not None
    assert abs(loc.lat - lat) < 0.05 and abs(loc.lon - lon) < 0.05


@pytest.mark.parametrize("name", ["", "   ", ",", None])
def test_geocode_empty(gaz: DefaultGazetteer, name: str | None) -> None:
    assert geocode(name, gazetteer=gaz) is None  # type: ignore[arg-type]


def test_big_place_by_alternate_spelling_keeps_coordinates(gaz: DefaultGazetteer) -> None:
    assert not [c for c in gaz.candidates("Kharkov") if c.population > 1_000_000][0].main  # an alternate spelling
    loc = geocode("Kharkov", ctx(admin1=("Belgorod region",)), gazetteer=gaz)
    assert loc is not None and loc.admin1 == "Kharkiv Oblast" and loc.lat is not None


def test_context_beats_population(gaz: DefaultGazetteer) -> None:
    # "Donetsk" alone is the big Ukrainian city; a sentence naming Rostov region picks the Russian town
    loc = geocode("Donetsk", ctx(admin1=("Rostov region",)), gazetteer=gaz)
    assert loc is not None and (loc.country, loc.admin1) == ("RU", "Rostov Oblast")
    # a province named elsewhere in the document counts too, less than one in the same sentence
    loc = geocode("Donetsk", ctx(doc_admin1=("Rostov Oblast",)), gazetteer=gaz)
    assert loc is not None and loc.admin1 == "Rostov Oblast"
    loc = geocode("Donetsk", ctx(admin1=("Donetsk Oblast",), doc_admin1=("Rostov Oblast",)), gazetteer=gaz)
    assert loc is not None and loc.admin1 == "Donetsk Oblast"


@pytest.mark.parametrize(("name", "expected"), [
    ("Zaporizhzhya", "zaporizhzhya"), ("Khar’kov", "kharkov"), ("Kharʼkiv", "kharkiv"), ("Orël", "orel"),
    ("Ivano-Frankivsk", "ivano frankivsk"), ("  Sudža ", "sudza"), ("Ryazan’", "ryazan"), ("KURSK", "kursk"),
])
def test_normalize_name(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


def test_candidates_are_all_matches(gaz: DefaultGazetteer) -> None:
    cands = gaz.candidates("Pokrovsk")
    assert {c.country for c in cands} >= {"UA", "RU"}
    assert all(isinstance(c, Place) for c in cands)
    assert gaz.candidates("") == []
    assert gaz.candidates("Qwxyzzzz") == []


@pytest.mark.parametrize(("cc", "code", "name"), [
    ("RU", "41", "Kursk Oblast"), ("UA", "05", "Donetsk Oblast"), ("UA", "07", "Kharkiv Oblast"),
    ("RU", "09", "Belgorod Oblast"), ("UA", "26", "Zaporizhzhia Oblast"), ("UA", "99", None), (None, "41", None),
])
def test_admin1_names(cc: str | None, code: str, name: str | None) -> None:
    assert admin1_name(cc, code) == name


def test_admin1_table_matches_geonames_codes(gaz: DefaultGazetteer) -> None:
    # the capital of each front oblast carries the admin1 code our table names
    for city, oblast in [("Kursk", "Kursk Oblast"), ("Belgorod", "Belgorod Oblast"), ("Bryansk", "Bryansk Oblast"),
                         ("Voronezh", "Voronezh Oblast"), ("Kharkiv", "Kharkiv Oblast"), ("Sumy", "Sumy Oblast"),
                         ("Kherson", "Kherson Oblast"), ("Luhansk", "Luhansk Oblast"), ("Zhytomyr", "Zhytomyr Oblast"),
                         ("Chernihiv", "Chernihiv Oblast"), ("Dnipro", "Dnipropetrovsk Oblast"),
                         ("Krasnodar", "Krasnodar Krai"), ("Rostov-on-Don", "Rostov Oblast"), ("Orel", "Oryol Oblast")]:
        loc = geocode(city, gazetteer=gaz)
        assert loc is not None and loc.admin1 == oblast, city


def test_build_context(gaz: DefaultGazetteer) -> None:
    c = build_context(["the Kursk region", "Russia", "Sudzha"], ["Donbas", "Ukraine"], gazetteer=gaz)
    assert c.admin1 == {"Kursk Oblast"}
    assert c.countries == {"RU"}
    assert "UA" in c.doc_countries
    assert c.fronts == {"Donbas"}


# -- EntityRuler patterns -----------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "pattern"), [
    ("GPE", "Kursk"), ("GPE", "Sudzha"), ("GPE", "Pokrovsk"), ("GPE", "Bakhmut"), ("GPE", "Kharkiv"),
    ("GPE", "Kharkov"), ("GPE", "Kiev"), ("GPE", "Nikolaev"), ("GPE", "Marhanets"), ("GPE", "Odessa"), ("GPE", "Engels"), ("GPE", "Avdiivka"), ("GPE", "Kursk region"), ("GPE", "Kursk Oblast"),
    ("GPE", "Donetsk region"), ("GPE", "Russia"), ("GPE", "Ukraine"), ("GPE", "North Korea"),
    ("LOC", "Donbas"), ("LOC", "southern direction"), ("LOC", "Pokrovsk direction"), ("GPE", "Moscow"),
])
def test_ruler_patterns_present(patterns: set[tuple[str, str]], label: str, pattern: str) -> None:
    assert (label, pattern) in patterns


@pytest.mark.parametrize("word", ["Mobile", "Of", "Independence", "Peace", "Victory", "Pearl", "Hope", "Progress",
                                  "Union", "March", "May", "Bar", "The", "Liberty", "Friendship", "Center",
                                  "Police", "Reading", "Nice", "Split", "Luck", "Human", "Stalin", "Goes", "battlefield",
                                  "border", "the border", "Volodymyr", "Vladimir", "Bohdan", "Maidan"])
def test_ruler_patterns_skip_common_words(patterns: set[tuple[str, str]], word: str) -> None:
    assert ("GPE", word) not in patterns and ("LOC", word) not in patterns


def test_ruler_patterns_short_names(patterns: set[tuple[str, str]]) -> None:
    short = [p for (label, p) in patterns if label == "GPE" and len(p) < 4]
    # only countries (and admin aliases) may be short
    assert all(p.isupper() or p in {"Iran", "Iraq", "Chad", "Cuba", "Fiji", "Mali", "Oman", "Peru", "Togo"}
               for p in short), short[:20]


def test_ruler_patterns_work_in_spacy(patterns: set[tuple[str, str]]) -> None:
    """The pipeline matches patterns case-insensitively (phrase_matcher_attr LOWER): common words
    in any case must not become places. Only the patterns that could match this text are loaded."""
    spacy = pytest.importorskip("spacy")
    text = ("Fighting continued near Sudzha in the Kursk region and on the Pokrovsk direction, the police said; "
            "a nice reading of the split vote goes to show human luck. Mobile units of the army advanced "
            "on the front line near kharkov.")
    nlp = spacy.blank("en")
    words = {t.lower_ for t in nlp.make_doc(text)}
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": lab, "pattern": pat} for lab, pat in patterns
                        if all(w in words for w in pat.lower().split())])
    ents = {(e.text, e.label_) for e in nlp(text).ents}
    assert ("Sudzha", "GPE") in ents and ("Kursk region", "GPE") in ents and ("Pokrovsk direction", "LOC") in ents
    assert ("kharkov", "GPE") in ents
    assert {t for t, _ in ents} <= {"Sudzha", "Kursk region", "Pokrovsk direction", "kharkov", "the front line"}, ents


# -- registry ---------------------------------------------------------------------------------------

class TinyGazetteer(Gazetteer):
    """A one-place gazetteer, to show that the geocoder takes any registered gazetteer."""

    def candidates(self, name: str) -> list[Place]:
        if normalize_name(name) == "testograd":
            return [Place("Testograd", 50.0, 30.0, "UA", "Kyiv Oblast", "point", 100, "PPL", 1)]
        return []

    def ruler_patterns(self) -> list[dict[str, object]]:
        return [{"label": "GPE", "pattern": "Testograd"}]


def test_register_gazetteer(monkeypatch: pytest.MonkeyPatch) -> None:
    places.register_gazetteer("tiny", TinyGazetteer)
    try:
        g = places.get_gazetteer("tiny")
        assert places.get_gazetteer("tiny") is g  # built once
        loc = geocode("Testograd", gazetteer=g)
        assert loc == Location("Testograd", 50.0, 30.0, "UA", "Kyiv Oblast", "point")
        monkeypatch.setenv("CLAIMLEDGER_GAZETTEER_NAME", "tiny")
        assert geocode("testograd") is not None
    finally:
        places.gazetteers.unregister("tiny")
        places.reset_gazetteers()


def test_unknown_gazetteer_name() -> None:
    with pytest.raises(places.GazetteerError, match="no gazetteer registered"):
        places.get_gazetteer("no-such-gazetteer")


def test_get_gazetteer_default_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMLEDGER_GAZETTEER", str(tmp_path / "absent.sqlite"))
    places.reset_gazetteers()
    try:
        t0 = time.perf_counter()
        g1 = places.get_gazetteer()
        t1 = time.perf_counter()
        g2 = places.get_gazetteer()
        print(f"\nget_gazetteer(): first {t1 - t0:.2f} s, second {time.perf_counter() - t1:.4f} s")
        assert g1 is g2
    finally:
        places.reset_gazetteers()


# -- context from text --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "countries", "admin1"), [
    ("Russian forces shelled Sudzha in Russia's Kursk region on Tuesday.", {"RU"}, {"Kursk Oblast"}),
    ("Two civilians died in the Kherson Oblast, the governor said.", {"UA"}, {"Kherson Oblast"}),
    ("Attacks on Crimea and the Belgorod Region continued.", {"UA", "RU"}, {"Crimea", "Belgorod Oblast"}),
    ("Russian troops lost three tanks near the village.", set(), set()),  # an adjective is not a place
    ("Kursk was quiet.", set(), set()),  # a bare city names no province
    ("North Korea sent troops to Russia.", {"KP", "RU"}, set()),
])
def test_context_from_text(gaz: DefaultGazetteer, text: str, countries: set[str], admin1: set[str]) -> None:
    c = places.context_from_text(text, gazetteer=gaz)
    assert (c.countries, c.admin1) == (countries, admin1)


def test_context_from_text_sentence_and_document(gaz: DefaultGazetteer) -> None:
    doc = places.context_from_text("Fighting in the Rostov region went on. Later, Donetsk was shelled.", gazetteer=gaz)
    sent = places.context_from_text("Later, Donetsk was shelled.", doc, gazetteer=gaz)
    assert sent.admin1 == set() and sent.doc_admin1 == {"Rostov Oblast"}
    loc = geocode("Donetsk", sent, gazetteer=gaz)
    assert loc is not None and loc.admin1 == "Rostov Oblast"
    loc = geocode("Donetsk", places.context_from_text("Donetsk was shelled.", gazetteer=gaz), gazetteer=gaz)
    assert loc is not None and loc.admin1 == "Donetsk Oblast"


def test_ruler_patterns_cached_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gaz: DefaultGazetteer) -> None:
    first = gaz.ruler_patterns()
    t0 = time.perf_counter()
    again = gaz.ruler_patterns()
    print(f"\nruler_patterns() from the disk cache: {time.perf_counter() - t0:.2f} s")
    assert again == first


def test_add_entity_ruler() -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    places.add_entity_ruler(nlp, [{"label": "GPE", "pattern": "Sudzha"}, {"label": "LOC", "pattern": "Donbas"}])
    assert nlp.pipe_names == ["sentencizer", "entity_ruler"]
    ents = [(e.text, e.label_) for e in nlp("Shelling near SUDZHA and in the donbas went on.").ents]
    assert ents == [("SUDZHA", "GPE"), ("donbas", "LOC")]
