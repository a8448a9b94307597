"""`claimledger extract`: output formats, one error line per bad input, the end-of-run count and
the exit-code rule (non-zero only when nothing could be read).

Most tests replace the extraction core with a small fake that builds `Claim`s by hand, so they
test the CLI and the readers, not the NLP. The end-to-end tests at the bottom run the real
pipeline and are skipped until `claimledger.extraction.pipeline` exists.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import claimledger.core as core
from claimledger.cli import main
from claimledger.core import DocResult
from claimledger.errors import ConfigError, InputError
from claimledger.model import Claim, Claimant, Document, Evidence, Quantity, Victim

REPO = Path(__file__).resolve().parents[1]
GOOD = ("Ukraine's General Staff said on Monday that 40 Russian soldiers were killed near Bakhmut "
        "over the past day.\n")
FRENCH = ("Les forces russes ont perdu plus de deux cents soldats dans la région de Koursk selon le "
          "ministère ukrainien de la Défense, qui a également annoncé la destruction de douze chars "
          "et de plusieurs véhicules blindés au cours des dernières vingt-quatre heures de combats.")
SUMMARY = re.compile(r"^extract: (\d+) documents?, (\d+) claims?, (\d+) failures?$", re.M)


def fake_claim(doc: Document) -> Claim:
    """What the real extractor would return for GOOD, built by hand."""
    start = doc.text.find("40")
    return Claim(
        doc_id=doc.id, kind="killed",
        victim=Victim(party="Russia", type="military", text="Russian soldiers"),
        quantity=Quantity(low=40, high=40, qualifier="exact", text="40"),
        claimant=Claimant(name="Ukraine's General Staff", side="Ukraine"),
        evidence=Evidence(text=doc.text[max(start, 0):max(start, 0) + 30], start=max(start, 0),
                          end=max(start, 0) + 30),
        stated_on=doc.published,
    )


class FakeCore:
    """Stands in for `core.extract_documents`: the same edge check (`core.check_document`), then one claim
    per document whose text mentions 40."""

    def __init__(self) -> None:
        self.seen: list[Document] = []
        self.check = core.check_document

    def __call__(self, items: Iterable[Document | InputError], batch_size: int = 64) -> Iterator[DocResult]:
        for item in items:
            if not isinstance(item, InputError):
                try:
                    item = self.check(item)
                except InputError as e:
                    item = e
            if isinstance(item, InputError):
                yield DocResult(document=None, error=item)
                continue
            self.seen.append(item)
            yield DocResult(document=item, claims=[fake_claim(item)] if "40" in item.text else [])


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeCore:
    f = FakeCore()
    monkeypatch.setattr(core, "extract_documents", f)
    return f


def run(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["extract", *args], input=input)


def summary(result: Result) -> tuple[int, int, int]:
    m = SUMMARY.search(result.stderr)
    assert m, result.stderr
    return int(m[1]), int(m[2]), int(m[3])


def error_lines(result: Result) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]


# --- formats -------------------------------------------------------------------------------------

def test_jsonl_is_exactly_the_contract(tmp_path: Path, fake: FakeCore) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    r = run(str(tmp_path), "--format", "jsonl", "--published", "2024-03-05")
    assert r.exit_code == 0, r.output
    lines = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert [d["doc_id"] for d in lines] == ["a", "b"]
    for d in lines:
        assert d == Claim.from_dict(d).to_dict()
        assert d == fake_claim(Document(id=d["doc_id"], text=GOOD, published="2024-03-05")).to_dict()
    assert summary(r) == (2, 2, 0)


def test_json_is_an_array(tmp_path: Path, fake: FakeCore) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    r = run(str(tmp_path), "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert isinstance(data, list) and [d["doc_id"] for d in data] == ["a", "b"]


def test_json_with_no_claims_is_an_empty_array(tmp_path: Path, fake: FakeCore) -> None:
    (tmp_path / "a.txt").write_text("Nothing to count here, the army said.", encoding="utf-8")
    r = run(str(tmp_path / "a.txt"), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout) == []
    assert summary(r) == (1, 0, 0)


def test_table_for_people(tmp_path: Path, fake: FakeCore) -> None:
    (tmp_path / "report.txt").write_text(GOOD, encoding="utf-8")
    r = run(str(tmp_path / "report.txt"))  # table is the default
    assert r.exit_code == 0
    for cell in ("claimant", "kind", "party", "quantity", "place", "date", "evidence",
                 "Ukraine's General Staff", "killed", "Russia", "40"):
        assert cell in r.stdout


def test_read_options_reach_the_documents(tmp_path: Path, fake: FakeCore) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    r = run(str(tmp_path / "a.txt"), "--published", "2024-03-05", "--speaker", "President of Ukraine",
            "--source", "Wire", "--format", "jsonl")
    assert r.exit_code == 0
    [doc] = fake.seen
    assert (doc.published, doc.speaker, doc.source) == ("2024-03-05", "President of Ukraine", "Wire")


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "05/03/2024"])
def test_bad_published_is_a_usage_error(fake: FakeCore, value: str) -> None:
    r = run("--published", value, input=GOOD)
    assert r.exit_code == 2
    assert "not an ISO date" in r.stderr


def test_stdin_when_no_path(fake: FakeCore) -> None:
    r = run("--format", "jsonl", input=GOOD)
    assert r.exit_code == 0
    [d] = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert d["doc_id"].startswith("stdin-")
    jl = json.dumps({"id": "s1", "text": GOOD}) + "\nnot json\n"
    r = run("-", "--format", "jsonl", input=jl)
    assert r.exit_code == 0
    assert [json.loads(ln)["doc_id"] for ln in r.stdout.splitlines()] == ["s1"]
    assert error_lines(r) == ["error: stdin:2: not JSON (Expecting value at column 1)"]
    assert summary(r) == (1, 1, 1)


def test_library_error_becomes_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(items: Iterable[Any], batch_size: int = 64) -> Iterator[DocResult]:
        raise ConfigError("sides table /x/sides.tsv: line 3 has 1 column, expected 2")
        yield  # pragma: no cover

    monkeypatch.setattr(core, "extract_documents", boom)
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    r = run(str(tmp_path / "a.txt"))
    assert r.exit_code == 1
    assert "Error: sides table /x/sides.tsv: line 3 has 1 column, expected 2" in r.stderr
    assert "Traceback" not in r.output


# --- bad input: one line each, the batch goes on, a count, the exit-code rule ---------------------------

def _big(p: Path) -> None:
    chunk = (GOOD * 500).encode()
    with p.open("wb") as f:
        while f.tell() < 50_000_000:
            f.write(chunk)


BAD_INPUTS: list[tuple[str, str, Any, str]] = [
    # (case, file name, content or writer, expected reason; the error line names file or file:line)
    ("empty text", "empty.txt", b"", "empty text"),
    ("whitespace", "blank.txt", b" \n\t\n", "empty text (whitespace only)"),
    ("binary data", "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data (contains NUL bytes)"),
    ("invalid UTF-8", "latin.txt", b"Russian forces lost \xff\xfa 12 tanks near Bakhmut", "invalid UTF-8 at byte 20"),
    ("50 MB text", "huge.txt", _big, "too large (50.0 MB; the limit is 20.0 MB per document)"),
    ("unsupported language", "french.txt", FRENCH.encode(), "unsupported language (French"),
    ("malformed HTML", "broken.html", b"<html><head><title>t</title></head><body><div><p></div></span></body",
     "malformed or empty HTML: no article text found"),
    ("JSONL line not JSON", "bad.jsonl", b'{"id": "x", "text": "unterminated\n', "not JSON ("),
    ("JSONL line without text", "notext.jsonl", b'{"id": "x", "title": "no text here"}\n', "no 'text' field"),
]


@pytest.mark.parametrize("case, name, content, reason", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_one_line_and_the_batch_goes_on(tmp_path: Path, fake: FakeCore, case: str, name: str,
                                                     content: Any, reason: str) -> None:
    good1, good2, bad = tmp_path / "good1.txt", tmp_path / "good2.txt", tmp_path / name
    good1.write_text(GOOD, encoding="utf-8")
    good2.write_text(GOOD, encoding="utf-8")
    if callable(content):
        content(bad)
    else:
        bad.write_bytes(content)
    r = run(str(good1), str(bad), str(good2), "--format", "jsonl")
    where = f"{bad}:1" if name.endswith(".jsonl") else str(bad)
    [line] = error_lines(r)
    assert line.startswith(f"error: {where}: {reason}"), line
    assert "\n" not in line and "Traceback" not in r.output
    assert [json.loads(ln)["doc_id"] for ln in r.stdout.splitlines()] == ["good1", "good2"]
    assert summary(r) == (2, 2, 1)
    assert r.exit_code == 0  # something was read


@pytest.mark.parametrize("case, name, content, reason", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_only_bad_input_exits_non_zero(tmp_path: Path, fake: FakeCore, case: str, name: str,
                                       content: Any, reason: str) -> None:
    bad = tmp_path / name
    if callable(content):
        content(bad)
    else:
        bad.write_bytes(content)
    r = run(str(bad), "--format", "jsonl")
    assert len(error_lines(r)) == 1 and reason in error_lines(r)[0]
    assert summary(r) == (0, 0, 1)
    assert r.exit_code != 0
    assert r.stdout == ""


def test_jsonl_file_with_bad_lines_counts_each(tmp_path: Path, fake: FakeCore) -> None:
    p = tmp_path / "corpus.jsonl"
    p.write_text("\n".join([
        json.dumps({"id": "a", "text": GOOD}),
        "not json at all",
        json.dumps({"id": "c"}),
        json.dumps({"text": GOOD}),
        json.dumps({"id": "e", "text": ""}),
    ]) + "\n", encoding="utf-8")
    r = run(str(p), "--format", "jsonl")
    assert r.exit_code == 0
    assert error_lines(r) == [
        f"error: {p}:2: not JSON (Expecting value at column 1)",
        f"error: {p}:3: no 'text' field",
        f"error: {p}:5: empty text",
    ]
    assert [json.loads(ln)["doc_id"] for ln in r.stdout.splitlines()] == ["a", "corpus.jsonl:4"]
    assert summary(r) == (2, 2, 3)


def test_a_mixed_folder(tmp_path: Path, fake: FakeCore) -> None:
    for name, content, _ in [(n, c, r) for _, n, c, r in BAD_INPUTS if not callable(c)]:
        (tmp_path / name).write_bytes(content)
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    r = run(str(tmp_path), "--format", "jsonl")
    assert r.exit_code == 0
    assert summary(r) == (1, 1, len(BAD_INPUTS) - 1)
    assert len(error_lines(r)) == len(BAD_INPUTS) - 1


@pytest.mark.parametrize("args, reason", [
    (["/nonexistent/file.txt"], "error: /nonexistent/file.txt: no such file or folder"),
    ([], "error: stdin: empty text"),
])
def test_nothing_readable(fake: FakeCore, args: list[str], reason: str) -> None:
    r = run(*args, input="")
    assert r.exit_code == 1
    assert error_lines(r) == [reason]
    assert summary(r) == (0, 0, 1)


def test_empty_folder(tmp_path: Path, fake: FakeCore) -> None:
    r = run(str(tmp_path))
    assert r.exit_code == 1
    assert error_lines(r) == [f"error: {tmp_path}: folder holds no readable files"]


# --- end to end, with the real pipeline ------------------------------------------------------------

def _pipeline_missing() -> str | None:
    try:
        importlib.import_module("claimledger.extraction.pipeline")
    except Exception as e:  # noqa: BLE001
        return f"claimledger.extraction.pipeline not importable yet ({type(e).__name__}: {e})"
    return None


needs_pipeline = pytest.mark.skipif(_pipeline_missing() is not None, reason=_pipeline_missing() or "")


@needs_pipeline
def test_e2e_sample_articles_jsonl() -> None:
    r = run(str(REPO / "examples" / "articles"), "--format", "jsonl", "--published", "2024-03-07")
    assert r.exit_code == 0, r.output
    claims = [json.loads(ln) for ln in r.stdout.splitlines()]
    docs, n_claims, failures = summary(r)
    assert (docs, failures) == (7, 0)
    assert n_claims == len(claims) and n_claims >= 7
    for d in claims:
        assert d == Claim.from_dict(d).to_dict()
    kinds = {d["kind"] for d in claims}
    assert {"killed", "wounded", "equipment_destroyed"} <= kinds
    assert {d["doc_id"] for d in claims} >= {"kherson-shelling", "general-staff-daily", "belgorod-drones"}


@needs_pipeline
@pytest.mark.parametrize("case, name, content, reason",
                         [c for c in BAD_INPUTS if c[0] != "50 MB text"], ids=[c[0] for c in BAD_INPUTS if c[0] != "50 MB text"])
def test_e2e_bad_input_with_the_real_pipeline(tmp_path: Path, case: str, name: str, content: Any, reason: str) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / name
    good.write_text(GOOD, encoding="utf-8")
    bad.write_bytes(content)
    r = run(str(bad), str(good), "--format", "jsonl", "--published", "2024-03-05")
    [line] = error_lines(r)
    assert reason in line
    assert r.exit_code == 0
    assert summary(r)[0::2] == (1, 1)
    assert any(json.loads(ln)["doc_id"] == "good" for ln in r.stdout.splitlines())


@needs_pipeline
@pytest.mark.parametrize("text, reason", [("", "empty text"), (FRENCH, "unsupported language"),
                                          ("a\x00b\x00c", "binary data")])
def test_e2e_python_api_validates_too(text: str, reason: str) -> None:
    """The public `claimledger.extract` validates its input like the CLI does."""
    import claimledger

    claimledger.extract(published="2024-03-05", text="Two soldiers were wounded.")  # loads the pipeline
    with pytest.raises(InputError, match=reason):
        claimledger.extract(text, published="2024-03-05")


# --- the table's cells ------------------------------------------------------------------------------

@pytest.mark.parametrize("q, shown", [
    (Quantity(low=40, high=40, qualifier="exact", text="40"), "40"),
    (Quantity(low=1100, high=1100, qualifier="approx", text="about 1,100"), "~1,100"),
    (Quantity(low=300, high=None, qualifier="at_least", text="more than 300"), "≥ 300"),
    (Quantity(low=None, high=250, qualifier="at_most", text="up to 250"), "≤ 250"),
    (Quantity(low=10000, high=12000, qualifier="range", text="10,000 to 12,000"), "10,000–12,000"),
    (Quantity(low=None, high=None, qualifier="unspecified", text="dozens"), "dozens"),
    (Quantity(), "?"),
])
def test_format_quantity(q: Quantity, shown: str) -> None:
    from claimledger.render import format_quantity

    assert format_quantity(q) == shown


def test_format_date_prefers_event_time() -> None:
    from claimledger.model import EventTime
    from claimledger.render import format_date

    c = fake_claim(Document(id="d", text=GOOD, published="2024-03-05"))
    assert format_date(c) == "said 2024-03-05"
    c.event_time = EventTime(start="2024-03-04", end="2024-03-04", precision="day")
    assert format_date(c) == "2024-03-04"
    c.event_time = EventTime(start="2024-02-26", end="2024-03-04", precision="week")
    assert format_date(c) == "2024-02-26..2024-03-04"
