"""Constructions as data: named families of patterns with the claim slots they fill and their examples.

A construction file (`data/<lang>/constructions/*.json`) holds ``{"constructions": [...]}``; each construction
has the fields of `Spec` (its JSON keys are the field names):

    {"name": "passive_subject", "family": "verbal", "role": "claim", "doc": "why it exists",
     "matcher": "dependency" | "token", "patterns": [...], "kind": null, "list": "left" | "right" | null,
     "priority": 50, "sets": {...}, "effect": null,
     "examples": {"positive": [{"text": "...", "claims": [[kind, party, low, high, qualifier], ...]}],
                  "negative": ["a sentence that must give no claim", ...]}}

A gate's negative example may be ``{"text": "...", "absent": [[kind, party, low, high, qualifier]]}``: the
claims the gate removes, where the sentence keeps other claims of its own.

Roles: ``claim`` constructions link a trigger to its victims (slots ``trigger``, ``victim`` and optionally
``count``, ``agent``, ``owner``, ``cause``); ``trigger`` constructions write a claim family on a token that no
single word carries ("shot down", "took … prisoner"); ``gate`` constructions drop a claim or change its stance
(hypotheticals, negation, history). Slots are the DependencyMatcher node ids (helper nodes are named ``x…``), or
the ``"SLOT"`` key on a token of a Matcher pattern.

Patterns are spaCy's own, validated by spaCy, plus the macros of `data/macros.json` (upper-case keys that test
the concept tags of `tags.py`); a value "@concept" as a whole or inside a list is that lexicon concept's words.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import MISSING, dataclass, field, fields
from enum import Enum, auto
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher
from spacy.vocab import Vocab

from claimledger.errors import ConfigError, Says
from claimledger.extraction.lexicon import Lexicon, data_path

_SPACY_EXT = "_"
_SPACY_ID = "RIGHT_ID"
_SPACY_ATTRS = "RIGHT_ATTRS"
_SPACY_LIST_OPS = ("IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS")
_SPACY_NOT_IN = "NOT_IN"
_SPACY_IN = "IN"
_ANY = "*"
_REF = "@"
_HELPER_NODE = "x"


class Slot(Enum):
    """What a matched token is to the claim."""

    trigger = auto()   # the claim word
    victim = auto()    # the head of a victim phrase
    count = auto()     # a count standing apart from its victims ("the toll rose to 45")
    agent = auto()     # who did it
    owner = auto()     # whose losses ("the enemy suffered losses")
    cause = auto()     # the event or means that caused it


class Role(Enum):
    claim = auto()
    trigger = auto()
    gate = auto()


class Effect(Enum):
    """What a gate does to the claims of the trigger it matches."""

    drop = auto()       # not a claim (hypothetical, history, intention)
    deny = auto()       # the speaker denies it
    estimate = auto()   # a hedge
    keep = auto()       # an exception that only overrides another gate ("managed to shoot down")


class ListMode(Enum):
    right = auto()   # objects: "destroyed 5 tanks, 3 guns and 12 drones"
    left = auto()    # subjects: "two tanks and three howitzers were destroyed"


class MatcherKind(Enum):
    dependency = auto()
    token = auto()


@dataclass(frozen=True)
class Example:
    text: str
    claims: tuple[tuple[Any, ...], ...] = ()
    published: str = "2024-03-12"
    absent: tuple[tuple[Any, ...], ...] = ()   # negative examples of a gate: the claims it removes, others stay


_CLAIM_LISTS = tuple(f.name for f in fields(Example) if f.default == ())   # lists of claim tuples


@dataclass
class Spec:
    """The JSON shape of one construction (field names are the keys)."""

    name: str
    family: str
    role: str
    patterns: list[Any]
    matcher: str = MatcherKind.dependency.name
    doc: str = ""
    kind: str | None = None
    list: str | None = None
    priority: int = 50
    sets: dict[str, Any] = field(default_factory=dict)
    effect: str | None = None
    examples: dict[str, Any] = field(default_factory=dict)


@dataclass
class Construction:
    name: str
    family: str
    role: Role
    matcher: MatcherKind
    patterns: list[list[dict[str, Any]]]
    doc: str = ""
    kind: str | None = None
    list_mode: ListMode | None = None
    priority: int = 50
    sets: dict[str, Any] = field(default_factory=dict)
    effect: Effect | None = None
    slot_index: list[dict[int, Slot]] = field(default_factory=list)   # token patterns: position → slot
    positive: list[Example] = field(default_factory=list)
    negative: list[Example] = field(default_factory=list)
    source: str = ""


@lru_cache(maxsize=1)
def macros() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("claimledger.extraction").joinpath("data").joinpath(
        "macros.json").read_text(encoding="utf-8"))
    return data


def _words(lex: Lexicon, ref: str, where: str) -> list[str]:
    value = getattr(lex, ref[len(_REF):], None)
    if not isinstance(value, (frozenset, dict)):
        raise ConfigError(Says.unknown_concept.format(where=where, ref=ref))
    return sorted(value)


def _is_ref(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_REF)


def _refs(value: Any, lex: Lexicon, where: str) -> Any:
    """Replace "@concept" strings (as a value or inside list operators) by the concept's words."""
    if _is_ref(value):
        return {_SPACY_IN: _words(lex, value, where)}
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for op, arg in value.items():
        if op in _SPACY_LIST_OPS and _is_ref(arg):
            out[op] = _words(lex, arg, where)
        elif op in _SPACY_LIST_OPS and isinstance(arg, list):
            out[op] = [w for a in arg for w in (_words(lex, a, where) if _is_ref(a) else [a])]
        else:
            out[op] = arg
    return out


