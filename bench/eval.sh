#!/usr/bin/env bash
# Score the extractor on every gold file in ../shared/eval/gold with the shared scorer.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
tmp=$(mktemp -d)
for gold in "$shared"/eval/gold/*.jsonl; do python3 "$shared/eval/score.py" docs "$gold"; done > "$tmp/docs.jsonl"
.venv/bin/claimledger extract --format jsonl "$tmp/docs.jsonl" > "$tmp/pred.jsonl"
for gold in "$shared"/eval/gold/*.jsonl; do
  printf '%-18s %s\n' "$(basename "$gold" .jsonl)" "$(python3 "$shared/eval/score.py" "$gold" "$tmp/pred.jsonl" | tail -n 1)"
done
cat "$shared"/eval/gold/*.jsonl > "$tmp/all.jsonl"
python3 "$shared/eval/score.py" "$tmp/all.jsonl" "$tmp/pred.jsonl" ${EVAL_ARGS:-}
cp "$tmp/pred.jsonl" /tmp/last_pred.jsonl; cp "$tmp/all.jsonl" /tmp/all_gold.jsonl
rm -rf "$tmp"
