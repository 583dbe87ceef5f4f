# mem shell integration for bash >= 4. Load it with:  eval "$(mem init bash)"
#
# bash has no preexec: a DEBUG trap notices the first command after each prompt (and ignores
# PROMPT_COMMAND, completion and `bind -x` keybindings), PROMPT_COMMAND runs precmd. With
# bash-preexec loaded, its preexec_functions/precmd_functions are used instead. The hooks only use
# builtins (and one `history 1` substitution per command): they append one line to this session's
# spool file, and a background ingester moves it into mem's store. Nothing here prints, changes $?,
# changes your options, or waits for mem.

[[ $- == *i* ]] || return 0
[[ -n "${__mem_loaded-}" ]] && return 0
(( BASH_VERSINFO[0] >= 4 )) || return 0
__mem_loaded=1
# @MEM_SETTINGS@ (mem init puts the path of mem and your settings here)

__mem_dir="${MEM_HOME:-${XDG_DATA_HOME:-${HOME}/.local/share}/mem}"
__mem_spool_dir="${__mem_dir}/spool"
# One session per interactive shell: kept across `exec bash` (same SHLVL), new in a nested shell.
if [[ -z "${MEM_SESSION-}" || "${__MEM_SESSION_SHLVL-}" != "${SHLVL-}" ]]; then
  if [[ -n "${EPOCHREALTIME-}" ]]; then MEM_SESSION="${EPOCHREALTIME//[!0-9]/}-$$"; else printf -v MEM_SESSION '%(%s)T000000-%s' -1 "$$"; fi
  export MEM_SESSION
  export __MEM_SESSION_SHLVL="${SHLVL-}"
fi
__mem_spool="${__mem_spool_dir}/${MEM_SESSION}.spool"
__mem_seq=0
__mem_pending=0
__mem_checked=0
__mem_at_prompt=''
__mem_histnum=''
__mem_start=''
__mem_cmd=''
__mem_cwd=''

# Sets __mem_us to the time in microseconds (bash 4 lacks EPOCHREALTIME: whole seconds then).
__mem_now() {
  if [[ -n "${EPOCHREALTIME-}" ]]; then __mem_us=${EPOCHREALTIME//[!0-9]/}; else printf -v __mem_us '%(%s)T000000' -1; fi
}

# Sets REPLY to $1 with \ newline tab CR escaped, so a record is exactly one line.
__mem_escape() {
  REPLY=${1//\\/\\\\}
  REPLY=${REPLY//$'\n'/\\n}
  REPLY=${REPLY//$'\t'/\\t}
  REPLY=${REPLY//$'\r'/\\r}
}

# $1: the command line as typed (multi-line intact).
__mem_begin() {
  __mem_pending=0
  [[ -n "${__mem_ignore_space-}" && "$1" == [[:space:]]* ]] && return 0
  __mem_cmd=$1
  __mem_cwd=$PWD
  __mem_now
  __mem_start=$__mem_us
  __mem_pending=1
}

# Our own preexec: the whole command line comes from history, which bash fills before running it.
__mem_preexec() {
  local line num
  line=$(HISTTIMEFORMAT='' builtin history 1 2>/dev/null) || return 0
  line=${line#"${line%%[![:space:]]*}"}
  num=${line%%[!0-9]*}
  line=${line#"$num"}
  line=${line:2}
  # An unchanged history number means the line was not saved: HISTCONTROL=ignorespace (private)
  # or ignoredups (a repeat, recorded when its first word is what is running now).
  if [[ -n "$__mem_histnum" && "$num" == "$__mem_histnum" && "${BASH_COMMAND%% *}" != "${line%% *}" ]]; then
    __mem_pending=0
    return 0
  fi
  __mem_histnum=$num
  __mem_begin "$line"
}

__mem_debug() {
  [[ -n "${__mem_at_prompt-}" ]] || return 0
  [[ -n "${COMP_LINE-}" || -n "${READLINE_POINT-}" ]] && return 0
  __mem_at_prompt=''
  [[ "${BASH_COMMAND-}" == __mem_precmd* ]] && return 0
  __mem_preexec
  return 0
}

__mem_precmd() {
  local __mem_status=$?
  if (( __mem_pending )); then
    __mem_pending=0
    local REPLY __mem_c __mem_d __mem_us
    __mem_now
    __mem_escape "$__mem_cmd"; __mem_c=$REPLY
    __mem_escape "$__mem_cwd"; __mem_d=$REPLY
    (( ++__mem_seq ))
    [[ -d "$__mem_spool_dir" ]] || { command mkdir -p -m 700 -- "$__mem_dir"; command mkdir -m 700 -- "$__mem_spool_dir"; } 2>/dev/null
    printf 'm1\t%s\t%s\t%s\t%s\t%s\tbash\t%s\t%s\t%s\t%s\n' "$MEM_SESSION" "$__mem_seq" "$__mem_start" "$(( (__mem_us - __mem_start) / 1000 ))" \
      "$__mem_status" "${HOSTNAME-}" "${USER-}" "$__mem_d" "$__mem_c" >> "$__mem_spool" 2>/dev/null
    __mem_ensure_ingester
  fi
  return $__mem_status
}

__mem_ready() {
  local __mem_status=$?
  __mem_at_prompt=1
  return $__mem_status
}

# Starts the ingester unless one is alive (its pid is in the lock file); checked at most every
# __mem_check_interval seconds.
__mem_ensure_ingester() {
  local __mem_us __mem_pid=''
  __mem_now
  (( __mem_us / 1000000 - __mem_checked >= ${__mem_check_interval:-2} )) || return 0
  __mem_checked=$(( __mem_us / 1000000 ))
  [[ -r "${__mem_dir}/ingest.lock" ]] && read -r __mem_pid < "${__mem_dir}/ingest.lock" 2>/dev/null
  [[ -n "$__mem_pid" ]] && kill -0 "$__mem_pid" 2>/dev/null && return 0
  [[ -n "${__mem_bin-}" ]] || return 0
  ( "${__mem_node:-node}" "$__mem_bin" __ingest --daemon </dev/null >/dev/null 2>&1 & )
}

if [[ -n "${bash_preexec_imported-}${__bp_imported-}" ]]; then
  __mem_bp_preexec() { __mem_begin "$1"; }
  preexec_functions+=(__mem_bp_preexec)
  precmd_functions+=(__mem_precmd)
else
  # Keep any DEBUG trap already set, after ours.
  __mem_prev_trap=$(trap -p DEBUG)
  if [[ -n "$__mem_prev_trap" ]]; then
    eval "__mem_prev_trap=(${__mem_prev_trap})"
    # shellcheck disable=SC2064 # the previous trap's text is meant to be fixed now
    trap "__mem_debug; ${__mem_prev_trap[2]}" DEBUG
  else
    trap '__mem_debug' DEBUG
  fi
  unset __mem_prev_trap
  # PROMPT_COMMAND may be a string or (bash >= 5.1) an array: precmd first, so it sees the
  # command's $?, and __mem_ready last, so the rest of PROMPT_COMMAND is not taken for a command.
  if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
    PROMPT_COMMAND=(__mem_precmd "${PROMPT_COMMAND[@]}" __mem_ready)
  else
    # shellcheck disable=SC2128,SC2178 # the string form of PROMPT_COMMAND
    PROMPT_COMMAND="__mem_precmd"$'\n'"${PROMPT_COMMAND:+${PROMPT_COMMAND}$'\n'}__mem_ready"
  fi
fi
