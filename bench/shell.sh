#!/usr/bin/env bash
# Issue #3 benchmarks:
#  - hook overhead per command in interactive bash, zsh and fish (issue #9 target: <= 1 ms added, median)
#  - shell start with and without mem (bench/shell-start.sh; target: <= +10 ms installed)
#  - `mem import-history` of a 100,000-line zsh history built from the dev files (target: <= 3 s)
#  - `mem history --limit 20` and `mem stats` on a store of 500,000 commands (target: <= 2.5x node -e 0)
# Needs hyperfine, python3, bash, zsh and fish. Usage: bench/shell.sh [--no-hooks]
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mem="$PWD/bin/mem"

if [ "${1-}" != "--no-hooks" ]; then
  python3 bench/hook-overhead.py bash "$mem" 500
  python3 bench/hook-overhead.py zsh "$mem" 500
  python3 bench/hook-overhead.py fish "$mem" 500
  bench/shell-start.sh
fi

export MEM_HOME="$work/import" MEM_CONFIG="$work/none.toml" NO_COLOR=1
node bench/gen-history.mjs 100000 > "$work/h100k"
hyperfine -N --runs 5 --export-json "$out/import.json" \
  --prepare "rm -rf $work/import" "$mem import-history --no-learn --shell zsh $work/h100k" | grep -E 'Time|Range'

export MEM_HOME="$work/big"
node bench/gen-history.mjs 500000 > "$work/h500k"
"$mem" import-history --no-learn --shell zsh "$work/h500k"
hyperfine -N --warmup 3 --runs 30 --export-json "$out/shell.json" 'node -e 0' "$mem history --limit 20" "$mem stats" >/dev/null
node bench/report.mjs "$out/shell.json" 2.5
