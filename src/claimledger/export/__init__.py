"""Exports of query results — table, JSON Lines, CSV, GeoJSON, Parquet, and the ACLED / UCDP GED
crosswalks — for the CLI (`export`) and the API (`stream`) alike: one column schema
(`export.columns`), one writer set (`export.writers`). Every writer streams (rows in, text out,
memory flat) and every output carries its provenance (dataset version, claimledger version,
configuration hash) beside it: the `.meta.json` sidecar, HTTP headers, GeoJSON and Parquet
metadata — never inside a CSV, which standard readers must open as it is.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from claimledger import __version__
from claimledger.config import config_hash
from claimledger.errors import ClaimledgerError
from claimledger.export import crosswalk, writers
from claimledger.export.columns import TABLE_COLUMNS, columns, flat_claim, flat_event, flattener
from claimledger.reconcile import PARAMETERS
from claimledger.store import Filter, Ledger

FORMATS = ("table", "jsonl", "csv", "geojson", "parquet")


def provenance(ledger: Ledger) -> dict[str, str]:
    """What every export says about itself: dataset version, claimledger version, configuration hash."""
    return {"dataset_version": ledger.dataset_version(), "claimledger_version": __version__,
            "config_hash": config_hash({"reconcile": PARAMETERS})}


def provenance_headers(meta: dict[str, str]) -> dict[str, str]:
    """The provenance as HTTP response headers (`X-Claimledger-Dataset-Version`, ...)."""
    return {"X-Claimledger-" + "-".join(w.capitalize() for w in k.split("_")): str(v) for k, v in meta.items()}


def build_filters(*, since: str | None = None, until: str | None = None, party: Sequence[str] = (),
                  side: Sequence[str] = (), kind: Sequence[str] = (), place: str | None = None,
                  admin1: str | None = None, bbox: Sequence[float] | None = None,
                  min_quantity: int | None = None, precision: Sequence[str] = (),
                  perpetrator: Sequence[str] = (), language: Sequence[str] = (),
                  table: str = "claims") -> list[Filter]:
    """The CLI's filter flags as query filters (same semantics as the JSON API)."""
    out = Filter.date_range(since, until)
    if party:
        out.append(Filter("party", "in", list(party)))
    if perpetrator and table in ("claims", "events"):
        out.append(Filter("perpetrator", "in", list(perpetrator)))
    if side and table == "claims":
        out.append(Filter("side", "in", list(side)))
    if kind:
        out.append(Filter("kind", "in", list(kind)))
    if place:
        out.append(Filter("place", "contains", place))
    if admin1:
        out.append(Filter("admin1", "eq", admin1))
    if bbox:
        out.extend(Filter.bbox(*bbox))
    if min_quantity is not None:
        out.append(Filter("quantity", "gte", min_quantity))
    if precision:
        out.append(Filter("precision", "in", list(precision)))
    if language and table == "claims":
        out.append(Filter("language", "in", [code.lower() for code in language]))
    return out


def styled_rows(table: str, rows: Iterable[dict[str, Any]], fmt: str, style: str | None = None,
                actors: crosswalk.Actors | None = None) -> tuple[Iterable[dict[str, Any]], list[str] | None]:
    """Rows as `fmt` writes them, with their columns: contract rows for JSON Lines, else the flat
    schema of `export.columns` (or the ACLED/UCDP crosswalk of events, naming parties through `actors`)."""
    if style in ("acled", "ucdp"):
        return crosswalk.rows(iter(rows), style, actors), list(crosswalk.ACLED_COLUMNS if style == "acled"
                                                       else crosswalk.UCDP_COLUMNS)
    if fmt == "jsonl":
        return rows, None
    flat = flattener(table)
    return (flat(r) for r in rows), columns(table)


def stream(table: str, rows: Iterable[dict[str, Any]], fmt: str, meta: dict[str, str] | None = None,
           style: str | None = None, bom: bool = False, actors: crosswalk.Actors | None = None) -> Iterator[str]:
    """Text chunks of `rows` in `fmt` (csv, jsonl, geojson): what the API streams and the CLI writes."""
    shaped, cols = styled_rows(table, rows, fmt, style, actors)
    if fmt == "csv":
        return writers.csv_chunks(shaped, cols, bom=bom)
    if fmt == "jsonl":
        return writers.jsonl_chunks(shaped)
    if fmt == "geojson":
        return writers.geojson_chunks(shaped, meta)
    raise ClaimledgerError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")


class _Counted:
    """Counts the rows that pass through (the writers stream; the sidecar wants the number)."""

    def __init__(self, rows: Iterable[dict[str, Any]]) -> None:
        self.rows, self.n = iter(rows), 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for r in self.rows:
            self.n += 1
            yield r


def export(ledger: Ledger, table: str, filters: Sequence[Filter], fmt: str, out: str | None = None,
           style: str | None = None, order: str | None = None, bom: bool = False,
           actors: crosswalk.Actors | None = None) -> int:
    """Stream every matching row of `table` ("claims", "events", "tallies") to `out` (a path, or stdout).

    `style` "acled"/"ucdp" turns events into those datasets' columns. Files open as they are in
    standard readers; their provenance goes into a `<file>.meta.json` sidecar (GeoJSON and Parquet
    carry it in band too). `actors` names parties in the crosswalks (`crosswalk.party_actor`).
    Returns the number of rows written.
    """
    meta = provenance(ledger)
    rows = _Counted(ledger.iter_rows(table, filters, order))
    if fmt == "parquet":
        shaped, cols = styled_rows(table, rows, fmt, style, actors)
        if out is None and sys.stdout.isatty():
            raise ClaimledgerError("parquet is binary: write it to a file with -o FILE (or pipe stdout)")
        writers.write_parquet(shaped, out if out is not None else sys.stdout.buffer, meta, cols)
    elif fmt == "table":
        shaped, _ = styled_rows(table, rows, fmt, style, actors)
        cols = list(crosswalk.ACLED_COLUMNS if style == "acled" else crosswalk.UCDP_COLUMNS) if style \
            else TABLE_COLUMNS[table]
        with _text_sink(out) as fh:
            writers.write_table(shaped, cols, fh if out else None)
    else:
        with _text_sink(out) as fh:
            writers.write_chunks(stream(table, rows, fmt, meta, style, bom, actors), fh)
    if out:
        with open(f"{out}.meta.json", "w", encoding="utf-8") as side:
            json.dump({**meta, "rows": rows.n, "format": fmt, "table": table, "style": style}, side, indent=2)
    elif fmt in ("jsonl", "csv"):
        print(" ".join(f"{k}={v}" for k, v in meta.items()), file=sys.stderr)
    return rows.n


@contextmanager
def _text_sink(out: str | None) -> Iterator[IO[str]]:
    if out is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with open(out, "w", encoding="utf-8", newline="") as fh:
        yield fh


__all__ = ["FORMATS", "provenance", "provenance_headers", "build_filters", "flat_claim", "flat_event", "export",
           "stream", "styled_rows"]
