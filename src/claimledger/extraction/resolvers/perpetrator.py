"""Who did it: the perpetrator resolvers. Named ones run before the victims' party is known (`perpetrator` in
resolvers.json: agents of active verbs, 'by' phrases, attackers named in the cause, 'in clashes with X');
inferred ones after (`perpetrator_inferred`: the other side of a clash, the speaker's own forces reporting the
enemy's losses, a cause named earlier in the paragraph)."""

from __future__ import annotations

from spacy.tokens import Doc, Token  # noqa: F401

from claimledger.extraction.attribution import Origin
from claimledger.extraction.resolvers import STOP, ClaimContext, Perpetrator, resolver
from claimledger.extraction.resolvers.party import (
    opponent_of,
    phrase_party,
    state_of_country,
    without_conjuncts,
)
from claimledger.normalize import conflicts, parties

_SUBJECTS = ("nsubj",)
_CLAUSE_LINKS = ("advcl", "xcomp", "conj", "acl", "relcl", "ccomp", "pcomp")


def _is_actor(ctx: ClaimContext, tokens: list[Token]) -> bool:
    """A phrase that can do harm: a party, a hostile word, fighters, a weapon or an attack, a pronoun, a name
    (a clash is nobody's doing)."""
    lex = ctx.lex
    heads = [t for t in tokens if t.head not in tokens or t.head is t]
    if heads and heads[0].lemma_.lower() in lex.clash_nouns and not any(t._.cl_p for t in tokens):
        return False
    for t in tokens:
        if t._.cl_p or t._.cl_h or t._.cl_m or t.lower_ in lex.first_person_actor_words:
            return True
        if t._.cl_n in ("military", "equipment") or t.lemma_.lower() in lex.armed_group_nouns:
            return True
        if t.ent_type_ in ("ORG", "NORP", "GPE", "PERSON") and t.pos_ == "PROPN":
            return True
        if t.lower_ in lex.third_person_pronouns and t.dep_ in _SUBJECTS:
            return True
    return False


def state_forces(ctx: ClaimContext, tokens: list[Token]) -> str | None:
    """Police, soldiers or commandos with no owner named are the forces of the one state the sentence names,
    or of the place it happened ('commandos storm a den in Bangladesh', 'Imo police raid a camp')."""
    lex = ctx.lex
    if not any(t.lemma_.lower() in lex.state_force_nouns or t.lower_ in lex.state_force_nouns for t in tokens):
        return None
    if any(t.lemma_.lower() in lex.armed_group_nouns for t in tokens):
        return None
    state = parties.state_in_context(ctx.doc.text)
    if state is None and ctx.location is not None and ctx.location.precision in ("point", "admin2", "admin1"):
        state = state_of_country(ctx.location.country)
    return state


def _phrase(doc: Doc, head: Token) -> list[Token]:
    """The words of an agent phrase, without a headline's leading label ('Roundup: …')."""
    words = list(head.subtree)
    colon = [k for k, t in enumerate(words) if t.text in (":", "|")]
    return words[colon[-1] + 1:] if colon else words


def _text(tokens: list[Token]) -> str:
    return tokens[0].doc[tokens[0].i:tokens[-1].i + 1].text.strip(" ,") if tokens else ""


def _make(ctx: ClaimContext, tokens: list[Token]) -> Perpetrator | None:
    if not tokens or not _is_actor(ctx, tokens):
        return None
    m = ctx.mention
    if any(t.i == m.head or m.start <= t.i < m.end and t._.cl_vt for t in tokens):
        return None  # the victims themselves
    party = phrase_party(ctx, tokens) or state_forces(ctx, tokens)
    if party is None and len(tokens) <= 2 and any(t.lower_ in ctx.lex.institution_pronouns | ctx.lex.first_person_pronouns
                                                  for t in tokens) and ctx.attribution is not None:
        party = ctx.attribution.side  # 'Egypt says it killed 8 militants'
    if party is None and len(tokens) <= 2 and any(t.lower_ in ctx.lex.singular_pronouns for t in tokens):
        person = next((e.text for e in reversed(ctx.doc.ents) if e.label_ == "PERSON" and e.end <= tokens[0].i), None)
        party = parties.side_of_claimant(person, ctx.doc.text) if person else ctx.state.last_person_side
    if party is None and len(tokens) <= 2 and any(t.lower_ in ctx.lex.antecedent_pronouns for t in tokens):
        earlier = [t for t in ctx.doc[:tokens[0].i] if t.dep_ == "nsubj" and t._.cl_p]
        party = (str(earlier[0]._.cl_p) if earlier else None) or ctx.sentence.antecedent or opponent_of(
            ctx, ctx.perspective)  # 'X did not allow …, they destroyed': X; 'they hit a market': the enemy
    return Perpetrator(party=party, text=_text(tokens))


@resolver
def agent_slot(ctx: ClaimContext) -> Perpetrator | None:
    """A construction that names its agent ('X attack kills N')."""
    if ctx.cand.agent is None:
        return None
    return _make(ctx, _phrase(ctx.doc, ctx.doc[ctx.cand.agent]))


