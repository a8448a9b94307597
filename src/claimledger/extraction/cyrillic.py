"""Russian and Ukrainian: one engine for both languages, driven by data (`data/ru/`, `data/uk/`).

The language's lexicon (`lexicon.json`, the fields of `CyrillicLexicon`) names claim words, victims, means and
sources; its constructions (`constructions/*.json`, the same format, loader, macros and validation as the English
ones: `constructions.py`) are spaCy token patterns over the tags this module writes on each token (`cl_k` claim
family, `cl_kf` its form, `cl_vt` victim type, `cl_q` quantity, the macros of `data/macros.json`). Token patterns,
not dependency patterns: no Ukrainian parser ships its weights, and one engine serves both languages.
Claims are assembled by `cyrillic_claims.py` with the shared normalisers (quantities, parties, places, dates).
"""

from __future__ import annotations

import json
import re
import typing
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from typing import Any

from spacy.tokens import Doc

from claimledger.errors import ConfigError, Says
from claimledger.extraction.constructions import (
    CompiledSet,
    Construction,
    Effect,
    ListMode,
    Role,
    Slot,
    load_constructions,
    sentence_features,
)
from claimledger.extraction.engine import ClaimSets, _check_sets, _sets
from claimledger.extraction.lexicon import data_path
from claimledger.extraction.tags import TOKEN_EXTENSIONS, register_extensions
from claimledger.normalize.morph import word_forms
from claimledger.normalize.quantities import QuantityMatch, find_quantities

_DOC_KEY = "_doc"
_FORMS_KEY = "forms"
_BEGIN, _INSIDE = "B", "I"

Words = frozenset[str]


def _plain(value: Any) -> Any:
    """A concept as written: `{"forms": [...]}` is its list, `_doc` is a comment."""
    if isinstance(value, dict):
        if set(value) - {_DOC_KEY} == {_FORMS_KEY}:
            return _plain(value[_FORMS_KEY])
        return {k: _plain(v) for k, v in value.items() if k != _DOC_KEY}
    return value


