"""spaCy, loaded once per process, with an entity ruler fed from the gazetteer before `ner`
(the small model tags "Kursk" as PRODUCT and villages as PERSON otherwise)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from claimledger.config import get_settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_nlp: Any = None

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


def get_nlp() -> Any:
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
                ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER",
                                                                           "overwrite_ents": True})
                with nlp.select_pipes(enable=["entity_ruler"]):
                    ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
                _nlp = nlp
    return _nlp
