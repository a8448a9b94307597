"""The one writer set, for the CLI's files and the API's streams alike. Each writer takes an
iterator of rows and yields text chunks (or, for Parquet, writes a binary sink), so memory stays
flat however large the result.

CSV is plain RFC 4180: the header on the first line, CRLF line ends, no comment lines (the
provenance goes into the `.meta.json` sidecar and, over HTTP, into response headers), and every
text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at its start)
is defused with a leading `'`. `bom=True` starts the file with a UTF-8 byte-order mark for
Excel. Table output strips control characters (no terminal escape code from an outlet name
reaches the screen).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from claimledger.render import cell

CHUNK_ROWS = 500
BATCH = 5000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INT_COLS = {"id", "document_id", "quantity_low", "quantity_high", "evidence_start", "evidence_end", "group_id",
             "event_id", "n_claims", "n_groups", "n_sides", "deaths_low", "deaths_best", "deaths_high", "fatalities",
             "best", "low", "high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "year",
             "time_precision_code", "geo_precision", "where_prec", "date_prec", "number_of_sources",
             "type_of_violence", "event_clarity", "active_year", "inter1", "inter2", "interaction",
             "civilian_targeting_n", "claim_id", "original_claim_id", "original_document_id", "n_reports",
             "n_independent", "n_outlets", "n_documents", "revision", "n_chars"}
_FLOAT_COLS = {"lat", "lon", "confidence", "latitude", "longitude"}
_BOOL_COLS = {"is_tally", "current", "is_latest"}
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
               "geojson": "application/geo+json"}


def safe_cell(value: Any) -> Any:
    """A CSV cell: None is empty, booleans are true/false, and untrusted text that a spreadsheet
    would run as a formula is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_chunks(rows: Iterable[dict[str, Any]], columns: list[str] | None = None, *,
               bom: bool = False) -> Iterator[str]:
    """RFC 4180 CSV of flat rows: the header first (from `columns`, else the first row's keys)."""
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    it = iter(rows)
    first = next(it, None)
    cols = columns or (list(first) if first else [])
    writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    n = 0
    if first is not None:
        for row in _chain(first, it):
            writer.writerow({k: safe_cell(row.get(k)) for k in cols})
            n += 1
            if n % CHUNK_ROWS == 0:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
    if buf.tell():
        yield buf.getvalue()


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def jsonl_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    chunk: list[str] = []
    for row in rows:
        chunk.append(json.dumps(row, ensure_ascii=False, default=str))
        if len(chunk) >= CHUNK_ROWS:
            yield "\n".join(chunk) + "\n"
            chunk.clear()
    if chunk:
        yield "\n".join(chunk) + "\n"


def geojson_chunks(rows: Iterable[dict[str, Any]], meta: dict[str, str] | None = None) -> Iterator[str]:
    """A FeatureCollection of flat rows, feature by feature; rows without coordinates keep
    `geometry: null` (their `location_precision` says why). Provenance in top-level `properties`."""
    head = {"type": "FeatureCollection", **({"properties": meta} if meta else {})}
    yield json.dumps(head)[:-1] + ', "features": [\n'
    chunk: list[str] = []
    n = 0
    for row in rows:
        lat, lon = row.get("lat"), row.get("lon")
        geom = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        feat = {"type": "Feature", "id": row.get("id"), "geometry": geom, "properties": row}
        chunk.append(("," if n else "") + json.dumps(feat, ensure_ascii=False, default=str) + "\n")
        n += 1
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk)
            chunk.clear()
    if chunk:
        yield "".join(chunk)
    yield "]}\n"


def write_chunks(chunks: Iterable[str], out: IO[str]) -> None:
    for c in chunks:
        out.write(c)


def _arrow_type(col: str) -> pa.DataType:
    if col in _INT_COLS:
        return pa.int64()
    if col in _FLOAT_COLS:
        return pa.float64()
    if col in _BOOL_COLS:
        return pa.bool_()
    return pa.string()


def _arrow_cell(v: Any, col: str) -> Any:
    if v is None or (v == "" and col in _INT_COLS | _FLOAT_COLS | _BOOL_COLS):
        return None
    if col in _INT_COLS:
        return int(v)
    if col in _FLOAT_COLS:
        return float(v)
    if col in _BOOL_COLS:
        return bool(v)
    return v if isinstance(v, str) else str(v)


def write_parquet(rows: Iterable[dict[str, Any]], out: Any, meta: dict[str, str],
                  columns: list[str] | None = None) -> int:
    """Parquet written as record batches of `BATCH` rows; provenance in the schema metadata."""
    it = iter(rows)
    first = next(it, None)
    cols = columns or (list(first) if first else ["id"])
    schema = pa.schema([pa.field(c, _arrow_type(c)) for c in cols],
                       metadata={f"claimledger.{k}".encode(): str(v).encode() for k, v in meta.items()})
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        if first is None:
            writer.write_table(schema.empty_table())
            return 0
        for chunk in _batches(_chain(first, it)):
            arrays = [pa.array([_arrow_cell(r.get(c), c) for r in chunk], type=schema.field(c).type) for c in cols]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
            n += len(chunk)
    return n


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while True:
        chunk = list(islice(rows, BATCH))
        if not chunk:
            return
        yield chunk


def write_table(rows: Iterable[dict[str, Any]], columns: list[str], out: Any = None, chunk: int = 500) -> int:
    """A rich table, printed in chunks so that memory stays flat on a large result."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out) if out is not None else Console()
    if not console.is_terminal:
        console = Console(file=out, width=200)
    n = 0
    it = iter(rows)
    while True:
        part = list(islice(it, chunk))
        if not part:
            break
        t = Table(show_header=n == 0, box=None, pad_edge=False)
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in part:
            t.add_row(*[cell(r.get(c)) for c in columns])
        console.print(t)
        n += len(part)
    if n == 0:
        console.print("(no rows)")
    return n
