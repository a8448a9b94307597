"""The read side of the ledger, shared by the CLI, the exporters and the JSON API.

Only whitelisted fields can be filtered or sorted (a `Filter` never becomes SQL text); pages
use keyset pagination with an opaque cursor, so page N costs the same as page 1 on a million
claims. Rows are JSON-ready dicts: claims in the contract shape plus `id`, `group_id`,
`event_id` and their document's `outlet`, `url`, `title`, `published`.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from claimledger.errors import StoreError
from claimledger.store.db import Database
from claimledger.store.models import ClaimGroup, ClaimRow, DocumentRow, Event, Tally

Op = Literal["eq", "in", "gte", "lte", "contains"]
OPS: tuple[str, ...] = ("eq", "in", "gte", "lte", "contains")
TABLES: tuple[str, ...] = ("claims", "events", "claim_groups", "documents", "sources", "tallies")
MAX_LIMIT = 1000


class QueryError(StoreError):
    """A filter, order or cursor the ledger cannot honour (unknown field, bad value, stale cursor)."""


@dataclass(frozen=True, slots=True)
class Filter:
    field: str
    op: Op
    value: Any

    @staticmethod
    def bbox(west: float, south: float, east: float, north: float) -> list[Filter]:
        """A bounding box as four coordinate filters (longitude west..east, latitude south..north)."""
        return [Filter("lon", "gte", west), Filter("lon", "lte", east),
                Filter("lat", "gte", south), Filter("lat", "lte", north)]

    @staticmethod
    def date_range(since: str | None = None, until: str | None = None) -> list[Filter]:
        """Rows dated in [since, until] (ISO dates, either may be open). A claim's `date` is the end
        of its loss period, else the day it was stated; an event's is its last day."""
        out: list[Filter] = []
        if since:
            out.append(Filter("date", "gte", since))
        if until:
            out.append(Filter("date", "lte", until))
        return out


@dataclass(slots=True)
class Page:
    rows: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None
    total_capped: bool = False  # true: there are more than `total` rows (count stopped at count_cap)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    column: Any
    type: type = str
    sortable: bool = False
    nullable: bool = True
    doc: str = ""
    # NULLs where the database puts them (SQLite: smallest; PostgreSQL: largest), so that an index on
    # the column serves the order; for the claims' dates, which are NULL only for undated documents
    natural_nulls: bool = False


def _claim_fields() -> dict[str, FieldSpec]:
    c, d = ClaimRow, DocumentRow
    return {
        "id": FieldSpec(c.id, int, True, False, "claim id"),
        "kind": FieldSpec(c.kind, doc="claim kind (killed, wounded, equipment_destroyed, ...)"),
        "party": FieldSpec(c.victim_party, doc="victim party (the side that lost people or equipment)"),
        "victim_type": FieldSpec(c.victim_type, doc="military, civilian, mixed, unknown, equipment"),
        "item": FieldSpec(c.victim_item, doc="equipment item (tank, drone, ...)"),
        "side": FieldSpec(c.claimant_side, doc="the side the claimant speaks for"),
        "claimant": FieldSpec(c.claimant_name, doc="claimant name as written"),
        "perpetrator": FieldSpec(c.perpetrator_party, doc="who the text says caused the loss (ACLED actor1); "
                                                          "perpetrator= (empty) for claims that name none"),
        "perpetrator_text": FieldSpec(c.perpetrator_text, doc="the perpetrator as written; use contains"),
        "stance": FieldSpec(c.stance, doc="asserted, estimated, denied"),
        "qualifier": FieldSpec(c.qualifier, doc="quantity qualifier (exact, approx, at_least, ...)"),
        "quantity": FieldSpec(c.quantity, int, True, True, "the larger known bound of the number"),
        "quantity_low": FieldSpec(c.quantity_low, int, doc="quantity.low"),
        "quantity_high": FieldSpec(c.quantity_high, int, doc="quantity.high"),
        "means": FieldSpec(c.means, doc="means of attack; use contains (drone, artillery, ...)"),
        "place": FieldSpec(c.place, doc="location name as written"),
        "admin1": FieldSpec(c.admin1, doc="province/oblast"),
        "country": FieldSpec(c.country, doc="ISO 3166-1 alpha-2"),
        "lat": FieldSpec(c.lat, float, doc="latitude"),
        "lon": FieldSpec(c.lon, float, doc="longitude"),
        "precision": FieldSpec(c.precision, doc="location precision (point, admin2, admin1, country, region)"),
        "time_precision": FieldSpec(c.time_precision, doc="event_time precision (day, week, ..., period)"),
        "date": FieldSpec(c.date, str, True, True, "end of the loss period, else the statement date (ISO); "
                                                   "none when neither is known", natural_nulls=True),
        "date_start": FieldSpec(c.date_start, doc="start of the loss period (ISO)"),
        "stated": FieldSpec(c.stated, str, True, True, "when the claim was made (ISO); none when unknown",
                            natural_nulls=True),
        "confidence": FieldSpec(c.confidence, float, True, False, "extractor confidence 0..1"),
        "evidence": FieldSpec(c.evidence, doc="evidence sentence; use contains"),
        "is_tally": FieldSpec(c.is_tally, bool, doc="cumulative running total"),
        "current": FieldSpec(c.current, bool, doc="from the latest revision of its document (default true)"),
        "group_id": FieldSpec(c.group_id, int, doc="claim group"),
        "event_id": FieldSpec(c.event_id, int, doc="event"),
        "document_id": FieldSpec(c.document_id, int, doc="document"),
        "doc_id": FieldSpec(c.doc_key, doc="the document's input id"),
        "outlet": FieldSpec(d.outlet, doc="the document's outlet"),
        "url": FieldSpec(d.url, doc="the document's URL"),
        "published": FieldSpec(d.published, doc="the document's publication date"),
        "language": FieldSpec(d.language, doc="the document's language (ISO 639-1: en, ru, uk)"),
    }


