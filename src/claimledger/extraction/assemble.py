"""Candidate → Claim: attribute it, run the resolver chains (perpetrator, victims' party), and fill in the facets."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from claimledger.extraction.attribution import Attribution, Attributor, Origin, QuoteRegion, head_of_state
from claimledger.extraction.lexicon import Lexicon, alternation
from claimledger.extraction.linking import Candidate, _claim_sets
from claimledger.extraction.resolvers import (
    ClaimContext,
    DocState,
    Perpetrator,
    Sentence,
    chains,
    facets,
    run_chain,
)
from claimledger.extraction.resolvers.party import opponent_of
from claimledger.extraction.resolvers.place import PlaceFinder
from claimledger.model import VICTIM_TYPES, Claim, Claimant, Evidence, Victim
from claimledger.model import Perpetrator as PerpetratorRecord
from claimledger.normalize import dates, parties

_PEOPLE_CLAIMS = ("casualties", "captured", "surrendered", "irrecoverable", "deployed")
_NO_DOER = ("deployed", "surrendered", "missing")
UNKNOWN = "unknown"


class Speakers:
    """The speakers a document has named so far (for 'he said', 'the ministry added', 'it said')."""

    def __init__(self) -> None:
        self.last_named: Attribution | None = None
        self.last_institution: Attribution | None = None
        # 'This was stated by X' on an official site: X goes on speaking in the paragraph's unattributed sentences
        self.reporting: Attribution | None = None
        self.reporting_paragraph = -1


class Assembler:
    def __init__(self, lex: Lexicon, attributor: Attributor, places: PlaceFinder, language: str) -> None:
        self.lex = lex
        self.attributor = attributor
        self.places = places
        self.chains = chains(language)

    # -- attribution --------------------------------------------------------------------------------
    def attribution(self, state: DocState, s: Sentence, doc: Doc, trigger: int, quotes: list[QuoteRegion],
                    speakers: Speakers, default: Attribution | None) -> Attribution | None:
        at = s.start + doc[trigger].idx
        for r in quotes:
            if r.start <= at < r.end and r.attribution is not None:
                return r.attribution
        rep = self.attributor.reported(doc, target=trigger)
        if rep is not None:
            att = rep[0]
            if att.origin is not Origin.pronoun:
                return att
            pronoun = (att.name or "").lower()
            if pronoun in self.lex.first_person_pronouns and default is not None:
                return Attribution(default.name, default.side, att.date_text, Origin.speaker)
            if pronoun in self.lex.third_person_pronouns and pronoun not in self.lex.singular_pronouns \
                    and speakers.last_institution is not None:
                inst = speakers.last_institution
                return Attribution(inst.name, inst.side, att.date_text, Origin.reported)
            if speakers.last_named is not None:
                last = speakers.last_named
                return Attribution(last.name, last.side, att.date_text or last.date_text, Origin.reported)
        found = self.attributor.according_to(s.text) or self.attributor.tail(s.text) or self.attributor.label(s.text)
        if found is not None:
            return found
        if speakers.last_named is not None and any(r.start <= at < r.end for r in quotes):
            return speakers.last_named
        if default is not None and default.origin is Origin.press and speakers.reporting is not None \
                and speakers.reporting_paragraph == s.paragraph:
            return speakers.reporting
        return default

    def claimant(self, att: Attribution | None, state: DocState, s: Sentence, location_admin1: str | None) -> Claimant:
        document = state.document
        if att is None:
            return Claimant(None, None)
        own = head_of_state(self.attributor, att.name, document)
        if own is not None:
            return Claimant(own.name, own.side)
        name, side = att.name, att.side
        if name and side is not None and parties.side_of_claimant(name, "") is None:
            # a title's side taken from the sentence ('Ukrainian shelling, the Kursk governor said'): the place
            # in the title says whose official it is
            side = self.places.side_from_place(name, document) or side
        if name and side is None and att.origin in (Origin.reported, Origin.quote, Origin.speaker, Origin.according,
                                                    Origin.tail):
            side = parties.side_of_claimant(name, s.text)
        if name and side is None:
            side = self.places.side_from_place(name, document)
        if name and side is None:
            chan = parties.official_channel(document.source, document.url)
            side = parties.outlet_side(document.source) or (chan or {}).get("side")
            side = parties.proxy_side(side, s.text, location_admin1) or side
        return Claimant(name, side)

    # -- one claim ----------------------------------------------------------------------------------
    def claim(self, state: DocState, s: Sentence, doc: Doc, cand: Candidate, att: Attribution | None,
              resolved: dict[int, str | None], siblings: list[int], victim_spans: list[tuple[int, int]]) -> Claim:
        lex = self.lex
        document = state.document
        perspective = (att.side if att else None) or parties.outlet_side(document.source) or (
            parties.official_channel(document.source, document.url) or {}).get("side")
        m = cand.mention
        ctx = ClaimContext(state=state, sentence=s, doc=doc, cand=cand, attribution=att, perspective=perspective,
                           resolved=resolved, vtype=m.vtype)
        ctx.vtype = self._victim_type(doc, cand)
        victim = (doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1])) if m.end > m.start else None
        exclude = [att.span] if att is not None and att.span is not None else []  # the speaker's place
        ctx.location = location = self.places.locate(ctx, exclude, victim)
        ctx.perpetrator = run_chain(self.chains.perpetrator, ctx)
        party = run_chain(self.chains.victim_party, ctx)
        ctx.victim_party = party
        if ctx.vtype == "unknown" and party and cand.kind in _PEOPLE_CLAIMS:
            ctx.vtype = "military"
        if ctx.perpetrator is None:
            ctx.perpetrator = run_chain(self.chains.perpetrator_inferred, ctx)
        elif ctx.perpetrator.party is None and not _keeps_no_party(ctx):
            inferred = run_chain(self.chains.perpetrator_inferred, ctx)
            if inferred is not None and inferred.party:
                ctx.perpetrator = Perpetrator(party=inferred.party, text=ctx.perpetrator.text)
        if ctx.perpetrator is None:
            pass
        elif ctx.perpetrator.party is None and ctx.perspective and party \
                and party == opponent_of(ctx, ctx.perspective) and cand.kind not in _NO_DOER:
            # 'He and his men destroyed five tanks' in a statement by one side: the doer is of that side
            ctx.perpetrator = Perpetrator(party=ctx.perspective, text=ctx.perpetrator.text)
        resolved[id(m)] = party
        claimant = self.claimant(att, state, s, location.admin1 if location else None)
        quantity = cand.quantity or m.quantity
        event_time = facets.event_time(lex, doc, state.published)
        if event_time is None and _claim_sets(cand.frame.construction.sets).tally and state.published:
            running = dates.resolve_cumulative(state.published)
            event_time = running.to_event_time() if running else None
        return Claim(
            doc_id=document.id, kind=cand.kind,
            victim=Victim(party=party, type=ctx.vtype if ctx.vtype in VICTIM_TYPES else UNKNOWN, text=m.text,
                          item=m.item if ctx.vtype == "equipment" else None),
            quantity=quantity, claimant=claimant, stance=facets.stance(lex, doc, cand),
            means=facets.means(lex, doc, cand, siblings, victim_spans), location=location,
            event_time=event_time, stated_on=facets.stated_on(att, state.published),
            evidence=Evidence(text=s.text, start=s.start, end=s.end),
            confidence=self._confidence(cand, claimant), perpetrator=_record(ctx.perpetrator), via=cand.construction,
        )

    def _victim_type(self, doc: Doc, cand: Candidate) -> str:
        """'a sabotage and reconnaissance group of 15 people': the people of a military group are its fighters."""
        m = cand.mention
        if m.vtype not in ("civilian", "unknown") or m.bare:
            return m.vtype
        head = doc[m.head]
        if not (head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.i > 0):
            return m.vtype
        unit = doc[head.head.i - 1]
        if unit.lemma_.lower() not in self.lex.victim_group_heads:
            return m.vtype
        words = doc[max(0, unit.i - 6):unit.i + 1].text.lower()
        if any(w in words for w in self.lex.victim_group_military_markers) or unit.lemma_.lower() in self.lex.unit_nouns:
            return "military"
        return m.vtype

    @staticmethod
    def _confidence(cand: Candidate, claimant: Claimant) -> float:
        conf = 0.55
        if cand.mention.numbered or cand.quantity is not None:
            conf += 0.15
        if claimant.side:
            conf += 0.1
        if not cand.mention.bare:
            conf += 0.1
        return min(conf, 0.95)


def _keeps_no_party(ctx: ClaimContext) -> bool:
    """Gunmen, militants and other unnamed fighters stay partyless: only a named weapon or a pronoun takes the
    party of the doer named around it."""
    text = (ctx.perpetrator.text or "").lower() if ctx.perpetrator is not None else ""
    return any(w in text.split() for w in ctx.lex.armed_group_nouns) or any(
        w.rstrip("s") in ctx.lex.armed_group_nouns for w in text.split())


def _record(p: Perpetrator | None) -> PerpetratorRecord | None:
    return PerpetratorRecord(party=p.party, text=p.text) if p is not None else None


def is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


def historical(lex: Lexicon, text: str, published_year: int | None = None) -> bool:
    """Background history ('in 1933', 'during World War II', 'in 1989' in a text of 2022) is not a current
    claim: a year set by a preposition that lies `historical_gap_years` or more before publication (before
    `historical_last_year` when the publication date is unknown)."""
    marker_re, year_re = _historical_res(lex)
    if marker_re.search(text):
        return True
    last = lex.historical_last_year if published_year is None else published_year - lex.historical_gap_years
    return any(1000 <= int(y) <= last for y in year_re.findall(text))


@lru_cache(maxsize=8)
def _historical_res(lex: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The two regexes of `historical`, built once per language (every sentence is tested)."""
    marker = re.compile(r"(?i)\b" + alternation(lex.date_prepositions) + r"\s+(?:" + alternation(lex.determiners)
                        + r"\s+)?" + alternation(lex.historical_markers))
    year = re.compile(r"(?i)\b" + alternation(lex.historical_year_prepositions) + r"\s+(1\d{3}|20\d{2})\b")
    return marker, year
