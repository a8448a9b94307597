"""The construction matrix: every construction family of issue 7, crossed with the claim kinds it can carry,
the quantity forms a figure takes and the attribution frames that wrap a claim.

Each cell is one short text built from a template written here for the purpose (no gold or corpus text),
with the claims it must yield. A cell is *recalled* when every expected claim comes out with its kind and
its quantity (low, high, qualifier); its *attribution* is right when a framed claim names its speaker.
`python tests/construction_matrix.py` prints recall per construction family, kind, quantity form and frame
(the README's per-construction table); tests/test_construction_matrix.py pins a floor per family.
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

PUBLISHED = "2024-05-10"

# quantity form -> (before a noun, standing alone, low, high, qualifier)
QFORMS: dict[str, tuple[str, str, int | None, int | None, str]] = {
    "digits": ("12", "12", 12, 12, "exact"),
    "thousands_sep": ("1,200", "1,200", 1200, 1200, "exact"),
    "words": ("seven", "seven", 7, 7, "exact"),
    "approx": ("about 40", "about 40", 40, 40, "approx"),
    "at_least": ("more than 50", "more than 50", 50, None, "at_least"),
    "at_most": ("up to 300", "up to 300", None, 300, "at_most"),
    "range": ("20 to 25", "20 to 25", 20, 25, "range"),
    "dozens": ("dozens of", "dozens", 12, None, "at_least"),
    "several": ("several", "several", 2, None, "at_least"),
    "hundreds": ("hundreds of", "hundreds", 100, None, "at_least"),
}

# frame -> (template around the sentence {s}, a word the claimant's name must hold)
FRAMES: dict[str, tuple[str, str | None]] = {
    "none": ("{S}.", None),
    "said_after": ("{S}, the regional governor said.", "governor"),
    "according_to": ("According to the health ministry, {s}.", "ministry"),
    "said_that": ("A military spokesman said that {s}.", "spokesman"),
    "quotation": ('"{S}," Colonel Daniel Okafor told reporters.', "Okafor"),
}
HEADLINE_FRAMES: dict[str, tuple[str, str | None]] = {
    "none": ("{S}", None),
    "dash_source": ("{S} - governor", "governor"),
    "label_source": ("Police: {s}", "Police"),
}

PEOPLE = ["soldiers", "civilians", "Russian soldiers", "Ukrainian servicemen", "RSF fighters",
          "police officers", "villagers", "militants", "Israeli soldiers", "Somali troops"]
EQUIPMENT = ["tanks", "armoured vehicles", "drones", "artillery systems", "helicopters", "Russian tanks"]
AGENTS = ["Russian forces", "Ukrainian troops", "Hamas fighters", "the Sudanese army", "RSF fighters",
          "Israeli troops", "al-Shabaab militants"]
PARTIES = ["Russia", "the Ukrainian army", "the RSF", "the Malian army", "the Taliban"]
PLACES = ["Bakhmut", "Kherson", "El Fasher", "Rafah", "Maiduguri", "Mogadishu", "Donetsk"]

# A template: the kinds it yields for {Q} (and a fixed 'three' for {Q2} when present).
# {Qn}: quantity before a noun; {Qa}: quantity standing alone; {N} people; {E} equipment;
# {A} agent; {P} party; {PL} place. Each family lists its variants.
Template = tuple[tuple[str, ...], str]
FAMILIES: dict[str, list[Template]] = {
    "active_verb": [
        (("killed",), "{A} killed {Qn} {N} in {PL}"),
        (("wounded",), "{A} wounded {Qn} {N} near {PL}"),
        (("captured",), "{A} captured {Qn} {N} near {PL}"),
        (("casualties",), "{A} eliminated {Qn} {N} near {PL}"),
        (("equipment_destroyed",), "{A} destroyed {Qn} {E} near {PL}"),
        (("equipment_damaged",), "{A} damaged {Qn} {E} in {PL}"),
        (("equipment_captured",), "{A} seized {Qn} {E} near {PL}"),
        (("deployed",), "{P} deployed {Qn} troops to {PL}"),
    ],
    "passive_verb": [
        (("killed",), "{Qn} {N} were killed in {PL}"),
        (("wounded",), "{Qn} {N} were wounded in {PL}"),
        (("captured",), "{Qn} {N} were taken prisoner near {PL}"),
        (("missing",), "{Qn} {N} were reported missing near {PL}"),
        (("equipment_destroyed",), "{Qn} {E} were destroyed near {PL}"),
        (("equipment_damaged",), "{Qn} {E} were damaged in {PL}"),
        (("deployed",), "{Qn} troops have been deployed to {PL}"),
    ],
    "intransitive": [
        (("killed",), "{Qn} {N} died in {PL}"),
        (("killed",), "{Qn} {N} perished in the fighting near {PL}"),
        (("surrendered",), "{Qn} {N} surrendered near {PL}"),
        (("missing",), "{Qn} {N} went missing in {PL}"),
    ],
    "predicative": [
        (("killed",), "the attack on {PL} left {Qn} {N} dead"),
        (("wounded",), "the shelling of {PL} left {Qn} {N} injured"),
        (("missing",), "the ambush near {PL} left {Qn} {N} missing"),
        (("killed",), "{Qn} bodies were found in {PL}"),
        (("wounded",), "among the injured in {PL} are {Qn} {N}"),
    ],
    "nominal_head": [
        (("killed",), "the death toll in {PL} rose to {Qa}"),
        (("killed",), "the strike on {PL} caused the deaths of {Qn} {N}"),
        (("wounded",), "the number of injured in {PL} has risen to {Qa}"),
        (("captured",), "the battle ended with the capture of {Qn} {N} near {PL}"),
        (("equipment_destroyed",), "the raid led to the destruction of {Qn} {E} near {PL}"),
        (("casualties",), "the raid on {PL} caused {Qn} casualties among {N}"),
    ],
    "light_verb": [
        (("casualties",), "{P} suffered {Qn} casualties in {PL}"),
        (("casualties",), "{P} lost {Qn} {N} in {PL}"),
        (("equipment_destroyed",), "{P} lost {Qn} {E} near {PL}"),
    ],
    "gapped_coordination": [
        (("killed", "wounded"), "{Qn} {N} were killed and {Q2} wounded in {PL}"),
        (("killed", "wounded"), "{A} killed {Qn} {N} and wounded {Q2} in {PL}"),
        (("killed", "wounded"), "{Qn} {N} died and {Q2} were injured in {PL}"),
    ],
    "existential": [
        (("killed",), "there were {Qn} {N} among the dead in {PL}"),
        (("wounded",), "among the wounded in {PL} were {Qn} {N}"),
    ],
    "breakdown": [
        (("killed",), "{Qn} people were killed in {PL}, including three children"),
        (("killed",), "{Qn} people died in {PL}, two of them children"),
    ],
    "next_sentence_count": [
        (("killed", "wounded"), "shelling hit {PL} on Monday. {Qa} died and {Q2} were injured"),
        (("killed",), "a drone struck a bus near {PL} on Tuesday. {Qa} passengers were killed"),
    ],
    "headline": [
        (("killed",), "{Qn} {N} killed in {PL} attack"),
        (("killed",), "{A} kill {Qn} {N} in {PL}"),
        (("wounded",), "{Qn} {N} wounded as shells hit {PL}"),
        (("captured",), "{Qn} {N} abducted in {PL}"),
        (("killed", "wounded"), "{PL} blast: {Qa} dead, {Q2} hurt"),
    ],
    "equipment_list": [
        (("equipment_destroyed",) * 3, "over the past day {A} destroyed {Qn} tanks, {Q2} armoured vehicles and 14 drones"),
        (("equipment_destroyed",) * 2, "air defences shot down {Qn} drones and {Q2} cruise missiles over {PL}"),
    ],
}
# Second round (written after the first round's families were fixed; their first run is in the README):
# tense, voice and word-order variants of the same families.
FAMILIES.update({
    "perfect_and_modal_passive": [
        (("killed",), "{Qn} {N} have been killed in {PL} since Sunday"),
        (("wounded",), "{Qn} {N} had been wounded near {PL} by the time help arrived"),
        (("killed",), "{Qn} {N} were reportedly killed near {PL}"),
        (("captured",), "{Qn} {N} have been taken captive in {PL}"),
        (("equipment_destroyed",), "{Qn} {E} have been destroyed near {PL} this week"),
    ],
    "participial_clause": [
        (("killed",), "a missile hit a market in {PL}, killing {Qn} {N}"),
        (("wounded",), "shells struck {PL} overnight, wounding {Qn} {N}"),
        (("equipment_destroyed",), "drones attacked a column near {PL}, destroying {Qn} {E}"),
    ],
    "lost_lives": [
        (("killed",), "{Qn} {N} lost their lives in {PL}"),
        (("killed",), "the fighting in {PL} claimed the lives of {Qn} {N}"),
    ],
    "casualty_pair": [
        (("casualties",), "{Qn} {N} were killed or wounded in {PL}"),
        (("casualties",), "{P} suffered {Qn} dead and wounded near {PL}"),
    ],
    "shot_down": [
        (("equipment_destroyed",), "air defences shot down {Qn} drones over {PL}"),
        (("equipment_destroyed",), "{Qn} drones were downed over {PL}"),
    ],
    "deployment_variants": [
        (("deployed",), "{P} sent {Qn} troops to {PL}"),
        (("deployed",), "{Qn} troops arrived in {PL}"),
    ],
    "unaccounted": [
        (("missing",), "{Qn} {N} remain unaccounted for after the attack on {PL}"),
        (("surrendered",), "{Qn} {N} laid down their arms near {PL}"),
    ],
    "headline_present": [
        (("killed",), "{A} kill {Qn} {N} in {PL} raid"),
        (("killed",), "{PL} strike kills {Qn} {N}"),
        (("wounded",), "{Qn} {N} hurt in {PL} shelling"),
    ],
})
# Templates with a fixed count: the quantity forms do not apply.
FIXED: dict[str, list[tuple[tuple[tuple[str, int], ...], str]]] = {
    "counted_names": [
        ((("killed", 2),), "Ahmed Yusuf and Maryam Bello were killed in {PL}"),
        ((("captured", 3),), "John Reed, Ali Hassan and Peter Novak were abducted near {PL}"),
    ],
    "singular_no_number": [
        ((("killed", 1),), "a soldier was killed in {PL}"),
        ((("wounded", 1),), "a journalist was wounded in {PL}"),
    ],
}
HEADLINE_FAMILIES = {"headline", "headline_present"}


@dataclass
class Cell:
    family: str
    kind: str
    qform: str
    frame: str
    text: str
    expected: list[tuple[str, int | None, int | None, str]]
    speaker: str | None
    recalled: bool = False
    attributed: bool = False
    extra: int = 0
    got: list[tuple[Any, ...]] = field(default_factory=list)


def _fill(template: str, q: tuple[str, str, int | None, int | None, str] | None, i: int) -> str:
    """The template with its slots filled, as written: lower case at the start unless a name stands there."""
    slots = {"N": PEOPLE[i % len(PEOPLE)], "E": EQUIPMENT[i % len(EQUIPMENT)], "A": AGENTS[i % len(AGENTS)],
             "P": PARTIES[i % len(PARTIES)], "PL": PLACES[i % len(PLACES)], "Q2": "three",
             "Qn": q[0] if q else "", "Qa": q[1] if q else ""}
    return template.format(**slots)


def _framed(text: str, frame: tuple[str, str | None]) -> str:
    """Sentences capitalised, the last one wrapped in the frame (`{S}` opens a sentence, `{s}` follows words)."""
    *head, last = text.split(". ")
    wrapped = frame[0].format(S=_capital(last), s=last)
    return ". ".join([*(_capital(h) for h in head), wrapped])


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def cells() -> list[Cell]:
    """Every cell of the matrix."""
    out: list[Cell] = []
    i = 0
    for family, templates in FAMILIES.items():
        frames = HEADLINE_FRAMES if family in HEADLINE_FAMILIES else FRAMES
        for (kinds, template), (qname, q), (fname, frame) in itertools.product(templates, QFORMS.items(),
                                                                                 frames.items()):
            expected = [(kinds[0], q[2], q[3], q[4])]
            second = "{Q2}" in template
            for k in kinds[1:]:
                expected.append((k, 3, 3, "exact") if second else (k, 14, 14, "exact"))
                second = False
            out.append(Cell(family, kinds[0], qname, fname, _framed(_fill(template, q, i), frame), expected,
                            frame[1]))
            i += 1
    for family, fixed in FIXED.items():
        for (claims, template), (fname, frame) in itertools.product(fixed, FRAMES.items()):
            expected = [(k, n, n, "exact") for k, n in claims]
            out.append(Cell(family, claims[0][0], "fixed", fname, _framed(_fill(template, None, i), frame),
                            expected, frame[1]))
            i += 1
    return out


def run(selected: list[Cell] | None = None) -> list[Cell]:
    """Extract every cell's text and mark what was recalled and attributed."""
    import claimledger

    todo = selected if selected is not None else cells()
    docs = [{"id": str(n), "text": c.text, "published": PUBLISHED} for n, c in enumerate(todo)]
    got: dict[str, list[Any]] = defaultdict(list)
    for claim in claimledger.extract_many(docs):
        got[claim.doc_id].append(claim)
    for n, cell in enumerate(todo):
        claims = got.get(str(n), [])
        cell.got = [(c.kind, c.quantity.low, c.quantity.high, c.quantity.qualifier, c.claimant.name)
                    for c in claims]
        tuples = [g[:4] for g in cell.got]
        cell.recalled = all(e in tuples for e in cell.expected)
        hits = [g for g in cell.got if g[:4] in cell.expected]
        cell.attributed = bool(hits) and all(
            (g[4] is None) if cell.speaker is None else (cell.speaker.lower() in (g[4] or "").lower())
            for g in hits)
        cell.extra = max(0, len([t for t in tuples if t not in cell.expected]) - _optional(cell))
    return todo


