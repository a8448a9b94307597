"""Pluggable input readers: every input (file, folder, stdin, URL) becomes `Document`s.

`read_sources(specs)` hands each spec to the reader that wants it (see `sources.registry`: a
`catalogue` registry with a ``detect`` predicate and a priority per reader). Readers *yield* an
`InputError` for an input (or a line of it) they cannot read instead of raising, and anything a
reader raises anyway becomes an `InputError` for that input: one bad input never stops a batch.

Built-in readers (``text``, ``html``, ``jsonl``, ``stdin``, ``feeds``, ``telegram``, ``url``) are
the modules in `_READER_MODULES`, imported at the bottom of this file for their registration;
one that does not exist (yet) is skipped silently, one that fails to import is skipped with a
warning. Third-party packages add readers through the entry-point group ``claimledger.sources``.

Folders are walked here (recursively, sorted, hidden files skipped, each real folder once so a
symbolic-link loop ends); each file inside goes to the reader whose ``detect`` accepts its path.
Files no reader wants are skipped in a folder but are an error when named explicitly. A URL goes
to the URL reader whatever its suffix (``…/article.html`` is a page to fetch, not a file).
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources.registry import (
    Reader,
    ReaderFn,
    ReadOptions,
    is_url,
    pick,
    readers,
    register_reader,
    registered_readers,
)

__all__ = [
    "ReadOptions", "ReaderFn", "register_reader", "read_sources", "registered_readers", "readers",
    "is_url", "InputError", "Document",
]


def _os_reason(e: OSError) -> str:
    return e.strerror or str(e)


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | InputError]:
    """Files under `folder`, sorted, depth-first, hidden files and folders skipped; every real
    folder is read once (a symbolic-link loop is reported, not followed forever)."""
    try:
        st = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as e:
        yield InputError(str(folder), f"cannot read folder ({_os_reason(e)})")
        return
    if (st.st_dev, st.st_ino) in seen:
        yield InputError(str(folder), "symbolic link loop (this folder is already being read)")
        return
    seen.add((st.st_dev, st.st_ino))
    for entry in entries:
        if entry.name.startswith("."):
            continue
        p = Path(entry.path)
        try:
            is_dir, is_file = entry.is_dir(follow_symlinks=True), entry.is_file(follow_symlinks=True)
        except OSError as err:
            yield InputError(str(p), _os_reason(err))
            continue
        if is_dir:
            yield from _walk(p, seen)
        elif is_file:
            yield p
        elif entry.is_symlink():
            try:
                os.stat(p)
            except OSError as err:
                yield InputError(str(p), f"broken symbolic link ({_os_reason(err)})")


def _run(reader: Reader, spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    """Call a reader, turning anything it raises into an InputError for that spec."""
    try:
        yield from reader.fn(spec, options)
    except InputError as e:
        yield e
    except OSError as e:
        yield InputError(spec, _os_reason(e))
    except RecursionError:
        yield InputError(spec, "nested too deeply to read")
    except Exception as e:  # noqa: BLE001 - a reader bug must cost one input, not the batch
        yield InputError(spec, f"{reader.name} reader failed: {type(e).__name__}: {e}")


def _read_folder(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    found = False
    for f in _walk(Path(spec), set()):
        if isinstance(f, InputError):
            found = True
            yield f
            continue
        reader = pick(str(f))
        if reader is not None:
            found = True
            yield from _run(reader, str(f), options)
    if not found:
        yield InputError(spec, "folder holds no readable files")


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
            try:
                is_dir, exists = path.is_dir(), path.exists()
            except OSError as e:
                yield InputError(spec, _os_reason(e))
                continue
            if is_dir:
                yield from _read_folder(spec, opts)
                continue
            if not exists:
                yield InputError(spec, "no such file or folder")
                continue
        reader = pick(spec)
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
    readers.get_entry_points()  # plug-ins: a Reader, or a module whose import registers readers


_load_readers()
