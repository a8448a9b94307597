"""One document: its sentences in order, with what earlier sentences said (speakers, quotations, places, the
people last named, attackers named before), the claims of each sentence, and one record per repeated claim."""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from claimledger.extraction.assemble import Assembler, Speakers, historical, is_question
from claimledger.extraction.attribution import (
    Attribution,
    Attributor,
    Origin,
    QuoteRegion,
    default_attribution,
    quote_regions,
    side_for,
    speaker_after,
)
from claimledger.extraction.engine import Engine
from claimledger.extraction.lexicon import Lexicon, alternation
from claimledger.extraction.linking import Candidate, Linker
from claimledger.extraction.resolvers import DocState, Sentence
from claimledger.extraction.resolvers.place import PlaceFinder
from claimledger.extraction.tags import singular
from claimledger.model import Claim, Claimant, Document
from claimledger.normalize import dates, parties


class DocumentExtractor:
    def __init__(self, lex: Lexicon, engine: Engine, attributor: Attributor, places: PlaceFinder,
                 language: str) -> None:
        self.lex = lex
        self.engine = engine
        self.linker = Linker(lex)
        self.attributor = attributor
        self.places = places
        self.assembler = Assembler(lex, attributor, places, language)
        people = alternation(lex.people_military | lex.people_civilian)
        names = alternation(w.lower() for w, _, _ in parties.name_words())
        self._people_party_re = re.compile(r"(?i)\b(" + names + r")(?:\s+[\w-]+){0,2}?\s+" + people + r"s?\b")
        self._plural_party_re = re.compile(r"(?i)\b(" + alternation(lex.nationality_people_nouns) + r")\b")
        self._equipment_re = re.compile(r"(?i)\b(" + alternation(lex.equipment) + r")s?\b")
        people_forms = lex.people_military | lex.people_civilian | lex.nationality_people_nouns
        self._people_words = frozenset(w for p in people_forms for w in (p, p + "s", p.split()[-1], p.split()[-1] + "s"))
        self._civilian_words = frozenset(w for p in lex.people_civilian for w in (p, p + "s"))

    # -- the document -------------------------------------------------------------------------------
    def extract(self, document: Document, sents: list[Sentence], prefilter: Any) -> list[Claim]:
        published = dates.parse_published(document.published)
        scale = 1.0
        if published is None:
            inferred = dates.infer_published(document.text)
            scale = 0.8 if inferred is not None else 0.7   # relative dates cannot be anchored
            published = inferred[0] if inferred is not None else None
        state = DocState(document=document, published=published, lex=self.lex, attributor=self.attributor,
                         place_finder=self.places)
        state.default = default_attribution(self.attributor, document)
        quotes = self._quotes(document.text, sents)
        speakers = Speakers()
        default = state.default
        claims: list[Claim] = []
        seen: dict[tuple[Any, ...], list[tuple[Claim, str]]] = {}
        antecedent: tuple[str | None, str | None, str | None] = (None, None, None)
        equipment: tuple[str | None, str | None] | None = None
        causes: list[tuple[str, str | None]] = []
        paragraph, prev_text, newlines, counted_to = -1, "", 0, 0
        for s in sents:
            newlines += document.text.count("\n", counted_to, s.start)
            counted_to = s.start
            s.paragraph = newlines
            if s.paragraph != paragraph:
                paragraph, causes = s.paragraph, []
            turn = self.attributor.turn(s.text)
            if turn:
                chan = parties.official_channel(document.source, document.url)
                default = Attribution(turn, side_for(turn, s.text) or (state.default.side if state.default else None)
                                      or (chan or {}).get("side"), origin=Origin.turn)
            s.antecedent, s.antecedent_type, s.antecedent_item = antecedent
            s.antecedent_equipment = equipment
            s.prev_text, prev_text = prev_text, s.text
            s.causes = list(causes)
            state.sentences.append(s)
            if s.parse is not None:
                s.places = self.places.in_sentence(s)
            if s.parse is not None:
                self._note_speaker(s.parse, speakers)
            self._restated(s, state.sentences[-2] if len(state.sentences) > 1 else None, claims, speakers, default)
            if s.parse is not None and prefilter.search(s.text):
                for claim in self._sentence(state, s, s.parse, quotes, speakers, default):
                    claim.confidence *= scale
                    if not _merge_repeat(seen, claim, self._named_victims(claim)):
                        claims.append(claim)
            antecedent = self._antecedent(s) or antecedent
            equipment = self._equipment_named(s) or equipment
            if s.parse is not None:
                found = self._causes(state, s)
                causes.extend(found)
                state.attackers.extend(found)
                state.attackers.extend((c.perpetrator.text or "", c.perpetrator.party) for c in claims
                                       if c.perpetrator is not None and c.perpetrator.party
                                       and c.evidence.start == s.start)
                person = next((e.text for e in reversed(s.parse.ents) if e.label_ == "PERSON"), None)
                if person:
                    state.last_person_side = side_for(person, s.text) or state.last_person_side
            subject = self.attributor.initial_subject(s.text)
            if subject is not None:
                speakers.last_institution = subject
        return claims

    # -- one sentence -------------------------------------------------------------------------------
    def _sentence(self, state: DocState, s: Sentence, doc: Doc, quotes: list[QuoteRegion], speakers: Speakers,
                  default: Attribution | None) -> list[Claim]:
        year = state.published.year if state.published is not None else None
        if is_question(s.text) or historical(self.lex, s.text, year):
            return []
        frames, mentions = self.engine.analyse(doc)
        if not frames:
            return []
        cands = self.linker.link(doc, frames, mentions)
        if s.text.rstrip().endswith(":"):
            # a heading for what follows ("Total combat losses of the enemy:"): its numbers come after it
            cands = [c for c in cands if c.mention.numbered or c.quantity is not None]
        cands = [c for c in cands if self._antecedent_ok(s, c)]
        tail = self.attributor.tail_start(s.text)
        if tail is not None:   # '… kill a guard: officials': the source, no victim
            cands = [c for c in cands if doc[c.mention.head].idx < tail or c.mention.bare]
        victim_spans = [(m.start, m.end) for m in mentions if m.used and m.vtype == "equipment" and not m.bare]
        siblings = sorted({c.mention.start for c in cands})
        resolved: dict[int, str | None] = {}
        made: dict[int, Claim] = {}
        for cand in sorted(cands, key=lambda c: c.mention.source is not None):  # sources before borrowers
            att = self.assembler.attribution(state, s, doc, cand.trigger, quotes, speakers, default)
            made[id(cand)] = self.assembler.claim(state, s, doc, cand, att, resolved, siblings, victim_spans)
        return [made[id(c)] for c in cands]

    def _antecedent_ok(self, s: Sentence, c: Candidate) -> bool:
        """'several of them were destroyed': only when the sentence before names people, or equipment (then the
        claim is about that equipment)."""
        m = c.mention
        if m.bare and m.source is None and s.antecedent_type in _PEOPLE_TYPES and s.antecedent_equipment is None:
            m.vtype = s.antecedent_type   # 'over 4,000 of them': the people named before
        if m.source is not None or not (m.partitive or m.bare) or c.family not in self.lex.antecedent_families:
            return True
        if s.antecedent_equipment is not None:   # 'they launched drones … shot down 13 of them': the equipment
            m.vtype, m.item = "equipment", s.antecedent_equipment[1]
            m.party = m.party or s.antecedent_equipment[0]
            kind = self.lex.kind_of(c.family, "equipment")
            if kind:
                c.kind = kind
            return True
        if s.antecedent_type in _PEOPLE_TYPES:
            return True
        if s.antecedent_type == "equipment":
            m.vtype, m.item = "equipment", s.antecedent_item
            kind = self.lex.kind_of(c.family, "equipment")
            if kind:
                c.kind = kind
            return True
        return False

    # -- what a sentence leaves for the next ones ---------------------------------------------------
    def _antecedent(self, s: Sentence) -> tuple[str | None, str | None, str | None] | None:
        """The people (or equipment) last named, for 'they', 'them', 'of them' later."""
        if s.parse is not None:
            named = [m for m in (s.parse._.cl_ms or []) if not m.bare and not m.pronoun and not m.person]
            if named:
                doc = s.parse
                subjects = [m for m in named if doc[m.head].dep_ in ("nsubj", "nsubjpass")]
                with_party = [m for m in named if m.party or m.hostile]
                last = subjects[0] if subjects else (with_party or named)[-1]
                party = last.party
                if last.hostile and party is None:
                    usage = parties.hostile_usage(last.hostile)
                    party = parties.party_from_hostile(usage, None) if usage else None
                return party, last.vtype, last.item
        words = set(re.findall(r"[\w-]+", s.text.lower()))
        found = words & self._people_words
        if not found:
            return None  # cheap test first: the regexes below are long alternations
        m = self._people_party_re.search(s.text) or self._plural_party_re.search(s.text)
        if m:
            return parties.party_of(m.group(1)), "military", None
        # an unparsed sentence that names people of no party ('crimes of the mercenaries'): their type
        return None, ("civilian" if found <= self._civilian_words else "military"), None

    def _equipment_named(self, s: Sentence) -> tuple[str | None, str | None] | None:
        """The equipment a sentence names last ('launched a wave of drones'), for 'shot down 13 of them'."""
        if s.parse is not None and s.parse._.cl_ms is not None:
            gear = [m for m in s.parse._.cl_ms if m.vtype == "equipment" and not m.bare]
            return (gear[-1].party, gear[-1].item) if gear else None
        found = list(self._equipment_re.finditer(s.text))
        if not found:
            return None
        last = found[-1]
        item = self.lex.equipment.get(last.group(1).lower()) or self.lex.equipment.get(last.group(1).lower().rstrip("s"))
        return parties.party_of(s.text[max(0, last.start() - 30):last.end()], equipment=True), item

    def _causes(self, state: DocState, s: Sentence) -> list[tuple[str, str | None]]:
        """Attackers named in a sentence ('a Russian missile destroyed …', 'Russian troops shelled the town',
        'the army carried out a strike', 'they opened mortar fire'), for claims later in the paragraph or the
        document."""
        doc = s.parse
        assert doc is not None
        lex = self.lex
        out: list[tuple[str, str | None]] = []
        for tok in doc:
            words: list[Any] = []
            if tok.pos_ in ("NOUN", "PROPN") and (tok.lemma_.lower() in lex.attack_nouns or tok._.cl_m):
                words = [t for c in tok.children if c.dep_ in ("amod", "compound", "poss") for t in c.subtree]
                if not words and tok.dep_ in ("dobj", "obj"):   # 'carried out a strike'
                    words = [t for c in tok.head.children if c.dep_ == "nsubj" for t in c.subtree]
            elif tok.pos_ == "VERB" and tok.lemma_.lower() in lex.attack_verbs:
                words = [t for c in tok.children if c.dep_ == "nsubj" for t in c.subtree]
            party = self._attacker_party(state, s, words) if words else None
            if party:
                out.append((" ".join(t.text for t in words), party))
        return out

    def _attacker_party(self, state: DocState, s: Sentence, words: list[Any]) -> str | None:
        if not words:
            return None
        party = next((str(t._.cl_p) for t in words if t._.cl_p), None)
        perspective = state.default.side if state.default is not None else None
        hostile = " ".join(t.text for t in words if t._.cl_h)
        if party is None and hostile:
            usage = parties.hostile_usage(hostile)
            party = parties.party_from_hostile(usage, perspective) if usage else None
        if party is None and len(words) <= 2 and any(t.lower_ in self.lex.antecedent_pronouns for t in words):
            party = s.antecedent or parties.opponent(perspective)  # 'They opened fire': the enemy
        return party

    def _restated(self, s: Sentence, prev: Sentence | None, claims: list[Claim], speakers: Speakers,
                  default: Attribution | None) -> None:
        """'This was stated by X' after an official site's own report: the claims of the sentence before, given
        to the site's voice, are X's; so are the paragraph's unattributed sentences after it."""
        if default is None or default.origin is not Origin.press:
            return
        att = self.attributor.restated_by(s.text)
        if att is None or not att.name:
            return
        speakers.reporting, speakers.reporting_paragraph = att, s.paragraph
        for c in claims:
            if prev is not None and prev.start <= c.evidence.start < s.start and c.claimant.name is None \
                    and c.claimant.side == default.side:
                c.claimant = Claimant(att.name, att.side or default.side)

    def _note_speaker(self, doc: Doc, speakers: Speakers) -> None:
        rep = self.attributor.reported(doc)
        if rep is not None and rep[0].origin is Origin.reported and rep[0].name:
            speakers.last_named = rep[0]
            if self.attributor.is_institution(rep[0].name):
                speakers.last_institution = rep[0]

    # -- quotations ---------------------------------------------------------------------------------
    def _quotes(self, text: str, sents: list[Sentence]) -> list[QuoteRegion]:
        regions = quote_regions(text)
        for r in regions:
            r.attribution = self._quote_speaker(text, r, sents)
        return regions

    def _quote_speaker(self, text: str, r: QuoteRegion, sents: list[Sentence]) -> Attribution | None:
        after = speaker_after(self.attributor, text, r)
        if after is not None:
            return after
        host = next((s for s in sents if s.start <= r.start < s.end + 1), None)
        if host is None:
            return None
        before = text[host.start:r.start]
        if host.parse is not None:
            rep = self.attributor.reported(host.parse)
            if rep is not None and rep[0].name and rep[0].origin is Origin.reported \
                    and host.parse[rep[1]].idx + host.start < r.start:
                return rep[0]
        name = self.attributor.regex_speaker(before) if before.strip() else None
        if name:
            return Attribution(name=name, side=side_for(name, before), origin=Origin.quote,
                               date_text=self._date_in(before))
        return None

    def _named_victims(self, claim: Claim) -> str:
        """The head word of the victims a claim names ('refugees'), "" when the text names them only by a
        pronoun or a claim word ('they', 'casualties', 'the dead')."""
        head = (claim.victim.text or "").lower().split()[-1:]
        if not head:
            return ""
        lex = self.lex
        word = singular(head[0], lex)
        if head[0] in lex.antecedent_pronouns or head[0] in lex.third_person_pronouns or word in lex.noun_family \
                or head[0] in lex.adjective_family:
            return ""
        return word

    def _date_in(self, text: str) -> str | None:
        for start, end, _ in dates.find_date_phrases(text):
            return text[start:end]
        return None


