"""Documents → claims, in batches: split sentences (cheap), parse only those that can hold a claim or name a
speaker (one `nlp.pipe` per batch), then each document in order (`document.py`) and the claim components."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

from claimledger.errors import InputError, Says
from claimledger.extraction.attribution import Attributor
from claimledger.extraction.document import DocumentExtractor
from claimledger.extraction.engine import Engine
from claimledger.extraction.lexicon import Lexicon, get_lexicon
from claimledger.extraction.recase import recase
from claimledger.extraction.resolvers import Sentence
from claimledger.extraction.resolvers import party as _party_resolvers  # noqa: F401  (registers resolvers)
from claimledger.extraction.resolvers import perpetrator as _perpetrator_resolvers  # noqa: F401
from claimledger.extraction.resolvers.place import PlaceFinder
from claimledger.extraction.tags import party_names
from claimledger.model import Claim, Document
from claimledger.nlp import get_nlp
from claimledger.nlp.sentences import split_sentences

log = logging.getLogger(__name__)
_QUOTE_MARKS = re.compile(r"[\"“”«»]")


@dataclass
class Language:
    """Everything one language needs, loaded once: the parser, the lexicon, the compiled constructions."""

    code: str
    nlp: Any
    lex: Lexicon
    prefilter: re.Pattern[str]
    documents: DocumentExtractor
    attributor: Attributor
    names: frozenset[str]

    @classmethod
    def load(cls, code: str) -> Language:
        nlp = get_nlp()
        lex = get_lexicon(code)
        engine = Engine(lex, nlp, code)
        attributor = Attributor(lex)
        places = PlaceFinder(lex, nlp)
        words = engine.construction_words(frozenset(nlp.Defaults.stop_words))
        return cls(code=code, nlp=nlp, lex=lex, prefilter=lex.prefilter(words),
                   documents=DocumentExtractor(lex, engine, attributor, places, code), attributor=attributor,
                   names=frozenset(party_names()))

    def for_parser(self, text: str) -> str:
        return recase(text, self.lex, self.nlp, self.names)

    def needs_parse(self, text: str) -> bool:
        """A sentence is parsed when it can hold a claim, or when it holds a quotation and a reporting verb
        (it may name the speaker of a quote)."""
        if self.prefilter.search(text):
            return True
        return len(text) <= 2000 and bool(_QUOTE_MARKS.search(text) and self.attributor.report_re.search(text))


class Extractor:
    """Holds the loaded languages and the claim components; `run_batch` is the unit of work."""

    def __init__(self, components: list[str] | None = None) -> None:
        from claimledger.extraction.registry import configured_components, get_component

        names = configured_components() if components is None else components
        self.components = [(n, get_component(n)) for n in names]
        self.languages: dict[str, Language] = {}
        self.english = self.language("en")
        self.cyrillic: dict[str, Any] = {}

    def language(self, code: str) -> Language:
        if code not in self.languages:
            self.languages[code] = Language.load(code)
        return self.languages[code]

    def run_batch(self, docs: list[Document]) -> list[tuple[list[Claim], InputError | None]]:
        """Claims of each document (in order) or the error that stopped it; Russian and Ukrainian documents go
        to their engine (`cyrillic.py`), the others to the English one."""
        from claimledger.normalize.quantities import CYRILLIC_LANGUAGES

        out: dict[int, tuple[list[Claim], InputError | None]] = {}
        groups: dict[str, list[int]] = {}
        for i, doc in enumerate(docs):
            groups.setdefault(doc.language if doc.language in CYRILLIC_LANGUAGES else "", []).append(i)
        for code, idx in groups.items():
            batch = [docs[i] for i in idx]
            results = self._run_cyrillic(code, batch) if code else self._run_english(batch)
            out.update(zip(idx, results, strict=True))
        return [out[i] for i in range(len(docs))]

    def _run_cyrillic(self, code: str, docs: list[Document]) -> list[tuple[list[Claim], InputError | None]]:
        from claimledger.extraction.cyrillic_claims import CyrillicPipeline

        if code not in self.cyrillic:
            self.cyrillic[code] = CyrillicPipeline(code)
        found = self.cyrillic[code].run(docs)
        return [self._components(doc, claims) for doc, claims in zip(docs, found, strict=True)]

    def _components(self, doc: Document, claims: list[Claim]) -> tuple[list[Claim], InputError | None]:
        try:
            for _, component in self.components:
                claims = component(doc, claims)
            return claims, None
        except Exception as e:  # one document's failure must not stop the batch
            log.exception(Says.extraction_failed_log, doc.id)
            return [], InputError(doc.id, Says.extraction_failed.format(error_type=type(e).__name__, error=e),
                                  stage="extract")

    def _run_english(self, docs: list[Document]) -> list[tuple[list[Claim], InputError | None]]:
        lang = self.english
        plans: list[list[Sentence]] = []
        texts: list[str] = []
        where: list[tuple[int, int]] = []
        for di, doc in enumerate(docs):
            sents = [Sentence(s, e, doc.text[s:e]) for s, e in split_sentences(doc.text)]
            plans.append(sents)
            for si, s in enumerate(sents):
                if lang.needs_parse(s.text):
                    texts.append(lang.for_parser(s.text))
                    where.append((di, si))
        for (di, si), parsed in zip(where, lang.nlp.pipe(texts, batch_size=128), strict=True):
            parsed._.cl_t = plans[di][si].text
            plans[di][si].parse = parsed
        out: list[tuple[list[Claim], InputError | None]] = []
        for doc, sents in zip(docs, plans, strict=True):
            try:
                claims = lang.documents.extract(doc, sents, lang.prefilter)
                for _, component in self.components:
                    claims = component(doc, claims)
                out.append((claims, None))
            except Exception as e:  # one document's failure must not stop the batch
                log.exception(Says.extraction_failed_log, doc.id)
                out.append(([], InputError(doc.id, Says.extraction_failed.format(error_type=type(e).__name__, error=e), stage="extract")))
        return out


_extractor: Extractor | None = None
_lock = threading.Lock()


def get_extractor(components: list[str] | None = None) -> Extractor:
    """The process-wide extractor (models are loaded once); `components` replaces the configured list."""
    global _extractor
    with _lock:
        if _extractor is None:
            _extractor = Extractor(components)
        elif components is not None:
            from claimledger.extraction.registry import get_component

            _extractor.components = [(n, get_component(n)) for n in components]
    return _extractor
