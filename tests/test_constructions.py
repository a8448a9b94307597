"""Constructions as validated data: every construction's own examples run, every construction shows what it
must not match, word lists live once in the lexicon, and syntax rules are tested on hand-built parses (so a
parser's mistake cannot make a rule look right or wrong)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from spacy.tokens import Doc

import claimledger
from claimledger.extraction.constructions import Construction, Role
from claimledger.extraction.engine import Engine
from claimledger.extraction.lexicon import get_lexicon
from claimledger.extraction.linking import Linker
from claimledger.extraction.pipeline import get_extractor

DATA = Path(claimledger.__file__).parent / "extraction" / "data"


def _engine() -> Engine:
    engine: Engine = get_extractor().english.documents.engine
    return engine


def _constructions() -> list[Construction]:
    return list(_engine().constructions)


def _ids(cs: list[Construction]) -> list[str]:
    return [c.name for c in cs]


def _tuples(text: str, published: str) -> list[tuple[Any, ...]]:
    return [(c.kind, c.victim.party, c.quantity.low, c.quantity.high, c.quantity.qualifier)
            for c in claimledger.extract(text, published=published)]


# -- every construction's examples -------------------------------------------------------------------------
@pytest.mark.parametrize("construction", _constructions(), ids=_ids(_constructions()))
def test_positive_examples(construction: Construction) -> None:
    for ex in construction.positive:
        got = claimledger.extract(ex.text, published=ex.published)
        tuples = [(c.kind, c.victim.party, c.quantity.low, c.quantity.high, c.quantity.qualifier) for c in got]
        for want in ex.claims:
            assert tuple(want) in tuples, f"{construction.name}: {ex.text!r} gave {tuples}"
        if construction.role is Role.claim:
            via = {name for c in got for name in (c.via or "").split("+")}
            assert construction.name in via, f"{construction.name} did not fire on {ex.text!r} (via {via})"


@pytest.mark.parametrize("construction", _constructions(), ids=_ids(_constructions()))
def test_negative_examples(construction: Construction) -> None:
    for ex in construction.negative:
        got = _tuples(ex.text, ex.published)
        if ex.absent:
            assert got and not set(ex.absent) & set(got), f"{construction.name}: {ex.text!r} gave {got}"
        else:
            assert got == [], f"{construction.name}: {ex.text!r} is not a claim"


@pytest.mark.parametrize("construction", _constructions(), ids=_ids(_constructions()))
def test_every_construction_shows_both_sides(construction: Construction) -> None:
    """A construction with no negative example has never been asked what it must not match."""
    assert construction.positive, f"{construction.name} has no positive example"
    assert construction.negative, f"{construction.name} has no negative example"
    assert construction.doc, f"{construction.name} has no doc"


def test_construction_names_are_unique() -> None:
    names = Counter(_ids(_constructions()))
    assert [n for n, k in names.items() if k > 1] == []


# -- one concept, one list ----------------------------------------------------------------------------------
WORD_ATTRS = ("LOWER", "LEMMA", "ORTH", "TEXT", "NORM")


def _inline_lists(node: Any) -> list[tuple[str, ...]]:
    """Inline word lists of token attributes (not lists of tags or dependency labels)."""
    out: list[tuple[str, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in WORD_ATTRS and isinstance(value, dict):
                out.extend(tuple(sorted(v)) for op, v in value.items() if op in ("IN", "NOT_IN")
                           and isinstance(v, list))
            else:
                out.extend(_inline_lists(value))
    elif isinstance(node, list):
        for value in node:
            out.extend(_inline_lists(value))
    return out


def test_no_word_list_is_spelled_twice() -> None:
    """A list of three or more words used by two constructions is a concept: it belongs in the lexicon."""
    seen: Counter[tuple[str, ...]] = Counter()
    for path in sorted((DATA / "en" / "constructions").glob("*.json")):
        for spec in json.loads(path.read_text(encoding="utf-8"))["constructions"]:
            for words in set(_inline_lists(spec["patterns"])):
                if len(words) >= 3 and not all(len(w) == 1 for w in words):
                    seen[words] += 1
    assert [w for w, n in seen.items() if n > 1] == []


def test_lexicon_lists_document_themselves_and_hold_no_repeats() -> None:
    raw = json.loads((DATA / "en" / "lexicon.json").read_text(encoding="utf-8"))
    for name, value in raw.items():
        if name.startswith("_") or not isinstance(value, dict) or "forms" not in value:
            continue
        assert value.get("_doc"), f"lexicon concept {name} has no _doc"
        forms = [f.lower() for f in value["forms"]]
        assert len(forms) == len(set(forms)), f"{name} repeats {[f for f, n in Counter(forms).items() if n > 1]}"


def test_lexicon_lists_the_inline_lists_do_not_shadow() -> None:
    """An inline list equal to a lexicon concept of three or more words must name the concept instead (two
    prepositions may coincide by chance: 'of'/'for' continue a name and also introduce an owner)."""
    lex = get_lexicon("en")
    concepts = {tuple(sorted(getattr(lex, f))): f for f in lex.__dataclass_fields__
                if isinstance(getattr(lex, f, None), frozenset) and len(getattr(lex, f)) >= 3}
    for path in sorted((DATA / "en" / "constructions").glob("*.json")):
        for spec in json.loads(path.read_text(encoding="utf-8"))["constructions"]:
            for words in _inline_lists(spec["patterns"]):
                assert words not in concepts, f"{spec['name']} spells out @{concepts[words]}"


# -- syntax rules on hand-built parses ---------------------------------------------------------------------
def _doc(rows: list[tuple[str, str, str, str, int, str]]) -> Doc:
    """A parsed Doc from (word, lemma, pos, tag, head index, dep) rows; the parser never runs."""
    nlp = get_extractor().english.nlp
    words, lemmas, pos, tags, heads, deps = (list(col) for col in zip(*rows, strict=True))
    return Doc(nlp.vocab, words=words, lemmas=lemmas, pos=pos, tags=tags, heads=heads, deps=deps)


def _claims(doc: Doc) -> list[tuple[str, str, str]]:
    """(kind, victim words with their count, construction) of each candidate the engine and the linker find."""
    engine = _engine()
    frames, mentions = engine.analyse(doc)
    cands = Linker(engine.lex).link(doc, frames, mentions)
    return sorted((c.kind, f"{c.mention.quantity.text} {c.mention.text}".strip(), c.frame.construction.name)
                  for c in cands)


# "Gunners destroyed 4 howitzers." — an active verb and its object.
ACTIVE = [("Gunners", "gunner", "NOUN", "NNS", 1, "nsubj"), ("destroyed", "destroy", "VERB", "VBD", 1, "ROOT"),
          ("4", "4", "NUM", "CD", 3, "nummod"), ("howitzers", "howitzer", "NOUN", "NNS", 1, "dobj"),
          (".", ".", "PUNCT", ".", 1, "punct")]

# "9 soldiers were captured." — a passive subject.
PASSIVE = [("9", "9", "NUM", "CD", 1, "nummod"), ("soldiers", "soldier", "NOUN", "NNS", 3, "nsubjpass"),
           ("were", "be", "AUX", "VBD", 3, "auxpass"), ("captured", "capture", "VERB", "VBN", 3, "ROOT"),
           (".", ".", "PUNCT", ".", 3, "punct")]

# "The raid left 6 guards wounded." — an object and its predicative complement.
LEFT = [("The", "the", "DET", "DT", 1, "det"), ("raid", "raid", "NOUN", "NN", 2, "nsubj"),
        ("left", "leave", "VERB", "VBD", 2, "ROOT"), ("6", "6", "NUM", "CD", 4, "nummod"),
        ("guards", "guard", "NOUN", "NNS", 5, "nsubj"), ("wounded", "wound", "VERB", "VBN", 2, "ccomp"),
        (".", ".", "PUNCT", ".", 2, "punct")]

# "Rebels could kill 3 medics." — a modal makes it a possibility.
MODAL = [("Rebels", "rebel", "NOUN", "NNS", 2, "nsubj"), ("could", "could", "AUX", "MD", 2, "aux"),
         ("kill", "kill", "VERB", "VB", 2, "ROOT"), ("3", "3", "NUM", "CD", 4, "nummod"),
         ("medics", "medic", "NOUN", "NNS", 2, "dobj"), (".", ".", "PUNCT", ".", 2, "punct")]

# "Rebels may have killed 3 medics." — a modal perfect is the speaker's estimate of the past.
MODAL_PERFECT = [("Rebels", "rebel", "NOUN", "NNS", 3, "nsubj"), ("may", "may", "AUX", "MD", 3, "aux"),
                 ("have", "have", "AUX", "VB", 3, "aux"), ("killed", "kill", "VERB", "VBN", 3, "ROOT"),
                 ("3", "3", "NUM", "CD", 5, "nummod"), ("medics", "medic", "NOUN", "NNS", 3, "dobj"),
                 (".", ".", "PUNCT", ".", 3, "punct")]

# "11 destroyed trucks" — a counted participle before its noun.
PREMODIFIER = [("11", "11", "NUM", "CD", 2, "nummod"), ("destroyed", "destroy", "VERB", "VBN", 2, "amod"),
               ("trucks", "truck", "NOUN", "NNS", 2, "ROOT")]


def test_active_object_on_a_hand_built_parse() -> None:
    assert ("equipment_destroyed", "4 howitzers", "active_object") in _claims(_doc(ACTIVE))


def test_the_doer_of_an_active_verb_is_no_victim() -> None:
    assert all(text != "Gunners" for _, text, _ in _claims(_doc(ACTIVE)))


def test_passive_subject_on_a_hand_built_parse() -> None:
    assert ("captured", "9 soldiers", "passive_subject") in _claims(_doc(PASSIVE))


def test_object_complement_on_a_hand_built_parse() -> None:
    kinds = [kind for kind, text, _ in _claims(_doc(LEFT)) if text == "6 guards"]
    assert kinds == ["wounded"]


def test_participle_before_a_counted_noun() -> None:
    assert [k for k, t, _ in _claims(_doc(PREMODIFIER))] == ["equipment_destroyed"]


def test_a_modal_gate_drops_the_claim_on_a_hand_built_parse() -> None:
    doc = _doc(MODAL)
    engine = _engine()
    frames, _ = engine.analyse(doc)
    assert frames, "the claim construction matches before the gate applies"
    assert all(any(effect.name == "drop" for effect, _ in f.gates) for f in frames)


def test_a_modal_perfect_is_an_estimate_on_a_hand_built_parse() -> None:
    doc = _doc(MODAL_PERFECT)
    engine = _engine()
    frames, mentions = engine.analyse(doc)
    cands = [c for c in Linker(engine.lex).link(doc, frames, mentions) if c.mention.text == "medics"]
    assert [(c.kind, c.stance) for c in cands] == [("killed", "estimated")]


def test_the_same_words_with_another_parse_change_the_reading() -> None:
    """The rules read the parse, not the word order: make the count the subject and the verb intransitive,
    and the soldiers are no longer the object of an active verb."""
    rows = list(PASSIVE)
    rows[2] = ("were", "be", "AUX", "VBD", 3, "aux")
    rows[1] = ("soldiers", "soldier", "NOUN", "NNS", 3, "nsubj")
    got = _claims(_doc(rows))
    assert all(name != "active_object" for _, _, name in got)


# -- English words are data --------------------------------------------------------------------------------
def _literal_words() -> dict[str, set[str]]:
    """Words (3+ letters) in the extraction code's string literals, docstrings aside: word → files."""
    import ast
    import re

    words: dict[str, set[str]] = {}
    for path in sorted((DATA.parent).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                for word in re.findall(r"[A-Za-z]{3,}", node.value):
                    words.setdefault(word.lower(), set()).add(path.name)
    return words


def _vocabulary() -> set[str]:
    """Every word form the English lexicon lists."""
    out: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            out.update(w.lower() for w in node.split())
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, dict):
            for k, v in node.items():
                if k != "_doc":
                    walk(v)
    walk(json.loads((DATA / "en" / "lexicon.json").read_text(encoding="utf-8")))
    return out


