"""Ukrainian analysis: spaCy's `uk` tokenizer, pymorphy3's Ukrainian dictionary for lemmas, POS
and features, razdel for sentences, and places from the gazetteer as entities.

No Ukrainian parser or NER model that ships its weights is installable here (spaCy's uk models
and stanza/UDPipe download theirs; natasha's Russian NER tags most Ukrainian town names as
people), so Ukrainian `Doc`s have no dependency arcs: constructions on them are token patterns
(spaCy `Matcher`), which the same engine runs. Entities are the places the Russian/Ukrainian
gazetteer knows (label GPE, or LOC for fronts and regions), matched on lemmas, so "у Покровську"
and "Херсонщини" are found in any case.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, MorphAnalysis, Span
from spacy.util import filter_spans

from claimledger.nlp.morphology import ClosedClass, rank_ukrainian, ud_morph, ud_pos

__all__ = ["make_ukrainian", "annotate_morphology", "set_sentences", "set_place_entities"]

_NUMBER = re.compile(r"[+\-−]?\d[\d.,]*%?")


def annotate_morphology(doc: Doc) -> Doc:
    """lemma_, pos_ and morph of every token from pymorphy3's Ukrainian dictionary, the analyses
    ordered by context (`morphology.rank_ukrainian`)."""
    words = [t.text for t in doc]
    for token, parse in zip(doc, rank_ukrainian(words), strict=True):
        text = token.text
        if token.is_space:
            token.pos_ = "SPACE"
            token.lemma_ = text
        elif isinstance(parse, ClosedClass):
            token.lemma_ = parse.normal_form
            token.pos_ = parse.pos
        elif parse is None:
            token.lemma_ = text.lower()
            token.pos_ = "NUM" if _NUMBER.fullmatch(text) else ("SYM" if text in "+%№$€#" else "PUNCT")
        else:
            token.lemma_ = parse.normal_form
            token.pos_ = ud_pos(parse, text)
            token.morph = MorphAnalysis(doc.vocab, ud_morph(parse))
    return doc


def set_sentences(doc: Doc, lang: str = "uk") -> Doc:
    """Sentence starts from razdel's splitter (whitespace between sentences stays with the first)."""
    from claimledger.nlp.sentences import split_sentences

    starts = {start for start, _ in split_sentences(doc.text, lang)}
    for i, token in enumerate(doc):
        token.is_sent_start = i == 0 or (token.idx in starts and not token.is_space)
    return doc


def set_place_entities(doc: Doc, lang: str = "uk") -> Doc:
    """Places the gazetteer knows, matched on lemmas, as `doc.ents` (GPE; LOC for regions)."""
    from claimledger.normalize.places_ru_uk import find_place_spans

    ents = [Span(doc, start, end, label="LOC" if precision == "region" else "GPE")
            for start, end, precision in find_place_spans([t.text for t in doc], lang)]
    doc.ents = list(filter_spans(ents))
    return doc


@Language.component("claimledger_uk_morphology")
def _morphology_component(doc: Doc) -> Doc:
    return annotate_morphology(doc)


@Language.component("claimledger_uk_sentences")
def _sentences_component(doc: Doc) -> Doc:
    return set_sentences(doc, "uk")


@Language.component("claimledger_uk_places")
def _places_component(doc: Doc) -> Doc:
    return set_place_entities(doc, "uk")


def make_ukrainian(*, places: bool = True) -> Any:
    """A spaCy `Language` ("uk"): the uk tokenizer, then sentences, morphology and (with `places`)
    gazetteer entities. `nlp(text)` and `nlp.pipe(texts)` give annotated Docs without a parse."""
    import spacy

    nlp = spacy.blank("uk")
    nlp.add_pipe("claimledger_uk_sentences")
    nlp.add_pipe("claimledger_uk_morphology")
    if places:
        nlp.add_pipe("claimledger_uk_places")
    return nlp