def _event_fields() -> dict[str, FieldSpec]:
    e = Event
    return {
        "id": FieldSpec(e.id, int, True, False, "event id"),
        "place": FieldSpec(e.place, doc="place name"),
        "admin1": FieldSpec(e.admin1, doc="province/oblast"),
        "country": FieldSpec(e.country, doc="ISO country code"),
        "lat": FieldSpec(e.lat, float), "lon": FieldSpec(e.lon, float),
        "precision": FieldSpec(e.precision, doc="location precision"),
        "date": FieldSpec(e.date_end, str, True, False, "last day of the event"),
        "date_start": FieldSpec(e.date_start, str, True, False, "first day of the event"),
        "party": FieldSpec(e.parties, doc="a party involved; use eq or contains"),
        "perpetrator": FieldSpec(e.perpetrators, doc="a perpetrator its claims name; use eq or contains"),
        "victims": FieldSpec(e.victims, doc="a victim bucket (a party, civilians, unknown); use eq or contains"),
        "kind": FieldSpec(e.kinds, doc="a claim kind present; use eq or contains"),
        "n_claims": FieldSpec(e.n_claims, int, True, False),
        "n_sides": FieldSpec(e.n_sides, int, True, False, "how many claimant sides speak about it"),
        "quantity": FieldSpec(e.deaths_best, int, True, True, "best estimate of deaths"),
        "deaths_low": FieldSpec(e.deaths_low, int), "deaths_high": FieldSpec(e.deaths_high, int),
    }


def _group_fields() -> dict[str, FieldSpec]:
    g = ClaimGroup
    return {
        "id": FieldSpec(g.id, int, True, False),
        "kind": FieldSpec(g.kind), "party": FieldSpec(g.victim_party), "side": FieldSpec(g.claimant_side),
        "quantity": FieldSpec(g.quantity_high, int, doc="quantity.high of the grouped claims"),
        "quantity_low": FieldSpec(g.quantity_low, int),
        "date": FieldSpec(g.first_stated, str, True, True, "when the original was stated", natural_nulls=True),
        "last_stated": FieldSpec(g.last_stated, str, True, True, natural_nulls=True),
        "n_reports": FieldSpec(g.n_reports, int, True, False),
        "n_independent": FieldSpec(g.n_independent, int, True, False, "independent sources (wire copies once)"),
    }


def _document_fields() -> dict[str, FieldSpec]:
    d = DocumentRow
    return {
        "id": FieldSpec(d.id, int, True, False),
        "outlet": FieldSpec(d.outlet), "url": FieldSpec(d.url), "title": FieldSpec(d.title),
        "doc_id": FieldSpec(d.doc_key), "language": FieldSpec(d.language),
        "published": FieldSpec(d.published, str, True, True),
        "sha256": FieldSpec(d.sha256), "is_latest": FieldSpec(d.is_latest, bool),
        "revision": FieldSpec(d.revision, int), "near_dup_of": FieldSpec(d.near_dup_of, int),
        "n_claims": FieldSpec(d.n_claims, int, True, False),
    }


