"""Typed records for documents and claims.

`Claim.to_dict()` is the contract of `shared/spec/claims.md` (v1.1): every export, the JSON API
and the scorer read exactly that shape, so the field names here must never drift from it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "killed", "wounded", "casualties", "irrecoverable", "captured", "missing", "surrendered",
    "deployed", "equipment_destroyed", "equipment_damaged", "equipment_captured",
)
VICTIM_TYPES = ("military", "civilian", "mixed", "unknown", "equipment")
ITEMS = (
    "tank", "armored_vehicle", "artillery", "mlrs", "air_defense", "aircraft", "helicopter", "drone",
    "ship", "vehicle", "depot", "radio", "weapon", "other",
)
QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range", "unspecified")
STANCES = ("asserted", "estimated", "denied")
MEANS = ("drone", "artillery", "mlrs", "missile", "airstrike", "glide_bomb", "small_arms", "tank", "mine",
         "ied", "other")
PRECISIONS = ("point", "admin2", "admin1", "country", "region")
TIME_PRECISIONS = ("day", "week", "month", "year", "period")


@dataclass(slots=True)
class Document:
    """One input text with what we know about where and when it was published."""

    id: str
    text: str
    published: str | None = None  # ISO date or timestamp as given
    url: str | None = None
    title: str | None = None
    speaker: str | None = None
    source: str | None = None  # outlet / site name / channel
    language: str | None = None
    published_precision: str | None = None  # "day", "inferred", None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "text": self.text, "published": self.published}
        for k in ("url", "title", "speaker", "source", "language"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        return d


@dataclass(slots=True)
class Victim:
    party: str | None = None
    type: str = "unknown"
    text: str = ""
    item: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"party": self.party, "type": self.type, "text": self.text, "item": self.item}


@dataclass(slots=True)
class Quantity:
    low: int | None = None
    high: int | None = None
    qualifier: str = "unspecified"
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "qualifier": self.qualifier, "text": self.text}

    def is_unit_word(self) -> bool:
        """'up to a battalion': a size given by a unit word, with no number."""
        return bool(re.search(r"(?i)\b(battalions?|compan(y|ies)|brigades?|platoons?|regiments?|divisions?)\b",
                              self.text))


@dataclass(slots=True)
class Claimant:
    name: str | None = None
    side: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "side": self.side}


@dataclass(slots=True)
class Perpetrator:
    """Who the text says caused the loss (contract v1.1): ACLED's actor1, UCDP's side A."""

    party: str | None = None
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"party": self.party, "text": self.text}


@dataclass(slots=True)
class Location:
    name: str
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    precision: str = "point"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "lat": self.lat, "lon": self.lon, "country": self.country,
                "admin1": self.admin1, "precision": self.precision}


@dataclass(slots=True)
class EventTime:
    start: str
    end: str
    precision: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "precision": self.precision}


@dataclass(slots=True)
class Evidence:
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Claim:
    """One attributed claim found in one document (the unit of record)."""

    doc_id: str | None
    kind: str
    victim: Victim
    quantity: Quantity
    claimant: Claimant
    evidence: Evidence
    stance: str = "asserted"
    means: list[str] = field(default_factory=list)
    location: Location | None = None
    event_time: EventTime | None = None
    stated_on: str | None = None
    confidence: float = 0.5
    evidence_more: list[Evidence] = field(default_factory=list)
    perpetrator: Perpetrator | None = None
    via: str | None = None  # the construction that found it (provenance for tests and debugging; not exported)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "victim": self.victim.to_dict(),
            "quantity": self.quantity.to_dict(),
            "claimant": self.claimant.to_dict(),
            "stance": self.stance,
            "means": list(self.means),
            "location": self.location.to_dict() if self.location else None,
            "event_time": self.event_time.to_dict() if self.event_time else None,
            "stated_on": self.stated_on,
            "evidence": self.evidence.to_dict(),
            "confidence": round(self.confidence, 3),
            "perpetrator": self.perpetrator.to_dict() if self.perpetrator else None,
        }
        if self.evidence_more:
            d["evidence_more"] = [e.to_dict() for e in self.evidence_more]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        loc = d.get("location")
        et = d.get("event_time")
        perp = d.get("perpetrator")
        return cls(
            doc_id=d.get("doc_id"),
            kind=d["kind"],
            victim=Victim(**d["victim"]),
            quantity=Quantity(**d["quantity"]),
            claimant=Claimant(**d["claimant"]),
            evidence=Evidence(**d["evidence"]),
            stance=d.get("stance", "asserted"),
            means=list(d.get("means") or []),
            location=Location(**loc) if loc else None,
            event_time=EventTime(**et) if et else None,
            stated_on=d.get("stated_on"),
            confidence=float(d.get("confidence", 0.5)),
            evidence_more=[Evidence(**e) for e in d.get("evidence_more", [])],
            perpetrator=Perpetrator(**perp) if perp else None,
        )
