"""GeoNames dump importer: synthetic dumps in the real 19-column format (invented places)."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from claimledger.errors import GazetteerError
from claimledger.normalize import places
from claimledger.normalize.places import (
    DefaultGazetteer,
    PlaceContext,
    build_context,
    geocode,
    import_geonames,
    import_geonames_detailed,
)


def row(gid: int, name: str, alts: str, lat: float, lon: float, fclass: str, fcode: str, cc: str, adm1: str,
        pop: int = 0) -> str:
    ascii_ = name.encode("ascii", "ignore").decode()
    cols = [str(gid), name, ascii_, alts, f"{lat:.5f}", f"{lon:.5f}", fclass, fcode, cc, "", adm1, "", "", "",
            str(pop), "", "150", "Europe/Kyiv", "2024-01-01"]
    assert len(cols) == 19
    return "\t".join(cols) + "\n"


# Two invented look-alike villages: the same word transliterated from Ukrainian and from Russian,
# one in Zhytomyr Oblast (UA 27), one in Kursk Oblast (RU 41), each listing the other's spelling.
UA_ROWS = [
    row(9000001, "Zorianivka", "Zoryanovka,Зорянівка", 50.51, 28.43, "P", "PPL", "UA", "27", 310),
    row(9000002, "Tykhovody", "Tikhovody", 48.31, 37.52, "P", "PPL", "UA", "05", 0),
    row(9000003, "Velyki Kruchi", "Velikiye Kruchi", 49.91, 36.71, "P", "PPL", "UA", "07", 1200),
    row(9000004, "Zhytomyrska Oblast", "Zhytomyr Oblast,Zhitomirskaya Oblast", 50.5, 28.5, "A", "ADM1", "UA", "27"),
    row(9000005, "Bila Richka", "Belaya Rechka", 47.1, 35.2, "H", "STM", "UA", "26"),  # a stream: skipped
]
RU_ROWS = [
    row(9100001, "Zoryanovka", "Zorianivka,Зоряновка", 51.32, 35.41, "P", "PPL", "RU", "41", 150),
    row(9100002, "Krasnyye Lugi", "", 51.1, 35.9, "P", "PPL", "RU", "41", 0),
]


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("".join(rows), encoding="utf-8")
    return path


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "gazetteer.sqlite"


def gazetteer(db: Path) -> DefaultGazetteer:
    return DefaultGazetteer(user_db=db, with_cities=False)


def count(db: Path, sql: str, *args: object) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(sql, args).fetchone()[0])
    finally:
        con.close()


def test_import_and_lookalikes(tmp_path: Path, db: Path) -> None:
    res = import_geonames_detailed(write(tmp_path / "UA.txt", UA_ROWS), db)
    assert (res.imported, res.skipped, res.malformed, res.countries) == (4, 1, 0, {"UA"})
    assert import_geonames(write(tmp_path / "RU.txt", RU_ROWS), db) == 2
    g = gazetteer(db)
    kursk = PlaceContext(admin1={"the Kursk region"}, countries={"RU"})
    zhytomyr = PlaceContext(admin1={"Zhytomyr Oblast"})
    # context decides, whichever spelling the text uses
    for spelling in ("Zoryanovka", "Zorianivka", "zoryanovka"):
        loc = geocode(spelling, kursk, gazetteer=g)
        assert loc is not None and (loc.country, loc.admin1) == ("RU", "Kursk Oblast"), spelling
        loc = geocode(spelling, zhytomyr, gazetteer=g)
        assert loc is not None and (loc.country, loc.admin1) == ("UA", "Zhytomyr Oblast"), spelling
    # without context: the place whose main name is the spelling used wins the tie
    loc = geocode("Zoryanovka", gazetteer=g)
    assert loc is not None and loc.country == "RU" and loc.lat == pytest.approx(51.32)
    loc = geocode("Zorianivka", gazetteer=g)
    assert loc is not None and loc.country == "UA" and loc.lat == pytest.approx(50.51)
    # a context built from the sentence's own place names
    c = build_context(["Kursk Oblast"], gazetteer=g)
    loc = geocode("Zorianivka", c, gazetteer=g)
    assert loc is not None and loc.admin1 == "Kursk Oblast"
    # alternate names and villages with no population
    loc = geocode("Tikhovody", gazetteer=g)
    assert loc is not None and (loc.name, loc.admin1, loc.precision) == ("Tikhovody", "Donetsk Oblast", "point")
    # admin features get admin precision and no coordinates
    loc = geocode("Zhytomyrska Oblast", gazetteer=g)
    assert loc is not None and loc.precision == "admin1" and loc.lat is None and loc.admin1 == "Zhytomyr Oblast"
    # every script of the alternate names is indexed
    loc = geocode("Зорянівка", gazetteer=g)
    assert loc is not None and loc.admin1 == "Zhytomyr Oblast"
    # non-kept feature classes are not in the gazetteer
    assert g.candidates("Bila Richka") == []


def test_lookalike_spelling_outside_the_named_province(tmp_path: Path, db: Path) -> None:
    """Only the Ukrainian village is known, under its Russian-style spelling too; a sentence naming
    Kursk region means a Russian village of that name the gazetteer lacks: keep the sentence's
    province, no coordinates."""
    import_geonames(write(tmp_path / "UA.txt", UA_ROWS), db)
    g = gazetteer(db)
    loc = geocode("Zoryanovka", PlaceContext(admin1={"Kursk region"}, countries={"RU"}), gazetteer=g)
    assert loc is not None
    assert (loc.name, loc.lat, loc.lon, loc.country, loc.admin1, loc.precision) == (
        "Zoryanovka", None, None, "RU", "Kursk Oblast", "point")
    # its own spelling is no look-alike: the village it names, whatever the sentence says
    loc = geocode("Zorianivka", PlaceContext(admin1={"Kursk region"}), gazetteer=g)
    assert loc is not None and loc.admin1 == "Zhytomyr Oblast" and loc.lat is not None
    # without a province in the sentence the known village is the best guess
    loc = geocode("Zoryanovka", gazetteer=g)
    assert loc is not None and loc.admin1 == "Zhytomyr Oblast"


def test_ruler_patterns_include_imported_villages(tmp_path: Path, db: Path) -> None:
    import_geonames(write(tmp_path / "RU.txt", RU_ROWS), db)
    pats = {(p["label"], p["pattern"]) for p in gazetteer(db).ruler_patterns()}
    assert ("GPE", "Zoryanovka") in pats and ("GPE", "Krasnyye Lugi") in pats


def test_reimport_is_idempotent(tmp_path: Path, db: Path) -> None:
    ua = write(tmp_path / "UA.txt", UA_ROWS)
    import_geonames(ua, db)
    import_geonames(write(tmp_path / "RU.txt", RU_ROWS), db)
    before = (count(db, "SELECT count(*) FROM places"), count(db, "SELECT count(*) FROM names"))
    import_geonames(ua, db)
    assert (count(db, "SELECT count(*) FROM places"), count(db, "SELECT count(*) FROM names")) == before
    # a new version of the country's dump replaces its rows; other countries stay
    import_geonames(write(tmp_path / "UA2.txt", UA_ROWS[:1]), db)
    assert count(db, "SELECT count(*) FROM places WHERE country='UA'") == 1
    assert count(db, "SELECT count(*) FROM places WHERE country='RU'") == 2
    assert gazetteer(db).candidates("Tykhovody") == []


def test_zip(tmp_path: Path, db: Path) -> None:
    z = tmp_path / "UA.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "GeoNames readme\n")
        zf.writestr("UA.txt", "".join(UA_ROWS))
    assert import_geonames(z, db) == 4
    assert geocode("Velikiye Kruchi", gazetteer=gazetteer(db)) is not None


def test_malformed_rows_are_counted_and_skipped(tmp_path: Path, db: Path) -> None:
    bad = [
        "not\ta\tgeonames\trow\n",
        "\t".join(["x"] * 19) + "\n",  # non-numeric id and coordinates
        row(9000010, "Ok One", "", 48.0, 37.0, "P", "PPL", "UA", "05").replace("48.00000", "north"),
        row(9000011, "Ok Two", "", 148.0, 37.0, "P", "PPL", "UA", "05"),  # latitude out of range
    ]
    res = import_geonames_detailed(write(tmp_path / "UA.txt", UA_ROWS[:2] + bad + UA_ROWS[2:]), db)
    assert res.imported == 4 and res.malformed == 4 and res.skipped == 1


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "not a GeoNames dump"),
    (b"id,name,lat,lon\n1,Kyiv,50.4,30.5\n2,Lviv,49.8,24.0\n3,a,1,2\n4,b,1,2\n5,c,1,2\n6,d,1,2\n", "not a GeoNames dump"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xfd" * 50, "not a GeoNames dump"),
    (b"<html><body>404 Not Found</body></html>\n", "not a GeoNames dump"),
])
def test_bad_file(tmp_path: Path, db: Path, content: bytes, reason: str) -> None:
    p = tmp_path / "XX.txt"
    p.write_bytes(content)
    with pytest.raises(GazetteerError, match=reason) as exc:
        import_geonames(p, db)
    assert str(p) in str(exc.value)


def test_missing_file_and_empty_zip(tmp_path: Path, db: Path) -> None:
    with pytest.raises(GazetteerError, match="no such file"):
        import_geonames(tmp_path / "nope.txt", db)
    z = tmp_path / "empty.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("data.csv", "a,b\n")
    with pytest.raises(GazetteerError, match="no GeoNames .txt"):
        import_geonames(z, db)


def test_failed_import_keeps_earlier_rows(tmp_path: Path, db: Path) -> None:
    import_geonames(write(tmp_path / "RU.txt", RU_ROWS), db)
    p = tmp_path / "bad.txt"
    p.write_bytes(b"garbage\n" * 10)
    with pytest.raises(GazetteerError):
        import_geonames(p, db)
    assert count(db, "SELECT count(*) FROM places") == 2


def test_default_gazetteer_consults_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "home-gazetteer.sqlite"
    monkeypatch.setenv("CLAIMLEDGER_GAZETTEER", str(db))
    import_geonames(write(tmp_path / "RU.txt", RU_ROWS), None)  # default target from settings
    assert db.exists()
    places.reset_gazetteers()
    try:
        loc = geocode("Krasnyye Lugi")
        assert loc is not None and loc.admin1 == "Kursk Oblast" and loc.lat == pytest.approx(51.1)
        loc = geocode("Kursk")  # cities500 still there
        assert loc is not None and loc.country == "RU"
    finally:
        places.reset_gazetteers()


def test_cli_import(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from claimledger.cli import main

    ua = write(tmp_path / "UA.txt", UA_ROWS)
    bad = tmp_path / "bad.txt"
    bad.write_text("hello\n" * 10, encoding="utf-8")
    db = tmp_path / "g.sqlite"
    r = CliRunner().invoke(main, ["gazetteer", "import", str(ua), str(bad), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "4 places imported (UA)" in r.output and "1 malformed" not in r.output
    assert "bad.txt: not a GeoNames dump" in r.output
    r = CliRunner().invoke(main, ["gazetteer", "import", str(bad), "--db", str(db)])
    assert r.exit_code == 1


@pytest.mark.parametrize("content", [b"", b"this is not sqlite at all\n" * 100])
def test_broken_gazetteer_database_is_reported(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "gazetteer.sqlite"
    db.write_bytes(content)
    with pytest.raises(GazetteerError, match="not a usable gazetteer database") as exc:
        DefaultGazetteer(user_db=db, with_cities=False)
    assert str(db) in str(exc.value)


def test_import_over_a_broken_database_fails_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "gazetteer.sqlite"
    db.write_bytes(b"this is not sqlite at all\n" * 100)
    with pytest.raises(GazetteerError, match=str(db)):
        import_geonames(write(tmp_path / "UA.txt", UA_ROWS), db)