def _sources_subquery() -> Any:
    d = DocumentRow
    outlet = func.coalesce(d.outlet, "")
    return (select(outlet.label("outlet"), func.count(d.id).label("documents"),
                   func.coalesce(func.sum(d.n_claims), 0).label("claims"),
                   func.min(d.published).label("first_published"),
                   func.max(d.published).label("last_published"))
            .where(d.is_latest.is_(True)).group_by(outlet).subquery("sources"))


_SOURCES = _sources_subquery()


def _source_fields() -> dict[str, FieldSpec]:
    s = _SOURCES.c
    return {
        "outlet": FieldSpec(s.outlet, str, True, False, "outlet name ('' when unknown)"),
        "documents": FieldSpec(s.documents, int, True, False),
        "claims": FieldSpec(s.claims, int, True, False),
        "first_published": FieldSpec(s.first_published), "last_published": FieldSpec(s.last_published),
    }


def _tally_fields() -> dict[str, FieldSpec]:
    t = Tally
    return {
        "id": FieldSpec(t.id, int, True, False),
        "side": FieldSpec(t.claimant_side, doc="claimant side of the running total"),
        "claimant": FieldSpec(t.claimant_name), "party": FieldSpec(t.victim_party, doc="victim party"),
        "kind": FieldSpec(t.kind), "date": FieldSpec(t.as_of, str, True, False, "as-of date of the figure"),
        "since": FieldSpec(t.period_start, doc="start of the counted period"),
        "quantity": FieldSpec(t.quantity_low, int, True, True, "the figure (lower bound)"),
        "claim_id": FieldSpec(t.claim_id, int),
    }


FIELDS: dict[str, dict[str, FieldSpec]] = {
    "claims": _claim_fields(), "events": _event_fields(), "claim_groups": _group_fields(),
    "documents": _document_fields(), "sources": _source_fields(), "tallies": _tally_fields(),
}
DEFAULT_ORDER = {"claims": "-date", "events": "-date", "claim_groups": "-date", "documents": "-id", "tallies": "date",
                 "sources": "outlet"}
_KEY = {"claims": ClaimRow.id, "events": Event.id, "claim_groups": ClaimGroup.id, "documents": DocumentRow.id,
        "tallies": Tally.id,
        "sources": None}
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what both databases store; beyond it a value cannot match
LIST_FIELDS = {("claims", "means"), ("events", "party"), ("events", "kind"), ("events", "perpetrator"),
               ("events", "victims")}


def filterable_fields(table: str) -> dict[str, str]:
    """Field name → description, for documentation (OpenAPI, --help)."""
    return {k: v.doc for k, v in _fields(table).items()} | (
        {"bbox": "west,south,east,north"} if table in ("claims", "events") else {})


def _fields(table: str) -> dict[str, FieldSpec]:
    try:
        return FIELDS[table]
    except KeyError:
        raise QueryError(f"unknown table {table!r}; one of {', '.join(TABLES)}") from None


def _coerce(spec: FieldSpec, name: str, value: Any) -> Any:
    if value is None:
        return None
    try:
        if spec.type is bool:
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in ("1", "true", "yes", "t"):
                return True
            if s in ("0", "false", "no", "f"):
                return False
            raise ValueError(value)
        if spec.type is int:
            number = int(value)
            if not INT_MIN <= number <= INT_MAX:
                raise QueryError(f"{name}: {value!r} is out of range (a 64-bit integer)")
            return number
        if spec.type is float:
            real = float(value)
            if not math.isfinite(real):
                raise ValueError(value)
            return real
        if isinstance(value, dict | list):
            raise ValueError(value)
        return str(value)
    except (TypeError, ValueError, OverflowError):
        raise QueryError(f"{name}: expected {spec.type.__name__}, got {str(value)[:80]!r}") from None


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return [value]


def filter_conditions(table: str, filters: Sequence[Filter], fields: dict[str, FieldSpec],
                      ) -> list[ColumnElement[bool]]:
    """`filters` as SQL conditions on other columns that mean the same fields (the summary tables'):
    every operator keeps the meaning it has on `table`. No implicit current/latest condition."""
    return [c for f in filters for c in _condition(table, f, fields)]


