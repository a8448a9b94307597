"""Named, ordered resolvers: each decides one field of a claim from its context, or passes (None).

Resolvers register in a `catalogue` registry (`claimledger.plugins.Registry`, entry-point group
``claimledger.resolvers`` for plug-ins, loaded once);
the order of each chain is data (`data/<lang>/resolvers.json`), so a language or a user can reorder, drop or
add one without touching code. A resolver returns a value, None to pass to the next one, or `STOP` to end the
chain with no value (for instance: civilians get a nationality only when the text says it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

import catalogue
from spacy.tokens import Doc

from claimledger.errors import ConfigError, Says
from claimledger.extraction.attribution import Attribution, Attributor
from claimledger.extraction.lexicon import Lexicon, data_path
from claimledger.extraction.linking import Candidate
from claimledger.extraction.mentions import Mention
from claimledger.model import Document
from claimledger.plugins import Registry

resolvers = Registry("resolvers")


def resolver(fn: Any) -> Any:
    """Register a resolver under its function's name (the name resolvers.json lists)."""
    resolvers.register(fn.__name__, func=fn)
    return fn


class _Stop:
    def __repr__(self) -> str:
        return "STOP"


STOP: Any = _Stop()


@dataclass
class Sentence:
    """A sentence of a document: offsets, text, its parse (when it was parsed) and what earlier text says."""

    start: int
    end: int
    text: str
    parse: Doc | None = None
    paragraph: int = 0
    places: list[tuple[str, int, bool, int]] | None = None   # (name, offset, locative, paragraph), computed lazily
    antecedent: str | None = None       # the party of the people last named before this sentence
    antecedent_type: str | None = None  # military / civilian / equipment …: what 'of them' refers to
    antecedent_item: str | None = None
    antecedent_equipment: tuple[str | None, str | None] | None = None   # (party, item) of equipment named last
    prev_text: str = ""
    causes: list[tuple[str, str | None]] = field(default_factory=list)  # (attacker words, party) named before


@dataclass
class DocState:
    """What a document has said so far, for the sentences that follow."""

    document: Document
    published: dt.date | None
    lex: Lexicon
    attributor: Attributor
    default: Attribution | None = None
    sentences: list[Sentence] = field(default_factory=list)   # the sentences read so far (places computed lazily)
    place_finder: Any = None
    _place_context: Any = None
    _named: list[str] | None = None

    def places_before(self, paragraph: int | None = None) -> list[tuple[str, int, bool, int]]:
        """Places named in the sentences read so far (of one paragraph, or all), computed on first need."""
        out: list[tuple[str, int, bool, int]] = []
        for s in self.sentences:
            if paragraph is not None and s.paragraph != paragraph:
                continue
            if s.places is None:
                s.places = self.place_finder.in_sentence(s) if self.place_finder is not None else []
            out.extend(s.places)
        return out

    def doc_places(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for name, _, locative, _ in self.places_before():
            if locative:
                counts[name] = counts.get(name, 0) + 1
        return counts

    @property
    def place_context(self) -> Any:
        if self._place_context is None and self.place_finder is not None:
            self._place_context = self.place_finder.document_context(self.document.text)
        return self._place_context

    @property
    def named_parties(self) -> list[str]:
        """The parties the document names (context for 'the enemy' and for opponents), computed once."""
        if self._named is None:
            from claimledger.normalize import parties

            self._named = parties.parties_in(self.document.text)
        return self._named
    attackers: list[tuple[str, str | None]] = field(default_factory=list)   # doers named so far, with their party
    last_person_side: str | None = None   # the side of the person named last ('he said', 'he killed')


@dataclass(frozen=True)
class Perpetrator:
    """Who the text says caused the loss (ACLED's actor1): the party and the words that name it."""

    party: str | None
    text: str | None


@dataclass
class ClaimContext:
    """Everything a resolver may look at for one candidate claim."""

    state: DocState
    sentence: Sentence
    doc: Doc
    cand: Candidate
    attribution: Attribution | None
    perspective: str | None            # the claimant's side, else the outlet's or the official site's
    resolved: dict[int, str | None]    # parties already resolved in this sentence, by mention id
    victim_party: str | None = None
    vtype: str = "unknown"
    perpetrator: Perpetrator | None = None
    location: Any = None

    @property
    def lex(self) -> Lexicon:
        return self.state.lex

    @property
    def mention(self) -> Mention:
        return self.cand.mention


Resolver = Callable[[ClaimContext], Any]


@dataclass
class Chains:
    """The order of the resolvers of each field (the keys of resolvers.json)."""

    perpetrator: list[str]            # named in the text: agents, 'by' phrases, causes
    victim_party: list[str]
    perpetrator_inferred: list[str]   # from the framing, once the victims' party is known


@lru_cache(maxsize=8)
def chains(language: str) -> Chains:
    try:
        raw = json.loads(data_path(language, "resolvers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(Says.resolvers_unreadable.format(where=language, error=e)) from e
    values = {}
    for f in fields(Chains):
        names = raw.get(f.name)
        if not isinstance(names, list):
            raise ConfigError(Says.resolvers_not_list.format(where=language, key=f.name))
        values[f.name] = [str(n) for n in names]
    return Chains(**values)


def run_chain(names: list[str], ctx: ClaimContext) -> Any:
    for name in names:
        try:
            fn = resolvers.get(name)
        except catalogue.RegistryError as e:
            raise ConfigError(Says.unknown_resolver.format(name=name, error=e)) from None
        value = fn(ctx)
        if value is STOP:
            return None
        if value is not None:
            return value
    return None
