"""`python -m claimledger.demo` (what `make demo` runs): ingest the sample articles in
`examples/articles/` into the embedded SQLite ledger (CLAIMLEDGER_DB, default ./claimledger.db),
print their claims as a table, and serve the dashboard at http://127.0.0.1:8000 until Ctrl-C
(`DEMO_SERVE=0` stops after the table).

Built from small functions so later steps (ingest into the ledger, start the dashboard) can be
added to `main()` without reshaping it: `read_articles` → `extract_articles` → `print_claims`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from claimledger.config import get_settings
from claimledger.errors import ClaimledgerError, InputError
from claimledger.model import Claim, Document
from claimledger.render import claims_table
from claimledger.sources import ReadOptions, read_sources

# The .txt samples carry no date of their own; they are dated as of this day.
DEMO_PUBLISHED = "2024-03-07"


def articles_dir() -> Path:
    """examples/articles of the checkout (the demo runs from an editable install)."""
    here = Path(__file__).resolve()
    for base in (Path.cwd(), *here.parents):
        candidate = base / "examples" / "articles"
        if candidate.is_dir():
            return candidate
    raise ClaimledgerError("examples/articles/ not found: run the demo from the claimledger checkout")


def read_articles(folder: Path, published: str = DEMO_PUBLISHED) -> Iterator[Document | InputError]:
    return read_sources([str(folder)], ReadOptions(published=published))


@dataclass
class DemoRun:
    """What the extraction step produced: documents with their claims, and failed inputs."""

    documents: list[Document] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def extract_articles(items: Iterator[Document | InputError]) -> DemoRun:
    from claimledger.core import extract_documents

    run = DemoRun()
    for result in extract_documents(items):
        if result.error is not None:
            run.errors.append(result.error)
        elif result.document is not None:
            run.documents.append(result.document)
            run.claims.extend(result.claims)
    return run


def print_claims(run: DemoRun, console: Console | None = None) -> None:
    if console is None:
        console = Console()
        if not console.is_terminal:  # piped (CI, logs): do not squeeze the table into 80 columns
            console = Console(width=160)
    console.print(claims_table(run.claims, title="Claims in examples/articles/"))
    for e in run.errors:
        console.print(f"[red]error:[/red] {e.source}: {e.reason}", highlight=False)
    console.print(f"{len(run.documents)} documents, {len(run.claims)} claims, {len(run.errors)} failures")


def ingest_articles(items: Iterator[Document | InputError], db_url: str) -> DemoRun:
    """Ingest the articles into the ledger at `db_url` through the service layer (known texts are
    skipped, so a second demo is quick), reconcile, and read the articles' claims back."""
    from claimledger import service
    from claimledger.store import Filter, Ledger

    run = DemoRun()
    for item in items:
        if isinstance(item, InputError):
            run.errors.append(item)
        else:
            run.documents.append(item)
    with Ledger.open(db_url) as ledger:
        # reextract: the demo always shows what the installed extractor finds, even in an older ledger
        rep = service.ingest(ledger, ["examples/articles"], documents=list(run.documents), reextract=True,
                             reconcile_after=True, write_report=False)
        run.errors.extend(InputError(f["input"], f["reason"], f["stage"]) for f in rep.failures)
        ids = [d.id for d in run.documents]
        if ids:
            rows = ledger.iter_rows("claims", [Filter("doc_id", "in", ids)], order="id")
            run.claims = [Claim.from_dict(r) for r in rows]
    return run


def serve_dashboard(db_url: str) -> None:
    """The dashboard on http://127.0.0.1:8000 (DEMO_PORT to change it) until Ctrl-C."""
    from claimledger.api.server import run

    try:
        run(db_url, "127.0.0.1", get_settings().demo_port, log_level="warning")
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    db_url = get_settings().db_url
    try:
        folder = Path(args[0]) if args else articles_dir()
        run = ingest_articles(read_articles(folder), db_url)
    except ClaimledgerError as e:
        print(f"demo: {e}", file=sys.stderr)
        return 1
    print_claims(run)
    if not run.documents:
        return 1
    if get_settings().demo_serve:
        serve_dashboard(db_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
