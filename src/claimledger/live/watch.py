"""Watch mode: follow feeds, pages and folders, and ingest what is new minutes after it appears.

Each source is polled every `interval` seconds. A URL is fetched with a conditional request
(If-None-Match / If-Modified-Since from the last answer): an unchanged feed or page costs one
304 and nothing else. A changed feed is read item by item, and an item whose address is already
stored is passed over before its page is fetched. A folder or file (a Telegram export, a folder
of texts) is read again when the names, sizes or times of its files change. New documents go
through `service.ingest` (the same skips, failures and runs as the `ingest` command) with an
incremental reconcile, so they are queryable when the poll ends.

State lives in the ledger (`watch_sources`): a restarted watcher continues where it stopped and
stores nothing twice. A source that fails is retried with exponential backoff (capped), without
stopping the others or the loop; `stop` (an Event, set on SIGINT/SIGTERM by the CLI) ends the
loop between two sources.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from claimledger import service
from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources import ReadOptions, read_sources
from claimledger.sources.registry import is_url
from claimledger.sources.url import client_of, fetched_documents
from claimledger.store import Ledger
from claimledger.store import live as state

MAX_BACKOFF = 3600.0  # seconds: a source failing for hours is still tried hourly


@dataclass(slots=True)
class Poll:
    """What one poll of one source did."""

    source: str
    changed: bool = False
    stored: int = 0
    claims: int = 0
    error: str | None = None


@dataclass(slots=True)
class WatchReport:
    cycles: int = 0
    stored: int = 0
    claims: int = 0
    errors: int = 0


def now() -> datetime:
    return datetime.now(UTC)


def fingerprint(path: str) -> str:
    """Names, sizes and modification times of a file or of every file under a folder."""
    p = Path(path)
    files = [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.is_file())
    h = hashlib.sha256()
    for f in files:
        st = f.stat()
        h.update(f"{f.relative_to(p) if f != p else f.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _known(ledger: Ledger) -> Callable[[str], bool]:
    return lambda address: (state.address_known(ledger.db, address.strip())
                            or state.address_known(ledger.db, f"id:{address}"))


def _changes(ledger: Ledger, spec: str, last: dict[str, Any] | None,
             options: ReadOptions) -> tuple[Iterator[Document | InputError] | None, dict[str, Any]]:
    """(documents to ingest, or None when nothing changed; the state to save)."""
    last = last or {}
    if is_url(spec):
        headers = {}
        if last.get("etag"):
            headers["If-None-Match"] = last["etag"]
        if last.get("last_modified"):
            headers["If-Modified-Since"] = last["last_modified"]
        answer = client_of(options).get(spec, options.max_bytes, headers=headers)
        if answer.status == 304:
            return None, {}
        new = {"etag": answer.etag, "last_modified": answer.last_modified}
        return fetched_documents(spec, answer, options), new
    if not Path(spec).exists():
        raise InputError(spec, "no such file or folder", "watch")
    fp = fingerprint(spec)
    if fp == last.get("fingerprint"):
        return None, {}
    return read_sources([spec], options), {"fingerprint": fp}


def poll(ledger: Ledger, spec: str, options: ReadOptions) -> Poll:
    """Poll one source once: ingest (and reconcile) what is new; record the outcome and when to
    poll it next is the caller's (`watch`)."""
    result = Poll(spec)
    docs, new_state = _changes(ledger, spec, state.watch_state(ledger.db, spec), options)
    if docs is None:
        return result
    result.changed = True
    rep = service.ingest(ledger, [spec], documents=docs, reconcile_after=True, write_report=False)
    result.stored, result.claims = rep.counts.stored, rep.counts.claims
    # the validators are kept only once everything is stored: an item that failed (a page that did not
    # answer) is tried again at the next poll instead of waiting for the feed's next change
    state.save_watch_state(ledger.db, spec, last_changed=now(), **(new_state if rep.counts.failed == 0 else {}))
    return result


def _next_poll(ledger: Ledger, spec: str) -> datetime | None:
    last = state.watch_state(ledger.db, spec)
    return state.as_utc(last.get("next_poll")) if last else None


def _wait(ledger: Ledger, specs: Sequence[str], interval: float) -> float:
    """Seconds until the first source is due (at most `interval`)."""
    due = [n for n in (_next_poll(ledger, s) for s in specs) if n is not None]
    if len(due) < len(specs):
        return 0.0
    return max(0.0, min(interval, (min(due) - now()).total_seconds()))


def _record(ledger: Ledger, spec: str, interval: float, error: str | None, started: datetime) -> None:
    """When to poll `spec` next: `interval` after this poll began, or after a backoff that doubles
    per consecutive failure."""
    errors = 0
    if error is not None:
        last = state.watch_state(ledger.db, spec) or {}
        errors = int(last.get("errors") or 0) + 1
    wait = interval if error is None else min(MAX_BACKOFF, interval * 2 ** errors)
    state.save_watch_state(ledger.db, spec, last_polled=now(), errors=errors, last_error=error,
                           next_poll=started + timedelta(seconds=wait))


def watch(ledger: Ledger, specs: Sequence[str], *, interval: float = 60.0, options: ReadOptions | None = None,
          stop: threading.Event | None = None, max_cycles: int | None = None,
          on_poll: Callable[[Poll], None] | None = None, poll_now: bool = False) -> WatchReport:
    """Poll every source in turn, every `interval` seconds, until `stop` is set (or `max_cycles`).
    A restarted watcher keeps each source's schedule (and backoff); `poll_now` polls them all at
    once in the first cycle (`watch --once`)."""
    stop = stop or threading.Event()
    base = options or ReadOptions()
    opts = replace(base, seen=base.seen or _known(ledger))
    rep = WatchReport()
    while not stop.is_set() and (max_cycles is None or rep.cycles < max_cycles):
        for spec in specs:
            if stop.is_set():
                break
            nxt = _next_poll(ledger, spec)
            if nxt is not None and nxt > now() and not (poll_now and rep.cycles == 0):
                continue
            started = now()
            try:
                p = poll(ledger, spec, opts)
            except InputError as e:  # the source itself failed (fetch, missing folder): back off
                p = Poll(spec, error=e.reason)
            except Exception as e:  # noqa: BLE001 - one source's trouble (a database hiccup too) never ends the loop
                p = Poll(spec, error=f"{type(e).__name__}: {e}")
            _record(ledger, spec, interval, p.error, started)
            rep.stored, rep.claims, rep.errors = rep.stored + p.stored, rep.claims + p.claims, rep.errors + bool(p.error)
            if on_poll is not None:
                on_poll(p)
        rep.cycles += 1
        if max_cycles is None or rep.cycles < max_cycles:
            stop.wait(max(0.05, _wait(ledger, specs, interval)))
    return rep


__all__ = ["watch", "poll", "Poll", "WatchReport", "fingerprint", "MAX_BACKOFF"]
