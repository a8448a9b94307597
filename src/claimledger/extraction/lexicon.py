"""Language data of the extractor: `data/<lang>/lexicon.json`, one concept one list, loaded once per language.

Every concept is a typed field of `Lexicon`; its JSON key is the field's name, so code refers to a word list by
attribute (`lex.report_verbs`) and holds no word of its own. A concept is either a list of lower-case forms
(written as a list or as `{"forms": [...]}`), a table form → value, or a table family → forms. Users extend the
data with a JSON file named by CLAIMLEDGER_LEXICON (lists extended, tables merged); malformed data is refused
with the concept's name and what is wrong.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from claimledger import phrases
from claimledger.config import get_settings
from claimledger.errors import ConfigError, Says

Words = frozenset[str]
Table = dict[str, str]
Families = dict[str, Words]
Nested = dict[str, Table]


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The concepts of one language (see the `_doc` of each in the JSON file)."""

    language: str
    kind_verbs: Families
    kind_verbs_intransitive: Families
    kind_nouns: Families
    kind_adjectives: Families
    person_trigger_nouns: Words
    status_person_nouns: Words
    event_trigger_nouns: Words
    families_of_people: Nested
    combined_kind_families: Words
    light_families: Words
    people_military: Words
    people_civilian: Words
    people_unknown: Words
    people_generic_men: Words
    military_context_words: Words
    armed_group_nouns: Words
    state_force_nouns: Words
    actor_nouns: Words
    nationality_people_nouns: Words
    mixed_type_words: Words
    singular_articles: Words
    mass_nouns: Words
    victim_group_heads: Words
    victim_group_military_markers: Words
    generic_determiners: Words
    equipment: Table
    equipment_model_prefixes: Table
    equipment_container_heads: Words
    equipment_origin_words: Words
    not_victims: Words
    unit_nouns: Words
    institution_heads: Words
    instrument_words: Words
    agent_prepositions: Words
    instrument_list_exceptions: Words
    abstract_losses: Words
    report_verbs: Words
    report_verb_forms: Words
    report_nouns: Words
    according_markers: Words
    generic_sources: Words
    claimant_roles: Words
    claimant_label_lower_words: Words
    first_person_pronouns: Words
    third_person_pronouns: Words
    relative_pronouns: Words
    demonstrative_pronouns: Words
    own_side_words: Words
    first_person_actor_words: Words
    antecedent_pronouns: Words
    singular_pronouns: Words
    vague_share_words: Words
    partitive_objects: Words
    others_words: Words
    zero_words: Words
    hedges: Words
    denials: Words
    negators: Words
    modal_auxiliaries: Words
    perfect_auxiliaries: Words
    past_auxiliaries: Words
    conditional_marks: Words
    achieved_governors: Words
    belief_governors: Words
    passive_auxiliaries: Words
    historical_markers: Words
    historical_last_year: int
    historical_gap_years: int
    historical_year_prepositions: Words
    intention_words: Words
    result_verbs: Words
    amount_verbs: Words
    count_nouns: Words
    discovery_verbs: Words
    loss_owner_verbs: Words
    exchange_words: Words
    criminal_detention_markers: Words
    deployment_equipment_verbs: Words
    deployment_equipment_exclusions: Words
    ages_and_units_after_count: Words
    age_markers: Words
    count_breakers: Words
    list_connectors: Words
    list_openers: Words
    breakdown_markers: Words
    clause_breakers: Words
    clash_nouns: Words
    attack_nouns: Words
    attack_verbs: Words
    after_verb_vague_counts: Words
    headline_closing_marks: Words
    bare_count_followers: Words
    means: Table
    airstrike_markers: Words
    ied_bomb_words: Words
    cumulative_phrases: Words
    date_prepositions: Words
    statement_date_prepositions: Words
    place_suffixes: Words
    place_direction_prefixes: Words
    compass_words: Words
    region_words: Words
    admin1_words: Words
    locative_prepositions: Words
    actor_of_phrases: Words
    territory_words: Words
    speaker_label_blocklist: Words
    third_person_president_verbs: Words
    address_title_words: Words
    head_of_state_titles: Words
    local_official_words: Words
    participle_tags: Words
    irregular_trigger_forms: Words
    prefilter_extra_words: Words
    present_tags: Words
    singular_noun_tags: Words
    loss_table_people: Words
    loss_table_verbs: Words
    unspecified_quantity_words: Words
    count_result_words: Words
    vague_count_words: Words
    coordinators: Words
    body_nouns: Words
    plural_only_nouns: Words
    lemma_corrections: Table
    comparative_quantifiers: Words
    ordinal_suffixes: Words
    life_nouns: Words
    captive_nouns: Words
    target_prepositions: Words
    item_joiners: Words
    continuation_verbs: Words
    animate_families: Words
    animate_argument_deps: Words
    person_suffixes: Words
    object_deps: Words
    subject_deps: Words
    reduced_relative_deps: Words
    coordination_deps: Words
    reflexive_pronouns: Words
    liberty_nouns: Words
    interrogative_pronouns: Words
    degree_question_words: Words
    question_quantity_words: Words
    economic_owners: Words
    economic_adjectives: Words
    non_claim_harms: Words
    intention_prepositions: Words
    partitive_prepositions: Words
    membership_prepositions: Words
    list_connector_phrases: Words
    coordinated_deps: Words
    date_openers: Words
    prepositional_approximators: Words
    about_governors: Words
    exceeding_verbs: Words
    gerund_tags: Words
    past_participle_tags: Words
    plural_noun_tags: Words
    owner_prepositions: Words
    antecedent_families: Words
    count_needing_families: Words
    loss_families: Words
    owner_families: Words
    possessive_reference_words: Words
    institution_pronouns: Words
    clash_prepositions: Words
    name_prepositions: Words
    name_extension_deps: Words
    title_joiners: Words
    estimate_modals: Words
    harm_receiving_verbs: Words
    determiners: Words
    compass_suffix: Words
    inflection_suffixes: Words
    plural_suffixes: Table
    past_suffixes: Table
    # derived: word → family / item, longest multiword names first

    @cached_property
    def verb_family(self) -> Table:
        return _inverse(self.kind_verbs)

    @cached_property
    def intransitive_family(self) -> Table:
        return _inverse(self.kind_verbs_intransitive)

    @cached_property
    def noun_family(self) -> Table:
        return _inverse(self.kind_nouns)

    @cached_property
    def adjective_family(self) -> Table:
        return _inverse(self.kind_adjectives)

    @cached_property
    def max_equipment_words(self) -> int:
        return max((len(k.split()) for k in self.equipment), default=1)

    def phrase_re(self, words: Iterable[str]) -> re.Pattern[str]:
        """A case-insensitive regex for whole phrases of a word list, longest first."""
        return phrase_regex(words)

    @property
    def families(self) -> frozenset[str]:
        """Every claim family the data knows (trigger words' families and the kind tables' keys)."""
        out: set[str] = set()
        for table in (self.kind_verbs, self.kind_verbs_intransitive, self.kind_nouns, self.kind_adjectives):
            out.update(table)
        for table2 in self.families_of_people.values():
            out.update(table2)
        return frozenset(out)

    def prefilter(self, extra: Iterable[str] = ()) -> re.Pattern[str]:
        """The pre-parse filter: any form of a claim word (lemmas as prefixes, irregular forms, the words of
        multiword constructions). A sentence it does not match cannot hold a claim and is not parsed."""
        lemmas = set(self.verb_family) | set(self.intransitive_family) | set(self.noun_family) | set(
            self.adjective_family) | self.person_trigger_nouns
        endings = alternation(self.inflection_suffixes)
        prefixes = sorted({re.escape(w) for w in lemmas} | {re.escape(w[:-1]) + endings for w in lemmas
                                                            if w.endswith("e") and len(w) > 3}, key=len, reverse=True)
        exact = alternation(self.irregular_trigger_forms | self.prefilter_extra_words | set(extra))
        return re.compile(r"(?i)\b(?:(?:" + "|".join(prefixes) + r")\w*|" + exact + r"\b)")

    def kind_of(self, family: str, victim_type: str) -> str | None:
        """The claim kind of a trigger family for people or equipment (families_of_people)."""
        table = self.families_of_people[_EQUIPMENT if victim_type == _EQUIPMENT else _PEOPLE]
        return table.get(family)


