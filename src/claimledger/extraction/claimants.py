"""Who makes a claim: reported speech, 'according to X', quotes (speaker before, after or in an earlier
sentence), headline tails ('… - mayor'), and the document's speaker for addresses and statements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from claimledger.extraction.lexicon import Lexicon
from claimledger.normalize import parties
from claimledger.normalize.quantities import find_quantities

_REPORT_WORDS = (r"said|says|say|stated|states|announced|announces|reported|reports|noted|notes|claimed|claims|told|"
                 r"added|wrote|writes|posted|stressed|emphasi[sz]ed|confirmed|confirms|informed|declared|asserted|"
                 r"revealed|estimated|estimates|assessed|assesses|specified|clarified|published|spoke|tweeted|updated|"
                 r"warned|denied|denies|explained|insisted|acknowledged|admitted|indicated|mentioned|disclosed|"
                 r"reports|informs")
_TAIL_RE = re.compile(r"\s[-–—]\s+(?P<who>[^-–—.!?\"]{2,70}?)\s*[.!?]?$")
_TRAIL_RE = re.compile(r",\s+(?P<who>(?:the\s+)?[\w'’.\- ]{2,60}?)\s+(?:" + _REPORT_WORDS + r")(?:\s+\w+){0,3}\s*[.!?]?$")
_REPORTED_IN_RE = re.compile(r",\s+(?:" + _REPORT_WORDS + r")\s+(?:in|by|at)\s+(?P<who>(?:the\s+)?[\w'’.\- ]{2,50}?)\s*[.!?]?$")
_ACCORDING_RE = re.compile(r"(?i)\baccording to (?P<who>(?:the\s+)?[A-Z][\w'’.\-]*(?:\s+(?:of\s+the\s+|of\s+|the\s+|'s\s+)?[A-Z][\w'’.\-]*){0,6}|(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\s+(?:ministry|office|staff|service|administration|command|police))")
_DATELINE_RE = re.compile(r"^[A-Z][A-Z .'’-]{1,40}\s*(?:\([^)]*\)\s*)?[-—–]\s+")
_PRONOUNS = {"he", "she", "they", "we", "i", "it", "who", "which", "this", "that"}
_GENERIC = {"media", "reports", "data", "preliminary data", "the data", "information", "preliminary information",
            "the report", "it", "this", "that", "figures", "the figures", "statistics"}


@dataclass
class Attribution:
    name: str | None
    side: str | None
    date_text: str | None = None     # a date attached to the reporting verb ("on Tuesday", "in December")
    origin: str = "none"             # reported | according | quote | tail | speaker | press | none
    span: tuple[int, int] | None = None  # where the name stands in its sentence (reported speech only)


def side_for(name: str | None, context: str) -> str | None:
    return parties.side_of_claimant(name, context)


def tail_attribution(sentence: str) -> Attribution | None:
    """Headline tails: '… - Gaidai', '… — General Staff', '…, the republic reported'."""
    m = _TAIL_RE.search(sentence)
    if m:
        who = m.group("who").strip()
        words = who.split()
        if 1 <= len(words) <= 8 and not re.search(r"\b(" + _REPORT_WORDS + r"|killed|died|wounded|destroyed)\b", who) \
                and words[0].lower() not in ("in", "on", "at", "of", "for", "with", "from", "by", "to", "into", "as") \
                and not find_quantities(who) \
                and not re.search(r"(?i)\b(is|are|was|were|this|that|we|you|i|know|only|will|would|there|here|it)\b", who):
            if not re.match(r"^\d", who):
                return Attribution(name=who, side=side_for(who, sentence), origin="tail")
    m = _REPORTED_IN_RE.search(sentence)
    if m:
        who = m.group("who").strip()
        return Attribution(name=who, side=side_for(who, sentence), origin="tail")
    m = _TRAIL_RE.search(sentence)
    if m:
        who = m.group("who").strip()
        if who.lower() not in _PRONOUNS and len(who.split()) <= 8 and not re.search(
                r"(?i)\b(though|although|but|which|while|could|would|not|be|been|figure|claim|it|this|that)\b", who):
            return Attribution(name=who, side=side_for(who, sentence), origin="tail")
    return None


_LABEL_LOWER = {"of", "the", "and", "for", "'s", "’s", "de", "region", "regional", "city", "district", "oblast",
                "military", "civil", "civilian", "state", "people's", "juvenile"}
_ROLE_WORD_RE = re.compile(r"(mayor|governor|head|prosecutors?|militia|ministry|administration|command|staff|"
                           r"police|ombudsman|headquarters|spokes\w+|officials?|authorities|military|army|forces|"
                           r"service|intelligence|council|office|department|emergency|rescuers|medics)s?")
_LABEL_RE = re.compile(r"^(?P<who>[A-Z][\w'’.\- ]{1,60}?):\s+\S")


def label_attribution(sentence: str) -> Attribution | None:
    """Headlines led by their source: 'Russian Defense Ministry: over 100 …', 'DPR: …' (not places:
    'Kherson region: …' has no side and is left to the place finder)."""
    m = _LABEL_RE.match(sentence)
    if not m:
        return None
    who = m.group("who").strip()
    if len(who.split()) > 6:
        return None
    # a clause is not a source ("Russians shelled Kramatorsk: three dead"): only names and role words
    if any(w[:1].islower() and w.lower() not in _LABEL_LOWER and not _ROLE_WORD_RE.fullmatch(w.lower())
           for w in re.findall(r"[\w'’-]+", who)):
        return None
    side = side_for(who, sentence)
    if side is None and not _ROLE_WORD_RE.search(who.lower()):
        return None
    return Attribution(name=who, side=side, origin="tail")


def according_to(sentence: str) -> Attribution | None:
    m = _ACCORDING_RE.search(sentence)
    if not m:
        return None
    who = m.group("who").strip().rstrip(",.;:")
    if who.lower() in _GENERIC or who.lower().startswith(("preliminary", "the data", "data", "information", "estimates")):
        return None
    return Attribution(name=who, side=side_for(who, sentence), origin="according")


def reported_speech(lex: Lexicon, sent: Any, target: int | None = None) -> tuple[Attribution, int] | None:
    """The subject of a reporting verb in a parsed sentence ('Ukraine's SOF announced on Tuesday that …').
    With `target` (a token index), only a verb whose clause holds the target counts."""
    for tok in sent:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in lex.report_verbs:
            continue
        if target is not None and not _governs(sent, tok, target):
            continue
        subj = next((c for c in tok.children if c.dep_ in ("nsubj",)), None)
        if subj is None:
            continue
        if subj.text.lower() in _PRONOUNS:
            return Attribution(name=subj.text, side=None, date_text=_verb_date(sent, tok), origin="pronoun"), tok.i
        start = subj.left_edge.i
        end = subj.i + 1
        # keep compounds/flat names right of the head ("Pentagon spokesman Maj. Gen. Pat Ryder")
        while end < len(sent) and sent[end].dep_ in ("compound", "flat", "appos") and sent[end].head.i == subj.i \
                and sent[end].pos_ == "PROPN":
            end += 1
        # "The commander of the brigade", "the head of the district administration"
        while end < len(sent) and sent[end].lower_ in ("of", "for") and sent[end].head.i in (subj.i, end - 1) \
                or end < len(sent) and sent[end].lower_ in ("of", "for") and sent[end].head.i >= start \
                and sent[end].head.i < end:
            end = max(t.i for t in sent[end].subtree) + 1
        name = _DATELINE_RE.sub("", sent[start:end].text)
        if name.lower() in _GENERIC:
            continue
        if not any(t.pos_ in ("PROPN",) or t.ent_type_ in ("ORG", "PERSON", "GPE", "NORP") for t in sent[start:end]) \
                and not re.search(r"ministry|staff|office|administration|command|service|mayor|governor|head|spokes|"
                                  r"president|minister|republic|militia|headquarters|military|army|forces|police|"
                                  r"official|commander|adviser|advisor|ombudsman|prosecutor|sources?|witness|"
                                  r"authorities|analyst|expert|intelligence|monitor|observer|mission|brigade|regiment|"
                                  r"battalion|corps|division|unit|guard|navy|air force|spokes(?:man|woman|person)",
                                  name, re.I):
            continue
        return Attribution(name=name, side=side_for(name, sent.text), date_text=_verb_date(sent, tok),
                           origin="reported", span=(sent[start].idx, sent[end - 1].idx + len(sent[end - 1]))), tok.i
    return None


def _governs(sent: Any, verb: Any, target: int) -> bool:
    """The reporting verb covers the target: the target sits in its clause, or the verb heads the sentence
    and the target is in the verb's main clause ('X, the republic reported')."""
    tgt = sent[target]
    if verb in tgt.ancestors:
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        return not any(tgt in s.subtree for s in subj)
    # a trailing report verb whose head is the claim verb ("…, the republic reported" parsed as its dependent)
    return verb.dep_ in ("parataxis", "ccomp", "advcl") and verb.head.i == target or (
        verb.dep_ == "ROOT" and tgt.head == verb) or (tgt.dep_ == "ccomp" and tgt.head == verb)


def _verb_date(sent: Any, verb: Any) -> str | None:
    """A DATE entity attached to the reporting verb, or opening the sentence ('On Saturday, … said')."""
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    subj_start = subj.left_edge.i if subj is not None else verb.i
    for ent in sent.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        root = ent.root
        hops = [root.head, root.head.head, root.head.head.head, root.head.head.head.head]
        opening = ent.end <= subj_start and verb.dep_ == "ROOT" and verb in root.ancestors
        via_statement = verb in hops and any(h.lemma_.lower() in ("statement", "post", "address", "interview",
                                                                    "briefing", "message") for h in hops[:3])
        if verb in hops[:2] or (ent.start <= 2 and verb.dep_ == "ROOT") or opening or via_statement:
            prev = sent[ent.start - 1].text.lower() if ent.start > 0 else ""
            return (prev + " " + ent.text).strip() if prev in ("on", "in", "late", "early", "since") else ent.text
    return None


def regex_speaker(sentence: str) -> str | None:
    """Cheap speaker guess for unparsed sentences: 'Capitalised Name … said'."""
    m = re.search(r"((?:[A-Z][\w'’.\-]*\s+){0,6}[A-Z][\w'’.\-]*)(?:\s+\([^)]*\))?(?:,[^,]{1,60},)?\s+(?:" + _REPORT_WORDS + r")\b",
                  sentence)
    if m:
        name = m.group(1).strip()
        if name.lower() not in _PRONOUNS and name.split()[0] not in ("The", "In", "On", "A", "This", "It"):
            return name
        if name.split()[0] == "The" and len(name.split()) > 1:
            return name
    return None


_INSTITUTION_RE = re.compile(r"(?i)\b(ministry|staff|command|service|army|forces|office|agency|government|kremlin|"
                             r"pentagon|administration|headquarters|militia|council|committee|guard|navy|police|"
                             r"intelligence|directorate|department)\b|\b[A-Z]{2,}\b")
_INITIAL_SUBJECT_RE = re.compile(r"^((?:[A-Z][\w'’.\-]*\s+){0,5}(?:[A-Z][\w'’.\-]*))\s+(?:did|does|has|have|had|was|"
                                 r"is|were|are|would|will|could|also|later|then|[a-z]+ed|[a-z]+s)\b")


def initial_subject(sentence: str) -> Attribution | None:
    """A named institution opening a sentence ("Russia's Defence Ministry did not comment …"): the
    antecedent of a later "It said …"."""
    m = _INITIAL_SUBJECT_RE.match(sentence)
    if not m:
        return None
    name = m.group(1)
    if name.split()[0] in ("The", "A", "An", "In", "On", "At", "It", "This", "That", "But", "And") and \
            not _INSTITUTION_RE.search(name):
        return None
    if not _INSTITUTION_RE.search(name):
        return None
    return Attribution(name=name, side=side_for(name, sentence), origin="reported")


def is_institution(name: str | None) -> bool:
    return bool(name and _INSTITUTION_RE.search(name))
