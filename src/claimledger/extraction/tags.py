"""Concept tags: what the lexicon says of each token, written on the token so that constructions can match it.

Token extensions (short names; constructions use the macros of `constructions.py`, never these names):

=========  =====================================================================================
``cl_k``   claim family of a trigger word (killed, wounded, destroy, lose, …), "" for none
``cl_kf``  the trigger's form: verb, noun or adj
``cl_in``  True for intransitive claim verbs (their victims are subjects: "died")
``cl_n``   victim class of a noun: military, civilian, unknown, equipment ("" for none)
``cl_it``  equipment item of a noun (tank, drone, …)
``cl_q``   B / I for the tokens of a quantity phrase (normalize.quantities owns the parsing)
``cl_p``   the party a token names (a nationality word, an armed group), "" for none
``cl_h``   True for hostile words ("occupiers", "the enemy"), resolved from the speaker's side
``cl_r``   True for reporting verbs ("said", "announced")
``cl_m``   means named by the token (drone, artillery, …)
``cl_vt``  victim type of a victim phrase's head (set by `mentions.py`); ``cl_mi`` its index
=========  =====================================================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from claimledger.extraction.lexicon import Lexicon
from claimledger.model import Quantity
from claimledger.normalize import parties
from claimledger.normalize.quantities import find_quantities

TOKEN_EXTENSIONS: dict[str, Any] = {
    "cl_k": "", "cl_kf": "", "cl_in": False, "cl_n": "", "cl_it": "", "cl_q": "", "cl_p": "", "cl_h": False,
    "cl_r": False, "cl_m": "", "cl_vt": "", "cl_mi": -1,
}
_BEGIN, _INSIDE = "B", "I"
_NOUNISH = {"NOUN", "PROPN"}
# Where a claim adjective stands even when the tagger reads it as a verb or noun ('left them missing').
_COMPLEMENT_DEPS = ("amod", "acomp", "oprd", "advcl", "xcomp", "ccomp", "acl")
_VERBISH = {"VERB", "AUX"}
_SKIP_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"}
_MODEL_RE = re.compile(r"^([a-z]+(?:-[a-z]+)?)-?\d+[a-z]*\d*$")
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")


def register_extensions() -> None:
    for name, default in TOKEN_EXTENSIONS.items():
        if not Token.has_extension(name):
            Token.set_extension(name, default=default)
    if not Doc.has_extension("cl_qs"):
        Doc.set_extension("cl_qs", default=None)
    if not Doc.has_extension("cl_ms"):
        Doc.set_extension("cl_ms", default=None)
    if not Doc.has_extension("cl_t"):
        Doc.set_extension("cl_t", default=None)


register_extensions()


@dataclass(slots=True)
class QSpan:
    """A quantity phrase over tokens [start, end)."""

    start: int
    end: int
    quantity: Quantity
    is_unit: bool = False


class Tagger:
    """Writes the concept tags of one language's lexicon on parsed sentences."""

    def __init__(self, lex: Lexicon, nlp: Any) -> None:
        self.lex = lex
        vocab = nlp.vocab
        make = nlp.make_doc
        self.parties = PhraseMatcher(vocab, attr="LOWER")
        self.parties_exact = PhraseMatcher(vocab, attr="ORTH")
        words = parties.name_words()
        self._party_of = {w.lower(): party for w, party, _ in words}
        self.parties.add("P", [make(w) for w, _, exact in words if w.strip() and not exact])
        self.parties_exact.add("P", [make(w) for w, _, exact in words if w.strip() and exact])
        self._armed_groups = frozenset(parties.armed_groups())
        self.means = PhraseMatcher(vocab, attr="LOWER")
        self.means.add("M", [make(n) for n in lex.means])
        self.hostile = PhraseMatcher(vocab, attr="LOWER")
        self.hostile.add("H", [make(w) for w in hostile_words()])
        self._people_multi = {w for w in lex.people_military | lex.people_civilian if " " in w}
        self._non_state_heads = parties.non_state_heads()
        self._equipment_ends = frozenset(name.split()[-1] for name in lex.equipment if name.strip())
        self._person_suffixes = tuple(sorted(lex.person_suffixes, key=len, reverse=True))
        tables = lex.families_of_people
        self._people_only = frozenset(f for f in tables["people"] if f not in tables["equipment"]
                                      and f in lex.animate_families)

    # -- entry --------------------------------------------------------------------------------------
    def tag(self, doc: Doc) -> Doc:
        """Tags a freshly parsed Doc (its tokens hold the extensions' defaults)."""
        doc._.cl_qs = self.quantities(doc)
        _unhook_across_dashes(doc)
        for _, start, end in [*self.parties(doc), *self.parties_exact(doc)]:
            text = doc[start:end].text.lower()
            party = self._party_of.get(text)
            if party and not (parties.is_state(party) and any(t.lower_ in self._non_state_heads for t in doc[end:end + 2])):
                for tok in doc[start:end]:   # not 'Myanmar resistance', 'Syrian rebels': outside the state's forces
                    tok._.cl_p = party
        for tok in doc:
            if tok.pos_ == "NOUN" and tok.lower_ in self.lex.plural_only_nouns:
                tok.lemma_ = tok.lower_  # 'the remains of': not the verb's stem
            elif tok.lower_ in self.lex.lemma_corrections:
                tok.lemma_ = self.lex.lemma_corrections[tok.lower_]
            self._trigger(tok)
            self._counted_participle(tok)
            self._noun_class(tok)
            if tok.pos_ in _VERBISH and tok.lemma_.lower() in self.lex.report_verbs:
                tok._.cl_r = True
        for _, start, end in self.hostile(doc):
            for tok in doc[start:end]:
                tok._.cl_h = True
        for _, start, end in self.means(doc):
            value = self.lex.means.get(doc[start:end].text.lower(), "")
            for tok in doc[start:end]:
                if not tok._.cl_m or end - start > 1:
                    tok._.cl_m = value
        return doc

    def animate_arguments(self, doc: Doc) -> None:
        """Only people are killed or wounded: a noun the lexicon does not know but that names someone by what
        they do ('hitman', 'shopkeeper'), as the victim of such a verb, names people of unknown type — the
        passive subject, the object, the subject of a headline's participle with no object, the noun a participle
        describes ('a founder killed by …'), and their conjuncts."""
        lex = self.lex
        for tok in doc:
            if tok._.cl_k not in self._people_only or tok._.cl_kf != "verb" or tok._.cl_in:
                continue
            has_object = any(c.dep_ in lex.object_deps for c in tok.children)
            described = [tok.head] if tok.dep_ in lex.reduced_relative_deps and not has_object else []
            for arg in [*tok.children, *described]:
                if arg in described or arg.dep_ in lex.animate_argument_deps \
                        or (arg.dep_ in lex.subject_deps and not has_object):
                    for person in [arg, *arg.conjuncts]:
                        if self._unlisted_person(person):
                            person._.cl_n = "unknown"

    def _unlisted_person(self, tok: Token) -> bool:
        return tok.pos_ in _NOUNISH and not tok._.cl_n and not tok._.cl_k and tok.ent_type_ in _PERSONISH_ENTS \
            and not tok.like_num and tok.lower_.endswith(self._person_suffixes) and tok.lower_ not in self.lex.not_victims \
            and tok.lower_ not in self.lex.others_words   # 'four others': the neighbour's kind, not a new one

    # -- quantities ---------------------------------------------------------------------------------
    def quantities(self, doc: Doc) -> list[QSpan]:
        """Quantity phrases that can count people or things: not inside dates, times, money, percentages or
        ordinals, not ages or distances ('a 12-year-old', '20 km')."""
        text = doc.text
        skip = [(e.start_char, _date_end(e)) for e in doc.ents if e.label_ in _SKIP_ENTS
                and not (len(e) > 1 and e[0].like_num and e[1].lower_ in self.lex.date_openers)]
        vague = self.lex.phrase_re(self.lex.vague_count_words)
        out: list[QSpan] = []
        for qm in find_quantities(text):
            if any(a <= qm.start < b for a, b in skip) and not vague.search(text[qm.start:qm.end]):
                continue
            after = re.match(r"[\s-]*([\w%'.]+)", text[qm.end:qm.end + 16])
            if after and after.group(1).lower() in self.lex.ages_and_units_after_count:
                continue
            before = text[max(0, qm.start - 24):qm.start].lower().split()
            if before and (before[-1] in self.lex.age_markers or len(before) >= 3 and before[-1] in self.lex.coordinators
                           and before[-3] in self.lex.age_markers):
                continue  # "aged 42", "aged 42 and 57"
            toks = [t for t in doc if qm.start <= t.idx < qm.end]
            if not toks:
                continue
            quantity = qm.quantity
            if len(toks) > 1 and toks[0].lower_ in self.lex.prepositional_approximators and toks[0].i > 0 \
                    and self._governs_about(doc[toks[0].i - 1]):
                toks = toks[1:]   # 'information about 430 children': the preposition, an exact count
                quantity = Quantity(quantity.low, quantity.high, _EXACT if quantity.qualifier == _APPROX
                                    else quantity.qualifier, doc[toks[0].i:toks[-1].i + 1].text)
            for k, t in enumerate(toks):
                t._.cl_q = _BEGIN if k == 0 else _INSIDE
            out.append(QSpan(toks[0].i, toks[-1].i + 1, quantity, qm.is_unit))
        return out

    # -- triggers -----------------------------------------------------------------------------------
    def _trigger(self, tok: Token) -> None:
        lex = self.lex
        low, lemma = tok.lower_, tok.lemma_.lower()
        if tok.pos_ in _VERBISH or tok.tag_ in lex.participle_tags:
            family = lex.verb_family.get(lemma) or lex.verb_family.get(low)
            if family is None and lemma == low and tok.tag_ in lex.participle_tags:
                family = lex.verb_family.get(_replace_ending(low, lex.past_suffixes))
            if family:
                tok._.cl_k, tok._.cl_kf = family, "verb"
                return
            family = lex.intransitive_family.get(lemma) or lex.intransitive_family.get(low)
            if family:
                tok._.cl_k, tok._.cl_kf, tok._.cl_in = family, "verb", True
                return
        if tok.pos_ == "ADJ" or tok.dep_ in _COMPLEMENT_DEPS or _after_count(tok):
            family = lex.adjective_family.get(low)
            if family:
                tok._.cl_k, tok._.cl_kf = family, "adj"
                return
        if _verb_before_count(tok) and (family := lex.verb_family.get(lemma) or lex.verb_family.get(singular(low, lex))):
            tok._.cl_k, tok._.cl_kf = family, "verb"   # 'Gunmen murders three', 'Blast Wounds 8 Others'
            return
        if tok.pos_ in _NOUNISH or tok.pos_ in ("ADJ", "NUM", "X") or tok.tag_ in lex.singular_noun_tags:
            family = lex.noun_family.get(low) or lex.noun_family.get(lemma) or (
                lex.noun_family.get(singular(low, lex)) if tok.pos_ == "PROPN" else None)
            if family:
                tok._.cl_k, tok._.cl_kf = family, "noun"
                return
            family = lex.intransitive_family.get(low)
            if family and tok.i > 0 and tok.doc[tok.i - 1].like_num:
                # '13 die as ...': a tagger that reads the verb after a bare count as a noun
                tok._.cl_k, tok._.cl_kf, tok._.cl_in = family, "verb", True

    def _governs_about(self, tok: Token) -> bool:
        return tok.pos_ in _NOUNISH or tok.pos_ == "PRON" or tok.lemma_.lower() in self.lex.about_governors

    def _counted_participle(self, tok: Token) -> None:
        """'dozens of wounded', 'hundreds of dead': a claim participle counted through 'of', with no noun after
        it, names its own victims (a tagger may read it as a verb)."""
        u = tok._
        if not u.cl_k or u.cl_kf not in ("verb", "adj"):
            return
        doc = tok.doc
        j = tok.i - 1
        while j > 0 and doc[j].pos_ == "DET":   # 'the number of the dead': an article before the participle
            j -= 1
        if j >= 1 \
                and doc[j].lower_ in self.lex.partitive_prepositions \
                and (doc[j - 1]._.cl_q or doc[j - 1].lemma_.lower() in self.lex.count_nouns) \
                and (tok.i + 1 == len(doc) or doc[tok.i + 1].pos_ not in _NOUNISH):
            tok._.cl_kf = "noun"

    # -- victim nouns -------------------------------------------------------------------------------
    def _noun_class(self, tok: Token) -> None:
        if tok.pos_ not in _NOUNISH and tok.pos_ not in ("ADJ", "NUM", "X", "VERB", "ADV"):
            return
        if tok.i > 0 and f"{tok.doc[tok.i - 1].lower_} {tok.lemma_.lower()}" in self._people_multi:
            tok._.cl_n = self.people_class(tok)   # 'a suicide bomber': a person, though 'bomber' alone flies
            return
        item = self.equipment_item(tok)
        if item is not None and tok.pos_ != "VERB":
            tok._.cl_n, tok._.cl_it = "equipment", item
            return
        if tok.pos_ not in _NOUNISH and not (tok.pos_ == "ADJ" and tok.dep_ != "amod"):
            return
        kind = self.people_class(tok)
        if kind:
            tok._.cl_n = kind

    def equipment_item(self, tok: Token) -> str | None:
        """Item of an equipment noun: the longest equipment name ending in this token, or a model
        designation ('Su-25' → aircraft), or a generic head with an equipment modifier ('Buk complex')."""
        lex, doc = self.lex, tok.doc
        last = (tok.lower_, tok.lemma_.lower())
        longest = 0 if last[0] not in self._equipment_ends and last[1] not in self._equipment_ends \
            else min(lex.max_equipment_words, tok.i + 1)   # no equipment name ends in this word: skip the scan
        for n in range(longest, 0, -1):
            words = [t.lower_ for t in doc[tok.i - n + 1: tok.i + 1]]
            for key in (" ".join(words), " ".join(words[:-1] + [tok.lemma_.lower()])):
                if key in lex.equipment:
                    item = lex.equipment[key]
                    if n == 1 and tok.lemma_.lower() in lex.equipment_container_heads:
                        return self._container_item(tok) or item
                    return item
        if tok.pos_ == "PROPN" and singular(tok.lower_, lex) in lex.equipment:
            return lex.equipment[singular(tok.lower_, lex)]
        m = _MODEL_RE.match(tok.lower_)
        if m:
            prefix = m.group(1)
            return lex.equipment.get(prefix) or lex.equipment_model_prefixes.get(prefix)
        if tok.lemma_.lower() in lex.equipment_container_heads:
            return self._container_item(tok)
        return None

    def _container_item(self, tok: Token) -> str | None:
        for child in tok.children:
            if child.dep_ == "compound" and child.i < tok.i:
                sub = self.equipment_item(child)
                if sub is not None:
                    return sub
        return None

    def people_class(self, tok: Token) -> str:
        lex = self.lex
        low, lemma = tok.lower_, tok.lemma_.lower()
        if tok.pos_ == "PROPN" and lemma == low:
            lemma = singular(low, self.lex)  # title-case headlines: the model leaves proper-noun plurals as they are
        if lemma in lex.not_victims or low in lex.not_victims:
            return ""
        if self.group_name(tok):
            return "military"  # '30 Taliban killed', 'BIFF killed': a group's name counts its fighters
        if low in lex.nationality_people_nouns:
            return "unknown"
        if tok.i > 0:
            two = f"{tok.doc[tok.i - 1].lower_} {lemma}"
            if two in self._people_multi:
                return "civilian" if two in lex.people_civilian else "military"
        if lemma in lex.people_generic_men or low in lex.people_generic_men:
            if self._military_context(tok):
                return "military"
            return "unknown" if low in lex.people_military or lemma in lex.people_military else ""
        if lemma in lex.people_military or low in lex.people_military:
            return "military"
        if lemma in lex.victim_group_heads and any(
                any(w in t.lower_ for w in lex.victim_group_military_markers) or t._.cl_h
                for c in tok.lefts for t in c.subtree):
            return "military"  # "an enemy sabotage and reconnaissance group": its fighters
        if lemma in lex.people_civilian or low in lex.people_civilian:
            return "civilian"
        if lemma in lex.people_unknown or low in lex.people_unknown:
            return "unknown"
        return ""

    def group_name(self, tok: Token) -> bool:
        """The last word of an armed group's name standing for its fighters, not naming an owner or a place."""
        return bool(tok._.cl_p) and tok.pos_ in ("PROPN", "NOUN") and tok._.cl_p in self._armed_groups \
            and tok.dep_ not in ("pobj", "poss", "compound", "amod", "appos") \
            and not (tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1]._.cl_p == tok._.cl_p)

    def _military_context(self, tok: Token) -> bool:
        words = self.lex.military_context_words
        window = tok.doc[max(0, tok.i - 3): tok.i]
        return any(t.lower_ in words or t._.cl_p or t._.cl_h for t in window)


