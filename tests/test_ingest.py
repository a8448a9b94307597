"""Ingest with a stand-in extractor (fast, deterministic) on both backends, plus one run of the
real pipeline through the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.conftest import make_claim

from claimledger.cli import main
from claimledger.core import DocResult
from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.service import IngestCounts, ingest
from claimledger.store import Filter, Ledger


def fake_extract(docs: Iterable[Document | InputError], batch_size: int = 16) -> Iterator[DocResult]:
    """One claim per line of text that contains 'killed'; 'FAIL' makes the document fail."""
    for d in docs:
        if isinstance(d, InputError):
            yield DocResult(None, error=d)
        elif "FAIL" in d.text:
            yield DocResult(None, error=InputError(d.id, "extractor refused it", "extract"))
        else:
            n = sum("killed" in line for line in d.text.splitlines())
            yield DocResult(d, [make_claim(low=i + 1, high=i + 1, stated_on=d.published) for i in range(n)])


def write_jsonl(path: Path, docs: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return str(path)


def corpus(n: int, prefix: str = "d") -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{i}", "text": f"Report {prefix}{i}.\n{i % 3 + 1} soldiers were killed.\n"
             + ("Two more were killed.\n" if i % 2 else ""), "published": "2025-01-08",
             "url": f"https://news.example/{prefix}{i}"} for i in range(n)]


def test_ingest_is_idempotent_and_counts(ledger: Ledger, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", corpus(6) + [{"id": "x", "text": ""},
                                                        {"id": "f", "text": "FAIL: killed", "url": "https://f"}])
    seen: list[IngestCounts] = []
    rep = ingest(ledger, [src], extract=fake_extract, report=tmp_path / "fail.jsonl",
                 progress=lambda c: seen.append(IngestCounts(**{k: getattr(c, k) for k in c.__slots__})))
    c = rep.counts
    assert (c.processed, c.stored, c.skipped, c.failed, c.claims) == (8, 6, 0, 2, 9)
    assert seen[-1].processed == 8 and len(seen) == 8
    lines = [json.loads(x) for x in (tmp_path / "fail.jsonl").read_text().splitlines()]
    assert {(f["stage"], f["reason"]) for f in lines} == {("read", "empty text"), ("extract", "extractor refused it")}
    again = ingest(ledger, [src], extract=fake_extract, report=tmp_path / "fail2.jsonl")
    assert (again.counts.stored, again.counts.skipped, again.counts.failed) == (0, 6, 2)
    assert ledger.query("documents").total == 6 and ledger.query("claims").total == 9


def test_changed_page_is_a_new_revision(ledger: Ledger, tmp_path: Path) -> None:
    docs = corpus(2)
    ingest(ledger, [write_jsonl(tmp_path / "a.jsonl", docs)], extract=fake_extract)
    docs[0]["text"] += "Update: three more were killed.\n"
    rep = ingest(ledger, [write_jsonl(tmp_path / "b.jsonl", docs)], extract=fake_extract)
    assert (rep.counts.stored, rep.counts.revisions, rep.counts.skipped) == (1, 1, 1)
    revs = ledger.query("documents", [Filter("url", "eq", "https://news.example/d0"),
                                      Filter("is_latest", "in", "true,false")], order="id").rows
    assert [(r["revision"], r["is_latest"]) for r in revs] == [(1, False), (2, True)]
    assert ledger.query("claims", [Filter("doc_id", "eq", "d0")]).total == 2


def test_resume_continues_the_unfinished_run(ledger: Ledger, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", corpus(10))
    calls: list[str] = []

    def dying(docs: Iterable[Document | InputError], batch_size: int = 16) -> Iterator[DocResult]:
        for i, r in enumerate(fake_extract(docs)):
            if i == 4:
                raise KeyboardInterrupt
            yield r

    with pytest.raises(KeyboardInterrupt):
        ingest(ledger, [src], extract=dying)

    def counting(docs: Iterable[Document | InputError], batch_size: int = 16) -> Iterator[DocResult]:
        for r in fake_extract(docs):
            calls.append(r.document.id if r.document else "?")
            yield r

    rep = ingest(ledger, [src], extract=counting, resume=True)
    assert rep.resumed and rep.run_id == 1
    assert calls == [f"d{i}" for i in range(4, 10)]  # finished documents are not extracted again
    assert rep.counts.processed == 10 and rep.counts.stored == 10
    assert ledger.query("documents").total == 10


def test_real_pipeline_through_the_cli(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "w1", "text": "Ukraine's General Staff said on Monday that 120 Russian soldiers were killed near "
                             "Pokrovsk.", "published": "2025-01-07", "url": "https://kyiv.example/w1"},
        {"id": "w2", "text": "Russia's defence ministry said its forces killed 40 Ukrainian soldiers near "
                             "Pokrovsk on Monday.", "published": "2025-01-07", "url": "https://moscow.example/w2"},
    ])
    from claimledger.cli import main

    db = f"sqlite:///{tmp_path / 'l.db'}"
    runner = CliRunner()
    res = runner.invoke(main, ["ingest", src, "--db", db])
    assert res.exit_code == 0, res.output
    out = runner.invoke(main, ["claims", "--db", db, "--format", "jsonl", "--party", "Russia"])
    rows = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
    assert [(r["kind"], r["quantity"]["low"], r["claimant"]["side"]) for r in rows] == [("killed", 120, "Ukraine")]
    ev = runner.invoke(main, ["events", "--db", db, "--format", "jsonl"])
    events = [json.loads(x) for x in ev.stdout.splitlines() if x.startswith("{")]
    assert len(events) == 1 and events[0]["n_sides"] == 2 and events[0]["deaths"]["best"] == 160


def test_reextract_replaces_claims_only_when_they_change(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An upgraded extractor's claims replace the stored ones; the old ones stay as history, not current."""
    from claimledger.model import Claim, Claimant, Document, Evidence, Quantity, Victim
    from claimledger.service import ingest as run_ingest
    from claimledger.store import Filter, Ledger

    text = "Officials said 12 soldiers were killed near the river."
    doc = Document(id="r1", text=text, published="2024-01-02")

    def claim(n: int) -> Claim:
        return Claim(doc_id="r1", kind="killed", victim=Victim(party="Russia", type="military", text="soldiers"),
                     quantity=Quantity(n, n, "exact", str(n)), claimant=Claimant("Officials", None),
                     evidence=Evidence(text, 0, len(text)))

    def extractor(n: int):  # type: ignore[no-untyped-def]
        from claimledger.core import DocResult

        def run(docs, batch_size=16):  # type: ignore[no-untyped-def]
            for d in docs:
                yield DocResult(document=d, claims=[claim(n)])
        return run

    with Ledger.open(f"sqlite:///{tmp_path / 'r.db'}") as ledger:
        run_ingest(ledger, ["t"], documents=[doc], extract=extractor(12))
        rep = run_ingest(ledger, ["t"], documents=[doc], extract=extractor(12), reextract=True)
        assert rep.counts.claims == 0  # same claims: nothing changes
        rep = run_ingest(ledger, ["t"], documents=[doc], extract=extractor(13), reextract=True)
        assert rep.counts.claims == 1
        rows = list(ledger.iter_rows("claims", [Filter("doc_id", "eq", "r1")], order="id"))
        assert [r["quantity"]["low"] for r in rows] == [13]
        rep = run_ingest(ledger, ["t"], documents=[doc], extract=extractor(14))
        assert rep.counts.skipped == 1 and rep.counts.claims == 0  # without reextract a known text is skipped


@pytest.mark.parametrize(("db", "words"), [
    ("mysql://x", "unsupported ledger database 'mysql://x'"),
    ("oracle+cx://u@h/db", "unsupported ledger database"),
    ("sqlite:////typo-folder-that-does-not-exist/x.db", "folder /typo-folder-that-does-not-exist does not exist"),
])
@pytest.mark.parametrize("command", [["claims", "--format", "jsonl"], ["ingest", "-"], ["reconcile"]])
def test_cli_ledger_errors_are_one_line(db: str, words: str, command: list[str]) -> None:
    res = CliRunner().invoke(main, [*command, "--db", db], input="")
    assert res.exit_code == 1
    assert "Traceback" not in res.output and words in res.output
    assert len([line for line in res.output.splitlines() if line.strip()]) == 1, res.output
    assert not Path("/typo-folder-that-does-not-exist").exists()


def test_a_new_sqlite_ledger_in_an_existing_folder_is_fine(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["claims", "--format", "jsonl", "--db", f"sqlite:///{tmp_path / 'new.db'}"])
    assert res.exit_code == 0 and (tmp_path / "new.db").exists()
