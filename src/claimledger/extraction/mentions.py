"""Sentence → candidate claims: find victim mentions (quantity + who/what), kind triggers, and link them.

Works on one parsed sentence (a spaCy Doc). Linking uses the parse where it is reliable (objects of
active verbs, subjects of passives) and word order where the small model stumbles (headlines such as
"20 civilians killed, 22 wounded").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from claimledger.extraction.lexicon import Lexicon
from claimledger.model import Quantity
from claimledger.normalize import parties
from claimledger.normalize.quantities import QuantityMatch, find_quantities, single, unspecified, zero

PEOPLE_TYPES = ("military", "civilian", "unknown", "mixed")
_FILLER_POS = {"ADJ", "PROPN", "DET", "NOUN", "PUNCT", "PART", "NUM", "ADP", "CCONJ", "ADV", "VERB", "X", "SYM"}
_INSTITUTION_HEADS = {"staff", "command", "office", "ministry", "service", "headquarters", "council", "directorate",
                      "administration", "committee", "prosecutor", "court", "department", "agency", "academy"}
_AGE_RE = re.compile(r"^\s*(?:-|\s)?(?:year|month|day|week|hour|minute|km|kilomet|met|percent|%|times|st\b|nd\b|rd\b|th\b)", re.I)


@dataclass
class Mention:
    """Who or what a claim is about, with its quantity."""

    start: int                      # token index (inclusive)
    end: int                        # token index (exclusive)
    head: int | None                # victim noun token, None for a bare number or pronoun
    quantity: Quantity
    vtype: str = "unknown"          # military | civilian | unknown | equipment
    item: str | None = None
    party: str | None = None
    text: str = ""
    bare: bool = False              # "five", "1,478", "N of them": victim taken from a neighbour
    used: bool = False
    by_participle: bool = False     # taken only by a participle ("a woman, wounded …, dies")
    hostile: str | None = None      # invaders/occupiers/enemy usage
    subset: bool = False            # "including two children": part of a preceding total
    source: Mention | None = None  # the neighbour a bare number took its victims from


@dataclass
class Trigger:
    i: int
    family: str                     # killed, wounded, casualties, destroy, lose, capture, ...
    direction: str                  # "right" (active: object follows), "left" (passive/intransitive), "noun"
    end: int = 0
    negated: bool = False
    hypothetical: bool = False
    combined_with: int | None = None  # index of a coordinated trigger ("killed and wounded")


@dataclass
class Candidate:
    kind: str
    mention: Mention
    trigger: Trigger
    agent_party: str | None = None
    owner_party: str | None = None    # for lose/suffer: the subject owns the losses
    extra: dict[str, Any] = field(default_factory=dict)


def _lemma(tok: Any) -> str:
    return str(tok.lemma_).lower()


def equipment_item(lex: Lexicon, sent: Any, head: Any) -> str | None:
    """Item of an equipment noun, looking at multiword names that end in the head ("infantry fighting vehicle")."""
    for n in range(min(lex.equipment_max_words, head.i + 1), 0, -1):
        words = [t.text.lower() for t in sent[head.i - n + 1: head.i + 1]]
        key = " ".join(words)
        for k in (key, " ".join(words[:-1] + [str(head.lemma_).lower()])):
            if k in lex.equipment:
                return lex.equipment[k]
    t = head.text.lower()
    if re.match(r"(su|mig|ka|k|mi|tu|il|an|t|bmp|btr|s)-\d+", t):
        return lex.equipment.get(re.sub(r"\d+$", "", t).rstrip("-") + "-", None) or (
            "aircraft" if t.startswith(("su", "mig", "tu", "il", "an")) else
            "helicopter" if t.startswith(("ka", "mi", "k-")) else
            "tank" if t.startswith("t-") else "armored_vehicle" if t.startswith(("bmp", "btr")) else
            "air_defense" if t.startswith("s-") else None)
    return None


def victim_class(lex: Lexicon, sent: Any, tok: Any) -> tuple[str, str | None] | None:
    """(type, item) if the token names people or equipment that can be a claim's victim."""
    if tok.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM", "X", "VERB", "ADV"):
        return None
    if tok.pos_ in ("ADV", "NUM", "X", "VERB") and not re.match(r"(su|mig|ka|k|mi|tu|t|bmp|btr|s)-\d+$", tok.text.lower()):
        if tok.pos_ != "VERB" and tok.pos_ != "NUM":
            return None
    low, lem = tok.text.lower(), _lemma(tok)
    if tok.pos_ == "ADJ" and tok.dep_ == "amod":
        return None  # "their military potential"
    item = equipment_item(lex, sent, tok)
    if item in (None, "other") and tok.pos_ == "NOUN" and lem in ("installation", "system", "complex", "launcher",
                                                                  "station", "carrier", "mount", "unit"):
        mods = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i]
        for c in mods:
            sub = equipment_item(lex, sent, c)
            if sub is not None:
                item = sub
                break
    if item is None and (lem in lex.not_victims or low in lex.not_victims):
        return None
    if item is not None and tok.pos_ != "VERB":
        # "drones" in "using drones" is a means, not a victim: callers check links
        return "equipment", item
    if low in lex.nationality_nouns:
        return "civilian", None
    # multiword people nouns ("media workers", "service members")
    if tok.i > 0:
        two = f"{sent[tok.i - 1].text.lower()} {lem}"
        if two in lex.civilian:
            return "civilian", None
        if two in lex.military:
            return "military", None
    if lem in lex.military or low in lex.military:
        if low in ("man", "men", "force", "forces", "staff", "guard") and not _military_context(sent, tok):
            return ("civilian", None) if low in ("man", "men") else None
        return "military", None
    if lem in lex.civilian or low in lex.civilian:
        if low in ("life", "lives"):
            return "unknown", None
        return "civilian", None
    return None


