"""The command line. Only this module knows about arguments and exit codes: the library raises
domain exceptions (`claimledger.errors`), and here they become one-line messages.

Layout (so that adding a command is one small, separate edit):
  1. shared options — defined ONCE below; reuse them (`@db_option`, `@format_option(...)`,
     `@read_options`, `@paths_argument`) instead of redeclaring flags;
  2. shared helpers — `library_errors()` (domain error → click message), `BatchTally`
     (per-input error lines and the end-of-run count);
  3. the `main` group;
  4. one section per command, each a `@main.command()` function. To add a command, append a
     new section at the end (or add a sub-group, e.g. `@main.group() def gazetteer()`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import click

from claimledger import __version__
from claimledger.errors import ClaimledgerError, InputError
from claimledger.render import printable

F = TypeVar("F", bound=Callable[..., Any])

# ---------------------------------------------------------------------------------------------
# 1. Shared options (defined once; reuse them in every command that needs them)
# ---------------------------------------------------------------------------------------------

FORMATS = ("table", "jsonl", "json")


def db_option(fn: F) -> F:
    """--db URL of the ledger (SQLAlchemy URL); default from CLAIMLEDGER_DB / settings."""
    return click.option(
        "--db", "db_url", metavar="URL", envvar="CLAIMLEDGER_DB", default=None, show_envvar=True,
        help="Ledger database URL (sqlite:///file.db or postgresql+psycopg://…). "
             "Default: settings (sqlite:///claimledger.db).",
    )(fn)


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    """--format with the given choices (default: table, jsonl, json)."""
    options = choices or FORMATS

    def deco(fn: F) -> F:
        return click.option(
            "--format", "fmt", type=click.Choice(options, case_sensitive=False), default=default,
            show_default=True, help="Output format.",
        )(fn)

    return deco


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    return value


def read_options(fn: F) -> F:
    """--published, --speaker, --source, --max-bytes: defaults for documents read from PATHs.
    The command receives them as `published`, `speaker`, `source`, `max_bytes`; build a
    `ReadOptions` with `make_read_options(...)`."""
    for opt in reversed([
        click.option("--published", metavar="DATE", callback=_iso_date, default=None,
                     help="Publication date (YYYY-MM-DD) for documents that do not carry one."),
        click.option("--speaker", metavar="NAME", default=None,
                     help="Speaker of addresses/statements that do not name one (e.g. 'Volodymyr Zelensky')."),
        click.option("--source", "source", metavar="NAME", default=None,
                     help="Outlet name to record for every document (overrides the page's site name)."),
        click.option("--max-bytes", type=click.IntRange(min=1), default=None,
                     help="Largest document accepted, in bytes (default 20,000,000)."),
    ]):
        fn = opt(fn)
    return fn


def paths_argument(fn: F) -> F:
    """PATH ...: files, folders, '-' for stdin, or URLs; none means stdin."""
    return click.argument("paths", nargs=-1, metavar="[PATH ...]")(fn)


def make_read_options(published: str | None, speaker: str | None, source: str | None,
                      max_bytes: int | None) -> Any:
    from claimledger.config import get_settings
    from claimledger.sources import ReadOptions

    return ReadOptions(published=published, speaker=speaker, source=source,
                       max_bytes=max_bytes or get_settings().max_doc_bytes)


# ---------------------------------------------------------------------------------------------
# 2. Shared helpers
# ---------------------------------------------------------------------------------------------

@contextmanager
def library_errors() -> Iterator[None]:
    """Turn a domain exception escaping the library into a one-line click error (exit 1), and a
    closed stdout (`claimledger extract … | head`) into a quiet exit instead of a traceback."""
    try:
        yield
    except click.ClickException:
        raise
    except ClaimledgerError as e:
        raise click.ClickException(str(e)) from None
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python flushes stdout at exit: point it nowhere
        sys.exit(141)


def echo_error(e: InputError) -> None:
    """The one line per failed input: `error: <input>: <reason>` on stderr."""
    click.echo(f"error: {printable(e.source)}: {printable(e.reason)}", err=True)


@dataclass
class BatchTally:
    """Counts of a batch run; `finish()` prints the summary and applies the exit-code rule:
    non-zero only when nothing at all could be read."""

    documents: int = 0
    claims: int = 0
    failures: int = 0

    def failed(self, e: InputError) -> None:
        self.failures += 1
        echo_error(e)

    def summary(self) -> str:
        def n(k: int, word: str) -> str:
            return f"{k:,} {word}{'' if k == 1 else 's'}"

        return f"{n(self.documents, 'document')}, {n(self.claims, 'claim')}, {n(self.failures, 'failure')}"

    def finish(self, command: str) -> None:
        click.echo(f"{command}: {self.summary()}", err=True)
        if self.documents == 0:
            if self.failures == 0:
                click.echo(f"{command}: no input documents", err=True)
            sys.exit(1)


# ---------------------------------------------------------------------------------------------
# 3. The group
# ---------------------------------------------------------------------------------------------

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimledger")
def main() -> None:
    """claimledger: war reporting in, a ledger of attributed casualty and equipment claims out."""


# ---------------------------------------------------------------------------------------------
# 4. Commands (one section each)
# ---------------------------------------------------------------------------------------------

# --- extract ---------------------------------------------------------------------------------

@main.command()
@paths_argument
@read_options
@format_option()
def extract(paths: tuple[str, ...], published: str | None, speaker: str | None, source: str | None,
            max_bytes: int | None, fmt: str) -> None:
    """Print the claims found in PATH ... (JSON Lines, .txt, .html, folders, '-' = stdin).

    Bad inputs print `error: <input>: <reason>` and the run goes on; the exit code is
    non-zero only when no document could be read at all.
    """
    from claimledger.sources import read_sources

    opts = make_read_options(published, speaker, source, max_bytes)
    if (not paths or "-" in paths) and sys.stdin.isatty():
        click.echo("extract: reading a document from stdin (end with Ctrl-D)", err=True)
    tally = BatchTally()
    fmt = fmt.lower()
    table_claims: list[Any] = []
    first_json = True
    with library_errors():
        from claimledger.core import extract_documents

        if fmt == "json":
            click.echo("[")
        for result in extract_documents(read_sources(paths or ("-",), opts)):
            if result.error is not None:
                tally.failed(result.error)
                continue
            tally.documents += 1
            tally.claims += len(result.claims)
            for c in result.claims:
                if fmt == "jsonl":
                    click.echo(json.dumps(c.to_dict(), ensure_ascii=False))
                elif fmt == "json":
                    sep = "  " if first_json else ", "
                    first_json = False
                    click.echo(sep + json.dumps(c.to_dict(), ensure_ascii=False))
                else:
                    table_claims.append(c)
        if fmt == "json":
            click.echo("]")
    if fmt == "table" and table_claims:
        from rich.console import Console

        from claimledger.render import claims_table

        console = Console()
        if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
            console = Console(width=160)
        console.print(claims_table(table_claims, show_doc=True))
    tally.finish("extract")


# --- serve -----------------------------------------------------------------------------------

@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="TCP port.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes sharing the port (use about one per core).")
def serve(db_url: str | None, host: str, port: int, workers: int) -> None:
    """Serve the JSON API (/api/…, /openapi.json) and the dashboard (/) over the ledger.

    Reads are public; POST /api/documents needs `Authorization: Bearer $CLAIMLEDGER_TOKEN`
    (without CLAIMLEDGER_TOKEN the server is read-only). Map tiles only with CLAIMLEDGER_TILE_URL.
    """
    from claimledger.api.server import run

    with library_errors():
        run(db_url, host, port, echo=lambda m: click.echo(m, err=True), workers=workers)


# --- gazetteer -------------------------------------------------------------------------------

@main.group()
def gazetteer() -> None:
    """Offline gazetteer: import full GeoNames country dumps (villages) for geocoding."""


@gazetteer.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--db", "db_path", default=None, type=click.Path(dir_okay=False, path_type=str),
              help="Gazetteer SQLite file (default: $CLAIMLEDGER_GAZETTEER or $CLAIMLEDGER_HOME/gazetteer.sqlite).")
def gazetteer_import(files: tuple[str, ...], db_path: str | None) -> None:
    """Import GeoNames dumps (UA.txt, RU.zip, … from download.geonames.org/export/dump/).

    Re-importing a country replaces its rows. Prints the counts per file; a file that is not a
    GeoNames dump is reported and the rest are still imported (exit 1 only when none could be).
    """
    from pathlib import Path

    from claimledger.config import get_settings
    from claimledger.errors import GazetteerError
    from claimledger.normalize.places import import_geonames_detailed

    target = Path(db_path) if db_path else get_settings().gazetteer_path
    ok = failed = 0
    for f in files:
        try:
            r = import_geonames_detailed(Path(f), target)
        except GazetteerError as e:
            failed += 1
            click.echo(f"error: {e}", err=True)
            continue
        ok += 1
        click.echo(f"{f}: {r.imported:,} places imported ({', '.join(sorted(r.countries)) or 'no country'}), "
                   f"{r.skipped:,} other features skipped, {r.malformed:,} malformed rows, {r.seconds:.1f} s")
    click.echo(f"gazetteer import: {ok} file{'s' if ok != 1 else ''} imported into {target}, {failed} failed",
               err=True)
    if ok == 0:
        sys.exit(1)


# --- the ledger: ingest, reconcile, claims, events, export -----------------------------------
# (bodies live in claimledger.store / reconcile / export; these functions only parse flags)

def _csv_floats(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[float, ...] | None:
    if value is None:
        return None
    try:
        parts = tuple(float(v) for v in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4:
        raise click.BadParameter("expected WEST,SOUTH,EAST,NORTH (four numbers)")
    return parts


def ledger_filter_options(fn: F) -> F:
    """--since/--until/--party/--perpetrator/--side/--kind/--place/--admin1/--bbox/--min-quantity/--precision/
    --language."""
    for opt in reversed([
        click.option("--since", metavar="DATE", callback=_iso_date, help="Losses on or after DATE."),
        click.option("--until", metavar="DATE", callback=_iso_date, help="Losses on or before DATE."),
        click.option("--party", multiple=True, help="Victim party (repeatable), e.g. Russia."),
        click.option("--perpetrator", multiple=True,
                     help="Who the text says caused the loss (repeatable), e.g. Russia."),
        click.option("--side", multiple=True, help="Claimant side (repeatable)."),
        click.option("--kind", multiple=True, help="Claim kind (repeatable), e.g. killed."),
        click.option("--place", help="Place name contains TEXT."),
        click.option("--admin1", help="Province/oblast, e.g. 'Donetsk Oblast'."),
        click.option("--bbox", callback=_csv_floats, metavar="W,S,E,N", help="Bounding box in degrees."),
        click.option("--min-quantity", type=int, help="Claims of at least N (the larger known bound)."),
        click.option("--precision", multiple=True, help="Location precision (point, admin2, admin1, ...)."),
        click.option("--language", multiple=True,
                     help="Language of the claim's document (repeatable; ISO 639-1: en, ru, uk; claims only)."),
    ]):
        fn = opt(fn)
    return fn


def _open_ledger(db_url: str | None) -> Any:
    from claimledger.store import Ledger

    return Ledger.open(db_url)


def _ledger_filters(table: str, **kw: Any) -> Any:
    from claimledger.export import build_filters

    return build_filters(table=table, **kw)


@main.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE ...")
@db_option
@read_options
@click.option("--resume", is_flag=True, help="Continue the latest unfinished run over the same sources.")
@click.option("--report", type=click.Path(dir_okay=False), default=None,
              help="Failure report (JSON Lines). Default: claimledger-failures.jsonl when anything failed.")
@click.option("--no-reconcile", is_flag=True, help="Skip the incremental reconcile after ingesting.")
@click.option("--reextract", is_flag=True,
              help="Extract texts already stored again (after an upgrade) and replace their claims when they differ.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Extract in N processes on this machine (one writer stores the results in order).")
@click.option("--dask", "scheduler", metavar="tcp://HOST:8786", default=None,
              help="Extract on a Dask cluster (dask.distributed scheduler address); this process stores.")
def ingest(sources: tuple[str, ...], db_url: str | None, published: str | None, speaker: str | None,
           source: str | None, max_bytes: int | None, resume: bool, report: str | None, no_reconcile: bool,
           reextract: bool, workers: int, scheduler: str | None) -> None:
    """Read SOURCE ... (files, folders, JSON Lines, feeds, URLs, Telegram exports) into the ledger."""
    opts = make_read_options(published, speaker, source, max_bytes)
    with library_errors():
        from claimledger import service

        ledger = _open_ledger(db_url)
        extract = _extractor(workers, scheduler)
        try:
            with RichProgress() as progress:
                rep = service.ingest(ledger, list(sources), read_options=opts, resume=resume, report=report,
                                     progress=progress, reextract=reextract, reconcile_after=not no_reconcile,
                                     extract=extract)
        except KeyboardInterrupt:
            click.echo("ingest: interrupted; every finished document is stored. "
                       "Run the same command with --resume to continue.", err=True)
            sys.exit(130)
        _print_ingest(rep)
        ledger.close()
    if rep.counts.processed == 0 or rep.counts.failed == rep.counts.processed:
        sys.exit(1)


def _extractor(workers: int, scheduler: str | None) -> Any:
    """Where documents are extracted: here (None), in N local processes, or on a Dask cluster."""
    if scheduler:
        from claimledger.live.cluster import DaskExtractor

        return DaskExtractor(scheduler)
    if workers > 1:
        from claimledger.live.parallel import ParallelExtractor

        return ParallelExtractor(workers)
    return None


def _print_ingest(rep: Any) -> None:
    """The failures (one `error:` line each, the first 20), the reconcile line and the run's counts."""
    for f in rep.failures[:20]:
        click.echo(f"error: {printable(f['input'])}: {printable(f['reason'])} ({f['stage']})", err=True)
    if len(rep.failures) > 20:
        click.echo(f"... {len(rep.failures) - 20} more failures", err=True)
    if rep.reconcile is not None:
        rec = rep.reconcile
        click.echo(f"reconcile: {rec.claims} new claims, {rec.groups_touched} groups, "
                   f"{rec.events_touched} events, {rec.tallies} tallies, {rec.near_dups} near-duplicates", err=True)
    c = rep.counts
    click.echo(f"ingest: run {rep.run_id}{' (resumed)' if rep.resumed else ''} completed: {c.processed} processed, "
               f"{c.stored} stored ({c.revisions} revisions), {c.skipped} skipped, {c.failed} failed, "
               f"{c.claims} claims" + (f"; failures in {rep.report_path}" if rep.report_path else ""), err=True)


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

    def __call__(self, c: Any) -> None:
        self._progress.update(self._task, completed=c.processed, processed=c.processed, stored=c.stored,
                              skipped=c.skipped, failed=c.failed, claims=c.claims)