@resolver
def active_subject(ctx: ClaimContext) -> Perpetrator | None:
    """The subject of an active claim verb ('Russian shelling killed …'), or of the verb a claim participle
    depends on ('forces attacked villages, killing 11')."""
    doc = ctx.doc
    verb = doc[ctx.cand.trigger]
    if verb._.cl_kf != "verb" or verb._.cl_in or any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return None
    if ctx.cand.family in ctx.lex.owner_families:
        return None  # 'Pyongyang deployed …': the subject owns the troops
    for _ in range(3):
        if verb.lemma_.lower() in ctx.lex.loss_owner_verbs:
            return None  # 'the enemy lost …', 'suffered 40 dead and wounded': the subject owns the losses
        subj = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subj is not None:
            found = _make(ctx, _phrase(doc, subj))
            if found is not None:
                return found
            return None
        if verb.dep_ not in _CLAUSE_LINKS or verb.head is verb:
            return None
        if verb.head.lemma_.lower() in ctx.lex.discovery_verbs:
            return None   # 'they find beheaded …': who finds the dead did not kill them
        verb = verb.head
    return None


@resolver
def passive_by_agent(ctx: ClaimContext) -> Perpetrator | None:
    """'killed by a Ukrainian drone', 'shot down by our air defence'."""
    trig = ctx.doc[ctx.cand.trigger]
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in trig.children) or trig.tag_ in ctx.lex.past_participle_tags
    for c in trig.children:
        if c.dep_ == "agent" or (passive and c.dep_ == "prep" and c.lower_ in ctx.lex.agent_prepositions):
            obj = next((x for x in c.children if x.dep_ == "pobj"), None)
            if obj is not None:
                found = _make(ctx, list(obj.subtree))
                if found is not None:
                    return found
    return None


@resolver
def cause_phrase(ctx: ClaimContext) -> Perpetrator | None:
    """An attacker named in the cause: 'in a Russian missile strike', 'as a result of the occupiers' attack',
    'in an artillery strike by Russian troops', 'fallen victim to this Russian invasion', 'shelling from Ukraine'."""
    doc, m = ctx.doc, ctx.mention
    for tok in doc:
        if m.start <= tok.i < m.end or not (tok._.cl_m or tok.lemma_.lower() in ctx.lex.attack_nouns):
            continue
        found = attacker_of(ctx, tok)
        if found is not None:
            return found
    return None


def attacker_of(ctx: ClaimContext, tok: Token) -> Perpetrator | None:
    """The doer an attack noun names: its party modifier, possessor, or 'by'/'of'/'from' phrase."""
    head = tok
    while head.dep_ in ("compound", "amod") and head.head.i > head.i and (
            head.head._.cl_m or head.head.lemma_.lower() in ctx.lex.attack_nouns):
        head = head.head  # 'artillery strike': the strike carries the doer
    if head.pos_ not in ("NOUN", "PROPN"):
        return None
    owner = [t for c in head.children if c.dep_ in ("amod", "compound", "poss", "nmod")
             and not (c.dep_ == "compound" and parties.is_capital(c.text))   # 'a Kabul attack': where, not who
             for t in c.subtree if not t._.cl_m and t.lemma_.lower() not in ctx.lex.attack_nouns]
    for c in head.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in ctx.lex.instrument_words | ctx.lex.agent_prepositions:
            owner.extend(c.subtree)
        elif c.dep_ == "prep" and c.lower_ == "of" and any(t._.cl_n == "military" for t in c.subtree):
            owner.extend(c.subtree)  # 'the actions of the Armed Forces' (not 'the shelling of Donetsk': a target)
    party = (phrase_party(ctx, owner) or state_forces(ctx, owner)) if owner else None
    if not party:
        return None
    words = sorted({*owner, head, tok}, key=lambda t: t.i)
    return Perpetrator(party=party, text=_text(words))


@resolver
def attack_in_sentence(ctx: ClaimContext) -> Perpetrator | None:
    """'Russians shelled Kharkiv, one person died': the subject of an attack verb in the same sentence."""
    doc, m = ctx.doc, ctx.mention
    for tok in doc:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in ctx.lex.attack_verbs or tok.i == ctx.cand.trigger:
            continue
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is None or m.start <= subj.i < m.end:
            continue
        found = _make(ctx, _phrase(doc, subj))
        if found is not None and found.party:
            return found
    return None


@resolver
def participle_clause_subject(ctx: ClaimContext) -> Perpetrator | None:
    """'X attacked villages, killing 11': a trailing '-ing' claim verb has the doer of the clause before it,
    even where the parse loses the link."""
    doc = ctx.doc
    trig = doc[ctx.cand.trigger]
    if trig.tag_ not in ctx.lex.gerund_tags or any(c.dep_ in ("nsubj", "nsubjpass") for c in trig.children):
        return None
    for tok in doc[:trig.i]:
        if tok.dep_ == "nsubj":
            found = _make(ctx, _phrase(doc, tok))
            if found is not None:
                return found
    return None


