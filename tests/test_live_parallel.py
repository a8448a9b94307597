"""`ingest --workers 2` stores the same claims as a serial run, through the CLI, with the real
extractor in two spawned worker processes (about half a minute: each worker loads spaCy)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from click.testing import CliRunner

from claimledger.cli import main
from claimledger.errors import InputError
from claimledger.live.parallel import ParallelExtractor, batches

# our own sentences, varied enough that claims, places and dates differ between documents
SENTENCES = [
    "The regional governor said on Monday that {n} civilians were killed when a missile hit a market in Kharkiv.",
    "Ukraine's General Staff said its forces killed {n} Russian soldiers near Pokrovsk on Tuesday.",
    "Russia's defence ministry said {n} Ukrainian servicemen were killed in fighting near Kupiansk.",
    "Officials in Zaporizhzhia said {n} people were wounded in an overnight drone attack on the city.",
    "The army said {n} tanks were destroyed near Avdiivka, according to a statement on Wednesday.",
]


def _corpus(tmp: Path, n: int) -> str:
    rows = []
    for i in range(n):
        text = " ".join(SENTENCES[(i + k) % len(SENTENCES)].format(n=3 + i + k) for k in range(3))
        rows.append({"id": f"p{i}", "text": text, "published": f"2025-02-{1 + i % 27:02d}",
                     "url": f"https://example.org/p{i}"})
    path = tmp / "docs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _claims(db: str) -> list[str]:
    res = CliRunner().invoke(main, ["claims", "--db", db, "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    return sorted(line for line in res.stdout.splitlines() if line.strip())


def test_two_workers_store_what_one_stores(tmp_path: Path) -> None:
    src = _corpus(tmp_path, 24)
    serial, parallel = f"sqlite:///{tmp_path}/serial.db", f"sqlite:///{tmp_path}/parallel.db"
    runner = CliRunner()
    one = runner.invoke(main, ["ingest", src, "--db", serial])
    two = runner.invoke(main, ["ingest", src, "--db", parallel, "--workers", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, (one.output, two.output)
    assert "24 stored" in two.stderr
    want = _claims(serial)
    assert len(want) >= 24
    assert _claims(parallel) == want
    again = runner.invoke(main, ["ingest", src, "--db", parallel, "--workers", "2"])
    assert "0 stored" in again.stderr and "24 skipped" in again.stderr  # idempotent, no extraction
    assert _claims(parallel) == want


def test_batches_and_bad_worker_counts() -> None:
    assert [len(b) for b in batches(iter(range(10)), 4)] == [4, 4, 2]  # type: ignore[arg-type]
    try:
        ParallelExtractor(0)
    except ValueError as e:
        assert "--workers" in str(e)
    else:
        raise AssertionError("0 workers accepted")


def test_input_errors_cross_process_boundaries() -> None:
    err = pickle.loads(pickle.dumps(InputError("a.txt", "not UTF-8", "read", retryable=True)))
    assert (err.source, err.reason, err.stage, err.retryable) == ("a.txt", "not UTF-8", "read", True)
