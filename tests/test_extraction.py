"""Table-driven tests of the extractor on sentences written for these tests (not from any corpus):
kinds in active, passive and nominal forms, victims and parties, claimants, stance, places, dates."""

from __future__ import annotations

from typing import Any

import pytest

import claimledger


def claims(text: str, published: str = "2023-05-10", **kw: Any) -> list[dict[str, Any]]:
    return [c.to_dict() for c in claimledger.extract(text, published=published, **kw)]


def brief(c: dict[str, Any]) -> tuple[Any, ...]:
    q = c["quantity"]
    return (c["kind"], c["victim"]["party"], q["low"], q["high"], q["qualifier"])


# (text, expected claims as (kind, party, low, high, qualifier))
KIND_CASES = [
    ("Russian forces lost 250 soldiers near Bakhmut over the past day, the General Staff said.",
     [("casualties", "Russia", 250, 250, "exact")]),
    ("At least seven civilians were killed and 19 wounded in Kremenchuk, the governor said.",
     [("killed", None, 7, None, "at_least"), ("wounded", None, 19, 19, "exact")]),
    ("Ukrainian air defences shot down 18 of 20 Shahed drones overnight, the Air Force reported.",
     [("equipment_destroyed", "Russia", 18, 18, "exact")]),
    ("Some 120 Russian troops surrendered in Kherson oblast on Friday.",
     [("surrendered", "Russia", 120, 120, "approx")]),
    ("Two Ukrainian servicemen went missing after the attack, the brigade said.",
     [("missing", "Ukraine", 2, 2, "exact")]),
    ("Ukrainian forces captured 45 Russian soldiers and seized three T-72 tanks near Izium.",
     [("captured", "Russia", 45, 45, "exact"), ("equipment_captured", "Russia", 3, 3, "exact")]),
    ("The enemy's losses amounted to 640 personnel and 12 artillery systems, the General Staff reported.",
     [("casualties", "Russia", 640, 640, "exact"), ("equipment_destroyed", "Russia", 12, 12, "exact")]),
    ("About 2,000 Wagner fighters have been deployed to the Bakhmut area, British intelligence estimates.",
     [("deployed", "Wagner Group", 2000, 2000, "approx")]),
    # "the enemy" with no speaker or agent to say whose enemy: party unknown; "occupiers" is Ukrainian usage
    ("Border guards destroyed two enemy boats and eliminated up to 15 occupiers on the island.",
     [("equipment_destroyed", None, 2, 2, "exact"), ("casualties", "Russia", None, 15, "at_most")]),
    ("Ukrainian border guards destroyed two enemy boats near the island.",
     [("equipment_destroyed", "Russia", 2, 2, "exact")]),
    ("Over the past week, Ukrainian forces have eliminated 3,400 occupiers.",
     [("casualties", "Russia", 3400, 3400, "exact")]),
    ("Dozens of civilians have been injured in the shelling of the city, officials said.",
     [("wounded", None, 12, None, "at_least")]),
    ("The enemy suffered irrecoverable losses of about 90 servicemen, the General Staff said.",
     [("irrecoverable", "Russia", 90, 90, "approx")]),
    ("A 12-year-old boy died after shelling of Kharkiv, the mayor said.",
     [("killed", None, 1, 1, "exact")]),
    ("Russian shelling killed a woman and injured four people in Nikopol, the governor said.",
     [("killed", None, 1, 1, "exact"), ("wounded", None, 4, 4, "exact")]),
    ("The death toll from the strike on Dnipro has risen to 45, including six children.",
     [("killed", None, 45, 45, "exact")]),
    ("Twenty civilians killed, 31 wounded in Ukraine over past day",
     [("killed", None, 20, 20, "exact"), ("wounded", None, 31, 31, "exact")]),
    ("In the east, the Russian army destroyed an enemy helicopter and 11 tanks",
     [("equipment_destroyed", "Ukraine", 1, 1, "exact"), ("equipment_destroyed", "Ukraine", 11, 11, "exact")]),
    ("Ukrainian Armed Forces lost up to 40 people in battles with the People's Militia per day, the republic reported",
     [("casualties", "Ukraine", None, 40, "at_most")]),
    ("Only by luck there were no casualties.", [("casualties", None, 0, 0, "exact")]),
    ("The number of killed enemy soldiers is already approaching 14,000, the Ukrainian President said.",
     [("killed", "Russia", 14000, 14000, "approx")]),
    ("From two to three thousand mercenaries were sent to the front.", [("deployed", None, 2000, 3000, "range")]),
    ("A woman's body was pulled from the rubble in Toretsk.", [("killed", None, 1, 1, "exact")]),
    ("The UN human rights office said it had verified 9,614 civilian deaths in Ukraine.",
     [("killed", None, 9614, 9614, "exact")]),
    ("Officials said that as many as 300 Russian troops may have been killed in the strike.",
     [("killed", "Russia", None, 300, "at_most")]),
    ("He was killed on July 27, 2014, near the airport.", [("killed", None, 1, 1, "exact")]),
    ("16:28 - Shahed was destroyed over the Litky district.", [("equipment_destroyed", None, 1, 1, "exact")]),
    # coordinated victims, lists with model names, ages, groups
    ("Two tanks and three howitzers of the occupiers were destroyed near Lyman",
     [("equipment_destroyed", "Russia", 2, 2, "exact"), ("equipment_destroyed", "Russia", 3, 3, "exact")]),
    ("A man and a woman were injured in Nikopol", [("wounded", None, 2, 2, "exact")]),
    ("Ukrainian air defense downed a Russian Ka-52 helicopter and three Orlan-10 UAVs in the east",
     [("equipment_destroyed", "Russia", 1, 1, "exact"), ("equipment_destroyed", "Russia", 3, 3, "exact")]),
    ("Russians shelled Marhanets overnight, two men aged 42 and 57 were wounded", [("wounded", None, 2, 2, "exact")]),
    ("A group of 20 Ukrainian saboteurs was eliminated near Kakhovka", [("casualties", "Ukraine", 20, 20, "exact")]),
    ("Up to 50 Ukrainian nationalists and three armored vehicles were destroyed in the Liman direction",
     [("casualties", "Ukraine", None, 50, "at_most"), ("equipment_destroyed", "Ukraine", 3, 3, "exact")]),
    ("The head of the DPR: Ukrainian militants killed a family of four in Makeevka", [("killed", None, 4, 4, "exact")]),
    ("Losses of the Ukrainian Armed Forces near Ugledar exceed 200 servicemen per day",
     [("casualties", "Ukraine", 200, None, "at_least")]),
    ("Ukraine's defenders shoot down Russian Orlan drone, capture its operator",
     [("equipment_destroyed", "Russia", 1, 1, "exact"), ("captured", "Russia", 1, 1, "exact")]),
    ("Three people were killed in the strike. 19 people are in hospital.",
     [("killed", None, 3, 3, "exact"), ("wounded", None, 19, 19, "exact")]),
    ("Wagner mercenaries are dying in hundreds near the town.", [("killed", "Wagner Group", 100, None, "at_least")]),
    ("A rocket hit the market. There are dead and wounded.",
     [("killed", None, None, None, "unspecified"), ("wounded", None, None, None, "unspecified")]),
    ("Russian army shells Kherson, one killed and three wounded - regional administration",
     [("killed", None, 1, 1, "exact"), ("wounded", None, 3, 3, "exact")]),
    ("Air defense downs nine kamikaze drones over the Odesa region", [("equipment_destroyed", None, 9, 9, "exact")]),
    ("More than 300 Ukrainian soldiers laid down their arms in Mariupol",
     [("surrendered", "Ukraine", 300, None, "at_least")]),
    ("At least 12 people are known to have died in the strike", [("killed", None, 12, None, "at_least")]),
    ("Russia has deployed up to 2,000 mobilized soldiers to the Svatove direction",
     [("deployed", "Russia", None, 2000, "at_most")]),
    ("Partisans blew up a Russian armored train in Melitopol", [("equipment_destroyed", "Russia", 1, 1, "exact")]),
    ("In the Kherson region, a Ukrainian sabotage and reconnaissance group of 15 people was destroyed - Saldo",
     [("casualties", "Ukraine", 15, 15, "exact")]),
    ("DPR People's Militia: Ukrainian Armed Forces lost 200 people killed and wounded during the week",
     [("casualties", "Ukraine", 200, 200, "exact")]),
    ("In the Donetsk direction, 15 T-72 tanks and two Buk-M1 air defense systems of the Armed Forces of Ukraine "
     "were destroyed", [("equipment_destroyed", "Ukraine", 15, 15, "exact"),
                        ("equipment_destroyed", "Ukraine", 2, 2, "exact")]),
    ("The Ministry of Defense of the Russian Federation reported the destruction of a HIMARS launcher",
     [("equipment_destroyed", "Ukraine", 1, 1, "exact")]),
    ("The number of victims of the shelling of the market has increased to 13", [("killed", None, 13, 13, "exact")]),
    ("Russians fired at Kherson 42 times over the day, one dead, three wounded",
     [("killed", None, 1, 1, "exact"), ("wounded", None, 3, 3, "exact")]),
    # headlines: present tense, verbs tagged as nouns, labels, bare numbers
    ("Russian shelling of Nikopol kills two, injures five - governor",
     [("killed", None, 2, 2, "exact"), ("wounded", None, 5, 5, "exact")]),
    ("Air defense shoots down 6 Russian cruise missiles over Dnipropetrovsk region",
     [("equipment_destroyed", "Russia", 6, 6, "exact")]),
    ("Civilian killed, three injured as Russians shell a village",
     [("killed", None, 1, 1, "exact"), ("wounded", None, 3, 3, "exact")]),
    ("Kherson region: Russians kill 2, wound 12 over past day",
     [("killed", None, 2, 2, "exact"), ("wounded", None, 12, 12, "exact")]),
    ("In Luhansk region, occupiers suffer heavy losses near Bilohorivka - Haidai",
     [("casualties", "Russia", None, None, "unspecified")]),
    ("Body of killed journalist found near Kyiv", [("killed", None, 1, 1, "exact")]),
    ("Ukraine repatriates bodies of 62 fallen soldiers - Ukrainian ombudsman", [("killed", "Ukraine", 62, 62, "exact")]),
    # an air force says whose it is only with its country: "the Air Force" alone names no side (any war)
    ("Out of 24 drones launched by the enemy, 13 were shot down, the Ukrainian Air Force said.",
     [("equipment_destroyed", "Russia", 13, 13, "exact")]),
    ("Out of 24 drones launched by the enemy, 13 were shot down, the Air Force said.",
     [("equipment_destroyed", None, 13, 13, "exact")]),
    ("Russia has not lost so many aircraft in decades, the Ukrainian President said.",
     [("equipment_destroyed", "Russia", None, None, "unspecified")]),
    ("Seventy missiles were launched; most of them were shot down, Ukraine's Air Force said.",
     [("equipment_destroyed", "Russia", None, None, "unspecified")]),
    # 'another' and 'others' as the object or subject of a second claim word
    ("Bandits shoot dead four drivers and wound another on a highway",
     [("killed", None, 4, 4, "exact"), ("wounded", None, 1, 1, "exact")]),
    ("Attackers kill a farmer and injure others near the river",
     [("killed", None, 1, 1, "exact"), ("wounded", None, None, None, "unspecified")]),
    # remains and skulls are bodies; a spaced dash ends the phrase before a headline's source
    ("The remains of six people were exhumed at the edge of a forest", [("killed", None, 6, 6, "exact")]),
    ("A human skull was discovered by hikers in a gully", [("killed", None, 1, 1, "exact")]),
    ("Rocket strike on Sumy kills three, wounds nine - regional council",
     [("killed", None, 3, 3, "exact"), ("wounded", None, 9, 9, "exact")]),
    # each claim word takes the nearest victims; a count restates an uncounted claim word of its kind
    ("The clash left one guard dead and one injured near the bridge",
     [("killed", None, 1, 1, "exact"), ("wounded", None, 1, 1, "exact")]),
    ("One fisherman dead and another injured as shells hit the harbour",
     [("killed", None, 1, 1, "exact"), ("wounded", None, 1, 1, "exact")]),
    ("Massacre at the hill market: 40 dead, residents say", [("killed", None, 40, 40, "exact")]),
    ("Officials recorded five deaths and eight injuries after the raid",
     [("killed", None, 5, 5, "exact"), ("wounded", None, 8, 8, "exact")]),
    # a passive gerund clause takes the main clause's subject; the later death wins over the wound
    ("Two men died after being shot near the market", [("killed", None, 2, 2, "exact")]),
    # coordinated owners of losses: one claim each
    ("ANA troops and Taliban fighters suffered casualties in a clash near the pass",
     [("casualties", "Afghanistan", None, None, "unspecified"), ("casualties", "Taliban", None, None, "unspecified")]),
    # an ordinal written in digits on the victims is a running total; a unit's ordinal is no count
    ("Air defence shot down the 1,000th drone of the war over the capital",
     [("equipment_destroyed", None, 1000, 1000, "exact")]),
    ("Two 93rd Brigade soldiers were killed near the river", [("killed", None, 2, 2, "exact")]),
    # a country's name before a non-state group is no party of the group; 'regime forces' take the state named
    ("Over 30 regime forces killed by Myanmar resistance fighters", [("killed", "Myanmar", 30, None, "at_least")]),
    # coordinated relatives add up, however many conjuncts; two conjuncts that each matched give one claim
    ("In one night the boy lost his mother, his aunt, his cousin, and her husband.",
     [("casualties", None, 4, 4, "exact")]),
    # 'take the lives of' names victims, not the owner of losses: the attacker's nationality is not theirs
    ("A Russian drone took the lives of Ivan Petrenko and his son Taras.", [("killed", None, 2, 2, "exact")]),
    # a count noun with the nominalised adjective after an article; 'list' as the count's head
    ("The number of the dead in the village has reached 14.", [("killed", None, 14, 14, "exact")]),
    ("By noon the list of the injured had grown to 23.", [("wounded", None, 23, 23, "exact")]),
    # a coordinated group found whole and by one of its members is one claim
    ("Man and boy injured by mortar fire in the valley", [("wounded", None, 2, 2, "exact")]),
    # victims counted by a vague quantity noun, in a fragment
    ("Thousands upon thousands of victims.", [("killed", None, 1000, None, "at_least")]),
]


