"""Documents in → stored claims → reconciled: the one path that every edge calls.

The CLI's `ingest`, the API's `POST /api/documents` and the demo call `ingest` (a batch of specs
or documents) or `submit` (one document described by a request); watch mode and distributed
workers are meant to call the same two functions. The store below knows nothing of extraction
or sources: this module reads the inputs (`sources`), extracts (`core`), stores (`store.repo`)
and reconciles (`reconcile`).

Isolation: every input fails on its own. Reading, decoding, the language and size checks,
sentence splitting, extraction and storing each turn a problem into a row of the `failures`
table (input, stage, reason) and the run goes on; the run ends "done" with its failures counted.

Every document is committed on its own together with its claims (one transaction), so an
interrupted run (Ctrl-C, `kill -9`, power cut) keeps every document it finished and never a
half-written one. A text already stored under the same identity is skipped *before* extraction,
which is what makes a second ingest of the same corpus cheap.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from claimledger import core
from claimledger.config import config_hash, get_settings
from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.reconcile import ReconcileReport, reconcile
from claimledger.sources import ReadOptions, read_sources
from claimledger.sources.http import HttpClient
from claimledger.sources.netguard import check_url
from claimledger.sources.validate import validate_text
from claimledger.store import DocumentRejected, Ledger, repo

DEFAULT_REPORT = "claimledger-failures.jsonl"
API_SOURCE = "POST /api/documents"
ProgressFn = Callable[["IngestCounts"], None]
ExtractFn = Callable[..., Iterator[core.DocResult]]


@dataclass(slots=True)
class IngestCounts:
    processed: int = 0
    stored: int = 0
    revisions: int = 0
    skipped: int = 0
    failed: int = 0
    claims: int = 0

    def as_run(self) -> dict[str, int]:
        return {"processed": self.processed, "stored": self.stored, "skipped": self.skipped, "failed": self.failed}


@dataclass(slots=True)
class IngestReport:
    run_id: int
    resumed: bool
    counts: IngestCounts
    failures: list[dict[str, Any]] = field(default_factory=list)
    report_path: str | None = None
    reconcile: ReconcileReport | None = None
    stored: list[repo.StoreResult] = field(default_factory=list)


def counts_dict(c: IngestCounts) -> dict[str, int]:
    return asdict(c)


class _Run:
    """The bookkeeping of one ingest run: counts, failures, progress, and what to extract."""

    def __init__(self, ledger: Ledger, run_id: int, resumed: bool, progress: ProgressFn | None,
                 reextract: bool) -> None:
        self.db = ledger.db
        self.run_id, self.resumed = run_id, resumed
        self.progress, self.reextract = progress, reextract
        self.counts = IngestCounts()
        self.stored: list[repo.StoreResult] = []

    def tick(self) -> None:
        if self.progress is not None:
            self.progress(self.counts)

    def fail(self, err: InputError) -> None:
        self.counts.processed += 1
        self.counts.failed += 1
        repo.record_failure(self.db, self.run_id, err.source, err.stage, err.reason)
        self.tick()

    def fresh(self, items: Iterable[Document | InputError]) -> Iterator[Document]:
        """Documents that need extraction; unreadable inputs and known texts are settled here."""
        for item in items:
            if isinstance(item, InputError):
                self.fail(item)
                continue
            known, by_run = repo.known_run(self.db, item)
            if not known or self.reextract:
                try:
                    yield core.check_document(item)  # field types and the publication date, before storing
                except InputError as e:
                    self.fail(e)
            elif not (self.resumed and by_run == self.run_id):  # a resumed run already counted its own
                self.counts.processed += 1
                self.counts.skipped += 1
                self.tick()

    def store(self, result: core.DocResult) -> None:
        """Store one extracted document (or record why it failed); never raises for one input."""
        if result.error is not None or result.document is None:
            self.fail(result.error or InputError("?", "no document", "extract"))
            return
        try:
            res = repo.store_document(self.db, result.document, result.claims, self.run_id)
            if res.status == "skipped" and self.reextract:
                res = repo.replace_claims(self.db, result.document, result.claims, self.run_id)
        except DocumentRejected as e:
            self.fail(InputError(result.document.id, str(e), "store"))
            return
        c = self.counts
        c.processed += 1
        if res.status in ("skipped", "reextracted"):
            c.skipped += 1
            c.claims += res.n_claims if res.status == "reextracted" else 0
        else:
            c.stored += 1
            c.revisions += res.status == "revision"
            c.claims += res.n_claims
        self.stored.append(res)
        self.tick()


def ingest(ledger: Ledger, specs: Sequence[str], *, read_options: ReadOptions | None = None, resume: bool = False,
           report: str | Path | None = None, progress: ProgressFn | None = None,
           extract: ExtractFn | None = None, batch_size: int = 16,
           documents: Iterable[Document | InputError] | None = None, reextract: bool = False,
           reconcile_after: bool = False, write_report: bool = True) -> IngestReport:
    """Ingest `specs` (files, folders, URLs, feeds, exports) into `ledger`.

    `documents` replaces reading `specs` (the API and the demo use it). `extract` defaults to
    `core.extract_documents` (one result per input, in order). With `reextract`, texts already
    stored are extracted again and their claims replaced when the extractor now finds other ones.
    `reconcile_after` brings groups and events up to date when anything was stored.
    """
    db = ledger.db
    run_id, resumed = repo.start_run(db, list(specs), config_hash(), resume=resume)
    run = _Run(ledger, run_id, resumed, progress, reextract)
    if resumed:
        prev = repo.run_counts(db, run_id)
        run.counts.stored, run.counts.skipped = repo.run_documents(db, run_id), prev.get("skipped", 0)
        run.counts.processed = run.counts.stored + run.counts.skipped
        repo.clear_failures(db, run_id)  # failed inputs are retried; they are recorded again if they fail
    items = documents if documents is not None else read_sources(specs, read_options)
    status = "interrupted"
    try:
        pending = run.fresh(items)
        first = next(pending, None)
        if first is not None:  # the extractor (spaCy, gazetteer) loads only when there is work
            results = (extract or core.extract_documents)(chain([first], pending), batch_size=batch_size)
            for n, result in enumerate(results):
                run.store(result)
                if n % 50 == 49:
                    repo.update_run_counts(db, run_id, run.counts.as_run())
        status = "done"
    finally:
        repo.finish_run(db, run_id, status, run.counts.as_run())
    failures = repo.run_failures(db, run_id)
    rec = reconcile(ledger) if reconcile_after and run.counts.stored + run.counts.claims else None
    return IngestReport(run_id=run_id, resumed=resumed, counts=run.counts, failures=failures,
                        report_path=_write_report(failures, report) if write_report else None,
                        reconcile=rec, stored=run.stored)


def _write_report(failures: list[dict[str, Any]], report: str | Path | None) -> str | None:
    """The failure report: JSON Lines (input, stage, reason, at); written when asked or when needed."""
    if report is None and not failures:
        return None
    path = Path(report or DEFAULT_REPORT)
    with path.open("w", encoding="utf-8") as fh:
        for f in failures:
            fh.write(json.dumps(f, ensure_ascii=False) + "\n")
    return str(path)


# ----------------------------------------------------------------------------------------------
# One document described by a request (the API's POST)
# ----------------------------------------------------------------------------------------------

@dataclass(slots=True)
class Submission:
    """A document to ingest: its text (and what is known about it), or only a URL to fetch."""

    text: str | None = None
    url: str | None = None
    published: str | None = None
    title: str | None = None
    speaker: str | None = None
    source: str | None = None
    id: str | None = None


@dataclass(slots=True)
class Submitted:
    status: str  # stored, revision, reextracted, skipped
    document_id: int | None
    claims: int


def submission_documents(sub: Submission, http: HttpClient | None = None,
                         max_bytes: int | None = None) -> Iterator[Document | InputError]:
    """The documents a submission describes: its text, or what its URL serves (fetched with
    `http`, the API's SSRF-guarded client), read by the same readers as the `ingest` command."""
    limit = max_bytes or get_settings().max_doc_bytes
    if sub.text and sub.text.strip():
        source = sub.id or sub.url or "request body"
        try:
            validate_text(source, sub.text, limit)
        except InputError as e:
            yield e
            return
        doc_id = sub.id or sub.url or f"api-{hashlib.sha256(sub.text.encode('utf-8')).hexdigest()[:16]}"
        yield Document(id=doc_id, text=sub.text, published=sub.published, url=sub.url, title=sub.title,
                       speaker=sub.speaker, source=sub.source)
        return
    if not sub.url:
        yield InputError("request body", "give 'text' or 'url'")
        return
    try:
        check_url(sub.url)  # only http(s): a request never names a file or folder of this machine
    except InputError as e:
        yield e
        return
    options = ReadOptions(published=sub.published, speaker=sub.speaker, source=sub.source, max_bytes=limit, http=http)
    for item in read_sources([sub.url], options):
        if isinstance(item, Document):
            item.id = sub.id or item.id
            item.title = sub.title or item.title
        yield item


def submit(ledger: Ledger, sub: Submission, http: HttpClient | None = None,
           max_bytes: int | None = None) -> list[Submitted]:
    """Ingest one submission through `ingest` (so it is a run with its failures recorded, like any
    other), reconcile, and say what became of it; the first failure is raised as InputError."""
    rep = ingest(ledger, [API_SOURCE], documents=submission_documents(sub, http, max_bytes), reconcile_after=True,
                 write_report=False)
    if rep.failures and not rep.stored and rep.counts.skipped == 0:
        f = rep.failures[0]
        raise InputError(f["input"], f["reason"], f["stage"])
    out = [Submitted(r.status, r.document_id, r.n_claims) for r in rep.stored]
    return out or [Submitted("skipped", None, 0)]


__all__ = ["ingest", "submit", "Submission", "Submitted", "IngestCounts", "IngestReport", "DEFAULT_REPORT",
           "counts_dict", "submission_documents"]