@resolver
def battle_with(ctx: ClaimContext) -> Perpetrator | None:
    """'in battles with units of the AFU', 'in a clash with Abu Sayyaf': the other side did it."""
    doc, lex = ctx.doc, ctx.lex
    for tok in doc:
        if tok.lower_ not in ctx.lex.clash_prepositions or tok.i == 0:
            continue
        noun = tok.head
        if noun.lemma_.lower() not in lex.clash_nouns:
            continue
        obj = next((x for x in tok.children if x.dep_ == "pobj"), None)
        if obj is None:
            continue
        words = list(obj.subtree)
        party = phrase_party(ctx, words)
        if party is None and not _is_actor(ctx, words):
            continue
        victim_party = ctx.mention.party
        if party is not None and victim_party == party:
            continue
        return Perpetrator(party=party, text=_text(words))
    return None


@resolver
def clash_reciprocity(ctx: ClaimContext) -> Perpetrator | None:
    """'clash leaves 18 soldiers, 5 militants dead': each side's dead are the other side's doing."""
    doc, m, lex = ctx.doc, ctx.mention, ctx.lex
    if not any(t.lemma_.lower() in lex.clash_nouns for t in doc):
        return None
    if ctx.cand.owner_alone and ctx.cand.owner is not None:
        return _other_owner(ctx, doc[ctx.cand.owner])
    others = [x for x in (doc._.cl_ms or []) if x is not m and not x.bare and x.vtype in ("military",)
              and x.head != m.head]
    if m.vtype != "military" or len(others) != 1:
        return None
    other = others[0]
    tokens = list(doc[other.start:other.end])
    words = [t for t in tokens if not t._.cl_q]
    party = ctx.resolved.get(id(other)) or other.party or phrase_party(ctx, words) or state_forces(ctx, words)
    return Perpetrator(party=party, text=doc[other.head].text if not party else _text(words))


def _other_owner(ctx: ClaimContext, owner: Token) -> Perpetrator | None:
    """'troops and rebels suffered losses in a clash': each one's losses are the other's doing."""
    first = owner.head if owner.dep_ in ctx.lex.coordination_deps else owner
    others = [t for t in (first, *first.conjuncts) if t.i != owner.i]
    if len(others) != 1:
        return None
    words = without_conjuncts(ctx.lex, others[0])
    party = phrase_party(ctx, words) or state_forces(ctx, words)
    return Perpetrator(party=party, text=_text(words))


@resolver
def speaker_framing(ctx: ClaimContext) -> Perpetrator | None:
    """A side that reports its enemy's losses (a General Staff tally, 'we shot down', 'the enemy lost') reports
    its own forces' doing: the perpetrator is the speaker's side, named by no word."""
    side = ctx.attribution.side if ctx.attribution is not None and ctx.attribution.side else ctx.perspective
    if not side or ctx.cand.kind in ("deployed", "surrendered", "missing"):
        return None
    if ctx.vtype not in ("military", "equipment") or ctx.victim_party is None:
        return None
    if ctx.victim_party != opponent_of(ctx, side) and ctx.victim_party not in conflicts.opponents(
            side, mentioned=[ctx.victim_party]):
        return None
    return Perpetrator(party=side, text=None)


@resolver
def earlier_cause(ctx: ClaimContext) -> Perpetrator | None:
    """An attacker named earlier in the paragraph, or else earlier in the document ('a Russian missile hit the
    building. Six people were killed.'), for victims whose side the attacker is not."""
    causes = ctx.sentence.causes or ctx.state.attackers
    if not causes or ctx.vtype == "equipment" and ctx.victim_party is None:
        return None
    text, party = causes[-1]
    if party is None or party == ctx.victim_party:
        return None
    return Perpetrator(party=party, text=text)


@resolver
def opponent_of_victims(ctx: ClaimContext) -> Perpetrator | None:
    """Forces of a side, reported killed by a named claimant with nobody named as the doer: their one opponent
    in the conflicts the document names ('North Korean troops have been killed', says the Pentagon)."""
    side = ctx.attribution.side if ctx.attribution is not None else None
    if not side or ctx.vtype not in ("military",) or not ctx.victim_party or side == ctx.victim_party:
        return None  # a side reporting its own losses names no doer by that
    named = ctx.state.named_parties
    enemies = conflicts.opponents(ctx.victim_party, mentioned=named or None)
    return Perpetrator(party=enemies[0], text=None) if len(enemies) == 1 else None


@resolver
def speaker_opponent(ctx: ClaimContext) -> Perpetrator | None:
    """In a side's own address or statement, its people killed or wounded with nobody named as the doer were
    harmed by its enemy."""
    att = ctx.attribution
    if att is None or att.origin not in (Origin.speaker, Origin.press) or not att.side:
        return None
    if ctx.vtype == "equipment" or ctx.victim_party not in (None, att.side) or ctx.cand.kind in ("deployed",):
        return None
    enemy = opponent_of(ctx, att.side)
    return Perpetrator(party=enemy, text=None) if enemy else None


@resolver
def no_perpetrator(ctx: ClaimContext) -> object:
    """Deployments, surrenders and disappearances have no perpetrator."""
    return STOP if ctx.cand.kind in ("deployed", "surrendered", "missing") else None
