"""Domain exceptions. Raised where things happen, naming the input; only cli.py and api/ turn
them into exit codes and HTTP statuses."""

from __future__ import annotations


class ClaimledgerError(Exception):
    """Base of every error claimledger raises on purpose."""


class InputError(ClaimledgerError):
    """An input could not be read as a document: names the input and the reason."""

    def __init__(self, source: str, reason: str, stage: str = "read") -> None:
        self.source = source
        self.reason = reason
        self.stage = stage
        super().__init__(f"{source}: {reason}")


class GazetteerError(ClaimledgerError):
    """A gazetteer file is missing or malformed."""


class StoreError(ClaimledgerError):
    """The ledger database could not be opened, migrated or written."""


class ConfigError(ClaimledgerError):
    """A setting or user table is invalid."""