_EQUIPMENT = "equipment"
_PEOPLE = "people"
_FORMS = "forms"
_DOC = "_doc"


def alternation(words: Iterable[str]) -> str:
    """A regex group matching any of the phrases (the longest at a position, spaces as any whitespace),
    folded into a trie so that long word lists cost little (`claimledger.phrases`)."""
    return phrases.alternation(words)


@lru_cache(maxsize=4096)   # every word list of every language's data, with room: a miss rebuilds a trie
def _phrase_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?i)(?<![\w-])" + alternation(words) + r"(?![\w-])")


def phrase_regex(words: Iterable[str]) -> re.Pattern[str]:
    return _phrase_regex(tuple(sorted(set(words))))


def _words(name: str, value: Any) -> Words:
    if isinstance(value, dict):
        value = value.get(_FORMS, [])
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ConfigError(Says.concept_not_list.format(name=name))
    return frozenset(value)


def _table(name: str, value: Any) -> Table:
    if not isinstance(value, dict):
        raise ConfigError(Says.concept_not_table.format(name=name))
    out: Table = {}
    for k, v in value.items():
        if k == _DOC:
            continue
        if not isinstance(v, str):
            raise ConfigError(Says.concept_value_not_string.format(name=name, key=k))
        out[k.lower()] = v
    return out


