"""Who makes a claim: the attribution frames of reporting, each a small rule over the lexicon's words.

Frames, in the order a claim is attributed (see `Attributor.for_trigger`): a quotation around the claim (its
speaker named after it, before it, or in an earlier sentence); reported speech whose clause holds the claim
('X said that …'; a pronoun subject is resolved to the last named speaker or institution); 'according to X';
a headline's tail ('… - governor') or label ('DPR: …'); a speaker turn in a transcript ('Name: …'); the
document's own speaker (an address) or an official site's voice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, auto
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Token

from claimledger.extraction.lexicon import Lexicon, alternation
from claimledger.extraction.tags import surface
from claimledger.model import Document
from claimledger.normalize import parties
from claimledger.normalize.quantities import find_quantities

_NAME_WORD = r"[\w'’.\-]"


class Origin(Enum):
    reported = auto()   # subject of a reporting verb
    pronoun = auto()    # 'he said': resolved to an earlier speaker
    according = auto()  # 'according to X'
    quote = auto()      # a quotation's speaker
    tail = auto()       # a headline's tail or label
    turn = auto()       # a transcript turn
    speaker = auto()    # the document's speaker
    press = auto()      # an official site's own voice


@dataclass
class Attribution:
    name: str | None
    side: str | None
    date_text: str | None = None          # a date on the reporting verb ("on Tuesday")
    origin: Origin = Origin.press
    span: tuple[int, int] | None = None   # where the name stands in its sentence (reported speech)


def side_for(name: str | None, context: str) -> str | None:
    return parties.side_of_claimant(name, context)


class Attributor:
    """Attribution frames of one language, compiled once."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        report = alternation(lex.report_verb_forms)
        self.report_re = re.compile(r"(?i)\b" + report + r"\b")
        self.restated_re = re.compile(r"(?i)\s*" + alternation(lex.demonstrative_pronouns) + r"\s+(?:\w+\s+){1,2}"
                                      + report + r"\s+" + alternation(lex.agent_prepositions) + r"\b")
        self.tail_re = re.compile(r"\s[-–—]\s+(?P<w>[^-–—.!?\"]{2,70}?)\s*[.!?]?$")
        self.colon_tail_re = re.compile(r":\s+(?P<w>[^:.!?\"\d]{2,40}?)\s*$")
        self.trail_re = re.compile(r",\s+(?P<w>" + _NAME_WORD[:-1] + r" ]{2,60}?)\s+" + report
                                   + r"(?:\s+\w+){0,3}\s*[.!?]?$")
        self.reported_in_re = re.compile(r",\s+" + report + r"\s+" + alternation(lex.instrument_words | {"in", "at"})
                                         + r"\s+(?P<w>" + _NAME_WORD[:-1] + r" ]{2,50}?)\s*[.!?]?$")
        det = alternation(lex.determiners)
        joiner = alternation(lex.name_prepositions)
        self.according_re = re.compile(
            r"(?i)\b" + alternation(lex.according_markers) + r"\s+(?P<w>(?:" + det + r"\s+)?[A-Z]" + _NAME_WORD
            + r"*(?:\s+(?:" + joiner + r"\s+" + det + r"\s+|" + joiner + r"\s+|" + det + r"\s+|'s\s+)?[A-Z]"
            + _NAME_WORD + r"*){0,6}|(?:" + det + r"\s+)?[a-z]+(?:\s+[a-z]+)?\s+" + alternation(lex.claimant_roles)
            + r")")
        self.label_re = re.compile(r"^(?P<w>[A-Z][\w'’.\- ]{1,60}?):\s+\S")
        self.turn_re = re.compile(r"^([A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,2}):\s+\S")
        self.dateline_re = re.compile(r"^[A-Z][A-Z .'’-]{1,40}\s*(?:\([^)]*\)\s*)?[-—–]\s+")
        self.speaker_re = re.compile(r"((?:[A-Z]" + _NAME_WORD + r"*\s+){0,6}[A-Z]" + _NAME_WORD
                                     + r"*)(?:\s+\([^)]*\))?(?:,[^,]{1,60},)?\s+" + report + r"\b")
        self.initial_re = re.compile(r"^((?:[A-Z]" + _NAME_WORD + r"*\s+){0,5}(?:[A-Z]" + _NAME_WORD + r"*))\s+")
        self.role_re = lex.phrase_re(lex.claimant_roles)
        self._source_modifiers = lex.determiners | lex.first_person_actor_words | {
            w for g in lex.generic_sources for w in g.split()}   # 'our latest' in 'according to our latest data'
        self.institution_re = lex.phrase_re(lex.institution_heads | lex.claimant_roles - lex.people_civilian)
        self.claim_word_re = lex.phrase_re(set(lex.verb_family) | lex.report_verb_forms | set(lex.adjective_family))
        self.tail_stop_re = lex.phrase_re(lex.passive_auxiliaries | lex.first_person_pronouns | lex.first_person_actor_words
                                          | lex.possessive_reference_words
                                          | lex.third_person_pronouns | lex.demonstrative_pronouns
                                          | lex.modal_auxiliaries)

    # -- frames without a parse ---------------------------------------------------------------------
    def tail_start(self, sentence: str) -> int | None:
        """Where a headline's source tail begins ('… - governor', '…: officials'): no victim stands in it."""
        for regex in (self.tail_re, self.colon_tail_re):
            m = regex.search(sentence)
            if m and self._names_a_source(m.group("w").strip()):
                return m.start("w")
        return None

    def _names_a_source(self, who: str) -> bool:
        words = who.split()
        return 1 <= len(words) <= 8 and not self.claim_word_re.search(who) \
            and words[0].lower() not in self.lex.locative_prepositions and not find_quantities(who) \
            and not self.tail_stop_re.search(who) and not who[:1].isdigit()

    def tail(self, sentence: str) -> Attribution | None:
        """'… - Gaidai', '… — General Staff', '…: officials', '…, the republic reported', '…, reported in the
        ministry'."""
        lex = self.lex
        m = self.tail_re.search(sentence)
        if m is None and self.label_re.match(sentence) is None:
            m = self.colon_tail_re.search(sentence)
        if m:
            who = m.group("w").strip()
            if self._names_a_source(who):
                return Attribution(name=who, side=side_for(who, sentence), origin=Origin.tail)
        m = self.reported_in_re.search(sentence)
        if m:
            who = m.group("w").strip()
            return Attribution(name=who, side=side_for(who, sentence), origin=Origin.tail)
        m = self.trail_re.search(sentence)
        if m:
            who = m.group("w").strip()
            if who.lower() not in self._pronouns() and len(who.split()) <= 8 \
                    and not lex.phrase_re(lex.clause_breakers | lex.modal_auxiliaries | lex.negators
                                          | lex.generic_sources | lex.passive_auxiliaries).search(who):
                return Attribution(name=who, side=side_for(who, sentence), origin=Origin.tail)
        return None

    def label(self, sentence: str) -> Attribution | None:
        """Headlines led by their source: 'Defense Ministry: …', 'DPR: …' (a clause or a place is not a source)."""
        lex = self.lex
        m = self.label_re.match(sentence)
        if not m:
            return None
        who = m.group("w").strip()
        if len(who.split()) > 6 or who.lower() in lex.speaker_label_blocklist:
            return None
        if any(w[:1].islower() and w.lower() not in lex.claimant_label_lower_words and not self.role_re.fullmatch(w)
               for w in re.findall(r"[\w'’-]+", who)):
            return None
        side = side_for(who, sentence)
        if side is None and not self.role_re.search(who):
            return None
        return Attribution(name=who, side=side, origin=Origin.tail)

    def according_to(self, sentence: str) -> Attribution | None:
        m = self.according_re.search(sentence)
        if not m:
            return None
        who = m.group("w").strip().rstrip(",.;:")
        low = who.lower()
        if low in self.lex.generic_sources or any(low.startswith(g + " ") for g in self.lex.generic_sources
                                                   if " " not in g) or self._own_generic_source(low):
            return None
        return Attribution(name=who, side=side_for(who, sentence), origin=Origin.according)

    def _own_generic_source(self, low: str) -> bool:
        """'according to our latest estimates': data with no owner but the speaker (who is then the claimant)."""
        words = low.split()
        return len(words) > 1 and words[-1] in self.lex.generic_sources \
            and all(w in self._source_modifiers for w in words[:-1])

    def turn(self, sentence: str) -> str | None:
        m = self.turn_re.match(sentence)
        if m and m.group(1).lower() not in self.lex.speaker_label_blocklist \
                and m.group(1).split()[0].lower() not in self.lex.speaker_label_blocklist:
            return m.group(1)
        return None

    def regex_speaker(self, text: str) -> str | None:
        """A speaker for sentences that are not parsed: 'Capitalised Name … said'."""
        m = self.speaker_re.search(text)
        if not m:
            return None
        name = m.group(1).strip()
        first = name.split()[0].lower()
        if name.lower() in self._pronouns():
            return None
        if first in self.lex.locative_prepositions or first in self._pronouns():
            return None
        return name

    def initial_subject(self, sentence: str) -> Attribution | None:
        """A named institution opening a sentence ('The Defence Ministry did not comment …'): the antecedent
        of a later 'It said …'."""
        m = self.initial_re.match(sentence)
        if not m or not self.is_institution(m.group(1)):
            return None
        name = m.group(1)
        return Attribution(name=name, side=side_for(name, sentence), origin=Origin.reported)

    def is_institution(self, name: str | None) -> bool:
        return bool(name and (self.institution_re.search(name) or re.search(r"\b[A-Z]{2,}\b", name)))

    def _pronouns(self) -> frozenset[str]:
        lex = self.lex
        return lex.first_person_pronouns | lex.third_person_pronouns | lex.relative_pronouns | lex.demonstrative_pronouns

    # -- reported speech on a parse -----------------------------------------------------------------
    def reported(self, doc: Doc, target: int | None = None) -> tuple[Attribution, int] | None:
        """The subject of a reporting verb ('Ukraine's SOF announced on Tuesday that …'); with `target`, only a
        verb whose clause holds that token."""
        lex = self.lex
        for tok in doc:
            if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in lex.report_verbs:
                continue
            if target is not None and not _governs(doc, tok, target):
                continue
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subj is None:
                continue
            if subj.lower_ in self._pronouns():
                return Attribution(name=subj.text, side=None, date_text=self.verb_date(doc, tok),
                                   origin=Origin.pronoun), tok.i
            start, end = subj.left_edge.i, self._name_end(lex, doc, subj)
            name = self.dateline_re.sub("", surface(doc, start, end))
            if name.lower() in lex.generic_sources:
                continue
            if not any(t.pos_ == "PROPN" or t.ent_type_ in ("ORG", "PERSON", "GPE", "NORP") for t in doc[start:end]) \
                    and not self.role_re.search(name):
                continue
            return Attribution(name=name, side=side_for(name, doc.text), date_text=self.verb_date(doc, tok),
                               origin=Origin.reported,
                               span=(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))), tok.i
        return None

    def restated_by(self, text: str) -> Attribution | None:
        """'This was stated by X': a passive reporting verb whose subject points back at what was just said
        names the speaker of the sentence before (and of the unattributed report that goes on after it). Read
        from the text (no parse needed): the title and name after the agent preposition, through determiners
        and title joiners, up to the last capitalised word."""
        m = self.restated_re.match(text)
        if m is None:
            return None
        lex = self.lex
        words: list[str] = []
        for raw in text[m.end():].split():
            w = raw.strip(",.;:!?\"“”")
            if not (w[:1].isupper() or w.lower() in lex.determiners or w.lower() in lex.title_joiners):
                break
            words.append(w)
            if raw[-1:] in ",.;:!?":
                break
        while words and not words[-1][:1].isupper():
            words.pop()
        if not words:
            return None
        name = " ".join(words)
        return Attribution(name=name, side=side_for(name, text), origin=Origin.reported)

    @staticmethod
    def _name_end(lex: Lexicon, doc: Doc, subj: Token) -> int:
        """Keep names right of the head ('Pentagon spokesman Maj. Gen. Pat Ryder') and their 'of' phrase ('the
        head of the district administration')."""
        end = subj.i + 1
        while end < len(doc) and doc[end].dep_ in lex.name_extension_deps and doc[end].head.i == subj.i \
                and doc[end].pos_ == "PROPN":
            end += 1
        while end < len(doc) and doc[end].dep_ == "prep" and doc[end].head.i in range(subj.left_edge.i, end) \
                and doc[end].lower_ in lex.name_prepositions:
            end = max(t.i for t in doc[end].subtree) + 1
        return end

    def verb_date(self, doc: Doc, verb: Token) -> str | None:
        """A date on the reporting verb, or opening the sentence ('On Saturday, … said')."""
        lex = self.lex
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        subj_start = subj.left_edge.i if subj is not None else verb.i
        for ent in doc.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            root = ent.root
            hops = [root.head, root.head.head, root.head.head.head, root.head.head.head.head]
            opening = ent.end <= subj_start and verb.dep_ == "ROOT" and verb in root.ancestors
            via_statement = verb in hops and any(h.lemma_.lower() in lex.report_nouns for h in hops[:3])
            if verb in hops[:2] or (ent.start <= 2 and verb.dep_ == "ROOT") or opening or via_statement:
                prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
                return f"{prev} {ent.text}".strip() if prev in lex.statement_date_prepositions else ent.text
        return None


