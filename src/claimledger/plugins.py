"""One registry mechanism for every pluggable kind of thing (readers, claim components,
gazetteers): `catalogue`, the registries spaCy uses, so that a built-in and a third-party plug-in
register the same way.

Built-ins register with ``registry.register(name, func=obj)`` (or as a decorator) when their
module is imported; packages add their own through the entry-point group ``claimledger.<kind>``
(``claimledger.sources``, ``claimledger.components``, ``claimledger.gazetteers``). Entry points are
loaded once, lazily, and a plug-in that fails to load is skipped with a warning: one broken
package must not take the built-ins down.
"""

from __future__ import annotations

import warnings
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import catalogue


class Registry(catalogue.Registry):  # type: ignore[misc]
    """A catalogue registry named ``claimledger.<kind>`` whose entry points are loaded once."""

    def __init__(self, kind: str) -> None:
        super().__init__(("claimledger", kind), entry_points=True)
        self.kind = kind
        self.entry_point_namespace = f"claimledger.{kind}"
        self._loaded: dict[str, Any] | None = None

    def _get_entry_points(self) -> list[EntryPoint]:
        return list(entry_points(group=self.entry_point_namespace))

    def get_entry_points(self) -> dict[str, Any]:
        if self._loaded is None:
            loaded: dict[str, Any] = {}
            for ep in self._get_entry_points():
                try:
                    loaded[ep.name] = ep.load()
                except Exception as e:  # noqa: BLE001 - a broken plug-in costs itself only
                    warnings.warn(f"claimledger: {self.kind} plug-in {ep.name!r} failed to load: {e}",
                                  stacklevel=2)
            self._loaded = loaded
        return self._loaded

    def get_entry_point(self, name: str, default: Any | None = None) -> Any:
        return self.get_entry_points().get(name, default)

    def unregister(self, name: str) -> None:
        """Forget a registered name (tests, or a plug-in withdrawing a built-in)."""
        catalogue.REGISTRY.pop((*self.namespace, name), None)

    def names(self) -> list[str]:
        return sorted(self.get_all())


__all__ = ["Registry"]
