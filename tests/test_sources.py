"""Readers, the reader registry and input validation: every bad input becomes one InputError
naming the input and the reason, and the rest of a batch is still read."""

from __future__ import annotations

import codecs
import importlib
import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import claimledger.sources as sources
from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.nlp.language import unsupported_language_reason as language_problem
from claimledger.sources import ReadOptions, read_sources, register_reader, registered_readers
from claimledger.sources.stdin import read_stream
from claimledger.sources.text import decode_bytes, guess_title
from claimledger.sources.validate import validate_text

GOOD = ("Ukraine's General Staff said on Monday that 40 Russian soldiers were killed and two tanks "
        "were destroyed near Bakhmut over the past day.\n")
FRENCH = ("Les forces russes ont perdu plus de deux cents soldats dans la région de Koursk selon le "
          "ministère ukrainien de la Défense, qui a également annoncé la destruction de douze chars "
          "et de plusieurs véhicules blindés au cours des dernières vingt-quatre heures de combats.")
GERMAN = ("Die russischen Streitkräfte haben nach Angaben des ukrainischen Verteidigungsministeriums "
          "in der Region Kursk mehr als zweihundert Soldaten verloren, außerdem seien zwölf Panzer und "
          "mehrere gepanzerte Fahrzeuge in den vergangenen vierundzwanzig Stunden zerstört worden.")
RUSSIAN = "Российские войска потеряли более двухсот военнослужащих в Курской области."
UKRAINIAN = "Українські військові знищили два склади боєприпасів на півдні."
BULGARIAN = "Двама войници са убити при атака срещу позициите край границата."
ARABIC = "قتل ثلاثة جنود في هجوم على نقطة تفتيش"

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ukraine says 40 Russian soldiers killed near Bakhmut | Kyiv Ledger</title>
<meta property="og:title" content="Ukraine says 40 Russian soldiers killed near Bakhmut">
<meta property="og:site_name" content="Kyiv Ledger">
<meta property="article:published_time" content="2024-03-05T10:00:00+02:00">
<link rel="canonical" href="https://kyiv-ledger.example/2024/03/05/bakhmut">
</head><body><nav><a href="/">Home</a> <a href="/war">War</a></nav><article>
<h1>Ukraine says 40 Russian soldiers killed near Bakhmut</h1>
<p>Ukraine's General Staff said on Monday that 40 Russian soldiers were killed and two tanks
destroyed near Bakhmut over the past day.</p>
<p>The regional governor said that three civilians were wounded in shelling of the town,
according to local officials who spoke to reporters on the condition of anonymity.</p>
</article><footer>(c) Kyiv Ledger</footer></body></html>
"""


def errors(items: list[Document | InputError]) -> list[InputError]:
    return [x for x in items if isinstance(x, InputError)]


def docs(items: list[Document | InputError]) -> list[Document]:
    return [x for x in items if isinstance(x, Document)]


@pytest.fixture
def registry() -> Iterator[None]:
    """Readers registered in a test disappear after it."""
    saved = sources.readers.get_all()
    yield
    for name in set(sources.readers.get_all()) - set(saved):
        sources.readers.unregister(name)
    for name, reader in saved.items():
        sources.readers.register(name, func=reader)


# --- validate_text -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, reason", [
    ("", "empty text"),
    ("   \n\t  \n", "empty text (whitespace only)"),
    ("Russian losses\x00\x00\x00 12 tanks", "binary data (contains NUL bytes)"),
    ("\x01\x02\x03\x04\x05\x06 some \x07\x08 text \x0e\x0f\x10\x11", "binary data ("),
    ("12 345 -- 67 / 89", "no words"),
])
def test_validate_text_refuses(text: str, reason: str) -> None:
    with pytest.raises(InputError) as ei:
        validate_text("doc-7", text)
    assert ei.value.source == "doc-7"
    assert ei.value.reason.startswith(reason)
    assert str(ei.value) == f"doc-7: {ei.value.reason}"


@pytest.mark.parametrize("text, reason", [
    (FRENCH, "unsupported language (French; claimledger reads English, Russian and Ukrainian)"),
    (GERMAN, "unsupported language (German"),
    (BULGARIAN, "unsupported language (Bulgarian"),
    (ARABIC, "unsupported language (Arabic"),
])
def test_the_core_edge_refuses_unsupported_languages(text: str, reason: str) -> None:
    """The language check sits at the core's edge (it needs the language tools), naming the input a reader
    recorded as the document's origin."""
    from claimledger.core import check_document

    with pytest.raises(InputError) as ei:
        check_document(Document(id="d", text=text, meta={"origin": "corpus.jsonl:9"}))
    assert ei.value.source == "corpus.jsonl:9"
    assert ei.value.reason.startswith(reason)