def _merge_repeat(seen: dict[tuple[Any, ...], list[tuple[Claim, str]]], claim: Claim, victims: str) -> bool:
    """The same claim repeated (headline, lede, caption): same kind, party and number, and the same claimant side
    or one of them unattributed; without a number, the same victims too, where both name them (a speech that
    says people were killed here and refugees there makes two claims; 'they suffered casualties' restates).
    Returns True when merged into an earlier record."""
    q = claim.quantity
    numbered = q.low is not None or q.high is not None
    key = (claim.kind, claim.victim.party, q.low, q.high, None if numbered else q.qualifier)
    prev = next((p for p, named in seen.get(key, []) if p.evidence.start != claim.evidence.start and (
        numbered or not named or not victims or named == victims) and (
        p.claimant.side == claim.claimant.side
        or numbered and p.claimant.side is None and p.claimant.name is None
        or numbered and claim.claimant.side is None and claim.claimant.name is None)), None)
    if prev is None:
        seen.setdefault(key, []).append((claim, victims))
        return False
    prev.evidence_more.append(claim.evidence)
    _prefer_specific(prev, claim)
    return True


def _prefer_specific(kept: Claim, other: Claim) -> None:
    """A headline's 'Ukraine says …' and the body's 'Ukraine's General Staff said on Wednesday …' are one claim:
    keep the more specific claimant and its date, and what the other adds."""
    a, b = kept.claimant, other.claimant
    if b.name and (a.side == b.side or a.name is None and a.side is None) \
            and len((b.name or "").split()) > len((a.name or "").split()):
        kept.claimant = Claimant(name=b.name, side=b.side)
        kept.stated_on = other.stated_on or kept.stated_on
    kept.location = kept.location or other.location
    kept.event_time = kept.event_time or other.event_time
    kept.perpetrator = kept.perpetrator or other.perpetrator
    for m in other.means:
        if m not in kept.means:
            kept.means.append(m)


_PEOPLE_TYPES = ("military", "civilian", "unknown", "mixed")