@pytest.mark.parametrize("text,expected", KIND_CASES)
def test_kinds_parties_quantities(text: str, expected: list[tuple[Any, ...]]) -> None:
    got = [brief(c) for c in claims(text)]
    for exp in expected:
        assert exp in got, f"{exp} not in {got}"
    assert len(got) == len(expected), got


# not claims: background facts, durations, unit names, counts of attacks, hypotheticals, money
NON_CLAIMS = [
    "A battalion can include as many as 800 soldiers.",
    "It has been five months since the start of the offensive.",
    "Soldiers of the 47th Separate Mechanized Brigade held the line.",
    "The enemy carried out 35 attacks and fired 400 shells at the town.",
    "If the offensive fails, thousands more could be killed.",
    "The government allocated 2 billion euros for reconstruction.",
    "Casualty counts on both sides will very likely climb.",
    "Our film crew captured the ceremony on video.",
    "Every destroyed tank is proof that the invaders can be beaten.",
    "Our defenders destroy the enemy every day.",
    "Russia has enough missiles to kill people every day.",
    "Millions died of hunger in the Holodomor in 1933.",
    "Nine missiles hit the plant, and the enterprise was destroyed.",
    "The journalist who was sent to jail by the occupiers was released.",
    "Russian missiles hit there again.",
    "Kyiv says 25 Ukrainian prisoners of war were returned home in an exchange on Sunday.",
    "They have already destroyed dozens of hospitals and hundreds of schools.",
    "Nine missiles hit one of the plants, the enterprise was destroyed.",
    "The occupiers' loss of initiative is obvious.",
    "79 families who have lost the most valuable are still forced to fight.",
    "Kyiv has transferred two more brigades to the front.",
    "The airliner was shot down by the Russian occupiers over Donbas.",
]


