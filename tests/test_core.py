"""The core's edge checks, its per-document isolation and its bounded work on long texts."""

from __future__ import annotations

from typing import Any

import pytest

from claimledger import core
from claimledger.core import check_document, extract_documents, split_points
from claimledger.errors import InputError
from claimledger.extraction.pipeline import get_extractor
from claimledger.model import Document
from claimledger.nlp.sentences import PIECE_CHARS, split_sentences

CLAIM = "The regional governor said that 12 civilians were killed in the shelling of the town."
FILLER = ("The council met again to discuss the repair of the bridge, the school roof and the roads "
          "that the winter had damaged, and the residents asked about the timetable of the buses. ")


def prose(n: int, start: int = 0) -> str:
    """`n` sentences of varied filler prose (varied enough not to be refused as degenerate)."""
    return "".join(f"At meeting {start + i} the council took up item {3 * (start + i)} of its list: "
                   f"{FILLER}" for i in range(n))


@pytest.mark.parametrize(("published", "kept", "words"), [
    ("2024-03-07", "2024-03-07", None),
    ("2024-03-07T10:00:00+02:00", "2024-03-07T10:00:00+02:00", None),
    ("March 7, 2024", "2024-03-07", None),
    (None, None, None),
    ("", None, None),
    ("2025-13-45T99:99:99+25:00", None, "not a real date or time"),
    ("2024-02-30", None, "day is out of range"),
    ("2999-12-31", None, "in the future"),
    ("not a date", None, "is not a date"),
    ("1066-10-14", None, "before 1900"),
])
def test_publication_dates_are_checked(published: str | None, kept: str | None, words: str | None) -> None:
    doc = Document(id="d", text=CLAIM, published=published)
    if words is None:
        assert check_document(doc).published == kept
    else:
        with pytest.raises(InputError, match=words) as e:
            check_document(doc)
        assert e.value.stage == "validate" and e.value.source == "d"


@pytest.mark.parametrize("field", ["title", "url", "speaker", "source", "language"])
def test_fields_of_the_wrong_type_are_refused(field: str) -> None:
    doc = Document(id="d", text=CLAIM)
    setattr(doc, field, ["a", "b"])
    with pytest.raises(InputError, match=f"'{field}' must be a string, not list"):
        check_document(doc)


def test_sentences_are_capped_and_cover_the_text() -> None:
    text = ", ".join([FILLER.strip(" .")] * 300) + "."  # one sentence of ~50,000 characters
    spans = list(split_sentences(text))
    assert len(spans) > 20 and max(e - s for s, e in spans) <= PIECE_CHARS
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # in order, no overlap
    covered = "".join(text[s:e] for s, e in spans)
    assert covered.replace(" ", "") == text.replace(" ", "")  # nothing dropped but spaces
    hard = list(split_sentences("x" * 5000))
    assert [e - s for s, e in hard] == [300] * 16 + [200]


def test_split_points_cut_at_paragraphs_and_bound_every_part() -> None:
    text = ("\n\n".join([FILLER * 40] * 6)).strip()
    cuts = split_points(text, size=20_000)
    assert cuts[0] == 0 and cuts[-1] == len(text)
    assert all(0 < b - a <= 20_000 for a, b in zip(cuts, cuts[1:], strict=False))
    assert all(text[c - 2:c] == "\n\n" for c in cuts[1:-1])


def test_long_documents_keep_offsets_into_the_whole_text() -> None:
    text = prose(400) + "\n\n" + CLAIM + "\n\n" + prose(200, 400) + CLAIM  # ~120,000 characters
    assert len(text) > 2 * core.PART_CHARS
    [result] = list(extract_documents([Document(id="long", text=text, published="2024-03-07")]))
    assert result.error is None and result.document is not None
    killed = [c for c in result.claims if c.kind == "killed"]
    assert len(killed) == 2 and all(c.doc_id == "long" for c in killed)
    for c in killed:
        assert text[c.evidence.start:c.evidence.end] == c.evidence.text
    assert killed[1].evidence.start > core.PART_CHARS


def test_a_long_document_past_its_time_budget_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMLEDGER_DOC_TIME_BUDGET", "0")
    long_doc = Document(id="long", text=prose(600) + CLAIM, published="2024-03-07")
    short = Document(id="short", text=CLAIM, published="2024-03-07")
    results = list(extract_documents([short, long_doc, short]))
    assert [r.error is None for r in results] == [True, False, True]
    assert "budget" in results[1].error.reason and results[1].error.stage == "extract"  # type: ignore[union-attr]


def test_a_batch_the_parser_refuses_fails_only_the_document_at_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    extractor = get_extractor()
    real = extractor.run_batch

    def picky(docs: list[Document]) -> Any:
        if any("POISON" in d.text for d in docs):
            raise ValueError("[E088] Text of length 1000001 exceeds maximum")
        return real(docs)

    monkeypatch.setattr(extractor, "run_batch", picky)
    docs = [Document(id=f"d{i}", text=CLAIM + (" POISON" if i == 2 else ""), published="2024-03-07")
            for i in range(5)]
    results = list(extract_documents(docs))
    assert [r.error is None for r in results] == [True, True, False, True, True]
    assert "E088" in results[2].error.reason  # type: ignore[union-attr]
    assert all(r.claims for i, r in enumerate(results) if i != 2)
