"""Streaming the full filtered result of a list endpoint as CSV, JSON Lines or GeoJSON.

Rows come from the store's `iter_rows` (a server-side cursor), are encoded one at a time, and are
sent in chunks, so memory stays flat however large the result is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

CHUNK_ROWS = 500

# Columns of a claim flattened for CSV (the contract, one level deep, plus the ledger's own ids).
CLAIM_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("id", ("id",)), ("document_id", ("document_id",)), ("doc_id", ("doc_id",)),
    ("kind", ("kind",)),
    ("victim_party", ("victim", "party")), ("victim_type", ("victim", "type")),
    ("victim_text", ("victim", "text")), ("victim_item", ("victim", "item")),
    ("quantity_low", ("quantity", "low")), ("quantity_high", ("quantity", "high")),
    ("quantity_qualifier", ("quantity", "qualifier")), ("quantity_text", ("quantity", "text")),
    ("claimant_name", ("claimant", "name")), ("claimant_side", ("claimant", "side")),
    ("stance", ("stance",)), ("means", ("means",)),
    ("location_name", ("location", "name")), ("lat", ("location", "lat")), ("lon", ("location", "lon")),
    ("country", ("location", "country")), ("admin1", ("location", "admin1")),
    ("precision", ("location", "precision")),
    ("event_start", ("event_time", "start")), ("event_end", ("event_time", "end")),
    ("event_precision", ("event_time", "precision")),
    ("stated_on", ("stated_on",)),
    ("evidence_text", ("evidence", "text")), ("evidence_start", ("evidence", "start")),
    ("evidence_end", ("evidence", "end")),
    ("confidence", ("confidence",)), ("group_id", ("group_id",)), ("event_id", ("event_id",)),
    ("is_tally", ("is_tally",)), ("outlet", ("outlet",)), ("url", ("url",)), ("title", ("title",)),
    ("published", ("published",)),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _dig(row: dict[str, Any], path: tuple[str, ...]) -> Any:
    cur: Any = row
    for key in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(key)
    return cur


def _cell(value: Any) -> Any:
    """A CSV cell; untrusted text that a spreadsheet would run as a formula is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def flatten(table: str, row: dict[str, Any]) -> dict[str, Any]:
    if table == "claims":
        return {name: _cell(_dig(row, path)) for name, path in CLAIM_COLUMNS}
    return {k: _cell(v) for k, v in row.items()}


def csv_stream(table: str, rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    buf = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    n = 0
    if table == "claims":
        writer = csv.DictWriter(buf, fieldnames=[c for c, _ in CLAIM_COLUMNS], lineterminator="\r\n")
        writer.writeheader()
    for row in rows:
        flat = flatten(table, row)
        if writer is None:
            writer = csv.DictWriter(buf, fieldnames=list(flat), lineterminator="\r\n", extrasaction="ignore")
            writer.writeheader()
        writer.writerow(flat)
        n += 1
        if n % CHUNK_ROWS == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    if buf.tell():
        yield buf.getvalue().encode("utf-8")


def jsonl_stream(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    chunk: list[str] = []
    for row in rows:
        chunk.append(json.dumps(row, ensure_ascii=False, default=str))
        if len(chunk) >= CHUNK_ROWS:
            yield ("\n".join(chunk) + "\n").encode("utf-8")
            chunk.clear()
    if chunk:
        yield ("\n".join(chunk) + "\n").encode("utf-8")


def _geometry(table: str, row: dict[str, Any]) -> dict[str, Any] | None:
    if table == "claims":
        loc = row.get("location") or {}
        lat, lon = loc.get("lat"), loc.get("lon")
    else:
        lat, lon = row.get("lat"), row.get("lon")
    if lat is None or lon is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def geojson_stream(table: str, rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """A FeatureCollection; rows without coordinates keep `geometry: null` (the result stays full),
    and every feature says its `precision` so that a province centroid is not mistaken for a point."""
    yield b'{"type":"FeatureCollection","features":[\n'
    first = True
    chunk: list[str] = []
    for row in rows:
        props = dict(row)
        if table == "claims":
            props["precision"] = (row.get("location") or {}).get("precision")
        feat = {"type": "Feature", "id": row.get("id"), "geometry": _geometry(table, row), "properties": props}
        chunk.append(("" if first else ",\n") + json.dumps(feat, ensure_ascii=False, default=str))
        first = False
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk).encode("utf-8")
            chunk.clear()
    if chunk:
        yield "".join(chunk).encode("utf-8")
    yield b"\n]}\n"


MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
               "geojson": "application/geo+json"}
