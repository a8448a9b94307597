"""Refuse inputs that are not a readable English text, early and with a one-line reason.

Every check is cheap (no dependency, bounded samples) because it runs on every document,
including those handed to the Python API; the extraction core calls `validate_text` too.
"""

from __future__ import annotations

import os
import re
from typing import BinaryIO

from claimledger.errors import InputError

DEFAULT_MAX_BYTES = 20_000_000

# Function words that are frequent in any English prose and rare as words in other Latin-script
# languages (so no "a", "in", "an", "on", "so", "die", "also"...). English news prose has 25-45 %
# of its word tokens in this set; French, German, Spanish, Italian, Polish stay under 2 %.
ENGLISH_FUNCTION_WORDS = frozenset("""
the of and to is was were are be been being that this these those for with by from at as it its
which who whom whose their they them he she his her him we our us you your will would shall
should could can has have had not but or if than then there when where after before about into
over under against between during said says also more most other such only any each all
""".split())

MIN_WORDS_FOR_LANGUAGE = 30      # shorter texts (headlines) skip the function-word test
MIN_ENGLISH_SHARE = 0.05         # below this share of function words → not English
MIN_LETTERS_FOR_SCRIPT = 12      # below this many letters no script test either
_SAMPLE_CHARS = 20_000           # the control-character test looks at a prefix only
_LANGUAGE_SAMPLE_CHARS = 5_000   # and the language test at a shorter one (hundreds of words)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_NOT_ASCII_LETTER = bytes(b for b in range(128) if not chr(b).isalpha())
_LETTERS = re.compile(r"[^\W\d_]+")
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u1e00-\u1eff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def human_size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def too_large(size: int, max_bytes: int) -> str:
    return f"too large ({human_size(size)}; the limit is {human_size(max_bytes)} per document)"


def check_file_size(source: str, path: str | os.PathLike[str], max_bytes: int) -> int:
    """Refuse an over-size file from its size on disk, before reading a byte of it."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise InputError(source, too_large(size, max_bytes))
    return size


def read_limited(source: str, stream: BinaryIO, max_bytes: int) -> bytes:
    """Read a stream (stdin, a pipe) but never more than `max_bytes` + 1 bytes into memory."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(source, f"too large (more than {human_size(max_bytes)}; the limit per document)")
    return data


def _utf8_len_exceeds(text: str, max_bytes: int) -> int | None:
    """The UTF-8 size of `text` if it is above `max_bytes`, else None; cheap in the common cases."""
    if len(text) > max_bytes:          # every character takes at least one byte
        return len(text.encode("utf-8", "surrogatepass")) if len(text) < 4 * max_bytes else len(text)
    if len(text) * 4 <= max_bytes:     # no character takes more than four
        return None
    n = len(text.encode("utf-8", "surrogatepass"))
    return n if n > max_bytes else None


def script_of_letters(sample: str) -> tuple[int, int]:
    """(letters, Latin letters) in `sample`; on the all-but-ASCII fast path other non-ASCII
    characters count as Latin letters, which only matters for the majority test."""
    ascii_bytes = sample.encode("ascii", "ignore")
    non_ascii = len(sample) - len(ascii_bytes)
    ascii_letters = len(ascii_bytes.translate(None, _NOT_ASCII_LETTER))
    if non_ascii <= ascii_letters:  # fast path: non-Latin letters cannot be the majority
        return ascii_letters + non_ascii, ascii_letters + non_ascii
    letters = sum(map(len, _LETTERS.findall(sample)))
    return letters, letters - sum(map(len, _NON_LATIN.findall(sample)))


def english_share(sample: str) -> tuple[float, int]:
    """(share of English function words among word tokens, number of word tokens)."""
    words = _WORD.findall(sample)
    if not words:
        return 0.0, 0
    hits = sum(1 for w in words if w.lower() in ENGLISH_FUNCTION_WORDS)
    return hits / len(words), len(words)


def language_problem(text: str) -> str | None:
    """Why `text` does not look English, or None. Short texts only get the script test."""
    sample = text[:_LANGUAGE_SAMPLE_CHARS]
    letters, latin = script_of_letters(sample)
    if letters >= MIN_LETTERS_FOR_SCRIPT and latin / letters < 0.5:
        return f"not English (mostly non-Latin script: {100 * (letters - latin) // letters}% of letters)"
    share, n = english_share(sample)
    if n >= MIN_WORDS_FOR_LANGUAGE and share < MIN_ENGLISH_SHARE:
        return (f"not English (only {100 * share:.1f}% common English words among the first {n} words; "
                f"English prose has over {100 * MIN_ENGLISH_SHARE:.0f}%)")
    return None


def validate_text(source: str, text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise `InputError(source, reason)` if `text` cannot be a document worth extracting from:
    empty, binary, over `max_bytes` (UTF-8), or not English."""
    if not isinstance(text, str):
        raise InputError(source, f"text is not a string but {type(text).__name__}")
    size = _utf8_len_exceeds(text, max_bytes)
    if size is not None:
        raise InputError(source, too_large(size, max_bytes))
    if not text.strip():
        raise InputError(source, "empty text" if not text else "empty text (whitespace only)")
    if "\x00" in text:
        raise InputError(source, "binary data (contains NUL bytes)")
    sample = text[:_SAMPLE_CHARS]
    controls = len(_CONTROL.findall(sample))
    if controls and controls / len(sample) > 0.01:
        raise InputError(source, f"binary data ({100 * controls / len(sample):.0f}% control characters)")
    if not _LETTERS.search(sample):
        raise InputError(source, "no words (the text has no letters)")
    problem = language_problem(text)
    if problem:
        raise InputError(source, problem)
