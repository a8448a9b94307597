"""Victim phrases: a count and the people or equipment it counts, built from the concept tags.

A mention is what a construction's victim slot points at: its head token carries ``cl_vt`` (the victim type)
and ``cl_mi`` (the mention's index). Heads are victim nouns ("13 North Korean soldiers"), claim nouns that name
their own victims ("two dead", "50 casualties"), counts with no noun of their own ("five were killed", "15,000 of
them"), shares ("most of them") and singular pronouns ("he was killed"). A count attaches to the nearest noun
after it through modifiers only; what a bare count counts is decided later (it borrows its neighbour's victims).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Token

from claimledger.extraction.lexicon import Lexicon
from claimledger.extraction.tags import QSpan, Tagger, is_year, spaced_dash
from claimledger.model import Quantity
from claimledger.normalize.quantities import exactly, find_quantities, single, unspecified, zero

_FILLER_POS = {"ADJ", "PROPN", "DET", "NOUN", "PUNCT", "PART", "NUM", "ADP", "CCONJ", "ADV", "VERB", "X", "SYM"}
_LEFT_DEPS = {"amod", "compound", "det", "nmod", "poss", "case", "nummod", "quantmod", "npadvmod"}
BARE = "bare"
EQUIPMENT = "equipment"


@dataclass(eq=False)
class Mention:
    """Who or what a claim is about, with its count. Token span [start, end); `head` is the token a construction
    links (a noun, a count, a pronoun)."""

    start: int
    end: int
    head: int
    quantity: Quantity
    vtype: str = "unknown"          # military | civilian | unknown | mixed | equipment | bare
    item: str | None = None
    party: str | None = None        # the party named inside the phrase
    hostile: str = ""               # "invaders", "the enemy" as written: resolved from the speaker's side
    text: str = ""
    bare: bool = False              # a count with no victim noun of its own
    partitive: bool = False         # "N of them"
    pronoun: bool = False           # he / she
    self_trigger: bool = False      # a claim noun naming its own victims ("two dead")
    subset: bool = False            # "including two children": part of a total
    source: Mention | None = None   # the neighbour a bare count took its victims from
    used: bool = False
    total: Quantity | None = None   # 'one of 167 children': the whole the first count is part of
    other: bool = False             # a count of something else named before ('buildings, of which 225 …')
    person: bool = False            # a named person ('journalist Jane Doe')

    @property
    def numbered(self) -> bool:
        return self.quantity.low is not None or self.quantity.high is not None


class MentionBuilder:
    """Builds the mentions of one parsed, tagged sentence and marks their heads."""

    def __init__(self, lex: Lexicon, tagger: Tagger) -> None:
        self.lex = lex
        self.tagger = tagger

    def build(self, doc: Doc) -> list[Mention]:
        qspans: list[QSpan] = doc._.cl_qs or []
        used: set[int] = set()
        mentions: list[Mention] = []
        for tok in doc:
            if self._is_head(tok):
                mentions.append(self._noun_mention(doc, tok, qspans, used))
            elif self._is_self_trigger(tok):
                mentions.append(self._self_trigger_mention(doc, tok, qspans, used))
        for k, qs in enumerate(qspans):
            if k not in used:
                bare = self._bare_mention(doc, qs)
                if bare is not None:
                    mentions.append(bare)
        mentions.extend(self._pronoun_and_share_mentions(doc, mentions))
        mentions.extend(self._named_people(doc, mentions))
        kept = _outermost(self._shared_counts(doc, mentions))
        for index, m in enumerate(kept):
            m.subset = m.start > 0 and doc[m.start - 1].lower_ in self.lex.breakdown_markers
            for i in self._syntactic_heads(doc, m):
                doc[i]._.cl_vt = m.vtype
                doc[i]._.cl_mi = index
        doc._.cl_ms = kept
        return kept

    def _shared_counts(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """'eleven members and supporters': a plural joined to a counted noun by a conjunction shares its count,
        and the two are one group."""
        by_head = {m.head: m for m in mentions if not m.bare}
        out: list[Mention] = []
        for m in mentions:
            head = doc[m.head]
            first = by_head.get(head.head.i) if head.dep_ in self.lex.coordinated_deps else None
            if first is not None and first is not m and first.numbered and not m.quantity.text \
                    and first.vtype != EQUIPMENT and m.vtype != EQUIPMENT and head.tag_ in self.lex.plural_noun_tags \
                    and first.end < m.start and all(t.pos_ == "CCONJ" or t.text == "," for t in doc[first.end:m.start]):
                first.text = f"{first.text}{doc[first.end - 1].whitespace_}{doc[first.end:m.end].text}"
                first.end = m.end
                continue
            out.append(m)
        return out

    def _syntactic_heads(self, doc: Doc, m: Mention) -> list[int]:
        """Tokens the parse may make the head of the phrase: the noun, the words of its count ('Dozens of
        civilians'), and a group noun before it ('a group of 20 saboteurs')."""
        out = list(range(m.start, m.end))
        head = doc[m.head]
        if not m.bare and head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.i > 0:
            group = head.head.head
            if group.lemma_.lower() in self.lex.victim_group_heads and group.i < head.i and not group._.cl_vt:
                out.append(group.i)
        return out

    # -- heads --------------------------------------------------------------------------------------
    def _is_head(self, tok: Token) -> bool:
        lex = self.lex
        kind = tok._.cl_n
        if not kind:
            return False
        doc = tok.doc
        if tok._.cl_k and kind != "equipment":
            return False  # "the wounded": a claim noun naming its own victims (see _is_self_trigger)
        ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None and ent.label_ in ("ORG", "PERSON", "FAC", "WORK_OF_ART", "LAW", "EVENT") \
                and len(ent) > 1 and tok.lower_ not in lex.nationality_people_nouns and kind != "equipment" \
                and not any(t._.cl_q for t in ent) and not self.tagger.group_name(tok):
            return False  # "the General Staff", "Special Operations Forces": names of institutions
        if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in lex.institution_heads and doc[tok.i + 1].text[:1].isupper():
            return False  # "the Border Guard Service"
        if tok.lower_ in lex.institution_heads and tok.text[:1].isupper() and tok.i > 0 \
                and doc[tok.i - 1].text[:1].isupper() and doc[tok.i - 1].pos_ in ("PROPN", "ADJ"):
            return False  # "the General Staff", "the Operational Command": institutions
        if tok.dep_ == "poss" and tok.head.i > tok.i and not tok.head._.cl_k:
            return False  # "a farmers' market", "the enemy's plans": owners, not victims
        if self._modifies_victim(tok):
            return False  # "infantry soldiers", "Shahed drones", "Buk-M1 air defence systems": the last noun
        if tok.lemma_.lower() in lex.victim_group_heads and any(
                c.dep_ == "prep" and c.lower_ in lex.partitive_prepositions
                and any(x._.cl_n and x.i > c.i for x in c.subtree) and any(x._.cl_q for x in c.subtree)
                for c in tok.children):
            return False  # "a force of over 10,000 troops": the troops, counted, are the victims
        if tok.lemma_.lower() in lex.people_unknown and any(
                c.dep_ == "prep" and c.lower_ == "of" and any(x._.cl_n for x in c.subtree) for c in tok.children):
            return False  # "the lives of 10 fighters": the fighters are the victims
        if kind == "equipment" and tok.dep_ in ("compound", "amod", "nmod") and tok.head.i > tok.i \
                and tok.head.pos_ == "NOUN" and not tok.head._.cl_n and not tok.head._.cl_k:
            return False  # "drone attack", "missile strike": a means, not a victim
        if tok._.cl_h and tok.i + 1 < len(doc) and (doc[tok.i + 1].pos_ in ("NOUN", "PROPN", "X")
                                                   or doc[tok.i + 1]._.cl_n == "equipment") \
                and doc[tok.i + 1].lower_ not in ("'s", "’s"):
            return False  # "an enemy bomber", "enemy vehicles": a modifier
        return True

    @staticmethod
    def _modifies_victim(tok: Token) -> bool:
        """A modifier in a chain of compounds whose head, further right, names victims."""
        t = tok
        for _ in range(6):
            if t.dep_ not in ("compound", "amod", "nmod", "punct") or t.head.i <= t.i:
                return False
            t = t.head
            if t._.cl_n and t.i - tok.i <= 6:
                return True
        return False

    def _is_self_trigger(self, tok: Token) -> bool:
        return bool(tok._.cl_k) and tok._.cl_kf in ("noun", "adj") and (
            self._names_people(tok) or self._counted_beside_people(tok)) \
            and tok.dep_ not in ("amod",) and not (tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1]._.cl_n
                                                    and tok.doc[tok.i + 1].pos_ in ("NOUN", "PROPN"))

    def _names_people(self, tok: Token) -> bool:
        return tok.lower_ in self.lex.person_trigger_nouns or tok.lemma_.lower() in self.lex.person_trigger_nouns

    def _counted_beside_people(self, tok: Token) -> bool:
        """'7 deaths and 11 injuries': a counted claim noun joined to a counted one that names people counts
        people too (alone, 'injuries' may count wounds)."""
        head = tok.head
        return tok.dep_ == "conj" and head._.cl_k != "" and self._names_people(head) \
            and any(c.dep_ == "nummod" for c in tok.children) and any(c.dep_ == "nummod" for c in head.children)

    def _noun_mention(self, doc: Doc, tok: Token, qspans: list[QSpan], used: set[int]) -> Mention:
        lex = self.lex
        self._total: Quantity | None = None
        qs = self._quantity_for(doc, tok, qspans, used)
        start = qs.start if qs is not None else _left_edge(doc, tok)
        while start > 0 and (doc[start - 1]._.cl_h or doc[start - 1].pos_ == "DET" and start > 1
                             and doc[start - 2]._.cl_h is False and doc[start]._.cl_h) and tok._.cl_n == "equipment":
            start -= 1  # "an enemy Su-25": the hostile word before a model name is part of the phrase
        end = self._right_extension(doc, tok, tok.i + 1)
        quantity = qs.quantity if qs is not None else None
        if quantity is None and tok.lemma_.lower() in lex.victim_group_heads and tok.i + 2 < len(doc) \
                and doc[tok.i + 1].lower_ == "of":
            after = find_quantities(doc[tok.i + 2: tok.i + 5].text)
            if after and after[0].start == 0:
                quantity = after[0].quantity  # "a family of four"
        if quantity is None and any(t.lower_ in lex.generic_determiners for t in doc[start:tok.i]):
            quantity = Quantity(None, None, "unspecified", "")  # "every downed missile": generic
        if quantity is None:
            quantity = self._implicit_quantity(doc, tok, start)
        vtype = tok._.cl_n
        span = doc[start:end]
        party = next((t._.cl_p for t in span if t._.cl_p and not self._origin_word(t, vtype)), None)
        hostile = " ".join(t.text for t in span if t._.cl_h)
        if vtype == "civilian" and tok._.cl_h:
            vtype = "military"
        words = " ".join(t.lower_ for t in span)
        if vtype != "equipment" and any(w in words for w in lex.mixed_type_words):
            vtype = "mixed"
        text = span.text
        if quantity.text and text.startswith(quantity.text):
            text = text[len(quantity.text):].strip()
        return Mention(start=start, end=end, head=tok.i, quantity=quantity, vtype=vtype,
                       item=tok._.cl_it or None, party=party, hostile=hostile, text=text, total=self._total)

    def _origin_word(self, tok: Token, vtype: str) -> bool:
        return vtype == "equipment" and tok.lower_ in self.lex.equipment_origin_words

    def _self_trigger_mention(self, doc: Doc, tok: Token, qspans: list[QSpan], used: set[int]) -> Mention:
        qs = self._quantity_for(doc, tok, qspans, used)
        start = qs.start if qs is not None else tok.i
        quantity = qs.quantity if qs is not None else self._implicit_quantity(doc, tok, _left_edge(doc, tok))
        mods = doc[(qs.end if qs is not None else start):tok.i]
        vtype = "unknown"
        for t in mods:
            kind = self.tagger.people_class(t) if t.pos_ in ("ADJ", "NOUN", "PROPN") else ""
            if kind in ("military", "civilian"):
                vtype = kind
        party = next((t._.cl_p for t in mods if t._.cl_p), None)
        text = " ".join(t.text for t in mods if not t._.cl_q and t.pos_ not in ("DET", "ADP"))
        return Mention(start=start, end=tok.i + 1, head=tok.i, quantity=quantity, vtype=vtype, party=party,
                       hostile=" ".join(t.text for t in mods if t._.cl_h), text=text or tok.text, self_trigger=True)

    def _quantity_for(self, doc: Doc, head: Token, qspans: list[QSpan], used: set[int]) -> QSpan | None:
        """The count of a noun: the last quantity before it joined by modifiers only ('13 North Korean
        soldiers', 'dozens of wounded'); in '18 of 20 drones' the first number counts."""
        lex = self.lex
        best: int | None = None
        for k, qs in enumerate(qspans):
            if k in used or qs.end > head.i:
                continue
            between = doc[qs.end:head.i]
            if len(between) > 7:
                continue
            if any(t.pos_ not in _FILLER_POS and not (t.pos_ == "PRON" and t.dep_ == "poss")
                   and not _joins_adjectives(t) for t in between):
                continue
            if any(t.pos_ == "VERB" and t.tag_ not in lex.participle_tags and t.tag_ not in lex.gerund_tags
                   and t.dep_ != "amod"
                   for t in between):
                continue
            if any((t.lower_ in lex.count_breakers and not _joins_adjectives(t)) or spaced_dash(t) for t in between):
                continue  # '… injures five - governor': a dash between spaces ends the phrase
            if any(t.pos_ == "NUM" and not (t.i > 0 and doc[t.i - 1].text == "-")
                   and not any(ch.isalpha() for ch in t.text) for t in between):
                continue
            if any(t.pos_ == "ADP" and t.lower_ != "of" for t in between):
                continue
            best = k
        if best is None:
            return None
        if best > 0 and best - 1 not in used and doc[qspans[best - 1].end:qspans[best].start].text.strip().lower() == "of":
            used.add(best)
            self._total = qspans[best].quantity
            best -= 1
        used.add(best)
        return qspans[best]

    def _right_extension(self, doc: Doc, head: Token, end: int) -> int:
        """'soldiers of the Armed Forces of Ukraine', 'troops from North Korea': the owner belongs to the phrase."""
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in self.lex.owner_prepositions and child.i == end:
                sub = _without_clauses(child)
                if any(t._.cl_p or t._.cl_h for t in sub):
                    return max(end, sub[-1].i + 1)
                if head._.cl_n != EQUIPMENT and not any(t._.cl_q for t in sub) and any(
                        t._.cl_n and t._.cl_n != EQUIPMENT and t.dep_ == "pobj" for t in sub):
                    return max(end, sub[-1].i + 1)   # 'four members of a village family': one group
        return end

    def _implicit_quantity(self, doc: Doc, head: Token, start: int) -> Quantity:
        """No number: a singular with a/an/another → 1; 'no casualties' → 0; plural or mass → unspecified."""
        lex = self.lex
        left = doc[max(0, min(start, head.i - 2)):head.i]
        words = [t.lower_ for t in left]
        vague = next((t.text for t in left if t.lower_ in lex.unspecified_quantity_words), None)
        if vague:
            return unspecified(vague)
        negator = next((w for w in words if w in lex.negators), None)
        if negator is not None:
            return zero(f"{negator} {head.text}")
        running = next((t for t in doc[start:head.i] if t.head.i == head.i
                        and _ordinal_value(t.lower_, lex.ordinal_suffixes)), None)
        if running is not None:   # 'the 200th downed aircraft' (not 'the 93rd Brigade's men'): a running total
            value = _ordinal_value(running.lower_, lex.ordinal_suffixes)
            return exactly(value or 0, running.text)
        if head.lemma_.lower() in lex.victim_group_heads:
            return unspecified("")   # 'destroyed a sabotage group': a group, its people uncounted
        article = next((w for w in words if w in lex.singular_articles), None)
        if article is not None:
            return single(article)
        if head._.cl_it and any(ch.isdigit() for ch in head.text):
            return single("")  # 'shot down Su-25': a model name is one machine
        singular = head.tag_ in lex.singular_noun_tags or (head.tag_ == "JJ" and not head.lower_.endswith("s"))
        if singular and head.lemma_.lower() not in lex.mass_nouns and head.lower_ not in lex.adjective_family:
            return single("")  # 'a body', 'the body' (not 'the dead', 'the wounded': many)
        return unspecified("")

    # -- counts without nouns -----------------------------------------------------------------------
    def _bare_mention(self, doc: Doc, qs: QSpan) -> Mention | None:
        lex = self.lex
        first, last = doc[qs.start], doc[qs.end - 1]
        after = doc[qs.end: qs.end + 3]
        partitive = len(after) >= 2 and after[0].lower_ == "of" and after[1].lower_ in lex.partitive_objects or (
            qs.start >= 2 and doc[qs.start - 2].lower_ == "of" and doc[qs.start - 1].lower_ in lex.partitive_objects)
        nxt = after[0] if len(after) else None
        prev = doc[qs.start - 1] if qs.start > 0 else None
        ok = partitive or nxt is None
        if not ok and nxt is not None:
            ok = nxt.pos_ in ("AUX", "VERB") or bool(nxt._.cl_k) or nxt.lower_ in lex.bare_count_followers
            if nxt.lower_ == "of":
                ok = len(after) > 1 and bool(after[1]._.cl_k or (len(after) > 2 and after[2]._.cl_k))
        if prev is not None and (prev.lower_ in lex.count_result_words or prev.lemma_.lower() in lex.result_verbs
                                 or prev._.cl_k and prev.pos_ == "VERB"):
            ok = True  # "rose to 45", "wounded 12 over the past day"
        nxt_noun = next((t for t in doc[qs.end: qs.end + 4] if t.pos_ in ("NOUN", "PROPN")), None)
        if ok and nxt_noun is not None and nxt_noun.i <= qs.end + 3 and not nxt_noun._.cl_n \
                and nxt_noun.lower_ not in lex.others_words and nxt_noun.ent_type_ not in ("DATE", "TIME") \
                and not (nxt_noun._.cl_k and nxt_noun.lower_ in lex.person_trigger_nouns) and nxt_noun._.cl_kf not in ("verb", "adj") \
                and all(t.pos_ in ("ADJ", "ADV", "PROPN", "NOUN") or t.lower_ in lex.others_words
                        or t.tag_ in lex.participle_tags and t.dep_ == "amod" for t in doc[qs.end:nxt_noun.i]):
            ok = False  # "two more brigades", "12 destroyed houses": counts of something else
        if prev is not None and prev.pos_ in ("PROPN", "NOUN") and not prev._.cl_k and prev.whitespace_ \
                and prev.i + 1 == qs.start and not prev._.cl_n:
            ok = False  # "Route 19", "Unit 5": a number in a name
        if not ok or (qs.is_unit and not partitive) or is_year(qs.quantity.text or ""):
            return None
        quantity = qs.quantity
        if prev is not None and prev.lower_ in lex.negators and quantity.low == 1:
            quantity = zero(f"{prev.text} {quantity.text}")  # "no one was killed"
        end = qs.end + (2 if partitive else 0)
        head = last.i if not partitive else first.i
        if not partitive and nxt is not None and nxt.lower_ in lex.others_words:
            end, head = qs.end + 1, nxt.i   # 'several others were detained': the word after the count heads it
        return Mention(start=qs.start, end=min(end, len(doc)), head=head,
                       quantity=quantity, vtype=BARE, text="", bare=True, partitive=partitive)

    def _named_people(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """A named person is one victim ('journalist X was killed'); the role word before the name, if any, gives
        the type."""
        taken = {i for m in mentions for i in range(m.start, m.end)}
        out = []
        for ent in doc.ents:
            if ent.label_ != "PERSON" or any(i in taken for i in range(ent.start, ent.end)):
                continue
            role = doc[ent.start - 1] if ent.start > 0 else None
            if role is not None and role._.cl_n in ("military", "civilian") and role.i in taken and len(ent) < 2:
                continue  # 'his son Taras': the name restates a counted person noun, one victim
            if (role is None or not role._.cl_n) and len(ent) < 2:
                continue  # a single capitalised word is as often a place as a person: only a role makes it one
            vtype = role._.cl_n if role is not None and role._.cl_n in ("military", "civilian") else "civilian"
            out.append(Mention(start=ent.start, end=ent.end, head=ent.root.i, quantity=single(""), vtype=vtype,
                               text=ent.text, person=True))
            taken.update(range(ent.start, ent.end))
            out.extend(self._coordinated_names(doc, ent.root, vtype, taken))
        return out

    @staticmethod
    def _coordinated_names(doc: Doc, root: Token, vtype: str, taken: set[int]) -> list[Mention]:
        """'A. Name and B. Other were killed': a full name joined to a named person is a person too, whatever the
        entity tagger called it (two named people are two victims)."""
        out = []
        for conj in list_members(root):
            if conj.i < root.i or conj.pos_ != "PROPN" or conj.i in taken:
                continue
            start = min([conj.i, *(c.i for c in conj.lefts if c.dep_ == "compound" and c.pos_ == "PROPN")])
            if conj.i - start < 1 or any(i in taken for i in range(start, conj.i + 1)):
                continue
            taken.update(range(start, conj.i + 1))
            out.append(Mention(start=start, end=conj.i + 1, head=conj.i, quantity=single(""), vtype=vtype,
                               text=doc[start:conj.i + 1].text, person=True))
        return out

    def _pronoun_and_share_mentions(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        lex = self.lex
        taken = {i for m in mentions for i in range(m.start, m.end)}
        out: list[Mention] = []
        for tok in doc:
            if tok.i in taken:
                continue
            if tok.lower_ in lex.singular_pronouns and tok.dep_ in ("nsubj", "nsubjpass"):
                out.append(Mention(start=tok.i, end=tok.i + 1, head=tok.i, quantity=single(""), vtype="unknown",
                                   text=tok.text, pronoun=True))
            elif tok.lower_ in lex.others_words and self._others_of_claim(tok):
                q = single(tok.text) if tok.lower_ in lex.singular_articles else unspecified(tok.text)
                out.append(Mention(start=tok.i, end=tok.i + 1, head=tok.i, quantity=q, vtype=BARE, text="",
                                   bare=True))  # 'one dead and another injured', '… and others wounded'
            elif tok.lower_ in lex.antecedent_pronouns and tok.pos_ == "PRON" and tok.dep_ in ("dobj", "nsubjpass"):
                out.append(Mention(start=tok.i, end=tok.i + 1, head=tok.i, quantity=unspecified(""), vtype=BARE,
                                   text=tok.text, bare=True, partitive=True))  # 'kidnaps them': the people named before
            elif tok.lower_ in lex.vague_share_words and tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "of" \
                    and doc[tok.i + 2].lower_ in lex.partitive_objects:
                q = zero(doc[tok.i:tok.i + 3].text) if tok.lower_ in lex.zero_words else _share_quantity(tok.text)
                out.append(Mention(start=tok.i, end=tok.i + 3, head=tok.i, quantity=q, vtype=BARE, text="",
                                   bare=True, partitive=True))
        return out

    def _others_of_claim(self, tok: Token) -> bool:
        """'another injured', 'and wound another', 'another was wounded': more victims of a claim word."""
        lex, doc = self.lex, tok.doc
        if tok.i + 1 < len(doc) and doc[tok.i + 1]._.cl_k and doc[tok.i + 1].tag_ in lex.participle_tags:
            return True
        return tok.pos_ in ("PRON", "NOUN", "ADJ", "DET") and bool(tok.head._.cl_k) and tok.head.i != tok.i \
            and tok.n_lefts + tok.n_rights == 0 and (
            tok.dep_ in lex.subject_deps or tok.dep_ in lex.object_deps)


def _joins_adjectives(tok: Token) -> bool:
    """'32 Ukrainian and foreign journalists': a conjunction between two modifiers of one noun."""
    return tok.pos_ == "CCONJ" and tok.head.pos_ == "ADJ" and tok.head.dep_ == "amod"


def list_members(tok: Token) -> list[Token]:
    """The other members of a coordination: conjuncts, and in 'A, B and C' the B that the parser hangs on A as an
    apposition (with C as B's conjunct)."""
    listed = [c for c in tok.children if c.dep_ == "appos" and c.pos_ == tok.pos_ and any(
        g.dep_ == "conj" for g in c.children)]
    return [*tok.conjuncts, *listed, *(g for c in listed for g in c.conjuncts)]


def _share_quantity(word: str) -> Quantity:
    from claimledger.normalize.quantities import parse_quantity

    return parse_quantity(word) or unspecified(word)


def _left_edge(doc: Doc, head: Token) -> int:
    i = head.i
    while i > 0:
        t = doc[i - 1]
        if t.ent_type_ in ("GPE", "LOC", "FAC") and t.pos_ == "PROPN" and doc[i].text in ("-", "–", "—", ",", ":"):
            break  # "in Donbas - civilians killed": the place is not part of the victims
        if spaced_dash(t):
            break  # "… injures five - governor": a dash between spaces ends the phrase
        if (t.dep_ in _LEFT_DEPS and t.head.i >= i - 1) or (t.text in ("-", "–") and t.dep_ == "punct") \
                or (t.pos_ == "ADJ" and t.head.i == head.i):
            i -= 1
        else:
            break
    return i


def _outermost(mentions: list[Mention]) -> list[Mention]:
    """Drop a mention nested inside a longer one; keep sentence order."""
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for m in mentions:
        if any(k.start <= m.start and m.end <= k.end and (k.end - k.start) > (m.end - m.start)
               and not (m.self_trigger or k.self_trigger) for k in kept):
            continue
        kept.append(m)
    return kept


def mention_at(doc: Doc, i: int) -> Any:
    """The mention whose head is token i, else None."""
    index = doc[i]._.cl_mi
    mentions = doc._.cl_ms or []
    return mentions[index] if 0 <= index < len(mentions) else None


_CLAUSE_DEPS = ("relcl", "appos", "acl")


def _without_clauses(tok: Token) -> list[Token]:
    """A prepositional phrase up to its first clause or apposition: 'troops from X, a city that was shelled by
    Y' ends at X (Y's party says nothing of whose the troops are)."""
    cut = min((d.left_edge.i for d in tok.subtree if d.dep_ in _CLAUSE_DEPS and d.i > tok.i), default=None)
    sub = list(tok.subtree)
    if cut is None:
        return sub
    kept = [t for t in sub if t.i < cut]
    while kept and kept[-1].is_punct:
        kept.pop()
    return kept


def _ordinal_value(word: str, suffixes: frozenset[str]) -> int | None:
    """200 for '200th', 1000 for '1,000th'; None for anything else."""
    digits = word.replace(",", "")
    for suffix in suffixes:
        if digits.endswith(suffix) and digits[:-len(suffix)].isdigit():
            return int(digits[:-len(suffix)])
    return None

