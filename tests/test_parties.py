"""Table-driven tests of the parties table: parties named in text, adversary words, claimant sides, the loader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimledger.errors import ConfigError
from claimledger.normalize import parties


@pytest.fixture(autouse=True)
def _fresh_tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CLAIMLEDGER_SIDES", raising=False)
    monkeypatch.delenv("CLAIMLEDGER_CONFLICTS", raising=False)
    parties.reset()
    yield
    parties.reset()


# (text, party) — states by name, nationality word, plural, capital and force name; armed groups by alias
PARTY_ROWS = [
    ("two North Korean soldiers", "North Korea"),
    ("a column of Sudanese army trucks", "Sudan"),
    ("fighters of the Sudanese Armed Forces", "Sudan"),
    ("SAF soldiers", "Sudan"),
    ("Rapid Support Forces fighters", "RSF"),
    ("IDF troops", "Israel"),
    ("Tatmadaw soldiers", "Myanmar"),
    ("Myanmar junta troops", "Myanmar"),
    ("Pyongyang's engineers", "North Korea"),
    ("twelve Iraqis", "Iraq"),
    ("three Congolese soldiers", "DR Congo"),
    ("DRC police officers", "DR Congo"),
    ("ISWAP fighters", "Islamic State"),
    ("ISIS-K gunmen", "Islamic State"),
    ("an Islamic State-linked cell", "Islamic State"),
    ("Daesh members", "Islamic State"),
    ("AQAP operatives", "al-Qaeda"),
    ("al-Shabab militants", "al-Shabaab"),
    ("Shabaab fighters", "al-Shabaab"),
    ("Boko Haram insurgents", "Boko Haram"),
    ("Taleban fighters", "Taliban"),
    ("Afghan Taliban commanders", "Taliban"),
    ("Pakistani Taliban militants", "TTP"),
    ("HTS fighters", "Hayat Tahrir al-Sham"),
    ("Nusra Front members", "Hayat Tahrir al-Sham"),
    ("SDF fighters", "Syrian Democratic Forces"),
    ("PKK militants", "PKK"),
    ("Qassam Brigades fighters", "Hamas"),
    ("Hizbollah members", "Hezbollah"),
    ("Houthi rebels", "Houthis"),
    ("Ansar Allah fighters", "Houthis"),
    ("M23 rebels", "M23"),
    ("Allied Democratic Forces rebels", "ADF"),
    ("Arakan Army troops", "Arakan Army"),
    ("People's Defense Force members", "PDF"),
    ("Kachin Independence Army soldiers", "KIA"),
    ("TPLF forces", "TPLF"),
    ("Fano militiamen", "Fano"),
    ("New People's Army guerrillas", "NPA"),
    ("Abu Sayyaf bandits", "Abu Sayyaf"),
    ("BIFF gunmen", "BIFF"),
    ("Neo JMB operatives", "JMB"),
    ("CJNG hitmen", "CJNG"),
    ("Sinaloa Cartel gunmen", "Sinaloa Cartel"),
    ("JNIM fighters", "JNIM"),
    ("Africa Corps instructors", "Wagner Group"),
    ("NATO soldiers", "NATO"),
    ("Armed Forces of the Philippines troopers", "Philippines"),
]


@pytest.mark.parametrize(("text", "expected"), PARTY_ROWS)
def test_party_of(text: str, expected: str) -> None:
    assert parties.party_of(text) == expected


# words that name no party, or another party than a word they contain
NOT_A_PARTY_ROWS = [
    ("Syrian rebels", None),           # a nationality before a non-state noun
    ("Somali militants", None),
    ("Iran-backed militias", None),    # proxies are not the sponsor
    ("pro-Russian separatists", None),
    ("Iran-backed Houthis", "Houthis"),
    ("let us know", None),             # abbreviations count only as written
    ("a car bomb", None),
    ("it is said", None),
    ("killed in action", None),
    ("8 militants", None),             # unnamed militants: null, as the contract says
    ("Kurdish rebels", None),
    ("the gunmen", None),
]


@pytest.mark.parametrize(("text", "expected"), NOT_A_PARTY_ROWS)
def test_party_of_skips(text: str, expected: str | None) -> None:
    assert parties.party_of(text) == expected


def test_equipment_origin_is_not_the_loser() -> None:
    assert parties.party_of("two Iranian drones", equipment=True) is None
    assert parties.party_of("two Iranian drones") == "Iran"
    assert parties.party_of("Turkish-made drones of the army") is None


# (text, context, party): words that denote a party only in its war
CONTEXT_ROWS = [
    ("junta soldiers", "Heavy fighting in Myanmar's Sagaing region", "Myanmar"),
    ("junta soldiers", "Clashes near Gao as Mali's army advanced", "Mali"),
    ("junta soldiers", "Myanmar and Mali both hold elections", None),  # two juntas named: unknown
    ("junta soldiers", "", None),
    ("regime forces", "Shelling of an Idlib village by Syrian artillery", "Syria"),
    ("AFP troopers", "An ambush in the southern Philippines", "Philippines"),
    ("AFP reporters", "A briefing in Paris", None),
]


@pytest.mark.parametrize(("text", "context", "expected"), CONTEXT_ROWS)
def test_party_of_context_words(text: str, context: str, expected: str | None) -> None:
    assert parties.party_of(text, context=context) == expected


def test_parties_in_and_state_in_context() -> None:
    assert parties.parties_in("Sudanese army shells RSF positions near Khartoum") == ["Sudan", "RSF"]
    assert parties.states_in("Ethiopian troops and Fano fighters clash") == ["Ethiopia"]
    assert parties.state_in_context("A convoy was hit near a port in Somalia") == "Somalia"
    assert parties.state_in_context("Somali and Kenyan troops repel attack") is None
    # force names name an actor, not where the speaker stands
    assert parties.state_in_context("an artillery unit of the Armed Forces of Ukraine") is None


# (adversary word, speaker side, context parties, party)
HOSTILE_ROWS = [
    ("the occupiers lost two tanks", "Ukraine", None, "Russia"),
    ("the enemy lost two tanks", "Ukraine", None, "Russia"),
    ("nationalists were eliminated", "Russia", None, "Ukraine"),
    ("militants were eliminated", "Russia", None, "Ukraine"),
    ("militants were eliminated", "DPR", None, "Ukraine"),       # an ally speaks for its side
    ("militants were killed", None, None, None),                  # unnamed: the contract's null
    ("terrorists were neutralised", "Nigeria", None, None),       # an army fighting several groups
    ("terrorists were neutralised", "Nigeria", {"Boko Haram"}, "Boko Haram"),
    ("terrorists were killed", "Somalia", None, "al-Shabaab"),    # one main opponent
    ("the enemy retreated", "Sudan", None, "RSF"),
    ("the enemy retreated", "RSF", None, "Sudan"),
    ("the enemy retreated", "Israel", None, None),                # Hamas and Hezbollah: which one?
    ("the enemy retreated", "Israel", {"Hezbollah"}, "Hezbollah"),
    ("the enemy retreated", "Myanmar", {"Arakan Army"}, "Arakan Army"),
    ("the orcs retreated", None, None, "Russia"),                 # a word one side alone uses
    ("the enemy retreated", None, None, None),
]


@pytest.mark.parametrize(("text", "speaker", "context", "expected"), HOSTILE_ROWS)
def test_party_from_hostile(text: str, speaker: str | None, context: set[str] | None, expected: str | None) -> None:
    usage = parties.hostile_usage(text)
    assert usage is not None
    assert parties.party_from_hostile(usage, speaker, context) == expected


def test_hostile_usage_classes_and_legacy_names() -> None:
    assert parties.hostile_usage("the invaders") == "occupier"
    assert parties.hostile_usage("neo-Nazis") == "nationalist"
    assert parties.hostile_usage("the adversary") == "enemy"
    assert parties.hostile_usage("soldiers") is None
    # usage names of earlier versions keep working: as a Ukrainian or a Russian speaker says it
    assert parties.party_from_hostile("ukraine_usage", None) == "Russia"
    assert parties.party_from_hostile("russia_usage", None) == "Ukraine"
    assert parties.party_from_hostile("neutral", "Ukraine") == "Russia"


@pytest.mark.parametrize(("side", "context", "expected"), [
    ("Ukraine", None, "Russia"),
    ("Wagner Group", None, "Ukraine"),
    ("Wagner Group", "JNIM fighters ambushed a convoy", "JNIM"),
    ("Sudan", None, "RSF"),
    ("Myanmar", None, None),
    ("Myanmar", "KIA fighters took the town", "KIA"),
    ("Philippines", None, None),
    (None, None, None),
])
def test_opponent(side: str | None, context: str | None, expected: str | None) -> None:
    assert parties.opponent(side, context) == expected


# (claimant as named, sentence, side)
CLAIMANT_ROWS = [
    ("Zelensky", "", "Ukraine"),
    ("Pentagon spokesman", "", "United States"),
    ("Russian Defense Ministry", "", "Russia"),
    ("Sudanese army spokesman", "", "Sudan"),
    ("RSF", "", "RSF"),
    ("PDF", "", "PDF"),
    ("Egypt", "", "Egypt"),
    ("ISPR", "", "Pakistan"),
    ("Russian-installed governor", "", "Russia"),
    ("the republic", "Shelling hit a DPR village, the republic said", "DPR"),
    ("the republic", "Shelling hit a village, the republic said", None),
    ("police", "A market bombing in Bangladesh wounded nine: police", "Bangladesh"),
    ("security sources", "A Turkish patrol came under fire near the border: security sources", "Turkey"),
    ("officials", "Blast kills four in Iraq and Syria: officials", None),   # two states named
    ("emergency services", "Artillery of the Armed Forces of Ukraine fired at the depot", None),
    ("the Air Force", "", None),   # an air force without its country names no side
    ("Ukraine's Air Force", "", "Ukraine"),
    ("a local resident", "", None),
]


@pytest.mark.parametrize(("name", "context", "expected"), CLAIMANT_ROWS)
def test_side_of_claimant(name: str, context: str, expected: str | None) -> None:
    assert parties.side_of_claimant(name, context) == expected


def test_outlets_and_channels() -> None:
    assert parties.outlet_side("TASS") == "Russia"
    assert parties.outlet_side("SANA") == "Syria"
    assert parties.outlet_side("Some Blog") is None
    chan = parties.official_channel(None, "https://www.president.gov.ua/news/x")
    assert chan == {"side": "Ukraine", "head": "Volodymyr Zelensky"}


def test_tables_keep_their_flat_views() -> None:
    t = parties.tables()
    assert t["nationality"]["north korean"] == "North Korea"
    assert t["nationality"]["rapid support forces"] == "RSF"
    assert t["claimant_sides"]["zelensky"] == "Ukraine"
    assert t["opponents"]["Ukraine"] == "Russia" and t["opponents"]["RSF"] == "Sudan"
    kinds = {p.name: p.kind for p in parties.parties()}
    assert kinds["Sudan"] == "state" and kinds["RSF"] == "armed_group" and kinds["NATO"] == "international"
    assert parties.party("Sudan") is not None and parties.party("Sudan").acled  # type: ignore[union-attr]
    assert parties.country_of("RSF") == "SD"
    assert parties.demonyms()["Somali"] == "SO" and parties.country_names()["DR Congo"] == "CD"


def test_every_state_has_a_country_code_and_every_word_one_party() -> None:
    owner: dict[str, str] = {}
    for p in parties.parties():
        assert p.kind != "state" or (p.iso2 and len(p.iso2) == 2)
        for w in (*p.names, *p.demonyms, *p.plurals, *p.capitals, *p.forces):
            assert owner.setdefault(w.lower(), p.name) == p.name, w


def _user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: object) -> None:
    path = tmp_path / "sides.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("CLAIMLEDGER_SIDES", str(path))
    parties.reset()


def test_user_file_adds_parties_and_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _user_file(tmp_path, monkeypatch, {
        "parties": [{"name": "Freedonia", "kind": "state", "iso2": "XF", "names": ["Freedonia"],
                     "demonyms": ["Freedonian"], "people": ["Firefly"]},
                    {"name": "Sudan", "kind": "state", "iso2": "SD", "forces": ["Sudan Shield Forces"]}],
        "claimant_sides": {"the palace": "Freedonia"},
        "nationality": {"sylvanian": "Sylvania"},
    })
    assert parties.party_of("Freedonian soldiers") == "Freedonia"
    assert parties.party_of("Sudan Shield Forces fighters") == "Sudan"
    assert parties.party_of("Sudanese army") == "Sudan"   # the built-in words stay
    assert parties.party_of("Sylvanian troops") == "Sylvania"
    assert parties.side_of_claimant("Firefly") == "Freedonia"
    assert parties.side_of_claimant("the palace") == "Freedonia"


BAD_ROWS = [
    ({"parties": [{"kind": "state", "iso2": "XF"}]}, "field 'name'"),
    ({"parties": [{"name": "X", "kind": "gang"}]}, "field 'kind' must be one of"),
    ({"parties": [{"name": "X", "kind": "state"}]}, "needs its 'iso2'"),
    ({"parties": [{"name": "X", "kind": "state", "iso2": "xx"}]}, "ISO 3166-1"),
    ({"parties": [{"name": "X", "kind": "armed_group", "nmaes": ["X"]}]}, "unknown field(s) 'nmaes'"),
    ({"parties": [{"name": "X", "kind": "armed_group", "names": "X"}]}, "list of non-empty strings"),
    ({"parties": [{"name": "X", "kind": "armed_group"}, {"name": "X", "kind": "armed_group"}]}, "listed twice"),
    ({"parties": [{"name": "X", "kind": "armed_group", "names": ["Rapid Support Forces"]}]}, "names both"),
    ({"claimant_sides": {"someone": 3}}, "party name"),
    ({"parties": {"name": "X"}}, "must be a list"),
    ({"sides": {}}, "unknown key(s) 'sides'"),
    ([], "must be a JSON object"),
]


@pytest.mark.parametrize(("data", "message"), BAD_ROWS)
def test_malformed_user_file_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: object,
                                         message: str) -> None:
    _user_file(tmp_path, monkeypatch, data)
    with pytest.raises(ConfigError) as exc:
        parties.tables()
    assert message in str(exc.value) and "sides.json" in str(exc.value)


def test_unreadable_user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sides.json"
    path.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("CLAIMLEDGER_SIDES", str(path))
    parties.reset()
    with pytest.raises(ConfigError, match="cannot read"):
        parties.party_of("anything")
