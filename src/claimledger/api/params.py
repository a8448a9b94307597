"""Query-string parameters of the list endpoints: `field__op=value` filters, `_facet`, `_size`, ...

Filters are parsed into the store's `Filter` objects against the store's whitelist of fields per
table: a request string is never turned into SQL, only into a field name that must be in the
whitelist, an operator from a fixed set, and a value the store binds as a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from claimledger.store.query import OPS, Filter, QueryError, filterable_fields

# Reserved parameters (leading underscore, as in Datasette) and what they mean.
RESERVED: dict[str, str] = {
    "_size": "rows per page (1..1000, default 50)",
    "_next": "opaque cursor from a previous page's `next` (keyset pagination)",
    "_sort": "order by a sortable field; prefix with '-' for descending (default: newest first)",
    "_facet": "a field to count values of (repeatable); each value comes with a toggle_url",
    "_facet_size": "how many values per facet (1..200, default 30)",
    "_format": "csv, jsonl or geojson: stream the FULL filtered result instead of one JSON page",
    "_wait": "1: give facets (and /api/timeline, /api/map) the long time budget instead of timing out",
    "_total": "auto (default): exact total when counting fits the page's time budget, else null with "
              "total_truncated; exact: wait for the exact count; 0: do not count",
}
OP_DOCS: dict[str, str] = {
    "eq": "equals",
    "in": "is one of a comma-separated list",
    "gte": "is greater than or equal to",
    "lte": "is less than or equal to",
    "contains": "contains (case-insensitive substring; for list fields such as means: has the item)",
}
# API path segment → store table.
TABLE_OF_PATH: dict[str, str] = {
    "claims": "claims", "events": "events", "claim-groups": "claim_groups", "documents": "documents",
    "sources": "sources",
}


@dataclass(slots=True)
class ListParams:
    """Everything a list request asked for, validated."""

    table: str
    filters: list[Filter] = field(default_factory=list)
    size: int = 50
    next: str | None = None
    sort: str | None = None
    facets: list[str] = field(default_factory=list)
    facet_size: int = 30
    format: str | None = None
    total: str = "auto"  # auto, exact, none
    wait: bool = False


def _int(name: str, raw: str, lo: int, hi: int) -> int:
    try:
        v = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be an integer, got {raw!r}") from None
    if not lo <= v <= hi:
        raise QueryError(f"{name} must be between {lo} and {hi}, got {v}")
    return v


def parse_filter_key(table: str, key: str) -> tuple[str, str] | None:
    """(field, op) for `field__op` or a bare whitelisted `field` (eq); None when not a filter."""
    fields = filterable_fields(table)
    if "__" in key:
        name, op = key.rsplit("__", 1)
        if op not in OPS:
            raise QueryError(f"unknown operator {op!r} in {key!r}; one of {', '.join(OPS)}")
        if name not in fields:
            raise QueryError(f"unknown field {name!r} for {table}; one of {', '.join(sorted(fields))}")
        return name, op
    if key in fields:
        return key, "eq"
    return None


def parse_list_params(table: str, query: QueryParams, extra_allowed: Iterable[str] = ()) -> ListParams:
    """Validate a list request's query string; raises QueryError (→ HTTP 400) on anything unknown."""
    out = ListParams(table=table)
    fields = filterable_fields(table)
    allowed_extra = set(extra_allowed)
    for key, raw in query.multi_items():
        if key == "_size":
            out.size = _int("_size", raw, 1, 1000)
        elif key == "_next":
            out.next = raw or None
        elif key == "_sort":
            out.sort = raw or None
        elif key == "_facet":
            if raw not in fields or raw == "bbox":
                raise QueryError(f"cannot facet {table} by {raw!r}; one of {', '.join(sorted(fields))}")
            if raw not in out.facets:
                out.facets.append(raw)
        elif key == "_facet_size":
            out.facet_size = _int("_facet_size", raw, 1, 200)
        elif key == "_format":
            if raw not in ("csv", "jsonl", "geojson", "json"):
                raise QueryError(f"_format must be csv, jsonl or geojson, got {raw!r}")
            out.format = None if raw == "json" else raw
        elif key == "_wait":
            out.wait = raw.strip().lower() in ("1", "true", "yes")
        elif key == "_total":
            mode = raw.strip().lower()
            if mode in ("0", "false", "no", "none"):
                out.total = "none"
            elif mode in ("1", "true", "yes", "exact"):
                out.total = "exact"
            elif mode in ("", "auto"):
                out.total = "auto"
            else:
                raise QueryError(f"_total must be auto, exact or 0, got {raw!r}")
        elif key in allowed_extra:
            continue
        else:
            parsed = parse_filter_key(table, key)
            if parsed is None:
                raise QueryError(f"unknown parameter {key!r}; filters are field__op=value with a field of "
                                 f"{', '.join(sorted(fields))} and op one of {', '.join(OPS)}")
            name, op = parsed
            value: Any = raw
            if op == "eq" and raw == "" and name != "bbox":
                value = None  # field__eq= (empty) matches missing values
            out.filters.append(Filter(name, op, value))  # type: ignore[arg-type]
    return out


def filters_as_pairs(filters: Iterable[Filter]) -> list[tuple[str, str]]:
    return [(f"{f.field}__{f.op}", "" if f.value is None else str(f.value)) for f in filters]


def describe_filters(filters: Iterable[Filter]) -> list[dict[str, Any]]:
    return [{"field": f.field, "op": f.op, "value": f.value} for f in filters]


def url_with(path: str, pairs: Iterable[tuple[str, str]]) -> str:
    qs = urlencode(list(pairs))
    return f"{path}?{qs}" if qs else path
