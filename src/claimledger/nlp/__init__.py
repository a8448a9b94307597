"""The language pipelines, each loaded once per process and only when first asked for:

* "en": spaCy's English model with an entity ruler fed from the gazetteer before `ner` (the small
  model tags "Kursk" as PRODUCT and villages as PERSON otherwise);
* "ru": natasha (segmenter, morphology, syntax, NER; `nlp/russian.py`) with pymorphy3 lemmas;
* "uk": spaCy's `uk` tokenizer with pymorphy3's Ukrainian dictionary, razdel sentences and the
  gazetteer's places as entities (`nlp/ukrainian.py`; no parse: no Ukrainian parser ships weights).

Every one is a spaCy `Language`: `get_nlp(lang)(text)` and `get_nlp(lang).pipe(texts)` give `Doc`s
with words, whitespace, `lemma_`, `pos_`, `morph`, sentences and `ents` (and `head`/`dep_` for
English and Russian), so the same Matcher/DependencyMatcher patterns run on any of them.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from claimledger.config import get_settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_nlp: Any = None
_others: dict[str, Any] = {}

#: The name of the gazetteer's entity ruler in every pipeline that has one.
RULER = "entity_ruler"

#: Languages with a pipeline (ISO 639-1).
PIPELINE_LANGUAGES = ("en", "ru", "uk")

FALLBACK_PLACES = ["Ukraine", "Russia", "Kyiv", "Kharkiv", "Donetsk", "Luhansk", "Donbas", "Donbass", "Kursk",
                   "Belgorod", "Zaporizhzhia", "Kherson", "Mykolaiv", "Odesa", "Crimea", "Bakhmut", "Sumy"]


def ruler_patterns() -> list[dict[str, Any]]:
    """Place patterns from the gazetteer (pluggable); a small built-in list when none is available."""
    try:
        from claimledger.normalize.places import get_gazetteer

        pats = list(get_gazetteer().ruler_patterns())
        if pats:
            return pats
    except Exception as e:  # the gazetteer is optional at this layer; extraction still works without it
        log.warning("gazetteer unavailable for the entity ruler: %s", e)
    return [{"label": "GPE", "pattern": p} for p in FALLBACK_PLACES]


def get_nlp(lang: str = "en") -> Any:
    """The spaCy `Language` of `lang` ("en", "ru" or "uk"), built on first use, once per process."""
    if lang == "en":
        return _english()
    if lang not in PIPELINE_LANGUAGES:
        raise ValueError(f"no pipeline for language {lang!r} (have: {', '.join(PIPELINE_LANGUAGES)})")
    nlp = _others.get(lang)
    if nlp is None:
        with _lock:
            nlp = _others.get(lang)
            if nlp is None:
                if lang == "ru":
                    from claimledger.nlp.russian import make_russian

                    nlp = make_russian()
                else:
                    from claimledger.nlp.ukrainian import make_ukrainian

                    nlp = make_ukrainian()
                _others[lang] = nlp
    return nlp


def _english() -> Any:
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import spacy

                name = get_settings().spacy_model
                try:
                    nlp = spacy.load(name)
                except OSError:
                    nlp = spacy.load("en_core_web_sm")
                # only the tokenizer matters for phrase patterns: switch the other pipes off while adding
                # (add_patterns otherwise runs tagger and parser over every place name: ~25 s)
                ruler = nlp.add_pipe(RULER, before="ner", config={"phrase_matcher_attr": "LOWER",
                                                                           "overwrite_ents": True})
                with nlp.select_pipes(enable=[RULER]):
                    ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
                _nlp = nlp
    return _nlp
