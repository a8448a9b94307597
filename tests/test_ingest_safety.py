"""Safety with real processes: `kill -9` mid-ingest, and two ingest processes on one ledger.

The worker (this file run as a script) ingests a JSON Lines corpus through `service.ingest` with a
stand-in extractor that takes a little time per document and emits several claims each, so
that the kill lands while documents are being written.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLAIMS_PER_DOC = 5


def _worker(url: str, schema: str, sources: list[str], delay: float) -> None:
    from tests.conftest import make_claim

    from claimledger.core import DocResult
    from claimledger.errors import InputError
    from claimledger.model import Document
    from claimledger.service import ingest
    from claimledger.store import Ledger

    def slow(docs: Iterable[Document | InputError], batch_size: int = 16) -> Iterator[DocResult]:
        for d in docs:
            if isinstance(d, InputError):
                yield DocResult(None, error=d)
                continue
            time.sleep(delay)
            yield DocResult(d, [make_claim(low=i, high=i, stated_on=d.published) for i in range(CLAIMS_PER_DOC)])

    ledger = Ledger.open(url, schema=schema or None)
    rep = ingest(ledger, sources, extract=slow, resume="--resume" in sys.argv, report=os.devnull)
    print(json.dumps({"stored": rep.counts.stored, "skipped": rep.counts.skipped, "failed": rep.counts.failed}))


def corpus(path: Path, ids: Iterable[int]) -> str:
    with path.open("w", encoding="utf-8") as fh:
        for i in ids:
            fh.write(json.dumps({"id": f"doc{i}", "text": f"Report {i}: soldiers were killed near the river.",
                                 "published": "2025-01-08", "url": f"https://news.example/{i}"}) + "\n")
    return str(path)


def spawn(url: str, schema: str | None, sources: list[str], delay: float, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + str(ROOT / "src")}
    return subprocess.Popen([sys.executable, __file__, url, schema or "", str(delay), *sources, *extra],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def check_consistent(url: str, schema: str | None) -> dict[str, Any]:
    """Every stored document has exactly its claims; no claim without its document."""
    from claimledger.store import Filter, Ledger

    ledger = Ledger.open(url, schema=schema)
    docs = list(ledger.iter_rows("documents"))
    per_doc: dict[int, int] = {}
    for c in ledger.iter_rows("claims", [Filter("current", "in", [True, False])]):
        per_doc[c["document_id"]] = per_doc.get(c["document_id"], 0) + 1
    for d in docs:
        assert per_doc.get(d["id"], 0) == d["n_claims"] == CLAIMS_PER_DOC, d
    assert set(per_doc) <= {d["id"] for d in docs}
    urls = [d["url"] for d in docs]
    assert len(urls) == len(set(urls)), "a document was stored twice"
    ledger.close()
    return {"documents": len(docs), "claims": sum(per_doc.values())}


def _count_docs(url: str, schema: str | None) -> int:
    from claimledger.store import Ledger

    led = Ledger.open(url, schema=schema)
    try:
        return led.query("documents", limit=1).total or 0
    finally:
        led.close()


def test_kill_9_loses_nothing_committed(ledger_target: tuple[str, str | None], tmp_path: Path) -> None:
    url, schema = ledger_target
    from claimledger.store import Ledger

    Ledger.open(url, schema=schema).close()  # migrate before the race starts
    src = corpus(tmp_path / "c.jsonl", range(300))
    proc = spawn(url, schema, [src], 0.03)  # about 9 s of work: the kill lands mid-run
    watcher = Ledger.open(url, schema=schema)
    deadline = time.time() + 120
    while (watcher.query("documents", limit=1).total or 0) < 40:
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline
        time.sleep(0.02)
    watcher.close()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    before = check_consistent(url, schema)
    assert 40 <= before["documents"] < 300
    # resume finishes the job without redoing or duplicating anything
    done = spawn(url, schema, [src], 0.0, "--resume")
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert json.loads(out.splitlines()[-1])["stored"] == 300
    after = check_consistent(url, schema)
    assert after == {"documents": 300, "claims": 300 * CLAIMS_PER_DOC}


def test_two_ingest_processes_at_once(ledger_target: tuple[str, str | None], tmp_path: Path) -> None:
    url, schema = ledger_target
    shared = corpus(tmp_path / "shared.jsonl", range(0, 80))
    a = corpus(tmp_path / "a.jsonl", range(100, 160))
    b = corpus(tmp_path / "b.jsonl", range(200, 260))
    p1 = spawn(url, schema, [shared, a], 0.002)
    p2 = spawn(url, schema, [shared, b], 0.002)
    results = []
    for p in (p1, p2):
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        results.append(json.loads(out.splitlines()[-1]))
    assert sum(r["stored"] for r in results) == 200  # each shared document stored by exactly one of them
    assert sum(r["skipped"] for r in results) == 80
    assert check_consistent(url, schema) == {"documents": 200, "claims": 200 * CLAIMS_PER_DOC}


def test_kill_9_of_the_real_cli_then_resume(tmp_path: Path) -> None:
    """`claimledger ingest` with the real extractor over real statements, killed, then resumed."""
    from tests.conftest import SHARED

    corpus_file = SHARED / "corpus" / "statements" / "president_gov_ua_2021-10_2022-06.jsonl"
    if not corpus_file.exists():
        pytest.skip(f"{corpus_file} not found")
    src = tmp_path / "statements.jsonl"
    with corpus_file.open(encoding="utf-8") as fh, src.open("w", encoding="utf-8") as out:
        for _, line in zip(range(40), fh, strict=False):
            out.write(line)
    url = f"sqlite:///{tmp_path / 'l.db'}"
    exe = str(Path(sys.executable).with_name("claimledger"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([exe, "ingest", str(src), "--db", url, "--no-reconcile"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while _count_docs(url, None) < 3:
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    from claimledger.store import Filter, Ledger

    def consistent() -> int:
        led = Ledger.open(url)
        docs = list(led.iter_rows("documents"))
        for d in docs:
            n = led.query("claims", [Filter("document_id", "eq", d["id"]), Filter("current", "in", "true,false")],
                          limit=1).total
            assert n == d["n_claims"], d
        led.close()
        return len(docs)

    killed_at = consistent()
    assert 3 <= killed_at < 40
    done = subprocess.run([exe, "ingest", str(src), "--db", url, "--resume"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "(resumed)" in done.stderr
    assert consistent() == 40


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    url_, schema_, delay_ = sys.argv[1], sys.argv[2], float(sys.argv[3])
    _worker(url_, schema_, [a for a in sys.argv[4:] if not a.startswith("--")], delay_)
