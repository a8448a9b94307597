"""Russian and Ukrainian links → `Claim` records: who claims it, whose victims, how many, where, when, by what
means. Every decision defers to the shared normalisers (quantities, parties, places, dates); the words come from
the language's lexicon (`cyrillic.CyrillicLexicon`). Text fields keep the original words, offsets the original
text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from claimledger.extraction.cyrillic import EQUIPMENT as _EQUIPMENT
from claimledger.extraction.cyrillic import CyrillicLexicon, Link, Phrase, Tagged
from claimledger.extraction.engine import ClaimSets, _sets
from claimledger.extraction.resolvers import Sentence
from claimledger.model import (
    Claim,
    Claimant,
    Document,
    EventTime,
    Evidence,
    Location,
    Perpetrator,
    Quantity,
    Victim,
)
from claimledger.normalize import dates
from claimledger.normalize.dates_ru_uk import resolve_in_text_ru_uk
from claimledger.normalize.parties import opponent
from claimledger.normalize.parties_ru_uk import find_parties_ru_uk, party_of_ru_uk, side_of_claimant_ru_uk
from claimledger.normalize.places import PlaceContext
from claimledger.normalize.places_ru_uk import context_from_text_ru_uk, find_place_spans, geocode_ru_uk
from claimledger.normalize.quantities import single, unspecified

_PEOPLE = "people"
_CIVILIAN = "civilian"
_MILITARY = "military"
_UNKNOWN = "unknown"
_PUNCT = "PUNCT"
_COUNTRY = "country"
_MAX_NAME = 10


@dataclass
class Source:
    """A claimant found in a sentence: its name as written and its character span in the document."""

    name: str
    start: int
    end: int
    side: str | None


@dataclass
class SentenceView:
    """One parsed sentence with what the document pass found in it."""

    sentence: Sentence
    doc: Doc
    links: list[Link]
    tagged: Tagged
    source: Source | None = None
    parties: list[tuple[int, int, str]] = field(default_factory=list)   # document offsets


class CyrillicAssembler:
    def __init__(self, lex: CyrillicLexicon) -> None:
        self.lex = lex
        self.lang = lex.language

    # -- the document --------------------------------------------------------------------------------
    def document(self, document: Document, views: list[SentenceView]) -> list[Claim]:
        published = _date(document.published)
        ctx = context_from_text_ru_uk(document.text, self.lang)
        last: Source | None = None
        for v in views:
            v.source = self.source(v)
        spans = [(v.source.start, v.source.end) for v in views if v.source]
        for v in views:
            v.parties = [(v.sentence.start + m.start, v.sentence.start + m.end, m.party)
                         for m in find_parties_ru_uk(v.sentence.text, self.lang, v.source.side if v.source else None)
                         if not any(a <= v.sentence.start + m.start < b for a, b in spans)]
        doc_parties = [p for v in views for p in v.parties]
        doc_place = next((loc for v in views if (loc := self.place(v, ctx)) is not None), None)
        out: list[Claim] = []
        for v in views:
            if v.source is not None and v.source.side is None and last is not None and last.side is not None:
                v.source = last   # 'according to the ministry': the source named before
            last = v.source or last
            claims = [self.claim(document, v, lk, last, doc_parties, doc_place, ctx, published) for lk in v.links]
            out.extend(_without_bare_repeats([c for c in claims if c is not None]))
        return _distinct(out)

    # -- the claimant ---------------------------------------------------------------------------------
    def source(self, v: SentenceView) -> Source | None:
        doc, lex = v.doc, self.lex
        words = [t.lower_ for t in doc]
        for marker in lex.according_markers:
            for i in range(len(doc) - len(marker)):
                if words[i:i + len(marker)] == marker:
                    return self._span(v, i + len(marker), self._name_end(doc, i + len(marker)))
        for t in doc:
            if t.lower_ in lex.report_index:
                found = self._reported(v, t.i)
                if found is not None:
                    return found
        return self._tail(v) or self._label(v)

    def _reported(self, v: SentenceView, i: int) -> Source | None:
        doc, lex = v.doc, self.lex
        nxt = i + 1
        if nxt < len(doc) and doc[nxt].lower_ in lex.report_prepositions:
            return self._span(v, nxt + 1, self._name_end(doc, nxt + 1))
        start = i
        while start > 0 and doc[start - 1].pos_ != _PUNCT and doc[start - 1].lower_ not in lex.tail_marks:
            start -= 1
        prep = next((k for k in range(i - 1, max(start, i - 5) - 1, -1) if doc[k].lower_ in lex.report_prepositions), None)
        if prep is not None and prep + 1 < i and doc[prep + 1].text[:1].isupper():
            return self._span(v, prep + 1, i)
        subject = 0 < i - start <= _MAX_NAME and any(t.pos_ in lex.noun_tags and t.text[:1].isupper()
                                                      for t in doc[start:i])
        if nxt < len(doc) and doc[nxt].pos_ in lex.noun_tags | lex.modifier_tags and not subject:
            return self._span(v, nxt, self._name_end(doc, nxt))
        if subject or (0 < i - start <= _MAX_NAME and any(t.pos_ in lex.noun_tags for t in doc[start:i])):
            return self._span(v, start, i)
        return None

    def _name_end(self, doc: Doc, i: int) -> int:
        j = i
        while j < len(doc) and j - i < _MAX_NAME and doc[j].pos_ != _PUNCT and doc[j].lower_ not in self.lex.tail_marks \
                and not doc[j]._.cl_k:
            j += 1
        return j

    def _tail(self, v: SentenceView) -> Source | None:
        doc, lex = v.doc, self.lex
        marks = [t.i for t in doc if t.lower_ in lex.tail_marks and t.i > 0 and doc[t.i - 1].whitespace_]
        if not marks:
            return None
        i = marks[-1] + 1
        end = len(doc)
        while end > i and doc[end - 1].pos_ == _PUNCT and doc[end - 1].text not in "\"»)":
            end -= 1
        if not 0 < end - i <= 6 or any(t.pos_ == "VERB" for t in doc[i:end]):
            return None
        if doc[i].lower_ in lex.not_sources or doc[i:end].text.lower() in lex.not_sources:
            return None
        return self._span(v, i, end)

    def _label(self, v: SentenceView) -> Source | None:
        doc = v.doc
        colon = next((t.i for t in doc if t.text in self.lex.label_marks), None)
        if colon is None or not 0 < colon <= 6 or not any(t.text[:1].isupper() for t in doc[:colon]) \
                or any(t.pos_ == "VERB" or t._.cl_k or t._.cl_q for t in doc[:colon]):
            return None
        return self._span(v, 0, colon)

    def _span(self, v: SentenceView, i: int, j: int) -> Source | None:
        if j <= i:
            return None
        doc = v.doc
        start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1])
        name = v.sentence.text[start:end].strip()
        if not any(c.isalpha() for c in name):
            return None
        return Source(name, v.sentence.start + start, v.sentence.start + end, side_of_claimant_ru_uk(name, self.lang))

    # -- one claim ------------------------------------------------------------------------------------
    def claim(self, document: Document, v: SentenceView, lk: Link, source: Source | None,
              doc_parties: list[tuple[int, int, str]], doc_place: Location | None, ctx: PlaceContext,
              published: dt.date | None) -> Claim | None:
        doc, lex = v.doc, self.lex
        phrase = v.tagged.phrases.get(lk.victim) if lk.victim is not None else None
        antecedent = self._antecedent(v, lk) if phrase is None else None
        vtype = phrase.vtype if phrase else antecedent.vtype if antecedent else _UNKNOWN
        family = doc[lk.trigger]._.cl_k or lk.construction.kind or ""
        kind = self._kind_of(v, lk, vtype)
        if kind is None:
            return None
        side = source.side if source else None
        text = _text(v, phrase)
        party = None
        named = phrase or antecedent
        if vtype != _CIVILIAN and named is not None:
            party = party_of_ru_uk(self._core(v, named), self.lang, side, equipment=vtype == _EQUIPMENT) \
                or party_of_ru_uk(_text(v, named), self.lang, side, equipment=vtype == _EQUIPMENT)
        sets = _sets(ClaimSets, lk.construction.sets)
        if party is None and sets.tally and doc_parties:
            party = doc_parties[0][2]   # a loss table's heading names whose losses its rows count
        perpetrator = self._perpetrator(v, lk, phrase, doc_parties, party)
        if party is None and vtype == _MILITARY and family in lex.own_loss_families and side and perpetrator is None:
            party = side   # a side reports its own soldiers killed or wounded
        if party is None and vtype in (_MILITARY, _EQUIPMENT):
            party = self._party_fallback(v, lk, side, perpetrator)
        if vtype == _UNKNOWN and party:
            vtype = _MILITARY
        if perpetrator is None and party is not None:
            perpetrator = Perpetrator(party=opponent(party), text=None)
        quantity = self.quantity(v, lk, phrase)
        event_time = _event_time(v.sentence.text, published, self.lang)
        if event_time is None and sets.tally and published:
            running = dates.resolve_cumulative(published)
            event_time = running.to_event_time() if running else None
        s = v.sentence
        return Claim(
            doc_id=document.id, kind=kind,
            victim=Victim(party=party, type=vtype, text=text, item=doc[lk.victim]._.cl_it or None
                          if vtype == _EQUIPMENT and lk.victim is not None else None),
            quantity=quantity, claimant=Claimant(source.name, source.side) if source else Claimant(None, None),
            stance=self._stance(s.text), means=self._means(v), location=self.place(v, ctx) or doc_place,
            event_time=event_time, stated_on=published.isoformat() if published else None,
            evidence=Evidence(text=s.text, start=s.start, end=s.end),
            confidence=min(0.95, 0.55 + (0.15 if quantity.low is not None or quantity.high is not None else 0)
                           + (0.1 if side else 0)),
            perpetrator=perpetrator, via=lk.construction.name)

    def _kind_of(self, v: SentenceView, lk: Link, vtype: str | None = None) -> str | None:
        """The claim kind of a link: its family's kind for its victims' class (None: the family has none)."""
        if vtype is None:
            phrase = v.tagged.phrases.get(lk.victim) if lk.victim is not None else None
            vtype = phrase.vtype if phrase else _UNKNOWN
        family = v.doc[lk.trigger]._.cl_k or lk.construction.kind or ""
        return self.lex.kinds.get(family, {}).get(_EQUIPMENT if vtype == _EQUIPMENT else _PEOPLE)

    def _core(self, v: SentenceView, phrase: Phrase) -> str:
        """The phrase up to its 'with …' complement: whose depot, not whose shells are in it."""
        end = next((i for i in range(phrase.head + 1, phrase.end) if v.doc[i].lower_ in self.lex.phrase_continuers),
                   phrase.end)
        return v.doc[phrase.start:end].text

    @staticmethod
    def _antecedent(v: SentenceView, lk: Link) -> Phrase | None:
        """A bare count ('18 получили ранения', '4 были сбиты') counts the victims named last before it."""
        at = lk.count if lk.count is not None else lk.trigger
        before = [p for p in v.tagged.phrases.values() if p.end <= at and not p.implicit]
        return max(before, key=lambda p: p.end) if before else None

    def _party_fallback(self, v: SentenceView, lk: Link, side: str | None, perpetrator: Perpetrator | None) -> str | None:
        """A coordinated neighbour's party, else the opponent of the doer, else of the claimant."""
        mine = v.tagged.phrases[lk.victim].vtype if lk.victim is not None else _MILITARY
        siblings = [v.tagged.phrases[o.victim] for o in v.links
                    if o is not lk and o.trigger == lk.trigger and o.victim is not None]
        for p in sorted(siblings, key=lambda p: (p.vtype == _EQUIPMENT) != (mine == _EQUIPMENT)):
            if p.vtype in (_MILITARY, _EQUIPMENT):
                party = party_of_ru_uk(self._core(v, p), self.lang, side, equipment=p.vtype == _EQUIPMENT)
                if party:
                    return party
        if perpetrator is not None and perpetrator.party:
            return opponent(perpetrator.party)
        return opponent(side) if side else None

    def _perpetrator(self, v: SentenceView, lk: Link, phrase: Phrase | None, doc_parties: list[tuple[int, int, str]],
                     party: str | None) -> Perpetrator | None:
        s, doc = v.sentence, v.doc
        linked = {other.victim for other in v.links if other.victim is not None}
        inside = [(s.start + doc[p.start].idx, s.start + doc[p.end - 1].idx + len(doc[p.end - 1]))
                  for p in v.tagged.phrases.values() if p.head in linked]
        for start, end, who in v.parties:
            if not any(a <= start < b for a, b in inside) and who != party:
                return Perpetrator(party=who, text=_mention(v, start, end))
        for start, _end, who in doc_parties:
            if not (s.start <= start < s.end) and who != party:
                return Perpetrator(party=who, text=None)
        return None

    # -- facets ----------------------------------------------------------------------------------------
    def quantity(self, v: SentenceView, lk: Link, phrase: Phrase | None) -> Quantity:
        doc, lex = v.doc, self.lex
        if phrase is not None:
            for first, last, m in v.tagged.quantities:
                if last == phrase.start:
                    return self._risen(doc, first, last, m.quantity)
            if phrase.implicit:
                for first, last, m in v.tagged.quantities:
                    if last < len(doc) and doc[last].lower_ in lex.rise_index:
                        return self._risen(doc, first, last, m.quantity)
        if lk.count is not None:
            found = next((m for first, last, m in v.tagged.quantities if first <= lk.count < last), None)
            if found is not None:
                return found.quantity
        if phrase is None:
            return unspecified()
        head = doc[phrase.head]
        if head.lower_ in lex.pair_index:
            n = lex.pair_index[head.lower_]
            return Quantity(low=n, high=n, qualifier=single().qualifier, text=head.text)
        key, value = next(iter(lex.singular.items()))
        if phrase.implicit or head.lemma_.lower() in lex.equipment_plural_only or head.lower_ in lex.equipment_plural_only:
            return unspecified()
        plural_key, plural_value = next(iter(lex.plural.items()))
        if value in head.morph.get(key, []) or (phrase.vtype == _EQUIPMENT
                                                 and plural_value not in head.morph.get(plural_key, [])):
            return single()
        return unspecified()

    def _risen(self, doc: Doc, first: int, last: int, q: Quantity) -> Quantity:
        """'rose to 32': with a verb of rising next to it, 'to N' is the new total, exact."""
        near = {doc[i].lower_ for i in (first - 1, last) if 0 <= i < len(doc)}
        if q.low is None and q.high is not None and near & self.lex.rise_index:
            return Quantity(low=q.high, high=q.high, qualifier=single().qualifier, text=q.text)
        return q

    def _means(self, v: SentenceView) -> list[str]:
        """Means words outside the claims' victims; a weak word ('shelling') only when no other is named."""
        linked = {lk.victim for lk in v.links if lk.victim is not None and self._kind_of(v, lk) is not None}
        inside = {i for p in v.tagged.phrases.values() if p.head in linked for i in range(p.start, p.end)}
        out: list[str] = []
        weak: list[str] = []
        for t in v.doc:
            if t._.cl_m and t.i not in inside:
                bucket = weak if t.lower_ in self.lex.weak_means or t.lemma_.lower() in self.lex.weak_means else out
                if t._.cl_m not in bucket:
                    bucket.append(t._.cl_m)
        return out or weak

    def _stance(self, text: str) -> str:
        low = text.lower()
        if any(re.search(r"(?<!\w)" + re.escape(w), low) for w in self.lex.denials):
            return "denied"
        if any(re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", low) for w in self.lex.hedges):
            return "estimated"
        return "asserted"

    def place(self, v: SentenceView, ctx: PlaceContext) -> Location | None:
        doc = v.doc
        words = [t.text for t in doc]
        spans = [(i, j) for i, j, _ in find_place_spans(words, self.lang)]
        spans += [(t.i - 1, t.i + 1) for t in doc if t.i > 0 and doc[t.i - 1].text[:1].isupper()
                  and (t.lower_ in self.lex.front_words or t.lemma_.lower() in self.lex.front_words)]
        src = v.source
        found: list[Location] = []
        for i, j in sorted(spans):
            at = v.sentence.start + doc[i].idx
            if src is not None and src.start <= at < src.end:
                continue
            if not any(doc[k].lower_ in self.lex.place_prepositions for k in range(max(0, i - 2), i)):
                continue
            loc = geocode_ru_uk(doc[i:j].text, self.lang, ctx)
            if loc is not None:
                found.append(loc)
        better = [loc for loc in found if loc.precision != _COUNTRY]   # 'в Харькове' before 'в России'
        return (better or found)[0] if found else None


def _text(v: SentenceView, phrase: Phrase | None) -> str:
    if phrase is None:
        return ""
    return v.doc[phrase.start:phrase.end].text


def _mention(v: SentenceView, start: int, end: int) -> str:
    s = v.sentence
    a, b = start - s.start, end - s.start
    for t in v.doc:
        if t.idx == b + 1 and t.pos_ in ("NOUN", "PROPN"):
            b = t.idx + len(t)
    return s.text[a:b]


def _event_time(text: str, published: dt.date | None, lang: str) -> EventTime | None:
    found = resolve_in_text_ru_uk(text, published, lang)
    return found[0][2].to_event_time() if found else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _without_bare_repeats(claims: list[Claim]) -> list[Claim]:
    """'the toll of the dead rose to 3 dead': a kind with a number does not stand again without one."""
    numbered = {c.kind for c in claims if c.quantity.low is not None or c.quantity.high is not None}
    return [c for c in claims if c.kind not in numbered or c.quantity.low is not None or c.quantity.high is not None
            or c.victim.type == _EQUIPMENT]


def _distinct(claims: list[Claim]) -> list[Claim]:
    """A headline and its body state one claim twice: keep its first statement. Counted claims are the same when
    their victims end in the same word stem or, for equipment, name the same item ('склад БК' and 'склад із
    боєприпасами')."""
    seen: set[tuple[object, ...]] = set()
    out: list[Claim] = []
    for c in claims:
        q = c.quantity
        if q.low is not None or q.high is not None:
            stem = c.victim.text.lower().split()[-1][:4] if c.victim.text.strip() else ""
            keys: set[tuple[object, ...]] = {(c.kind, c.victim.party, q.low, q.high, stem)}
            if c.victim.type == _EQUIPMENT and c.victim.item:
                keys.add((c.kind, c.victim.party, q.low, q.high, "item", c.victim.item))
        else:
            keys = {(c.kind, c.victim.party, c.victim.text.lower())}
        if not keys & seen:
            out.append(c)
        seen |= keys
    return out


class CyrillicPipeline:
    """Everything a Cyrillic language needs, loaded once: its parser, engine and assembler."""

    def __init__(self, language: str) -> None:
        from claimledger.extraction.cyrillic import CyrillicEngine
        from claimledger.nlp import get_nlp
        from claimledger.nlp.sentences import split_sentences

        self.language = language
        self.nlp = get_nlp(language)
        self.engine = CyrillicEngine(language, self.nlp)
        self.assembler = CyrillicAssembler(self.engine.lex)
        self._split = split_sentences

    def run(self, docs: list[Document]) -> list[list[Claim]]:
        """Claims of each document: sentences parsed in one `nlp.pipe` over the batch."""
        plans = [[Sentence(a, b, d.text[a:b]) for a, b in self._split(d.text, self.language)] for d in docs]
        texts = [s.text for sents in plans for s in sents]
        parsed = iter(self.nlp.pipe(texts, batch_size=128))
        out: list[list[Claim]] = []
        for document, sents in zip(docs, plans, strict=True):
            views = []
            for s in sents:
                sdoc = next(parsed)
                links, tagged = self.engine.analyse(sdoc)
                views.append(SentenceView(s, sdoc, links, tagged))
            out.append(self.assembler.document(document, views))
        return out
