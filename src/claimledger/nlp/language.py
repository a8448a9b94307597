"""Language identification of documents: English, Russian and Ukrainian are read; any other
language is named so that the refusal says which one it is.

`lingua-language-detector` ships its models in the wheel (nothing is downloaded). It is asked
only about the languages of the text's main script (`data/language.json`: Latin, Cyrillic or
other), and two letter rules settle what its n-gram models confuse on short texts:

* a Cyrillic candidate with letters of its own (Kazakh, Belarusian, Serbian…) is taken only if
  the text has them: a Ukrainian headline shares "і" with Kazakh and nothing else;
* Russian has ы/э/ъ/ё and Ukrainian і/ї/є/ґ: when only one side's letters occur, they decide.

A Latin-script text is English when the model says so or when English function words make up
a real share of its words (headlines full of foreign place names fool n-gram models).

This module imports nothing else of claimledger: `sources.validate` (the refusal) and the core
(which stores `Document.language`) both call it. Results are cached per text sample, because one
document is checked by the reader, the extractor's check and the core in turn.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = [
    "LanguageGuess", "SUPPORTED", "identify_language", "detect_language", "is_supported",
    "normalize_language_code", "language_name", "unsupported_language_reason", "document_language",
]

SAMPLE_CHARS = 2_000  # a few hundred words tell any of these languages apart; long texts cost no more
MIN_WORDS_LONG = 30  # a Latin-script text this long without English function words is not English

_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile(r"[\u0400-\u052f\u1c80-\u1c8f\ua640-\ua69f]")
_LATIN = re.compile(r"[A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u1e00-\u1eff]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("claimledger.nlp").joinpath("data/language.json").read_text(encoding="utf-8"))
    return data


SUPPORTED: tuple[str, ...] = tuple(_config()["supported"])


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """What a text is written in: ISO 639-1 `code` (None when it has no letters or no candidate
    fits), the language's English `name`, the model's `confidence` (1.0 when a rule decided) and
    the main `script` ("latin", "cyrillic", "other" or "none")."""

    code: str | None
    name: str
    confidence: float
    script: str

    @property
    def supported(self) -> bool:
        return self.code in SUPPORTED


_lock = threading.Lock()
_detectors: dict[str, Any] = {}


def _detector(name: str) -> Any:
    """A lingua detector, built once per process: one per script over that script's candidates in
    low-accuracy mode (trigram models: ~30 MB and 0.2 s instead of ~300 MB and 3 s), and "ru_uk",
    the two supported Cyrillic languages in high-accuracy mode, asked only when letters do not decide."""
    det = _detectors.get(name)
    if det is None:
        with _lock:
            det = _detectors.get(name)
            if det is None:
                from lingua import IsoCode639_1, LanguageDetectorBuilder

                codes = ["ru", "uk"] if name == "ru_uk" else _config()["candidates"][name]
                builder = LanguageDetectorBuilder.from_iso_codes_639_1(*[getattr(IsoCode639_1, c.upper()) for c in codes])
                det = (builder if name == "ru_uk" else builder.with_low_accuracy_mode()).build()
                _detectors[name] = det
    return det


def language_name(code: str | None) -> str:
    """English name of an ISO 639-1 code ("uk" → "Ukrainian"); the code itself if lingua lacks it."""
    if not code:
        return "unknown"
    try:
        from lingua import IsoCode639_1, Language

        return str(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())).name.title())
    except (AttributeError, ValueError):
        return code


def normalize_language_code(value: str | None) -> str | None:
    """A declared language as an ISO 639-1 code: "ru-RU" → "ru", "Ukrainian" → "uk", "UK" → "uk";
    None for an empty or unknown value."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip().replace("_", "-").split("-")[0].lower()
    if len(v) == 2 and v.isalpha():
        return v
    try:
        from lingua import Language

        lang = Language.from_str(v)
        return str(lang.iso_code_639_1.name.lower())
    except (AttributeError, ValueError):
        return None


def is_supported(code: str | None) -> bool:
    return code in SUPPORTED


def _script(sample: str) -> tuple[str, int]:
    letters = len(_LETTER.findall(sample))
    if not letters:
        return "none", 0
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    other = letters - cyrillic - latin
    if cyrillic >= latin and cyrillic >= other:
        return "cyrillic", letters
    return ("latin" if latin >= other else "other"), letters


def _has_any(sample: str, letters: str) -> bool:
    return any(ch in sample for ch in letters)


def _english_evidence(sample: str) -> bool:
    """Enough English function words among the words of a Latin-script text to call it English."""
    words = _WORD.findall(sample)
    if not words:
        return False
    table = _function_words()
    hits = sum(1 for w in words if w.lower() in table)
    return hits >= 1 and hits / len(words) >= float(_config()["min_english_share"])


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return frozenset(str(_config()["english_function_words"]).split())


@lru_cache(maxsize=1)
def _required_patterns() -> dict[str, re.Pattern[str]]:
    return {code: re.compile(rx, re.DOTALL) for code, rx in _config()["required_patterns"].items()}