def _governs(doc: Doc, verb: Token, target: int) -> bool:
    """The reporting verb covers the target: the target sits in its clause (not in its subject), or the verb
    trails the claim ('…, the republic reported')."""
    tgt = doc[target]
    if verb in tgt.ancestors:
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        return not any(tgt in s.subtree for s in subjects)
    return (verb.dep_ in ("parataxis", "ccomp", "advcl") and verb.head.i == target) or (
        verb.dep_ == "ROOT" and tgt.head == verb) or (tgt.dep_ == "ccomp" and tgt.head == verb)


# -- quotations ------------------------------------------------------------------------------------------
@dataclass
class QuoteRegion:
    start: int
    end: int
    attribution: Attribution | None = None


_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»')
_MARKS = re.compile('[\n“”"«»]')
_OPENING = "“\"«"
_CLOSING = "”\"»"


def quote_regions(text: str) -> list[QuoteRegion]:
    """Quotations. Straight quotes are told apart by their neighbours (an opening one stands before a word, a
    closing one after it), so a quote inside a quote does not end the outer one; a quote left open at a paragraph
    end continues when the next paragraph opens with a quote mark (news convention)."""
    regions: list[QuoteRegion] = []
    open_at: int | None = None
    depth, i, n = 0, 0, len(text)
    while i < n:
        mark = _MARKS.search(text, i)   # only quote marks and line ends matter: jump between them
        if mark is None:
            break
        i = mark.start()
        ch = text[i]
        if ch == "\n" and open_at is not None:
            j = i
            while j < n and text[j] in "\n \t":
                j += 1
            if j >= n or text[j] not in _OPENING:
                regions.append(QuoteRegion(open_at, i))
                open_at, depth = None, 0
                i = j
            else:
                i = j + 1
            continue
        if ch in _OPENING or ch in _CLOSING:
            prev = text[i - 1] if i > 0 else " "
            nxt = text[i + 1] if i + 1 < n else " "
            straight = ch == '"'
            opening = (ch in "“«") or (straight and (prev.isspace() or prev in "([—–-:") and not nxt.isspace())
            if opening:
                if open_at is None:
                    open_at, depth = i, 1
                else:
                    depth += 1
            elif open_at is not None:
                depth -= 1
                if depth <= 0:
                    regions.append(QuoteRegion(open_at, i + 1))
                    open_at, depth = None, 0
        i += 1
    if open_at is not None:
        regions.append(QuoteRegion(open_at, n))
    return regions