def _military_context(sent: Any, tok: Any) -> bool:
    window = " ".join(t.text.lower() for t in sent[max(0, tok.i - 3): tok.i])
    return bool(re.search(r"russian|ukrainian|enemy|korean|armed|military|special|our|their|occupation|border|national|"
                          r"mobili[sz]ed|conscript|drafted|fighting|wagner", window))


def trigger_of(lex: Lexicon, sent: Any, tok: Any) -> Trigger | None:
    """A kind trigger at this token, with the direction in which its victims stand."""
    low, lem = tok.text.lower(), _lemma(tok)
    nxt = sent[tok.i + 1].text.lower() if tok.i + 1 < len(sent) else ""
    prev = sent[tok.i - 1].text.lower() if tok.i > 0 else ""
    if tok.pos_ in ("NOUN", "PROPN") and (low.endswith("s") or low in lex.trigger_verbs and prev in (",", "and")) \
            and nxt and (
            nxt in ("down", "off") or sent[tok.i + 1].pos_ in ("NUM", "DET") or sent[tok.i + 1].like_num):
        # headlines: "Air defense shoots down 6 missiles", "Russia loses 9 tanks" (the small model tags them nouns)
        stem = next((x for x in (low, low[:-1], low[:-2], low[:-3] + "y" if low.endswith("ies") else "")
                     if x in lex.trigger_verbs), None)
        if stem == "down" and low == "downs" and sent[tok.i + 1].like_num:
            return Trigger(tok.i, "destroy", "right", end=tok.i + 1)  # "Air defense downs nine drones"
        if stem is not None and not (stem == "shoot" and nxt != "down") and stem not in ("hit", "strike", "down"):
            hfam = "destroy" if stem == "shoot" else lex.trigger_verbs[stem]
            return Trigger(tok.i, hfam[:-5] if hfam.endswith("_intr") else hfam,
                           "left" if hfam.endswith("_intr") else "right", end=tok.i + (2 if nxt in ("down", "off") else 1))
    if lem == "be" and any(c.dep_ == "expl" for c in tok.children):
        return Trigger(tok.i, "deployed", "right", end=tok.i + 1)
    if lem == "bring" and any(c.dep_ == "auxpass" for c in tok.children):
        return Trigger(tok.i, "deployed", "left", end=tok.i + 1)
    fam: str | None
    if tok.pos_ in ("VERB", "AUX") or (tok.tag_ in ("VBN", "VBD", "VBG", "VBZ", "VBP") and lem in lex.trigger_verbs):
        fam = lex.trigger_verbs.get(lem)
        if fam is None and low in lex.trigger_verbs and low not in ("down",):
            fam, lem = lex.trigger_verbs[low], low  # "wound" lemmatised as "wind"
        if lem == "take" and re.match(r"(the )?li(fe|ves)", " ".join(t.text.lower() for t in sent[tok.i + 1: tok.i + 3])):
            fam = "killed"
        if lem == "take" and nxt in ("prisoner", "prisoners", "captive"):
            return Trigger(tok.i, "captured", "left", end=tok.i + 2)
        if lem == "take" and any(t.lower_ in ("prisoner", "prisoners", "captive") for t in sent[tok.i + 2: tok.i + 9]):
            return Trigger(tok.i, "captured", "right", end=tok.i + 1)  # "took 15 Russian soldiers prisoner"
        if lem == "lose" and nxt in ("their", "his", "her") and sent[tok.i + 2: tok.i + 3].text.lower() in ("lives", "life"):
            return Trigger(tok.i, "killed", "left", end=tok.i + 3)
        if lem in ("lay", "laid") and nxt == "down" or low == "laid" and nxt == "down":
            return Trigger(tok.i, "surrendered", "left", end=tok.i + 2)  # "laid down their arms"
        if lem == "go" and nxt == "missing":
            return Trigger(tok.i, "missing", "left", end=tok.i + 2)
        if lem == "fall" and nxt in ("victim", "victims"):
            return Trigger(tok.i, "casualties", "left", end=tok.i + 2)
        if lem == "shoot":
            if nxt == "down" or any(c.dep_ == "prt" and c.text.lower() == "down" for c in tok.children):
                fam = "destroy"
            elif nxt == "dead":
                fam = "killed"
            else:
                return None
        if lem == "wipe" and nxt != "out" and not any(c.text.lower() == "out" for c in tok.children):
            return None
        if lem == "blow":
            if nxt != "up" and not any(c.lower_ == "up" for c in tok.children):
                return None
            fam = "destroy"  # "partisans blew up a Russian armored train"
        if lem == "put" and "out of action" in sent[tok.i: tok.i + 6].text.lower():
            fam = "casualties"
        if lem == "down" and tok.pos_ != "VERB":
            return None
        if fam is None:
            return None
        if lem == "capture" and re.search(r"\bon (video|camera|film|tape)\b|footage|photo", sent[tok.i: tok.i + 8].text.lower()):
            return None
        if low in ("dead",):
            fam = "killed"
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children) or (
            tok.tag_ == "VBN" and prev in ("was", "were", "been", "be", "being", "is", "are", "got", "get"))
        if fam.endswith("_intr"):
            return Trigger(tok.i, fam[:-5], "left", end=tok.i + 1)
        if tok.tag_ == "VBN" and not passive and not any(c.dep_ in ("aux",) for c in tok.children) \
                and tok.dep_ in ("amod", "acl", "ROOT", "conj", "relcl", "npadvmod", "advcl", "appos", "ccomp"):
            # participle after a noun: "20 civilians killed", "Russian soldiers killed", "downed aircraft"
            has_obj = any(c.dep_ in ("dobj", "obj") for c in tok.children)
            if not has_obj:
                return Trigger(tok.i, fam, "left", end=tok.i + 1)
        if passive:
            return Trigger(tok.i, fam, "left", end=tok.i + 1)
        return Trigger(tok.i, fam, "right", end=tok.i + 1)
    if tok.pos_ in ("NOUN", "PROPN", "ADJ", "NUM") or tok.tag_ in ("NNS", "NN", "JJ"):
        if low in ("irrecoverable", "irretrievable") and nxt.startswith(("loss", "casualt")):
            return Trigger(tok.i, "irrecoverable", "noun", end=tok.i + 2)
        if lem in ("loss", "casualty") and prev in ("irrecoverable", "irretrievable"):
            return None
        if lem in ("strike", "hit") and nxt in ("on", "at", "against"):
            return Trigger(tok.i, "hit", "right", end=tok.i + 2)
        if low == "death" and nxt == "toll":
            return None
        if lem == "hospital" and prev == "in" and tok.i >= 2 and sent[tok.i - 2].lemma_ == "be":
            return Trigger(tok.i, "wounded", "left", end=tok.i + 1)  # "19 people are in hospital"
        if low == "toll" and prev == "death":
            return Trigger(tok.i, "killed", "noun", end=tok.i + 1)
        fam = lex.trigger_nouns.get(low) or lex.trigger_nouns.get(lem)
        if tok.pos_ == "ADJ" or tok.dep_ in ("amod", "acomp"):
            fam = lex.trigger_adjectives.get(low) or fam
        if fam is None:
            return None
        if low == "missing" and prev in ("went", "gone", "go", "goes", "going"):
            return None
        if lem == "victim":
            if prev == "fallen":
                return Trigger(tok.i, "casualties", "noun", end=tok.i + 1)
            if tok.head.lemma_.lower() in ("number", "toll", "count") or tok.dep_ == "pobj" and \
                    tok.head.head.lemma_.lower() in ("number", "toll", "count") or \
                    any(c.dep_ == "nummod" for c in tok.children):
                return Trigger(tok.i, "killed", "noun", end=tok.i + 1)  # "the number of victims rose to 13"
            return None
        if lem in ("body", "corpse") and not re.search(r"found|recovered|pulled|exhumed|buried|lying|discovered|bodies of|taken out|retrieved|identified", sent.text.lower()):
            return None
        return Trigger(tok.i, fam, "noun", end=tok.i + 1)
    return None