@pytest.mark.parametrize("text", NON_CLAIMS)
def test_not_claims(text: str) -> None:
    assert claims(text) == []


CLAIMANT_CASES = [
    # a title's place says whose official it is, whatever party the sentence names
    ("Two civilians were killed by Ukrainian shelling, the governor of the Belgorod region said.",
     "the governor of the Belgorod region", "Russia", "2023-05-10"),
    ("The Ukrainian military said on Tuesday that 30 Russian soldiers were killed near Avdiivka.",
     "The Ukrainian military", "Ukraine", "2023-05-09"),
    ("According to the Russian Defence Ministry, 70 Ukrainian servicemen were killed in the south.",
     "the Russian Defence Ministry", "Russia", "2023-05-10"),
    ("Four civilians died in an overnight strike on Kherson - regional military administration",
     "regional military administration", "Ukraine", "2023-05-10"),
    ("Kremlin spokesman Dmitry Peskov denied that Russian soldiers had been captured.",
     "Kremlin spokesman Dmitry Peskov", "Russia", "2023-05-10"),
]


@pytest.mark.parametrize("text,name,side,stated_on", CLAIMANT_CASES)
def test_claimants(text: str, name: str, side: str, stated_on: str) -> None:
    got = claims(text)
    assert got, text
    c = got[0]
    assert c["claimant"]["name"] == name
    assert c["claimant"]["side"] == side
    assert c["stated_on"] == stated_on