def speaker_after(attributor: Attributor, text: str, region: QuoteRegion) -> Attribution | None:
    """'"…," Volodymyr Zelensky said.': a speaker right after a quote that ends with a comma (never a new
    paragraph's speaker)."""
    lex = attributor.lex
    after = text[region.end:region.end + 160]
    inside = text[region.start:region.end].rstrip("\"”»").rstrip()
    if not inside.endswith((",", "!", "?", "—", "–", "-", "…")) or "\n" in after[:3]:
        return None
    m = _speaker_after_re(lex.report_verb_forms).match(after)
    if not m:
        return None
    name = (m.group("a") or m.group("b") or "").strip()
    if not name or name.split()[0].lower() in attributor._pronouns():
        return None
    if name[:1].isupper() or re.search(r"[A-Z]", name) or attributor.is_institution(name) \
            or attributor.role_re.search(name):
        return Attribution(name=name, side=side_for(name, after), origin=Origin.quote)
    return None


@lru_cache(maxsize=8)   # one per language's report verbs: built once, not per quotation
def _speaker_after_re(report_verbs: frozenset[str]) -> re.Pattern[str]:
    report = alternation(report_verbs)
    return re.compile(r"\s*,?\s*(?:(?P<a>(?:\w+\s+)?" + _NAME_WORD + r"+(?:\s+" + _NAME_WORD + r"+){0,7}?)\s+"
                      + report + r"\b|" + report + r"\s+(?P<b>(?:\w+\s+)?(?:[A-Z]" + _NAME_WORD + r"*\s+){0,5}[A-Z]"
                      + _NAME_WORD + r"*))")