def _hypothetical(sent: Any, tok: Any) -> bool:
    """Modal or conditional governing the trigger: "will very likely climb", "could kill", "if … were killed"."""
    heads = [tok]
    for a in tok.ancestors:  # climb the trigger's own clause, not into a reporting clause
        if heads[-1].dep_ in ("ccomp", "xcomp", "relcl", "acl") or len(heads) > 3:
            break
        heads.append(a)
    for h in heads:
        for c in h.children:
            if c.dep_ == "aux" and c.text.lower() in ("will", "would", "could", "might", "may", "should", "can", "'ll", "wo"):
                # "may have been killed" is an estimate of the past, not a hypothetical
                if not any(x.dep_ == "aux" and x.lower_ == "have" for x in h.children):
                    return True
            if c.dep_ == "mark" and c.text.lower() in ("if", "unless"):
                return True
        if h is tok and any(c.dep_ == "aux" and c.tag_ == "TO" for c in h.children):
            # "to kill": intention or capacity, unless achieved ("managed to shoot down")
            gov = h.head
            perfect = any(c.dep_ == "aux" and c.lower_ == "have" for c in h.children)
            if gov.lemma_.lower() not in ("manage", "succeed", "continue", "begin", "start", "happen", "keep") and not (
                    perfect and gov.lemma_.lower() in ("know", "believe", "report", "say", "think", "confirm",
                                                       "estimate", "fear", "presume", "appear", "seem")):
                return True
    return False