def test_nested_quotes_do_not_end_the_outer_quote() -> None:
    text = ('"Once again, the Kremlin will say that this is "an operation." Where are our children? '
            'You killed 16 children," the Ukrainian President said.')
    c = claims(text)[0]
    assert c["quantity"]["low"] == 16
    assert c["claimant"] == {"name": "the Ukrainian President", "side": "Ukraine"}


def test_a_new_paragraph_speaker_is_not_the_previous_quotes() -> None:
    text = ('The commander said: "We destroyed nine enemy tanks."\n\n'
            'The Pentagon spokesman said in December that troops had been killed.')
    got = claims(text)
    assert got[0]["claimant"]["name"] == "The commander"


def test_quote_speaker_after_the_quote() -> None:
    text = 'The talks went on. "You killed 16 children," the President of Ukraine told the envoy.'
    c = claims(text)[0]
    assert c["claimant"]["side"] == "Ukraine"
    assert "President" in c["claimant"]["name"]


def test_official_site_voice() -> None:
    """An official site's press release speaks for its state; its head of state when it says so."""
    got = [c.to_dict() for c in claimledger.extract(
        "The Head of State noted that 16 children had died in the shelling.", published="2022-03-01",
        doc_id="pr", title="President held a meeting")]
    assert got[0]["claimant"] == {"name": "The Head of State", "side": None}
    doc = {"id": "pr", "text": "The Head of State noted that 16 children had died in the shelling.",
           "published": "2022-03-01", "source": "president.gov.ua (news)"}
    c = next(iter(claimledger.extract_many([doc]))).to_dict()
    assert c["claimant"] == {"name": "Volodymyr Zelensky", "side": "Ukraine"}