def _condition(table: str, f: Filter, fields: dict[str, FieldSpec] | None = None) -> list[ColumnElement[bool]]:
    if f.op not in OPS:
        raise QueryError(f"unknown operator {f.op!r}; one of {', '.join(OPS)}")
    if f.field == "bbox" and table in ("claims", "events"):
        vals = _as_list(f.value)
        if len(vals) != 4:
            raise QueryError("bbox: expected west,south,east,north")
        try:
            w, s, e, n = (float(v) for v in vals)
        except ValueError:
            raise QueryError(f"bbox: expected four numbers, got {f.value!r}") from None
        return [_condition(table, sub)[0] for sub in Filter.bbox(w, s, e, n)]
    fields = fields if fields is not None else _fields(table)
    spec = fields.get(f.field)
    if spec is None:
        raise QueryError(f"unknown field {f.field!r} for {table}; one of {', '.join(sorted(fields))}")
    col = spec.column
    listy = (table, f.field) in LIST_FIELDS
    if f.op == "in":
        vals = [_coerce(spec, f.field, v) for v in _as_list(f.value)]
        if not vals:
            raise QueryError(f"{f.field}: 'in' needs at least one value")
        if listy:
            return [or_(*[col.contains(f",{v},", autoescape=True) for v in vals])]
        return [col.in_(vals)]
    if f.op == "contains":
        if listy:
            return [col.contains(f",{_coerce(spec, f.field, f.value)},", autoescape=True)]
        return [col.icontains(str(f.value), autoescape=True)]
    value = _coerce(spec, f.field, f.value)
    if f.op == "eq":
        if listy:  # an empty value: rows whose list is empty (an event whose claims name no perpetrator)
            return [col == ""] if value is None else [col.contains(f",{value},", autoescape=True)]
        return [col.is_(None) if value is None else col == value]
    if value is None:
        raise QueryError(f"{f.field}: {f.op} needs a value")
    return [col >= value if f.op == "gte" else col <= value]


def _unindexed(expr: Any) -> Any:
    """`col + 0` (or `col || ''`): the same value, but SQLite will not pick an index for it."""
    from sqlalchemy import String, type_coerce

    if isinstance(expr.type, String):
        return type_coerce(expr.op("||")(""), String)
    return expr + 0


def _base(table: str) -> Select[Any]:
    if table == "claims":
        c, d = ClaimRow, DocumentRow
        return (select(c.id, c.data, c.group_id, c.event_id, c.document_id, c.is_tally, c.current,
                       d.outlet, d.url, d.title, d.published)
                .join(d, d.id == c.document_id))
    if table == "events":
        return select(Event)
    if table == "claim_groups":
        return select(ClaimGroup)
    if table == "tallies":
        t, d = Tally, DocumentRow
        tallies: Any = (select(t.id, t.claim_id, t.claimant_side.label("side"), t.claimant_name.label("claimant"),
                               t.victim_party.label("party"), t.kind, t.period_start.label("since"),
                               t.as_of.label("date"), t.quantity_low, t.quantity_high, t.qualifier, d.outlet, d.url)
                        .join(ClaimRow, ClaimRow.id == t.claim_id).join(d, d.id == ClaimRow.document_id))
        return tallies
    if table == "documents":
        d = DocumentRow
        stmt: Any = select(d.id, d.doc_key, d.outlet, d.url, d.title, d.speaker, d.published, d.published_precision,
                      d.language, d.sha256, d.n_chars, d.fetched_at, d.revision, d.supersedes_id, d.is_latest,
                      d.near_dup_of, d.near_dup_score, d.n_claims)
        return stmt
    return select(_SOURCES)


def document_filters(table: str, filters: Sequence[Filter]) -> list[Filter]:
    """The filters of a claims query on its documents' columns (outlet, language, ...)."""
    fields = _fields(table)
    return [f for f in filters if table == "claims" and f.field in fields
            and getattr(fields[f.field].column, "table", None) is DocumentRow.__table__]