def _allowed(lex: Lexicon, universe: str) -> list[str]:
    if hasattr(lex, universe):
        return sorted(getattr(lex, universe))
    return list(macros()[universe])


def expand_token(spec: dict[str, Any], lex: Lexicon, where: str) -> dict[str, Any]:
    """One token spec with macros and @concept references expanded to plain spaCy attributes."""
    table = macros()
    out: dict[str, Any] = {}
    ext: dict[str, Any] = dict(spec.get(_SPACY_EXT, {}))
    for key, value in spec.items():
        if key in (_SPACY_EXT, table["slot_key"]):
            continue
        macro = table["macros"].get(key)
        if macro is None:
            out[key] = _refs(value, lex, where)
            continue
        attr, universe = macro["attr"], macro["values"]
        if universe is None:
            ext[attr] = bool(value)
        elif universe not in table and not hasattr(lex, universe):
            ext[attr] = {_SPACY_NOT_IN: [""]} if value else ""   # a named thing: any non-empty value
        elif value == _ANY:
            ext[attr] = {_SPACY_NOT_IN: [""]}
        else:
            op = _SPACY_IN
            if isinstance(value, dict):   # {"IN": [...]} or {"NOT_IN": [...]}: nothing else is a set of values
                if len(value) != 1 or next(iter(value)) not in (_SPACY_IN, _SPACY_NOT_IN):
                    raise ConfigError(Says.unknown_values.format(where=where, key=key, bad=sorted(value),
                                                                 known=f"{_SPACY_IN}, {_SPACY_NOT_IN}"))
                op, value = next(iter(value.items()))
            values = [value] if isinstance(value, str) else list(value)
            allowed = _allowed(lex, universe)
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ConfigError(Says.unknown_values.format(where=where, key=key, bad=bad, known=", ".join(allowed)))
            ext[attr] = {op: values}
    if ext:
        out[_SPACY_EXT] = ext
    return out


def _compile_patterns(spec: Spec, kind: MatcherKind, lex: Lexicon, where: str) -> tuple[
        list[list[dict[str, Any]]], list[dict[int, Slot]]]:
    slot_key = macros()["slot_key"]
    patterns: list[list[dict[str, Any]]] = []
    slot_index: list[dict[int, Slot]] = []
    for p_i, pattern in enumerate(spec.patterns):
        if not isinstance(pattern, list) or not pattern:
            raise ConfigError(Says.empty_pattern.format(where=where, index=p_i))
        here = f"{where} pattern {p_i}"
        slots: dict[int, Slot] = {}
        compiled = []
        for t_i, node in enumerate(pattern):
            if kind is MatcherKind.dependency:
                node = dict(node)
                node[_SPACY_ATTRS] = expand_token(node.get(_SPACY_ATTRS, {}), lex, here)
                name = str(node.get(_SPACY_ID))
                if name not in Slot.__members__ and not name.startswith(_HELPER_NODE):
                    raise ConfigError(Says.bad_node.format(where=here, name=name, slots=", ".join(Slot.__members__),
                                                          helper=_HELPER_NODE))
                compiled.append(node)
                continue
            if slot_key in node:
                if node[slot_key] not in Slot.__members__:
                    raise ConfigError(Says.unknown_slot.format(where=here, name=node[slot_key]))
                slots[t_i] = Slot[node[slot_key]]
            compiled.append(expand_token(node, lex, here))
        patterns.append(compiled)
        slot_index.append(slots)
    return patterns, slot_index


