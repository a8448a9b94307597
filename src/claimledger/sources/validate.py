"""Refuse inputs that are not a readable text, early and with a one-line reason.

Every check is cheap (bounded samples) because it runs on every document, including those handed to the
Python API. Whether the text is in a language claimledger reads is `claimledger.core`'s edge check, which
calls `claimledger.nlp.language` (this layer sits below the language tools).
"""

from __future__ import annotations

import os
import re
from typing import BinaryIO

from claimledger.errors import InputError

DEFAULT_MAX_BYTES = 20_000_000


_SAMPLE_CHARS = 20_000           # the control-character test looks at a prefix only

_LETTERS = re.compile(r"[^\W\d_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Degenerate text: prose has spaces. A text most of whose characters sit in runs of hundreds of
# characters without one (a base64 blob, a line of "aaaa…") is not prose, and a text made of a
# handful of distinct words repeated thousands of times ("killed killed killed …") is not either.
MAX_WORD_RUN = 200
_LONG_RUN = re.compile(r"\S{" + str(MAX_WORD_RUN) + ",}")
MIN_WORDS_FOR_VARIETY = 5_000
MIN_DISTINCT_SHARE = 0.005


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




def unicode_problem(text: str) -> str | None:
    """Why `text` cannot be stored as UTF-8 (a lone surrogate from a JSON "\\ud800" escape), or None."""
    m = _SURROGATE.search(text)
    if m is None:
        return None
    return f"invalid Unicode (a lone surrogate U+{ord(m.group()):04X} at character {m.start()})"


def degenerate_problem(text: str) -> str | None:
    """Why `text` is not prose worth parsing (see MAX_WORD_RUN), or None. Linear and cheap."""
    in_runs = sum(m.end() - m.start() for m in _LONG_RUN.finditer(text))
    if in_runs > 0.5 * len(text.strip()):
        return (f"degenerate text: {100 * in_runs // max(1, len(text))}% of it is in runs of over "
                f"{MAX_WORD_RUN} characters without a space (not prose)")
    words = text.split() if len(text) > 40_000 else ()
    if len(words) >= MIN_WORDS_FOR_VARIETY:
        distinct = len(set(words))
        if distinct < MIN_DISTINCT_SHARE * len(words):
            return f"degenerate text: {len(words):,} words but only {distinct} distinct ones (not prose)"
    return None


def validate_text(source: str, text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise `InputError(source, reason)` if `text` cannot be a document worth extracting from:
    empty, binary, invalid Unicode, over `max_bytes` (UTF-8), or degenerate (the language is checked by `claimledger.core`, where the language tools live)."""
    if not isinstance(text, str):
        raise InputError(source, f"text is not a string but {type(text).__name__}")
    bad_unicode = unicode_problem(text)
    if bad_unicode:
        raise InputError(source, bad_unicode)
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
    problem = degenerate_problem(text)
    if problem:
        raise InputError(source, problem)