@pytest.mark.parametrize("text", [
    GOOD,
    "Zelensky: 3 killed in Kharkiv",                       # short headline: no language test
    "Ukraine's Navy destroyed a Russian landing ship",     # no function word at all, but short
    "Mariupol – Маріуполь: 12 tanks destroyed, army says",  # some Cyrillic in an English text
    "Line one\twith a tab\r\nand a Windows line end\f",
    RUSSIAN,                                                # supported languages pass
    UKRAINIAN,
])
def test_validate_text_accepts(text: str) -> None:
    validate_text("doc", text)


def test_validate_text_size_limit_counts_utf8_bytes() -> None:
    validate_text("doc", "the army said " * 50, max_bytes=700)
    with pytest.raises(InputError, match=r"too large \(701 bytes; the limit is 700 bytes"):
        validate_text("doc", "the army said " * 50 + "x", max_bytes=700)
    with pytest.raises(InputError, match="too large"):  # 600 characters, 1200 bytes
        validate_text("doc", "é" * 600, max_bytes=700)


def test_english_statements_of_the_shared_corpus_pass() -> None:
    """The language heuristic must not refuse real English reporting (read from ../shared)."""
    shared = Path(__file__).resolve().parents[1].parent / "shared"
    files = sorted((shared / "corpus" / "statements").glob("*.jsonl")) + sorted((shared / "eval" / "gold").glob("*.jsonl"))
    if not files:
        pytest.skip("../shared corpus not available")
    seen = 0
    for f in files:
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if row.get("lang", "en") != "en":  # the Russian/Ukrainian gold is not English
                    continue
                text = row.get("text")
                if text and text.strip():
                    seen += 1
                    assert language_problem(text) is None, (f.name, text[:80])
    assert seen > 100


# --- decoding ------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, text, encoding", [
    (b"Kyiv said 3 were killed", "Kyiv said 3 were killed", "utf-8"),
    (codecs.BOM_UTF8 + b"Kyiv said", "Kyiv said", "utf-8-sig"),
    ("Kyiv said “3” — killed".encode("utf-16"), "Kyiv said “3” — killed", "utf-16"),
    ("The army said “12 tanks” were destroyed – café".encode("cp1252"),
     "The army said “12 tanks” were destroyed – café", "cp1252"),
])
def test_decode_bytes(raw: bytes, text: str, encoding: str) -> None:
    assert decode_bytes("f.txt", raw) == (text, encoding)


@pytest.mark.parametrize("raw, reason", [
    (b"Russian forces lost \xff\xfa 12 tanks near Bakhmut", "invalid UTF-8 at byte 20"),
    ("Российские войска потеряли".encode("cp1251"), "invalid UTF-8 at byte 0"),
    (b"caf\xe9 only latin-1, no cp1252 punctuation", "invalid UTF-8 at byte 3"),
    (b"PK\x03\x04\x00\x00binary zip", "binary data (contains NUL bytes)"),
])
def test_decode_bytes_refuses(raw: bytes, reason: str) -> None:
    with pytest.raises(InputError) as ei:
        decode_bytes("f.txt", raw)
    assert ei.value.source == "f.txt"
    assert ei.value.reason.startswith(reason)


@pytest.mark.parametrize("text, title", [
    ("Headline here\n\nBody text follows.", "Headline here"),
    ("\n  Headline  \nBody", "Headline"),
    ("Only one line of text.", None),
    ("x" * 300 + "\nBody", None),
])
def test_guess_title(text: str, title: str | None) -> None:
    assert guess_title(text) == title


# --- text, html, jsonl readers through read_sources --------------------------------------------------

