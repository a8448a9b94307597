"""`make demo` (python -m claimledger.demo): the sample articles go into the SQLite ledger, their
claims are printed, and the dashboard is served unless DEMO_SERVE=0."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimledger import demo
from claimledger.errors import InputError
from claimledger.store import Ledger


def test_demo_ingests_prints_and_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("CLAIMLEDGER_DB", db)
    served: list[str] = []
    monkeypatch.setattr(demo, "serve_dashboard", served.append)
    inputs = list(demo.read_articles(demo.articles_dir()))
    n_docs = sum(not isinstance(d, InputError) for d in inputs)

    monkeypatch.setenv("DEMO_SERVE", "0")
    assert demo.main([]) == 0
    out = capsys.readouterr().out
    assert f"{n_docs} documents" in out and "Claims in examples/articles/" in out
    assert served == []
    with Ledger.open(db) as led:
        assert led.query("documents", []).total == n_docs
        n_claims = led.query("claims", []).total
    assert n_claims and f"{n_claims} claims" in out

    monkeypatch.delenv("DEMO_SERVE")
    assert demo.main([]) == 0  # a second demo skips what is stored and serves the same ledger
    assert served == [db]
    with Ledger.open(db) as led:
        assert led.query("documents", []).total == n_docs
        assert led.query("claims", []).total == n_claims
