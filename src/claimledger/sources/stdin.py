"""Standard input (`-`): sniffed as JSON Lines, HTML or plain text."""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Iterator
from typing import BinaryIO

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources.html import html_document
from claimledger.sources.jsonl import read_jsonl_stream
from claimledger.sources.registry import ReadOptions, register_reader
from claimledger.sources.text import decode_bytes, text_document
from claimledger.sources.validate import human_size, validate_text

_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--)", re.I)
_counter = itertools.count(1)


def _looks_jsonl(line: bytes) -> bool:
    s = line.strip()
    if not s.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(s.decode("utf-8-sig")), dict)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False


def read_stream(stream: BinaryIO, options: ReadOptions, name: str = "stdin") -> Iterator[Document | InputError]:
    """Documents of a byte stream whose format is not known in advance (errors are yielded)."""
    try:
        yield from _read_stream(stream, options, name)
    except InputError as e:
        yield e


def _read_stream(stream: BinaryIO, options: ReadOptions, name: str) -> Iterator[Document | InputError]:
    n = next(_counter)
    first = stream.readline(options.max_bytes + 1)
    head = [first]
    while first and not first.strip() and len(head) < 1000:  # skip leading blank lines
        first = stream.readline(options.max_bytes + 1)
        head.append(first)
    if first.strip() and first.endswith(b"\n") and _looks_jsonl(first):
        yield from read_jsonl_stream(stream, name, options, first=[h for h in head if h])
        return
    budget = options.max_bytes + 1 - sum(len(h) for h in head)
    rest = stream.read(budget) if budget > 0 else b""
    raw = b"".join(head) + rest
    if len(raw) > options.max_bytes:
        yield InputError(name, f"too large (more than {human_size(options.max_bytes)}; the limit per document)")
        return
    doc_id = f"{name}-{n}"
    if _HTML_START.match(raw[:4096]):
        yield html_document(name, raw, options, doc_id=doc_id)
        return
    text, enc = decode_bytes(name, raw)
    validate_text(name, text, options.max_bytes)
    doc = text_document(doc_id, text, options)
    doc.meta.update(origin=name, encoding=enc)
    yield doc


@register_reader("stdin", detect=lambda spec: spec == "-", priority=100)
def read_stdin(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    yield from read_stream(sys.stdin.buffer, options)
