"""The readers' registry: which reader reads which input.

A reader is a function ``(spec, options) -> Iterator[Document | InputError]`` registered with
`register_reader` together with a cheap ``detect(spec)`` predicate and a priority; `pick` asks
every reader whether it wants a spec and returns the highest-priority one that says yes.
Registration goes through a `catalogue` registry (`claimledger.plugins`), the same mechanism as
claim components and gazetteers; packages add readers through the entry-point group
``claimledger.sources`` (naming either a `Reader` or a module whose import registers readers).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.plugins import Registry

if TYPE_CHECKING:
    from claimledger.sources.http import HttpClient


@dataclass(slots=True)
class ReadOptions:
    """What the caller knows about the inputs that the inputs may not say themselves."""

    published: str | None = None   # default publication date for docs lacking one (CLI --published)
    speaker: str | None = None     # default speaker (CLI --speaker)
    source: str | None = None      # outlet name override
    max_bytes: int = 20_000_000    # per document; larger → InputError
    http: HttpClient | None = field(default=None, repr=False)  # None: the shared client, no SSRF guard
    # a feed item whose link this says is known is passed over before its page is fetched (watch mode)
    seen: Callable[[str], bool] | None = field(default=None, repr=False)


ReaderFn = Callable[[str, ReadOptions], Iterator[Document | InputError]]
_order = itertools.count()


@dataclass(slots=True, frozen=True)
class Reader:
    name: str
    detect: Callable[[str], bool]
    fn: ReaderFn
    priority: int = 0
    order: int = field(default_factory=lambda: next(_order))


readers = Registry("sources")


def register_reader(name: str, *, detect: Callable[[str], bool],
                    priority: int = 0) -> Callable[[ReaderFn], ReaderFn]:
    """Decorator: make `fn` the reader called `name`. Re-registering a name replaces it, so a
    plugin can override a built-in reader by reusing its name (or outrank it by priority)."""

    def deco(fn: ReaderFn) -> ReaderFn:
        readers.register(name, func=Reader(name, detect, fn, priority))
        return fn

    return deco


def ordered() -> list[Reader]:
    """Readers, highest priority first (the order `pick` tries them)."""
    found = [r for r in readers.get_all().values() if isinstance(r, Reader)]
    return sorted(found, key=lambda r: (-r.priority, r.order))


def registered_readers() -> list[str]:
    return [r.name for r in ordered()]


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def pick(spec: str) -> Reader | None:
    for r in ordered():
        try:
            if r.detect(spec):
                return r
        except Exception:  # noqa: BLE001 - a sloppy detect() must not take the whole batch down
            continue
    return None


__all__ = ["ReadOptions", "ReaderFn", "Reader", "readers", "register_reader", "registered_readers", "ordered",
           "is_url", "pick"]
