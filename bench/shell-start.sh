#!/usr/bin/env bash
# Issue #9: what mem adds to starting a shell. For bash, zsh and fish: `<shell> -i -c exit` with an
# empty rc, with the rc `mem init --install` writes (a generated script is sourced; target: at most
# +10 ms), and with the old eval form (`eval "$(mem init zsh)"`: Node at every start), one
# hyperfine run per shell. hyperfine runs one command after the other, and on a busy machine the
# noise between them is larger than the few ms at stake: so the installed form is also timed
# against no mem in turns (none, installed, installed, none, ...), and the median of the
# per-round differences is reported.
# Needs hyperfine, bash, zsh and fish. Usage: bench/shell-start.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-40}
mem="$PWD/bin/mem"
out=bench/out; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# Three homes: none (no mem), install, eval. Each keeps its own data and config directories.
for kind in none install eval; do
  h="$work/$kind"
  mkdir -p "$h/.config/fish" "$h/.local/share/fish/generated_completions"
  : > "$h/.bashrc"; : > "$h/.zshrc"
  printf 'set -g fish_greeting\n' > "$h/.config/fish/config.fish"
done
for sh in bash zsh fish; do
  HOME="$work/install" XDG_CONFIG_HOME="$work/install/.config" MEM_HOME="$work/install/data" "$mem" init --install "$sh" >/dev/null
done
echo "eval \"\$('$mem' init bash)\"" >> "$work/eval/.bashrc"
echo "eval \"\$('$mem' init zsh)\"" >> "$work/eval/.zshrc"
echo "'$mem' init fish | source" >> "$work/eval/.config/fish/config.fish"

for sh in bash zsh fish; do
  args="-i -c exit"
  [ "$sh" = bash ] && args="--noprofile -i -c exit"
  cmd() { echo "env HOME=$work/$1 XDG_CONFIG_HOME=$work/$1/.config MEM_HOME=$work/$1/data $sh $args"; }
  hyperfine -N --warmup 5 --runs "$runs" --export-json "$out/shell-start-$sh.json" \
    -n "$sh without mem" "$(cmd none)" -n "$sh with mem (installed)" "$(cmd install)" -n "$sh with mem (eval form)" "$(cmd eval)" 2>/dev/null |
    grep -E '^Benchmark|Time \(mean' | paste - - | sed -E 's/ +/ /g'
  # In turns: the median of (installed - none) over the rounds.
  diffs=()
  for ((i = 0; i < runs; i++)); do
    order=(none install)
    ((i % 2)) && order=(install none)
    for kind in "${order[@]}"; do
      t0=$EPOCHREALTIME
      env HOME="$work/$kind" XDG_CONFIG_HOME="$work/$kind/.config" MEM_HOME="$work/$kind/data" $sh $args >/dev/null 2>&1
      t1=$EPOCHREALTIME
      t=$(( ${t1/./} - ${t0/./} ))
      if [ "$kind" = none ]; then t_none=$t; else t_install=$t; fi
    done
    diffs+=($(( t_install - t_none )))
  done
  paired=$(printf '%s\n' "${diffs[@]}" | sort -n | awk '{a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%+.1f", m / 1000}')
  echo "$sh: installed vs no mem, in turns ($runs rounds): median difference $paired ms"
  node -e '
    const r = require(process.argv[1]).results;
    const [none, inst, ev] = r.map((x) => x.median * 1000);
    console.log(`${process.argv[2]}: median ${none.toFixed(1)} ms without mem, ${inst.toFixed(1)} ms installed (+${(inst - none).toFixed(1)} ms), ${ev.toFixed(1)} ms with the eval form (+${(ev - none).toFixed(1)} ms)`);
  ' "$PWD/$out/shell-start-$sh.json" "$sh"
done