def _contract_and_parser_words() -> set[str]:
    """The contract's enum values, the parser's labels and the Matcher's pattern keys: code names them, they are
    not vocabulary."""
    from spacy import schemas
    from spacy.glossary import GLOSSARY

    from claimledger import model

    words: set[str] = set()
    for values in (model.KINDS, model.VICTIM_TYPES, model.ITEMS, model.QUALIFIERS, model.STANCES, model.MEANS,
                   model.PRECISIONS, model.TIME_PRECISIONS):
        words.update(w for v in values for w in v.lower().split("_"))
    words.update(w for label in GLOSSARY for w in label.lower().split("_"))
    for schema in (schemas.TokenPattern, schemas.TokenPatternString):  # the Matcher's pattern keys
        words.update(w for name in schema.model_fields for w in name.lower().split("_"))
    return words


#: Words of the lexicon that may appear in code all the same: names of lexicon keys, of the parties' data
#: fields, of token attributes and of the Python API the engine reads.
KEY_WORDS = frozenset({"people", "forms", "state", "head", "bare", "right", "side", "data", "claims", "not",
                       "lower", "confidence", "agent", "admin", "obj"})

#: The most distinct words the extraction code may hold in string literals (docstrings aside); they are
#: keys, labels and file names. Lower it when a change removes some; never raise it to land vocabulary.
LITERAL_CEILING = 41


def test_no_lexicon_word_is_spelled_in_the_engine() -> None:
    vocabulary = _vocabulary() - _contract_and_parser_words() - KEY_WORDS
    leaked = {w: sorted(files) for w, files in _literal_words().items() if w in vocabulary}
    assert leaked == {}, f"vocabulary in code (move it to the lexicon): {leaked}"


def test_the_extraction_code_holds_few_words() -> None:
    words = set(_literal_words()) - _contract_and_parser_words()
    assert len(words) <= LITERAL_CEILING, sorted(words)


def test_a_misspelt_setting_is_refused() -> None:
    """`sets` keys and the constructions a gate names are checked when the engine loads, naming the file."""
    from claimledger.errors import ConfigError
    from claimledger.extraction import engine as engine_module

    broken = [c for c in _constructions() if c.name == "habitual_present"][0]
    original = dict(broken.sets)
    try:
        for bad in ({**original, "spare": ["claim_noun_subject"]}, {**original, "spares": ["no_such_construction"]}):
            broken.sets = bad
            with pytest.raises(ConfigError, match="habitual_present"):
                engine_module._check_sets(_constructions())
    finally:
        broken.sets = original
    engine_module._check_sets(_constructions())
