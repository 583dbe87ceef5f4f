# mem shell integration for bash >= 4. Load it with:  eval "$(mem init bash)"
# (`mem init --install bash` makes ~/.bashrc source a copy of this script that mem keeps current,
# so starting bash never starts Node.)
#
# bash has no preexec: a DEBUG trap notices the first command after each prompt (and ignores
# PROMPT_COMMAND, completion and `bind -x` keybindings), PROMPT_COMMAND runs precmd. With
# bash-preexec loaded, its preexec_functions/precmd_functions are used instead. The hooks only use
# builtins and fork nothing: they append one line to this session's spool file, and a background
# ingester moves it into mem's store. Nothing here prints, changes $?, changes your options, or
# waits for mem.

# One guarded block, no top-level `return`: this runs inside `eval` in your .bashrc, where a
# `return` would end the .bashrc itself. Only interactive shells are hooked, and only once.
if [[ $- == *i* && -z "${__mem_loaded-}" ]] && (( BASH_VERSINFO[0] >= 4 )); then
  __mem_loaded=1
  # @MEM_SETTINGS@ (mem init puts the path of mem and your settings here)

  __mem_dir="${MEM_HOME:-${XDG_DATA_HOME:-${HOME}/.local/share}/mem}"
  __mem_spool_dir="${__mem_dir}/spool"
  # A scratch file per shell for reading history without a subshell (see __mem_history_last).
  __mem_scratch="${__mem_dir}/run/bash-$$.hist"
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
  __mem_histnum='?'
  __mem_histline=''
  __mem_histcmd=''
  __mem_hnum=''
  __mem_hline=''
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

  # Sets __mem_hnum and __mem_hline to the newest history entry (number, text). `$(history 1)` would
  # fork a subshell on every command: instead `history 1` writes to a scratch file and `read` takes
  # it back. The file is overwritten in place and the entry ends with a NUL, because truncating a
  # file that has data makes ext4 flush it to disk on close (~0.4 ms instead of ~0.07 ms).
  __mem_history_last() {
    __mem_hnum=''
    __mem_hline=''
    { HISTTIMEFORMAT='' builtin history 1; builtin printf '\0'; } 2>/dev/null 1<> "$__mem_scratch" || {
      command mkdir -p -m 700 -- "${__mem_scratch%/*}" 2>/dev/null
      { HISTTIMEFORMAT='' builtin history 1; builtin printf '\0'; } 2>/dev/null 1<> "$__mem_scratch" || return 1
    }
    IFS= builtin read -r -d '' __mem_hline < "$__mem_scratch" 2>/dev/null || return 1
    __mem_hline=${__mem_hline%$'\n'}
    __mem_hline=${__mem_hline#"${__mem_hline%%[![:space:]]*}"}
    __mem_hnum=${__mem_hline%%[!0-9]*}
    __mem_hline=${__mem_hline#"$__mem_hnum"}
    __mem_hline=${__mem_hline:2}
  }

  # Our own preexec: the whole command line comes from history, which bash fills before running it.
  __mem_preexec() {
    __mem_history_last || return 0
    local line=$__mem_hline num=$__mem_hnum
    # An unchanged newest history entry means the line was not saved: HISTCONTROL=ignorespace
    # (private) or ignoredups (a repeat: recorded when it starts with the same command as the line
    # that was saved did). (erasedups keeps the number but changes the entry: a saved line.)
    if [[ "$num" == "$__mem_histnum" && "$line" == "$__mem_histline" ]]; then
      if [[ -z "$__mem_histcmd" || "${BASH_COMMAND-}" != "$__mem_histcmd" ]]; then
        __mem_pending=0
        return 0
      fi
    else
      __mem_histnum=$num
      __mem_histline=$line
      __mem_histcmd=${BASH_COMMAND-}
    fi
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

  # Sets our DEBUG trap, keeping the one given ($1: `trap -p DEBUG` output, maybe empty) after ours,
  # and marks the prompt as reached. The trap goes off for whatever runs after it in the function that
  # set it, so it is set last.
  __mem_set_trap() {
    local prev=$1
    __mem_trap_wanted=''
    __mem_at_prompt=1
    if [[ -n "$prev" ]]; then
      eval "prev=(${prev})"
      # shellcheck disable=SC2064 # the previous trap's text is meant to be fixed now
      trap "__mem_debug; ${prev[2]}" DEBUG
    else
      trap '__mem_debug' DEBUG
    fi
  }

  __mem_ready() {
    local __mem_status=$?
    # At the first prompt (history is loaded by then), note the newest entry, so that a first
    # command that is not saved is not mistaken for the last one of an earlier session.
    if [[ "$__mem_histnum" == '?' ]]; then
      __mem_history_last || :
      __mem_histnum=$__mem_hnum
      __mem_histline=$__mem_hline
    fi
    # At the first prompt $1 is `trap -p DEBUG` (see below): set the trap, and nothing after it.
    if (( $# )); then
      __mem_set_trap "$1"
    else
      __mem_at_prompt=1
      # Nothing may follow this in PROMPT_COMMAND (it would be taken for the command), so it cannot
      # be guarded like precmd: under `set -e` a non-zero status here would end the shell.
      [[ $- != *e* ]] || return 0
      return $__mem_status
    fi
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

  # Predictions at the prompt: the background ingester rewrites this file after every command.
  __mem_suggest="${__mem_dir}/suggest/${MEM_SESSION}"

  # Bound with `bind -x`: puts the first prediction that extends the current line on it.
  __mem_insert_prediction() {
    local __mem_line
    [[ -r "$__mem_suggest" ]] || return 0
    while IFS= read -r __mem_line; do
      if [[ -n "$__mem_line" && "$__mem_line" == "$READLINE_LINE"* && "$__mem_line" != "$READLINE_LINE" ]]; then
        READLINE_LINE=$__mem_line
        READLINE_POINT=${#__mem_line}
        return 0
      fi
    done < "$__mem_suggest"
    return 0
  }
  # Bound with `bind -x` (keybindings.search, Ctrl-R): mem's history picker, started only now (it
  # is Node: the one process a key press may start). It draws on the terminal and prints
  # `accept` or `edit` and the chosen line, or `cancel` (Esc: the line stays as typed).
  __mem_search() {
    local __mem_out
    [[ -n "${__mem_picker-}" ]] || return 0
    __mem_out=$("${__mem_node:-node}" "$__mem_picker" --query "$READLINE_LINE" </dev/tty 2>/dev/tty) || return 0
    case ${__mem_out%%$'\n'*} in
      accept|edit)
        READLINE_LINE=${__mem_out#*$'\n'}
        READLINE_POINT=${#READLINE_LINE}
        ;;
    esac
    return 0
  }
  # Only when commands are read from a terminal (with line editing): `bind` would otherwise set up
  # readline (terminfo, inputrc) for nothing, e.g. in `bash -i -c ...`.
  if [[ -t 0 ]] && [[ -o emacs || -o vi ]]; then
    if [[ -n "${__mem_key_predict-}" ]]; then bind -x "\"${__mem_key_predict}\": __mem_insert_prediction" 2>/dev/null || :; fi
    if [[ -n "${__mem_key_search-}" ]]; then
      bind -x "\"${__mem_key_search}\": __mem_search" 2>/dev/null || :
      [[ -o vi ]] && bind -m vi-insert -x "\"${__mem_key_search}\": __mem_search" 2>/dev/null
    fi
  fi

  if [[ -n "${bash_preexec_imported-}${__bp_imported-}" ]]; then
    __mem_bp_preexec() { __mem_begin "$1"; }
    preexec_functions+=(__mem_bp_preexec)
    precmd_functions+=(__mem_precmd)
  else
    # The DEBUG trap is set at the first prompt, by __mem_ready from PROMPT_COMMAND, keeping any
    # trap already set: only there is that trap visible (bash hides it inside `source` and functions).
    __mem_trap_wanted=1
    # PROMPT_COMMAND may be a string or (bash >= 5.1) an array: precmd first, so it sees the
    # command's $?, and __mem_ready last, so the rest of PROMPT_COMMAND is not taken for a command.
    # precmd returns the command's $? for the entries after it, inside `&& :` so that a non-zero
    # status does not end a shell running with `set -e`.
    # (Is it an array? `${var[@]@a}` says without a subshell; bash < 4.4 has only `declare -p`.)
    if (( BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404 )); then
      [[ "${PROMPT_COMMAND[*]@a}" == a* ]] && __mem_pc_array=1 || __mem_pc_array=''
    else
      [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]] && __mem_pc_array=1 || __mem_pc_array=''
    fi
    if [[ -n "$__mem_pc_array" ]]; then
      unset __mem_pc_array
      # shellcheck disable=SC2016 # expanded when PROMPT_COMMAND runs
      PROMPT_COMMAND=('__mem_precmd && :' "${PROMPT_COMMAND[@]}" '__mem_ready ${__mem_trap_wanted:+"$(trap -p DEBUG)"}')
    else
      unset __mem_pc_array
      # shellcheck disable=SC2016,SC2128,SC2178 # the string form of PROMPT_COMMAND, expanded when it runs
      PROMPT_COMMAND="__mem_precmd && :"$'\n'"${PROMPT_COMMAND:+${PROMPT_COMMAND}$'\n'}"'__mem_ready ${__mem_trap_wanted:+"$(trap -p DEBUG)"}'
    fi
  fi
  :
fi