@dataclass(frozen=True, eq=False)
class CyrillicLexicon:
    """The concepts of one Cyrillic language (see the `_doc` of each in its lexicon.json)."""

    language: str
    triggers: dict[str, dict[str, list[str]]]
    light_verbs: Words
    implicit_victims: dict[str, str]
    kinds: dict[str, dict[str, str]]
    victims: dict[str, list[str]]
    victim_phrases: dict[str, list[list[str]]]
    items: dict[str, str]
    model_families: dict[str, str]
    equipment_plural_only: Words
    pair_nouns: dict[str, int]
    phrase_continuers: Words
    list_connectors: Words
    gap_breakers: Words
    report_verbs: Words
    according_markers: list[list[str]]
    report_prepositions: Words
    tail_marks: Words
    not_sources: Words
    label_marks: Words
    means: dict[str, list[str]]
    hedges: Words
    denials: Words
    negators: Words
    intentions: Words
    tally_dashes: Words
    singular: dict[str, str]
    plural: dict[str, str]
    noun_tags: Words
    modifier_tags: Words
    genitive: dict[str, str]
    front_words: Words
    subject_victim_verbs: Words
    strike_prepositions: Words
    rise_verbs: Words
    clause_marks: Words
    auxiliaries: Words
    own_loss_families: Words
    place_prepositions: Words
    weak_means: Words
    absence_words: Words
    achieved_words: Words

    @cached_property
    def families(self) -> frozenset[str]:
        """Every claim family: the trigger tables' and the kind table's."""
        out = set(self.kinds)
        for table in self.triggers.values():
            out.update(table)
        return frozenset(out)

    @cached_property
    def victim_types(self) -> frozenset[str]:
        return frozenset(self.victims) | frozenset(self.implicit_victims.values())

    # indexes: every form of every listed lemma
    @cached_property
    def trigger_index(self) -> dict[str, list[tuple[str, str]]]:
        """word form → (form, family) readings, in the order of the tables."""
        out: dict[str, list[tuple[str, str]]] = {}
        for form, table in self.triggers.items():
            for family, lemmas in table.items():
                for word in self._forms(lemmas):
                    out.setdefault(word, []).append((form, family))
        return out

    @cached_property
    def victim_index(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for vtype, lemmas in self.victims.items():
            for word in self._forms(lemmas):
                out.setdefault(word, vtype)
        return out

    @cached_property
    def implicit_index(self) -> dict[str, str]:
        return {w: vtype for lemma, vtype in self.implicit_victims.items() for w in self._forms([lemma])}

    @cached_property
    def means_index(self) -> dict[str, str]:
        return {w: means for means, lemmas in self.means.items() for w in self._forms(lemmas)}

    @cached_property
    def item_index(self) -> dict[str, str]:
        return {w: item for lemma, item in self.items.items() for w in self._forms([lemma])}

    @cached_property
    def pair_index(self) -> dict[str, int]:
        return {w: n for lemma, n in self.pair_nouns.items() for w in self._forms([lemma])}

    @cached_property
    def report_index(self) -> Words:
        return frozenset(self._forms(self.report_verbs))

    @cached_property
    def light_index(self) -> Words:
        return frozenset(self._forms(self.light_verbs))

    @cached_property
    def rise_index(self) -> Words:
        return frozenset(self._forms(self.rise_verbs))

    @cached_property
    def subject_victim_index(self) -> Words:
        return frozenset(self._forms(self.subject_victim_verbs))

    def _forms(self, lemmas: Any) -> list[str]:
        out: list[str] = []
        for lemma in lemmas:
            low = lemma.lower()
            out.append(low)
            if low.isalpha():
                out.extend(sorted(word_forms(low, self.language) - {low}))
        return out


@lru_cache(maxsize=4)
def cyrillic_lexicon(language: str) -> CyrillicLexicon:
    """The lexicon of `language` ("ru" or "uk"), loaded once; malformed data names the concept."""
    try:
        raw = json.loads(data_path(language, "lexicon.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(Says.no_lexicon.format(language=language, error=e)) from e
    values: dict[str, Any] = {}
    hints = typing.get_type_hints(CyrillicLexicon)
    for f in fields(CyrillicLexicon):
        if f.name not in raw:
            raise ConfigError(Says.missing_key.format(where=f"{language}/lexicon.json", key=f.name))
        value = _plain(raw[f.name])
        if hints[f.name] == Words:
            value = frozenset(value)
        values[f.name] = value
    return CyrillicLexicon(**values)


# -- tagging --------------------------------------------------------------------------------------------

@dataclass
class Phrase:
    """A victim phrase over tokens [start, end) with its head and type."""

    head: int
    start: int
    end: int
    vtype: str
    implicit: bool = False
    complement: bool = False   # ends in a 'with …' complement: what is coordinated after it belongs to it


@dataclass
class Tagged:
    """One sentence's tags beyond the token extensions: quantities and victim phrases."""

    quantities: list[tuple[int, int, QuantityMatch]] = field(default_factory=list)
    phrases: dict[int, Phrase] = field(default_factory=dict)   # head token → its phrase


class CyrillicTagger:
    """Writes the macros' token extensions on a parsed sentence from the lexicon."""

    def __init__(self, lex: CyrillicLexicon) -> None:
        self.lex = lex
        register_extensions()

    def tag(self, doc: Doc) -> Tagged:
        lex = self.lex
        for tok in doc:
            for name, default in TOKEN_EXTENSIONS.items():
                tok._.set(name, default)
        out = Tagged()
        self._quantities(doc, out)
        for tok in doc:
            low = tok.lower_
            readings = lex.trigger_index.get(low) or lex.trigger_index.get(tok.lemma_.lower()) or []
            if readings:
                form, family = self._reading(doc, tok.i, readings)
                tok._.cl_k, tok._.cl_kf = family, form
                tok._.cl_in = low in lex.subject_victim_index
            means = lex.means_index.get(low) or lex.means_index.get(tok.lemma_.lower())
            if means:
                tok._.cl_m = means
        self._victims(doc, out)
        return out

    def _reading(self, doc: Doc, i: int, readings: list[tuple[str, str]]) -> tuple[str, str]:
        """A claim word with several readings before a noun modifies it ('погибших людей': the last form of
        the trigger table); elsewhere the first reading stands."""
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        before_noun = nxt is not None and (nxt.pos_ in self.lex.noun_tags or nxt.lower_ in self.lex.victim_index)
        return readings[-1] if before_noun else readings[0]

    def _quantities(self, doc: Doc, out: Tagged) -> None:
        starts = {t.idx: t.i for t in doc}
        for m in find_quantities(doc.text, self.lex.language):
            if m.start > 0 and doc.text[m.start - 1] == "-" and doc.text[m.start - 2:m.start - 1].isalpha():
                continue   # a model's number ('Су-25', 'Т-72') counts nothing
            first = starts.get(m.start)
            if first is None:
                first = next((t.i for t in doc if t.idx <= m.start < t.idx + len(t)), None)
            if first is None:
                continue
            last = first
            while last + 1 < len(doc) and doc[last + 1].idx < m.end:
                last += 1
            for j in range(first, last + 1):
                doc[j]._.cl_q = _BEGIN if j == first else _INSIDE
            out.quantities.append((first, last + 1, m))

    def _victims(self, doc: Doc, out: Tagged) -> None:
        lex = self.lex
        heads: dict[int, tuple[str, int]] = {}   # head → (type, phrase start)
        joined: set[int] = set()
        for i, tok in enumerate(doc):
            vtype = lex.victim_index.get(tok.lower_) or lex.victim_index.get(tok.lemma_.lower()) or (
                EQUIPMENT if _model_prefix(tok.lower_) in lex.model_families else None)
            if vtype and not self._modifier(doc, i):
                heads[i] = (vtype, i)
            implicit = lex.implicit_index.get(tok.lower_)
            if implicit and tok._.cl_k and not self._modifier(doc, i):
                heads[i] = (implicit, i)
        for vtype, sequences in lex.victim_phrases.items():
            for seq in sorted(sequences, key=len, reverse=True):
                for i in range(len(doc) - len(seq) + 1):
                    if all(doc[i + k].lemma_.lower() == w or doc[i + k].lower_ == w for k, w in enumerate(seq)):
                        head = i + len(seq) - 1
                        if any(j in joined for j in range(i, head + 1)):
                            continue
                        for j in range(i, head):
                            heads.pop(j, None)
                            joined.add(j)
                        heads[head] = (vtype, i)
        absorbed: set[int] = set()
        for i in sorted(heads):
            if i in absorbed:
                continue
            vtype, start = heads[i]
            end, complement = self._right(doc, i, set(heads))
            phrase = Phrase(head=i, start=self._left(doc, start), end=end, vtype=vtype,
                            implicit=bool(doc[i]._.cl_k) and doc[i].lower_ in lex.implicit_index, complement=complement)
            absorbed.update(range(i + 1, phrase.end))
            out.phrases[i] = phrase
        for i, phrase in out.phrases.items():
            doc[i]._.cl_vt = phrase.vtype
            low = doc[i].lower_
            item = self.lex.item_index.get(low) or self.lex.model_families.get(_model_prefix(low), "")
            doc[i]._.cl_it = item if phrase.vtype in lex.victims else ""

    def _modifier(self, doc: Doc, i: int) -> bool:
        """An adjective before a noun modifies it ('военной техники'): not a head of its own."""
        tok = doc[i]
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        return tok.pos_ not in self.lex.noun_tags and nxt is not None and (
            nxt.pos_ in self.lex.noun_tags or nxt.lower_ in self.lex.victim_index) and not nxt._.cl_q

    def _left(self, doc: Doc, i: int) -> int:
        """Adjectives and claim words of adjective form before the head stay in its phrase."""
        adj = _adj(self.lex)
        while i > 0:
            tok = doc[i - 1]
            if tok._.cl_q or not (tok.pos_ in self.lex.modifier_tags or tok._.cl_kf == adj) \
                    or (tok._.cl_k and tok._.cl_kf != adj):
                break
            i -= 1
        return i

    def _right(self, doc: Doc, head: int, heads: set[int]) -> tuple[int, bool]:
        """Genitive nouns, names, models and 'with …' phrases continue a phrase ('склада боеприпасов ВСУ',
        'РСЗО HIMARS', 'склад с боеприпасами')."""
        lex = self.lex
        j, after = head + 1, False
        while j < len(doc):
            tok = doc[j]
            if tok.lower_ in lex.phrase_continuers and j + 1 < len(doc) and doc[j + 1].is_alpha | bool(doc[j + 1]._.cl_q):
                after = True
                j += 1
                continue
            adjacent_victim = j == head + 1 and j in heads and not tok._.cl_k and tok.pos_ in lex.noun_tags
            if (tok._.cl_q and after) or adjacent_victim or (self._nominal(doc, j, after) and not (j in heads and tok._.cl_k)):
                j += 1
                continue
            k = j
            while k < len(doc) and doc[k].pos_ in lex.modifier_tags and not doc[k]._.cl_q and not doc[k]._.cl_k:
                k += 1
            if k > j and k < len(doc) and self._nominal(doc, k, after):
                j = k + 1
                continue
            break
        while j - 1 > head and doc[j - 1].pos_ not in lex.noun_tags and not doc[j - 1]._.cl_q:
            j -= 1
        return j, after

    def _nominal(self, doc: Doc, j: int, after: bool) -> bool:
        tok = doc[j]
        if tok.pos_ not in self.lex.noun_tags:
            return False
        gen_key, gen_value = next(iter(self.lex.genitive.items()))
        name = (tok.text[:1].isupper() or any(c.isdigit() for c in tok.text)) and (not tok.ent_type_ or tok.text.isupper())
        return after or name or gen_value in tok.morph.get(gen_key, [])


def _adj(lex: CyrillicLexicon) -> str:
    return list(lex.triggers)[-1]


# -- the engine ---------------------------------------------------------------------------------------------

@dataclass
class Link:
    """A claim word joined to one victim phrase (or to a bare count) by a construction."""

    construction: Construction
    trigger: int
    victim: int | None
    count: int | None = None
    listed: bool = False          # found as a coordinated member of a list


class CyrillicEngine:
    """Constructions of one Cyrillic language, compiled once: tag, match, gate, and link lists."""

    def __init__(self, language: str, nlp: Any) -> None:
        self.lex = cyrillic_lexicon(language)
        self.constructions = load_constructions(language, self.lex)  # type: ignore[arg-type]
        _check_sets(self.constructions)
        by_role: dict[Role, list[Construction]] = {r: [] for r in Role}
        for c in self.constructions:
            by_role[c.role].append(c)
        self.claims = CompiledSet(nlp.vocab, by_role[Role.claim])
        self.gates = CompiledSet(nlp.vocab, by_role[Role.gate])
        self.tagger = CyrillicTagger(self.lex)
        self._attrs = tuple(TOKEN_EXTENSIONS)

    def analyse(self, doc: Doc) -> tuple[list[Link], Tagged]:
        tagged = self.tagger.tag(doc)
        if not tagged.phrases and not any(t._.cl_k for t in doc):
            return [], tagged
        links = self._links(doc, tagged)
        dropped = self._gated(doc)
        links = [lk for lk in links if lk.trigger not in dropped and (lk.victim is None or lk.victim not in dropped)]
        return self._choose(links, tagged), tagged

    def _matches(self, compiled: CompiledSet, doc: Doc) -> Any:
        for pattern in compiled.runnable(sentence_features(doc, self._attrs)):
            construction, p_i = compiled.by_key[pattern.key]
            index = construction.slot_index[p_i]
            for _match_id, start, _end, alignment in pattern.matcher(doc, with_alignments=True):
                yield construction, {index[a]: start + k for k, a in enumerate(alignment) if a in index}

    def _links(self, doc: Doc, tagged: Tagged) -> list[Link]:
        out: list[Link] = []
        for construction, slots in self._matches(self.claims, doc):
            trigger = slots.get(Slot.trigger, slots.get(Slot.victim))
            victim = slots.get(Slot.victim)
            sets = _sets(ClaimSets, construction.sets)
            if victim is None and sets.implicit_victim and trigger in tagged.phrases:
                victim = trigger
            if victim is not None and victim not in tagged.phrases:
                continue
            if victim is not None and self._governed(doc, trigger, victim, tagged):
                continue
            if victim is not None and victim != trigger and tagged.phrases[victim].implicit \
                    and doc[victim]._.cl_k != doc[trigger]._.cl_k:
                continue   # 'one killed, two wounded': the wounded are no victims of the killing
            if trigger is None:
                continue
            out.append(Link(construction, trigger, victim, slots.get(Slot.count)))
            if victim is not None and construction.list_mode is ListMode.right:
                out.extend(Link(construction, trigger, v, listed=True) for v in self._listed(doc, tagged, victim))
        return out

    def _governed(self, doc: Doc, trigger: int, victim: int, tagged: Tagged) -> bool:
        """Where the parse says so (Russian), victims that depend on another noun between them and the claim word
        are that noun's ('уничтожает будущее детей'), not the claim's."""
        head = doc[victim].head
        lo, hi = sorted((trigger, victim))
        if head.i != victim and lo < head.i < hi and head.pos_ == "NOUN" and head.i not in tagged.phrases \
                and not head._.cl_q and not head._.cl_k and doc[victim].dep_ == "nmod":
            return True
        # without a parse: a genitive right after another noun is that noun's ('будинки людей', 'моряки судна')
        start = tagged.phrases[victim].start
        before = doc[start - 1] if start > trigger + 1 else None
        key, value = next(iter(self.lex.genitive.items()))
        return before is not None and before.pos_ == "NOUN" and not before._.cl_k and not before._.cl_q \
            and not before._.cl_vt and value in doc[victim].morph.get(key, [])

    def _listed(self, doc: Doc, tagged: Tagged, first: int) -> list[int]:
        """Victims coordinated after the first ('5 танков, 3 пушки и склад')."""
        out: list[int] = []
        phrase = tagged.phrases[first]
        if phrase.complement:
            return out
        j = phrase.end
        while j < len(doc):
            k = j
            while k < len(doc) and doc[k].lower_ in self.lex.list_connectors:
                k += 1
            if k == j:
                break
            nxt = next((p for h, p in sorted(tagged.phrases.items()) if p.start >= k and h >= k), None)
            if nxt is None or any(not (doc[x]._.cl_q or doc[x].pos_ in self.lex.modifier_tags)
                                  for x in range(k, nxt.start)):
                break
            out.append(nxt.head)
            j = nxt.end
        return out

    def _gated(self, doc: Doc) -> set[int]:
        """Tokens that a drop gate takes out (its trigger or victim slot)."""
        out: set[int] = set()
        for construction, slots in self._matches(self.gates, doc):
            if construction.effect is Effect.drop:
                out.update(i for s, i in slots.items() if s in (Slot.trigger, Slot.victim))
        return out

    @staticmethod
    def _choose(links: list[Link], tagged: Tagged) -> list[Link]:
        """One claim per victim: the construction of highest priority, then the nearest claim word; a claim word
        that reaches a victim does not stand as its own (implicit) victim."""
        best: dict[int | tuple[int, int], Link] = {}
        for lk in links:
            key: int | tuple[int, int] = lk.victim if lk.victim is not None else (lk.trigger, lk.count or -1)
            rank = (lk.construction.priority, not lk.listed, -abs(lk.trigger - (lk.victim or lk.trigger)))
            old = best.get(key)
            if old is None or rank > (old.construction.priority, not old.listed,
                                      -abs(old.trigger - (old.victim or old.trigger))):
                best[key] = lk
        reaching = {lk.trigger for lk in best.values() if lk.victim is not None and lk.victim != lk.trigger}
        starts = {tagged.phrases[lk.victim].start for lk in best.values() if lk.victim is not None}
        counted = {i for first, last, _m in tagged.quantities if last in starts for i in range(first, last)}
        return [lk for lk in best.values()
                if not (lk.victim == lk.trigger and lk.trigger in reaching)
                and not (lk.victim is None and lk.count in counted)]


EQUIPMENT = "equipment"   # the contract's victim type of things (the lexicons' `victims` key for them)
_MODEL = re.compile(r"^([^\W\d_]+)-\d")


def _model_prefix(word: str) -> str:
    """The family of a model name written with its number ('Су-25' → 'су'), "" for other words."""
    m = _MODEL.match(word)
    return m.group(1) if m else ""