def test_text_file_document(tmp_path: Path) -> None:
    p = tmp_path / "bakhmut-report.txt"
    p.write_text("Forty soldiers killed near Bakhmut - General Staff\n\n" + GOOD, encoding="utf-8")
    [doc] = list(read_sources([str(p)], ReadOptions(published="2024-03-05", speaker="General Staff",
                                                   source="Kyiv Ledger")))
    assert isinstance(doc, Document)
    assert (doc.id, doc.published, doc.speaker, doc.source) == ("bakhmut-report", "2024-03-05", "General Staff",
                                                                 "Kyiv Ledger")
    assert doc.title == "Forty soldiers killed near Bakhmut - General Staff"
    assert doc.text == p.read_text(encoding="utf-8")  # evidence offsets index the original text


def test_html_metadata(tmp_path: Path) -> None:
    p = tmp_path / "bakhmut.html"
    p.write_text(PAGE, encoding="utf-8")
    [doc] = list(read_sources([str(p)], ReadOptions(published="1999-01-01")))
    assert isinstance(doc, Document)
    assert doc.id == "bakhmut"
    assert doc.title == "Ukraine says 40 Russian soldiers killed near Bakhmut"
    assert doc.published == "2024-03-05"            # the page's date wins over the default
    assert doc.source == "Kyiv Ledger"
    assert doc.url == "https://kyiv-ledger.example/2024/03/05/bakhmut"
    assert "40 Russian soldiers were killed" in doc.text
    assert "Home" not in doc.text and "(c) Kyiv Ledger" not in doc.text  # boilerplate dropped


def test_html_without_date_takes_default_and_source_override(tmp_path: Path) -> None:
    p = tmp_path / "nodate.htm"
    p.write_text(f"<html><head><title>Strike</title></head><body><article><p>{GOOD}</p>"
                 f"<p>{GOOD}</p></article></body></html>", encoding="utf-8")
    [doc] = list(read_sources([str(p)], ReadOptions(published="2024-03-06", source="Wire")))
    assert isinstance(doc, Document)
    assert (doc.published, doc.source) == ("2024-03-06", "Wire")


@pytest.mark.parametrize("html", [
    "<html><head><title>Only a title</title></head><body><div><p></div></span></body",
    "<<<>>><<!!--",
    "<html><body><table><tr><td></td></tr></table></body>",
    "   ",
])
def test_malformed_html_is_an_input_error(tmp_path: Path, html: str) -> None:
    bad = tmp_path / "broken.html"
    bad.write_text(html, encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    items = list(read_sources([str(bad), str(good)]))
    [err] = errors(items)
    assert err.source == str(bad)
    assert "HTML" in err.reason
    assert [d.id for d in docs(items)] == ["good"]


def test_jsonl_reader_goes_on_after_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": "a", "text": GOOD, "published": "2024-03-01", "url": "https://x.example/a",
                    "title": "T", "speaker": "S", "source": "Wire"}),
        "{this is not json",
        json.dumps({"id": "c", "title": "no text here"}),
        "",
        json.dumps({"text": GOOD}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "g", "text": ""}),
        json.dumps({"id": "h", "text": 42}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_sources([str(p)], ReadOptions(published="2024-03-09", speaker="Default")))
    got = [(e.source, e.reason.split(" (")[0]) for e in errors(items)]
    assert got == [
        (f"{p}:2", "not JSON"),
        (f"{p}:3", "no 'text' field"),
        (f"{p}:6", "not a document object"),
        (f"{p}:7", "empty text"),
        (f"{p}:8", "'text' is not a string but int"),
    ]
    a, e = docs(items)
    assert (a.id, a.published, a.url, a.title, a.speaker, a.source) == (
        "a", "2024-03-01", "https://x.example/a", "T", "S", "Wire")
    assert (e.id, e.published, e.speaker) == ("corpus.jsonl:5", "2024-03-09", "Default")


