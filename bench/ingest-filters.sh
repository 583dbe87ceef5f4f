#!/usr/bin/env bash
# Issue #8 (defect 6): what the history filters cost. The user's regexes run under a per-line time
# budget (in a vm context, many lines per call); this measures the ingester moving 100,000 spooled
# commands (real lines from the dev histories) into a fresh store, and `mem import-history` of
# 100,000 lines, with no filter regexes and with three ordinary ones.
# Needs hyperfine. Usage: bench/ingest-filters.sh [OTHER_MEM_BIN]  (e.g. a build of main, to compare)
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bins=("$PWD/bin/mem")
[ -n "${1-}" ] && bins+=("$1")

node bench/gen-history.mjs 100000 > "$work/h100k"
# The same commands as spool records, as the hooks write them.
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "latin1").split("\n");
  const esc = (s) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r");
  const out = []; let seq = 0; const t0 = Date.now() - 200_000_000;
  for (const l of lines) {
    const m = /^: \d+:\d+;(.*)$/.exec(l); if (!m || !m[1].trim()) continue;
    seq++; out.push(["m1", "bench", seq, (t0 + seq * 1000) * 1000, 5, 0, "zsh", "host", "me", "/home/me/work", esc(m[1])].join("\t"));
  }
  require("fs").writeFileSync(process.argv[2], out.join("\n") + "\n");
  console.error(`${out.length} spool records`);
' "$work/h100k" "$work/spool"

printf '' > "$work/none.toml"
printf "[history]\nignore_commands = ['^secret-tool', 'password|passwd', '^pass (show|insert) ']\nignore_dirs = ['^/home/me/private/']\n" > "$work/three.toml"

for cfg in none three; do
  cmds=()
  for b in "${bins[@]}"; do
    cmds+=("MEM_CONFIG=$work/$cfg.toml MEM_HOME=$work/h $b __ingest")
  done
  echo "== ingest 100k spooled commands, config: $cfg"
  hyperfine --runs 5 --export-json "$out/ingest-$cfg.json" \
    --prepare "rm -rf $work/h && mkdir -p $work/h/spool && cp $work/spool $work/h/spool/bench.spool" "${cmds[@]}" | grep -E 'Time|Range|±|faster|^  '
  cmds=()
  for b in "${bins[@]}"; do
    # The import alone: since import-history learns what it imported, --no-learn (where the build has it).
    nl=""; "$b" import-history --help | grep -q -- --no-learn && nl="--no-learn"
    cmds+=("MEM_CONFIG=$work/$cfg.toml MEM_HOME=$work/i $b import-history $nl --shell zsh $work/h100k")
  done
  echo "== import-history 100k lines, config: $cfg"
  hyperfine --runs 5 --export-json "$out/import-$cfg.json" --prepare "rm -rf $work/i" "${cmds[@]}" | grep -E 'Time|Range|±|faster|^  '
done
