"""Link kind triggers to victim mentions and decide each candidate's kind.

Active verbs take the mentions that follow them ("destroyed 77 invaders, six tanks and three Pantsir"),
passives and intransitives the nearest one before ("13 people died"), nouns the count beside them
("50 casualties", "losses … amounted to 50 people", "15,000 of them irrecoverable losses").
"""

from __future__ import annotations

import re
from typing import Any

from claimledger.extraction.lexicon import Lexicon
from claimledger.extraction.mentions import Candidate, Mention, Trigger
from claimledger.normalize import parties
from claimledger.normalize.quantities import unspecified

_EXCHANGE_RE = re.compile(r"(?i)\b(exchange[sd]?|swap(?:ped)?|returned|released|freed|repatriat\w*|came home|"
                          r"brought home|homecoming)\b")
_AFTER_VERB_COUNT_RE = re.compile(r"\s+(?:in|by)\s+(?:the\s+|their\s+)?(hundreds|thousands|dozens|tens)\b", re.I)
_CLAUSE_BREAK = {";", ":", "while", "whereas", "but", "although", "though", "because", "after", "before", "when",
                 "where", "which", "who", "that", "as", "if", "since"}
_RESULT_WORDS = ("amounted", "amount", "reached", "reach", "totaled", "totalled", "total", "exceeded", "exceed",
                 "stood", "stand", "rose", "rise", "climbed", "increased", "grew", "is", "was", "are", "were")

PEOPLE_KIND = {
    "killed": "killed", "wounded": "wounded", "casualties": "casualties", "destroy": "casualties",
    "lose": "casualties", "capture": "captured", "captured": "captured", "seize": "captured",
    "surrendered": "surrendered", "deployed": "deployed", "irrecoverable": "irrecoverable", "missing": "missing",
}
EQUIPMENT_KIND = {
    "destroy": "equipment_destroyed", "casualties": "equipment_destroyed", "lose": "equipment_destroyed",
    "damaged": "equipment_damaged", "hit": "equipment_damaged", "capture": "equipment_captured",
    "captured": "equipment_captured", "seize": "equipment_captured", "deployed": "deployed",
}


def kind_for(family: str, vtype: str) -> str | None:
    if vtype == "equipment":
        return EQUIPMENT_KIND.get(family)
    return PEOPLE_KIND.get(family)


def _is_means_use(sent: Any, m: Mention) -> bool:
    """'using drones', 'with artillery', 'by a Russian missile': instruments, not victims."""
    if m.head is None or m.vtype != "equipment":
        return False
    head = sent[m.head]
    prev = sent[m.start - 1].text.lower() if m.start > 0 else ""
    prev2 = sent[m.start - 2].text.lower() if m.start > 1 else ""
    if prev == "with" and prev2 in ("along", "together"):
        return False  # "along with 14 tanks": more victims
    if prev in ("using", "with", "by", "from", "via", "use", "used") or head.head.lemma_ == "use":
        return True
    return head.dep_ == "pobj" and head.head.text.lower() in ("by", "with", "from", "using") \
        and not (head.head.text.lower() == "with" and head.head.i > 0 and sent[head.head.i - 1].lower_ in ("along", "together"))