_PERSONISH_ENTS = ("", "PERSON", "NORP")
_EXACT, _APPROX = "exact", "approx"


def party_names() -> dict[str, str]:
    """Names of parties (nationality words, forces, armed groups) → the party, from normalize.parties."""
    return {w.lower(): party for w, party, _ in parties.name_words()}


def hostile_words() -> list[str]:
    return [str(w) for group in parties.hostile_words().values() for w in group]


def _replace_ending(word: str, endings: dict[str, str]) -> str:
    """The first matching ending (longest first) replaced: 'casualties' → 'casualty', 'injured' → 'injure'."""
    for ending in sorted(endings, key=len, reverse=True):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: len(word) - len(ending)] + endings[ending]
    return word


def singular(word: str, lex: Lexicon) -> str:
    """A naive singular for lookups of title-case nouns the model did not lemmatise."""
    return _replace_ending(word, lex.plural_suffixes)


def surface(doc: Doc, start: int, end: int) -> str:
    """The words of tokens [start, end) as written in the source (the parse may have seen them re-cased)."""
    if end <= start:
        return ""
    a, b = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    original = doc._.cl_t
    return str(original[a:b]) if original else doc.text[a:b]


def is_year(text: str) -> bool:
    return bool(_YEAR_RE.match(text))


def _after_count(tok: Token) -> bool:
    """'12 dead, three hurt': a word right after a bare count is its predicate, whatever the tagger calls it."""
    return tok.i > 0 and tok.doc[tok.i - 1].like_num and tok.dep_ not in ("pobj", "dobj")