def _negated(sent: Any, tok: Any) -> bool:
    return any(c.dep_ == "neg" for c in tok.children) or (tok.i > 0 and sent[tok.i - 1].text.lower() in ("no", "without"))


def find_mentions(lex: Lexicon, sent: Any, triggers: list[Trigger]) -> list[Mention]:
    text = sent.text
    # counts inside dates, times, money and percentages are not counts of people ("July 27", "16:28", "day one")
    skip_spans = [(e.start_char, e.end_char) for e in sent.ents
                  if e.label_ in ("DATE", "TIME", "MONEY", "PERCENT", "ORDINAL")
                  and not re.search(r"(?i)\b(dozens|hundreds|thousands|tens)\b", e.text)]
    qmatches = [q for q in find_quantities(text) if not _AGE_RE.match(text[q.end:q.end + 8])
                and not any(a <= q.start < b for a, b in skip_spans)
                and not re.search(r"(?i)\b(aged?|ages)\s+(?:of\s+)?(?:\d+\s+and\s+)?$", text[max(0, q.start - 14):q.start])]
    # quantities attach to the nearest following victim head through filler words only
    heads: list[tuple[Any, tuple[str, str | None]]] = []
    trigger_idx = {t.i for t in triggers}
    for tok in sent:
        vc = victim_class(lex, sent, tok)
        if vc is None:
            continue
        if tok.i in trigger_idx and vc[0] != "equipment":
            # "dead"/"wounded" as nouns are triggers; but "the wounded" can also be victims: keep as trigger
            continue
        ent = next((e for e in sent.ents if e.start <= tok.i < e.end), None)
        if ent is not None and ent.label_ in ("ORG", "PERSON", "FAC", "WORK_OF_ART", "LAW", "EVENT") \
                and len(ent) > 1 and tok.lower_ not in lex.nationality_nouns and vc[0] != "equipment":
            continue  # "the General Staff", "Special Operations Forces": names of institutions
        if tok.i + 1 < len(sent) and sent[tok.i + 1].lower_ in _INSTITUTION_HEADS and sent[tok.i + 1].text[:1].isupper():
            continue  # "the General Staff"
        if tok.dep_ == "poss" and tok.head.i > tok.i and tok.head.lemma_.lower() not in ("body", "corpse", "death",
                                                                                        "life", "remains", "killing"):
            continue  # "a farmers' market", "the enemy's losses": owners, not victims
        if tok.dep_ in ("compound", "amod", "nmod") and tok.head.i > tok.i and victim_class(lex, sent, tok.head) is not None:
            continue  # "infantry soldiers", "Shahed drones": the head is the last noun
        if tok.lemma_.lower() in ("enemy", "aggressor", "adversary") and tok.i + 1 < len(sent) \
                and (sent[tok.i + 1].pos_ in ("NOUN", "PROPN", "X") or equipment_item(lex, sent, sent[tok.i + 1]))\
                and sent[tok.i + 1].text.lower() not in ("'s", "’s"):
            continue  # "an enemy bomber", "enemy vehicles": a modifier, not people
        if vc[0] == "equipment" and tok.dep_ == "compound" and tok.head.i > tok.i \
                and not any(t.pos_ == "PUNCT" and (t.whitespace_ or sent[t.i - 1].whitespace_)
                            for t in sent[tok.i + 1:tok.head.i]) and tok.head.i - tok.i <= 5:
            continue  # "HIMARS installation": the head noun carries the mention (not "drones - Konashenkov")
        heads.append((tok, vc))
    mentions: list[Mention] = []
    used_q: set[int] = set()
    for tok, (vtype, item) in heads:
        q, qstart = _quantity_for(sent, tok, qmatches, used_q)
        start = qstart if qstart is not None else _left_edge(sent, tok)
        end = tok.i + 1
        end = _right_extension(sent, tok, end)
        span = sent[start:end]
        mtext = span.text
        if q is None and tok.lemma_.lower() in ("family", "group", "crew", "unit", "squad") and tok.i + 2 < len(sent) \
                and sent[tok.i + 1].lower_ == "of":
            after = find_quantities(sent[tok.i + 2: tok.i + 5].text)
            if after and after[0].start == 0:
                q = after[0].quantity  # "a family of four"
        if q is None and any(t.lower_ in ("every", "each") for t in sent[start:tok.i]):
            continue  # "every downed missile": generic, not a count
        if q is None:
            q = _implicit_quantity(sent, tok, start)
        party = parties.party_of(mtext, equipment=vtype == "equipment")
        if vtype != "equipment" and tok.text.lower() in lex.nationality_nouns:
            party = lex.nationality_nouns[tok.text.lower()]
        hostile = parties.hostile_usage(mtext)
        if vtype == "civilian" and tok.lemma_.lower() in ("invader", "occupier", "enemy"):
            vtype = "military"
        mentions.append(Mention(start=start, end=end, head=tok.i, quantity=q, vtype=vtype, item=item,
                                party=party, text=_victim_text(sent, tok, start, end, q), hostile=hostile))
    # bare quantities: "five in a gunbattle", "1,478 have surrendered", "406 were injured", "N of them"
    for idx, qm in enumerate(qmatches):
        if idx in used_q:
            continue
        toks = _char_span_tokens(sent, qm.start, qm.end)
        if not toks:
            continue
        first, last = toks[0], toks[-1]
        after = sent[last.i + 1: last.i + 4]
        after_text = after.text.lower()
        of_them = re.match(r"of (them|whom|those|these|which)\b", after_text)
        nxt = after[0] if len(after) else None
        ok = False
        nominal_vtype = None
        if of_them:
            ok = True
        elif nxt is not None and (nxt.pos_ in ("AUX", "VERB") or nxt.i in trigger_idx
                                  or nxt.text in (",", ".", ")", "-", "–", "—", ";", ":")
                                  or nxt.text.lower() in ("in", "and", "by", "with", "of", "were", "more", "others", "other",
                                                          "over", "on", "at", "near", "during", "since", "after",
                                                          "as", "from", "when", "overnight", "today", "yesterday")):
            ok = nxt.text.lower() not in ("of",) or bool(re.match(r"of (the )?(wounded|dead|killed|injured)", after_text))
        elif nxt is None:
            ok = True
        if first.i > 0 and sent[first.i - 1].text.lower() in ("to", "reached", "at", "totaled", "totalled", "exceeded", "is", "was", "are", "were"):
            ok = True
        if first.i > 0 and (first.i - 1) in trigger_idx and sent[first.i - 1].pos_ == "VERB":
            ok = True  # "wound 12 over past day": the object of a claim verb
        if not of_them and re.match(r"of\b", after_text) and not re.match(r"of (the )?(wounded|dead|killed|injured)",
                                                                           after_text):
            ok = False  # "dozens of hospitals", "one of the plants": a count of something else
        nxt_noun = next((t for t in sent[last.i + 1: last.i + 5] if t.pos_ in ("NOUN", "PROPN")), None)
        if ok and nxt_noun is not None and all(t.pos_ in ("ADJ", "ADV", "PROPN", "NOUN") or t.lower_ == "more"
                                               for t in sent[last.i + 1: nxt_noun.i]) \
                and (nxt_noun.lemma_.lower() in lex.not_victims or nxt_noun.lower_ in lex.not_victims
                     or nxt_noun.lemma_.lower() in ("post", "brigade", "battalion", "regiment", "unit")) \
                and nxt_noun.i <= last.i + 3:
            ok = False  # "two more brigades", "3 Russian command posts": counts of something else
        if not ok:
            # "9,614 civilian deaths", "12 military casualties": modifiers, then a trigger noun
            k = last.i + 1
            mods: list[Any] = []
            while k < len(sent) and sent[k].pos_ in ("ADJ", "PROPN", "NOUN") and k not in trigger_idx and len(mods) < 3:
                mods.append(sent[k])
                k += 1
            if mods and k < len(sent) and k in trigger_idx and sent[k].pos_ == "NOUN":
                ok = True
                words = " ".join(t.lower_ for t in mods)
                nominal_vtype = "civilian" if "civilian" in words else "military" if re.search(
                    r"military|soldier|troop|army|combat", words) else None
        if not ok:
            continue
        if qm.is_unit and not of_them:
            continue
        # a bare 4-digit year ("in 2022") is not a count
        if re.fullmatch(r"(19|20)\d\d", qm.quantity.text or ""):
            continue
        end = last.i + 1 + (2 if of_them else 0)
        quantity = qm.quantity
        if first.i > 0 and sent[first.i - 1].lower_ in ("no", "not") and qm.quantity.low == 1:
            quantity = zero(f"{sent[first.i - 1].text} {qm.quantity.text}")  # "no one was killed"
        bare = Mention(start=first.i, end=min(end, len(sent)), head=None, quantity=quantity, text="", bare=True)
        if nominal_vtype is not None:
            bare.vtype = nominal_vtype
            bare.bare = False  # its own victims: "9,614 civilian deaths"
            bare.text = sent[last.i + 1: k].text
            bare.party = parties.party_of(bare.text)
        mentions.append(bare)
    # "the number of killed enemy soldiers is approaching 14,000": the count stands after the verb
    for m in mentions:
        if m.head is None or m.quantity.qualifier != "unspecified" or m.quantity.text:
            continue
        head = sent[m.head]
        if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lemma_.lower() in (
                "number", "total", "count", "toll", "tally"):
            verb = head.head.head.head
            after = [q for q in qmatches if q.start >= verb.idx and q.start - verb.idx < 40 and verb.i > m.head]
            if after:
                m.quantity = after[0].quantity
    # "he was killed", "she died": one person (the gold convention for singulars)
    for t in triggers:
        tok = sent[t.i]
        if t.direction != "left" or t.family not in ("killed", "wounded", "captured", "missing", "surrendered"):
            continue
        for c in tok.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("he", "she") \
                    and not any(m.start <= c.i < m.end for m in mentions):
                mentions.append(Mention(start=c.i, end=c.i + 1, head=None, quantity=single(""), vtype="unknown",
                                        text=c.text))
    # "most of them were shot down", "many of them died": a share of a group named before, no number
    for tok in sent:
        if tok.lower_ in ("most", "many", "some", "all", "none", "half") and tok.i + 2 < len(sent) \
                and sent[tok.i + 1].lower_ == "of" and sent[tok.i + 2].lower_ in ("them", "whom", "those", "these"):
            if any(m.start <= tok.i < m.end for m in mentions):
                continue
            q = zero("none of them") if tok.lower_ == "none" else unspecified(tok.text)
            mentions.append(Mention(start=tok.i, end=tok.i + 3, head=None, quantity=q, text="", bare=True))
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for m in mentions:
        if any(k.start <= m.start and m.end <= k.end and k is not m and (k.end - k.start) > (m.end - m.start)
               for k in kept):
            continue
        kept.append(m)
    for m in kept:
        m.subset = m.start > 0 and sent[m.start - 1].text.lower() in ("including", "among") or (
            m.head is not None and sent[m.head].dep_ == "appos")
    return kept


