"""Bounded work per document: a text that is one sentence of a megabyte, through `extract_documents`.

The text is real English prose (the addresses of ../shared/corpus/statements, read from there)
with every sentence end turned into a comma, so the splitter finds no sentence boundary at all.
Each case runs in its own child process (model loaded first, then only the document timed), which
reports its own peak memory (max RSS, model included). With `--src DIR` the
same cases run against another checkout's `src/` (say `git worktree add /tmp/main main`), side by
side; those children get a 4 GB address-space cap and a time limit so an unbounded extractor
cannot take the machine down. Figures only: nothing here asserts a time.

    .venv/bin/python bench/long_text.py [--src /tmp/main/src] [--timeout 600]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "statements"
CASES = {"1 MB, one sentence": 1_000_000, "900 KB, one sentence": 900_000, "200 KB, one sentence": 200_000}
CAP_BYTES = 4 * 1024**3


def one_sentence(size: int) -> str:
    """`size` characters of corpus prose with no sentence end before the last character."""
    parts: list[str] = []
    n = 0
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text") or ""
                parts.append(text)
                n += len(text)
                if n > size * 1.2:
                    break
        if n > size * 1.2:
            break
    prose = re.sub(r"\s+", " ", re.sub(r"[.!?]+(?=\s|$)", ",", " ".join(parts)))
    return prose[:size - 1].rstrip(" ,") + "."


def child(size: int) -> None:
    """Run in the child: load the extractor, then time one document."""
    from claimledger.core import extract_documents
    from claimledger.model import Document

    text = one_sentence(size)
    list(extract_documents([Document(id="warm-up", text="Three soldiers were killed, the army said.")]))
    t0 = time.perf_counter()
    [result] = list(extract_documents([Document(id="long", text=text, published="2022-06-01")]))
    seconds = time.perf_counter() - t0
    print(json.dumps({"chars": len(text), "sentence_ends": len(re.findall(r"[.!?](?:\s|$)", text)),
                      "seconds": round(seconds, 2), "claims": len(result.claims),
                      "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "error": None if result.error is None else result.error.reason[:120]}))


def run(size: int, src: Path, capped: bool, timeout: float) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}

    def limit() -> None:
        if capped:
            resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))

    t0 = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, __file__, "--child", str(size)], env=env, capture_output=True,
                              text=True, timeout=timeout, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:g} s", "wall": round(time.perf_counter() - t0, 1)}
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1][:120]
        return {"error": f"exit {proc.returncode}: {tail}", "wall": round(time.perf_counter() - t0, 1)}
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--src", type=Path, help="another checkout's src/ to run side by side (capped at 4 GB)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per case")
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    trees = [("this tree", ROOT / "src", False)] + ([(str(args.src), args.src, True)] if args.src else [])
    for name, size in sorted(CASES.items(), key=lambda kv: kv[1]):
        for label, src, capped in trees:
            print(f"{name:22s} {label:24s} {json.dumps(run(size, src, capped, args.timeout))}", flush=True)


if __name__ == "__main__":
    main()