def where_clause(table: str, filters: Sequence[Filter], dialect: str = "", order_field: str | None = None,
                 walk: bool = False) -> list[ColumnElement[bool]]:
    """The SQL conditions (ANDed) for `filters` on `table`, plus the implicit current/latest ones.

    Public so that every reader in the store (pages, counts, facets, aggregates) gives a filter the
    same meaning. `dialect`/`order_field` only steer SQLite's planner for ordered pages; counts and
    aggregates leave them empty. `walk` (SQLite) hides the documents' columns from the planner, so
    that a page walks the claims' ORDER BY index and stops at the page size instead of collecting
    every claim of the matching documents and sorting them (right when they are many: a big outlet).
    Raises QueryError for unknown fields, operators or bad values.
    """
    conds: list[ColumnElement[bool]] = []
    hidden = {id(f) for f in document_filters(table, filters)} if walk and dialect == "sqlite" else set()
    for f in filters:
        if id(f) in hidden:
            doc_spec = _fields(table)[f.field]
            conds.extend(_condition(table, f, {f.field: replace(doc_spec, column=_unindexed(doc_spec.column))}))
            continue
        if dialect == "sqlite" and f.op in ("gte", "lte") and f.field != order_field and table == "claims":
            # SQLite's planner would rather range-scan lat/quantity and sort every match than walk
            # the ORDER BY index and stop at the page size; hide the range term from it.
            spec = _fields(table).get(f.field)
            if spec is not None:
                value = _coerce(spec, f.field, f.value)
                col = _unindexed(spec.column)
                conds.append(col >= value if f.op == "gte" else col <= value)
                continue
        if f.field == "bbox" and dialect == "sqlite" and table == "claims":
            _condition(table, f)  # validates (raises QueryError)
            w, so, e, n = (float(v) for v in _as_list(f.value))
            conds.extend(where_clause(table, Filter.bbox(w, so, e, n), dialect, order_field))
            continue
        conds.extend(_condition(table, f))
    if table == "claims" and not any(f.field == "current" for f in filters):
        conds.append(ClaimRow.current.is_(True))
    if table == "documents" and not any(f.field == "is_latest" for f in filters):
        conds.append(DocumentRow.is_latest.is_(True))
    return conds


def _order(table: str, order: str | None) -> tuple[str, FieldSpec, bool]:
    order = order or DEFAULT_ORDER[table]
    desc = order.startswith("-")
    name = order.lstrip("-+")
    spec = _fields(table).get(name)
    if spec is None or not spec.sortable:
        sortable = sorted(k for k, v in _fields(table).items() if v.sortable)
        raise QueryError(f"cannot order {table} by {name!r}; one of {', '.join(sortable)}")
    return name, spec, desc


def _encode_cursor(order: str, value: Any, key: Any) -> str:
    raw = json.dumps({"o": order, "v": value, "k": key}, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, order: str, spec: FieldSpec, key_is_id: bool) -> tuple[Any, Any]:
    """The (value, key) a cursor carries, checked: a crafted cursor is a QueryError, never SQL trouble."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if data["o"] != order:
            raise QueryError("cursor belongs to a different ordering")
        value, key = data["v"], data["k"]
        value = _coerce(spec, "cursor", value)
        if key_is_id:
            if isinstance(key, bool) or not isinstance(key, int) or not INT_MIN <= key <= INT_MAX:
                raise ValueError(key)
        elif not isinstance(key, str | None):
            raise ValueError(key)
        return value, key
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError, QueryError) as e:
        if isinstance(e, QueryError) and "ordering" in str(e):
            raise
        raise QueryError("invalid cursor") from None


def _excludes_nulls(filters: Sequence[Filter], name: str) -> bool:
    """Whether a filter on the order column already keeps its NULL rows out (a range, a value)."""
    return any(f.field == name and (f.op in ("gte", "lte", "in", "contains") or f.value is not None)
               for f in filters)


def nulls_come_first(dialect: str, desc: bool) -> bool:
    """Where NULLs fall in a column's natural order: SQLite counts them smallest, PostgreSQL largest."""
    return (dialect == "sqlite") != desc


def _keyset(spec: FieldSpec, key_col: Any, desc: bool, value: Any, key: Any,
            dialect: str = "sqlite", nulls_filtered: bool = False) -> ColumnElement[bool]:
    col = spec.column
    after = (lambda a, b: a < b) if desc else (lambda a, b: a > b)
    if key_col is None:  # sources: the order column is unique (outlet) or tie-broken by outlet
        return after(col, value)  # type: ignore[no-any-return]
    if not spec.nullable or col is key_col or (nulls_filtered and value is not None):
        return or_(after(col, value), and_(col == value, after(key_col, key)))
    if spec.natural_nulls:  # the NULL block is at the database's own end of the order
        first = nulls_come_first(dialect, desc)
        if value is None:
            inside = and_(col.is_(None), after(key_col, key))
            return or_(inside, col.is_not(None)) if first else inside
        beyond = or_(after(col, value), and_(col == value, after(key_col, key)))
        return beyond if first else or_(beyond, col.is_(None))
    # NULLs sort last in both directions: (col IS NULL), col, key
    if value is None:
        return and_(col.is_(None), after(key_col, key))
    return or_(col.is_(None), after(col, value), and_(col == value, after(key_col, key)))