def spaced_dash(tok: Token) -> bool:
    """A dash with spaces on both sides ends a phrase: 'three hurt - governor'."""
    return tok.is_punct and tok.text in ("-", "\u2013", "\u2014") and bool(tok.whitespace_) and tok.i > 0 \
        and bool(tok.doc[tok.i - 1].whitespace_)


def _unhook_across_dashes(doc: Doc) -> None:
    """A modifier never reaches its head across a spaced dash: the parser's 'hurt - governor' compound is two
    phrases."""
    for tok in doc:
        if tok.dep_ in ("compound", "amod") and tok.head.i > tok.i + 1 \
                and any(spaced_dash(t) for t in doc[tok.i + 1:tok.head.i]):
            tok.dep_ = "dep"


def _verb_before_count(tok: Token) -> bool:
    """A headline verb the tagger read as a plural noun: a noun phrase before it and a count right after it."""
    doc = tok.doc
    return tok.pos_ in _NOUNISH and tok.tag_ in ("NNS", "NNPS") and 0 < tok.i < len(doc) - 1 \
        and doc[tok.i + 1]._.cl_q == _BEGIN and doc[tok.i - 1].pos_ in ("NOUN", "PROPN", "PUNCT")


def _date_end(ent: Any) -> int:
    """Where a date entity really ends: 'February 24, 32 journalists' is a date and a count (a year after the
    day's comma has four digits)."""
    for k in range(2, len(ent)):
        tok = ent[k]
        if tok.like_num and len(tok.text) < 4 and ent[k - 1].text == "," and ent[k - 2].like_num:
            return int(ent[k - 1].idx)
    return int(ent.end_char)
