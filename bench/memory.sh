#!/usr/bin/env bash
# Semantic memory benchmarks (medians; targets relative to `node -e 0` on the same machine):
#  - `mem add "text"` on the normal path: the detached embedding worker is spawned (MEM_NO_WORKER
#    unset, provider local); target <= 1.5x. Each run adds a new text (an identical one would be
#    a duplicate and spawn nothing), so hyperfine runs one value of a parameter list per run.
#  - `mem search --mode keyword QUERY` over N memories (default 100,000) built with
#    `mem add --bulk` in chunks of 10,000; target <= 2x.
#  - sqlite-vec KNN, in-process: N random unit 384-d vectors in a vec0 table shaped like mem's
#    (scope partition key, model column, cosine), median of 50 queries with k = 10.
# Offline and hermetic: no model is downloaded or read (MEM_OFFLINE=1, empty MEM_MODEL_DIR and
# cache), so the spawned worker finds no model and exits; its start-up cost is what is measured.
# Needs hyperfine. Usage: bench/memory.sh [N] [ADD_RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
add_runs=${2:-40}
out=bench/out; mkdir -p "$out"
work=$(mktemp -d)
mem="$PWD/bin/mem"
gen="node bench/gen-memories.mjs"

export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" MEM_CONFIG="$work/none.toml"
export NO_COLOR=1 MEM_OFFLINE=1 MEM_MODEL_DIR="$work/no-model" MEM_SCOPE=bench
unset MEM_NO_WORKER MEM_EMBEDDING_PROVIDER MEM_DB
mkdir -p "$HOME" "$MEM_MODEL_DIR"

wait_workers() { # detached workers of `mem add` hold embed.lock while they run
  for _ in $(seq 100); do [ -e "$MEM_HOME/embed.lock" ] || return 0; sleep 0.1; done
}
cleanup() { wait_workers || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== mem add (normal path, detached worker spawned), $add_runs runs"
export MEM_HOME="$work/add"
for i in 1 2 3 4 5; do "$mem" add "warm-up memory $i" >/dev/null; done
wait_workers
hyperfine -N --warmup 5 --runs "$add_runs" --export-json "$out/memory-node.json" 'node -e 0' >/dev/null
hyperfine -N --warmup 3 --runs "$add_runs" --export-json "$out/memory-version.json" "$mem --version" >/dev/null
params=$(seq -s, 1 "$add_runs")
# Untimed between runs: wait until the worker started by the previous run has finished, so each
# run pays for its own spawn but does not share the CPU with the previous run's worker.
settle="sh -c 'sleep 0.3; while [ -e \"\$MEM_HOME/embed.lock\" ]; do sleep 0.02; done'"
hyperfine -N --runs 1 -L i "$params" --prepare "$settle" --export-json "$out/memory-add.json" "$mem add 'benchmark memory number {i}: the deploy needs the new certificate'" >/dev/null
wait_workers
# Back to back: each run overlaps with the worker of the run before (a script adding in a loop).
hyperfine -N --runs 1 -L i "$params" --export-json "$out/memory-add-b2b.json" "$mem add 'back-to-back memory number {i}'" >/dev/null
wait_workers
created=$("$mem" list --json --status pending --per-page 1 | node -pe 'JSON.parse(require("fs").readFileSync(0)).meta.total')
echo "memories in the add store: $created (5 warm-up + 2 x $add_runs timed: each run created one)"
# For reference: the same without the spawn (MEM_NO_WORKER=1).
MEM_NO_WORKER=1 hyperfine -N --runs 1 -L i "$params" --prepare "$settle" --export-json "$out/memory-add-noworker.json" "$mem add 'no-worker memory number {i}'" >/dev/null

echo "== store of $n memories (mem add --bulk, chunks of 10,000)"
export MEM_HOME="$work/big"
$gen memories "$n" > "$work/all.jsonl"
split -l 10000 -d -a 3 "$work/all.jsonl" "$work/chunk."
start=$(date +%s.%N)
for f in "$work"/chunk.*; do MEM_NO_WORKER=1 "$mem" add --bulk "$f" >/dev/null; done
end=$(date +%s.%N)
echo "bulk add of $n memories: $(echo "$end - $start" | bc) s; store $(du -h "$MEM_HOME/mem.db" | cut -f1)"

echo "== search over $n memories"
hyperfine -N --warmup 3 --runs 30 --export-json "$out/memory-search.json" \
  'node -e 0' \
  "$mem search --mode keyword qqqnomatch" \
  "$mem search --mode keyword 'postgres connection timeout'" \
  "$mem search --mode keyword 'zq1t'" \
  "$mem search --mode keyword --kind error --top-k 20 'deploy rollback certificate'" \
  "$mem recall-error 'Error: connect ECONNREFUSED 127.0.0.1:5432 (postgres)'" \
  "$mem list --per-page 20" >/dev/null

echo "== sqlite-vec KNN, in-process"
$gen knn "$n" 50 10 | tee "$out/memory-knn.json"

echo
q() { node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).results; process.stdout.write(r[Number(process.argv[2])].command.split("/bin/").pop())' "$out/memory-search.json" "$1"; }
split_search() { # one file per command of the search export, for the table
  node -e '
    const fs = require("fs"); const [file, dir] = process.argv.slice(1);
    const { results } = JSON.parse(fs.readFileSync(file, "utf8"));
    results.forEach((r, i) => fs.writeFileSync(`${dir}/search-${i}.json`, JSON.stringify({ results: [r] })));' "$out/memory-search.json" "$work"
}
split_search
echo "-- add (node -e 0 baseline measured just before)"
$gen table "node -e 0=$out/memory-node.json" "mem add TEXT (worker spawned)=$out/memory-add.json:1.5" "mem add TEXT (worker spawned, back to back)=$out/memory-add-b2b.json" \
  "mem add TEXT (MEM_NO_WORKER=1)=$out/memory-add-noworker.json" "mem --version (start-up floor)=$out/memory-version.json" || true
echo "-- over $n memories"
$gen table "node -e 0=$work/search-0.json" "$(q 1) (no match: fixed cost)=$work/search-1.json" "$(q 2)=$work/search-2.json:2" "$(q 3)=$work/search-3.json:2" \
  "$(q 4)=$work/search-4.json:2" "$(q 5)=$work/search-5.json" "$(q 6)=$work/search-6.json" || true
node -e 'const k=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(`-- sqlite-vec KNN over ${k.vectors} ${k.dim}-d vectors, k=${k.k}: median ${k.median_ms} ms, p95 ${k.p95_ms} ms over ${k.queries} queries (insert ${k.insert_s} s)`)' "$out/memory-knn.json"
