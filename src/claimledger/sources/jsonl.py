"""JSON Lines corpora: one document per line, streamed, a bad line costs only itself.

Line shape: ``{"id", "text", "published", "url", "title", "speaker", "source"}`` (only ``text``
is required). Errors name ``file:line``; a missing id becomes ``<filename>:<line>``.
A ``.json`` file holding one such object or an array of them is read the same way (whole file,
so it is size-checked first; use JSON Lines for big corpora).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources.registry import ReadOptions, register_reader
from claimledger.sources.validate import check_file_size, too_large, unicode_problem, validate_text

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".jsonlines"})
_STR_FIELDS = ("published", "url", "title", "speaker", "source", "language")


def document_from_record(rec: Any, where: str, default_id: str, options: ReadOptions) -> Document:
    """A Document from one decoded JSON record; InputError(where, …) if it is not one."""
    if not isinstance(rec, Mapping):
        raise InputError(where, f"not a document object (a JSON {type(rec).__name__})")
    text = rec.get("text")
    if text is None:
        raise InputError(where, "no 'text' field")
    if not isinstance(text, str):
        raise InputError(where, f"'text' is not a string but {type(text).__name__}")
    validate_text(where, text, options.max_bytes)
    fields = string_fields(rec, where)
    doc = Document(
        id=fields["id"] or default_id,
        text=text,
        published=fields["published"] or options.published,
        url=fields["url"],
        title=fields["title"],
        speaker=fields["speaker"] or options.speaker,
        source=options.source or fields["source"],
        language=fields["language"],
    )
    doc.meta["origin"] = where
    extra = {k: v for k, v in rec.items() if k not in ("id", "text", *_STR_FIELDS)}
    if extra:
        doc.meta["extra"] = extra
    return doc


def string_fields(rec: Mapping[str, Any], where: str) -> dict[str, str | None]:
    """The optional string fields of a record, type-checked: a list, an object or a boolean where
    a string belongs is an error naming the field (never stored as its Python repr). An id may be
    a number."""
    out: dict[str, str | None] = {}
    for k in ("id", *_STR_FIELDS):
        v = rec.get(k)
        if v is None or v == "":
            out[k] = None
        elif isinstance(v, str):
            problem = unicode_problem(v)
            if problem:
                raise InputError(where, f"'{k}': {problem}")
            out[k] = v
        elif k == "id" and isinstance(v, int) and not isinstance(v, bool):
            out[k] = str(v)
        else:
            raise InputError(where, f"'{k}' must be a string, not {_json_type(v)}")
    return out


def _json_type(v: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return names.get(type(v), type(v).__name__)


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; None for a line longer than `max_bytes`, whose rest is
    skipped in chunks so memory stays bounded."""
    n = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        n += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # drain the rest of the over-long line
                chunk = stream.readline(1 << 20)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield n, None
            continue
        yield n, line


def read_jsonl_stream(stream: BinaryIO, name: str, options: ReadOptions,
                      first: Iterable[bytes] = ()) -> Iterator[Document | InputError]:
    """Documents of a JSON Lines byte stream; `name` is used in errors and default ids.
    `first` are lines already consumed from the stream (stdin sniffing) to read before it."""
    base = Path(name).name if name != "stdin" else "stdin"
    pre = list(first)

    def numbered() -> Iterator[tuple[int, bytes | None]]:
        for i, pb in enumerate(pre, 1):
            yield i, pb
        for i, sb in _lines(stream, options.max_bytes):
            yield i + len(pre), sb

    seen_any = False
    for lineno, raw in numbered():
        where = f"{name}:{lineno}"
        seen_any = seen_any or raw is None or bool(raw.strip())
        if raw is None:
            yield InputError(where, too_large(options.max_bytes + 1, options.max_bytes) + " (line)")
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as e:
            yield InputError(where, f"invalid UTF-8 at byte {e.start} of the line")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(where, f"not JSON ({e.msg} at column {e.colno})")
            continue
        except RecursionError:
            yield InputError(where, "JSON nested too deeply to read")
            continue
        try:
            yield document_from_record(rec, where, f"{base}:{lineno}", options)
        except InputError as e:
            yield e
    if not seen_any:
        yield InputError(name, "no documents (the file is empty or blank)")


def is_jsonl_path(spec: str) -> bool:
    return Path(spec).suffix.lower() in JSONL_SUFFIXES


@register_reader("jsonl", detect=is_jsonl_path, priority=0)
def read_jsonl(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    with open(spec, "rb") as f:
        yield from read_jsonl_stream(f, spec, options)


def is_json_path(spec: str) -> bool:
    return Path(spec).suffix.lower() == ".json"


@register_reader("json", detect=is_json_path, priority=-10)
def read_json(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    """A .json file: one document object, or an array of them (Telegram exports have their own,
    higher-priority reader)."""
    try:
        check_file_size(spec, spec, options.max_bytes)
    except InputError as e:
        raise InputError(spec, e.reason + "; a big corpus should be JSON Lines (.jsonl), read line by line") from None
    data = load_json_file(spec)
    stem = Path(spec).stem
    if isinstance(data, list):
        for i, rec in enumerate(data, 1):
            try:
                yield document_from_record(rec, f"{spec}[{i}]", f"{stem}:{i}", options)
            except InputError as e:
                yield e
    else:
        yield document_from_record(data, spec, stem, options)


def load_json_file(spec: str) -> Any:
    """A whole .json file, decoded (UTF-8, BOM allowed), or an InputError naming the file and the reason."""
    try:
        return json.loads(Path(spec).read_bytes().decode("utf-8-sig"))
    except RecursionError:
        raise InputError(spec, "JSON nested too deeply to read") from None
    except UnicodeDecodeError as e:
        raise InputError(spec, f"invalid UTF-8 at byte {e.start}") from None
    except json.JSONDecodeError as e:
        raise InputError(spec, f"not JSON ({e.msg} at line {e.lineno} column {e.colno})") from None