def _char_span_tokens(sent: Any, start: int, end: int) -> list[Any]:
    return [t for t in sent if t.idx >= start and t.idx < end]


def _quantity_for(sent: Any, head: Any, qmatches: list[QuantityMatch], used: set[int]) -> tuple[Quantity | None, int | None]:
    """The quantity phrase that counts this head: the last one before it, joined by filler words only."""
    best = None
    for idx, qm in enumerate(qmatches):
        if idx in used or qm.end > head.idx:
            continue
        between = [t for t in sent if t.idx >= qm.end and t.i < head.i]
        if len(between) > 7:
            continue
        if any((t.pos_ not in _FILLER_POS and not (t.pos_ == "PRON" and t.dep_ == "poss"))
               or t.pos_ == "VERB" and t.tag_ not in ("VBN", "VBG") and t.dep_ != "amod" for t in between):
            continue
        if any(t.text in (",", ";", ":", "(", ")") or t.text.lower() in ("and", "or", "in", "at", "on", "by", "from", "to", "with", "for")
               for t in between):
            continue
        if any(t.pos_ == "NUM" and not (t.i > 0 and sent[t.i - 1].text == "-") and not re.search(r"[A-Za-z]", t.text)
               for t in between):
            continue
        if any(t.pos_ == "ADP" and t.text.lower() != "of" for t in between):
            continue
        best = idx
    if best is None:
        return None, None
    # "18 of 20 Shahed drones": the first number counts the claim, the second the whole
    qb = qmatches[best]
    if best > 0 and best - 1 not in used and re.fullmatch(r"\s+of\s+", sent.text[qmatches[best - 1].end:qb.start] or "x"):
        used.add(best)
        best = best - 1
    used.add(best)
    toks = _char_span_tokens(sent, qmatches[best].start, qmatches[best].end)
    return qmatches[best].quantity, (toks[0].i if toks else None)


