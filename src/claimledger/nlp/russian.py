"""Russian analysis on natasha, as a spaCy `Language` whose tokenizer returns a full `Doc`.

natasha ships every model it runs in its wheels (razdel's rules, navec's embeddings, slovnet's
morphology, syntax and NER models; nothing is downloaded): razdel splits sentences and tokens,
slovnet tags UD POS and features, parses UD dependencies and finds PER/LOC/ORG spans. pymorphy3
supplies the lemma that agrees with the tag (`morphology.lemma_for`). The `Doc` keeps the input
text exactly (`doc.text == text`, runs of whitespace become SPACE tokens), so character offsets
of tokens, sentences and entities are offsets into the original text, and the same Matcher and
DependencyMatcher patterns run on it as on an English parse. Entity labels follow spaCy's English
scheme: PER → PERSON, LOC → GPE, ORG → ORG. The root's label is "ROOT", as in spaCy's models.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc
from spacy.vocab import Vocab

from claimledger.nlp.morphology import lemma_for

__all__ = ["NatashaTokenizer", "make_russian", "natasha_models", "ENTITY_LABELS"]

ENTITY_LABELS = {"PER": "PERSON", "LOC": "GPE", "ORG": "ORG"}

_lock = threading.Lock()
_models: dict[str, Any] = {}


def natasha_models() -> dict[str, Any]:
    """natasha's segmenter, morphology tagger, syntax parser and NER tagger, loaded once per process."""
    if not _models:
        with _lock:
            if not _models:
                from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter

                emb = NewsEmbedding()
                _models.update(segmenter=Segmenter(), morph=NewsMorphTagger(emb), syntax=NewsSyntaxParser(emb),
                               ner=NewsNERTagger(emb))
    return _models


def analyse(text: str, *, syntax: bool = True, ner: bool = True) -> Any:
    """natasha's own `Doc` of `text`, segmented and tagged (and parsed, and NER-tagged)."""
    from natasha import Doc as NatashaDoc

    models = natasha_models()
    ndoc = NatashaDoc(text)
    ndoc.segment(models["segmenter"])
    if ndoc.tokens:
        ndoc.tag_morph(models["morph"])
        if syntax:
            ndoc.parse_syntax(models["syntax"])
        if ner:
            ndoc.tag_ner(models["ner"])
    return ndoc


class NatashaTokenizer:
    """A spaCy tokenizer that runs natasha and returns the annotated `Doc` (the spacy-stanza way)."""

    def __init__(self, vocab: Vocab, *, syntax: bool = True, ner: bool = True) -> None:
        self.vocab = vocab
        self.syntax = syntax
        self.ner = ner

    def __call__(self, text: str) -> Doc:
        return to_spacy(self.vocab, text, analyse(text, syntax=self.syntax, ner=self.ner))

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # a Language's serialisation calls these; there is nothing to save (the models are natasha's)
    def to_bytes(self, **_: Any) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_: Any) -> NatashaTokenizer:
        return self

    def to_disk(self, _path: Any, **_: Any) -> None:
        return None

    def from_disk(self, _path: Any, **_: Any) -> NatashaTokenizer:
        return self


def to_spacy(vocab: Vocab, text: str, ndoc: Any) -> Doc:
    """A spaCy `Doc` over `text` from natasha's analysis: words and whitespace, lemmas, POS,
    features, one dependency tree per natasha sentence, and entities."""
    words: list[str] = []
    spaces: list[bool] = []
    tokens: list[Any | None] = []  # natasha's token of each word; None for whitespace
    cursor = 0

    def gap(chars: str) -> None:
        if chars and words and not spaces[-1] and chars[0] == " ":
            spaces[-1] = True
            chars = chars[1:]
        if chars:
            words.append(chars)
            spaces.append(False)
            tokens.append(None)

    for tok in ndoc.tokens:
        gap(text[cursor:tok.start])
        words.append(tok.text)
        spaces.append(False)
        tokens.append(tok)
        cursor = tok.stop
    gap(text[cursor:])
    if not words:
        return Doc(vocab, words=[], spaces=[])
    parsed = any(getattr(t, "rel", None) for t in ndoc.tokens)
    lemmas, pos, morphs = [], [], []
    for word, tok in zip(words, tokens, strict=True):
        if tok is None:
            lemmas.append(word)
            pos.append("SPACE")
            morphs.append("")
            continue
        feats = dict(tok.feats or {})
        tag = tok.pos or "X"
        lemmas.append(lemma_for(tok.text, "ru", tag, feats))
        pos.append(tag)
        morphs.append("|".join(f"{k}={v}" for k, v in sorted(feats.items())))
    kwargs: dict[str, Any] = {}
    if parsed:
        kwargs["heads"], kwargs["deps"] = _tree(tokens, ndoc)
    else:
        starts = {s.start for s in ndoc.sents}
        kwargs["sent_starts"] = [tok is not None and tok.start in starts for tok in tokens]
    doc = Doc(vocab, words=words, spaces=spaces, lemmas=lemmas, pos=pos, morphs=morphs, **kwargs)
    if ndoc.spans:
        ents = [doc.char_span(span.start, span.stop, label=ENTITY_LABELS.get(span.type, span.type),
                              alignment_mode="expand") for span in ndoc.spans]
        doc.ents = _non_overlapping([e for e in ents if e is not None])
    return doc


def _tree(tokens: list[Any | None], ndoc: Any) -> tuple[list[int], list[str]]:
    """Absolute heads and labels: natasha's arcs, repaired so that each of its sentences is one
    tree (spaCy's sentences follow the trees): a second root or a token on a cycle hangs from the
    sentence's first root; whitespace hangs from the token before it (or after, at the start)."""
    index_of = {tok.id: i for i, tok in enumerate(tokens) if tok is not None}
    heads = list(range(len(tokens)))
    deps = ["dep"] * len(tokens)
    for sent in ndoc.sents:
        ids = [index_of[t.id] for t in sent.tokens]
        if not ids:
            continue
        roots = [index_of[t.id] for t in sent.tokens if t.head_id not in index_of]
        root = roots[0] if roots else ids[0]
        for t in sent.tokens:
            i = index_of[t.id]
            if i == root:
                heads[i], deps[i] = i, "ROOT"
            elif t.head_id in index_of and index_of[t.head_id] != i:
                heads[i], deps[i] = index_of[t.head_id], t.rel or "dep"
            else:
                heads[i], deps[i] = root, "parataxis" if t.head_id not in index_of else "dep"
        for i in ids:  # break cycles: a walk up from every token must reach the root
            seen = {i}
            j = heads[i]
            while j != heads[j] and j not in seen:
                seen.add(j)
                j = heads[j]
            if j != root:
                heads[j], deps[j] = root, "dep"
    for i, tok in enumerate(tokens):
        if tok is None:
            heads[i] = i - 1 if i > 0 else min(i + 1, len(tokens) - 1)
    return heads, deps


def _non_overlapping(spans: list[Any]) -> list[Any]:
    from spacy.util import filter_spans

    return list(filter_spans(spans))


def make_russian(*, syntax: bool = True, ner: bool = True) -> Any:
    """A spaCy `Language` ("ru") whose tokenizer is natasha: `nlp(text)` and `nlp.pipe(texts)` give
    parsed Docs. `syntax=False` skips the dependency parser, `ner=False` the entity tagger."""
    import spacy

    nlp = spacy.blank("ru")
    nlp.tokenizer = NatashaTokenizer(nlp.vocab, syntax=syntax, ner=ner)
    return nlp