def link(lex: Lexicon, sent: Any, triggers: list[Trigger], mentions: list[Mention]) -> list[Candidate]:
    by_i = {t.i: t for t in triggers}
    victims = [m for m in mentions if not _is_means_use(sent, m) and not _speaker(lex, sent, m)]
    _resolve_bare(sent, victims)
    out: list[Candidate] = []
    combined = _coordinated_triggers(sent, triggers)
    consumed: set[int] = set()
    for trig in triggers:
        if trig.hypothetical or trig.i in consumed:
            continue
        found = _arguments(lex, sent, trig, victims, by_i)
        partner = combined.get(trig.i)
        for m in found:
            fam = trig.family
            if partner is not None and m.quantity.low is not None or partner is not None and m.quantity.high is not None:
                if {fam, partner.family} <= {"killed", "wounded", "casualties"}:
                    if trig.i > partner.i:
                        continue  # the first trigger of the pair emits the combined claim
                    fam = "casualties"
            split = _breakdown_after(sent, trig, triggers)
            if split:
                for sub in split:
                    consumed.add(sub.i)
                    k2 = kind_for(sub.family, m.vtype)
                    if k2:
                        out.append(Candidate(kind=k2, mention=m, trigger=sub, agent_party=_agent_party(sent, trig)))
                m.used = True
                continue
            if fam == "lose":
                then = _lost_then(sent, m)
                if then:
                    fam = then
                    consumed.update(t.i for t in triggers if m.end <= t.i <= m.end + 3)
            kind = kind_for(fam, m.vtype)
            if kind is None:
                continue
            if trig.direction == "noun" and sent[trig.i].lemma_.lower() == "destruction" and m.vtype != "equipment" \
                    and (m.vtype != "military" or m.quantity.low is None and m.quantity.high is None):
                continue  # "the destruction of our people": rhetoric, not a count
            if kind == "deployed" and m.quantity.low is None and m.quantity.high is None and not m.quantity.is_unit_word():
                continue  # deployment without a number says nothing countable
            if m.bare and m.vtype == "unknown" and fam in ("destroy", "hit", "damaged", "seize", "capture"):
                cand_extra = {"needs_people_antecedent": True}  # "dozens of them were destroyed": of what?
            else:
                cand_extra = {}
            if kind == "captured" and _EXCHANGE_RE.search(sent.text) and trig.direction == "noun":
                continue  # "25 prisoners of war were returned home in an exchange": a release, not a capture
            if kind == "deployed" and m.vtype in ("civilian", "unknown") and not m.bare:
                continue  # "the person who was sent to jail": only forces are deployed
            if kind == "deployed" and m.vtype == "equipment" and (
                    sent[trig.i].lemma_.lower() not in ("deploy", "station", "amass", "mass", "redeploy", "transfer")
                    or m.item in ("ship", "other", "vehicle")):
                continue  # "send 60 vessels" of grain is not a deployment
            if kind == "deployed" and sent[trig.i].lemma_ == "be" and (
                    m.vtype != "military" or not any(ch.isdigit() for ch in m.quantity.text)
                    and m.quantity.qualifier not in ("at_least", "approx", "range")
                    or any(t.i in by_i for t in sent[m.start:m.end])):
                continue  # "there were 3,500 troops": a count of troops present, nothing else
            if m.quantity.qualifier == "unspecified" and not m.quantity.text and _habitual(sent, trig):
                continue  # "our guys who destroy the enemy", "they suffer losses": generic present, no count
            m.by_participle = (not m.used or m.by_participle) and sent[trig.i].dep_ in ("acl", "amod")
            m.used = True
            cand = Candidate(kind=kind, mention=m, trigger=trig, extra=dict(cand_extra))
            if fam in ("lose", "deployed") or trig.family in ("lose", "deployed"):
                cand.owner_party = _subject_party(sent, trig)
            elif trig.direction == "noun":
                noun = sent[trig.i]
                if noun.dep_ == "amod":
                    noun = noun.head
                chain = [noun.head, noun.head.head]
                verb = next((v for v in chain if v.lemma_.lower() in ("suffer", "sustain", "incur", "bear", "have",
                                                                      "lose")), None)
                if verb is not None and noun.dep_ in ("dobj", "obj", "pobj"):
                    # "the enemy suffered losses", "Russia has suffered between 70,000 and 80,000 casualties"
                    cand.owner_party = _subject_party(sent, Trigger(verb.i, "lose", "right"))
            else:
                cand.agent_party = _agent_party(sent, trig)
            out.append(cand)
    # "a man wounded during the shelling … died": the main verb's kind wins over the participle's;
    # "body of killed journalist": two triggers, one claim
    final = []
    seen: set[tuple[int, str]] = set()
    for cand in out:
        if (id(cand.mention), cand.kind) in seen:
            continue
        seen.add((id(cand.mention), cand.kind))
        tok = sent[cand.trigger.i]
        if cand.kind == "wounded" and tok.dep_ in ("acl", "amod") and any(
                o.mention is cand.mention and o.kind == "killed" for o in out):
            continue
        final.append(cand)
    return final