def test_jsonl_invalid_utf8_line_and_overlong_line(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    p.write_bytes(b'{"id": "1", "text": "bad \xff byte"}\n'
                  + json.dumps({"id": "2", "text": "killed " * 50}).encode() + b"\n"
                  + json.dumps({"id": "3", "text": GOOD}).encode() + b"\n")
    items = list(read_sources([str(p)], ReadOptions(max_bytes=200)))
    assert [(e.source, e.reason.split(" ")[0]) for e in errors(items)] == [(f"{p}:1", "invalid"),
                                                                          (f"{p}:2", "too")]
    assert [d.id for d in docs(items)] == ["3"]


def test_json_array_file(tmp_path: Path) -> None:
    p = tmp_path / "docs.json"
    p.write_text(json.dumps([{"id": "x", "text": GOOD}, {"title": "no text"}, {"text": GOOD}]), encoding="utf-8")
    items = list(read_sources([str(p)]))
    assert [d.id for d in docs(items)] == ["x", "docs:3"]
    assert [e.source for e in errors(items)] == [f"{p}[2]"]
    [err] = list(read_sources([str(p)], ReadOptions(max_bytes=100)))
    assert isinstance(err, InputError) and "should be JSON Lines" in err.reason


@pytest.mark.parametrize("name, content, reason", [
    ("empty.txt", b"", "empty text"),
    ("blank.txt", b"  \n \n", "empty text (whitespace only)"),
    ("binary.txt", bytes(range(256)) * 4, "binary data"),
    ("latin.txt", b"Russian forces lost \xff\xfa 12 tanks", "invalid UTF-8 at byte 20"),
])
def test_bad_text_files_in_a_folder_batch(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    (tmp_path / "a-good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    (tmp_path / "z-good.txt").write_text(GOOD, encoding="utf-8")
    items = list(read_sources([str(tmp_path)]))
    [err] = errors(items)
    assert err.source == str(tmp_path / name)
    assert err.reason.startswith(reason)
    assert [d.id for d in docs(items)] == ["a-good", "z-good"]


def test_50_mb_text_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    chunk = ("Russian forces lost 40 soldiers near Bakhmut, the General Staff said. " * 1000).encode()
    with big.open("wb") as f:
        while f.tell() < 50_000_000:
            f.write(chunk)
    good = tmp_path / "small.txt"
    good.write_text(GOOD, encoding="utf-8")
    tracemalloc.start()
    try:
        items = list(read_sources([str(big), str(good)]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [err] = errors(items)
    assert err.source == str(big)
    assert err.reason.startswith("too large (50.0 MB; the limit is 20.0 MB per document)")
    assert peak < 5_000_000, f"the 50 MB file was read into memory (peak {peak:,} bytes)"
    assert [d.id for d in docs(items)] == ["small"]


def test_50_mb_jsonl_document_and_html(tmp_path: Path) -> None:
    html = tmp_path / "huge.html"
    with html.open("wb") as f:
        f.write(b"<html><body>")
        f.truncate(50_000_000)
    [err] = list(read_sources([str(html)]))
    assert isinstance(err, InputError) and err.reason.startswith("too large (50.0 MB")


# --- the registry -------------------------------------------------------------------------------

def test_builtin_readers_registered() -> None:
    assert {"text", "html", "jsonl", "json", "stdin"} <= set(registered_readers())


def test_folder_is_walked_sorted_recursively_skipping_hidden_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "nested.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\x00\x00")
    items = list(read_sources([str(tmp_path)]))
    assert [d.id for d in docs(items)] == ["nested", "b"]
    assert not errors(items)


@pytest.mark.parametrize("make, reason", [
    (lambda p: p / "missing.txt", "no such file or folder"),
    (lambda p: (p / "photo.png").write_bytes(b"\x89PNG") and p / "photo.png", "no reader for this kind of input"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "folder holds no readable files"),
])
def test_unreadable_specs(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    spec = str(make(tmp_path))
    [err] = list(read_sources([spec]))
    assert isinstance(err, InputError)
    assert (err.source, err.reason.split(" (")[0]) == (spec, reason)


def test_register_reader_priority_and_failures(tmp_path: Path, registry: None) -> None:
    @register_reader("shouty", detect=lambda s: s.endswith(".txt"), priority=5)
    def shouty(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
        yield Document(id="shout", text=Path(spec).read_text(encoding="utf-8").upper())

    @register_reader("broken", detect=lambda s: s.endswith(".brk"))
    def broken(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
        raise RuntimeError("boom")
        yield  # pragma: no cover

    @register_reader("sloppy", detect=lambda s: 1 / 0 == 0, priority=99)  # detect raises: ignored
    def sloppy(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
        yield from ()

    assert registered_readers()[:2] == ["stdin", "sloppy"]
    (tmp_path / "a.txt").write_text("quiet", encoding="utf-8")
    (tmp_path / "b.brk").write_text("x", encoding="utf-8")
    items = list(read_sources([str(tmp_path / "a.txt"), str(tmp_path / "b.brk")]))
    assert isinstance(items[0], Document) and items[0].text == "QUIET"
    assert isinstance(items[1], InputError)
    assert items[1].reason == "broken reader failed: RuntimeError: boom"


def test_reregistering_a_name_replaces_the_reader(tmp_path: Path, registry: None) -> None:
    @register_reader("text", detect=lambda s: s.endswith(".txt"))
    def plain(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
        yield Document(id="replaced", text=GOOD)

    assert registered_readers().count("text") == 1
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    [doc] = list(read_sources([str(tmp_path / "a.txt")]))
    assert isinstance(doc, Document) and doc.id == "replaced"


def test_reader_modules_load_tolerantly(monkeypatch: pytest.MonkeyPatch) -> None:
    """A listed reader module that does not exist is skipped silently; one that fails is skipped
    with a warning; the others still register."""
    real = importlib.import_module

    def fake_import(name: str, package: str | None = None) -> Any:
        if name.endswith(".exploding"):
            raise RuntimeError("missing optional dependency")
        return real(name, package)

    monkeypatch.setattr(sources, "_READER_MODULES", ("text", "not_there_yet", "exploding"))
    monkeypatch.setattr(sources.importlib, "import_module", fake_import)
    with pytest.warns(UserWarning, match=r"claimledger.sources.exploding failed to import: missing optional") as rec:
        sources._load_readers()
    assert not [w for w in rec if "not_there_yet" in str(w.message)]
    assert "text" in registered_readers()


def test_url_spec_goes_to_a_url_reader(registry: None) -> None:
    seen: list[str] = []

    @register_reader("fake-url", detect=sources.is_url, priority=50)
    def fake(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
        seen.append(spec)
        yield Document(id="u", text=GOOD, url=spec)

    [doc] = list(read_sources(["https://news.example/a"]))
    assert isinstance(doc, Document) and seen == ["https://news.example/a"]


# --- stdin ------------------------------------------------------------------------------------------

def test_stdin_jsonl_is_detected() -> None:
    data = ("\n" + json.dumps({"id": "s1", "text": GOOD}) + "\nnot json\n" + json.dumps({"text": GOOD}) + "\n").encode()
    items = list(read_stream(io.BytesIO(data), ReadOptions()))
    assert [d.id for d in docs(items)] == ["s1", "stdin:4"]
    assert [(e.source, e.reason.split(" (")[0]) for e in errors(items)] == [("stdin:3", "not JSON")]


def test_stdin_plain_text_and_html() -> None:
    [doc] = list(read_stream(io.BytesIO(("Headline\n" + GOOD).encode()), ReadOptions(published="2024-01-02")))
    assert isinstance(doc, Document)
    assert doc.id.startswith("stdin-") and doc.title == "Headline" and doc.published == "2024-01-02"
    [page] = list(read_stream(io.BytesIO(PAGE.encode()), ReadOptions()))
    assert isinstance(page, Document) and page.source == "Kyiv Ledger"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty text"),
    (b"\x00\x01\x02binary", "binary data"),
    (b"text \xff\xfe\xfd more", "invalid UTF-8"),
    (b"killed " * 40, "too large"),
])
def test_stdin_bad_input(data: bytes, reason: str) -> None:
    [err] = list(read_stream(io.BytesIO(data), ReadOptions(max_bytes=200)))
    assert isinstance(err, InputError)
    assert err.source == "stdin" and err.reason.startswith(reason)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text_not_binary(tmp_path: Path, encoding: str) -> None:
    p = tmp_path / "report.txt"
    p.write_bytes(GOOD.encode(encoding))
    [doc] = list(read_sources([str(p)]))
    assert isinstance(doc, Document) and doc.text == GOOD and doc.meta["encoding"] == encoding


def test_binary_with_nul_bytes_is_still_binary(tmp_path: Path) -> None:
    p = tmp_path / "photo.txt"
    p.write_bytes(bytes(range(256)) * 40)
    [err] = list(read_sources([str(p)]))
    assert isinstance(err, InputError) and "binary data" in err.reason