def test_article_voice_has_no_claimant() -> None:
    c = claims("Five civilians were killed in the shelling of Kherson on Sunday.")[0]
    assert c["claimant"] == {"name": None, "side": None}
    assert c["stated_on"] is None


def test_quote_speaker_carries_over_sentences() -> None:
    text = ('The commander of the brigade said on Monday: "The fighting was heavy.\n\n'
            '"We destroyed nine enemy tanks near the village."')
    got = claims(text, published="2023-05-10")
    assert got and got[0]["kind"] == "equipment_destroyed"
    assert got[0]["claimant"]["name"] == "The commander of the brigade"
    assert got[0]["stated_on"] == "2023-05-08"


def test_document_speaker_for_addresses() -> None:
    got = claims("Today the occupiers lost another 300 soldiers near the city.", speaker="Volodymyr Zelensky")
    assert got[0]["claimant"] == {"name": "Volodymyr Zelensky", "side": "Ukraine"}
    assert got[0]["victim"]["party"] == "Russia"
    assert got[0]["stated_on"] == "2023-05-10"


@pytest.mark.parametrize("text,stance", [
    ("Kremlin spokesman Dmitry Peskov denied that any Russian soldiers had been captured.", "denied"),
    ("An estimated 400 troops were killed in the assault.", "estimated"),
    ("Western officials believe that about 100 soldiers were killed.", "estimated"),
    ("Up to 100 soldiers were killed in the assault, the army said.", "asserted"),
])
def test_stance(text: str, stance: str) -> None:
    assert claims(text)[0]["stance"] == stance


