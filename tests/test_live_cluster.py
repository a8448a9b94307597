"""Distributed ingest on Dask: a LocalCluster of two worker processes, and a cluster started with
the `dask scheduler` / `dask worker` commands on 127.0.0.1 whose worker is killed mid-run.

Both ingest into PostgreSQL when it is reachable (SQLite otherwise for the LocalCluster test) and
compare `claims --format jsonl` (order-insensitive) with a serial ingest. Each worker loads the
extractor once, so these tests take a minute or two on two cores.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.conftest import PG_URL, drop_pg_schema, pg_unavailable
from tests.test_live_parallel import _claims, _corpus

from claimledger.cli import main
from claimledger.live.cluster import DaskExtractor
from claimledger.service import ingest
from claimledger.store import Ledger

distributed = pytest.importorskip("distributed")
SRC = str(Path(__file__).resolve().parents[1] / "src")


@pytest.fixture
def target(tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(ledger URL, PostgreSQL schema) — PostgreSQL when reachable, as a cluster would use."""
    if pg_unavailable():
        yield f"sqlite:///{tmp_path}/dask.db", None
        return
    schema = f"t_dask_{uuid.uuid4().hex[:8]}"
    try:
        yield PG_URL, schema
    finally:
        drop_pg_schema(schema)


def _serial(tmp_path: Path, src: str) -> list[str]:
    db = f"sqlite:///{tmp_path}/serial.db"
    res = CliRunner().invoke(main, ["ingest", src, "--db", db])
    assert res.exit_code == 0, res.output
    return _claims(db)


def _claims_of(url: str, schema: str | None, tmp_path: Path) -> list[str]:
    """`claims --format jsonl` of a ledger (a PostgreSQL schema is copied out through the CLI's
    own export path by pointing the search_path at it)."""
    if schema is None:
        return _claims(url)
    db = f"{url}?options=-csearch_path%3D{schema}"
    return _claims(db)


def test_local_cluster_stores_what_a_serial_run_stores(tmp_path: Path, target: tuple[str, str | None]) -> None:
    src = _corpus(tmp_path, 16)
    url, schema = target
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        with Ledger.open(url, schema=schema) as ledger:
            rep = ingest(ledger, [src], extract=DaskExtractor(cluster.scheduler_address, partition=4),
                         reconcile_after=True, write_report=False)
    assert rep.counts.stored == 16 and rep.counts.failed == 0
    assert rep.reconcile is not None and rep.reconcile.claims == rep.counts.claims
    assert _claims_of(url, schema, tmp_path) == _serial(tmp_path, src)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)


def _dask_cli() -> list[str]:
    exe = Path(sys.executable).with_name("dask")
    return [str(exe)] if exe.exists() else [shutil.which("dask") or "dask"]


def test_a_worker_killed_mid_run_loses_nothing_and_stores_nothing_twice(
        tmp_path: Path, target: tuple[str, str | None]) -> None:
    src = _corpus(tmp_path, 32)
    url, schema = target
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(_start([*_dask_cli(), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                             "--no-dashboard"], tmp_path / "scheduler.log"))
        workers = [_start([*_dask_cli(), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                           "--host", "127.0.0.1", "--name", f"w{i}"], tmp_path / f"worker{i}.log")
                   for i in range(2)]
        procs += workers
        _wait_for_workers(address, 2)
        killed: list[int] = []
        lost: list[int] = []

        def kill_one(counts: Any) -> None:  # once the first partition is stored, kill a busy worker
            if counts.processed < 4 or killed:
                return
            with distributed.Client(address, timeout="10s") as client:
                names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
                busy = {names[a]: len(tasks) for a, tasks in client.processing().items()}
            name = max(busy, key=lambda n: busy[n])
            victim = workers[int(str(name)[1:])]
            victim.send_signal(signal.SIGKILL)
            killed.append(victim.pid)
            lost.append(busy[name])

        with Ledger.open(url, schema=schema) as ledger:
            rep = ingest(ledger, [src], extract=DaskExtractor(address, partition=4), progress=kill_one,
                         reconcile_after=True, write_report=False)
            identities = [r["url"] for r in ledger.iter_rows("documents")]
        assert killed and lost[0] >= 1  # it held partitions, which ran again elsewhere
        assert sum(w.poll() is not None for w in workers) == 1
        assert rep.counts.stored == 32 and rep.counts.failed == 0
        assert sorted(identities) == sorted(set(identities)) and len(identities) == 32  # each stored once
        assert _claims_of(url, schema, tmp_path) == _serial(tmp_path, src)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def _wait_for_workers(address: str, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with distributed.Client(address, timeout="5s") as client:
                client.wait_for_workers(n, timeout=max(1.0, deadline - time.monotonic()))
                return
        except (OSError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