@lru_cache(maxsize=8)
def _third_person_head_re(titles: frozenset[str], verbs: frozenset[str]) -> re.Pattern[str]:
    head_titles = alternation(t for t in titles if " " not in t)
    return re.compile(r"(?i)\b" + head_titles + r"\s+(?:\w+\s+){0,3}" + alternation(verbs) + r"\b")


# -- the document's own voice ------------------------------------------------------------------------------
def default_attribution(attributor: Attributor, doc: Document) -> Attribution | None:
    """The document's speaker: `speaker` for addresses; an official site's head when the text is in the first
    person or titled as an address, the site's own voice (its state, no name) for its news."""
    lex = attributor.lex
    chan = parties.official_channel(doc.source, doc.url)
    if doc.speaker:
        side = side_for(doc.speaker, "") or (chan or {}).get("side")
        return Attribution(name=doc.speaker, side=side, origin=Origin.speaker)
    if not chan:
        return None
    title = doc.title or ""
    head = _QUOTED.sub(" ", doc.text[:5000])   # a quoted speaker's 'we' is not the site's voice
    first_person = lex.phrase_re(lex.first_person_pronouns | lex.first_person_actor_words).search(head) is not None
    third = _third_person_head_re(lex.head_of_state_titles, lex.third_person_president_verbs).search(
        title + " " + doc.text[:600])
    address = lex.phrase_re(lex.address_title_words).search(title)
    other = _titled_speaker(lex, title[address.end():]) if address else None
    if other and not _same_person(other, chan["head"]):
        return Attribution(name=other, side=chan["side"], origin=Origin.speaker)   # 'Speech by the Head of …'
    if (first_person or address) and not (third and not first_person):
        return Attribution(name=chan["head"], side=chan["side"], origin=Origin.speaker)
    return Attribution(name=None, side=chan["side"], origin=Origin.press)