@pytest.mark.parametrize("text,means", [
    ("Three people were killed by Russian shelling of Kherson.", ["artillery"]),
    ("A drone strike killed two soldiers near the river.", ["drone"]),
    ("Two people died after a missile hit a residential building.", ["missile"]),
    ("Four soldiers were killed in a gunbattle near the border.", ["small_arms"]),
])
def test_means(text: str, means: list[str]) -> None:
    assert claims(text)[0]["means"] == means


def test_each_victim_keeps_its_own_means() -> None:
    got = claims("The unit killed six soldiers using drones, and four in a gunbattle, the army said.")
    assert [(c["quantity"]["low"], c["means"]) for c in got] == [(6, ["drone"]), (4, ["small_arms"])]


def test_dates_resolve_against_publication() -> None:
    got = claims("In the Donetsk region, the Russians killed four civilians in a day", published="2022-09-28")
    assert got[0]["event_time"] == {"start": "2022-09-27", "end": "2022-09-28", "precision": "day"}
    got = claims("Almost 9,000 invaders have been killed since February 24, the President said.", published="2022-03-10")
    assert got[0]["event_time"]["precision"] == "period"
    assert got[0]["event_time"]["start"] == "2022-02-24"


def test_places_are_named_and_typed() -> None:
    c = claims("Two people were killed in the Kharkiv region on Monday.")[0]
    assert c["location"]["name"].lower().startswith("kharkiv region")
    assert c["location"]["precision"] == "admin1"
    c = claims("Two people were killed in Kherson on Monday.")[0]
    assert c["location"]["name"] == "Kherson"
    assert c["location"]["precision"] == "point"


def test_evidence_offsets_and_repeats() -> None:
    text = ("Officials said 14 soldiers were killed near the river on Friday.\n\n"
            "Photo caption: officials said 14 soldiers were killed near the river.")
    got = claims(text)
    assert len(got) == 1, got
    ev = got[0]["evidence"]
    assert text[ev["start"]:ev["end"]] == ev["text"]
    assert got[0]["evidence_more"], "the repeated caption is kept as further evidence"


def test_missing_publication_date_is_inferred_with_lower_confidence() -> None:
    text = "The army announced on January 7 that 12 soldiers were killed. It announced the figure on Tuesday."
    with_date = claimledger.extract(text, published="2025-01-08")
    without = claimledger.extract(text)
    assert without and without[0].confidence < with_date[0].confidence


def test_extract_many_streams_in_order() -> None:
    docs = [{"id": f"d{i}", "text": f"{i + 2} soldiers were wounded near the town.", "published": "2023-01-01"}
            for i in range(5)]
    got = list(claimledger.extract_many(docs))
    assert [c.doc_id for c in got] == [f"d{i}" for i in range(5)]
    assert [c.quantity.low for c in got] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("text,place,precision", [
    ("South: the Defense Forces destroyed 40 soldiers and four tanks of the invaders", "South", "region"),
    ("A man died under fire in the west of Donetsk, officials said.", "Donetsk", "point"),
    ("The army lost more than 300 people killed in the Kherson-Mykolaiv direction.", "Kherson-Mykolaiv direction",
     "region"),
    # a place that names who acted ranks after the place where it happened
    ("Nigeria army airstrikes kill 12 fighters in Borno", "Borno", "admin1"),
    ("Two Kherson fishermen were killed by naval fire", "Kherson", "point"),
    ("A Somali clash leaves nine soldiers dead", "Somali", "country"),
])
def test_place_names(text: str, place: str, precision: str) -> None:
    loc = claims(text)[0]["location"]
    assert loc["name"] == place
    assert loc["precision"] == precision


def test_date_opening_the_sentence_dates_the_statement() -> None:
    c = claims("In a post on social media on Tuesday, the brigade said it had killed nine enemy soldiers.",
               published="2025-01-08")[0]
    assert c["stated_on"] == "2025-01-07"


