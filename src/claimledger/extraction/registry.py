"""Pluggable claim components, registered by name the way spaCy registers pipeline components.

A component is a function `(document, claims) -> claims` that runs after the built-in extraction of
each document: filter, enrich or re-score claims without touching the core. Enable components with
`CLAIMLEDGER_COMPONENTS=name,name` (order kept) or `get_extractor(components=[...])`; packages can
ship their own through the entry-point group `claimledger.components`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from importlib.metadata import entry_points

from claimledger.errors import ConfigError
from claimledger.model import Claim, Document

log = logging.getLogger(__name__)

Component = Callable[[Document, list[Claim]], list[Claim]]
_COMPONENTS: dict[str, Component] = {}
_entry_points_loaded = False


def register_component(name: str) -> Callable[[Component], Component]:
    """Decorator: `@register_component("my_filter")`."""

    def deco(fn: Component) -> Component:
        _COMPONENTS[name] = fn
        return fn

    return deco


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for ep in entry_points(group="claimledger.components"):
        try:
            _COMPONENTS.setdefault(ep.name, ep.load())
        except Exception as e:  # a broken plug-in must not take the extractor down
            log.warning("claim component %s could not be loaded: %s", ep.name, e)


def registered_components() -> list[str]:
    _load_entry_points()
    return sorted(_COMPONENTS)


def get_component(name: str) -> Component:
    _load_entry_points()
    try:
        return _COMPONENTS[name]
    except KeyError:
        raise ConfigError(f"unknown claim component {name!r}; registered: {', '.join(registered_components())}") from None


def configured_components() -> list[str]:
    raw = os.environ.get("CLAIMLEDGER_COMPONENTS", "")
    return [n.strip() for n in raw.split(",") if n.strip()]


@register_component("numbers_only")
def numbers_only(doc: Document, claims: list[Claim]) -> list[Claim]:
    """Keep claims that carry a number (drops 'civilians were killed' with no count)."""
    return [c for c in claims if c.quantity.low is not None or c.quantity.high is not None]


@register_component("min_confidence")
def min_confidence(doc: Document, claims: list[Claim]) -> list[Claim]:
    """Drop claims below CLAIMLEDGER_MIN_CONFIDENCE (default 0.5)."""
    floor = float(os.environ.get("CLAIMLEDGER_MIN_CONFIDENCE", "0.5"))
    return [c for c in claims if c.confidence >= floor]


@register_component("attributed_only")
def attributed_only(doc: Document, claims: list[Claim]) -> list[Claim]:
    """Keep claims with a claimant side (drops the article's own unattributed voice)."""
    return [c for c in claims if c.claimant.side is not None]
