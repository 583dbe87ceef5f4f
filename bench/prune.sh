#!/usr/bin/env bash
# Issue #8 (defect 7): what `mem prune` costs on a store of 100,000 commands (the dev histories,
# repeated), learned first. A prune that removes something resets the prediction statistics and
# relearns every remaining command; one that finds nothing to do touches nothing.
# Usage: bench/prune.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mem="$PWD/bin/mem"
export MEM_HOME="$work/store" MEM_CONFIG="$work/none.toml" NO_COLOR=1
node bench/gen-history.mjs 100000 > "$work/h100k"
"$mem" import-history --shell zsh "$work/h100k" >/dev/null
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "learning the 100k imported commands: $(secs "$mem" __ingest --learn-all) s"
echo "mem prune, nothing to remove: $(secs "$mem" prune) s"
# Something the dev histories contain a few hundred times.
printf "[history]\nignore_commands = ['^brew ']\n" > "$work/none.toml"
start=$(date +%s.%N)
"$mem" prune --json > "$work/prune.json"
end=$(date +%s.%N)
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`mem prune removing ${r.commands.deleted} commands, then relearning ${r.relearned}: ${process.argv[2]} s`);
' "$work/prune.json" "$(echo "$end - $start" | bc)"
