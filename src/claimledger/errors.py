"""Domain exceptions. Raised where things happen, naming the input; only cli.py and api/ turn
them into exit codes and HTTP statuses."""

from __future__ import annotations


class ClaimledgerError(Exception):
    """Base of every error claimledger raises on purpose."""


class InputError(ClaimledgerError):
    """An input could not be read as a document: names the input and the reason."""

    def __init__(self, source: str, reason: str, stage: str = "read", *, retryable: bool = False) -> None:
        self.source = source
        self.reason = reason
        self.stage = stage
        self.retryable = retryable  # a network hiccup: the HTTP client may try again
        super().__init__(f"{source}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with its fields (results of extraction cross process boundaries)."""
        return (InputError, (self.source, self.reason, self.stage), {"retryable": self.retryable})


class GazetteerError(ClaimledgerError):
    """A gazetteer file is missing or malformed."""


class StoreError(ClaimledgerError):
    """The ledger database could not be opened, migrated or written."""


class ConfigError(ClaimledgerError):
    """A setting or user table is invalid."""


class Says:
    """What the data loaders of `extraction/` say when a data file is wrong, kept here so that the extraction
    package holds no English text of its own (`str.format` templates; the field names are the arguments)."""

    unknown_concept = "{where}: unknown lexicon concept {ref!r}"
    unknown_values = "{where}: {key} {bad} unknown (known: {known})"
    empty_pattern = "{where}: pattern {index} must be a non-empty list"
    bad_node = "{where}: node {name!r} is neither a slot ({slots}) nor a helper node named {helper}…"
    unknown_slot = "{where}: unknown slot {name!r}"
    bad_example = "{where}: an example is a text or an object with the fields of Example"
    not_one_of = "{where}: {value!r} is not one of {known}"
    unknown_keys = "{where}: unknown keys {keys}"
    missing_key = "{where}: missing {key!r}"
    unknown_family = "{where}: unknown kind family {family!r}"
    gate_without_effect = "{where}: a gate needs an effect"
    no_claim_slot = "{where}: pattern {index} fills neither a trigger nor a victim slot"
    needs_kind = "{where}: pattern {index} has no trigger slot, so the construction needs a kind"
    not_json = "{where}: not JSON ({error})"
    name_twice = "{where}: construction name {name!r} is used twice"
    sets_unknown = "{where}: construction {name!r} sets {keys} (a typo? allowed: {allowed})"
    sets_names_unknown = "{where}: construction {name!r} names unknown constructions in sets.{key}: {names}"
    bad_pattern = "{where}: construction {name!r} pattern {index} is not a valid spaCy pattern: {error}"
    concept_not_list = "lexicon concept {name!r}: expected a list of strings (or {{'forms': [...]}})"
    concept_not_table = "lexicon concept {name!r}: expected a table of form → value"
    concept_value_not_string = "lexicon concept {name!r}: the value of {key!r} must be a string"
    concept_not_families = "lexicon concept {name!r}: expected a table of family → list of forms"
    concept_not_nested = "lexicon concept {name!r}: expected a table of tables"
    concept_not_integer = "lexicon concept {name!r}: expected an integer"
    concept_missing = "lexicon: concept {name!r} is missing"
    concepts_unknown = "lexicon: unknown concepts {names} (a typo? every concept is a field of Lexicon)"
    no_lexicon = "no usable lexicon for language {language!r}: {error}"
    user_lexicon_unreadable = "{path}: cannot read the user lexicon ({error})"
    user_lexicon_not_object = "{path}: the user lexicon must be a JSON object of concepts"
    extraction_failed = "extraction failed: {error_type}: {error}"
    extraction_failed_log = "extraction failed for %s"
    component_unloadable = "claim component %s could not be loaded: %s"
    unknown_component = "unknown claim component {name!r}; registered: {known}"
    resolvers_unreadable = "{where}: {error}"
    resolvers_not_list = "{where}: {key!r} must be a list of resolver names"
    unknown_resolver = "unknown resolver {name!r}: {error}"
    geocode_failed = "geocode failed for %s: %s"
