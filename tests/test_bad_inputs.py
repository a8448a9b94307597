"""No input aborts a batch: generated bad inputs, mixed with good documents, in one ingest.

Each example builds a folder with more than 40 bad inputs — broken files of every format the
readers know, bad JSON Lines lines, symbolic-link traps, impossible dates, wrong field types,
degenerate text — with their contents drawn by hypothesis, interleaved with good documents in
several formats. One `service.ingest` reads the folder into a fresh ledger (SQLite and
PostgreSQL): it must end "done" without an exception, store every good document, and report
every bad input in the failures table with a reason that says what was wrong.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tests.conftest import PG_URL, drop_pg_schema, require_pg

from claimledger import service
from claimledger.cli import main
from claimledger.sources import ReadOptions
from claimledger.store import Ledger

MAX_BYTES = 200_000
LETTERS = st.characters(min_codepoint=ord("a"), max_codepoint=ord("z"))
WORDS = st.text(LETTERS, min_size=3, max_size=9)
NUMBER = st.integers(min_value=2, max_value=900)


@dataclass
class Corpus:
    """A folder of inputs and what must become of each: stored ids, and failures (input → words)."""

    root: Path
    good: set[str] = field(default_factory=set)
    bad: dict[str, str] = field(default_factory=dict)
    lines: list[tuple[str, str | None]] = field(default_factory=list)  # the mixed .jsonl: (line, words)

    def file(self, name: str, data: bytes | str, words: str | None) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if words is not None:
            self.bad[str(path)] = words
        return path

    def good_text(self, stem: str, n: int) -> str:
        self.good.add(stem)
        return (f"Report {stem}\nThe regional governor said on Monday that {n} civilians were killed "
                f"in the shelling of the town, and the army said the fighting went on through the night.")


def _json_deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# -- bad files: (name, content, words of the reason); each drawn afresh by hypothesis --------------

@st.composite
def bad_files(draw: st.DrawFn) -> list[tuple[str, bytes | str, str]]:
    junk = draw(st.binary(min_size=64, max_size=400))
    words = draw(st.lists(WORDS, min_size=40, max_size=60))
    n = draw(NUMBER)
    greek = " ".join(draw(st.lists(st.text(st.characters(min_codepoint=0x3B1, max_codepoint=0x3C9), min_size=3,
                                             max_size=8), min_size=30, max_size=40)))
    depth = draw(st.integers(min_value=3_000, max_value=6_000))
    return [
        ("binary.txt", b"\x00\x01" + junk + b"\x00", "binary data"),
        ("latin1-junk.txt", b"The army said " + bytes([0x81, 0x8D, 0x90]) + junk.replace(b"\x00", b"x"), "invalid UTF-8"),
        ("empty.txt", b"", "empty text"),
        ("blank.txt", " \n\t " * draw(st.integers(1, 50)), "empty text"),
        ("numbers.txt", " ".join(str(draw(NUMBER)) for _ in range(20)), "no words"),
        ("french.txt", " ".join(["le", "la", "des", "une", *words]), "unsupported language"),
        ("greek.txt", greek, "unsupported language"),
        ("too-big.txt", "The army said soldiers were killed. " * (MAX_BYTES // 30), "too large"),
        ("one-word.txt", draw(st.text(LETTERS, min_size=20, max_size=60)) * 300, "degenerate text"),
        ("repeated.txt", " ".join(["the", "army", "said", words[0], "killed"] * 3_000), "degenerate text"),
        ("controls.txt", "The army said " + "\x01\x02\x03\x04" * 200 + " killed", "binary data"),
        ("empty.html", b"", "empty HTML"),
        ("no-article.html", "<html><head><script>var x = 1;</script></head><body></body></html>", "HTML"),
        ("garbage.html", b"\x00" + junk, "HTML"),
        ("broken.json", '{"text": "The army said' + "".join(words[:3]), "not JSON"),
        ("deep.json", _json_deep(depth), "nested too deeply"),
        ("no-text.json", json.dumps({"title": " ".join(words[:4])}), "no 'text' field"),
        ("empty.jsonl", b"", "no documents"),
        ("blank.jsonl", "\n \n\n", "no documents"),
        ("junk.rss", "<rss " + junk.hex(), "not an RSS/Atom feed"),
        ("empty.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>',
         "feed has no items"),
        ("dated.json", json.dumps({"text": f"The army said {n} soldiers were killed.", "published": "2999-12-31"}),
         "in the future"),
    ]


# -- bad JSON Lines lines, each mixed between good lines of one file -------------------------------

@st.composite
def bad_lines(draw: st.DrawFn) -> list[tuple[str, str]]:
    n = draw(NUMBER)
    word = draw(WORDS)
    text = f"The army said {n} soldiers were killed near {word}."
    junk = draw(st.text(min_size=1, max_size=40).filter(lambda s: not s.strip().startswith(("{", "[", '"'))
                                                          and s.strip() and not s.strip()[0].isdigit()))
    month = draw(st.integers(13, 99))
    return [
        ("{" + junk.replace("\n", " ").replace("\r", " "), "not JSON"),
        (json.dumps([text]), "not a document object"),
        (json.dumps({"text": n}), "'text' is not a string"),
        (json.dumps({"title": text}), "no 'text' field"),
        ('{"text": "' + text + ' \\ud800"}', "invalid Unicode"),
        (json.dumps({"text": text, "title": "\ud800"}, ensure_ascii=True), "invalid Unicode"),
        (json.dumps({"text": text, "title": [word, word]}), "'title' must be a string, not a list"),
        (json.dumps({"text": text, "published": True}), "'published' must be a string, not a boolean"),
        (json.dumps({"text": text, "id": {"a": 1}}), "'id' must be a string, not an object"),
        (json.dumps({"text": text, "published": f"2025-{month}-45T99:99:99+25:00"}), "not a real date"),
        (json.dumps({"text": text, "published": f"{draw(st.integers(2100, 9999))}-01-01"}), "in the future"),
        (json.dumps({"text": text, "published": f"{word} {word}"}), "is not a date"),
        ('{"text": ' + _json_deep(draw(st.integers(3_000, 6_000))) + "}", "nested too deeply"),
        (json.dumps({"text": ""}), "empty text"),
        (json.dumps({"text": "killed " * (MAX_BYTES // 6)}), "too large"),
        (json.dumps({"text": "x" * 20_000 + " killed"}), "degenerate text"),
    ]


def build(root: Path, files: list[tuple[str, bytes | str, str]], lines: list[tuple[str, str]],
          numbers: list[int]) -> Corpus:
    """The folder: bad files and good ones side by side, a JSON Lines file alternating good and bad
    lines (plus one line of invalid UTF-8), symbolic-link traps and a Telegram export cut short."""
    c = Corpus(root)
    for i, (name, data, words) in enumerate(files):
        c.file(f"bad/{i:02d}-{name}", data, words)
        stem = f"good-{i:02d}"
        c.file(f"bad/{stem}.txt", c.good_text(stem, numbers[i % len(numbers)]), None)
    c.file("formats/page.html", "<html><head><title>Front</title></head><body><article><p>"
           + c.good_text("page", numbers[0]).replace("\n", "</p><p>") + "</p></article></body></html>", None)
    c.file("formats/utf16.txt", c.good_text("utf16", numbers[1]).encode("utf-16-le"), None)  # no BOM
    c.file("formats/one.json", json.dumps({"id": "json-one", "text": c.good_text("json-one", numbers[2])}), None)
    c.good.discard("json-one")
    c.good.add("json-one")
    mixed: list[bytes] = []
    for k, (line, words) in enumerate(lines):
        gid = f"line-{k:02d}"
        mixed.append(json.dumps({"id": gid, "text": c.good_text(gid, numbers[k % len(numbers)]),
                                 "published": "2024-03-07"}).encode())
        mixed.append(line.encode("utf-8", "surrogatepass"))
        c.bad[f"{root / 'mixed.jsonl'}:{2 * k + 2}"] = words
    mixed.append(b'{"text": "The army said \xff\xfe soldiers were killed."}')
    c.bad[f"{root / 'mixed.jsonl'}:{len(mixed)}"] = "invalid UTF-8"
    (root / "mixed.jsonl").write_bytes(b"\n".join(mixed) + b"\n")
    traps = root / "traps"
    traps.mkdir()
    os.symlink(".", traps / "loop")  # a folder that contains itself
    c.bad[str(traps / "loop")] = "symbolic link loop"
    os.symlink("self", traps / "self")  # a link to itself: too many levels
    c.bad[str(traps / "self")] = "Too many levels of symbolic links"
    export = {"name": "Channel", "id": 77, "messages": [
        {"id": 1, "type": "message", "date": "2024-03-07T10:00:00", "text": c.good_text("tg", numbers[3])},
        {"id": 2, "type": "message", "date": "2024-03-07T11:00:00", "text": "The second message"}]}
    c.good.discard("tg")
    c.good.add("telegram:77:1")
    whole = json.dumps(export)
    cut = whole[:whole.index("The second")]  # the file ends in the middle of its second message
    c.file("telegram/result.json", cut, "not JSON")
    return c


@contextmanager
def fresh_ledger(backend: str, root: Path) -> Iterator[Ledger]:
    if backend == "sqlite":
        led = Ledger.open(f"sqlite:///{root / 'ledger.db'}")
        try:
            yield led
        finally:
            led.close()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    led = Ledger.open(PG_URL, schema=schema)
    try:
        yield led
    finally:
        led.close()
        drop_pg_schema(schema)


def check(corpus: Corpus, rep: service.IngestReport, led: Ledger) -> None:
    stored = {row["doc_id"] for row in led.iter_rows("documents")}
    assert corpus.good <= stored, f"good documents not stored: {sorted(corpus.good - stored)}"
    failures = {f["input"]: f for f in rep.failures}
    for where, words in corpus.bad.items():
        assert where in failures, f"{where}: not in the failures report ({words})"
        assert words in failures[where]["reason"], f"{where}: {failures[where]['reason']!r} lacks {words!r}"
    assert set(failures) <= set(corpus.bad), f"good inputs reported as failures: {set(failures) - set(corpus.bad)}"
    assert rep.counts.failed == len(corpus.bad) >= 40
    assert rep.counts.stored == len(corpus.good)


# No shrinking: each example is a whole ingest, and its report already names every failing input.
EXAMPLE: Callable[..., object] = settings(max_examples=3, deadline=None, derandomize=True,
                                          phases=[Phase.explicit, Phase.reuse, Phase.generate],
                                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.large_base_example])


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
@EXAMPLE
@given(files=bad_files(), lines=bad_lines(), numbers=st.lists(NUMBER, min_size=4, max_size=8))
def test_every_bad_input_fails_alone(tmp_path_factory: pytest.TempPathFactory, backend: str,
                                     files: list[tuple[str, bytes | str, str]], lines: list[tuple[str, str]],
                                     numbers: list[int]) -> None:
    if backend == "postgresql":
        require_pg()
    root = tmp_path_factory.mktemp("bad")
    corpus = build(root / "in", files, lines, numbers)
    with fresh_ledger(backend, root) as led:
        rep = service.ingest(led, [str(corpus.root)], read_options=ReadOptions(max_bytes=MAX_BYTES),
                             report=root / "failures.jsonl", reconcile_after=True)
        check(corpus, rep, led)
        runs = list(led.iter_rows("documents"))
        assert runs and rep.report_path and Path(rep.report_path).read_text(encoding="utf-8").count("\n") == len(corpus.bad)


@settings(max_examples=1, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(files=bad_files(), lines=bad_lines(), numbers=st.lists(NUMBER, min_size=4, max_size=8))
def test_the_cli_reports_bad_inputs_as_lines(tmp_path_factory: pytest.TempPathFactory,
                                             files: list[tuple[str, bytes | str, str]], lines: list[tuple[str, str]],
                                             numbers: list[int]) -> None:
    root = tmp_path_factory.mktemp("cli")
    corpus = build(root / "in", files, lines, numbers)
    res = CliRunner().invoke(main, ["ingest", str(corpus.root), "--db", f"sqlite:///{root / 'l.db'}",
                                    "--max-bytes", str(MAX_BYTES), "--report", str(root / "f.jsonl")])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 20 and f"{len(corpus.bad) - 20} more failures" in res.output
    assert f"completed: {len(corpus.good) + len(corpus.bad)} processed, {len(corpus.good)} stored" in res.output
