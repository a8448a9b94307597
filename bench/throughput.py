"""Throughput of `claimledger.extract_many` next to bare spaCy `nlp.pipe` with the same model over the
same texts (../shared/corpus/statements/*.jsonl), in the same run. Prints words/s of both, their ratio
(wall clock, and in CPU seconds of each process: on a shared machine the second is the steadier figure, as
other jobs lengthen wall time but not the work done) and the peak memory (max RSS) of each, measured in separate child processes so that one does not
inflate the other. Figures only: nothing here asserts a time.

    .venv/bin/python bench/throughput.py [--limit N] [--rounds R] [--repeat K] [--json]

`--repeat K` feeds the corpus K times over (extract_many only, no bare run): peak memory should stay
the same as K grows, since documents stream through in batches.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "statements"


def iter_docs(limit: int | None, repeat: int = 1):  # type: ignore[no-untyped-def]
    for k in range(repeat):
        n = 0
        for path in sorted(CORPUS.glob("*.jsonl")):
            with path.open(encoding="utf-8") as f:
                for line in f:
                    if not line.strip():
                        continue
                    doc = json.loads(line)
                    doc["id"] = f"{doc.get('id')}#{k}"
                    yield doc
                    n += 1
                    if limit and n >= limit:
                        break
            if limit and n >= limit:
                break


def run_phase(phase: str, limit: int | None, repeat: int = 1) -> dict[str, float]:
    """Run in this (child) process; report words, seconds, claims and max RSS."""
    words = sum(len(d["text"].split()) for d in iter_docs(limit, repeat))
    if phase == "bare":
        import spacy

        from claimledger.config import get_settings

        t0 = time.perf_counter()
        nlp = spacy.load(get_settings().spacy_model)
        load = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        n = 0
        for _doc in nlp.pipe((d["text"] for d in iter_docs(limit)), batch_size=32):
            n += 1
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        claims = 0
    else:
        from claimledger import extract_many
        from claimledger.extraction.pipeline import get_extractor

        t0 = time.perf_counter()
        get_extractor()
        load = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        claims = sum(1 for _ in extract_many(iter_docs(limit, repeat)))
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"words": words, "seconds": secs, "cpu_seconds": cpu, "load_seconds": load, "claims": claims, "max_rss_mb": rss_mb}


def child(phase: str, limit: int | None, repeat: int = 1) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--phase", phase, "--repeat", str(repeat)] + (
        ["--limit", str(limit)] if limit else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="only the first N documents")
    ap.add_argument("--phase", choices=["bare", "extract"], help=argparse.SUPPRESS)
    ap.add_argument("--repeat", type=int, default=1, help="feed the corpus K times (extract_many only)")
    ap.add_argument("--rounds", type=int, default=1, help="alternate the phases N times, keep each one's fastest")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(run_phase(a.phase, a.limit, a.repeat)))
        return 0
    if a.repeat > 1:
        for k in (1, a.repeat):
            r = child("extract", a.limit, k)
            print(f"extract_many x{k}: {int(r['words']):,} words, {r['words'] / r['seconds']:,.0f} words/s, "
                  f"peak RSS {r['max_rss_mb']:.0f} MB")
        return 0
    if not CORPUS.exists():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    # rounds alternate the two phases and keep each one's fastest run: on a machine whose CPU speed drifts
    # (shared cores), one slow stretch then does not land on a single phase and skew the ratio
    runs = [(child("bare", a.limit), child("extract", a.limit)) for _ in range(a.rounds)]
    bare = min((b for b, _ in runs), key=lambda r: r["cpu_seconds"])
    ext = min((e for _, e in runs), key=lambda r: r["cpu_seconds"])
    if a.rounds > 1 and not a.json:
        for k, (b, e) in enumerate(runs, 1):
            print(f"round {k}: bare {b['cpu_seconds']:.1f} s CPU, extract {e['cpu_seconds']:.1f} s CPU, "
                  f"ratio {b['cpu_seconds'] / e['cpu_seconds']:.2f}")
    wps_bare = bare["words"] / bare["seconds"]
    wps_ext = ext["words"] / ext["seconds"]
    result = {"documents_limit": a.limit, "words": ext["words"],
              "bare_nlp_pipe": {"words_per_s": round(wps_bare), "seconds": round(bare["seconds"], 1),
                                "load_s": round(bare["load_seconds"], 1), "max_rss_mb": round(bare["max_rss_mb"])},
              "extract_many": {"words_per_s": round(wps_ext), "seconds": round(ext["seconds"], 1),
                               "load_s": round(ext["load_seconds"], 1), "claims": int(ext["claims"]),
                               "max_rss_mb": round(ext["max_rss_mb"])},
              "ratio": round(wps_ext / wps_bare, 2),
              "ratio_cpu": round(bare["cpu_seconds"] / ext["cpu_seconds"], 2),
              "loadavg": os.getloadavg()}
    if a.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"corpus: {CORPUS} ({int(ext['words']):,} words)")
        print(f"bare nlp.pipe : {wps_bare:10,.0f} words/s  ({bare['seconds']:.1f} s, load {bare['load_seconds']:.1f} s,"
              f" peak RSS {bare['max_rss_mb']:.0f} MB)")
        print(f"extract_many  : {wps_ext:10,.0f} words/s  ({ext['seconds']:.1f} s, load {ext['load_seconds']:.1f} s,"
              f" peak RSS {ext['max_rss_mb']:.0f} MB, {int(ext['claims']):,} claims)")
        print(f"ratio extract_many / nlp.pipe: {wps_ext / wps_bare:.2f} (wall clock); "
              f"{result['ratio_cpu']:.2f} in CPU seconds ({bare['cpu_seconds']:.1f} / {ext['cpu_seconds']:.1f} s), "
              f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
