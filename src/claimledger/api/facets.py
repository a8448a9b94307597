"""Facets with toggle links: counts per value of a field, each value carrying the URL that adds
or removes it as a filter (the way Datasette's facets work)."""

from __future__ import annotations

from typing import Any

from claimledger.api import params as P
from claimledger.api.budget import Counter, filters_key
from claimledger.store import BudgetExceeded, Filter, Ledger
from claimledger.store.query import LIST_FIELDS


def _selected(filters: list[Filter], fld: str, value: Any) -> bool:
    sval = "" if value is None else str(value)
    for f in filters:
        if f.field != fld:
            continue
        if f.op in ("eq", "contains") and ("" if f.value is None else str(f.value)) == sval:
            return True
        if f.op == "in" and sval in [v.strip() for v in str(f.value).split(",")]:
            return True
    return False


def _toggle_pairs(table: str, pairs: list[tuple[str, str]], fld: str, value: Any,
                  selected: bool) -> list[tuple[str, str]]:
    sval = "" if value is None else str(value)
    listy = (table, fld) in LIST_FIELDS
    if not selected:
        return [*pairs, (f"{fld}__{'contains' if listy else 'eq'}", sval)]
    out: list[tuple[str, str]] = []
    for k, v in pairs:
        if k in (f"{fld}__eq", f"{fld}__contains", fld) and v == sval:
            continue
        if k == f"{fld}__in":
            rest = [x for x in (s.strip() for s in v.split(",")) if x and x != sval]
            if rest:
                out.append((k, ",".join(rest)))
            continue
        out.append((k, v))
    return out


def _counts(ledger: Ledger, table: str, fld: str, others: list[Filter], size: int, budget_ms: float | None,
            counter: Counter | None) -> list[tuple[Any, int]] | None:
    def count() -> list[tuple[Any, int]]:
        return ledger.facet_counts(table, fld, others, limit=size + 1)

    if counter is not None:
        return counter.cached(("facet", table, fld, filters_key(others), size), count, budget_ms)
    try:
        with ledger.budgeted(budget_ms):
            return count()
    except BudgetExceeded:
        return None


def compute_facets(ledger: Ledger, table: str, lp: P.ListParams, path: str,
                   base_pairs: list[tuple[str, str]], budget_ms: float | None = None,
                   counter: Counter | None = None, summary_budget_ms: float | None = None) -> dict[str, Any]:
    """Counts per value of each requested field. A facet's own filters are left out of its counts
    (so that picking "Russia" still shows how many claims the other parties have), every other
    filter applies; each value carries the URL that toggles it on or off. A facet the summary
    tables answer gets at least `summary_budget_ms` (it is exact and cheap: no "counting…")."""
    out: dict[str, Any] = {}
    for fld in lp.facets:
        others = [f for f in lp.filters if f.field != fld]
        budget = budget_ms
        if (summary_budget_ms is not None and budget is not None and table == "claims"
                and ledger.summarizable(others, fld)):
            budget = max(budget, summary_budget_ms)
        counts = _counts(ledger, table, fld, others, lp.facet_size, budget, counter)
        if counts is None:
            out[fld] = {"name": fld, "results": [], "truncated": False, "timed_out": True}
            continue
        results = []
        for value, n in counts[: lp.facet_size]:
            sel = _selected(lp.filters, fld, value)
            results.append({"value": value, "label": "(none)" if value in (None, "") else str(value),
                            "count": n, "selected": sel,
                            "toggle_url": P.url_with(path, _toggle_pairs(table, base_pairs, fld, value, sel))})
        out[fld] = {"name": fld, "results": results, "truncated": len(counts) > lp.facet_size, "timed_out": False}
    return out