def _optional(cell: Cell) -> int:
    return 1 if cell.family == "breakdown" else 0


def table(done: list[Cell], key: str) -> list[tuple[str, int, float, float, int]]:
    """Rows of (value, cells, recall, attribution on recalled cells, extra claims) grouped by `key`."""
    groups: dict[str, list[Cell]] = defaultdict(list)
    for c in done:
        groups[getattr(c, key)].append(c)
    rows = []
    for name, cs in groups.items():
        rec = [c for c in cs if c.recalled]
        rows.append((name, len(cs), len(rec) / len(cs), sum(c.attributed for c in rec) / len(rec) if rec else 0.0,
                     sum(c.extra for c in cs)))
    return rows


def main(argv: list[str]) -> int:
    done = run()
    for key in ("family", "kind", "qform", "frame"):
        print(f"\n| {key} | cells | recall | speaker right | extra claims |\n|---|---|---|---|---|")
        for name, n, rec, att, extra in table(done, key):
            print(f"| {name} | {n} | {rec:.3f} | {att:.3f} | {extra} |")
    total = len(done)
    print(f"\nall: {total} cells, recall {sum(c.recalled for c in done) / total:.3f}")
    if "-v" in argv:
        for c in done:
            if not c.recalled or not c.attributed or c.extra:
                print(f"{c.family}/{c.kind}/{c.qform}/{c.frame}: {c.text!r}\n   want {c.expected}\n   got  {c.got}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
