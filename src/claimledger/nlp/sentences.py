"""A fast sentence splitter with character offsets, so that only sentences that can hold a claim are
handed to the parser (the throughput rule: do only the work a sentence needs).

Bounded work: no piece is longer than `MAX_SENTENCE_CHARS` (600). A longer run without a sentence
end (a text that is one sentence of a megabyte) is cut into pieces of at most `PIECE_CHARS` (300),
each at its last clause break (`;`, `:`, `,`, a dash) or space, so the parser never sees a text it
would refuse (spaCy's E088) or spend gigabytes on, and long prose is split rather than refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

ABBREV = {"mr", "mrs", "ms", "dr", "gen", "maj", "lt", "col", "sgt", "capt", "cpt", "st", "no", "vs", "etc",
          "u.s", "u.k", "jr", "sr", "prof", "gov", "sen", "rep", "adm", "brig", "cmdr", "pvt", "cpl", "approx",
          "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "co", "corp",
          "ed", "e.g", "i.e", "fig", "mt", "ft", "p", "pp", "n", "km"}
_BOUNDARY = re.compile(r"""([.!?…]+["'”’)\]]*)(,?)(\s+)(?=["'“‘(\[]?[A-Z0-9А-ЯЁІЇЄ])|(\.,)(\s+)|\n\s*""")


def split_sentences(text: str, lang: str = "en") -> Iterator[tuple[int, int]]:
    """Yield (start, end) of sentences; newlines always break, '., ' (joined paragraphs) breaks too.
    Russian and Ukrainian text goes through razdel's rules (abbreviations such as "г.", "т.е.",
    "им.", initials, quotes and dashes), newlines breaking there as well."""
    if lang in ("ru", "uk"):
        yield from _razdel_sentences(text)
        return
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(1):
            end = m.start(1) + len(m.group(1))
            before = text[start:m.start(1)]
            last = re.search(r"([\w.]+)$", before)
            word = last.group(1).lower().rstrip(".") if last else ""
            if m.group(1) == "." and (word in ABBREV or (len(word) == 1 and word.isalpha())):
                continue
        elif m.group(4):
            end = m.start(4) + 1
        else:
            end = m.start()
        yield from _trim(text, start, end)
        start = m.end()
    yield from _trim(text, start, len(text))


# A sentence up to 600 characters stays whole: longer than all but 19 of the 76,000 sentences of the
# statements corpus and the gold files. A longer run is no sentence a writer meant, and is cut into
# pieces of at most 300 characters: the finer the pieces, the fewer of them hold a claim word and reach
# the parser, and the cheaper the per-sentence linking (a one-sentence megabyte of claim-dense prose:
# 39 s with pieces of 2,000 characters, 32 s with 600, 20 s with 300; see bench/long_text.py).
MAX_SENTENCE_CHARS = 600
PIECE_CHARS = 300
_CLAUSE_BREAK = re.compile(r"[;:,\u2013\u2014]\s|\s[-\u2013\u2014]\s")


def _trim(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > MAX_SENTENCE_CHARS:
        yield from _capped(text, start, end)
    elif end > start:
        yield start, end


def _razdel_sentences(text: str) -> Iterator[tuple[int, int]]:
    from razdel import sentenize

    for line in re.finditer(r"[^\n]+", text):
        base = line.start()
        for sent in sentenize(line.group(0)):
            yield from _trim(text, base + sent.start, base + sent.stop)


def _capped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Pieces of at most PIECE_CHARS: cut at the last clause break in the second half of the
    window, else the last space, else hard at the limit."""
    while end - start > PIECE_CHARS:
        lo, hi = start + PIECE_CHARS // 2, start + PIECE_CHARS
        cut = None
        for m in _CLAUSE_BREAK.finditer(text, lo, hi):
            cut = m.start() + 1
        if cut is None:
            space = text.rfind(" ", lo, hi)
            cut = space if space != -1 else hi
        yield from _trim(text, start, cut)
        start = cut
    yield from _trim(text, start, end)
