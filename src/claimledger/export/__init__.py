"""Writers for query results: table, JSON Lines, CSV, GeoJSON, Parquet, and the ACLED / UCDP
GED crosswalks. Every writer streams (rows in, bytes out, memory flat) and every output carries
its provenance: the dataset version, the claimledger version and the configuration hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claimledger.store import Filter, Ledger

FORMATS = ("table", "jsonl", "csv", "geojson", "parquet")


def provenance(ledger: Ledger) -> dict[str, str]:
    from claimledger import __version__
    from claimledger.reconcile import PARAMETERS
    from claimledger.store.ingest import config_hash

    return {"dataset_version": ledger.dataset_version(), "claimledger_version": __version__,
            "config_hash": config_hash({"reconcile": PARAMETERS})}


def build_filters(*, since: str | None = None, until: str | None = None, party: Sequence[str] = (),
                  side: Sequence[str] = (), kind: Sequence[str] = (), place: str | None = None,
                  admin1: str | None = None, bbox: Sequence[float] | None = None,
                  min_quantity: int | None = None, precision: Sequence[str] = (),
                  table: str = "claims") -> list[Filter]:
    """The CLI's filter flags as query filters (same semantics as the JSON API)."""
    out = Filter.date_range(since, until)
    if party:
        out.append(Filter("party", "in", list(party)))
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
    return out


def flat_claim(r: dict[str, Any]) -> dict[str, Any]:
    """One claim row as flat columns (CSV, Parquet, GeoJSON properties)."""
    v, q, c = r.get("victim") or {}, r.get("quantity") or {}, r.get("claimant") or {}
    loc, et, ev = r.get("location") or {}, r.get("event_time") or {}, r.get("evidence") or {}
    return {
        "id": r.get("id"), "doc_id": r.get("doc_id"), "document_id": r.get("document_id"), "kind": r.get("kind"),
        "victim_party": v.get("party"), "victim_type": v.get("type"), "victim_text": v.get("text"),
        "victim_item": v.get("item"), "quantity_low": q.get("low"), "quantity_high": q.get("high"),
        "quantity_qualifier": q.get("qualifier"), "quantity_text": q.get("text"),
        "claimant_name": c.get("name"), "claimant_side": c.get("side"), "stance": r.get("stance"),
        "means": ";".join(r.get("means") or []), "location_name": loc.get("name"), "lat": loc.get("lat"),
        "lon": loc.get("lon"), "country": loc.get("country"), "admin1": loc.get("admin1"),
        "location_precision": loc.get("precision"), "event_start": et.get("start"), "event_end": et.get("end"),
        "time_precision": et.get("precision"), "stated_on": r.get("stated_on"), "evidence_text": ev.get("text"),
        "evidence_start": ev.get("start"), "evidence_end": ev.get("end"), "confidence": r.get("confidence"),
        "group_id": r.get("group_id"), "event_id": r.get("event_id"), "is_tally": r.get("is_tally"),
        "outlet": r.get("outlet"), "url": r.get("url"), "title": r.get("title"), "published": r.get("published"),
    }


def flat_event(r: dict[str, Any]) -> dict[str, Any]:
    d = r.get("deaths") or {}
    return {
        "id": r["id"], "place": r.get("place"), "admin1": r.get("admin1"), "country": r.get("country"),
        "lat": r.get("lat"), "lon": r.get("lon"), "precision": r.get("precision"),
        "date_start": r.get("date_start"), "date_end": r.get("date_end"), "parties": ";".join(r.get("parties") or []),
        "kinds": ";".join(r.get("kinds") or []), "n_claims": r.get("n_claims"), "n_groups": r.get("n_groups"),
        "n_sides": r.get("n_sides"), "deaths_low": d.get("low"), "deaths_best": d.get("best"),
        "deaths_high": d.get("high"), "rule": r.get("rule"),
    }


def flat_tally(r: dict[str, Any]) -> dict[str, Any]:
    q = r.get("quantity") or {}
    return {"id": r.get("id"), "date": r.get("date"), "since": r.get("since"), "side": r.get("side"),
            "claimant": r.get("claimant"), "party": r.get("party"), "kind": r.get("kind"),
            "quantity_low": q.get("low"), "quantity_high": q.get("high"), "qualifier": q.get("qualifier"),
            "claim_id": r.get("claim_id"), "outlet": r.get("outlet"), "url": r.get("url")}


CLAIM_TABLE_COLUMNS = ["id", "stated_on", "kind", "victim_party", "quantity_text", "quantity_low", "quantity_high",
                       "claimant_side", "claimant_name", "stance", "location_name", "admin1", "outlet"]
TALLY_TABLE_COLUMNS = ["date", "since", "side", "claimant", "party", "kind", "quantity_low", "quantity_high",
                       "qualifier", "outlet"]
EVENT_TABLE_COLUMNS = ["id", "date_start", "date_end", "place", "admin1", "parties", "n_claims", "n_sides",
                       "deaths_low", "deaths_best", "deaths_high"]


def export(ledger: Ledger, table: str, filters: Sequence[Filter], fmt: str, out: str | None = None,
           style: str | None = None, order: str | None = None) -> int:
    """Stream every matching row of `table` ("claims", "events", "tallies") to `out` (a path, or stdout).

    `style` "acled"/"ucdp" turns events into those datasets' columns. Provenance goes in band
    (CSV comment, GeoJSON properties, Parquet metadata) and, when writing a file, into a
    `<file>.meta.json` sidecar as well. Returns the number of rows written.
    """
    import json
    import sys

    from claimledger.export import crosswalk, writers

    meta = provenance(ledger)
    rows: Any = ledger.iter_rows(table, filters, order)
    columns: list[str] | None = None
    if style in ("acled", "ucdp"):
        rows = crosswalk.rows(rows, style)
        columns = crosswalk.ACLED_COLUMNS if style == "acled" else crosswalk.UCDP_COLUMNS
        table_cols = columns
    elif fmt != "jsonl":
        flat = {"claims": flat_claim, "events": flat_event, "tallies": flat_tally}[table]
        rows = (flat(r) for r in rows)
        table_cols = {"claims": CLAIM_TABLE_COLUMNS, "events": EVENT_TABLE_COLUMNS,
                      "tallies": TALLY_TABLE_COLUMNS}[table]
    else:
        table_cols = []
    if fmt == "parquet":
        if out is None:
            if sys.stdout.isatty():
                from claimledger.errors import ClaimledgerError

                raise ClaimledgerError("parquet is binary: write it to a file with -o FILE (or pipe stdout)")
            n = writers.write_parquet(rows, sys.stdout.buffer, meta, columns)
        else:
            n = writers.write_parquet(rows, out, meta, columns)
    else:
        fh = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
        try:
            if fmt == "jsonl":
                if out is None:
                    print(writers.provenance_comment(meta).rstrip(), file=sys.stderr)
                n = writers.write_jsonl(rows, fh)
            elif fmt == "csv":
                n = writers.write_csv(rows, fh, meta, columns)
            elif fmt == "geojson":
                n = writers.write_geojson(rows, fh, meta)
            else:
                n = writers.write_table(rows, table_cols, fh if out else None)
        finally:
            if out:
                fh.close()
            else:
                fh.flush()
    if out:
        with open(f"{out}.meta.json", "w", encoding="utf-8") as side:
            json.dump({**meta, "rows": n, "format": fmt, "table": table, "style": style}, side, indent=2)
    return n


__all__ = ["FORMATS", "provenance", "build_filters", "flat_claim", "flat_event", "export"]
