"""The generic engine: tag a parsed sentence, apply the trigger constructions, build victim phrases, match the
claim constructions into frames, and let the gates drop or qualify them. Nothing here knows a word of any
language: words live in the lexicon, constructions in their data files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from spacy.tokens import Doc

from claimledger.errors import ConfigError, Says
from claimledger.extraction.constructions import (
    CompiledSet,
    Construction,
    Effect,
    MatcherKind,
    Role,
    Slot,
    load_constructions,
    sentence_features,
)
from claimledger.extraction.lexicon import Lexicon
from claimledger.extraction.mentions import Mention, MentionBuilder
from claimledger.extraction.tags import TOKEN_EXTENSIONS, Tagger

_SPACY_ID = "RIGHT_ID"
_SPACY_ATTRS = "RIGHT_ATTRS"
_SPACY_IN = "IN"
_WORD_ATTRS = ("LOWER", "LEMMA", "TEXT", "ORTH")


@dataclass
class TriggerSets:
    """What a trigger construction writes on its trigger token (the `sets` of its file)."""

    family: str = ""
    form: str = ""
    intransitive: bool = False
    clear_others: bool = False   # the other matched words lose their own claim tags ("shot down": "down")
    clear: bool = False          # the trigger token is not a claim word here


@dataclass
class GateSets:
    """Conditions and precedence of a gate (the `sets` of its file)."""

    overrides: list[str] = field(default_factory=list)   # gates that yield to this one on the same token
    only: list[str] = field(default_factory=list)        # the constructions it applies to (default: all)
    spares: list[str] = field(default_factory=list)      # constructions it never applies to
    prose_only: bool = False       # not in headlines (text with no closing punctuation)
    uncounted_only: bool = False   # only for victims with no number


@dataclass
class ClaimSets:
    """What a claim construction says beyond its slots (the `sets` of its file)."""

    implicit_victim: bool = False   # the claim word alone names its victims ('there are dead'): unknown, no number
    implicit_one: bool = False      # ... and stands for one person ('they find beheaded near the road'): one
    tally: bool = False             # a running total of a loss table
    list_heading: bool = False      # a list whose heading ('losses of the enemy:') is no claim of its own
    consumes: bool = False          # its words are no claim words of their own ('lost 200 killed and wounded')
    breakdown: bool = False         # names the kinds of a casualties count, which gives way to them
    use_total: bool = False         # 'one of 167 children who died': the clause is about the whole


@dataclass
class Frame:
    """One match of a claim construction: which token fills which slot, and the gates that hit it."""

    construction: Construction
    slots: dict[Slot, int]
    gates: list[tuple[Effect, GateSets]] = field(default_factory=list)
    tokens: tuple[int, ...] = ()   # every token the pattern matched
    doc: Any = None
    also: list[str] = field(default_factory=list)   # constructions of lower priority that found the same pair

    @property
    def trigger(self) -> int:
        """The claim word; a construction with no trigger slot (a tally line) is triggered by its victims."""
        return self.slots.get(Slot.trigger, self.slots.get(Slot.victim, 0))


def _sets(cls: Any, raw: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in raw.items() if k in names})


class Engine:
    """Constructions of one language, compiled once per process."""

    def __init__(self, lex: Lexicon, nlp: Any, language: str) -> None:
        self.lex = lex
        vocab = nlp.vocab
        self.constructions = load_constructions(language, lex)
        _check_sets(self.constructions)
        by_role: dict[Role, list[Construction]] = {r: [] for r in Role}
        for c in self.constructions:
            by_role[c.role].append(c)
        self.triggers = CompiledSet(vocab, by_role[Role.trigger])
        self.claims = CompiledSet(vocab, by_role[Role.claim])
        self.gates = CompiledSet(vocab, by_role[Role.gate])
        self.tagger = Tagger(lex, nlp)
        self.mentions = MentionBuilder(lex, self.tagger)
        self._ext_attrs = tuple(TOKEN_EXTENSIONS)

    def construction_words(self, stop_words: frozenset[str]) -> frozenset[str]:
        """Words that trigger constructions name (and the trigger tokens of claim constructions), but for the
        language's stop words: the pre-parse filter must let sentences with them through."""
        words: set[str] = set()
        for c in self.constructions:
            if c.role is Role.gate:
                continue
            for p_i, pattern in enumerate(c.patterns):
                for t_i, node in enumerate(pattern):
                    is_trigger = node.get(_SPACY_ID) == Slot.trigger.name or c.slot_index[p_i].get(t_i) is Slot.trigger
                    if c.role is Role.claim and not is_trigger:
                        continue
                    words.update(_words_of(node.get(_SPACY_ATTRS, node), stop_words))
        return frozenset(words)

    # -- one sentence ------------------------------------------------------------------------------
    def analyse(self, doc: Doc) -> tuple[list[Frame], list[Mention]]:
        self.tagger.tag(doc)
        self._apply_triggers(doc)
        self.tagger.animate_arguments(doc)
        mentions = self.mentions.build(doc)
        if not any(t._.cl_k for t in doc) and not any(t._.cl_vt for t in doc):
            return [], mentions  # no claim word and no victim: no construction can match
        frames = list(self._matches(self.claims, doc))
        if frames:
            self._apply_gates(doc, frames)
        return frames, mentions

    def _matches(self, compiled: CompiledSet, doc: Doc, wanted: Any = None) -> Any:
        """Frames of the patterns a sentence can match (and, given `wanted`, of the constructions it keeps)."""
        seen: set[tuple[str, tuple[tuple[Slot, int], ...]]] = set()
        for pattern in compiled.runnable(sentence_features(doc, self._ext_attrs)):
            construction, p_i = compiled.by_key[pattern.key]
            if wanted is not None and not wanted(construction):
                continue
            if pattern.dependency:
                for _match_id, token_ids in pattern.matcher(doc):
                    nodes = construction.patterns[p_i]
                    slots = {Slot[node[_SPACY_ID]]: tid for node, tid in zip(nodes, token_ids, strict=True)
                             if node[_SPACY_ID] in Slot.__members__}
                    tokens = tuple(token_ids)
                    yield from self._frame(seen, construction, slots, tokens, doc)
                continue
            index = construction.slot_index[p_i]
            for _match_id, start, end, alignment in pattern.matcher(doc, with_alignments=True):
                slots = {index[a]: start + k for k, a in enumerate(alignment) if a in index}
                yield from self._frame(seen, construction, slots, tuple(range(start, end)), doc)

    @staticmethod
    def _frame(seen: set[Any], construction: Construction, slots: dict[Slot, int], tokens: tuple[int, ...],
               doc: Doc) -> Any:
        key = (construction.name, tuple(sorted(slots.items(), key=lambda s: s[0].value)))
        if key not in seen:
            seen.add(key)
            yield Frame(construction, slots, tokens=tokens, doc=doc)

    def _apply_triggers(self, doc: Doc) -> None:
        frames = sorted(self._matches(self.triggers, doc), key=lambda f: -f.construction.priority)
        done: set[int] = set()
        for frame in frames:
            i = frame.slots.get(Slot.trigger)
            if i is None or i in done:
                continue
            done.add(i)
            sets = _sets(TriggerSets, frame.construction.sets)
            tok = doc[i]
            if sets.clear:
                tok._.cl_k, tok._.cl_kf, tok._.cl_in = "", "", False
                continue
            tok._.cl_k = sets.family or tok._.cl_k
            tok._.cl_kf = sets.form or tok._.cl_kf
            tok._.cl_in = sets.intransitive
            if sets.clear_others:
                for j in frame.tokens:
                    if j != i:
                        doc[j]._.cl_k, doc[j]._.cl_kf = "", ""

    def _apply_gates(self, doc: Doc, frames: list[Frame]) -> None:
        """A gate hits the frames that share every claim slot it names (its trigger, its victim, or both)."""
        hits: list[tuple[dict[Slot, int], Construction]] = []
        names = {f.construction.name for f in frames}
        for gate in self._matches(self.gates, doc, lambda g: any(_applies(_sets(GateSets, g.sets), n) for n in names)):
            slots = {s: i for s, i in gate.slots.items() if s in (Slot.trigger, Slot.victim)}
            if slots:
                hits.append((slots, gate.construction))
        for frame in frames:
            mine = [g for slots, g in hits if all(_same(doc, s, frame.slots.get(s), i) for s, i in slots.items())
                    and _applies(_sets(GateSets, g.sets), frame.construction.name)]
            overridden = {name for g in mine for name in _sets(GateSets, g.sets).overrides}
            for gate in mine:
                if gate.name not in overridden:
                    assert gate.effect is not None
                    frame.gates.append((gate.effect, _sets(GateSets, gate.sets)))


