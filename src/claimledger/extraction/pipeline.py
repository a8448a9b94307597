"""Document → claims. The stages of one document, in order:

1. split into sentences with offsets (cheap), keep those that can hold a claim (prefilter) or name a
   speaker for a quote, and parse only those, in batches (`nlp.pipe`);
2. per parsed sentence: triggers, victim mentions, links (extract.mentions / extract.linking);
3. per candidate: claimant (extract.claimants), party, stance, means, place (normalize.places),
   dates (normalize.dates), evidence offsets; repeated claims in one document are merged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from claimledger.errors import InputError
from claimledger.extraction import claimants as cl
from claimledger.extraction.lexicon import Lexicon, get_lexicon
from claimledger.extraction.linking import link
from claimledger.extraction.mentions import Candidate, _hypothetical, _negated, find_mentions, trigger_of
from claimledger.model import Claim, Claimant, Document, EventTime, Evidence, Location, Victim
from claimledger.nlp import get_nlp
from claimledger.nlp.sentences import split_sentences
from claimledger.normalize import dates, parties
from claimledger.normalize.quantities import parse_quantity

log = logging.getLogger(__name__)

_QUOTE_OPEN = "\"“"
_LOCATIVE = {"in", "near", "at", "on", "outside", "around", "of", "into", "to", "from", "over", "across", "towards",
             "toward", "within", "inside", "by"}
_CUMULATIVE_RE = re.compile(r"(?i)\b(to date|so far|as of today|since the (?:beginning|start) of (?:the )?(?:full-scale )?"
                            r"(?:war|invasion|aggression|operation)|since february 24|in total|during the (?:full-scale )?war)\b")
_REGION_SUFFIX_RE = re.compile(r"^\s+(region|oblast|province|district|direction|area|axis|front|raion|county)\b", re.I)
_NATIONALITY_WORDS = frozenset(k for k in parties.tables()["nationality"]
                               if not k[:1].isupper() and k.endswith(("ian", "ians", "ean", "ese", "ish", "ic")))
_HISTORICAL_RE = re.compile(r"(?i)\b(1[0-9]|20)th century\b|\b(?:in|of|since) (1[0-8]\d\d|19[0-3]\d|194[0-5])\b|"
                            r"\bHolodomor\b|\b(?:in|during) (?:the )?(?:First |Second )?World War\b")
_TURN_RE = re.compile(r"^([A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,2}):\s+\S")
_NOT_SPEAKERS = {"Question", "Answer", "Note", "Update", "Breaking", "South", "North", "East", "West", "Photo",
                 "Video", "Source", "Read", "See"}
_COMPASS_WORDS = {"north", "south", "east", "west", "centre", "center", "northeast", "northwest", "southeast",
                  "southwest", "outskirts", "suburbs"}
_LOSS_ITEMS = {"tanks": "tank", "armored": "armored_vehicle", "armoured": "armored_vehicle", "artillery": "artillery",
               "mlrs": "mlrs", "multiple": "mlrs", "air": "air_defense", "anti-aircraft": "air_defense",
               "aircraft": "aircraft", "planes": "aircraft", "helicopters": "helicopter", "uavs": "drone",
               "drones": "drone", "operational-tactical": "drone", "cruise": "other", "warships": "ship",
               "ships": "ship", "boats": "ship", "vehicles": "vehicle", "automotive": "vehicle", "special": "other"}
_LOSS_ITEM_RE = re.compile(
    r"(?i)(?P<item>personnel|manpower|tanks|armou?red (?:combat |fighting |personnel )?(?:vehicles|carriers)|"
    r"artillery systems|MLRS|multiple (?:launch )?rocket (?:launchers|systems)|air defen[cs]e (?:systems|means)|"
    r"anti-aircraft (?:warfare )?systems|aircraft|(?:war)?planes|helicopters|(?:operational-tactical )?UAVs|drones|"
    r"cruise missiles|(?:war)?ships(?:\s*/\s*boats)?|boats|(?:automotive equipment|vehicles) and fuel tanks|"
    r"special equipment)\s*[-–—:]\s*(?P<q>(?:about|approximately|over|more than|around|up to)?\s*\d[\d,]*(?:\s\d{3})*)"
    r"(?:\s*\(\s*\+\s*\d+\s*\))?")
_COMPASS_RE = re.compile(r"\b(?:in|on|at)\s+(?:the\s+)?((?:south|north|east|west|centre|center|south-east|north-east|"
                         r"southeast|northeast|south-west|southwest|north-west|northwest)(?:ern)?"
                         r"(?:\s+(?:front|direction|sector|axis))?)\b(?!\s+of\b)", re.I)
_AXIS_RE = re.compile(r"^-[A-Z][\w'’]*(?: [A-Z][\w'’]*)? (?:direction|axis|front|sector)\b")
_LABEL_RE = re.compile(r"^(?P<label>(?:the )?(?:South|North|East|West|Center|Centre|Southeast|Northeast|Donbas|Donbass|"
                       r"[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?(?: region| Oblast| direction)?)):\s")
_ROLE_RE = re.compile(r"(?i)\b(mayor|head|headquarters|emergency services?|ministry|governor|administration|ombudsman|"
                      r"police|military|army|command|authorities|officials?|republic|militia|service|department|"
                      r"intelligence|general staff|staff|spokes(?:man|woman|person)|prosecutors?)\b")
_OWN_SIDE_RE = re.compile(r"(?i)\b(our|my|its|their own|defenders?|warriors?|heroes|brothers-in-arms|comrades|fallen)\b")
_ACTOR_OF_RE = re.compile(r"(forces|army|ministry|president|government|citizens|troops|military|servicemen|soldiers|"
                          r"people|side|leadership|authorities|prime minister|head|armed forces|navy|command|militia|"
                          r"mission|representation|ombudsman|emergencies|administration) of( the)?\s*$|"
                          r"(mission|representation|delegation) (to|in)( the)?\s*$|"
                          r"(shelling|fire|firing|strikes?|attacks?) from( the)?( territory of)?\s*$")
_DIR_PREFIX_RE = re.compile(r"(?i)(southern|northern|eastern|western|south-eastern|north-eastern|southeastern|northeastern|central)\s+$")


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    parse: Any = None
    places: list[tuple[str, int, bool, int]] = field(default_factory=list)  # (name, offset, locative, paragraph)
    antecedent: str | None = None   # the party last named before this sentence (for "them", "they")
    prev_text: str = ""


@dataclass
class QuoteRegion:
    start: int
    end: int
    attribution: cl.Attribution | None = None


class Extractor:
    """Holds the loaded model and word lists; `run_batch` is the unit of work."""

    def __init__(self, components: list[str] | None = None) -> None:
        from claimledger.extraction.registry import configured_components, get_component

        names = configured_components() if components is None else components
        self.components = [(n, get_component(n)) for n in names]
        self.lex: Lexicon = get_lexicon()
        self.nlp = get_nlp()
        nat = sorted((re.escape(k) for k in parties.tables()["nationality"]), key=len, reverse=True)
        people = sorted((re.escape(k) for k in self.lex.military | self.lex.civilian), key=len, reverse=True)
        self._people_party_re = re.compile(r"(?i)\b(" + "|".join(nat) + r")(?:\s+[\w-]+){0,2}?\s+(?:" + "|".join(people)
                                           + r")s?\b")
        self._report_re = re.compile(r"(?i)\b(" + cl._REPORT_WORDS + r"|according to)\b")
        try:
            from claimledger.normalize import places as _places
            self.places: Any = _places
        except Exception:  # places normalizer is optional; names are kept without coordinates
            self.places = None

    # -- checks -------------------------------------------------------------------------------------
    def check(self, doc: Document) -> None:
        from claimledger.sources.validate import validate_text

        validate_text(doc.id, doc.text)

    # -- batch --------------------------------------------------------------------------------------
    def run_batch(self, docs: list[Document]) -> list[tuple[list[Claim], InputError | None]]:
        plans: list[list[Sentence]] = []
        to_parse: list[str] = []
        where: list[tuple[int, int]] = []
        for di, doc in enumerate(docs):
            sents = [Sentence(s, e, doc.text[s:e]) for s, e in split_sentences(doc.text)]
            plans.append(sents)
            for si, s in enumerate(sents):
                if self.needs_parse(s.text):
                    to_parse.append(s.text)
                    where.append((di, si))
        for (di, si), parsed in zip(where, self.nlp.pipe(to_parse, batch_size=128), strict=True):
            plans[di][si].parse = parsed
        out: list[tuple[list[Claim], InputError | None]] = []
        for doc, sents in zip(docs, plans, strict=True):
            try:
                claims = self.extract_doc(doc, sents)
                for _, component in self.components:
                    claims = component(doc, claims)
                out.append((claims, None))
            except Exception as e:  # one document's failure must not stop the batch
                log.exception("extraction failed for %s", doc.id)
                out.append(([], InputError(doc.id, f"extraction failed: {type(e).__name__}: {e}", stage="extract")))
        return out

    def needs_parse(self, text: str) -> bool:
        if len(text) > 2000:
            return bool(self.lex.prefilter.search(text))
        if self.lex.prefilter.search(text):
            return True
        return bool(re.search(r"[\"“”]", text) and self._report_re.search(text))

    # -- one document -------------------------------------------------------------------------------
    def extract_doc(self, doc: Document, sents: list[Sentence]) -> list[Claim]:
        published = dates.parse_published(doc.published)
        confidence_scale = 1.0
        if published is None:
            inferred = dates.infer_published(doc.text)
            confidence_scale = 0.7  # no publication date: relative dates cannot be anchored
            if inferred is not None:
                published = inferred[0]
                confidence_scale = 0.8
        default = self.default_attribution(doc)
        quotes = self.quote_regions(doc.text, sents)
        claims: list[Claim] = []
        seen: dict[tuple[Any, ...], list[Claim]] = {}
        last_named: cl.Attribution | None = None
        last_institution: cl.Attribution | None = None
        place_history: list[tuple[str, int, bool, int]] = []
        doc_places: dict[str, int] = {}
        doc_ctx = self._doc_place_context(doc.text)
        last_party: str | None = None
        prev_text = ""
        doc_default = default
        for s in sents:
            parsed = s.parse
            paragraph = doc.text.count("\n", 0, s.start)
            turn = _TURN_RE.match(s.text)
            if turn and turn.group(1).split()[0] not in _NOT_SPEAKERS:
                name = turn.group(1)
                chan = parties.official_channel(doc.source, doc.url)
                default = cl.Attribution(name=name, side=cl.side_for(name, s.text) or (
                    doc_default.side if doc_default else None) or (chan or {}).get("side"), origin="speaker")
            s.antecedent = last_party
            s.prev_text = prev_text
            prev_text = s.text
            last_party = self._people_party(s.text) or last_party
            if parsed is not None:
                s.places = self._places_in(parsed, s.start, paragraph)
                rep = cl.reported_speech(self.lex, parsed)
                if rep is not None and rep[0].origin == "reported" and rep[0].name:
                    last_named = rep[0]
                    if cl.is_institution(rep[0].name):
                        last_institution = rep[0]
            if parsed is not None and self.lex.prefilter.search(s.text):
                for claim in self._sentence_claims(doc, s, parsed, published, default, quotes,
                                                   (last_named, last_institution),
                                                   place_history, doc_ctx, paragraph, doc_places):
                    claim.confidence *= confidence_scale
                    # the same claim repeated (headline, lede, caption): same kind, party and number, and
                    # the same claimant side or one of them unattributed
                    key = (claim.kind, claim.victim.party, claim.quantity.low, claim.quantity.high,
                           claim.quantity.qualifier if claim.quantity.low is None
                           and claim.quantity.high is None else None)
                    numeric = claim.quantity.low is not None or claim.quantity.high is not None
                    prev = next((p for p in seen.get(key, []) if p.evidence.start != claim.evidence.start and (
                        p.claimant.side == claim.claimant.side
                        or numeric and p.claimant.side is None and p.claimant.name is None
                        or numeric and claim.claimant.side is None and claim.claimant.name is None)), None)
                    if prev is not None:
                        prev.evidence_more.append(claim.evidence)
                        _prefer_specific_claimant(prev, claim)
                        continue
                    seen.setdefault(key, []).append(claim)
                    claims.append(claim)
            if parsed is None:
                s.places = self._cheap_places(s, paragraph)
            subj = cl.initial_subject(s.text)
            if subj is not None:
                last_institution = subj
            place_history.extend(s.places)
            for name, _, locative, _ in s.places:
                if locative:
                    doc_places[name] = doc_places.get(name, 0) + 1
        return claims

    def _names_equipment(self, text: str) -> str | None:
        low = text.lower()
        for key in sorted(self.lex.equipment, key=len, reverse=True):
            if len(key) > 3 and re.search(r"\b" + re.escape(key) + r"s?\b", low):
                return self.lex.equipment[key]
        return None

    def _names_people(self, text: str) -> bool:
        words = {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z-]+", text)}
        return bool(words & {w.rstrip("s") for w in self.lex.military | self.lex.civilian})

    def _people_party(self, text: str) -> str | None:
        """The party of the last people named with a nationality ('North Korean soldiers'), for 'they'/'them'."""
        m = self._people_party_re.search(text)
        if m:
            return parties.party_of(m.group(1))
        g = re.search(r"\b(?:the\s+)?(Russians|Ukrainians|occupiers|invaders|North Koreans)\b", text)
        if g:  # "The Russians, on the contrary, throw in mobilized men"
            return parties.party_of(g.group(1)) or parties.party_from_hostile("ukraine_usage", None)
        return None

    # -- attribution --------------------------------------------------------------------------------
    def default_attribution(self, doc: Document) -> cl.Attribution | None:
        """The document's own speaker: `speaker` for addresses; an official site's voice otherwise."""
        chan = parties.official_channel(doc.source, doc.url)
        if doc.speaker:
            side = cl.side_for(doc.speaker, "") or (chan or {}).get("side")
            return cl.Attribution(name=doc.speaker, side=side, origin="speaker")
        if chan:
            title = doc.title or ""
            first_person = re.search(r"\b(I|we|We|our|Our|us)\b", doc.text[:5000]) is not None
            third = re.search(r"\b(?:The |the )?President\s+(?:of \w+\s+)?(?:\w+ )?(?:awarded|thanked|held|met|signed|"
                              r"informed|discussed|visited|noted|said|stressed|called|had)\b", title + " " + doc.text[:600])
            address = re.search(r"(?i)\b(address|speech|remarks|interview|statement by|news conference|meeting|"
                                r"summit|session|forum|conversation)\b", title)
            if (first_person or address) and not (third and not first_person):
                return cl.Attribution(name=chan["head"], side=chan["side"], origin="speaker")
            return cl.Attribution(name=None, side=chan["side"], origin="press")
        return None

    def quote_regions(self, text: str, sents: list[Sentence]) -> list[QuoteRegion]:
        """Quotations with their speakers. Straight quotes are told apart by their neighbours (an opening
        one stands before a word, a closing one after it), so a quote inside a quote ('"… will say that
        this is "an operation," …"') does not end the outer one; a quote left open at a paragraph end
        continues when the next paragraph opens with a quote mark (news convention)."""
        regions: list[QuoteRegion] = []
        open_at: int | None = None
        depth = 0
        n = len(text)
        i = 0
        while i < n:
            ch = text[i]
            if ch == "\n" and open_at is not None:
                j = i
                while j < n and text[j] in "\n \t":
                    j += 1
                if j >= n or text[j] not in _QUOTE_OPEN:
                    regions.append(QuoteRegion(open_at, i))
                    open_at, depth = None, 0
                    i = j
                else:
                    i = j + 1  # the continuation mark of the next paragraph
                continue
            if ch in "“\"”":
                prev = text[i - 1] if i > 0 else " "
                nxt = text[i + 1] if i + 1 < n else " "
                opening = ch == "“" or (ch == '"' and (prev.isspace() or prev in "([—–-:") and not nxt.isspace())
                closing = ch == "”" or (ch == '"' and not opening)
                if opening:
                    if open_at is None:
                        open_at, depth = i, 1
                    else:
                        depth += 1
                elif closing and open_at is not None:
                    depth -= 1
                    if depth <= 0:
                        regions.append(QuoteRegion(open_at, i + 1))
                        open_at, depth = None, 0
            i += 1
        if open_at is not None:
            regions.append(QuoteRegion(open_at, n))
        for r in regions:
            r.attribution = self._quote_speaker(text, r, sents)
        return regions

    def _quote_speaker(self, text: str, r: QuoteRegion, sents: list[Sentence]) -> cl.Attribution | None:
        after_att = self._speaker_after(text, r)
        if after_att is not None:
            return after_att  # '"…," Volodymyr Zelenskyy said.'
        host = next((s for s in sents if s.start <= r.start < s.end), None) or next(
            (s for s in sents if s.start <= r.start < s.end + 1), None)
        if host is not None:
            before = text[host.start:r.start]
            if host.parse is not None:
                rep = cl.reported_speech(self.lex, host.parse)
                if rep is not None and rep[0].name and rep[0].origin == "reported" \
                        and host.parse[rep[1]].idx + host.start < r.start:
                    return rep[0]
            name = cl.regex_speaker(before) if before.strip() else None
            if name:
                return cl.Attribution(name=name, side=cl.side_for(name, before), origin="quote",
                                      date_text=self._date_in(before))
        return None

    def _speaker_after(self, text: str, r: QuoteRegion) -> cl.Attribution | None:
        after = text[r.end:r.end + 160]
        inside = text[r.start:r.end].rstrip("\"”").rstrip()
        if not inside.endswith((",", "!", "?", "—", "–", "-", "…")) or "\n" in after[:3]:
            return None  # '"…," X said' only: a new paragraph's speaker is not this quote's
        m = re.match(r"\s*,?\s*(?:(?P<a>(?:(?:the|a|an|The|A|An)\s+)?[\w'’.\-]+(?:\s+[\w'’.\-]+){0,7}?)\s+(?:"
                     + cl._REPORT_WORDS + r")\b|(?:" + cl._REPORT_WORDS
                     + r")\s+(?P<b>(?:(?:the|a|an)\s+)?(?:[A-Z][\w'’.\-]*\s+){0,5}[A-Z][\w'’.\-]*))", after)
        if m:
            name = (m.group("a") or m.group("b") or "").strip()
            if name and name.split()[0].lower() not in cl._PRONOUNS and (
                    name[:1].isupper() or re.search(r"[A-Z]", name) or cl.is_institution(name)
                    or re.search(r"(?i)\b(president|minister|spokes\w+|official|commander|governor|mayor|head)\b", name)):
                return cl.Attribution(name=name, side=cl.side_for(name, after), origin="quote")
        return None

    def _date_in(self, text: str) -> str | None:
        m = re.search(r"(?i)\b(?:late |early )?(?:on|in) (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                      r"January|February|March|April|May|June|July|August|September|October|November|December)"
                      r"(?: \d{1,2})?(?:,? \d{4})?", text)
        return m.group(0) if m else None

    def _attribution_for(self, s: Sentence, parsed: Any, trig_i: int, trig_char: int, quotes: list[QuoteRegion],
                         default: cl.Attribution | None,
                         last: tuple[cl.Attribution | None, cl.Attribution | None]) -> cl.Attribution | None:
        last_named, last_institution = last
        for r in quotes:
            if r.start <= trig_char < r.end and r.attribution is not None:
                return r.attribution
        rep = cl.reported_speech(self.lex, parsed, target=trig_i)
        if rep is not None:
            att = rep[0]
            if att.origin == "pronoun":
                if att.name and att.name.lower() in ("we", "i") and default is not None:
                    return cl.Attribution(default.name, default.side, att.date_text, "speaker")
                if att.name and att.name.lower() in ("it", "they") and last_institution is not None:
                    return cl.Attribution(last_institution.name, last_institution.side, att.date_text, "reported")
                if last_named is not None:
                    return cl.Attribution(last_named.name, last_named.side, att.date_text or last_named.date_text,
                                          "reported")
            else:
                return att
        acc = cl.according_to(s.text)
        if acc is not None:
            return acc
        tail = cl.tail_attribution(s.text) or cl.label_attribution(s.text)
        if tail is not None:
            return tail
        for r in quotes:
            if r.start <= trig_char < r.end and last_named is not None:
                return last_named
        return default

    # -- places -------------------------------------------------------------------------------------
    def _place_ents(self, parsed: Any) -> list[tuple[Any, str, bool]]:
        """(entity, name as written with 'region'/'southern' kept, locative?) for the places of a sentence."""
        out = []
        for ent in parsed.ents:
            if ent.label_ not in ("GPE", "LOC", "FAC"):
                continue
            nxt = parsed[ent.end].text if ent.end < len(parsed) else ""
            if nxt in ("'s", "’s"):
                continue  # "Ukraine's forces": an actor, not a place
            if ent.text.lower() in _NATIONALITY_WORDS:
                continue  # "Ukrainian shelling": an adjective, not a place
            if re.fullmatch(r"[A-Z]{3,6}", ent.text) and ent.text not in ("DPR", "LPR", "USA", "UK"):
                continue  # "JCCC", "HIMARS": acronyms of bodies and weapons
            if ent.start == 0 and ent.text.isupper() and nxt in ("-", "—", "–", ","):
                continue  # a dateline ("KYIV - "): where the reporter is, not where it happened
            if ent.root.dep_ in ("nsubj", "nsubjpass") and ent.root.head.pos_ == "VERB":
                continue  # "Ukraine says …": an actor
            if ent.root.dep_ == "pobj" and ent.root.head.lower_ == "by" and ent.label_ == "GPE":
                continue  # "drones launched by Russia": an agent
            before = parsed.text[max(0, ent.start_char - 40):ent.start_char].lower()
            if _ACTOR_OF_RE.search(before):
                continue  # "Armed Forces of Ukraine", "President of Russia"
            name = ent.text
            if name.lower().startswith("the "):
                name = name[4:]
            if name.lower() in _COMPASS_WORDS and parsed.text[ent.end_char:ent.end_char + 4] == " of ":
                continue  # "in the west of Donetsk": the place is the next one
            m = _REGION_SUFFIX_RE.match(parsed.text[ent.end_char:ent.end_char + 14])
            if m:
                name = f"{name} {m.group(1)}"
            m = _AXIS_RE.match(parsed.text[ent.end_char:ent.end_char + 40])
            if m:
                name = name + m.group(0)  # "Nikolaev-Kryvyi Rih direction"
            pm = _DIR_PREFIX_RE.search(parsed.text[max(0, ent.start_char - 16):ent.start_char])
            if pm:
                name = f"{pm.group(1)} {name}"
            k = ent.start - 1
            while k >= 0 and parsed[k].pos_ in ("DET", "ADJ", "PUNCT") and parsed[k].text not in (",", ";"):
                k -= 1
            locative = k >= 0 and parsed[k].text.lower() in _LOCATIVE or ent.start == 0
            out.append((ent, name, locative))
        return out

    def _places_in(self, parsed: Any, offset: int, paragraph: int = 0) -> list[tuple[str, int, bool, int]]:
        return [(name, offset + ent.start_char, loc, paragraph) for ent, name, loc in self._place_ents(parsed)]

    def _cheap_places(self, s: Sentence, paragraph: int) -> list[tuple[str, int, bool, int]]:
        """Places of a sentence that is not parsed: the gazetteer ruler over tokens only (cheap)."""
        ruler = self.nlp.get_pipe("entity_ruler")
        d = ruler(self.nlp.make_doc(s.text))
        out = []
        for e in d.ents:
            if e.label_ not in ("GPE", "LOC", "FAC"):
                continue
            prev = d[e.start - 1].text.lower() if e.start > 0 else ""
            nxt = d[e.end].text if e.end < len(d) else ""
            if nxt in ("'s", "’s") or e.text.lower() in _NATIONALITY_WORDS:
                continue
            if e.start == 0 and e.text.isupper() and nxt in ("-", "—", "–", ","):
                continue
            name = e.text
            m = _REGION_SUFFIX_RE.match(s.text[e.end_char:e.end_char + 14])
            if m:
                name = f"{name} {m.group(1)}"
            out.append((name, s.start + e.start_char, prev in _LOCATIVE or prev == "the", paragraph))
        return out

    def _doc_place_context(self, text: str) -> Any:
        if self.places is None or not hasattr(self.places, "PlaceContext"):
            return None
        try:
            return self.places.context_from_text(text) if hasattr(self.places, "context_from_text") else None
        except Exception:
            return None

    def _location(self, s: Sentence, parsed: Any, exclude: list[tuple[int, int]], history: list[tuple[str, int, bool, int]],
                  doc_ctx: Any, trig_i: int, paragraph: int, doc_places: dict[str, int]) -> Location | None:
        """The place of a claim: the named place nearest the trigger in its sentence (after it first, as in
        'killed in Kursk'); else the last place named in the same paragraph; else the document's main place."""
        best: tuple[float, str] | None = None
        for ent, name, locative in self._place_ents(parsed):
            if any(a <= ent.start_char < b for a, b in exclude):
                continue
            dist = float(abs(ent.start - trig_i))
            if ent.start < trig_i:
                dist += 3
            if not locative:
                dist += 12
            if best is None or dist < best[0]:
                best = (dist, name)
        chosen = best[1] if best else None
        if chosen is None:
            # a headline label: "South: AFU destroyed …", "Kharkiv region: there is not a single …"
            lm = _LABEL_RE.match(s.text)
            if lm and (lm.group("label").lower() in _COMPASS_WORDS or any(
                    lm.group("label").startswith(ent.text) for ent, _, _ in self._place_ents(parsed))):
                chosen = lm.group("label")
        if chosen is None:
            cm = _COMPASS_RE.search(s.text)
            if cm:
                return Location(name=cm.group(1), country=None, precision="region")  # "in the east", "in south"
        if chosen is None:
            same_par = [h for h in history if h[3] == paragraph]
            # prefer the last specific place over a country named after it ("…in the Kursk region … on Russian territory")
            specific = [h for h in same_par if not self._country_level(h[0])]
            if specific:
                chosen = specific[-1][0]
            elif same_par:
                chosen = same_par[-1][0]

        if chosen is None and exclude:
            # "the governor of the Belgorod region said …": the official's own province, as a last resort
            for ent, name, _ in self._place_ents(parsed):
                if any(a <= ent.start_char < b for a, b in exclude[-1:]) and re.search(
                        r"(?i)\b(governor|mayor|head|administration)\b", parsed.text[exclude[-1][0]:exclude[-1][1]]):
                    chosen = name
                    break
        if chosen is None and doc_places:
            name, count = max(doc_places.items(), key=lambda kv: kv[1])
            if count >= 2:
                chosen = name  # the document's main place, when it names one more than once
        if chosen is None:
            return None
        return self._geocode(chosen, s.text, doc_ctx)

    def _side_from_place(self, name: str, doc: Document) -> str | None:
        """A claimant named after a place ("Belgorod governor", "the Kharkiv regional administration") speaks
        for the country that holds it (Russian-held Donetsk/Luhansk officials in Russian outlets: DPR/LPR)."""
        if not _ROLE_RE.search(name):
            return None
        ruler = self.nlp.get_pipe("entity_ruler")
        d = ruler(self.nlp.make_doc(name))
        for e in d.ents:
            if e.label_ not in ("GPE", "LOC"):
                continue
            loc = self._geocode(e.text, name, None)
            if loc.country == "RU":
                return "Russia"
            if loc.country == "UA":
                if parties.outlet_side(doc.source) == "Russia" and loc.admin1 in ("Donetsk Oblast", "Luhansk Oblast"):
                    return "DPR" if loc.admin1 == "Donetsk Oblast" else "LPR"
                return "Ukraine"
        return None

    def _country_level(self, name: str) -> bool:
        if re.search(r"(?i)\bterritory\b", name):
            return True
        loc = self._geocode(name, "", None)
        return loc.precision in ("country",)

    def _geocode(self, name: str, sentence: str, doc_ctx: Any) -> Location:
        if self.places is not None and hasattr(self.places, "geocode"):
            try:
                ctx = None
                if hasattr(self.places, "context_from_text"):
                    ctx = self.places.context_from_text(sentence, doc_ctx)
                loc = self.places.geocode(name, ctx)
                if loc is not None:
                    return loc  # type: ignore[no-any-return]
            except Exception as e:  # a gazetteer hiccup must not lose the claim
                log.debug("geocode failed for %s: %s", name, e)
        low = name.lower()
        precision = "region" if re.search(r"direction|front|southern|northern|eastern|western|south\b|north\b|east\b|west\b|donbas", low) else (
            "admin1" if re.search(r"region|oblast|province", low) else "point")
        return Location(name=name, precision=precision)

    # -- one sentence -------------------------------------------------------------------------------
    def _sentence_claims(self, doc: Document, s: Sentence, parsed: Any, published: dt.date | None,
                         default: cl.Attribution | None, quotes: list[QuoteRegion],
                         last: tuple[cl.Attribution | None, cl.Attribution | None],
                         place_history: list[tuple[str, int, bool, int]], doc_ctx: Any, paragraph: int,
                         doc_places: dict[str, int]) -> list[Claim]:
        lex = self.lex
        table = self._loss_table(doc, s, published, default, quotes, last, place_history, doc_ctx, paragraph,
                                 doc_places)
        if table:
            return table
        triggers = []
        for tok in parsed:
            t = trigger_of(lex, parsed, tok)
            if t is not None:
                t.hypothetical = _hypothetical(parsed, tok)
                t.negated = _negated(parsed, tok)
                triggers.append(t)
        if not triggers or _HISTORICAL_RE.search(parsed.text) or parsed.text.rstrip().endswith("?"):
            return []  # no trigger; or history ("in the 20th century", "in 1933"): background, not a claim
        mentions = find_mentions(lex, parsed, triggers)
        cands = link(lex, parsed, triggers, mentions)
        if s.text.rstrip().endswith(":"):
            # a heading for what follows ("Total combat losses of the enemy:"): its numbers come after it
            cands = [c for c in cands if c.mention.quantity.low is not None or c.mention.quantity.high is not None]
        victim_spans = [(parsed[m.start].idx, parsed[m.end - 1].idx + len(parsed[m.end - 1]))
                        for m in mentions if m.used and m.head is not None and m.vtype == "equipment" and m.end > m.start]
        # "several of them were destroyed": only when the sentence before names people, or equipment
        kept = []
        for c in cands:
            if c.extra.get("needs_people_antecedent") and not self._names_people(s.prev_text):
                item = self._names_equipment(s.prev_text)
                if item is None:
                    continue
                c.mention.vtype, c.mention.item = "equipment", item  # "… drones at Kyiv. We shot down 13 of them."
                from claimledger.extraction.linking import kind_for

                c.kind = kind_for(c.trigger.family, "equipment") or c.kind
            kept.append(c)
        cands = kept
        starts = sorted({parsed[c.mention.start].idx for c in cands})
        for c in cands:
            c.extra["victim_spans"] = victim_spans
            c.extra["sibling_starts"] = starts
        out: list[Claim] = []
        resolved: dict[int, str | None] = {}
        order = {id(c): k for k, c in enumerate(cands)}
        ranked: list[tuple[int, Claim]] = []
        for c in sorted(cands, key=lambda c: c.mention.source is not None):
            trig_char = s.start + parsed[c.trigger.i].idx
            att = self._attribution_for(s, parsed, c.trigger.i, trig_char, quotes, default, last)
            exclude = self._mention_span(parsed, c)
            if att is not None and att.span is not None:
                exclude.append(att.span)  # "the governor of the Kursk region said": the speaker's place
            loc = self._location(s, parsed, exclude, place_history, doc_ctx, c.trigger.i, paragraph, doc_places)
            claim = self._claim(doc, s, parsed, c, att, published, loc, resolved)
            resolved[id(c.mention)] = claim.victim.party
            ranked.append((order[id(c)], claim))
        out = [claim for _, claim in sorted(ranked, key=lambda r: r[0])]
        return out

    def _claim(self, doc: Document, s: Sentence, parsed: Any, c: Candidate, att: cl.Attribution | None,
               published: dt.date | None, location: Location | None,
               resolved: dict[int, str | None] | None = None) -> Claim:
        m = c.mention
        perspective = (att.side if att else None) or parties.outlet_side(doc.source) or (
            parties.official_channel(doc.source, doc.url) or {}).get("side")
        party = m.party
        if party is None and m.source is not None and resolved and id(m.source) in resolved:
            party = resolved[id(m.source)]  # "eight … and five": the five share the eight's party
        if party is None and m.source is None and m.text.lower() not in ("he", "she") and (
                m.head is None or m.text.lower() in ("they", "them", "these", "those")) and s.antecedent \
                and m.vtype in ("military", "unknown"):
            party = s.antecedent  # "over 4,000 of them", "they have suffered casualties"
        if party is None and c.owner_party:
            party = self._resolve_hostile(c.owner_party, perspective)  # "the Russian army has lost … of its soldiers"
        if party is None and re.search(r"(?i)\bits\b", m.text):
            before = parsed[:m.start].text
            named = [parties.party_of(x.group(0)) for x in re.finditer(r"[\w'’.-]+", before)]
            named = [p for p in named if p]
            if named:
                party = named[-1]  # "shoot down a Russian drone, capture its operator"
        if party is None and m.vtype != "equipment" and _OWN_SIDE_RE.search(m.text):
            party = perspective  # "our defenders", "his brothers-in-arms", "our children": the speaker's own side
        if party is None and m.hostile:
            party = parties.party_from_hostile(m.hostile, perspective)
        if party is None and re.search(r"\b(our|my)\b", m.text, re.I) and m.vtype in ("military", "equipment"):
            party = perspective
        if party is None and c.owner_party:
            party = self._resolve_hostile(c.owner_party, perspective)
        if party is None and c.owner_party is None and c.agent_party is None and m.vtype == "equipment" and att \
                and att.name and att.side and re.search(r"(?i)\b(governor|mayor|administration|head of|city council)\b",
                                                        att.name):
            party = att.side  # a local official reporting damage at home
        if party is None and c.agent_party and m.vtype in ("military", "equipment"):
            agent = self._resolve_hostile(c.agent_party, perspective)
            party = parties.opponent(agent)
        if party is None and m.vtype in ("military", "equipment") and perspective:
            party = parties.opponent(perspective)
        if party and party.startswith("hostile:"):
            party = self._resolve_hostile(party, perspective)
        vtype = m.vtype
        group = self._military_group(parsed, m)
        if group is not None:
            # "a Ukrainian sabotage and reconnaissance group of 15 people": the people are the group's fighters
            vtype = "military"
            party = party if party and m.party else (group or party)
        if vtype == "unknown" and party and c.kind in ("casualties", "captured", "surrendered", "irrecoverable", "deployed"):
            vtype = "military"
        q = m.quantity
        stance = self._stance(parsed, c)
        if q.low == 0 and q.high == 0:
            stance = "denied"
        means = self._means(parsed, c)
        event_time = self._event_time(parsed, published, c)
        stated_on = self._stated_on(att, published)
        claimant = Claimant(name=att.name if att else None, side=att.side if att else None)
        if claimant.name and re.fullmatch(r"(?i)(the )?(head of state|president)", claimant.name.strip()):
            chan = parties.official_channel(doc.source, doc.url)
            if chan:
                claimant = Claimant(name=chan["head"], side=chan["side"])  # the site's own head of state
        if claimant.name and claimant.side is None and att and att.origin in ("reported", "quote", "speaker"):
            claimant.side = parties.side_of_claimant(claimant.name, s.text)
        if claimant.name and claimant.side is None:
            claimant.side = self._side_from_place(claimant.name, doc)  # "Belgorod governor", "Odesa mayor"
        if claimant.name and claimant.side is None:
            # "- mayor", "emergency services", "Defense Ministry", "- Reznichenko": an official or source quoted
            # by an outlet (or an official site) of known side speaks for that side; in Russian reporting,
            # officials in Donetsk and Luhansk provinces speak for the DPR and LPR
            chan = parties.official_channel(doc.source, doc.url)
            side = parties.outlet_side(doc.source) or (chan or {}).get("side")
            if side == "Russia":
                where = " ".join(filter(None, [location.admin1 if location else None, s.text]))
                if re.search(r"\b(DPR|Donetsk)\b", where):
                    side = "DPR"
                elif re.search(r"\b(LPR|Luhansk|Lugansk)\b", where):
                    side = "LPR"
            claimant.side = side
        conf = 0.55
        if q.low is not None or q.high is not None:
            conf += 0.15
        if claimant.side:
            conf += 0.1
        if m.head is not None:
            conf += 0.1
        if c.trigger.direction == "noun" and m.head is None:
            conf -= 0.1
        return Claim(
            doc_id=doc.id, kind=c.kind,
            victim=Victim(party=party, type="equipment" if vtype == "equipment" else vtype, text=m.text,
                          item=m.item if vtype == "equipment" else None),
            quantity=q, claimant=claimant, stance=stance, means=means, location=location,
            event_time=event_time, stated_on=stated_on,
            evidence=Evidence(text=s.text, start=s.start, end=s.end), confidence=min(conf, 0.95),
        )

    def _loss_table(self, doc: Document, s: Sentence, published: dt.date | None, default: cl.Attribution | None,
                    quotes: list[QuoteRegion], last: tuple[cl.Attribution | None, cl.Attribution | None],
                    place_history: list[tuple[str, int, bool, int]], doc_ctx: Any, paragraph: int,
                    doc_places: dict[str, int]) -> list[Claim]:
        """The General Staff's running tally, "personnel - about 54,650 (+400), tanks - 2,180 (+5), …": one claim
        per line item (people → casualties, equipment → destroyed), a running total up to publication."""
        found = [(m.group("item"), m.group("q"), m.start()) for m in _LOSS_ITEM_RE.finditer(s.text)]
        if len(found) < 2:
            found = self._colon_list(s.text)
        if len(found) < 2 or not re.search(r"(?i)\bloss|eliminat|destroy|shot down|lost\b", s.text + " " + s.prev_text):
            return []
        parsed = s.parse
        att = self._attribution_for(s, parsed, 0, s.start, quotes, default, last) if parsed is not None else default
        perspective = (att.side if att else None) or parties.outlet_side(doc.source) or (
            parties.official_channel(doc.source, doc.url) or {}).get("side")
        head_text = s.text[:found[0][2]]
        owner = parties.party_of(head_text) or parties.party_of(s.prev_text)
        if owner is None:
            usage = parties.hostile_usage(head_text + " " + s.prev_text)
            owner = parties.party_from_hostile(usage, perspective) if usage else parties.opponent(perspective)
        et = dates.resolve_cumulative(published, "total")
        location = None
        out: list[Claim] = []
        for label_text, qtext, _ in found:
            q = parse_quantity(qtext.strip())
            if q is None:
                continue
            label = label_text.lower()
            people = label in ("personnel", "manpower", "troops", "soldiers", "servicemen") or bool(
                re.search(r"\b(troops|personnel|servicemen|soldiers|militants|nationalists|invaders|occupiers)\b", label))
            key = next((k for k in sorted(self.lex.equipment, key=len, reverse=True)
                        if re.search(r"\b" + re.escape(k) + r"s?\b", label)), None)
            item = None if people else (self.lex.equipment.get(label) or self.lex.equipment.get(label.rstrip("s"))
                                        or _LOSS_ITEMS.get(label.split()[0]) or (self.lex.equipment[key] if key
                                                                                 else "other"))
            out.append(Claim(
                doc_id=doc.id, kind="casualties" if people else "equipment_destroyed",
                victim=Victim(party=owner, type="military" if people else "equipment", text=label_text,
                              item=item),
                quantity=q, claimant=Claimant(name=att.name if att else None, side=att.side if att else None),
                stance="asserted", means=[], location=location,
                event_time=et.to_event_time() if et else None, stated_on=self._stated_on(att, published),
                evidence=Evidence(text=s.text, start=s.start, end=s.end), confidence=0.75))
        return out

    def _colon_list(self, text: str) -> list[tuple[str, str, int]]:
        """'Russia's combat losses: about 63,380 troops, 2,505 tanks' / 'the following have been destroyed: 316
        aircraft, 2,153 UAVs and 6,640 tanks': (item words, quantity text, offset) per list item."""
        colon = next((c.start() for c in re.finditer(":", text)
                      if re.search(r"(?i)\bloss|destroy|eliminat|shot down|lost\b", text[:c.start()])), -1)
        if colon < 0:
            return []
        out = []
        for m in re.finditer(r"(?:^|,|\band\b|;)\s*(?P<q>(?:about|approximately|over|more than|around|up to|almost|"
                             r"nearly)?\s*\d[\d,]*(?:\s\d{3})*)\s+(?P<item>[A-Za-z][\w\s-]{1,50}?)(?=\s*(?:,|;|\band\b|"
                             r"\(|\.|$))", text[colon + 1:]):
            words = m.group("item").strip().lower()
            if re.search(r"\b(troops|personnel|servicemen|soldiers|militants|nationalists|invaders|occupiers|"
                         r"fighters|mercenaries)\b", words):
                out.append(("personnel", m.group("q"), colon + 1 + m.start("q")))
                continue
            key = next((k for k in sorted(self.lex.equipment, key=len, reverse=True)
                        if re.search(r"\b" + re.escape(k) + r"s?\b", words)), None)
            if key is not None:
                out.append((m.group("item").strip(), m.group("q"), colon + 1 + m.start("q")))
        return out

    @staticmethod
    def _mention_span(parsed: Any, c: Candidate) -> list[tuple[int, int]]:
        m = c.mention
        if m.head is None or m.end <= m.start:
            return []
        return [(parsed[m.start].idx, parsed[m.end - 1].idx + len(parsed[m.end - 1]))]

    @staticmethod
    def _military_group(parsed: Any, m: Any) -> str | None:
        """'' when the mention is 'a <military> group of N people' (party unknown), the group's party when named,
        None when it is not such a group."""
        if m.head is None:
            return None
        head = parsed[m.head]
        if not (head.dep_ == "pobj" and head.head.lower_ == "of"):
            return None
        unit = parsed[head.head.i - 1] if head.head.i > 0 else head.head.head  # the noun right before "of"
        if unit.lemma_.lower() not in ("group", "unit", "squad", "detachment", "team", "column", "platoon",
                                       "company", "battalion"):
            return None
        words = parsed[max(0, unit.i - 6):unit.i + 1].text
        if unit.lemma_.lower() in ("group", "team", "column") and not re.search(
                r"(?i)sabotage|reconnaissance|assault|military|armed|enemy|nationalist|landing|tactical|militant|"
                r"mercenar|saboteur|infantry|combat", words):
            return None
        return parties.party_of(words) or parties.party_from_hostile(u, None) if (u := parties.hostile_usage(words)) \
            else parties.party_of(words) or ""

    @staticmethod
    def _resolve_hostile(p: str, perspective: str | None) -> str | None:
        if p == "self":
            return perspective  # "we lost 30 men"
        if p.startswith("hostile:"):
            return parties.party_from_hostile(p.split(":", 1)[1], perspective)
        return p

    def _stance(self, parsed: Any, c: Candidate) -> str:
        low = parsed.text.lower()
        if c.trigger.negated or any(re.search(r"(?<![\w-])" + re.escape(d) + r"(?![\w-])", low) for d in self.lex.denials):
            return "denied"
        qtext = (c.mention.quantity.text or "").lower()
        if "estimated" in qtext:
            return "estimated"
        if any(re.search(r"(?<![\w-])" + re.escape(h) + r"(?![\w-])", low) for h in self.lex.hedges):
            return "estimated"
        return "asserted"

    def _means(self, parsed: Any, c: Candidate) -> list[str]:
        text = parsed.text
        m = c.mention
        span_a = parsed[m.start].idx
        span_b = parsed[m.end - 1].idx + len(parsed[m.end - 1]) if m.end > m.start else span_a
        others = c.extra.get("victim_spans", [])
        hits = [(x.start(), self.lex.means[x.group(1).lower()]) for x in self.lex.means_re.finditer(text)
                if not (span_a <= x.start() < span_b) and not any(a <= x.start() < b for a, b in others)]
        if not hits:
            return []
        # a list of several victims each with its own means ("six using drones, and four in a gunbattle"):
        # the means between a victim and the next one belong to it alone
        siblings = [x for x in c.extra.get("sibling_starts", []) if x != span_a]
        if siblings:
            nxt = next((x for x in siblings if x > span_b), len(text))
            own = [h for h in hits if span_b <= h[0] < nxt]
            if own:
                hits = own
            else:
                prev = max((x for x in siblings if x < span_a), default=-1)
                if prev >= 0:
                    # the previous victim's own means are not ours
                    hits = [h for h in hits if not prev <= h[0] < span_a] or hits
        out: list[str] = []
        for _, means in hits:
            if means not in out:
                out.append(means)
        return out

    def _event_time(self, parsed: Any, published: dt.date | None, c: Candidate) -> EventTime | None:
        for ent in parsed.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            if any(h.pos_ == "VERB" and h.lemma_.lower() in self.lex.report_verbs
                   for h in (ent.root.head, ent.root.head.head)):
                continue
            prev = parsed[ent.start - 1].text if ent.start > 0 else ""
            span = f"{prev} {ent.text}" if prev.lower() in ("since", "on", "in", "during", "over", "per", "last",
                                                            "from", "until", "by") else ent.text
            r = dates.resolve(span, published)
            if r is not None:
                return r.to_event_time()
        for _, _, r in dates.resolve_in_text(parsed.text, published):
            return r.to_event_time()  # "per day", "in a day", "as of today": phrases the model does not tag
        m = _CUMULATIVE_RE.search(parsed.text)
        if m and published is not None:
            r = dates.resolve_cumulative(published, m.group(0))
            if r is not None:
                return r.to_event_time()
        return None

    @staticmethod
    def _stated_on(att: cl.Attribution | None, published: dt.date | None) -> str | None:
        if att is None or (att.name is None and att.side is None):
            return None
        if att.date_text:
            r = dates.resolve(att.date_text, published)
            if r is not None:
                return r.start.isoformat() if r.precision == "day" else None
        return published.isoformat() if published else None


def _prefer_specific_claimant(kept: Claim, other: Claim) -> None:
    """A headline's 'Ukraine says …' and the body's 'Ukraine's General Staff said on Wednesday …' are one
    claim: keep the more specific claimant (more words naming the same side) and its statement date."""
    a, b = kept.claimant, other.claimant
    if b.name and (a.side == b.side or a.name is None and a.side is None) \
            and len((b.name or "").split()) > len((a.name or "").split()):
        kept.claimant = Claimant(name=b.name, side=b.side)
        kept.stated_on = other.stated_on or kept.stated_on
    if kept.location is None and other.location is not None:
        kept.location = other.location
    if kept.event_time is None and other.event_time is not None:
        kept.event_time = other.event_time
    for m in other.means:
        if m not in kept.means:
            kept.means.append(m)


_extractor: Extractor | None = None
_lock = threading.Lock()


def get_extractor(components: list[str] | None = None) -> Extractor:
    """The process-wide extractor (spaCy is loaded once); `components` replaces the configured list."""
    global _extractor
    with _lock:
        if _extractor is None:
            _extractor = Extractor(components)
        elif components is not None:
            from claimledger.extraction.registry import get_component

            _extractor.components = [(n, get_component(n)) for n in components]
    return _extractor