def test_an_official_speaks_for_the_outlets_side() -> None:
    doc = {"id": "h1", "text": "Two people were killed in shelling of the Kuibyshevsky district of Donetsk - mayor",
           "published": "2022-09-10", "source": "TASS"}
    c = next(iter(claimledger.extract_many([doc]))).to_dict()
    assert c["claimant"] == {"name": "mayor", "side": "DPR"}


def test_a_headline_label_names_the_source() -> None:
    c = claims("Russian Defense Ministry: over 100 Ukrainian militants eliminated near Kupyansk")[0]
    assert c["claimant"] == {"name": "Russian Defense Ministry", "side": "Russia"}
    assert c["victim"]["party"] == "Ukraine"


def test_a_party_named_in_the_claimant_wins() -> None:
    c = claims("Five civilians died in the shelling, the DPR Ombudsman said.")[0]
    assert c["claimant"]["side"] == "DPR"


def test_general_staff_tally_lines() -> None:
    text = ("Total combat losses of the enemy over the war:\n"
            "personnel - about 21,000 (+300), tanks - 800 (+6), artillery systems - 400 (+2), UAVs - 300")
    doc = {"id": "gs", "text": text, "published": "2022-05-01", "source": "Ukrinform"}
    got = [brief(c.to_dict()) for c in claimledger.extract_many([doc])]
    assert got == [("casualties", "Russia", 21000, 21000, "approx"), ("equipment_destroyed", "Russia", 800, 800, "exact"),
                   ("equipment_destroyed", "Russia", 400, 400, "exact"), ("equipment_destroyed", "Russia", 300, 300, "exact")]
    c = next(iter(claimledger.extract_many([doc]))).to_dict()
    assert c["event_time"] == {"start": "2022-02-24", "end": "2022-05-01", "precision": "period"}


def test_colon_lists_of_losses() -> None:
    doc = {"id": "c1", "text": "Russia's combat losses in Ukraine: about 63,000 troops, 2,500 tanks and 300 helicopters",
           "published": "2022-10-12", "source": "Ukrinform"}
    got = [brief(c.to_dict()) for c in claimledger.extract_many([doc])]
    assert got == [("casualties", "Russia", 63000, 63000, "approx"), ("equipment_destroyed", "Russia", 2500, 2500, "exact"),
                   ("equipment_destroyed", "Russia", 300, 300, "exact")]


def test_questions_are_not_claims() -> None:
    assert claims("Question: How many Ukrainian soldiers were killed near Kherson?") == []


def test_transcript_turns_name_the_speaker() -> None:
    doc = {"id": "t1", "published": "2022-10-12", "source": "kremlin.ru",
           "text": "Denis Pushilin: Vladimir Vladimirovich, the situation is tense. Ukrainian formations shelled "
                   "Gorlovka last night. Three people died, including a child."}
    c = next(iter(claimledger.extract_many([doc]))).to_dict()
    assert c["claimant"] == {"name": "Denis Pushilin", "side": "DPR"}
    assert c["location"]["name"] == "Gorlovka"


def test_place_named_earlier_in_the_paragraph() -> None:
    c = claims("Tonight, Russian missiles hit Dnipro again. A transport company was hit. Three people were killed.")[0]
    assert c["location"]["name"] == "Dnipro"


def test_of_them_refers_to_equipment_named_before() -> None:
    got = [brief(c) for c in claims("The terrorists launched another wave of Iranian drones at Kyiv. "
                                     "Our defenders shot down 13 of them.", speaker="Volodymyr Zelensky")]
    assert got == [("equipment_destroyed", "Russia", 13, 13, "exact")]


def test_bodies_of_people() -> None:
    got = [brief(c) for c in claims("The bodies of 17 people were found after the occupiers left the town.")]
    assert got == [("killed", None, 17, 17, "exact")]


def test_owner_of_casualties_behind_a_preposition() -> None:
    doc = {"id": "w1", "published": "2022-10-12", "source": "Reuters",
           "text": "According to British intelligence, Russia has likely suffered between 70,000 and 80,000 "
                   "casualties since the start of the invasion."}
    c = next(iter(claimledger.extract_many([doc]))).to_dict()
    assert brief(c) == ("casualties", "Russia", 70000, 80000, "range")
    assert c["stance"] == "estimated"


