#!/usr/bin/env bash
# Issue #4 benchmarks:
#  - `mem eval predict` on the four dev histories, full line and command name (targets: full top-1
#    >= 22%, top-3 >= 33%; name top-1 >= 40%, top-3 >= 62%; all four files in <= 60 s)
#  - `mem predict` on a store of 100,000 commands (target: median <= 1.8x `node -e 0`)
#  - the suggestion file updated after a command (target: <= 200 ms)
# Needs hyperfine. Usage: bench/predict.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
work=$(mktemp -d); trap 'pkill -f "MEM_HOME=$work" 2>/dev/null; rm -rf "$work"' EXIT
mem="$PWD/bin/mem"
dev=../shared/data/histories/zsh-dev

for g in full name; do
  start=$(date +%s.%N)
  "$mem" eval predict --granularity "$g" --json "$dev"/*.zsh_history > "$out/eval-$g.json"
  end=$(date +%s.%N)
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const p = (x) => (x * 100).toFixed(1) + "%";
    const m = r.macro, b = m.baselines;
    console.log(`eval ${r.granularity}: mem ${p(m.top1)} / ${p(m.topk)}; mfu ${p(b.mfu.top1)} / ${p(b.mfu.topk)}; markov1 ${p(b.markov1_mfu.top1)} / ${p(b.markov1_mfu.topk)} (top-1 / top-${r.k}, macro); never-run first ${p(m.novel_top1_share)}, right ${m.novel_top1_precision === null ? "-" : p(m.novel_top1_precision)}; in ${process.argv[2]} s`);
  ' "$out/eval-$g.json" "$(echo "$end - $start" | bc)"
done

export MEM_HOME="$work/store" MEM_CONFIG="$work/none.toml" NO_COLOR=1
node bench/gen-history.mjs 100000 > "$work/h100k"
"$mem" import-history --shell zsh "$work/h100k" >/dev/null
start=$(date +%s.%N)
"$mem" __ingest --learn-all
end=$(date +%s.%N)
echo "learned $("$mem" stats --json | node -e 'console.log(JSON.parse(require("fs").readFileSync(0)).shell.total_commands)') commands in $(echo "$end - $start" | bc) s (in the background, normally)"
hyperfine -N --warmup 3 --runs 30 --export-json "$out/predict.json" 'node -e 0' "$mem predict --json" "$mem predict" >/dev/null
node bench/report.mjs "$out/predict.json" 1.8
node bench/suggest-latency.mjs "$MEM_HOME" 30
