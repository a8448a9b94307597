"""The extraction word lists (data/lexicon.json), loaded once; users extend them with a JSON file named by
CLAIMLEDGER_LEXICON (dicts merged, lists extended)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from claimledger.errors import ConfigError


@dataclass(frozen=True)
class Lexicon:
    trigger_verbs: dict[str, str]
    trigger_nouns: dict[str, str]
    trigger_adjectives: dict[str, str]
    prefilter: re.Pattern[str]
    military: frozenset[str]
    civilian: frozenset[str]
    nationality_nouns: dict[str, str]
    equipment: dict[str, str]
    equipment_max_words: int
    not_victims: frozenset[str]
    hedges: tuple[str, ...]
    denials: tuple[str, ...]
    means: dict[str, str]
    means_re: re.Pattern[str]
    report_verbs: frozenset[str]


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            base[k].update(v)
        elif isinstance(v, list) and isinstance(base.get(k), list):
            base[k] = list(base[k]) + v
        else:
            base[k] = v
    return base


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    raw: dict[str, Any] = json.loads(resources.files("claimledger.extraction").joinpath("data/lexicon.json").read_text())
    extra = os.environ.get("CLAIMLEDGER_LEXICON")
    if extra:
        try:
            raw = _merge(raw, json.loads(open(extra, encoding="utf-8").read()))
        except (OSError, ValueError) as e:
            raise ConfigError(f"{extra}: cannot read the user lexicon ({e})") from e
    means = {k.lower(): v for k, v in raw["means"].items()}
    means_re = re.compile(r"(?i)(?<![\w-])(" + "|".join(
        sorted((re.escape(k) for k in means), key=len, reverse=True)) + r")(?![\w-])")
    equipment = {k.lower(): v for k, v in raw["equipment"].items()}
    return Lexicon(
        trigger_verbs=raw["trigger_verbs"], trigger_nouns=raw["trigger_nouns"],
        trigger_adjectives=raw["trigger_adjectives"],
        prefilter=re.compile(r"(?i)" + raw["prefilter"]),
        military=frozenset(w.lower() for w in raw["people_military"]),
        civilian=frozenset(w.lower() for w in raw["people_civilian"]),
        nationality_nouns={k.lower(): v for k, v in raw["people_nationality_nouns"].items()},
        equipment=equipment, equipment_max_words=max(len(k.split()) for k in equipment),
        not_victims=frozenset(raw["not_victims"]), hedges=tuple(raw["hedges"]), denials=tuple(raw["denials"]),
        means=means, means_re=means_re, report_verbs=frozenset(raw["report_verbs"]),
    )
