"""Plain-text files: decode carefully, take a short first line as the title."""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources.registry import ReadOptions, register_reader
from claimledger.sources.validate import check_file_size, validate_text

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".rst"})
MAX_TITLE_CHARS = 200

# Bytes 0x80-0x9F that cp1252 maps to typographic characters (curly quotes, dashes, ellipsis,
# euro, trade mark): their presence in text that is not UTF-8 is what makes cp1252 a confident
# guess rather than a hope. 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252.
_CP1252_TELLS = frozenset(b"\x80\x85\x91\x92\x93\x94\x95\x96\x97\x99")
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _looks_cp1252(raw: bytes) -> bool:
    high = [b for b in raw if b >= 0x80]
    if not high or len(high) > 0.10 * len(raw):
        return False
    if any(b in _CP1252_UNDEFINED for b in high) or not any(b in _CP1252_TELLS for b in high):
        return False
    text = bytes(high).decode("cp1252")
    # Only letters, punctuation, symbols and spaces: no C1 controls or other oddities.
    return all(unicodedata.category(c)[0] in "LPSZ" for c in text)


def utf16_without_bom(raw: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the bytes look like UTF-16 text without a byte-order mark:
    in text of mostly Latin or Cyrillic letters, the high byte of most code units is the same
    small value (0 for ASCII, 4 for Cyrillic), so one byte position is nearly constant while
    the other varies; in binary data neither is."""
    sample = raw[:8192]
    sample = sample[: len(sample) - len(sample) % 2]
    half = len(sample) // 2
    if half < 8:
        return None
    for enc, high, low in (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2])):
        top = max(set(high), key=high.count)
        if top <= 0x04 and high.count(top) > 0.7 * half and low.count(0) < 0.02 * half:
            return enc
    return None


def decode_bytes(source: str, raw: bytes) -> tuple[str, str]:
    """(text, encoding used). UTF-8 unless a BOM says otherwise, the bytes are UTF-16 without a
    BOM, or they are confidently cp1252; anything else is an InputError naming where UTF-8 broke."""
    if raw.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    elif b"\x00" in raw[:65536] and (guess := utf16_without_bom(raw)) is not None:
        try:
            return raw.decode(guess), guess
        except UnicodeDecodeError:
            raise InputError(source, "binary data (contains NUL bytes; not valid UTF-16 either)") from None
    else:
        if b"\x00" in raw[:65536]:
            raise InputError(source, "binary data (contains NUL bytes)")
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as e:
            if _looks_cp1252(raw):
                return raw.decode("cp1252"), "cp1252"
            raise InputError(source, f"invalid UTF-8 at byte {e.start} "
                                     "(not UTF-8 and not confidently UTF-16 or cp1252 either)") from None
    try:
        return raw.decode(enc), enc
    except UnicodeDecodeError as e:
        raise InputError(source, f"invalid {enc} text at byte {e.start} despite its byte-order mark") from None


def guess_title(text: str) -> str | None:
    """The first non-empty line, when it is short and more text follows: a headline."""
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if first and rest.strip() and len(first) <= MAX_TITLE_CHARS:
        return first
    return None


def text_document(doc_id: str, text: str, options: ReadOptions, **extra: str | None) -> Document:
    return Document(
        id=doc_id, text=text, published=options.published, title=guess_title(text),
        speaker=options.speaker, source=options.source, **extra,  # type: ignore[arg-type]
    )


def is_text_path(spec: str) -> bool:
    return Path(spec).suffix.lower() in TEXT_SUFFIXES


@register_reader("text", detect=is_text_path, priority=0)
def read_text(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    """One document per text file; its id is the file name without extension."""
    check_file_size(spec, spec, options.max_bytes)
    raw = Path(spec).read_bytes()
    text, enc = decode_bytes(spec, raw)
    validate_text(spec, text, options.max_bytes)
    doc = text_document(Path(spec).stem, text, options)
    doc.meta.update(origin=spec, encoding=enc)
    yield doc
