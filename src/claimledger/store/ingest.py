"""Ingest: read sources, skip what is already stored, extract the rest, store each document.

Every document is committed on its own together with its claims (one transaction), so an
interrupted run (Ctrl-C, `kill -9`, power cut) keeps every document it finished and never a
half-written one. A text already stored under the same identity is skipped *before* extraction,
which is what makes a second ingest of the same corpus cheap. Failures (input, stage, reason)
go to the `failures` table and to a JSON Lines report written at the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.store import Ledger, repo

DEFAULT_REPORT = "claimledger-failures.jsonl"
ProgressFn = Callable[["IngestCounts"], None]
ExtractFn = Callable[..., Iterator[Any]]


@dataclass(slots=True)
class IngestCounts:
    processed: int = 0
    stored: int = 0
    revisions: int = 0
    skipped: int = 0
    failed: int = 0
    claims: int = 0


@dataclass(slots=True)
class IngestReport:
    run_id: int
    resumed: bool
    counts: IngestCounts
    failures: list[dict[str, Any]] = field(default_factory=list)
    report_path: str | None = None
    reconcile: dict[str, Any] | None = None


def config_hash(extra: dict[str, Any] | None = None) -> str:
    """A hash of the settings that shape the ledger's content (model, gazetteer, sides, rules)."""
    from claimledger import __version__
    from claimledger.config import get_settings

    s = get_settings()
    cfg = {"spacy_model": s.spacy_model, "gazetteer": str(s.gazetteer_path), "sides": str(s.user_sides or ""),
           "max_doc_bytes": s.max_doc_bytes, "version": __version__, **(extra or {})}
    return hashlib.sha256(json.dumps(cfg, sort_keys=True, default=str).encode()).hexdigest()[:16]


def ingest(ledger: Ledger, specs: Sequence[str], *, read_options: Any = None, resume: bool = False,
           report: str | Path | None = None, progress: ProgressFn | None = None,
           extract: ExtractFn | None = None, batch_size: int = 16,
           documents: Iterable[Document | InputError] | None = None, reextract: bool = False) -> IngestReport:
    """Ingest `specs` (files, folders, URLs, feeds, exports) into `ledger`.

    `documents` replaces reading `specs` (the API's POST uses it). `extract` defaults to
    `claimledger.core.extract_documents` (one result per input, in order). With `reextract`, texts already
    stored are extracted again and their claims replaced when the extractor now finds different ones.
    """
    db = ledger.db
    run_id, resumed = repo.start_run(db, list(specs), config_hash(), resume=resume)
    counts = IngestCounts()
    if resumed:
        prev = repo.run_counts(db, run_id)
        counts.stored, counts.skipped = repo.run_documents(db, run_id), prev.get("skipped", 0)
        counts.processed = counts.stored + counts.skipped
        repo.clear_failures(db, run_id)  # failed inputs are retried; they are recorded again if they fail
    if extract is None:
        from claimledger.core import extract_documents

        run_extract: ExtractFn = extract_documents
    else:
        run_extract = extract
    if documents is None:
        from claimledger.sources import read_sources

        documents = read_sources(specs, read_options)

    def tick() -> None:
        if progress is not None:
            progress(counts)

    def fail(err: InputError) -> None:
        counts.processed += 1
        counts.failed += 1
        repo.record_failure(db, run_id, err.source, err.stage, err.reason)
        tick()

    def fresh() -> Iterator[Document]:
        """Documents that need extraction; unreadable inputs and known texts are settled here."""
        for item in documents:
            if isinstance(item, InputError):
                fail(item)
            else:
                known, by_run = repo.known_run(db, item)
                if not known or reextract:
                    yield item
                elif not (resumed and by_run == run_id):  # a resumed run already counted its own
                    counts.processed += 1
                    counts.skipped += 1
                    tick()

    status = "interrupted"
    try:
        pending = fresh()
        first = next(pending, None)
        if first is not None:  # the extractor (spaCy, gazetteer) loads only when there is work
            results = run_extract(chain([first], pending), batch_size=batch_size)
            for n, result in enumerate(results):
                if result.error is not None or result.document is None:
                    fail(result.error or InputError("?", "no document", "extract"))
                    continue
                counts.processed += 1
                res = repo.store_document(db, result.document, result.claims, run_id)
                if res.status == "skipped" and reextract:
                    res = repo.replace_claims(db, result.document, result.claims, run_id)
                    if res.status == "reextracted":
                        counts.claims += res.n_claims
                if res.status in ("skipped", "reextracted"):
                    counts.skipped += 1
                else:
                    counts.stored += 1
                    counts.revisions += res.status == "revision"
                    counts.claims += res.n_claims
                tick()
                if n % 50 == 49:
                    repo.update_run_counts(db, run_id, _run_counts(counts))
        status = "done"
    finally:
        repo.finish_run(db, run_id, status, _run_counts(counts))
    failures = repo.run_failures(db, run_id)
    path = _write_report(failures, report)
    return IngestReport(run_id=run_id, resumed=resumed, counts=counts, failures=failures, report_path=path)


def _run_counts(c: IngestCounts) -> dict[str, int]:
    return {"processed": c.processed, "stored": c.stored, "skipped": c.skipped, "failed": c.failed}


def _write_report(failures: list[dict[str, Any]], report: str | Path | None) -> str | None:
    """The failure report: JSON Lines (input, stage, reason, at); written when asked or when needed."""
    if report is None and not failures:
        return None
    path = Path(report or DEFAULT_REPORT)
    with path.open("w", encoding="utf-8") as fh:
        for f in failures:
            fh.write(json.dumps(f, ensure_ascii=False) + "\n")
    return str(path)


def counts_dict(c: IngestCounts) -> dict[str, int]:
    return asdict(c)


class RichProgress:
    """A rich progress display (on stderr) counting processed, stored, skipped and failed inputs."""

    def __init__(self, total: int | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(), TextColumn("ingest"), BarColumn(),
            TextColumn("{task.fields[processed]} processed · {task.fields[stored]} stored · "
                       "{task.fields[skipped]} skipped · {task.fields[failed]} failed · {task.fields[claims]} claims"),
            TimeElapsedColumn(), console=Console(stderr=True), transient=False)
        self._task = self._progress.add_task("ingest", total=total, processed=0, stored=0, skipped=0, failed=0,
                                             claims=0)

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, c: IngestCounts) -> None:
        self._progress.update(self._task, completed=c.processed, processed=c.processed, stored=c.stored,
                              skipped=c.skipped, failed=c.failed, claims=c.claims)