def test_a_quote_ends_a_list_of_victims() -> None:
    got = [brief(c) for c in claims('"We lost four of our guys yesterday," a Ukrainian battalion commander near '
                                    'Bakhmut told Reuters.')]
    assert got == [("casualties", "Ukraine", 4, 4, "exact")]


def test_possessive_pronoun_after_an_adversary_word_takes_the_adversary_side() -> None:
    """'an enemy who ignores his dead': the pronoun's party is the adversary's, resolved from the speaker's side."""
    got = [brief(c) for c in claims("We fight an enemy who ignores the thousands of his killed soldiers.",
                                    published="2022-03-11", speaker="Volodymyr Zelensky")]
    assert got == [("killed", "Russia", 1000, None, "at_least")]


def test_according_to_the_speakers_own_estimates_keeps_the_speaker() -> None:
    """'according to our estimates': no source but the speaker, who stays the claimant."""
    got = claims("According to our latest estimates, 63 soldiers were killed in the town.",
                 published="2022-03-11", speaker="Volodymyr Zelensky")
    assert [(c["claimant"]["name"], c["quantity"]["low"]) for c in got] == [("Volodymyr Zelensky", 63)]



def test_uncounted_repeats_merge_only_for_the_same_victims() -> None:
    """Without a number, 'X were killed' twice is one claim only when both name the same victims (or one names
    them by a pronoun or a claim word); two groups of victims in one speech are two claims."""
    text = ("The occupiers killed farmers in the fields. We know it. The occupiers killed volunteers on the roads. "
            "Farmers were killed there, too.")
    got = claims(text)
    assert sorted(c["victim"]["text"] for c in got) == ["farmers", "volunteers"]


@pytest.mark.parametrize("title,name", [
    ("Speech by Chief of Staff of the Presidential Office Ivan Koval at the donors' conference in Vienna",
     "Ivan Koval"),
    ("Speech by President of Ukraine Volodymyr Zelenskyy at the summit in Madrid", "Volodymyr Zelensky"),
    ("Address by the Foreign Minister Olha Marchenko to the students of the university", "Olha Marchenko"),
])
def test_an_address_titled_with_another_speaker_is_theirs(title: str, name: str) -> None:
    """An official site's speech titled as given by someone other than its head is that person's, in the first
    person as well."""
    doc = {"id": "sp", "text": "Thank you. I have seen it myself: our enemy killed 40 civilians in one night.",
           "published": "2022-05-01", "source": "president.gov.ua (news)", "title": title}
    c = next(iter(claimledger.extract_many([doc]))).to_dict()
    assert c["claimant"] == {"name": name, "side": "Ukraine"}


def test_a_statement_restated_by_its_speaker_is_theirs_before_and_after() -> None:
    """On an official site, 'This was stated by X' gives the sentence before to X, and X goes on speaking in the
    paragraph's unattributed sentences; a new paragraph returns to the site's voice."""
    text = ("Over the past day, the defenders destroyed 12 enemy tanks near the city. This was stated by the "
            "Commander of the Ground Forces Ivan Bondar at a briefing. In addition, 300 occupiers were eliminated "
            "in the south.\n\nIn the north, 7 enemy drones were shot down.")
    doc = {"id": "pr", "text": text, "published": "2022-03-01", "source": "president.gov.ua (news)",
           "title": "The defenders hold the line"}
    got = {c.quantity.low: c.claimant for c in claimledger.extract_many([doc])}
    bondar = "the Commander of the Ground Forces Ivan Bondar"
    assert got[12].name == bondar and got[300].name == bondar and got[12].side == "Ukraine"
    assert got[7].name is None and got[7].side == "Ukraine"


def test_a_quoted_we_does_not_make_news_the_heads_address() -> None:
    doc = {"id": "pr", "text": "The adviser spoke at a briefing. Five enemy tanks were destroyed near the river. "
                               "\"We will stop them,\" the adviser said.",
           "published": "2022-03-01", "source": "president.gov.ua (news)", "title": "Briefing on the situation"}
    [c] = list(claimledger.extract_many([doc]))
    assert c.claimant.name is None and c.claimant.side == "Ukraine"
