"""Russian (natasha) and Ukrainian (spaCy uk + pymorphy3) pipelines give spaCy Docs over the
original text: offsets, lemmas, POS, morphology, sentences, heads (Russian) and entities, so that
the same Matcher/DependencyMatcher patterns run on every language. Phrases written for the tests."""

from __future__ import annotations

import pytest
from spacy.matcher import DependencyMatcher, Matcher

from claimledger.nlp import PIPELINE_LANGUAGES, get_nlp
from claimledger.nlp.sentences import split_sentences

RU = "  Вчера в Покровске погибли двое мирных жителей,  ещё пятеро ранены, сообщили в Минобороны.\n\nВСУ потеряли около 300 человек.\n"
UK = "Окупанти обстріляли Херсонщину: у Новій Каховці двоє загиблих.\nЗа добу ЗСУ знищили 5 танків (+12) біля Куп'янська."


@pytest.mark.parametrize("lang, text", [("ru", RU), ("uk", UK)])
def test_doc_keeps_the_original_text_and_offsets(lang: str, text: str) -> None:
    doc = get_nlp(lang)(text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx:token.idx + len(token.text)] == token.text
    for sent in doc.sents:
        assert text[sent.start_char:sent.end_char] == sent.text


def test_pipelines_are_loaded_once() -> None:
    assert get_nlp("ru") is get_nlp("ru") and get_nlp("uk") is get_nlp("uk")
    assert PIPELINE_LANGUAGES == ("en", "ru", "uk")
    with pytest.raises(ValueError, match="no pipeline for language 'fr'"):
        get_nlp("fr")


@pytest.mark.parametrize("lang, text, word, lemma, pos, feats", [
    ("ru", RU, "Покровске", "покровск", "PROPN", {"Case": "Loc"}),
    ("ru", RU, "погибли", "погибнуть", "VERB", {"Number": "Plur"}),
    ("ru", RU, "жителей", "житель", "NOUN", {"Case": "Gen"}),
    ("ru", RU, "двое", "двое", "NUM", {}),
    ("uk", UK, "Каховці", "каховка", "NOUN", {"Case": "Loc"}),
    ("uk", UK, "Новій", "новий", "ADJ", {"Case": "Loc"}),
    ("uk", UK, "загиблих", "загиблий", "NOUN", {"Case": "Gen"}),
    ("uk", UK, "танків", "танк", "NOUN", {"Case": "Gen", "Number": "Plur"}),
    ("uk", UK, "ЗСУ", "зсу", "PROPN", {}),
    ("uk", UK, "За", "за", "ADP", {}),
    ("uk", UK, "+12", "+12", "NUM", {}),
])
def test_lemma_pos_and_morphology(lang: str, text: str, word: str, lemma: str, pos: str, feats: dict[str, str]) -> None:
    token = next(t for t in get_nlp(lang)(text) if t.text == word)
    assert (token.lemma_, token.pos_) == (lemma, pos)
    for key, value in feats.items():
        assert token.morph.get(key) == [value], (word, str(token.morph))


def test_russian_doc_has_one_tree_per_sentence_and_entities() -> None:
    doc = get_nlp("ru")(RU)
    sents = list(doc.sents)
    assert [s.text.strip() for s in sents] == [
        "Вчера в Покровске погибли двое мирных жителей,  ещё пятеро ранены, сообщили в Минобороны.",
        "ВСУ потеряли около 300 человек."]
    for sent in sents:
        assert [t.dep_ for t in sent if t.head == t and not t.is_space] == ["ROOT"]
    verb = next(t for t in doc if t.text == "потеряли")
    assert verb.dep_ == "ROOT" and any(c.text == "ВСУ" for c in verb.children)
    assert ("Покровске", "GPE") in [(e.text, e.label_) for e in doc.ents]
    assert ("Минобороны", "ORG") in [(e.text, e.label_) for e in doc.ents]


def test_ukrainian_doc_has_sentences_and_place_entities() -> None:
    doc = get_nlp("uk")(UK)
    assert len(list(doc.sents)) == 2
    assert [(e.text, e.label_) for e in doc.ents] == [("Херсонщину", "GPE"), ("Новій Каховці", "GPE"), ("Куп'янська", "GPE")]


def test_the_same_matcher_runs_on_both_languages() -> None:
    """A token pattern (a number, then a word in the genitive plural) written once over UD attributes."""
    for lang, text, expected in [("ru", "ВСУ потеряли около 300 человек.", "300 человек"),
                                 ("uk", "Ворог втратив близько 300 осіб.", "300 осіб")]:
        nlp = get_nlp(lang)
        matcher = Matcher(nlp.vocab)
        matcher.add("count", [[{"POS": "NUM"}, {"MORPH": {"IS_SUPERSET": ["Case=Gen", "Number=Plur"]}}]])
        doc = nlp(text)
        assert [doc[s:e].text for _, s, e in matcher(doc)] == [expected]


def test_dependency_matcher_runs_on_russian() -> None:
    nlp = get_nlp("ru")
    matcher = DependencyMatcher(nlp.vocab)
    matcher.add("subject_of_loss", [[
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "потерять"}},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subject", "RIGHT_ATTRS": {"DEP": "nsubj"}},
    ]])
    doc = nlp("ВСУ потеряли около 300 человек.")
    [(_, (verb, subject))] = matcher(doc)
    assert (doc[verb].text, doc[subject].text) == ("потеряли", "ВСУ")


@pytest.mark.parametrize("text, lang, sentences", [
    ("В г. Курске погибли двое. Ещё трое ранены.", "ru", ["В г. Курске погибли двое.", "Ещё трое ранены."]),
    ("Перше речення.\nДруге речення без крапки", "uk", ["Перше речення.", "Друге речення без крапки"]),
    ("One sentence. Another one.", "en", ["One sentence.", "Another one."]),
])
def test_split_sentences_by_language(text: str, lang: str, sentences: list[str]) -> None:
    spans = list(split_sentences(text, lang))
    assert [text[a:b] for a, b in spans] == sentences


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_empty_and_whitespace_texts(lang: str) -> None:
    nlp = get_nlp(lang)
    assert len(nlp("")) == 0
    doc = nlp("  \n ")
    assert doc.text == "  \n " and all(t.is_space for t in doc)