@main.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE ...")
@db_option
@read_options
@click.option("--interval", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds between two polls of a source.")
@click.option("--once", is_flag=True, help="Poll every source once, then exit.")
def watch(sources: tuple[str, ...], db_url: str | None, published: str | None, speaker: str | None,
          source: str | None, max_bytes: int | None, interval: float, once: bool) -> None:
    """Follow SOURCE ... (RSS/Atom feeds, pages, folders, Telegram exports): ingest what is new.

    State is kept in the ledger, so a restart continues where the last run stopped. Ctrl-C or
    SIGTERM stops after the source being polled."""
    import signal
    import threading

    opts = make_read_options(published, speaker, source, max_bytes)
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        click.echo(f"watch: {signal.Signals(signum).name}, stopping after this source", err=True)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    with library_errors():
        from claimledger.live.watch import watch as run

        ledger = _open_ledger(db_url)

        def report(p: Any) -> None:
            if p.error:
                click.echo(f"watch: {printable(p.source)}: {printable(p.error)} (will retry)", err=True)
            elif p.changed:
                click.echo(f"watch: {printable(p.source)}: {p.stored} new documents, {p.claims} claims", err=True)

        rep = run(ledger, list(sources), interval=interval, options=opts, stop=stop,
                  max_cycles=1 if once else None, on_poll=report, poll_now=once)
        ledger.close()
    click.echo(f"watch: stopped after {rep.cycles} cycles: {rep.stored} documents, {rep.claims} claims, "
               f"{rep.errors} failed polls", err=True)


@main.command()
@db_option
@click.option("--rebuild", is_flag=True, help="Forget groups, events and tallies and recompute them all.")
def reconcile(db_url: str | None, rebuild: bool) -> None:
    """Update near-duplicate links, claim groups, events and tallies (incremental by default)."""
    with library_errors():
        from claimledger.reconcile import reconcile as run

        ledger = _open_ledger(db_url)
        rec = run(ledger, rebuild=rebuild)
        click.echo(f"reconcile: {rec.claims} claims, {rec.groups_touched} groups, {rec.events_touched} events, "
                   f"{rec.tallies} tallies, {rec.near_dups} near-duplicates, {rec.stale} superseded", err=True)
        ledger.close()


def bom_option(fn: F) -> F:
    """--bom: start CSV with a UTF-8 byte-order mark, which Excel needs to read UTF-8."""
    return click.option("--bom", is_flag=True, help="CSV only: begin with a UTF-8 byte-order mark (for Excel).")(fn)


def _ledger_output(table: str, db_url: str | None, fmt: str, output: str | None, style: str | None,
                   filters: dict[str, Any], bom: bool = False) -> None:
    with library_errors():
        from claimledger.export import export as run_export
        from claimledger.normalize.parties import actor_table

        ledger = _open_ledger(db_url)
        n = run_export(ledger, table, _ledger_filters(table, **filters), fmt.lower(), output, style=style, bom=bom,
                       actors=actor_table() if style else None)
        ledger.close()
        if output:
            click.echo(f"{n} rows written to {output}", err=True)


@main.command()
@db_option
@ledger_filter_options
@format_option("table", "jsonl", "csv", "geojson", "parquet")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE, not stdout.")
@bom_option
def claims(db_url: str | None, fmt: str, output: str | None, bom: bool, **filters: Any) -> None:
    """List stored claims (current revisions), filtered, streaming the full result."""
    _ledger_output("claims", db_url, fmt, output, None, filters, bom)


@main.command()
@db_option
@ledger_filter_options
@format_option("table", "jsonl", "csv", "geojson", "parquet")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE, not stdout.")
@bom_option
def events(db_url: str | None, fmt: str, output: str | None, bom: bool, **filters: Any) -> None:
    """List reconciled events with their low/best/high deaths summary (--side is ignored)."""
    _ledger_output("events", db_url, fmt, output, None, filters, bom)


@main.command("export")
@db_option
@ledger_filter_options
@click.option("--format", "style", type=click.Choice(["acled", "ucdp"], case_sensitive=False), required=True,
              help="Dataset style: ACLED or UCDP GED columns (one row per event).")
@click.option("--as", "fmt", type=click.Choice(["csv", "jsonl", "parquet"], case_sensitive=False), default="csv",
              show_default=True, help="File format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE, not stdout.")
@bom_option
def export_cmd(db_url: str | None, style: str, fmt: str, output: str | None, bom: bool, **filters: Any) -> None:
    """Export events with ACLED- or UCDP-GED-style columns (crosswalk in the README)."""
    _ledger_output("events", db_url, fmt, output, style.lower(), filters, bom)


@main.command()
@db_option
@click.option("--side", multiple=True, help="Claimant side (repeatable).")
@click.option("--party", multiple=True, help="Victim party (repeatable).")
@click.option("--kind", multiple=True, help="Claim kind (repeatable).")
@click.option("--since", metavar="DATE", callback=_iso_date, help="Figures as of DATE or later.")
@click.option("--until", metavar="DATE", callback=_iso_date, help="Figures as of DATE or earlier.")
@format_option("table", "jsonl", "csv", "parquet")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE, not stdout.")
@bom_option
def tallies(db_url: str | None, side: tuple[str, ...], party: tuple[str, ...], kind: tuple[str, ...],
            since: str | None, until: str | None, fmt: str, output: str | None, bom: bool) -> None:
    """Running totals ("over 38,000 since August") as time series per claimant side, party and kind."""
    with library_errors():
        from claimledger.export import export as run_export
        from claimledger.store import Filter

        filters = Filter.date_range(since, until)
        for name, values in (("side", side), ("party", party), ("kind", kind)):
            if values:
                filters.append(Filter(name, "in", list(values)))
        ledger = _open_ledger(db_url)
        n = run_export(ledger, "tallies", filters, fmt.lower(), output, order="date", bom=bom)
        ledger.close()
        if output:
            click.echo(f"{n} rows written to {output}", err=True)
