"""Pluggable input readers: every input (file, folder, stdin, URL) becomes `Document`s.

A reader is a function ``(spec, options) -> Iterator[Document | InputError]`` registered with
`register_reader` together with a cheap ``detect(spec)`` predicate and a priority, the way spaCy
registers components: `read_sources` asks every reader whether it wants a spec and hands it to the
highest-priority one that says yes. Readers *yield* an `InputError` for an input (or a line of
it) they cannot read instead of raising, so one bad input never stops a batch.

How readers get registered
--------------------------
1. Built-in modules listed in `_READER_MODULES` (``text``, ``html``, ``jsonl``, ``stdin``,
   ``feeds``, ``telegram``, ``url``) are imported at the bottom of this file; each registers
   itself with ``@register_reader(...)`` at import time. A module in that list that does not
   exist (yet) is skipped silently; one that fails to import for another reason (say a missing
   optional dependency) is skipped with a warning, so the other readers still work.
   To add a built-in reader: create ``sources/<name>.py`` and add ``"<name>"`` to the list.
2. Third-party packages can add readers through the entry-point group ``claimledger.sources``
   (the entry point just names a module to import; the module calls `register_reader`).

Folders are walked here (recursively, sorted, hidden files skipped); each file inside goes to
the reader whose ``detect`` accepts its path. Files no reader wants are skipped in a folder but
are an error when named explicitly.
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from claimledger.errors import InputError
from claimledger.model import Document

__all__ = [
    "ReadOptions", "ReaderFn", "register_reader", "read_sources", "registered_readers",
    "is_url", "InputError", "Document",
]


@dataclass(slots=True)
class ReadOptions:
    """What the caller knows about the inputs that the inputs may not say themselves."""

    published: str | None = None   # default publication date for docs lacking one (CLI --published)
    speaker: str | None = None     # default speaker (CLI --speaker)
    source: str | None = None      # outlet name override
    max_bytes: int = 20_000_000    # per document; larger → InputError


ReaderFn = Callable[[str, ReadOptions], Iterator[Document | InputError]]


@dataclass(slots=True, frozen=True)
class _Reader:
    name: str
    detect: Callable[[str], bool]
    fn: ReaderFn
    priority: int
    order: int


_READERS: dict[str, _Reader] = {}


def register_reader(name: str, *, detect: Callable[[str], bool],
                    priority: int = 0) -> Callable[[ReaderFn], ReaderFn]:
    """Decorator: make `fn` the reader called `name`. Re-registering a name replaces it, so a
    plugin can override a built-in reader by reusing its name (or outrank it by priority)."""

    def deco(fn: ReaderFn) -> ReaderFn:
        old = _READERS.get(name)
        order = old.order if old else len(_READERS)
        _READERS[name] = _Reader(name, detect, fn, priority, order)
        return fn

    return deco


def registered_readers() -> list[str]:
    """Reader names, highest priority first (the order `read_sources` tries them)."""
    return [r.name for r in _ordered()]


def _ordered() -> list[_Reader]:
    return sorted(_READERS.values(), key=lambda r: (-r.priority, r.order))


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def _pick(spec: str) -> _Reader | None:
    for r in _ordered():
        try:
            if r.detect(spec):
                return r
        except Exception:  # a sloppy detect() must not take the whole batch down  # noqa: BLE001
            continue
    return None


def _walk(folder: Path) -> Iterator[Path]:
    """Files under `folder`, sorted, depth-first, hidden files and folders skipped."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for e in entries:
        if e.name.startswith("."):
            continue
        p = Path(e.path)
        if e.is_dir(follow_symlinks=True):
            yield from _walk(p)
        elif e.is_file(follow_symlinks=True):
            yield p


def _run(reader: _Reader, spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    """Call a reader, turning anything it raises into an InputError for that spec."""
    try:
        yield from reader.fn(spec, options)
    except InputError as e:
        yield e
    except OSError as e:
        yield InputError(spec, e.strerror or str(e))
    except Exception as e:  # noqa: BLE001 - a reader bug must cost one input, not the batch
        yield InputError(spec, f"{reader.name} reader failed: {type(e).__name__}: {e}")


def read_sources(specs: Iterable[str], options: ReadOptions | None = None) -> Iterator[Document | InputError]:
    """Documents (or InputErrors) of every spec, in order, streamed.

    A spec is a file path, a folder (recursed, each file dispatched by its name), ``-`` for
    stdin, or a URL; the highest-priority reader whose ``detect(spec)`` is true reads it.
    """
    opts = options or ReadOptions()
    for spec in specs:
        spec = str(spec)
        if spec != "-" and not is_url(spec):
            path = Path(spec)
            if path.is_dir():
                found = False
                for f in _walk(path):
                    reader = _pick(str(f))
                    if reader is not None:
                        found = True
                        yield from _run(reader, str(f), opts)
                if not found:
                    yield InputError(spec, "folder holds no readable files")
                continue
            if not path.exists():
                yield InputError(spec, "no such file or folder")
                continue
        reader = _pick(spec)
        if reader is None:
            yield InputError(spec, "no reader for this kind of input "
                                   f"(readers: {', '.join(registered_readers()) or 'none'})")
            continue
        yield from _run(reader, spec, opts)


# Built-in reader modules, imported for their registration side effect (see module docstring).
_READER_MODULES = ("text", "html", "jsonl", "stdin", "feeds", "telegram", "url")


def _load_readers() -> None:
    for mod in _READER_MODULES:
        full = f"{__name__}.{mod}"
        try:
            importlib.import_module(full)
        except ModuleNotFoundError as e:
            if e.name != full:
                warnings.warn(f"claimledger: reader module {full} not loaded: {e}", stacklevel=2)
        except Exception as e:  # noqa: BLE001
            warnings.warn(f"claimledger: reader module {full} failed to import: {e}", stacklevel=2)
    try:
        from importlib.metadata import entry_points

        for ep in entry_points(group="claimledger.sources"):
            try:
                ep.load()
            except Exception as e:  # noqa: BLE001
                warnings.warn(f"claimledger: reader plugin {ep.name} failed to load: {e}", stacklevel=2)
    except Exception:  # noqa: BLE001 - broken metadata must not break reading files
        pass


_load_readers()
