#!/usr/bin/env bash
# Issue #2 benchmark: bulk-record 100,000 fix attempts, then time `mem stats`, `mem fix context`
# and `mem fix patterns` on that store against `node -e 0` (target: median <= 2.5x node -e 0).
# Needs hyperfine (apt-get install hyperfine). Usage: bench/fixes.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
out=bench/out; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export MEM_HOME="$work" MEM_CONFIG="$work/none.toml" NO_COLOR=1
mem="$PWD/bin/mem"

node bench/gen-fixes.mjs "$n" > "$work/attempts.jsonl"
start=$(date +%s.%N)
"$mem" fix record --from-json "$work/attempts.jsonl" >/dev/null
end=$(date +%s.%N)
echo "bulk record of $n attempts: $(echo "$end - $start" | bc) s"

hyperfine -N --warmup 3 --runs 30 --export-json "$out/fixes.json" \
  'node -e 0' \
  "$mem stats" \
  "$mem fix context --model llama3:8b --issue-type TIMEOUT --test-prompt 'Test prompt number 7: please answer the question about topic 7'" \
  "$mem fix patterns" >/dev/null
node bench/report.mjs "$out/fixes.json" 2.5
