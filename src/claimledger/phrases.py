"""Regular expressions for long lists of phrases, built as a trie.

A plain alternation of hundreds of names (`a|b|c…`) makes Python's regex engine try every branch at every
position of a text; the same list folded into a trie (`Kh(?:ar(?:kiv|son)|erson)`) tries each prefix once.
Every word table of the project (party names, claim words, places) is matched through here, so the
matching cost grows with the text and not with the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NEVER = r"(?!x)x"
_END = ""


def alternation(phrases: Iterable[str]) -> str:
    """A non-capturing group matching any of `phrases` (a space in a phrase matches any run of
    whitespace); at one position the longest phrase wins, as a longest-first alternation would."""
    trie: dict[str, dict] = {}   # type: ignore[type-arg]
    for phrase in set(phrases):
        if not phrase:
            continue
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return "(?:" + _emit(trie) + ")" if trie else _NEVER


def _emit(node: dict) -> str:   # type: ignore[type-arg]
    branches = [_char(ch) + _emit(child) for ch, child in sorted(node.items()) if ch != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if _END in node else body


def _char(ch: str) -> str:
    return r"\s+" if ch == " " else re.escape(ch)