def _titled_speaker(lex: Lexicon, rest: str) -> str | None:
    """The person an address title names after its agent preposition ('… by <role> Andriy Yermak at …'): the
    last two capitalised words before the first preposition of place or time; None when there are none or they
    name a party."""
    m = re.search(r"\b" + alternation(lex.agent_prepositions) + r"\s+(.+)", rest)
    if m is None:
        return None
    stops = (lex.locative_prepositions | lex.date_prepositions) - lex.name_prepositions
    words: list[str] = []
    for w in m.group(1).split():
        if w in stops:
            break
        words.append(w.strip(",;:"))
    run: list[str] = []
    for w in words:
        run = [*run, w] if w[:1].isupper() else []
    name = run[-2:]
    if len(name) < 2 or any(side_for(w, "") for w in name):
        return None
    return " ".join(name)


def _same_person(a: str, b: str | None) -> bool:
    """Two spellings of one name share a word's first five letters ('Zelenskyy', 'Zelensky')."""
    stems = {w[:5].lower() for w in (b or "").split() if len(w) > 2}
    return any(w[:5].lower() in stems for w in a.split() if len(w) > 2)


def head_of_state(attributor: Attributor, name: str | None, doc: Document) -> Attribution | None:
    """'the President' on an official site is the site's own head of state."""
    if not name or name.strip().lower() not in attributor.lex.head_of_state_titles:
        return None
    chan = parties.official_channel(doc.source, doc.url)
    return Attribution(name=chan["head"], side=chan["side"], origin=Origin.speaker) if chan else None


def span_of(doc: Doc, start: int, end: int) -> Any:
    return doc[start:end]