def _order_by(spec: FieldSpec, key_col: Any, desc: bool) -> list[Any]:
    col = spec.column
    out: list[Any] = []
    if spec.nullable and not spec.natural_nulls:
        out.append(col.is_(None))
    out.append(col.desc() if desc else col.asc())
    if key_col is not None and col is not key_col:
        out.append(key_col.desc() if desc else key_col.asc())
    return out


def _row(table: str, r: Any) -> dict[str, Any]:
    if table == "claims":
        m = r._mapping
        d = dict(m["data"])
        d.update(id=m["id"], group_id=m["group_id"], event_id=m["event_id"], document_id=m["document_id"],
                 is_tally=bool(m["is_tally"]), current=bool(m["current"]), outlet=m["outlet"], url=m["url"],
                 title=m["title"], published=m["published"])
        return d
    if table == "events":
        return event_row(r[0])
    if table == "claim_groups":
        return group_row(r[0])
    m = dict(r._mapping)
    m.pop("_sort", None)
    if table == "tallies":
        m["quantity"] = {"low": m.pop("quantity_low"), "high": m.pop("quantity_high"),
                         "qualifier": m.pop("qualifier")}
        return m
    if "fetched_at" in m and m["fetched_at"] is not None:
        m["fetched_at"] = m["fetched_at"].isoformat()
    if "doc_key" in m:
        m["doc_id"] = m.pop("doc_key")
    return m


def event_row(e: Event) -> dict[str, Any]:
    return {
        "id": e.id, "place": e.place, "admin1": e.admin1, "country": e.country, "lat": e.lat, "lon": e.lon,
        "precision": e.precision, "date_start": e.date_start, "date_end": e.date_end,
        "parties": [p for p in e.parties.split(",") if p], "kinds": [k for k in e.kinds.split(",") if k],
        "perpetrators": [p for p in (e.perpetrators or "").split(",") if p],
        "victims": [v for v in (e.victims or "").split(",") if v],
        "n_claims": e.n_claims, "n_groups": e.n_groups, "n_sides": e.n_sides,
        "deaths": {"low": e.deaths_low, "best": e.deaths_best, "high": e.deaths_high},
        "rule": e.rule, "summary": e.summary,
    }


def group_row(g: ClaimGroup) -> dict[str, Any]:
    return {
        "id": g.id, "kind": g.kind, "party": g.victim_party, "side": g.claimant_side,
        "quantity": {"low": g.quantity_low, "high": g.quantity_high},
        "first_stated": g.first_stated, "last_stated": g.last_stated,
        "original_claim_id": g.original_claim_id, "original_document_id": g.original_document_id,
        "n_reports": g.n_reports, "n_independent": g.n_independent, "n_outlets": g.n_outlets,
    }


