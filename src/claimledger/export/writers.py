"""Streaming writers. Each takes an iterator of flat dicts (or contract rows for JSON Lines),
a binary or text sink and the provenance dict, and returns the number of rows written."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

BATCH = 5000
_INT_COLS = {"id", "document_id", "quantity_low", "quantity_high", "evidence_start", "evidence_end", "group_id",
             "event_id", "n_claims", "n_groups", "n_sides", "deaths_low", "deaths_best", "deaths_high", "fatalities",
             "best", "low", "high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "year",
             "time_precision_code", "geo_precision", "where_prec", "date_prec", "number_of_sources",
             "type_of_violence", "event_clarity", "active_year", "inter1", "inter2", "interaction",
             "civilian_targeting_n"}
_FLOAT_COLS = {"lat", "lon", "confidence", "latitude", "longitude"}


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for r in rows:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
        n += 1
    return n


def provenance_comment(meta: dict[str, str]) -> str:
    return "# " + " ".join(f"{k}={v}" for k, v in meta.items()) + "\n"


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str], meta: dict[str, str],
              columns: list[str] | None = None) -> int:
    """CSV with a leading `# key=value ...` provenance comment line (skip it with comment='#')."""
    out.write(provenance_comment(meta))
    it = iter(rows)
    first = next(it, None)
    cols = columns or (list(first) if first else [])
    w = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    if first is None:
        return 0
    w.writerow(first)
    n = 1
    for r in it:
        w.writerow(r)
        n += 1
    return n


def write_geojson(rows: Iterable[dict[str, Any]], out: IO[str], meta: dict[str, str]) -> int:
    """A FeatureCollection streamed feature by feature; provenance in top-level `properties`.
    Rows without coordinates get a null geometry (their precision says why)."""
    out.write('{"type": "FeatureCollection", "properties": ' + json.dumps(meta) + ', "features": [\n')
    n = 0
    for r in rows:
        lat, lon = r.get("lat"), r.get("lon")
        geom = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        feat = {"type": "Feature", "id": r.get("id"), "geometry": geom, "properties": r}
        out.write(("," if n else "") + json.dumps(feat, ensure_ascii=False) + "\n")
        n += 1
    out.write("]}\n")
    return n


def _arrow_type(col: str) -> pa.DataType:
    if col in _INT_COLS:
        return pa.int64()
    if col in _FLOAT_COLS:
        return pa.float64()
    if col == "is_tally":
        return pa.bool_()
    return pa.string()


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while True:
        chunk = list(islice(rows, BATCH))
        if not chunk:
            return
        yield chunk


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

        def chained() -> Iterator[dict[str, Any]]:
            yield first
            yield from it

        for chunk in _batches(chained()):
            arrays = [pa.array([_cell(r.get(c), c) for r in chunk], type=schema.field(c).type) for c in cols]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
            n += len(chunk)
    return n


def _cell(v: Any, col: str) -> Any:
    if v is None:
        return None
    if col in _INT_COLS:
        return int(v)
    if col in _FLOAT_COLS:
        return float(v)
    if col == "is_tally":
        return bool(v)
    return v if isinstance(v, str) else str(v)


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
            t.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in columns])
        console.print(t)
        n += len(part)
    if n == 0:
        console.print("(no rows)")
    return n
