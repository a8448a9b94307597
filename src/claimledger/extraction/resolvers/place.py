"""Where: the places a sentence names (as written, with 'region'/'direction' kept) and the one a claim is about;
geocoding itself is `normalize.places`."""

from __future__ import annotations

import logging
import re
from typing import Any

from spacy.tokens import Doc, Span

from claimledger.errors import Says
from claimledger.extraction.lexicon import Lexicon, alternation
from claimledger.extraction.resolvers import ClaimContext, DocState, Sentence
from claimledger.model import Document, Location
from claimledger.nlp import RULER
from claimledger.normalize import parties

log = logging.getLogger(__name__)
_PLACE_LABELS = ("GPE", "LOC", "FAC")
_NAME = r"[A-Z][\w'’-]+"
_MEMO_SIZE = 50_000   # names remembered by country_level before the memo starts again


class PlaceFinder:
    def __init__(self, lex: Lexicon, nlp: Any) -> None:
        self.lex = lex
        self.nlp = nlp
        try:
            from claimledger.normalize import places as places_module
            self.places: Any = places_module
        except Exception:  # the places normaliser is optional: names are kept without coordinates
            self.places = None
        self._ctx_of: Any = None
        self._ctx_cache: dict[tuple[bool, str], Any] = {}
        self._country_level: dict[str, bool] = {}
        self.suffix_re = re.compile(r"^\s+(" + alternation(lex.place_suffixes) + r")\b", re.I)
        self.axis_re = re.compile(r"^-" + _NAME + r"(?: " + _NAME + r")? " + alternation(lex.region_words) + r"\b")
        self.prefix_re = re.compile(r"(?i)(" + alternation(lex.place_direction_prefixes) + r")\s+$")
        det = alternation(lex.determiners)
        self.compass_re = re.compile(r"(?i)\b" + alternation(lex.locative_prepositions) + r"\s+(?:" + det + r"\s+)?((?:"
                                     + alternation(lex.compass_words) + r")" + alternation(lex.compass_suffix) + r"?(?:\s+"
                                     + alternation(lex.region_words) + r")?)\b(?!\s+" + alternation(lex.owner_prepositions)
                                     + r"\b)")
        self.label_re = re.compile(r"^(?P<l>(?:" + det + r" )?" + _NAME + r"(?: " + _NAME + r")?(?: "
                                   + alternation(lex.place_suffixes) + r")?):\s")
        self.actor_re = re.compile(r"(?i)" + alternation(lex.actor_of_phrases) + r"(?:\s+" + det + r")?\s*$")
        self.region_re = lex.phrase_re(lex.region_words)
        self.admin1_re = lex.phrase_re(lex.admin1_words)
        self.territory_re = lex.phrase_re(lex.territory_words)

    # -- the places of a sentence ------------------------------------------------------------------
    def entities(self, doc: Doc) -> list[tuple[Span, str, bool]]:
        """(entity, name as written, locative?) for the places of a parsed sentence; actors ('Ukraine says …',
        'Armed Forces of Ukraine'), adjectives, acronyms and datelines are not places."""
        lex, text = self.lex, doc.text
        out = []
        for ent in doc.ents:
            if ent.label_ not in _PLACE_LABELS:
                continue
            nxt = doc[ent.end].text if ent.end < len(doc) else ""
            if nxt in ("'s", "’s"):
                continue
            if re.fullmatch(r"[A-Z]{3,6}", ent.text) and not parties.country_of(ent.text):
                continue  # acronyms of bodies and weapons ('JCCC', 'HIMARS'), not of countries
            if ent.start == 0 and ent.text.isupper() and nxt in ("-", "—", "–", ","):
                continue
            if ent.root.dep_ in ("nsubj", "nsubjpass") and ent.root.head.pos_ == "VERB":
                continue
            if ent.root.dep_ == "pobj" and ent.root.head.lower_ in lex.instrument_words and ent.label_ == "GPE":
                continue
            if self.actor_re.search(text[max(0, ent.start_char - 40):ent.start_char]):
                continue
            first = ent.text.split(" ", 1)
            name = first[1] if len(first) > 1 and first[0].lower() in lex.determiners else ent.text
            if name.lower() in lex.compass_words and text[ent.end_char:ent.end_char + 4] == " of ":
                continue
            name = self._extend(text, ent.start_char, ent.end_char, name)
            k = ent.start - 1
            while k >= 0 and doc[k].pos_ in ("DET", "ADJ", "PUNCT") and doc[k].text not in (",", ";"):
                k -= 1
            locative = (k >= 0 and doc[k].lower_ in lex.locative_prepositions) or ent.start == 0
            out.append((ent, name, locative))
        return out

    def _extend(self, text: str, start: int, end: int, name: str) -> str:
        m = self.suffix_re.match(text[end:end + 16])
        if m:
            name = f"{name} {m.group(1)}"
        m = self.axis_re.match(text[end:end + 40])
        if m:
            name += m.group(0)
        m = self.prefix_re.search(text[max(0, start - 16):start])
        if m:
            name = f"{m.group(1)} {name}"
        return name

    def in_sentence(self, s: Sentence) -> list[tuple[str, int, bool, int]]:
        if s.parse is not None:
            return [(name, s.start + ent.start_char, loc, s.paragraph) for ent, name, loc in self.entities(s.parse)]
        ruler = self.nlp.get_pipe(RULER)
        d = ruler(self.nlp.make_doc(s.text))
        out = []
        for e in d.ents:
            if e.label_ not in _PLACE_LABELS:
                continue
            prev = d[e.start - 1].lower_ if e.start > 0 else ""
            nxt = d[e.end].text if e.end < len(d) else ""
            if nxt in ("'s", "’s"):
                continue
            if e.start == 0 and e.text.isupper() and nxt in ("-", "—", "–", ","):
                continue
            name = self._extend(s.text, e.start_char, e.end_char, e.text)
            out.append((name, s.start + e.start_char, prev in self.lex.locative_prepositions, s.paragraph))
        return out

    # -- the place of a claim ----------------------------------------------------------------------
    def locate(self, ctx: ClaimContext, exclude: list[tuple[int, int]],
               victim: tuple[int, int] | None = None) -> Location | None:
        """The named place nearest the trigger (after it first: 'killed in Kursk'); else a headline label or a
        compass region; else the last place of the paragraph; else the speaker's own province; else the
        document's main place."""
        doc, trig = ctx.doc, ctx.cand.trigger
        best: tuple[float, str] | None = None
        for ent, name, locative in self.entities(doc):
            if any(a <= ent.start_char < b for a, b in exclude):
                continue
            dist = float(abs(ent.start - trig)) + (3 if ent.start < trig else 0) + (0 if locative else 12)
            if victim and victim[0] <= ent.start_char < victim[1]:
                if self.country_level(name):
                    continue  # 'Syrian soldiers', 'Ukraine's troops': whose, not where
                dist += 20  # 'five Gaza residents': where they were, unless a place of the event is named
            if self._names_actor(ent):
                dist += 40  # 'the X army shelled …': the state that acts, a place only when nothing else is named
            if best is None or dist < best[0]:
                best = (dist, name)
        chosen = best[1] if best else None
        text = ctx.sentence.text
        if chosen is None:
            lm = self.label_re.match(text)
            if lm and (lm.group("l").lower() in self.lex.compass_words or any(
                    lm.group("l").startswith(ent.text) for ent, _, _ in self.entities(doc))):
                chosen = lm.group("l")
        if chosen is None:
            chosen = self._clash_country(doc)
        if chosen is None:
            cm = self.compass_re.search(text)
            if cm:
                return Location(name=cm.group(1), country=None, precision="region")
        if chosen is None:
            chosen = self._from_history(ctx.state, ctx.sentence)
        if chosen is None and exclude:
            chosen = self._speakers_place(doc, exclude[-1])
        doc_places = ctx.state.doc_places() if chosen is None else {}
        if chosen is None and doc_places:
            name, count = max(doc_places.items(), key=lambda kv: kv[1])
            chosen = name if count >= 2 else None
        return self.geocode(chosen, text, ctx.state.place_context) if chosen else None

    def _names_actor(self, ent: Span) -> bool:
        """A place name that modifies a force or an attack ('the X army', 'X airstrikes') names who acted."""
        root, lex = ent.root, self.lex
        if root.dep_ not in ("compound", "amod", "nmod", "poss") or root.head.pos_ not in ("NOUN", "PROPN"):
            return False
        actors = (lex.actor_nouns, lex.state_force_nouns, lex.attack_nouns)
        return any(w in words for words in actors for w in (root.head.lower_, root.head.lemma_.lower()))

    def _clash_country(self, doc: Doc) -> str | None:
        """'an X clash leaves …': a state's adjective on a fight with no place named puts the fight in that state
        (strikes and offensives cross borders, so only fights count)."""
        adjectives = parties.demonyms()
        for tok in doc:
            if (tok.text in adjectives and tok.dep_ in ("amod", "compound") and tok.head.i > tok.i
                    and (tok.head.lower_ in self.lex.clash_nouns or tok.head.lemma_.lower() in self.lex.clash_nouns)):
                return tok.text
        return None

    def _from_history(self, state: DocState, s: Sentence) -> str | None:
        same = [h for h in state.places_before(s.paragraph) if h[1] < s.start]
        specific = [h for h in same if not self.country_level(h[0])]
        if specific:
            return specific[-1][0]
        return same[-1][0] if same else None

    def _speakers_place(self, doc: Doc, span: tuple[int, int]) -> str | None:
        """'the governor of the Belgorod region said …': the official's own province, as a last resort."""
        if not self.lex.phrase_re(self.lex.local_official_words).search(doc.text[span[0]:span[1]]):
            return None
        for ent, name, _ in self.entities(doc):
            if span[0] <= ent.start_char < span[1]:
                return name
        return None

    def document_context(self, text: str) -> Any:
        """What the whole document says about where (provinces, countries, the conflict's theatre)."""
        if self.places is None:
            return None
        try:
            return self.places.context_from_text(text)
        except Exception:  # the place context only ranks look-alikes; a failure must not lose claims
            return None

    def country_level(self, name: str) -> bool:
        """A name of a whole country or territory (asked of every place a sentence names: remembered)."""
        found = self._country_level.get(name)
        if found is None:
            if len(self._country_level) > _MEMO_SIZE:
                self._country_level.clear()
            found = self._country_level[name] = bool(self.territory_re.search(name)) \
                or self.geocode(name, "", None).precision == "country"
        return found

    def _sentence_context(self, sentence: str, doc_ctx: Any) -> Any:
        """A sentence's place context, once per sentence and document: a claim geocodes several candidates."""
        if doc_ctx is not None and self._ctx_of is not doc_ctx:
            self._ctx_of, self._ctx_cache = doc_ctx, {}   # a new document: its sentences' contexts
        key = (doc_ctx is not None, sentence)   # a context with no document's is the same in every document
        ctx = self._ctx_cache.get(key)
        if ctx is None:
            assert self.places is not None
            ctx = self._ctx_cache[key] = self.places.context_from_text(sentence, doc_ctx)
        return ctx

    def geocode(self, name: str, sentence: str, doc_ctx: Any) -> Location:
        if self.places is not None:
            try:
                ctx = self._sentence_context(sentence, doc_ctx)
                loc = self.places.geocode(name, ctx)
                if loc is not None:
                    return loc  # type: ignore[no-any-return]
            except Exception as e:  # a gazetteer hiccup must not lose the claim
                log.debug(Says.geocode_failed, name, e)
        precision = "region" if self.region_re.search(name) else "admin1" if self.admin1_re.search(name) else "point"
        return Location(name=name, precision=precision)

    def side_from_place(self, name: str, doc: Document) -> str | None:
        """A claimant named after a place ('Belgorod governor') speaks for the state that holds it; in outlets of
        the side that installed them, officials of an occupied province speak for that side's proxy."""
        lex = self.lex
        if not lex.phrase_re(lex.claimant_roles).search(name):
            return None
        ruler = self.nlp.get_pipe(RULER)
        for e in ruler(self.nlp.make_doc(name)).ents:
            if e.label_ not in ("GPE", "LOC"):
                continue
            loc = self.geocode(e.text, name, None)
            side = parties.side_of_country(loc.country, loc.admin1, parties.outlet_side(doc.source)) \
                if hasattr(parties, "side_of_country") else _country_side(loc)
            if side:
                return side
        return None


def _country_side(loc: Location) -> str | None:
    """The state that holds a place: its country as a party ('RU' → Russia)."""
    from claimledger.extraction.resolvers.party import state_of_country

    return state_of_country(loc.country)