def query(db: Database, table: str, filters: Sequence[Filter] = (), order: str | None = None,
          cursor: str | None = None, limit: int = 50, with_total: bool = True,
          count_cap: int | None = None, walk: bool = False) -> Page:
    """One page of `table` rows matching every filter (AND), in `order` ("-field" descending).

    `with_total` counts all matching rows (exact); `count_cap` stops counting after that many
    (then `total` = count_cap and `total_capped` is true), which keeps pages fast on millions.
    `walk`: see `where_clause` (the caller knows from the summaries that the matches are many).
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    name, spec, desc = _order(table, order)
    order_key = ("-" if desc else "") + name
    key_col = _KEY[table]
    conds = where_clause(table, filters, db.dialect, name, walk)
    stmt = _base(table).add_columns(spec.column.label("_sort")).where(*conds)
    if cursor:
        value, key = _decode_cursor(cursor, order_key, spec, key_col is not None)
        stmt = stmt.where(_keyset(spec, key_col, desc, value, key, db.dialect, _excludes_nulls(filters, name)))
    ob = _order_by(spec, key_col, desc)
    if key_col is None and name != "outlet":
        ob.append(_SOURCES.c.outlet.desc() if desc else _SOURCES.c.outlet.asc())
    stmt = stmt.order_by(*ob).limit(limit + 1)
    with db.reading() as s:
        raw = list(s.execute(stmt))
        rows = [_row(table, r) for r in raw[:limit]]
        next_cursor = None
        if len(raw) > limit:
            last_raw, last = raw[limit - 1], rows[-1]
            key = last.get("outlet") if key_col is None else last["id"]
            next_cursor = _encode_cursor(order_key, last_raw._mapping["_sort"], key)
        if with_total:  # counted the planner's own way: walking in order helps a page, not a count
            total = count_where(s, table, where_clause(table, filters, db.dialect, name) if walk else conds, count_cap)
        else:
            total = None
    capped = total is not None and count_cap is not None and total > count_cap
    return Page(rows=rows, next_cursor=next_cursor, total=count_cap if capped else total, total_capped=capped)


def count(db: Database, table: str, filters: Sequence[Filter] = (), cap: int | None = None) -> int:
    """The exact number of `table` rows matching every filter; with `cap`, counting stops after
    cap+1 rows. Separate from `query` so that a caller can count later, under a time budget."""
    conds = where_clause(table, filters)
    with db.reading() as s:
        return count_where(s, table, conds, cap)


def count_where(s: Session, table: str, conds: list[ColumnElement[bool]], cap: int | None = None) -> int:
    """Rows matching `conds`; with `cap`, stop counting after cap+1 rows (cheap on huge results)."""
    inner: Any
    if table == "claims":
        inner = select(ClaimRow.id)
        if any(mentions_document(c) for c in conds):
            inner = inner.join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
    elif table == "sources":
        inner = select(_SOURCES.c.outlet)
    else:
        entity: Any = {"events": Event, "claim_groups": ClaimGroup, "documents": DocumentRow, "tallies": Tally}[table]
        inner = select(entity.id)
    inner = inner.where(*conds)
    if cap is not None:
        inner = inner.limit(cap + 1)
    return int(s.execute(select(func.count()).select_from(inner.subquery())).scalar_one())


def mentions_document(cond: ColumnElement[Any]) -> bool:
    """Whether a condition refers to the documents table, i.e. a claims query must join it."""
    from sqlalchemy.sql import visitors

    return any(getattr(el, "table", None) is DocumentRow.__table__ for el in visitors.iterate(cond))


def facet_counts(db: Database, table: str, field: str, filters: Sequence[Filter] = (),
                 limit: int = 50) -> list[tuple[Any, int]]:
    """How many rows per value of `field` among the filtered rows, most frequent first."""
    spec = _fields(table).get(field)
    if spec is None:
        raise QueryError(f"unknown field {field!r} for {table}")
    conds = where_clause(table, filters)
    col = spec.column
    if (table, field) in LIST_FIELDS:
        return _list_facets(db, table, field, conds, limit)
    if table == "claims":
        stmt = select(col, func.count(ClaimRow.id)).select_from(ClaimRow)
        if col.table is DocumentRow.__table__ or any(mentions_document(c) for c in conds):
            stmt = stmt.join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
    elif table == "sources":
        stmt = select(col, func.count()).select_from(_SOURCES)
    else:
        entity = {"events": Event, "claim_groups": ClaimGroup, "documents": DocumentRow, "tallies": Tally}[table]
        stmt = select(col, func.count()).select_from(entity)
    stmt = stmt.where(*conds).group_by(col).order_by(func.count().desc(), col).limit(limit)
    with db.reading() as s:
        return [(v, int(n)) for v, n in s.execute(stmt)]


def _list_facets(db: Database, table: str, field: str, conds: list[ColumnElement[bool]],
                 limit: int) -> list[tuple[Any, int]]:
    col = _fields(table)[field].column
    entity: Any = ClaimRow if table == "claims" else Event
    stmt = select(col, func.count()).select_from(entity)
    if table == "claims" and any(mentions_document(c) for c in conds):  # an outlet filter: join, not a product
        stmt = stmt.join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
    stmt = stmt.where(*conds).group_by(col)
    with db.reading() as s:
        return split_counts(s.execute(stmt), limit)


def split_counts(rows: Any, limit: int) -> list[tuple[str, int]]:
    """Counts of comma-joined list values ('artillery,drone') per value, most first: a claim with two means
    counts once for each."""
    counts: dict[str, int] = {}
    for value, n in rows:
        for part in (value or "").split(","):
            if part:
                counts[part] = counts.get(part, 0) + int(n)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def iter_rows(db: Database, table: str, filters: Sequence[Filter] = (), order: str | None = None,
              batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every matching row, streamed with a server-side cursor (memory stays flat)."""
    name, spec, desc = _order(table, order)
    key_col = _KEY[table]
    stmt = _base(table).where(*where_clause(table, filters, db.dialect, name)).order_by(*_order_by(spec, key_col, desc))
    with db.reading() as s:
        result = s.execute(stmt, execution_options={"stream_results": True, "yield_per": batch})
        for r in result:
            yield _row(table, r)