def _habitual(sent: Any, trig: Trigger) -> bool:
    """A simple-present verb ('destroy', 'suffer', 'die') states a habit, not an event — in prose. Headlines
    (no closing punctuation) tell past events in the present ('occupiers suffer heavy losses')."""
    if not sent.text.rstrip().endswith((".", "!", "?", "…", '"', "”")):
        return False
    tok = sent[trig.i]
    if trig.direction == "noun":
        tok = tok.head if tok.head.pos_ == "VERB" else tok
    if tok.tag_ not in ("VBP", "VBZ", "VB") or tok.lemma_ == "be":
        return False
    return not any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("have", "has", "had", "did", "was", "were")
                   for c in tok.children)


def _breakdown_after(sent: Any, trig: Trigger, triggers: list[Trigger]) -> list[Trigger]:
    """'casualties, both killed and wounded' (no number): the breakdown names the kinds."""
    if trig.family != "casualties" or trig.direction != "noun":
        return []
    nxt = [t for t in triggers if trig.i < t.i <= trig.i + 6 and t.family in ("killed", "wounded")]
    if len(nxt) >= 2 and all(w.lower_ in (",", "both", "and", "or", "-", "–", ":") or w.i in {t.i for t in nxt}
                             for w in sent[trig.end:nxt[-1].i + 1]):
        return nxt
    return []


def _lost_then(sent: Any, m: Mention) -> str | None:
    """'lost N soldiers killed and wounded' → casualties; 'lost N … killed' → killed."""
    after = sent[m.end: m.end + 4].text.lower()
    if after.startswith(("killed and wounded", "killed or wounded", "wounded and killed", "dead and wounded")):
        return "casualties"
    if after.startswith("killed"):
        return "killed"
    if after.startswith(("wounded", "injured")):
        return "wounded"
    return None


def _coordinated_triggers(sent: Any, triggers: list[Trigger]) -> dict[int, Trigger]:
    """Pairs like 'killed and wounded', 'killed or mutilated' with nothing but a conjunction between."""
    pairs: dict[int, Trigger] = {}
    for a, b in zip(triggers, triggers[1:], strict=False):
        between = [t.text.lower() for t in sent[a.end:b.i]]
        if between and set(between) <= {"and", "or", ",", "both", "/"} and ("and" in between or "or" in between):
            pairs[a.i] = b
            pairs[b.i] = a
    return pairs


def _speaker(lex: Lexicon, sent: Any, m: Mention) -> bool:
    """'…, the DPR militia said': the subject of a reporting verb is the claimant, never a victim."""
    if m.head is None:
        return False
    head = sent[m.head]
    return head.dep_ in ("nsubj",) and head.head.lemma_.lower() in lex.report_verbs and m.start > 0 \
        and sent[m.start - 1].text == "," and 0 < head.head.i - head.i <= 2


def _agent_like(sent: Any, m: Mention) -> bool:
    """'by the Armed Forces of Ukraine', 'the Russians killed': doers are not where a bare number's victims are."""
    if m.head is None:
        return False
    head = sent[m.head]
    if head.lemma_.lower() in ("force", "forces", "army", "military", "aviation", "navy") and m.quantity.qualifier == "unspecified":
        return True
    if head.dep_ == "pobj" and head.head.lower_ == "by":
        return True
    if head.lower_ in ("russians", "ukrainians", "occupiers", "invaders") and head.dep_ in ("nsubj", "compound", "ROOT") \
            and m.quantity.qualifier == "unspecified":
        return True  # "Russians shell Nikopol, two killed": the shooters, not the victims
    if head.dep_ == "nsubj" and head.head.pos_ == "VERB":
        verb = head.head
        # "Russians fired at Kherson …, one dead": doers of a non-claim verb; "Russians killed five": doers too
        return any(c.dep_ in ("dobj", "obj") for c in verb.children) or verb.lemma_.lower() in (
            "fire", "shell", "shoot", "attack", "strike", "hit", "launch", "bomb", "use", "open", "carry")
    return False