def _left_edge(sent: Any, head: Any) -> int:
    i = head.i
    while i > 0:
        t = sent[i - 1]
        if t.ent_type_ in ("GPE", "LOC", "FAC") and t.pos_ == "PROPN" and i - 1 + 1 < len(sent) \
                and sent[i].text in ("-", "–", "—", ",", ":"):
            break  # "in Donbas - civilians killed": the place is not part of the victims
        if t.dep_ in ("amod", "compound", "det", "nmod", "poss", "case", "nummod", "quantmod", "npadvmod") \
                and t.head.i >= i - 1 or t.text in ("-", "–") and t.dep_ == "punct" \
                or t.pos_ in ("ADJ",) and t.head.i == head.i:
            i -= 1
        else:
            break
    return i


def _right_extension(sent: Any, head: Any, end: int) -> int:
    """Include "of the invaders" / "of the Armed Forces of Ukraine" / "from North Korea" (they carry the party)."""
    for c in head.children:
        if c.dep_ == "prep" and c.text.lower() in ("of", "from") and c.i == end:
            sub = list(c.subtree)
            txt = " ".join(t.text for t in sub)
            if parties.party_of(txt) or parties.hostile_usage(txt) or re.search(r"armed forces|army|forces", txt, re.I):
                return max(end, sub[-1].i + 1)
    return end