def _families(name: str, value: Any) -> Families:
    if not isinstance(value, dict):
        raise ConfigError(Says.concept_not_families.format(name=name))
    out: Families = {}
    for k, v in value.items():
        if k == _DOC:
            continue
        if isinstance(v, int) and not isinstance(v, bool):
            out[k] = frozenset([str(v)])
            continue
        out[k] = _words(f"{name}.{k}", v)
    return out


def _nested(name: str, value: Any) -> Nested:
    if not isinstance(value, dict):
        raise ConfigError(Says.concept_not_nested.format(name=name))
    return {k: _table(f"{name}.{k}", v) for k, v in value.items() if k != _DOC}


def _int(name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(Says.concept_not_integer.format(name=name))
    return value


_LOADERS = {Words: _words, Table: _table, Families: _families, Nested: _nested, int: _int}


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """User data over the shipped data: lists extended, tables merged (recursively), scalars replaced."""
    for key, value in extra.items():
        old = base.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            base[key] = merge(dict(old), value)
        elif isinstance(value, list) and isinstance(old, list):
            base[key] = list(old) + value
        elif isinstance(value, list) and isinstance(old, dict) and isinstance(old.get(_FORMS), list):
            base[key] = {**old, _FORMS: list(old[_FORMS]) + value}
        else:
            base[key] = value
    return base


def _inverse(families: Families) -> Table:
    return {word: family for family, words in families.items() for word in words}


def build(raw: dict[str, Any]) -> Lexicon:
    """A Lexicon from raw JSON data; every concept must be present and well formed."""
    hints = typing.get_type_hints(Lexicon)
    values: dict[str, Any] = {}
    for f in fields(Lexicon):
        if not f.init:
            continue
        if hints[f.name] is str:
            values[f.name] = str(raw.get(f.name, ""))
            continue
        if f.name not in raw:
            raise ConfigError(Says.concept_missing.format(name=f.name))
        values[f.name] = _LOADERS[hints[f.name]](f.name, raw[f.name])
    unknown = sorted(set(raw) - {f.name for f in fields(Lexicon) if f.init} - {_DOC})
    if unknown:
        raise ConfigError(Says.concepts_unknown.format(names=unknown))
    return Lexicon(**values)




def data_path(language: str, *parts: str) -> Any:
    path = resources.files("claimledger.extraction").joinpath("data").joinpath(language)
    for part in parts:
        path = path.joinpath(part)
    return path


def raw_lexicon(language: str) -> dict[str, Any]:
    try:
        raw: dict[str, Any] = json.loads(data_path(language, "lexicon.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(Says.no_lexicon.format(language=language, error=e)) from e
    extra = get_settings().user_lexicon
    if extra:
        try:
            with open(extra, encoding="utf-8") as fh:
                user = json.load(fh)
        except (OSError, ValueError) as e:
            raise ConfigError(Says.user_lexicon_unreadable.format(path=extra, error=e)) from e
        if not isinstance(user, dict):
            raise ConfigError(Says.user_lexicon_not_object.format(path=extra))
        raw = merge(raw, user.get(language, user) if isinstance(user.get(language), dict) else user)
    return raw


@lru_cache(maxsize=8)
def get_lexicon(language: str = "en") -> Lexicon:
    return build(raw_lexicon(language))