def _examples(raw: dict[str, Any], where: str) -> tuple[list[Example], list[Example]]:
    def one(item: Any) -> Example:
        if isinstance(item, str):
            return Example(item)
        if not isinstance(item, dict):
            raise ConfigError(Says.bad_example.format(where=where))
        values = {f.name: item[f.name] for f in fields(Example) if f.name in item}
        for name in _CLAIM_LISTS:
            values[name] = tuple(tuple(c) for c in values.get(name, ()))
        return Example(**values)

    groups = [[one(x) for x in raw.get(f.name, [])] for f in fields(_ExampleGroups)]
    return groups[0], groups[1]


@dataclass
class _ExampleGroups:
    positive: list[Example]
    negative: list[Example]


def _enum(enum: type[Enum], value: str | None, where: str) -> Any:
    if value is None:
        return None
    try:
        return enum[value]
    except KeyError:
        raise ConfigError(Says.not_one_of.format(where=where, value=value, known=", ".join(enum.__members__))) from None


def _spec(raw: dict[str, Any], where: str) -> Spec:
    unknown = sorted(set(raw) - {f.name for f in fields(Spec)})
    if unknown:
        raise ConfigError(Says.unknown_keys.format(where=where, keys=unknown))
    values: dict[str, Any] = {}
    for f in fields(Spec):
        if f.name in raw:
            values[f.name] = raw[f.name]
        elif f.default is MISSING and f.default_factory is MISSING:
            raise ConfigError(Says.missing_key.format(where=where, key=f.name))
    return Spec(**values)


def parse_construction(raw: dict[str, Any], lex: Lexicon, source: str) -> Construction:
    where = f"{source}: construction {raw.get(next(iter(f.name for f in fields(Spec))), '?')!r}"
    spec = _spec(raw, where)
    role = _enum(Role, spec.role, where)
    effect = _enum(Effect, spec.effect, where)
    kind = _enum(MatcherKind, spec.matcher, where)
    if spec.kind is not None and spec.kind not in lex.families:
        raise ConfigError(Says.unknown_family.format(where=where, family=spec.kind))
    if role is Role.gate and effect is None:
        raise ConfigError(Says.gate_without_effect.format(where=where))
    patterns, slot_index = _compile_patterns(spec, kind, lex, where)
    if role is Role.claim:
        for p_i, pattern in enumerate(patterns):
            named = set(slot_index[p_i].values()) | {Slot[n[_SPACY_ID]] for n in pattern
                                                     if n.get(_SPACY_ID) in Slot.__members__}
            if not named & {Slot.trigger, Slot.victim}:
                raise ConfigError(Says.no_claim_slot.format(where=where, index=p_i))
            if Slot.trigger not in named and spec.kind is None:
                raise ConfigError(Says.needs_kind.format(where=where, index=p_i))
    pos, neg = _examples(spec.examples, where)
    return Construction(
        name=spec.name, family=spec.family, role=role, matcher=kind, patterns=patterns, doc=spec.doc,
        kind=spec.kind, list_mode=_enum(ListMode, spec.list, where), priority=int(spec.priority),
        sets=dict(spec.sets), effect=effect, slot_index=slot_index, positive=pos, negative=neg, source=source)


def construction_files(language: str) -> Iterator[Any]:
    folder = data_path(language, "constructions")
    if not folder.is_dir():
        return
    yield from sorted((p for p in folder.iterdir() if p.name.endswith(".json")), key=lambda p: p.name)


@dataclass
class _File:
    constructions: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=8)
def load_constructions(language: str, lex: Lexicon) -> tuple[Construction, ...]:
    out: list[Construction] = []
    names: set[str] = set()
    for path in construction_files(language):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as e:
            raise ConfigError(Says.not_json.format(where=f"{language}/{path.name}", error=e)) from e
        for raw in data.get(fields(_File)[0].name, []):
            c = parse_construction(raw, lex, f"{language}/{path.name}")
            if c.name in names:
                raise ConfigError(Says.name_twice.format(where=f"{language}/{path.name}", name=c.name))
            names.add(c.name)
            out.append(c)
    return tuple(out)


_WORD_ATTRS = {"LEMMA": "l", "LOWER": "w", "ORTH": "w", "TEXT": "w", "NORM": "w"}
_SYNTAX_ATTRS = {"DEP": "d", "POS": "p", "TAG": "t"}   # compared as the parser wrote them
_OPTIONAL_OPS = ("?", "*")