def get_claim(db: Database, claim_id: int) -> dict[str, Any] | None:
    page = query(db, "claims", [Filter("id", "eq", claim_id), Filter("current", "in", [True, False])],
                 order="id", limit=1, with_total=False)
    return page.rows[0] if page.rows else None


def get_document(db: Database, doc_id: int) -> dict[str, Any] | None:
    """A document with its text and its claims (current revision or not), for the document view."""
    with db.reading() as s:
        d = s.get(DocumentRow, doc_id)
        if d is None:
            return None
        out: dict[str, Any] = {
            "id": d.id, "doc_id": d.doc_key, "outlet": d.outlet, "url": d.url, "title": d.title,
            "speaker": d.speaker, "published": d.published, "published_precision": d.published_precision,
            "language": d.language, "text": d.text, "sha256": d.sha256,
            "fetched_at": d.fetched_at.isoformat() if d.fetched_at else None, "revision": d.revision,
            "supersedes_id": d.supersedes_id, "is_latest": d.is_latest, "near_dup_of": d.near_dup_of,
            "near_dup_score": d.near_dup_score, "meta": d.meta or {},
        }
        revs = s.execute(select(DocumentRow.id, DocumentRow.revision, DocumentRow.fetched_at, DocumentRow.sha256)
                         .where(DocumentRow.identity == d.identity).order_by(DocumentRow.revision)).all()
        out["revisions"] = [{"id": i, "revision": rv, "fetched_at": fa.isoformat() if fa else None, "sha256": sh}
                            for i, rv, fa, sh in revs]
    out["claims"] = list(iter_rows(db, "claims", [Filter("document_id", "eq", doc_id),
                                                  Filter("current", "in", [True, False])], order="id"))
    return out


def get_event(db: Database, event_id: int) -> dict[str, Any] | None:
    """An event with its claims side by side (the summary holds who says what)."""
    with db.reading() as s:
        e = s.get(Event, event_id)
        if e is None:
            return None
        out = event_row(e)
    out["claims"] = list(iter_rows(db, "claims", [Filter("event_id", "eq", event_id)], order="id"))
    return out


def get_group(db: Database, group_id: int) -> dict[str, Any] | None:
    """A claim group with every report, the original (earliest) first."""
    from claimledger.store.models import ClaimGroupMember

    with db.reading() as s:
        g = s.get(ClaimGroup, group_id)
        if g is None:
            return None
        out = group_row(g)
        ranks = dict(s.execute(select(ClaimGroupMember.claim_id, ClaimGroupMember.rank)
                               .where(ClaimGroupMember.group_id == group_id)).all())
        wires = dict(s.execute(select(ClaimGroupMember.claim_id, ClaimGroupMember.wire_copy_of)
                               .where(ClaimGroupMember.group_id == group_id)).all())
    reports = list(iter_rows(db, "claims", [Filter("group_id", "eq", group_id)], order="id"))
    for r in reports:
        r["rank"] = ranks.get(r["id"], 0)
        r["wire_copy_of"] = wires.get(r["id"])
    out["reports"] = sorted(reports, key=lambda r: r["rank"])
    return out


def dataset_version(db: Database) -> str:
    """Changes whenever stored content changes (documents, claims, events), not on a no-op ingest."""
    import hashlib

    with db.reading() as s:
        n_docs, max_doc = s.execute(select(func.count(DocumentRow.id), func.max(DocumentRow.id))).one()
        n_claims, max_claim, n_current = s.execute(select(
            func.count(ClaimRow.id), func.max(ClaimRow.id),
            func.count(ClaimRow.id).filter(ClaimRow.current.is_(True)))).one()
        n_events, max_event, deaths = s.execute(select(func.count(Event.id), func.max(Event.id),
                                                       func.sum(Event.deaths_best))).one()
    raw = f"{n_docs}:{max_doc}:{n_claims}:{max_claim}:{n_current}:{n_events}:{max_event}:{deaths}"
    return f"d{n_docs}-c{n_claims}-{hashlib.sha256(raw.encode()).hexdigest()[:10]}"


__all__ = ["Filter", "Page", "QueryError", "query", "count", "facet_counts", "iter_rows", "filterable_fields",
           "where_clause", "filter_conditions", "count_where", "mentions_document", "FieldSpec",
           "get_claim", "get_document", "get_event", "get_group", "dataset_version", "TABLES", "OPS", "LIST_FIELDS"]
