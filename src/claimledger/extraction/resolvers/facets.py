"""The facets of a claim that need no chain: stance, means, when it happened, when it was said."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Doc

from claimledger.extraction.attribution import Attribution
from claimledger.extraction.lexicon import Lexicon
from claimledger.extraction.linking import Candidate
from claimledger.model import EventTime
from claimledger.normalize import dates


def stance(lex: Lexicon, doc: Doc, cand: Candidate) -> str:
    """'denied' for a negated claim or a denial word, 'estimated' for an explicit hedge, else 'asserted'. A bound
    ('up to', 'more than') is a qualifier, not a hedge."""
    if cand.stance is not None:
        return cand.stance
    text = doc.text
    m = cand.mention
    if m.quantity.low == 0 and m.quantity.high == 0:
        return "denied"
    if lex.phrase_re(lex.denials).search(text):
        return "denied"
    if lex.phrase_re(lex.hedges).search(m.quantity.text or ""):
        return "estimated"
    for hit in lex.phrase_re(lex.hedges).finditer(text):
        tok = doc.char_span(hit.start(), hit.end(), alignment_mode="expand")
        if tok is None:
            continue
        if m.start <= tok.start < m.end or tok.root.dep_ == "amod":
            continue  # 'suspected militants': the hedge describes the victims, not the claim
        return "estimated"
    return "asserted"


EQUIPMENT = "equipment"


def means(lex: Lexicon, doc: Doc, cand: Candidate, siblings: list[int], victim_spans: list[tuple[int, int]]) -> list[str]:
    """Means named in the sentence, not inside the victims ('drones' shot down are not the means). In a list of
    victims each with its own means ('six by drones, four in a gunbattle') the means between one victim and the
    next are its own."""
    m = cand.mention
    hits: list[tuple[int, str]] = []
    last = -1
    for tok in doc:
        if not tok._.cl_m or tok.i <= last:
            continue
        if m.start <= tok.i < m.end or any(a <= tok.i < b for a, b in victim_spans):
            continue
        if tok._.cl_k and lex.kind_of(str(tok._.cl_k), EQUIPMENT) is not None:
            continue  # 'shot down a jet': the claim word that downs equipment names no weapon
        j = tok.i
        while j + 1 < len(doc) and doc[j + 1]._.cl_m == tok._.cl_m:
            j += 1
        last = j
        hits.append((tok.i, str(tok._.cl_m)))
    hits = _resolve_conflicts(lex, doc, hits)
    if not hits:
        return []
    others = [s for s in siblings if s != m.start]
    if others:
        nxt = next((s for s in others if s > m.end), len(doc))
        own = [h for h in hits if m.end <= h[0] < nxt]
        if own:
            hits = own
        else:
            prev = max((s for s in others if s < m.start), default=-1)
            if prev >= 0:
                hits = [h for h in hits if not prev <= h[0] < m.start] or hits
    out: list[str] = []
    for _, value in hits:
        if value not in out:
            out.append(value)
    return out


def _resolve_conflicts(lex: Lexicon, doc: Doc, hits: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """'bombing' is an airstrike when aircraft are named, an IED otherwise ('suicide bombing')."""
    airborne = any(t.lower_ in lex.airstrike_markers for t in doc)
    out = []
    for i, value in hits:
        if value == "airstrike" and doc[i].lower_ in lex.ied_bomb_words and not airborne:
            value = "ied"
        out.append((i, value))
    return out


def event_time(lex: Lexicon, doc: Doc, published: dt.date | None) -> EventTime | None:
    """When the loss happened: a date the sentence gives (not the date of a reporting verb), a phrase the model
    does not tag ('per day', 'in a day'), or a running total ('to date', 'since the start of the war')."""
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if any(h._.cl_r and not h._.cl_k for h in (ent.root.head, ent.root.head.head)):
            continue  # the date of a reporting verb ('said on Monday'), unless the verb is the claim's own
        prev = doc[ent.start - 1].text if ent.start > 0 else ""
        span = f"{prev} {ent.text}" if prev.lower() in lex.date_prepositions else ent.text
        r = dates.resolve(span, published)
        if r is not None:
            return r.to_event_time()
    for _, _, r in dates.resolve_in_text(doc.text, published):
        return r.to_event_time()
    m = lex.phrase_re(lex.cumulative_phrases).search(doc.text)
    if m and published is not None:
        rc = dates.resolve_cumulative(published, m.group(0))
        if rc is not None:
            return rc.to_event_time()
    return None


def stated_on(att: Attribution | None, published: dt.date | None) -> str | None:
    """When the claimant made the claim: the date on the reporting verb, else publication for a named claimant."""
    if att is None or (att.name is None and att.side is None):
        return None
    if att.date_text:
        r = dates.resolve(att.date_text, published)
        if r is not None:
            return r.start.isoformat() if r.precision == "day" else None
    return published.isoformat() if published else None