def _implicit_quantity(sent: Any, head: Any, start: int) -> Quantity:
    """No number: a singular with a/an/another/the → 1; 'no casualties' → 0; plural → unspecified."""
    left = [t for t in sent[max(0, min(start, head.i - 2)):head.i]]
    words = [t.text.lower() for t in left]
    vague = next((w for w in words if w in ("many", "much", "most", "some", "numerous", "significant", "huge",
                                           "heavy", "massive", "countless")), None)
    if vague:
        return unspecified(vague)  # "so many aircraft", "huge losses": a word, not a number
    if re.match(r"(su|mig|ka|k|mi|tu|t|bmp|btr|s)-\d+$", head.text.lower()):
        return single(next((w for w in words if w in ("a", "an", "another", "one")), ""))
    if "no" in words or (head.i > 0 and sent[head.i - 1].text.lower() == "no"):
        return zero("no " + head.text)
    singular = head.tag_ in ("NN", "NNP") or (head.tag_ in ("JJ",) and not head.text.lower().endswith("s"))
    if singular and head.lemma_.lower() not in (
            "military", "personnel", "infantry", "equipment", "manpower", "population", "hardware", "artillery",
            "enemy", "aggressor", "adversary", "occupier", "invader", "militia", "crew", "staff", "force", "family"):
        for w in ("a", "an", "another", "one"):
            if w in words:
                return single(w if w != "one" else "one")
        if head.tag_ == "NNP" or any(t.ent_type_ == "PERSON" for t in sent[head.i: head.i + 4]):
            return single("")
        return single("")
    # "a mother and her 11-year-old son": coordinated singulars
    return unspecified("")


def _victim_text(sent: Any, head: Any, start: int, end: int, q: Quantity) -> str:
    span = sent[start:end].text
    if q.text and span.startswith(q.text):
        span = span[len(q.text):].strip()
    return span