def _cyrillic(sample: str) -> LanguageGuess:
    cfg = _config()
    required = _required_patterns()
    exclusive: dict[str, str] = cfg["exclusive_letters"]
    values = _detector("cyrillic").compute_language_confidence_values(sample)
    for cv in values:
        code = cv.language.iso_code_639_1.name.lower()
        if code in required and not required[code].search(sample):
            continue
        if code in ("ru", "uk"):
            ru, uk = _has_any(sample, exclusive["ru"]), _has_any(sample, exclusive["uk"])
            if ru != uk:
                code = "ru" if ru else "uk"
                return LanguageGuess(code, language_name(code), 1.0, "cyrillic")
            best = _detector("ru_uk").compute_language_confidence_values(sample)[0]
            code = best.language.iso_code_639_1.name.lower()
            return LanguageGuess(code, language_name(code), float(best.value), "cyrillic")
        return LanguageGuess(code, language_name(code), float(cv.value), "cyrillic")
    code = "uk" if _has_any(sample, exclusive["uk"]) else "ru"
    return LanguageGuess(code, language_name(code), 1.0, "cyrillic")


def _function_word_hits(sample: str) -> dict[str, int]:
    """Per language, how many lower-case words of `sample` are among its function words."""
    hits: dict[str, int] = {}
    for word in _WORD.findall(sample):
        if word.islower():
            for code in _foreign_function_words().get(word, ()):
                hits[code] = hits.get(code, 0) + 1
    return hits


@lru_cache(maxsize=1)
def _foreign_function_words() -> dict[str, tuple[str, ...]]:
    """word → the languages whose function word it is (data: `function_words`)."""
    table: dict[str, list[str]] = {}
    for code, words in _config()["function_words"].items():
        for w in str(words).split():
            table.setdefault(w, []).append(code)
    return {w: tuple(codes) for w, codes in table.items()}


def _latin(sample: str) -> LanguageGuess:
    """English unless the text is plainly another Latin-script language.

    English function words decide at once. Otherwise the (low-accuracy) model names a language,
    which is taken only with evidence: one of its function words in the text, two function words
    of some other language, or thirty words without English ones. Headlines full of names
    ("Cortázar", "Kharkiv") fool n-gram models into Spanish or Danish but have no such words.
    """
    if _english_evidence(sample):
        return LanguageGuess("en", "English", 1.0, "latin")
    values = _detector("latin").compute_language_confidence_values(sample)
    if not values or values[0].language.iso_code_639_1.name.lower() == "en":
        return LanguageGuess("en", "English", float(values[0].value) if values else 1.0, "latin")
    code = values[0].language.iso_code_639_1.name.lower()
    hits = _function_word_hits(sample)
    if hits.get(code, 0) >= 1:
        return LanguageGuess(code, language_name(code), float(values[0].value), "latin")
    best = max(hits, key=lambda c: hits[c], default=None)
    if best is not None and hits[best] >= 2:
        return LanguageGuess(best, language_name(best), 1.0, "latin")
    if len(_WORD.findall(sample)) >= MIN_WORDS_LONG:
        return LanguageGuess(code, language_name(code), float(values[0].value), "latin")
    return LanguageGuess("en", "English", 1.0, "latin")


def _other(sample: str) -> LanguageGuess:
    found = _detector("other").detect_language_of(sample)
    if found is None:
        return LanguageGuess(None, "unknown", 0.0, "other")
    code = found.iso_code_639_1.name.lower()
    return LanguageGuess(code, language_name(code), 1.0, "other")


@lru_cache(maxsize=2048)
def _identify_sample(sample: str) -> LanguageGuess:
    script, _ = _script(sample)
    if script == "none":
        return LanguageGuess(None, "unknown", 0.0, "none")
    if script == "cyrillic":
        return _cyrillic(sample)
    if script == "latin":
        return _latin(sample)
    return _other(sample)


def identify_language(text: str) -> LanguageGuess:
    """The language `text` is written in (its first `SAMPLE_CHARS` characters), with the evidence."""
    return _identify_sample(text[:SAMPLE_CHARS])


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language of `text` ("en", "ru", "uk", "fr"…), None without letters."""
    return identify_language(text).code


def unsupported_language_reason(text: str) -> str | None:
    """Why `text` is in a language claimledger does not read, or None if it reads it (or cannot
    tell: a text without letters is refused elsewhere, for having none)."""
    guess = identify_language(text)
    if guess.supported or guess.script == "none":
        return None
    read = ", ".join(language_name(c) for c in SUPPORTED[:-1]) + f" and {language_name(SUPPORTED[-1])}"
    what = guess.name if guess.code else "unrecognised language in a non-Latin, non-Cyrillic script"
    return f"unsupported language ({what}; claimledger reads {read})"


def document_language(declared: str | None, text: str) -> str | None:
    """The language to store on a Document: a declared supported language (input field, page
    metadata) is kept; otherwise the detected one."""
    code = normalize_language_code(declared)
    if code in SUPPORTED:
        return code
    return detect_language(text)