_SETS = {Role.trigger: TriggerSets, Role.claim: ClaimSets, Role.gate: GateSets}


def _check_sets(constructions: Sequence[Construction]) -> None:
    """Every `sets` key is a field of its role's settings, and every construction a gate names exists."""
    names = {c.name for c in constructions}
    for c in constructions:
        allowed = {f.name for f in fields(_SETS[c.role])}
        unknown = sorted(set(c.sets) - allowed)
        if unknown:
            raise ConfigError(Says.sets_unknown.format(where=c.source, name=c.name, keys=unknown,
                                                       allowed=sorted(allowed)))
        for key in (f.name for f in fields(GateSets) if f.default_factory is list):
            missing = sorted(set(c.sets.get(key) or []) - names)
            if missing:
                raise ConfigError(Says.sets_names_unknown.format(where=c.source, name=c.name, key=key,
                                                                 names=missing))


def _same(doc: Doc, slot: Slot, mine: int | None, gate: int) -> bool:
    """A gate's victim is the frame's when both tokens belong to one victim phrase."""
    if mine is None or mine == gate:
        return mine == gate
    return slot is Slot.victim and doc[mine]._.cl_mi >= 0 and doc[mine]._.cl_mi == doc[gate]._.cl_mi


def _applies(sets: GateSets, construction: str) -> bool:
    return (not sets.only or construction in sets.only) and construction not in sets.spares


def _words_of(spec: dict[str, Any], stop_words: frozenset[str]) -> set[str]:
    out: set[str] = set()
    for key in _WORD_ATTRS:
        value = spec.get(key)
        if isinstance(value, dict):
            value = value.get(_SPACY_IN)
        for w in [value] if isinstance(value, str) else value or []:
            if isinstance(w, str) and w.isalpha() and len(w) > 2 and w.lower() not in stop_words:
                out.add(w.lower())
    return out


def matching(frames: list[Frame], kind: MatcherKind) -> list[Frame]:
    return [f for f in frames if f.construction.matcher is kind]
