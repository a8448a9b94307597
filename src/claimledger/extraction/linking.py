"""Frames → candidate claims: the victim phrases of each frame (with the lists it continues), the claim kind
from the trigger's family and the victims' type, and the checks every construction shares (instruments are not
victims, a prisoner exchange is not a capture, a deployment needs a count)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from spacy.tokens import Doc

from claimledger.extraction.constructions import Effect, ListMode, Slot
from claimledger.extraction.engine import ClaimSets, Frame
from claimledger.extraction.lexicon import Lexicon
from claimledger.extraction.mentions import Mention, list_members
from claimledger.model import Quantity
from claimledger.normalize.quantities import single, unspecified

_PEOPLE_TYPES = ("military", "civilian", "unknown", "mixed")


@dataclass(eq=False)
class Candidate:
    kind: str
    family: str
    mention: Mention
    frame: Frame
    trigger: int
    stance: str | None = None            # denied / estimated from a gate
    agent: int | None = None             # token of the agent slot, when the construction names one
    owner: int | None = None             # token of the owner slot ("the enemy suffered losses")
    quantity: Quantity | None = None     # a count given apart from the victims ("the toll rose to 45")
    owner_alone: bool = False            # one of coordinated owners: its phrase stops at the other conjuncts
    also: list[str] = field(default_factory=list)   # other constructions that found the same claim
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def construction(self) -> str:
        return "+".join([self.frame.construction.name, *self.also])


class Linker:
    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self._phrase_words = frozenset(w for p in lex.list_connector_phrases for w in p.split()) - {","}

    def link(self, doc: Doc, frames: list[Frame], mentions: list[Mention]) -> list[Candidate]:
        self._borrow(doc, mentions)
        frames = sorted(frames, key=lambda f: (-f.construction.priority, f.trigger))
        out: list[Candidate] = []
        seen: dict[tuple[int, int, str], Candidate] = {}
        prose = doc.text.rstrip()[-1:] in self.lex.headline_closing_marks
        frames = _drop_consumed(_one_frame_per_pair(frames, prose))
        for frame in frames:
            for cand in self._candidates(doc, frame, mentions):
                # by span: coordinated singulars found from two of their conjuncts add up to one mention
                key = (cand.mention.start, cand.mention.end, cand.kind)
                if key in seen:
                    first = seen[key]
                    if frame.construction.name not in first.construction.split("+"):
                        first.also.append(frame.construction.name)
                    continue
                seen[key] = cand
                out.append(cand)
        out = _inside_a_counted_group(out)
        out = self._combine_coordinated(doc, out)
        out = _yield_to_named_victims(doc, out)
        out = _outcome_wins(doc, out)
        out = _counted_restatement(out)
        out = _counted_noun_wins(out)
        out = _noun_kind_wins(self.lex, out)
        out = _status_yields(doc, self.lex, out)
        out = _one_claim_per_owner(doc, self.lex, out)
        broken = {id(c.mention) for c in out if _claim_sets(c.frame.construction.sets).breakdown}
        out = [c for c in out if not (id(c.mention) in broken and c.kind == "casualties")]
        listed = [c for c in out if _claim_sets(c.frame.construction.sets).list_heading]
        if listed:
            first_item = min(c.mention.start for c in listed)
            out = [c for c in out if c in listed or c.mention.numbered or c.mention.end > first_item]
        for c in out:
            c.mention.used = True
        out.sort(key=lambda c: (c.mention.start, c.trigger))
        return out

    # -- one frame ----------------------------------------------------------------------------------
    def _candidates(self, doc: Doc, frame: Frame, mentions: list[Mention]) -> list[Candidate]:
        lex = self.lex
        construction = frame.construction
        trigger = frame.trigger
        victim_i = frame.slots.get(Slot.victim, trigger)   # a claim noun naming its own victims fills both
        sets = _claim_sets(construction.sets)
        first = _mention_for(doc, victim_i, mentions)
        if first is None and sets.implicit_victim:
            first = _implicit(doc, victim_i, mentions, one=sets.implicit_one)
        if first is None:
            return []
        group = [first]
        if construction.list_mode is ListMode.right:
            group += self._continue_right(doc, first, mentions, trigger)
        elif construction.list_mode is ListMode.left:
            group = self._continue_left(doc, first, mentions) + group
        if construction.list_mode is not None:
            group += [m for m in self._conjuncts(doc, first, mentions) if m not in group]
            group.sort(key=lambda m: m.start)
            _share_owner(group)
        family = construction.kind or doc[trigger]._.cl_k
        if not family:
            return []
        count = frame.slots.get(Slot.count)
        prose = doc.text.rstrip()[-1:] in self.lex.headline_closing_marks
        out = []
        if construction.list_mode is not None:
            group = _count_singulars(doc, group)
        for m in group:
            if self._instrument(doc, m) or m.subset or m.other:
                continue
            if m.self_trigger and m.head != trigger and doc[trigger]._.cl_k not in lex.light_families \
                    and construction.kind is None and not sets.breakdown \
                    and doc[m.head].lower_ not in lex.status_person_nouns:
                continue  # 'dozens of wounded': a claim noun's victims are its own, not another claim word's
            if self._owned_by_participle(doc, m, trigger, mentions):
                continue
            effects = [e for e, sets in frame.gates if (prose or not sets.prose_only)
                       and not (sets.uncounted_only and (m.numbered or count is not None))]
            if Effect.drop in effects:
                continue
            stance = next((_STANCE[e] for e in effects if e in _STANCE), None)
            kind = lex.kind_of(family, m.vtype)
            counted = count is not None or m.numbered or m.quantity.is_unit_word()
            if kind is None or not self._plausible(doc, kind, family, m, trigger, counted):
                continue
            cand = Candidate(kind=kind, family=family, mention=m, frame=frame, trigger=trigger, stance=stance,
                             agent=frame.slots.get(Slot.agent), owner=frame.slots.get(Slot.owner),
                             also=[n for n in frame.also if n != construction.name])
            if count is not None:
                cand.quantity = _exceeded(lex, doc, count, _quantity_at(doc, count))
            elif sets.use_total and m.total is not None:
                cand.quantity = m.total
            out.append(cand)
        return out

    def _owned_by_participle(self, doc: Doc, m: Mention, trigger: int, mentions: list[Mention]) -> bool:
        """'20 civilians killed, 31 wounded': a noun with its own claim participle belongs to that claim, not to a
        later verb that the parse gave it as subject, nor to a later claim word with victims of its own between."""
        if m.bare:
            return False
        head = doc[m.head]
        own = [c for c in head.children if c.dep_ in ("acl", "amod") and c._.cl_k and c.i != trigger]
        if own and m.end <= trigger and any(m.end <= o.start and o.end <= trigger for o in mentions):
            return True   # 'one person dead and one injured': the later claim word has victims of its own nearer
        verb = doc[trigger]
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        return bool(own) and head.dep_ in ("nsubj", "nsubjpass") and head.head.i == trigger and len(subjects) > 1

    def _plausible(self, doc: Doc, kind: str, family: str, m: Mention, trigger: int, counted: bool) -> bool:
        lex = self.lex
        trig = doc[trigger]
        if kind == "deployed":
            if not counted:
                return False  # a deployment without a number says nothing countable
            if m.vtype in ("civilian", "unknown") and not m.bare:
                return False  # only forces are deployed
            if m.vtype == "equipment" and (trig.lemma_.lower() not in lex.deployment_equipment_verbs
                                           or (m.item or "") in lex.deployment_equipment_exclusions):
                return False
        if kind == "captured" and any(t.lower_ in lex.exchange_words for t in doc) and trig._.cl_kf == "noun":
            return False  # "prisoners were returned in an exchange": a release, not a capture
        if family in lex.count_needing_families and trig._.cl_kf == "noun" and m.vtype != "equipment" and not (
                m.vtype == "military" and m.numbered):
            return False  # "the destruction of our people": rhetoric, not a count
        return True

    def _instrument(self, doc: Doc, m: Mention) -> bool:
        """'using drones', 'with artillery', 'by a missile', 'a rocket strike': equipment used, not lost."""
        if m.vtype != "equipment" or m.bare:
            return False
        lex = self.lex
        prev = doc[m.start - 1].lower_ if m.start > 0 else ""
        prev2 = doc[m.start - 2].lower_ if m.start > 1 else ""
        if prev in lex.instrument_words and prev2 not in lex.instrument_list_exceptions:
            return True
        head = doc[m.head]
        if head.dep_ == "compound" and (head.head.lower_ in lex.attack_nouns or head.head.lemma_.lower() in lex.attack_nouns):
            return True  # 'a rocket strike', 'drone attacks': the weapon of the attack
        return head.dep_ == "pobj" and head.head.lower_ in lex.instrument_words \
            and not (head.head.i > 0 and doc[head.head.i - 1].lower_ in lex.instrument_list_exceptions)

    # -- lists --------------------------------------------------------------------------------------
    def _continue_right(self, doc: Doc, first: Mention, mentions: list[Mention], trigger: int) -> list[Mention]:
        """Objects listed after the first: '5 tanks, 3 guns as well as 12 drones' (stops at a new verb or clause)."""
        lex = self.lex
        got: list[Mention] = []
        cursor = first.end
        for m in mentions:
            if m.start < cursor or self._instrument(doc, m):
                continue
            gap = doc[cursor:m.start]
            words = [t.lower_ for t in gap]
            if not words or len(gap) > 8 or not set(words) & lex.list_connectors or self._broken_phrase(gap.text):
                break
            if self._adjunct_then_item(gap, m, trigger):
                got.append(m)
                cursor = m.end
                continue
            if any(t._.cl_k and t.i != trigger for t in gap) or any(t.pos_ == "AUX" for t in gap):
                break
            if any(t.pos_ == "ADP" and t.lower_ not in lex.list_connectors for t in gap):
                break
            if any(t.pos_ == "VERB" and t.tag_ not in lex.participle_tags | lex.gerund_tags for t in gap):
                break
            if any(t.text in ('"', "”", "“", ";", ":") for t in gap):
                break
            if len(gap) == 1 and gap[0].pos_ == "CCONJ" and not m.quantity.text and first.quantity.text and m.vtype == first.vtype \
                    and not first.numbered:
                first.end, first.text = m.end, f"{first.text} {gap.text} {m.text}"   # 'up to a battalion of X and Y'
                first.party = first.party if first.party == m.party else None
                m.used = m.other = True   # one group now: never a victim of its own
                cursor = m.end
                continue
            if first.numbered and not m.numbered and not m.quantity.text:
                break  # '640 personnel and 12 guns, the General Staff said': counted lists go on with counts
            if m.end < len(doc) and doc[m.end]._.cl_k and doc[m.end].i != trigger \
                    or _has_own_claim_word(doc, m, trigger):
                break  # "…, dozens of soldiers dead", "…, wounds commander": the next item has its own claim word
            got.append(m)
            cursor = m.end
        return got

    def _broken_phrase(self, gap: str) -> bool:
        """A word of a connector phrase without the rest of it ('22 as Qaeda claims …')."""
        lex = self.lex
        rest = lex.phrase_re(lex.list_connector_phrases).sub(" ", gap.lower()).split()
        return any(w in self._phrase_words for w in rest)

    def _adjunct_then_item(self, gap: Any, m: Mention, trigger: int) -> bool:
        """'killed eight soldiers using drones, and five in a gunbattle': an adjunct of the first item (an
        instrument or a place), then a connector, then a count of the same victims."""
        lex = self.lex
        if not m.bare or m.partitive or len(gap) < 3 or gap[-1].lower_ not in lex.list_connectors:
            return False
        head = gap[0]
        if not (head.lower_ in lex.instrument_words or head.lower_ in lex.locative_prepositions):
            return False
        return all(t.lower_ in lex.list_connectors or t.pos_ in ("ADP", "DET", "ADJ", "NOUN", "PROPN", "PUNCT")
                   or t.lower_ in lex.instrument_words or t._.cl_m for t in gap) \
            and not any(t._.cl_k and t.i != trigger for t in gap)

    def _continue_left(self, doc: Doc, last: Mention, mentions: list[Mention]) -> list[Mention]:
        """Coordinated subjects of one verb: 'two tanks and three howitzers were destroyed'."""
        lex = self.lex
        items: list[Mention] = []
        first = last
        for m in reversed([x for x in mentions if x.end <= last.start]):
            gap = [t.lower_ for t in doc[m.end:first.start]]
            if not gap or not set(gap) <= lex.list_connectors:
                break
            counted = bool(m.quantity.text) and bool(first.quantity.text) and m.quantity.text.lower() not in \
                lex.singular_articles and first.quantity.text.lower() not in lex.singular_articles
            nouns = not m.bare and not first.bare
            if not (set(gap) & {w for w in lex.list_connectors if w.isalpha()}) and not counted and not nouns:
                break  # a comma alone joins only counted items
            if m.bare or m.self_trigger or _has_own_claim_word(doc, m):
                break
            items.insert(0, m)
            first = m
        return items

    def _conjuncts(self, doc: Doc, first: Mention, mentions: list[Mention]) -> list[Mention]:
        """Victims coordinated with the first by the parse ('two tanks and three howitzers')."""
        heads = {t.i for t in list_members(doc[first.head])}
        out = []
        for m in mentions:
            if m.head not in heads or m.self_trigger or m.other or (first.numbered and not m.numbered):
                continue
            a, b = sorted((m.end, first.start)) if m.start < first.start else sorted((first.end, m.start))
            if any(t._.cl_k for t in doc[a:b]) or _has_own_claim_word(doc, m):
                continue  # 'one dead and three wounded': each count has its own claim word
            out.append(m)
        return out

    # -- bare counts --------------------------------------------------------------------------------
    def _borrow(self, doc: Doc, mentions: list[Mention]) -> None:
        """A count with no noun takes its victims from the nearest phrase that names them (the one before first,
        the one after when it is closer): 'seven civilians were killed and 19 wounded'."""
        for m in mentions:
            if not m.bare:
                continue
            usable = [x for x in mentions if not x.bare and not x.pronoun and not self._agent_like(doc, x)
                      and not self._instrument(doc, x)]
            if m.partitive:  # 'most of them': a group named before it in the sentence, else in an earlier one
                before = [x for x in usable if x.end <= m.start]
                nouns = [t for t in doc[max(0, m.start - 8):m.start] if t.pos_ == "NOUN"
                         and t.tag_ in self.lex.plural_noun_tags]
                if nouns and not nouns[-1]._.cl_vt and not before:
                    m.other = True  # 'buildings, of which 225 were destroyed': a count of the noun before
                    continue
                if before:
                    last = before[-1]
                    m.vtype, m.item, m.party, m.hostile, m.text, m.source = (
                        last.vtype, last.item, last.party, last.hostile, last.text, last)
                    doc[m.head]._.cl_vt = m.vtype
                continue
            before = [x for x in usable if x.end <= m.start]
            after = [x for x in usable if x.start >= m.end]
            src = before[-1] if before else None
            nxt = after[0] if after else None
            if nxt is not None and (src is None or (nxt.start - m.end) < (m.start - src.end)) and nxt.start - m.end <= 4:
                src = nxt
            if src is not None:
                m.vtype, m.item, m.party, m.hostile, m.text, m.source = (
                    src.vtype, src.item, src.party, src.hostile, src.text, src)
            else:
                m.vtype = "unknown"
            doc[m.head]._.cl_vt = m.vtype

    def _agent_like(self, doc: Doc, m: Mention) -> bool:
        """Doers are not where a count finds its victims: 'by the army', 'Russians shelled the town, two killed'."""
        head = doc[m.head]
        if head.dep_ == "pobj" and head.head.lower_ in self.lex.instrument_words:
            return True
        if head.dep_ == "nsubj" and head.head.pos_ == "VERB" and not head.head._.cl_k:
            return True
        if head.dep_ == "nsubj" and head.head._.cl_k and any(c.dep_ in ("dobj", "obj") for c in head.head.children):
            return True
        if not m.numbered and (head.lemma_.lower() in self.lex.actor_nouns or head.lower_ in self.lex.actor_nouns):
            return True  # "Russian army shells Kherson, one killed": the army is the actor
        return m.vtype == "equipment" and m.quantity.qualifier == "unspecified" and head.dep_ in ("compound", "nsubj")

    # -- "killed and wounded" over one count --------------------------------------------------------
    def _combine_coordinated(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        families = self.lex.combined_kind_families
        by_mention: dict[int, list[Candidate]] = {}
        for c in cands:
            by_mention.setdefault(id(c.mention), []).append(c)
        out: list[Candidate] = []
        for c in cands:
            group = by_mention[id(c.mention)]
            pair = [g for g in group if g.family in families and g.kind in _PEOPLE_KINDS]
            if len(pair) >= 2 and c in pair and c.mention.numbered and self._coordinated(doc, pair):
                if c is pair[0]:
                    c.kind = "casualties"
                    c.also += [n for o in pair[1:] for n in o.construction.split("+") if n not in c.also]
                    out.append(c)
                continue
            out.append(c)
        return out

    def _coordinated(self, doc: Doc, pair: list[Candidate]) -> bool:
        a, b = sorted((pair[0].trigger, pair[1].trigger))
        between = {t.lower_ for t in doc[a + 1:b]}
        return bool(between) and between <= self.lex.coordinators | self.lex.passive_auxiliaries


_PEOPLE_KINDS = {"killed", "wounded", "casualties"}
_EXACT, _AT_LEAST = "exact", "at_least"
_STANCE = {Effect.deny: "denied", Effect.estimate: "estimated"}


def _one_frame_per_pair(frames: list[Frame], prose: bool) -> list[Frame]:
    """One claim per trigger and victim: the construction of highest priority that no gate drops wins ('lost 200
    people killed and wounded' is casualties, not killed)."""
    best: dict[tuple[int, int], Frame] = {}
    rest: list[Frame] = []

    def rank(f: Frame) -> tuple[bool, int]:
        return not _blocked(f, prose), f.construction.priority

    for f in frames:
        victim = f.slots.get(Slot.victim)
        if victim is None:
            rest.append(f)
            continue
        key = (f.trigger, _mention_key(f, victim))
        if key not in best or rank(f) > rank(best[key]):
            if key in best:
                f.also.extend([best[key].construction.name, *best[key].also])
            best[key] = f
        elif f.construction.name not in best[key].also:
            best[key].also.append(f.construction.name)
    chosen = set(map(id, best.values()))
    return [f for f in frames if id(f) in chosen or f in rest]


def _mention_key(frame: Frame, victim: int) -> int:
    """The victim phrase, not the token: two tokens of one phrase are one victim."""
    index = frame.doc[victim]._.cl_mi if frame.doc is not None else -1
    return int(index) if index >= 0 else -1 - victim


def _blocked(f: Frame, prose: bool) -> bool:
    """A gate drops the frame whatever its victims' count."""
    return any(e is Effect.drop and (prose or not sets.prose_only) and not sets.uncounted_only for e, sets in f.gates)


def _drop_consumed(frames: list[Frame]) -> list[Frame]:
    """Claim words inside the match of a construction that consumes them are not claim words of their own, even
    where a gate drops that match ('could lose 30 soldiers killed' is no claim at all)."""
    consumed: set[int] = set()
    for f in frames:
        if _claim_sets(f.construction.sets).consumes:
            consumed.update(i for i in f.tokens if i != f.trigger)
    return [f for f in frames if f.trigger not in consumed]


def _inside_a_counted_group(cands: list[Candidate]) -> list[Candidate]:
    """'Woman and child injured': two constructions may find the group ('Woman and child', 2) and one of its
    members ('child', 1); the member is already counted in the group of the same kind."""
    def inside(c: Candidate, g: Candidate) -> bool:
        m, n = c.mention, g.mention
        return (g is not c and g.kind == c.kind and n.start <= m.start and m.end <= n.end
                and (n.end - n.start) > (m.end - m.start) and m.quantity.low == 1 and m.quantity.high == 1
                and (n.quantity.low or 0) > 1)
    return [c for c in cands if not any(inside(c, g) for g in cands)]


def _yield_to_named_victims(doc: Doc, cands: list[Candidate]) -> list[Candidate]:
    """A claim noun and the victims named for it are one claim: the counted one wins ('losses of about 90
    servicemen': the servicemen; 'multiple casualties among civilians': the casualties), the victims named when
    neither is counted ('the body of the deceased')."""
    def counted(c: Candidate) -> bool:
        return c.quantity is not None or c.mention.numbered

    out = []
    for c in cands:
        if c.mention.self_trigger and c.quantity is None:
            rivals = [o for o in cands if not o.mention.self_trigger and (o.trigger == c.trigger
                                                                          or o.trigger == c.mention.head)]
            if rivals and (any(counted(o) for o in rivals) or not counted(c)):
                continue
        elif not c.mention.self_trigger and not counted(c):
            rivals = [o for o in cands if o.mention.self_trigger and counted(o)
                      and (o.trigger == c.trigger or o.mention.head == c.trigger)]
            if rivals:
                continue
        out.append(c)
    return out


def _outcome_wins(doc: Doc, cands: list[Candidate]) -> list[Candidate]:
    """'a woman, wounded in the morning, died', 'two men died after being shot': the main verb's outcome wins
    over the participle's."""
    out = []
    for c in cands:
        trig = doc[c.trigger]
        if c.kind == "wounded" and trig.dep_ in ("acl", "amod", "pcomp") and any(
                o is not c and o.mention is c.mention and o.kind == "killed" for o in cands):
            continue
        out.append(c)
    return out


def _one_claim_per_owner(doc: Doc, lex: Lexicon, cands: list[Candidate]) -> list[Candidate]:
    """'Army troops and rebels suffered casualties': a loss verb with coordinated subjects is one claim for each
    of them, each owning the losses alone (`owner_alone`: the owner phrase stops at its conjuncts)."""
    out: list[Candidate] = []
    for c in cands:
        trig = doc[c.trigger]
        subject = next((x for x in trig.children if x.dep_ in lex.subject_deps), None)
        if c.family not in lex.owner_families or c.owner is not None or subject is None or not subject.conjuncts:
            out.append(c)
            continue
        for owner in (subject, *subject.conjuncts):
            out.append(replace(c, owner=owner.i, owner_alone=True))
    return out


def _counted_restatement(cands: list[Candidate]) -> list[Candidate]:
    """'children are dying, dozens of children are dying': an uncounted claim restated with a count is one claim;
    so is a claim word that names no victims but itself, beside a count of its kind."""
    def key(c: Candidate) -> tuple[str, str]:
        return c.kind, c.frame.doc[c.mention.head].lemma_.lower() if c.frame.doc is not None else ""

    counted = {key(c) for c in cands if c.mention.numbered or c.quantity}
    counted_kinds = {c.kind for c in cands if c.mention.numbered or c.quantity}

    def restated(c: Candidate) -> bool:
        if key(c) in counted:
            return True
        # 'Massacre in X: 210 dead': a claim word that is its own victim, restated by a count of its kind
        own = c.mention.self_trigger and c.mention.head == c.trigger or c.mention.bare and not c.mention.text
        return own and c.kind in counted_kinds

    return [c for c in cands if c.mention.numbered or c.quantity is not None or c.mention.quantity.text
            or not restated(c)]


def _counted_noun_wins(cands: list[Candidate]) -> list[Candidate]:
    """'multiple casualties among the civilian population': a counted claim noun is the claim; the group it
    is among adds no second claim."""
    counted = {(c.trigger, c.kind) for c in cands if c.mention.self_trigger and c.mention.head == c.trigger
               and c.mention.numbered}
    return [c for c in cands if c.mention.self_trigger or c.mention.numbered or c.quantity is not None
            or (c.trigger, c.kind) not in counted]


def _noun_kind_wins(lex: Lexicon, cands: list[Candidate]) -> list[Candidate]:
    """'suffered dozens of deaths': a light verb's object that is itself a claim noun says the kind."""
    own = {id(c.mention): c for c in cands if c.mention.self_trigger and c.trigger == c.mention.head}
    out = []
    for c in cands:
        noun = own.get(id(c.mention))
        if noun is not None and noun is not c and noun.kind != c.kind and c.family in lex.light_families:
            if c.construction not in noun.also:
                noun.also.append(c.frame.construction.name)
            continue
        out.append(c)
    return out


def _status_yields(doc: Doc, lex: Lexicon, cands: list[Candidate]) -> list[Candidate]:
    """'kill three civilian hostages': what happened to the hostages is the claim, not that they were held."""
    acted = {id(c.mention) for c in cands if c.trigger != c.mention.head}
    return [c for c in cands if not (c.trigger == c.mention.head and id(c.mention) in acted
                                     and doc[c.mention.head].lower_ in lex.status_person_nouns)]


def _count_singulars(doc: Doc, group: list[Mention]) -> list[Mention]:
    """'A man and a woman were injured': coordinated singulars of people add up to one count."""
    people = [m for m in group if m.vtype != "equipment" and not m.bare and m.quantity.low == 1
              and m.quantity.high == 1 and m.quantity.qualifier == "exact"]
    if len(group) < 2 or len(people) != len(group):
        return group
    first, last = group[0], group[-1]
    text = doc[first.start:last.end].text
    merged = Mention(start=first.start, end=last.end, head=last.head, quantity=Quantity(len(group), len(group), "exact",
                                                                                          text),
                     vtype=first.vtype if all(m.vtype == first.vtype for m in group) else "unknown", text=text)
    for m in group:
        m.used = True
    return [merged]


def _claim_sets(raw: dict[str, Any]) -> ClaimSets:
    names = {f.name for f in fields(ClaimSets)}
    return ClaimSets(**{k: v for k, v in raw.items() if k in names})


def _implicit(doc: Doc, i: int, mentions: list[Mention], one: bool = False) -> Mention:
    """A victim phrase made of the claim word alone ('there are dead and wounded'): no number (or one, for a
    participle standing for a person), type unknown."""
    m = Mention(start=i, end=i + 1, head=i, quantity=single("") if one else unspecified(""), vtype="unknown",
                text="", self_trigger=True)
    mentions.append(m)
    return m


def _has_own_claim_word(doc: Doc, m: Mention, trigger: int = -1) -> bool:
    head = doc[m.head]
    return any(c._.cl_k and c.dep_ in ("amod", "acl", "compound") and c.i != trigger for c in head.children)


def _share_owner(group: list[Mention]) -> None:
    """'two tanks and three howitzers of the occupiers': an owner named once owns the whole list."""
    if len(group) < 2:
        return
    parties = {x.party for x in group if x.party}
    hostile = next((x.hostile for x in group if x.hostile), "")
    if len(parties) > 1:
        return
    party = next(iter(parties), None)
    if party is None and not hostile:
        return
    kinds = {x.vtype == "equipment" for x in group}
    people_groups = [x for x in group if x.vtype != "equipment"]
    if len(people_groups) > 1 and len({x.party for x in people_groups}) > 1:
        return  # '18 soldiers, 5 militants': two sides, not one owner
    for x in group:
        if len(kinds) > 1 or x.vtype == group[-1].vtype:
            x.party = x.party or party
            x.hostile = x.hostile or hostile


def _mention_for(doc: Doc, i: int, mentions: list[Mention]) -> Mention | None:
    index = doc[i]._.cl_mi
    if 0 <= index < len(mentions):
        return mentions[index]
    return next((m for m in mentions if m.start <= i < m.end), None)


def _exceeded(lex: Lexicon, doc: Doc, i: int, q: Quantity) -> Quantity:
    """'the toll tops 136,000': a figure a total goes above is a lower bound."""
    verb = doc[i].head if doc[i].dep_ != "ROOT" else doc[i]
    while verb.dep_ in ("prep", "pobj", "dobj", "nummod", "quantmod") and verb.head is not verb:
        verb = verb.head
    if q.qualifier == _EXACT and q.low is not None and verb.lemma_.lower() in lex.exceeding_verbs:
        return Quantity(q.low, None, _AT_LEAST, q.text)
    return q


def _quantity_at(doc: Doc, i: int) -> Quantity:
    for qs in doc._.cl_qs or []:
        if qs.start <= i < qs.end:
            return qs.quantity  # type: ignore[no-any-return]
    return unspecified("")
