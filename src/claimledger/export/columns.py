"""The one column schema of every flat export (CSV, Parquet, GeoJSON properties, tables), for the
CLI and the API alike: a claim is the contract one level deep plus the ledger's own ids; an event,
a tally and the API-only tables (claim groups, documents, sources) have their columns here too.
The README's "Export columns" section documents these names; change them there as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Path = tuple[str, ...]

CLAIM_COLUMNS: tuple[tuple[str, Path], ...] = (
    ("id", ("id",)), ("document_id", ("document_id",)), ("doc_id", ("doc_id",)), ("kind", ("kind",)),
    ("victim_party", ("victim", "party")), ("victim_type", ("victim", "type")),
    ("victim_text", ("victim", "text")), ("victim_item", ("victim", "item")),
    ("quantity_low", ("quantity", "low")), ("quantity_high", ("quantity", "high")),
    ("quantity_qualifier", ("quantity", "qualifier")), ("quantity_text", ("quantity", "text")),
    ("claimant_name", ("claimant", "name")), ("claimant_side", ("claimant", "side")),
    ("perpetrator_party", ("perpetrator", "party")), ("perpetrator_text", ("perpetrator", "text")),
    ("stance", ("stance",)), ("means", ("means",)),
    ("location_name", ("location", "name")), ("lat", ("location", "lat")), ("lon", ("location", "lon")),
    ("country", ("location", "country")), ("admin1", ("location", "admin1")),
    ("location_precision", ("location", "precision")),
    ("event_start", ("event_time", "start")), ("event_end", ("event_time", "end")),
    ("time_precision", ("event_time", "precision")),
    ("stated_on", ("stated_on",)),
    ("evidence_text", ("evidence", "text")), ("evidence_start", ("evidence", "start")),
    ("evidence_end", ("evidence", "end")),
    ("confidence", ("confidence",)), ("group_id", ("group_id",)), ("event_id", ("event_id",)),
    ("is_tally", ("is_tally",)), ("outlet", ("outlet",)), ("url", ("url",)), ("title", ("title",)),
    ("published", ("published",)),
)
EVENT_COLUMNS: tuple[tuple[str, Path], ...] = (
    ("id", ("id",)), ("place", ("place",)), ("admin1", ("admin1",)), ("country", ("country",)),
    ("lat", ("lat",)), ("lon", ("lon",)), ("location_precision", ("precision",)),
    ("date_start", ("date_start",)), ("date_end", ("date_end",)), ("parties", ("parties",)),
    ("perpetrators", ("perpetrators",)), ("victims", ("victims",)), ("kinds", ("kinds",)), ("n_claims", ("n_claims",)), ("n_groups", ("n_groups",)), ("n_sides", ("n_sides",)),
    ("deaths_low", ("deaths", "low")), ("deaths_best", ("deaths", "best")), ("deaths_high", ("deaths", "high")),
    ("rule", ("rule",)),
)
TALLY_COLUMNS: tuple[tuple[str, Path], ...] = (
    ("id", ("id",)), ("date", ("date",)), ("since", ("since",)), ("side", ("side",)),
    ("claimant", ("claimant",)), ("party", ("party",)), ("kind", ("kind",)),
    ("quantity_low", ("quantity", "low")), ("quantity_high", ("quantity", "high")),
    ("qualifier", ("quantity", "qualifier")), ("claim_id", ("claim_id",)), ("outlet", ("outlet",)), ("url", ("url",)),
)
SCHEMAS: dict[str, tuple[tuple[str, Path], ...]] = {"claims": CLAIM_COLUMNS, "events": EVENT_COLUMNS,
                                                    "tallies": TALLY_COLUMNS}

# The narrower choice of columns for `--format table` on a terminal.
TABLE_COLUMNS: dict[str, list[str]] = {
    "claims": ["id", "stated_on", "kind", "victim_party", "quantity_text", "quantity_low", "quantity_high",
               "perpetrator_party", "claimant_side", "claimant_name", "stance", "location_name", "admin1", "outlet"],
    "events": ["id", "date_start", "date_end", "place", "admin1", "parties", "perpetrators", "n_claims", "n_sides",
               "deaths_low", "deaths_best", "deaths_high"],
    "tallies": ["date", "since", "side", "claimant", "party", "kind", "quantity_low", "quantity_high",
                "qualifier", "outlet"],
}


def _dig(row: dict[str, Any], path: Path) -> Any:
    cur: Any = row
    for key in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(key)
    return cur


def flat_value(value: Any) -> Any:
    """A list becomes `a;b`, a mapping its JSON; scalars stay as they are."""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def columns(table: str) -> list[str] | None:
    """The fixed columns of `table`, or None for tables whose columns are their rows' keys."""
    schema = SCHEMAS.get(table)
    return [name for name, _ in schema] if schema else None


def flattener(table: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function turning one row of `table` (as the store gives it) into its flat columns."""
    schema = SCHEMAS.get(table)
    if schema is None:
        return lambda row: {k: flat_value(v) for k, v in row.items()}
    return lambda row: {name: flat_value(_dig(row, path)) for name, path in schema}


def flat_claim(row: dict[str, Any]) -> dict[str, Any]:
    return flattener("claims")(row)


def flat_event(row: dict[str, Any]) -> dict[str, Any]:
    return flattener("events")(row)


__all__ = ["CLAIM_COLUMNS", "EVENT_COLUMNS", "TALLY_COLUMNS", "TABLE_COLUMNS", "columns", "flattener", "flat_value",
           "flat_claim", "flat_event"]
