"""Reconciliation's own record types: what the rules read about a claim, a document and an event.

The store hands rows over as plain mappings (`store.recon`) and takes plain values back; the
rules in this package work on these records only, so a change of table layout stays in the
store and a change of rule stays here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import Any, TypeVar

R = TypeVar("R")


@dataclass(slots=True)
class ClaimInfo:
    id: int
    document_id: int
    kind: str
    party: str | None
    side: str | None
    name: str | None
    low: int | None
    high: int | None
    qualifier: str | None
    stance: str
    stated: str | None  # None: the claim carries no date (its document had none)
    date_start: str | None
    date: str | None
    time_precision: str | None
    place: str | None
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    precision: str | None
    evidence: str
    group_key: str
    group_id: int | None
    event_id: int | None
    is_tally: bool
    current: bool
    published: str | None
    outlet: str | None
    doc_root: int  # the document this one is a wire copy of, else itself
    means: str = ""  # ",drone,artillery,"
    victim_type: str | None = None
    perpetrator: str | None = None  # who the text says caused the loss (party)
    perpetrator_text: str | None = None


@dataclass(slots=True)
class GroupMember:
    """A claim as the grouping rules see it: its key, when it was stated, and by which document.

    Regrouping reads the members of every group new claims can join (long chains of one key hold
    thousands), so it loads these few columns, not a whole `ClaimInfo`."""

    id: int
    document_id: int
    kind: str
    party: str | None
    side: str | None
    low: int | None
    high: int | None
    stated: str | None
    group_key: str
    group_id: int | None
    published: str | None
    outlet: str | None
    doc_root: int


def member_of(c: ClaimInfo) -> GroupMember:
    """The grouping view of a fully loaded claim."""
    return GroupMember(*(getattr(c, name) for name in _names(GroupMember)))


@dataclass(slots=True)
class DocSig:
    id: int
    identity: str
    published: str | None
    minhash: bytes | None
    near_dup_of: int | None


@dataclass(slots=True)
class EventInfo:
    """An event as the matching rules see it: where, when, and whose."""

    id: int
    date_start: str
    date_end: str
    parties: str  # ",Russia,Ukraine,"
    lat: float | None
    lon: float | None
    admin1: str | None
    place: str | None
    perpetrators: str = ""  # ",Russia,": who its claims say caused the losses
    victims: str = ""  # ",civilians,Ukraine,": its claims' victim buckets


def from_row(cls: type[R], row: Mapping[str, Any]) -> R:
    """A record from a store row (extra columns ignored)."""
    names = _names(cls)  # type: ignore[arg-type]
    return cls(**{k: v for k, v in row.items() if k in names})


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


__all__ = ["ClaimInfo", "DocSig", "EventInfo", "GroupMember", "from_row", "member_of"]