def _resolve_bare(sent: Any, mentions: list[Mention]) -> None:
    """A bare number takes its victim from the nearest headed mention (previous first, else next)."""
    for m in mentions:
        if not m.bare:
            continue
        usable = [x for x in mentions if not _agent_like(sent, x)]
        before = [x for x in usable if x.end <= m.start]
        after = [x for x in usable if x.start >= m.end]
        prev = next((x for x in reversed(before) if not x.bare or x.vtype != "unknown" or x.party), None)
        nxt = next((x for x in after if not x.bare), None)
        src = prev
        if nxt is not None and (prev is None or (nxt.start - m.end) < (m.start - prev.end) and nxt.start - m.end <= 4):
            src = nxt
        if src is not None:
            m.vtype, m.item, m.party, m.hostile = src.vtype, src.item, src.party, src.hostile
            m.text = src.text
            m.source = src
        else:
            m.vtype = "unknown"


def _arguments(lex: Lexicon, sent: Any, trig: Trigger, mentions: list[Mention], by_i: dict[int, Trigger]) -> list[Mention]:
    tok = sent[trig.i]
    # a participle inside its noun phrase: "downed aircraft", "the killed people", "wounded soldiers"
    for m in mentions:
        if m.head is not None and m.start <= trig.i < m.head and tok.head.i == m.head and tok.dep_ in ("amod", "compound", "acl"):
            return [m]
    if tok.dep_ == "amod" and tok.tag_ in ("VBN", "VBD") and tok.head.i > trig.i and all(m.head != tok.head.i for m in mentions) \
            and not any(m.end == trig.i and not m.used for m in mentions):  # ("three wounded - …" keeps its three)
        return []  # "the destroyed high-rise buildings": a participle on a non-victim noun
    real_subject = any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("who", "which", "that", "whom")
                       for c in tok.children)
    has_object = any(c.dep_ in ("dobj", "obj") for c in tok.children)
    if tok.dep_ in ("acl", "amod", "relcl") and tok.head.i < trig.i and not (tok.dep_ == "relcl" and real_subject) \
            and not (tok.dep_ in ("acl", "amod") and has_object) \
            and not (tok.dep_ == "relcl" and trig.direction == "right"):  # "families who have lost …": owners
        # "a house destroyed by the enemy", "journalist X who was killed": the verb belongs to the noun it follows
        h = tok.head
        rel = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("who", "which", "that")),
                   None)
        if rel is not None:
            k = rel.i - 1
            while k > 0 and sent[k].pos_ == "PUNCT":
                k -= 1
            if sent[k].pos_ in ("NOUN", "PROPN"):
                h = sent[k]  # the noun right before "who" is what it refers to, whatever the parse says
        name_part = {t.i for t in h.subtree if t.i <= h.i}
        own = [m for m in mentions if m.head == h.i or m.head is None and m.start <= h.i < m.end
               or m.head is not None and m.head in name_part]
        if not own and tok.dep_ in ("acl", "amod"):
            # "another group of Ukrainian military destroyed": a victim inside the modified phrase, before the verb
            inside = {t.i for t in h.subtree if t.i < trig.i}
            own = [m for m in mentions if m.head is not None and m.head in inside]
        if own:
            return own[:1]
        if trig.direction == "left" and victim_head_missing(mentions, tok.head.i):
            return []
    if trig.direction == "right":
        got = _right_list(sent, trig, mentions, by_i)
        if got:
            return got
        # no object: a verb used passively in a headline ("civilians killed and wounded")
        if any(c.dep_ in ("dobj", "obj") for c in tok.children):
            return []
        left = _nearest_left(sent, trig, mentions, by_i)
        if left is not None and trig.family not in ("hit", "lose", "suffer", "capture", "seize", "deployed") \
                and (tok.tag_ in ("VBN", "VBD") or tok.dep_ in ("amod", "acl")) \
                and trig.i - left.end <= 2:
            return [left]  # ("missiles hit there": the missiles are the weapon, not the victim)
        return []
    if trig.direction == "left":
        left = _nearest_left(sent, trig, mentions, by_i)
        if left is not None:
            got = _left_list(sent, left, mentions)
            after = _AFTER_VERB_COUNT_RE.match(sent.text[tok.idx + len(tok):])
            if after and len(got) == 1 and got[0].quantity.qualifier == "unspecified" and not got[0].quantity.text:
                from claimledger.normalize.quantities import parse_quantity

                q = parse_quantity(after.group(1))
                if q is not None:
                    got[0].quantity = q  # "Wagner mercenaries are dying in hundreds"
            return got
        if any(t.lower_ == "there" for t in sent[max(0, trig.i - 5):trig.i]) and tok.lower_ in ("wounded", "injured",
                                                                                                "dead", "killed"):
            return [Mention(start=trig.i, end=trig.i + 1, head=None, quantity=unspecified(""), vtype="unknown",
                            text="")]  # "there are dead and wounded": the second one too
        # "Killed were 5 soldiers" / "wounded: 12 civilians" (not "… shot down by the occupiers": the agent)
        right = [m for m in mentions if m.start > trig.i and m.start - trig.end <= 2
                 and not any(t.lower_ == "by" for t in sent[trig.end:m.start + 1])]
        return right[:1]
    # noun triggers
    if trig.family == "irrecoverable" and tok.head.lemma_.lower() in ("loss", "casualty"):
        tok = tok.head  # "irrecoverable losses of about 90 servicemen": the noun carries the arguments
    for m in mentions:  # "killed civilians", "dead civilians", "wounded soldiers"
        if m.head is not None and tok.head.i == m.head and tok.dep_ in ("amod", "compound") and m.start <= trig.i < m.head:
            return [m]
    for m in mentions:  # "N casualties", "two dead", "dozens of wounded", "15,000 of them irrecoverable losses"
        if m.end <= trig.i and trig.i - m.end <= 2 and not sent[m.end:trig.i].text.strip(" ,").count(" ") \
                and not any(t.pos_ in ("VERB", "AUX") or t.text in (":", ";") for t in sent[m.end:trig.i]):
            if m.head is None or m.head == m.end - 1:
                return [m]
    # "the bodies of 17 people", "the deaths of two children", "casualties among civilians"
    among_first = _among(lex, sent, tok, mentions)
    if among_first is not None and tok.lemma_.lower() in ("body", "corpse", "death", "casualty", "victim", "killing"):
        return [among_first]
    # "there are dead and wounded (among the civilian population)", "there is a dead"
    exist = [t for t in sent[max(0, trig.i - 4):trig.i] if t.lower_ == "there"]
    if exist and tok.lower_ in ("dead", "wounded", "injured", "killed", "victims", "casualties"):
        among = _among(lex, sent, tok, mentions)
        if among is not None:
            return [Mention(start=among.start, end=among.end, head=among.head, quantity=unspecified(""),
                            vtype=among.vtype, party=among.party, text=among.text)]
        art = sent[trig.i - 1].lower_ if trig.i > 0 else ""
        from claimledger.normalize.quantities import single, zero
        q = single(art) if art in ("a", "one") else zero(f"no {tok.text}") if art == "no" else unspecified("")
        return [Mention(start=trig.i, end=trig.i + 1, head=None, quantity=q, vtype="unknown", text="")]
    # "loss of initiative", "losses of territory": not people or equipment
    if tok.lemma_.lower() == "loss":
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                obj = next((x for x in c.children if x.dep_ == "pobj"), None)
                if obj is not None and obj.lemma_.lower() in ("initiative", "control", "territory", "ground", "face",
                                                             "momentum", "position", "life", "power", "income",
                                                             "revenue", "access", "contact", "trust", "time"):
                    return []
    # "losses of the AFU … amounted to 50 people"
    for m in mentions:
        if m.start > trig.i and any(t.lemma_.lower() in _RESULT_WORDS or t.text.lower() in _RESULT_WORDS
                                    for t in sent[max(trig.i, m.start - 3): m.start + 1]):
            owner = _owner_from_of(sent, tok)
            got = [m] + _continue_list(sent, m, mentions, by_i)
            for x in got:
                if owner and x.party is None:
                    x.party = owner
            return got
    # "suffered casualties", "casualties among the civilian population", "losses of the enemy"
    owner = _owner_from_of(sent, tok)
    among = _among(lex, sent, tok, mentions)
    if among is not None:
        return [among]
    if tok.head.lemma_.lower() in ("suffer", "sustain", "incur", "bear", "have") and tok.dep_ in ("dobj", "obj"):
        subj = next((c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and (subj.lemma_.lower() in lex.not_victims or victim_class_safe(lex, sent, subj) is None
                                 and not parties.party_of(subj.text) and not parties.hostile_usage(subj.text)
                                 and subj.lower_ not in ("they", "we", "he", "she")):
            return []  # "a unit … suffered losses": whole units are not counts; nor are misparsed subjects
        if subj is not None:
            subj_m = next((x for x in mentions if x.head == subj.i), None)
            if subj_m is not None:
                return [subj_m]
            party = parties.party_of(" ".join(t.text for t in subj.subtree))
            usage = parties.hostile_usage(" ".join(t.text for t in subj.subtree))
            return [Mention(start=subj.i, end=subj.i + 1, head=None, quantity=unspecified(""), vtype="military"
                            if party or usage else "unknown", party=party, hostile=usage,
                            text=" ".join(t.text for t in subj.subtree))]
    if owner is not None and tok.lemma_.lower() in ("loss", "casualty"):
        return [Mention(start=trig.i, end=trig.i + 1, head=None, quantity=unspecified(""), vtype="military", party=owner,
                        text=tok.text)]
    return []


def victim_class_safe(lex: Lexicon, sent: Any, tok: Any) -> Any:
    from claimledger.extraction.mentions import victim_class

    return victim_class(lex, sent, tok)


def victim_head_missing(mentions: list[Mention], head_i: int) -> bool:
    """True when the noun a participle modifies is not a victim ("a house destroyed")."""
    return all(m.head != head_i and not (m.start <= head_i < m.end) for m in mentions)


def _right_list(sent: Any, trig: Trigger, mentions: list[Mention], by_i: dict[int, Trigger]) -> list[Mention]:
    got = _right_list_core(sent, trig, mentions, by_i)
    if got:
        # "lost 1,100 soldiers killed and wounded over the past day, along with 14 tanks and 23 guns"
        tail = sent[got[-1].end:]
        for k, t in enumerate(tail):
            if t.lower_ in (";", ":") or t.dep_ == "mark":
                break
            if t.lower_ in ("along", "as", "plus", "including") and (
                    t.lower_ in ("plus", "including") or tail[k + 1: k + 2].text.lower() in ("with", "well")):
                start = t.i + (1 if t.lower_ in ("plus", "including") else 2 if t.lower_ == "along" else 3)
                rest = [m for m in mentions if m.start >= start and not m.used]
                if rest and rest[0].start - start <= 1:
                    got.append(rest[0])
                    got.extend(_continue_list(sent, rest[0], rest, by_i))
                break
    return got


def _right_list_core(sent: Any, trig: Trigger, mentions: list[Mention], by_i: dict[int, Trigger]) -> list[Mention]:
    got: list[Mention] = []
    cursor = trig.end
    for m in mentions:
        if m.start < cursor or m.used and m.start < trig.end:
            continue
        gap = sent[cursor:m.start]
        gap_words = [t.text.lower() for t in gap]
        if not got:
            if len(gap) > 4 or any(t.i in by_i for t in gap) or any(w in (";", ":", "that", "which")
                                                                    for w in gap_words):
                break
            if gap_words[:1] == [","]:
                break  # "Civilian killed, three injured": a comma never separates a verb from its object
            if m.head is not None and sent[m.head].dep_ == "pobj" and sent[m.head].head.lower_ == "of" \
                    and sent[m.head].head.head in gap and sent[m.head].head.head.pos_ in ("NOUN", "PROPN") \
                    and not parties.hostile_usage(sent[m.head].head.head.text) \
                    and sent[m.head].head.head.lemma_.lower() not in ("life", "body", "group", "number", "total"):
                break  # "destroying the army of the occupier": the object is the army, a unit
            if any(t.pos_ in ("VERB", "AUX") and t.i != trig.i for t in gap):
                break
        else:
            # continue a list: ", ", "and", "as well as", "and another"; stop at a new verb or clause
            if any(t.i in by_i for t in gap) or any(t.pos_ in ("AUX",) for t in gap):
                break
            if any(t.pos_ == "ADP" and t.text.lower() not in ("of", "as") for t in gap):
                break
            prev_m = got[-1]
            if gap_words == ["and"] and prev_m.quantity.low == 1 and prev_m.quantity.high == 1 \
                    and m.quantity.low == 1 and m.quantity.high == 1 and m.vtype == prev_m.vtype \
                    and m.vtype != "equipment":
                from claimledger.model import Quantity
                prev_m.quantity = Quantity(2, 2, "exact", f"{sent[prev_m.start:prev_m.end].text} and {sent[m.start:m.end].text}")
                prev_m.end = m.end
                m.used = True
                cursor = m.end
                continue
            if gap_words == ["and"] and m.quantity.qualifier == "unspecified" and not m.quantity.text \
                    and prev_m.quantity.qualifier != "unspecified" and m.vtype == prev_m.vtype:
                # "up to a battalion of North Korean infantry soldiers and Russian paratroops": one group
                prev_m.end = m.end
                prev_m.text = f"{prev_m.text} and {m.text}"
                if m.party != prev_m.party:
                    prev_m.party = None
                m.used = True
                cursor = m.end
                continue
            if len(gap) > 8 or not any(w in (",", "and", "well", "plus", "including") for w in gap_words):
                break
            if any(t.pos_ == "VERB" and t.tag_ not in ("VBG", "VBN") for t in gap):
                break
            if m.end in by_i:
                break  # "…, dozens of soldiers dead": the next item has its own claim word
            if any(t.text in ('"', "”", "“") for t in gap):
                break  # '"We lost four of our guys," a commander told …': the quote ends the list
        got.append(m)
        cursor = m.end
    return got


def _continue_list(sent: Any, first: Mention, mentions: list[Mention], by_i: dict[int, Trigger]) -> list[Mention]:
    """Mentions listed after `first` ('640 personnel and 12 artillery systems')."""
    got: list[Mention] = []
    cursor = first.end
    for m in mentions:
        if m.start < cursor:
            continue
        gap = sent[cursor:m.start]
        words = [t.lower_ for t in gap]
        if len(gap) > 3 or not set(words) <= {",", "and", "as", "well"} or not words:
            break
        got.append(m)
        cursor = m.end
    return got


def _left_list(sent: Any, last: Mention, mentions: list[Mention]) -> list[Mention]:
    """Coordinated subjects of one verb: "Two tanks and three howitzers of the occupiers were destroyed",
    "A man and a woman were injured" (singulars add up), "15 T-72 tanks and two Buk systems were destroyed"."""
    items = [last]
    for m in reversed([x for x in mentions if x.end <= last.start]):
        first = items[0]
        gap = [t.lower_ for t in sent[m.end:first.start]]
        if m.used or not gap or not set(gap) <= {",", "and", "as", "well", "plus"}:
            break
        numbered = all(x.quantity.low is not None or x.quantity.high is not None for x in (m, first))
        if "and" not in gap and "plus" not in gap and not (numbered and not items[1:]) and not numbered:
            break  # "drones launched by the enemy, 13 were shot down": a comma alone does not coordinate
        if m.bare or _agent_like(sent, m):
            break
        items.insert(0, m)
    if len(items) == 1:
        return items
    party = next((x.party for x in reversed(items) if x.party), None)
    hostile = next((x.hostile for x in reversed(items) if x.hostile), None)
    for x in items:  # "… of the occupiers" names the owner of the whole list
        x.party = x.party or party
        x.hostile = x.hostile or hostile
    if all(x.quantity.low == 1 and x.quantity.high == 1 and x.vtype != "equipment" and x.head is not None
           for x in items):
        from claimledger.model import Quantity

        first, lastm = items[0], items[-1]
        merged = Mention(start=first.start, end=lastm.end, head=lastm.head,
                         quantity=Quantity(len(items), len(items), "exact", sent[first.start:lastm.end].text),
                         vtype=first.vtype, party=party, text=sent[first.start:lastm.end].text, hostile=hostile)
        for x in items:
            x.used = True
        return [merged]
    return items


def _nearest_left(sent: Any, trig: Trigger, mentions: list[Mention], by_i: dict[int, Trigger]) -> Mention | None:
    best = None
    for m in mentions:
        if m.end > trig.i:
            break
        if m.used and not m.by_participle:
            continue
        gap = sent[m.end:trig.i]
        if len(gap) > 14:
            continue
        if any(t.i in by_i and by_i[t.i].direction == "left" and t.dep_ not in ("acl", "amod", "advcl") for t in gap):
            continue
        if m.subset and best is not None:
            continue
        own_subj = [c for c in sent[trig.i].children if c.dep_ in ("nsubj", "nsubjpass")]
        if own_subj and not any(m.start <= c.i < m.end for c in own_subj) \
                and not any(any(m.start <= x.i < m.end for x in c.subtree) for c in own_subj) \
                and not any(c.lower_ in ("who", "that", "which") for c in own_subj):
            continue  # "…, the enterprise was destroyed": the verb has its own subject
        if any(t.text in (";",) for t in gap):
            continue
        best = m
    if best is None:
        # share a mention with a coordinated trigger: "were killed or mutilated" (second trigger)
        for m in reversed(mentions):
            if m.end <= trig.i and m.used and all(t.text.lower() in ("and", "or", ",", "were", "was", "have", "been",
                                                                      "had", "has", "both") or t.i in by_i
                                                   for t in sent[m.end:trig.i]):
                return m
    return best


def _among(lex: Lexicon, sent: Any, tok: Any, mentions: list[Mention]) -> Mention | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.text.lower() in ("among", "of"):
            for m in mentions:
                if m.head is not None and m.head in [x.i for x in c.subtree]:
                    return m
    return None


def _owner_from_of(sent: Any, tok: Any) -> str | None:
    """'losses of the Armed Forces of Ukraine', 'the enemy's losses', 'Russian losses'."""
    txt = []
    for c in tok.children:
        if c.dep_ in ("prep",) and c.text.lower() == "of":
            txt.append(" ".join(t.text for t in c.subtree))
        if c.dep_ in ("poss", "amod", "compound"):
            txt.append(" ".join(t.text for t in c.subtree))
    return _party_or_hostile(" ".join(txt))


def _party_or_hostile(text: str) -> str | None:
    """A party named in `text`, else 'hostile:<usage>' for 'the enemy'/'invaders' (resolved later from the
    speaker's side), else None."""
    if not text:
        return None
    party = parties.party_of(text)
    if party:
        return party
    usage = parties.hostile_usage(text)
    return "hostile:" + usage if usage else None


def _subject_party(sent: Any, trig: Trigger) -> str | None:
    tok = sent[trig.i]
    subjects = [c for c in tok.children if c.dep_ in ("nsubj",)]
    subj = subjects[-1] if subjects else None  # the one next to the verb, not a headline's "Source:" label
    if subj is None and tok.dep_ == "conj":
        subj = next((c for c in tok.head.children if c.dep_ in ("nsubj",)), None)
    if subj is None:
        return None
    if subj.lower_ in ("we", "us"):
        return "self"
    words = [t.text for t in subj.subtree]
    if ":" in words:  # "DPR People's Militia: Ukrainian Armed Forces lost …": the label is the source
        words = words[len(words) - words[::-1].index(":"):]
    return _party_or_hostile(" ".join(words))


def _agent_party(sent: Any, trig: Trigger) -> str | None:
    """Who did it: the subject of an active verb, or the 'by X' of a passive."""
    tok = sent[trig.i]
    cands = []
    for c in tok.children:
        if c.dep_ == "nsubj":
            cands.append(c)
        if c.dep_ == "agent":
            cands.extend(x for x in c.children if x.dep_ == "pobj")
    if not cands and tok.dep_ == "conj":
        cands = [c for c in tok.head.children if c.dep_ == "nsubj"]
    for c in cands:
        found = _party_or_hostile(" ".join(t.text for t in c.subtree))
        if found:
            return found
    return None
