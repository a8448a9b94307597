"""Pluggable claim components, registered by name the way spaCy registers pipeline components.

A component is a function `(document, claims) -> claims` that runs after the built-in extraction of
each document: filter, enrich or re-score claims without touching the core. Enable components with
`CLAIMLEDGER_COMPONENTS=name,name` (order kept) or `get_extractor(components=[...])`; packages can
ship their own through the entry-point group `claimledger.components` (a `catalogue` registry,
see `claimledger.plugins`).
"""

from __future__ import annotations

from collections.abc import Callable

from claimledger.config import get_settings
from claimledger.errors import ConfigError, Says
from claimledger.model import Claim, Document
from claimledger.plugins import Registry

Component = Callable[[Document, list[Claim]], list[Claim]]
components = Registry("components")


def register_component(name: str) -> Callable[[Component], Component]:
    """Decorator: `@register_component("my_filter")`."""
    return components.register(name)  # type: ignore[no-any-return]


def registered_components() -> list[str]:
    return components.names()


def get_component(name: str) -> Component:
    if name not in components:
        raise ConfigError(Says.unknown_component.format(name=name, known=", ".join(registered_components())))
    return components.get(name)  # type: ignore[no-any-return]


def configured_components() -> list[str]:
    return list(get_settings().components)


@register_component("numbers_only")
def numbers_only(doc: Document, claims: list[Claim]) -> list[Claim]:
    """Keep claims that carry a number (drops 'civilians were killed' with no count)."""
    return [c for c in claims if c.quantity.low is not None or c.quantity.high is not None]


@register_component("min_confidence")
def min_confidence(doc: Document, claims: list[Claim]) -> list[Claim]:
    """Drop claims below CLAIMLEDGER_MIN_CONFIDENCE (default 0.5)."""
    floor = get_settings().min_confidence
    return [c for c in claims if c.confidence >= floor]


@register_component("attributed_only")
def attributed_only(doc: Document, claims: list[Claim]) -> list[Claim]:
    """Keep claims with a claimant side (drops the article's own unattributed voice)."""
    return [c for c in claims if c.claimant.side is not None]
