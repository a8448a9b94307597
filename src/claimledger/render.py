"""Claims for people: short cell texts and a rich table (used by the CLI and the demo)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.markup import escape
from rich.table import Table

from claimledger.model import Claim, Quantity

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_QUALIFIER_PREFIX = {"approx": "~", "at_least": "≥ ", "at_most": "≤ ", "exact": "", "unspecified": ""}


def printable(value: Any) -> str:
    """Text for a terminal: control characters removed, so an escape code in an outlet name or a
    document never reaches the screen (tables, `error:` lines)."""
    return "" if value is None else _CONTROL.sub("", str(value))


def cell(value: Any) -> str:
    """A rich table cell: printable, and rich markup in untrusted text shown as text."""
    return escape(printable(value))


def format_quantity(q: Quantity) -> str:
    """'≥ 1,000', '~200', '10,000–12,000', or the quantity's own words when it has no number."""
    if q.low is None and q.high is None:
        return q.text or "?"
    if q.qualifier == "range" or (q.low is not None and q.high is not None and q.low != q.high):
        lo = f"{q.low:,}" if q.low is not None else "?"
        hi = f"{q.high:,}" if q.high is not None else "?"
        return f"{lo}–{hi}"
    n = q.low if q.low is not None else q.high
    return f"{_QUALIFIER_PREFIX.get(q.qualifier, '')}{n:,}"


def format_date(c: Claim) -> str:
    """When it happened if known, else when it was said (marked 'said')."""
    if c.event_time is not None:
        et = c.event_time
        return et.start if et.start == et.end or not et.end else f"{et.start}..{et.end}"
    return f"said {c.stated_on}" if c.stated_on else ""


def snippet(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def claims_table(claims: Iterable[Claim], title: str | None = None, show_doc: bool = True) -> Table:
    """One row per claim: claimant, kind, party, quantity, place, date, evidence snippet."""
    table = Table(title=title, show_lines=False, expand=False)
    if show_doc:
        table.add_column("doc", style="dim", overflow="fold", max_width=18)
    table.add_column("claimant", overflow="fold", max_width=28)
    table.add_column("kind", style="bold")
    table.add_column("party", overflow="fold", max_width=16)
    table.add_column("quantity", justify="right")
    table.add_column("place", overflow="fold", max_width=18)
    table.add_column("date", overflow="fold", max_width=22)
    table.add_column("evidence", overflow="fold", max_width=60)
    for c in claims:
        claimant = c.claimant.name or "?"
        if c.claimant.side and c.claimant.side != c.claimant.name:
            claimant += f" ({c.claimant.side})"
        kind = c.kind if c.stance == "asserted" else f"{c.kind} [{c.stance}]"
        party = c.victim.party or "?"
        if c.victim.item:
            party += f" {c.victim.item}"
        elif c.victim.type not in ("unknown", "equipment"):
            party += f" {c.victim.type}"
        row = [claimant, kind, party, format_quantity(c.quantity),
               c.location.name if c.location else "", format_date(c), snippet(c.evidence.text)]
        table.add_row(*[cell(v) for v in ([c.doc_id or ""] if show_doc else []) + row])
    return table
