"""The long tail of dashboard views: summary cubes vs the columnar snapshot (DuckDB over Parquet).

Usage: .venv/bin/python bench/columnar.py --db 1m.db [--url URL] [--views 40] [--seed 11] [--dir DIR]

Draws dashboard views the way `bench/api_load.py` does (0-2 filters, a date range in 30 %) and keeps
those that only the widest summary cube answers (a date range with another field, or two fields no
small cube holds): the first-seen views that dominate a loaded server's time. For each, the facets,
the timeline and the map are computed once through the summary tables (cold: first time that
statement runs for those filters) and once through the columnar snapshot, side by side, and the two
answers are compared (they must be equal). Also prints the time to write the snapshot and its size.
Run it under `flock /work/notes/bench.lock`; asserts nothing but prints mismatches.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from api_load import FACETS, dashboard_view  # noqa: E402
from claimledger.store import Filter, Ledger  # noqa: E402
from claimledger.store import summary as S  # noqa: E402
from claimledger.store.columnar import Columnar  # noqa: E402

FACET_FIELDS = [p.split("=")[1] for p in FACETS.split("&") if p.startswith("_facet=")]


def filters_of(view: str) -> list[Filter]:
    out = []
    for pair in view.split("?", 1)[1].split("&") if "?" in view else []:
        key, value = pair.split("=", 1)
        if key.startswith("_"):
            continue
        field, op = key.split("__") if "__" in key else (key, "eq")
        out.append(Filter(field, op, value))  # type: ignore[arg-type]
    return out


def wide_views(n: int, seed: int) -> list[list[Filter]]:
    rnd = random.Random(seed)
    seen: dict[str, list[Filter]] = {}
    while len(seen) < n:
        filters = filters_of(dashboard_view(rnd))
        wide = S.cube_for(filters) == 0 or any(
            S.cube_for([f for f in filters if f.field != fld], fld) == 0 for fld in FACET_FIELDS)
        wide = wide or S.cube_for(filters, "date") == 0 or S.cube_for(filters, "precision", "admin1", "country") == 0
        if filters and wide:
            seen.setdefault(repr(filters), filters)
    return list(seen.values())


def timed(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def one_view(led: Ledger, col: Columnar, filters: list[Filter]) -> dict[str, tuple[float, float, bool]]:
    """endpoint -> (summary ms, columnar ms, equal) for the dashboard's facets (those only the widest
    cube answers), timeline and map, where only the widest cube answers them (as `Ledger` chooses)."""
    wide = [f for f in FACET_FIELDS if S.cube_for([x for x in filters if x.field != f], f) == 0]

    def facets_sum() -> Any:
        return {f: S.facet_counts(led.db, f, [x for x in filters if x.field != f], 13) for f in wide}

    def facets_col() -> Any:
        return {f: col.facet_counts(f, [x for x in filters if x.field != f], 13) for f in wide}

    def points(m: Any) -> Any:
        return (sorted((p.lat, p.lon, p.precision, p.count) for p in m.points),
                sorted((a.admin1, a.count) for a in m.areas), m.by_precision)

    out = {}
    todo = {"facets": bool(wide), "timeline": S.cube_for(filters, "date") == 0,
            "map": S.cube_for(filters, "precision", "admin1", "country") == 0}
    for name, a, b, norm in (
            ("facets", facets_sum, facets_col, lambda x: x),
            ("timeline", lambda: S.claims_per_day(led.db, filters), lambda: col.claims_per_day(filters),
             lambda x: sorted(x, key=str)),
            ("map", lambda: S.map_cells(led.db, filters, 5000), lambda: col.map_cells(filters, 5000), points)):
        if not todo[name]:
            continue
        ta, ra = timed(a)
        tb, rb = timed(b)
        out[name] = (ta, tb, norm(ra) == norm(rb))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="SQLite ledger file")
    ap.add_argument("--url", help="ledger URL (PostgreSQL) instead of --db")
    ap.add_argument("--views", type=int, default=40)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--dir", help="snapshot folder (default: a temporary one)")
    args = ap.parse_args()
    led = Ledger.open(args.url or f"sqlite:///{args.db}", upgrade=False)  # read only: never migrates it
    folder = Path(args.dir or tempfile.mkdtemp(prefix="columnar-"))
    col = led.enable_columnar(folder)
    t_build, ok = timed(col.build)
    size = sum(p.stat().st_size for p in folder.glob("v-*.parquet"))
    print(f"ledger {led.url}: snapshot written in {t_build / 1000:.1f} s, {size / 1e6:.1f} MB, usable {ok}")
    rows: dict[str, list[tuple[float, float, bool]]] = {}
    for filters in wide_views(args.views, args.seed):
        for name, r in one_view(led, col, filters).items():
            rows.setdefault(name, []).append(r)
            if not r[2]:
                print("MISMATCH", name, filters)
    print(f"{len(wide_views(args.views, args.seed))} first-seen views that only the widest cube answers")
    print(f"{'endpoint':10} {'summary p50':>12} {'p95':>8} {'max':>8} {'columnar p50':>13} {'p95':>8} {'max':>8}"
          f" {'p50 ratio':>10} equal")
    for name, rs in rows.items():
        a = sorted(r[0] for r in rs)
        b = sorted(r[1] for r in rs)
        p = lambda v, q: v[min(len(v) - 1, round(q * len(v)) - 1)]  # noqa: E731
        print(f"{name:10} {p(a, .5):12.1f} {p(a, .95):8.1f} {a[-1]:8.1f} {p(b, .5):13.1f} {p(b, .95):8.1f}"
              f" {b[-1]:8.1f} {p(a, .5) / p(b, .5):9.1f}x {all(r[2] for r in rs)}")


if __name__ == "__main__":
    main()
