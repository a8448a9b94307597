"""Whose losses: the victim party resolvers (their order is `victim_party` in resolvers.json)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from claimledger.extraction.lexicon import Lexicon
from claimledger.extraction.resolvers import STOP, ClaimContext, resolver
from claimledger.normalize import parties

_PEOPLE = ("military", "unknown", "mixed")


def state_of_country(code: str | None) -> str | None:
    """The state party of an ISO-2 country code ('IN' → India)."""
    if not code:
        return None
    return next((p.name for p in parties.parties() if p.kind == "state" and p.iso2 == code), None)


def resolve_hostile(ctx: ClaimContext, usage: str) -> str | None:
    """An adversary word from the speaker's side: the speaker's main enemy, else the one enemy the document names."""
    return parties.party_from_hostile(usage, ctx.perspective) or parties.party_from_hostile(
        usage, ctx.perspective, ctx.state.named_parties)


def opponent_of(ctx: ClaimContext, side: str | None) -> str | None:
    return parties.opponent(side) or parties.opponent(side, ctx.state.named_parties)


def phrase_party(ctx: ClaimContext, tokens: list[Token]) -> str | None:
    """The party a phrase names: a party word, a hostile word (from the speaker's side), or the speaker's own
    side for 'we'/'our'."""
    lex = ctx.lex
    where = {x.i for t in tokens if t.dep_ == "prep" and t.lower_ in lex.locative_prepositions
             and t.head.pos_ in ("NOUN", "PROPN") for x in t.subtree}   # 'the occupiers in the Kyiv region'
    for t in tokens:
        if t._.cl_p and t.i not in where and not (t.lower_ in lex.equipment_origin_words and ctx.vtype == "equipment"):
            return str(t._.cl_p)
    words = " ".join(t.text for t in tokens)
    usage = parties.hostile_usage(words) if any(t._.cl_h for t in tokens) else None
    if usage:
        return resolve_hostile(ctx, usage)
    if any(t.lower_ in lex.first_person_actor_words for t in tokens):
        return ctx.perspective
    if len(tokens) <= 2 and any(t.lower_ in lex.antecedent_pronouns for t in tokens):
        return ctx.sentence.antecedent  # 'they have suffered casualties': the people named before
    if tokens and any(t.dep_ == "poss" and t.pos_ == "PRON" for t in tokens):
        before = [t for t in tokens[0].doc[:tokens[0].i] if t._.cl_p or t._.cl_h]
        if before and before[-1]._.cl_p:
            return str(before[-1]._.cl_p)  # 'soldiers from its regiment': the party named before
        if before:   # 'an enemy that ignores his dead': the adversary named before, from the speaker's side
            usage = parties.hostile_usage(before[-1].text)
            if usage:
                return resolve_hostile(ctx, usage)
    if tokens:  # words that name a party only in context ('junta' where Myanmar is named or meant)
        return parties.party_of(" ".join(t.text for t in tokens), context=ctx.doc.text)
    return None


def subtree(tok: Token) -> list[Token]:
    return list(tok.subtree)


def without_conjuncts(lex: Lexicon, tok: Token) -> list[Token]:
    """One conjunct's phrase ('ANA troops' of 'ANA troops and Taliban fighters'): its subtree without the others."""
    others = {t.i for c in tok.children if c.dep_ in lex.coordination_deps for t in c.subtree}
    return [t for t in tok.subtree if t.i not in others]


@resolver
def named_in_phrase(ctx: ClaimContext) -> str | None:
    """'13 North Korean soldiers', 'soldiers of the Armed Forces of Ukraine', '60 Syrians'; words that name a
    party only where it is named ('regime forces' in a text that names Syria)."""
    m = ctx.mention
    if ctx.cand.owner_alone:
        return None   # one of coordinated owners: the owner says whose (the phrase's party may be another's)
    if m.party or m.bare or m.pronoun or not m.text:
        return m.party
    return parties.party_from_context_words(m.text, ctx.doc.text)


@resolver
def borrowed_from_neighbour(ctx: ClaimContext) -> str | None:
    """'eight soldiers were killed and five wounded': the five share the eight's party."""
    src = ctx.mention.source
    if src is None:
        return None
    return ctx.resolved.get(id(src)) or src.party


@resolver
def owner_of_losses(ctx: ClaimContext) -> str | None:
    """The owner of losses: the subject of 'lose'/'suffer' ('the Russian army lost …'), the owner slot of a
    construction, the possessor or 'of' phrase of a loss noun ('the enemy's losses', 'losses of the AFU')."""
    owner = _owner_tokens(ctx)
    if not owner:
        return None
    if any(t.lower_ in ctx.lex.first_person_pronouns for t in owner):
        return ctx.perspective
    return phrase_party(ctx, owner)


def _owner_tokens(ctx: ClaimContext) -> list[Token]:
    doc, cand, lex = ctx.doc, ctx.cand, ctx.lex
    if cand.owner is not None:
        owner = doc[cand.owner]
        return without_conjuncts(lex, owner) if cand.owner_alone else subtree(owner)
    victim = doc[ctx.mention.head]
    if victim.dep_ in ("dobj", "obj") and victim.head.lemma_.lower() in lex.loss_owner_verbs and victim.head.pos_ in (
            "VERB", "AUX") and not ctx.mention.bare and victim.head.i != cand.trigger:
        return _subject(doc, victim.head)  # 'the army has about 32,000 dead souls': the one who has them
    for c in doc[cand.trigger].children:  # 'the losses suffered by the occupiers'
        if c.dep_ == "acl" and c.lemma_.lower() in lex.loss_owner_verbs:
            by = next((x for x in c.children if x.dep_ == "agent"), None)
            if by is not None:
                return list(by.subtree)
    trig = doc[cand.trigger]
    family = cand.family
    if ctx.mention.self_trigger and doc[ctx.mention.head]._.cl_k in lex.loss_families:
        trig, family = doc[ctx.mention.head], doc[ctx.mention.head]._.cl_k  # 'casualties, both killed and wounded'
    # 'the army took heavy losses': the subject owns them; 'the attack took the lives of two' (a verb of another
    # family, killing) names its victims, not their owner
    if family in lex.owner_families or trig.lemma_.lower() in lex.loss_owner_verbs and trig.pos_ == "VERB" \
            and trig._.cl_k in lex.loss_families:
        return _subject(doc, trig)
    if trig._.cl_kf != "noun" or family not in lex.loss_families:
        return []
    out: list[Token] = []
    for c in trig.children:
        if c.dep_ == "prep" and c.lower_ == "of" or c.dep_ in ("poss", "amod", "compound"):
            out.extend(c.subtree)
    if any(t._.cl_p or t._.cl_h or t.lower_ in lex.first_person_actor_words for t in out):
        return out  # "the enemy's losses", "losses of the AFU", "Russian losses"
    noun = trig
    while noun.dep_ in ("pobj", "prep") and noun.head.dep_ in ("pobj", "prep"):
        noun = noun.head   # 'suffered between 70,000 and 80,000 casualties': up to the preposition on the verb
    if noun.dep_ == "pobj":
        noun = noun.head
    verb = noun.head
    if noun.dep_ in ("dobj", "obj", "prep") and verb.lemma_.lower() in lex.loss_owner_verbs:
        return _subject(doc, verb)
    return []


def _subject(doc: Doc, verb: Token) -> list[Token]:
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    subj = subjects[-1] if subjects else None   # the one next to the verb, not a headline's "Source:" label
    if subj is None and verb.dep_ in ("conj", "xcomp"):   # 'fought and lost', 'continues to lose': the head's
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return []
    words = list(subj.subtree)
    colon = [k for k, t in enumerate(words) if t.text == ":"]
    return words[colon[-1] + 1:] if colon else words


@resolver
def list_heading_owner(ctx: ClaimContext) -> str | None:
    """A loss list's owner is named in its heading ('combat losses of the enemy: …', 'Russia's losses: …'),
    in this sentence before the first item or in the sentence before."""
    from claimledger.extraction.linking import _claim_sets

    if not _claim_sets(ctx.cand.frame.construction.sets).list_heading:
        return None
    first = min((m.start for m in (ctx.doc._.cl_ms or []) if m.used), default=ctx.mention.start)
    for tok in reversed(ctx.doc[:first]):   # the owner nearest the list: 'Ukraine's General Staff: losses of the enemy:'
        if tok._.cl_p or tok._.cl_h:
            found = phrase_party(ctx, [tok])
            if found:
                return found
    prev = ctx.sentence.prev_text
    usage = parties.hostile_usage(prev) if prev else None
    return parties.party_of(prev) or (resolve_hostile(ctx, usage) if usage else None)


@resolver
def antecedent(ctx: ClaimContext) -> str | None:
    """'over 4,000 of them', 'they have suffered losses': the people named before."""
    m = ctx.mention
    text = m.text.lower()
    if m.source is not None or m.pronoun and text in ctx.lex.singular_pronouns:
        return None
    pointing = m.partitive or text in ctx.lex.antecedent_pronouns or (m.bare and not m.source)
    if pointing and ctx.vtype in _PEOPLE + ("equipment",):
        return ctx.sentence.antecedent
    return None


@resolver
def its_reference(ctx: ClaimContext) -> str | None:
    """'shot down a drone and captured its operator': 'its' is the party named just before."""
    doc, m = ctx.doc, ctx.mention
    if not any(t.lower_ in ctx.lex.possessive_reference_words for t in doc[m.start:m.end]):
        return None
    named = [t._.cl_p for t in doc[:m.start] if t._.cl_p]
    return str(named[-1]) if named else None


@resolver
def own_side_words(ctx: ClaimContext) -> str | None:
    """'our defenders', 'his brothers-in-arms', 'our children': the speaker's own side."""
    words = {t.lower_ for t in ctx.doc[ctx.mention.start:ctx.mention.end]}
    if words & ctx.lex.own_side_words and (ctx.vtype != "equipment" or words & ctx.lex.first_person_actor_words):
        return ctx.perspective
    return None


@resolver
def hostile_words(ctx: ClaimContext) -> str | None:
    """'invaders', 'occupiers', 'the enemy': resolved from the speaker's side."""
    m = ctx.mention
    if not m.hostile:
        return None
    usage = parties.hostile_usage(m.hostile)
    return resolve_hostile(ctx, usage) if usage else None


@resolver
def civilians_unnamed(ctx: ClaimContext) -> object:
    """Civilians get a nationality only when the text says it."""
    return STOP if ctx.vtype == "civilian" else None


@resolver
def state_forces_of_place(ctx: ClaimContext) -> str | None:
    """Soldiers or police with no owner named belong to the one state the sentence names, unless that state is
    the one said to have done it ('clash in Somalia kills 13 soldiers')."""
    doc, m, lex = ctx.doc, ctx.mention, ctx.lex
    head = doc[m.head] if not m.bare else (doc[m.source.head] if m.source is not None else None)
    if head is None or not (head.lemma_.lower() in lex.state_force_nouns or head.lower_ in lex.state_force_nouns):
        return None
    state = parties.state_in_context(doc.text)
    if state is None and ctx.location is not None and ctx.location.country and ctx.location.precision in (
            "point", "admin2", "admin1"):
        state = state_of_country(ctx.location.country)  # '3 police killed in Bastar': the state the place is in
    if state is None:
        return None
    return None if ctx.perpetrator is not None and ctx.perpetrator.party == state else state


@resolver
def opponent_of_agent(ctx: ClaimContext) -> str | None:
    """Soldiers or equipment that a named side destroyed belong to its opponent."""
    if ctx.vtype not in ("military", "equipment"):
        return None
    agent = ctx.perpetrator.party if ctx.perpetrator is not None else None
    return opponent_of(ctx, agent) if agent else None


@resolver
def opponent_of_speaker(ctx: ClaimContext) -> str | None:
    """Soldiers or equipment of no named side, in a statement by one side: its opponent's."""
    if ctx.vtype not in ("military", "equipment") or not ctx.perspective:
        return None
    return opponent_of(ctx, ctx.perspective)
