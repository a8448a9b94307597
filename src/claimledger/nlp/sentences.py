"""A fast sentence splitter with character offsets, so that only sentences that can hold a claim are
handed to the parser (the throughput rule: do only the work a sentence needs)."""

from __future__ import annotations

import re
from collections.abc import Iterator

ABBREV = {"mr", "mrs", "ms", "dr", "gen", "maj", "lt", "col", "sgt", "capt", "cpt", "st", "no", "vs", "etc",
          "u.s", "u.k", "jr", "sr", "prof", "gov", "sen", "rep", "adm", "brig", "cmdr", "pvt", "cpl", "approx",
          "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "co", "corp",
          "ed", "e.g", "i.e", "fig", "mt", "ft", "p", "pp", "n", "km"}
_BOUNDARY = re.compile(r"""([.!?…]+["'”’)\]]*)(,?)(\s+)(?=["'“‘(\[]?[A-Z0-9А-ЯЁІЇЄ])|(\.,)(\s+)|\n\s*""")


def split_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of sentences; newlines always break, '., ' (joined paragraphs) breaks too."""
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


def _trim(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end