@dataclass
class _Compiled:
    """One pattern in its own matcher, with what a sentence must hold for it to match at all."""

    key: str
    matcher: Any
    dependency: bool
    needs: tuple[frozenset[str], ...]   # each set must share a feature with the sentence's


class CompiledSet:
    """Constructions of one role, each pattern compiled into its own Matcher or DependencyMatcher (validated by
    spaCy) and run only on sentences that hold every word and tag it needs: most patterns need a word or a claim
    family a sentence lacks, and a matcher's cost grows with its patterns times the sentence's tokens."""

    def __init__(self, vocab: Vocab, constructions: list[Construction]) -> None:
        self.by_key: dict[str, tuple[Construction, int]] = {}
        self.compiled: list[_Compiled] = []
        for c in constructions:
            for p_i, pattern in enumerate(c.patterns):
                key = f"{c.name}#{p_i}"
                self.by_key[key] = (c, p_i)
                dependency = c.matcher is MatcherKind.dependency
                matcher: Any = DependencyMatcher(vocab, validate=True) if dependency else Matcher(vocab, validate=True)
                try:
                    matcher.add(key, [pattern])
                except (ValueError, KeyError) as e:
                    raise ConfigError(Says.bad_pattern.format(where=c.source, name=c.name, index=p_i, error=e)) from e
                self.compiled.append(_Compiled(key, matcher, dependency, pattern_needs(pattern, dependency)))

    def __len__(self) -> int:
        return len(self.compiled)

    def runnable(self, features: frozenset[str]) -> list[_Compiled]:
        """The patterns a sentence with these features can match."""
        return [p for p in self.compiled if all(need & features for need in p.needs)]


def pattern_needs(pattern: list[dict[str, Any]], dependency: bool) -> tuple[frozenset[str], ...]:
    """Necessary conditions of a pattern: for every token it must match (optional ones aside), the words, the
    dependency labels and parts of speech its attributes allow and the tags its extension attributes require, as
    sentence features (`sentence_features`)."""
    needs: list[frozenset[str]] = []
    for node in pattern:
        if not dependency and (node.get("OP") in _OPTIONAL_OPS or str(node.get("OP", "")).startswith("{0")):
            continue
        attrs = node.get(_SPACY_ATTRS, {}) if dependency else node
        for key, prefix in _WORD_ATTRS.items():
            words = _allowed_values(attrs.get(key))
            if words:
                needs.append(frozenset(f"{prefix}:{w.lower()}" for w in words))
        for key, prefix in _SYNTAX_ATTRS.items():
            labels = _allowed_values(attrs.get(key))
            if labels:
                needs.append(frozenset(f"{prefix}:{v}" for v in labels))
        for attr, value in (attrs.get(_SPACY_EXT) or {}).items():
            if value is True or value == {_SPACY_NOT_IN: [""]}:
                needs.append(frozenset({f"{attr}:{_ANY}"}))
            else:
                values = _allowed_values(value)
                if values:
                    needs.append(frozenset(f"{attr}:{v}" for v in values))
    return tuple(needs)


def _allowed_values(value: Any) -> list[str] | None:
    """The values an attribute may take (a string or an IN list), or None when it allows more than a list."""
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, dict) and set(value) == {_SPACY_IN} and all(isinstance(v, str) for v in value[_SPACY_IN]):
        return list(value[_SPACY_IN])
    return None


def sentence_features(doc: Any, attrs: tuple[str, ...]) -> frozenset[str]:
    """What `pattern_needs` tests: each token's lower form, lemma, dependency label, part of speech and
    fine-grained tag (computed once per Doc, after the tagger's fixes to the parse), and each set
    extension attribute with its value and as present at all (read from the Doc's store of extension values:
    `tok._.x` costs a Python lookup per token and attribute)."""
    words = doc.user_data.get(_WORDS_KEY)
    if words is None:
        words = frozenset(f for tok in doc for f in ("w:" + tok.lower_, "l:" + tok.lemma_.lower(), "d:" + tok.dep_,
                                                     "p:" + tok.pos_, "t:" + tok.tag_))
        doc.user_data[_WORDS_KEY] = words
    out = set(words)
    wanted = set(attrs)
    for key, value in doc.user_data.items():
        if value and isinstance(key, tuple) and len(key) == 4 and key[1] in wanted:
            out.add(f"{key[1]}:{_ANY}")
            if isinstance(value, str):
                out.add(f"{key[1]}:{value}")
    return frozenset(out)


_WORDS_KEY = (__name__,)
