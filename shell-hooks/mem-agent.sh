#!/bin/sh
# mem's hook for AI agents (Claude Code, Codex, Cursor), installed by `mem hook install <agent>`:
#   sh <this file> <agent> [--recall]
# The agent runs it for each shell tool call with a JSON payload on stdin. It starts no Node: it
# writes the payload, as it came, to a file of its own in mem's spool (agents run tool calls in
# parallel, and a payload holding a command's output is more than one write), starts the
# background ingester if none runs, and exits 0 whatever happens, printing nothing. The ingester
# reads the payload later, pairs a call's start and end, and stores the command.
# With --recall, after a failed call (Claude Code's PostToolUseFailure) it asks mem what fixed
# this error before and prints it for the agent (that path starts Node, only on a failure).

# @MEM_SETTINGS@ (mem puts its data directory, and the paths of node and mem, here)

# shellcheck disable=SC2154 # __mem_dir, __mem_node and __mem_bin are set above by mem
exec 2>/dev/null
__mem_agent=${1:-agent}
__mem_spool="${__mem_dir}/spool"
[ -d "$__mem_spool" ] || { mkdir -m 700 "$__mem_dir"; mkdir -m 700 "$__mem_spool" || exit 0; }
# Microseconds when the shell has a clock builtin (bash); else empty: the file's time is used.
__mem_time=''
[ -n "${EPOCHREALTIME:-}" ] && __mem_time="${EPOCHREALTIME%[.,]*}${EPOCHREALTIME#*[.,]}"
__mem_file="${__mem_spool}/${__mem_agent}-$$.agent"
# A file left by an earlier process with the same pid (not ingested yet) is never appended to.
[ -e "$__mem_file" ] && __mem_file="${__mem_spool}/${__mem_agent}-$$-${__mem_time:-x}-2.agent"

if [ "${2:-}" = "--recall" ]; then
  __mem_payload=$(cat)
  printf 'a1\t%s\t%s\t%s\n' "$__mem_agent" "$__mem_time" "$__mem_payload" > "$__mem_file" || :
  case $__mem_payload in
    *'"hook_event_name":"PostToolUseFailure"'* | *'"hook_event_name": "PostToolUseFailure"'*)
      printf '%s' "$__mem_payload" | "$__mem_node" "$__mem_bin" __hook-recall "$__mem_agent" || :
      ;;
  esac
else
  { printf 'a1\t%s\t%s\t' "$__mem_agent" "$__mem_time"; cat; printf '\n'; } > "$__mem_file" || :
fi

# The background ingester holds its pid in the lock file: start one unless it is alive.
__mem_pid=''
[ -r "${__mem_dir}/ingest.lock" ] && read -r __mem_pid < "${__mem_dir}/ingest.lock"
if [ -z "$__mem_pid" ] || ! kill -0 "$__mem_pid"; then
  ("$__mem_node" "$__mem_bin" __ingest --daemon < /dev/null > /dev/null 2>&1 &)
fi
exit 0
