"""`python -m claimledger.demo` (what `make demo` runs): extract the claims of the sample articles
in `examples/articles/` and print them as a table.

Built from small functions so later steps (ingest into the ledger, start the dashboard) can be
added to `main()` without reshaping it: `read_articles` → `extract_articles` → `print_claims`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

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
    console = console or Console()
    console.print(claims_table(run.claims, title="Claims in examples/articles/"))
    for e in run.errors:
        console.print(f"[red]error:[/red] {e.source}: {e.reason}", highlight=False)
    console.print(f"{len(run.documents)} documents, {len(run.claims)} claims, {len(run.errors)} failures")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        folder = Path(args[0]) if args else articles_dir()
        run = extract_articles(read_articles(folder))
    except ClaimledgerError as e:
        print(f"demo: {e}", file=sys.stderr)
        return 1
    print_claims(run)
    return 0 if run.documents else 1


if __name__ == "__main__":
    sys.exit(main())
