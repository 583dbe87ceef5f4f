# mem shell integration for zsh. Load it with:  eval "$(mem init zsh)"
# (`mem init --install zsh` makes ~/.zshrc source a copy of this script that mem keeps current, so
# starting zsh never starts Node.)
#
# The hooks only use builtins: preexec notes the command, its directory and start time; precmd
# appends one line to this session's spool file. A background ingester (started here at most every
# few seconds, and only if none is running) moves spooled lines into mem's store. Nothing here
# prints, changes $?, changes your options, or waits for mem.

# One guarded block, no top-level `return`: this runs inside `eval` in your .zshrc, where a
# `return` would end the .zshrc itself. Only interactive shells are hooked, and only once.
if [[ -o interactive ]] && (( ! ${+__mem_loaded} )) && zmodload zsh/datetime 2>/dev/null; then
  typeset -g __mem_loaded=1
  # @MEM_SETTINGS@ (mem init puts the path of mem and your settings here)

  typeset -g __mem_dir="${MEM_HOME:-${XDG_DATA_HOME:-${HOME}/.local/share}/mem}"
  typeset -g __mem_spool_dir="${__mem_dir}/spool"
  # One session per interactive shell: kept across `exec zsh` (same SHLVL), new in a nested shell.
  if [[ -z "${MEM_SESSION-}" || "${__MEM_SESSION_SHLVL-}" != "${SHLVL-}" ]]; then
    export MEM_SESSION="${EPOCHREALTIME%.*}${${EPOCHREALTIME#*.}[1,6]}-$$"
    export __MEM_SESSION_SHLVL="${SHLVL-}"
  fi
  typeset -g __mem_spool="${__mem_spool_dir}/${MEM_SESSION}.spool"
  typeset -gi __mem_seq=0 __mem_pending=0 __mem_checked=0
  typeset -g __mem_start='' __mem_cmd='' __mem_cwd=''

  # The two hooks do their work inline, without calling helper functions: every zsh function call
  # maps and unmaps memory, which costs tens of µs (more on a busy machine).
  # Times are in microseconds: ${t%.*}${${t#*.}[1,6]} ($EPOCHREALTIME has nanoseconds in zsh).
  __mem_preexec() {
    emulate -L zsh
    __mem_pending=0
    [[ -n ${__mem_ignore_space-} && $1 == [[:space:]]* ]] && return 0
    __mem_cmd=$1
    __mem_cwd=$PWD
    local t=$EPOCHREALTIME
    __mem_start=${t%.*}${${t#*.}[1,6]}
    __mem_pending=1
  }

  __mem_precmd() {
    local __mem_status=$?
    emulate -L zsh
    if (( __mem_pending )); then
      __mem_pending=0
      local t=$EPOCHREALTIME __mem_c=$__mem_cmd __mem_d=$__mem_cwd
      local __mem_end=${t%.*}${${t#*.}[1,6]}
      # \ newline tab CR escaped, so a record is exactly one line.
      __mem_c=${__mem_c//\\/\\\\}; __mem_c=${__mem_c//$'\n'/\\n}; __mem_c=${__mem_c//$'\t'/\\t}; __mem_c=${__mem_c//$'\r'/\\r}
      __mem_d=${__mem_d//\\/\\\\}; __mem_d=${__mem_d//$'\n'/\\n}; __mem_d=${__mem_d//$'\t'/\\t}; __mem_d=${__mem_d//$'\r'/\\r}
      (( ++__mem_seq ))
      [[ -d $__mem_spool_dir ]] || { command mkdir -p -m 700 -- "$__mem_dir"; command mkdir -m 700 -- "$__mem_spool_dir"; } 2>/dev/null
      print -rn -- "m1"$'\t'"${MEM_SESSION}"$'\t'"${__mem_seq}"$'\t'"${__mem_start}"$'\t'"$(( (__mem_end - __mem_start) / 1000 ))"$'\t'"${__mem_status}"$'\t'"zsh"$'\t'"${HOST-}"$'\t'"${USER-}"$'\t'"${__mem_d}"$'\t'"${__mem_c}"$'\n' >>| "$__mem_spool" 2>/dev/null
      (( EPOCHSECONDS - __mem_checked >= ${__mem_check_interval:-2} )) && __mem_ensure_ingester
    fi
    return $__mem_status
  }

  # Starts the ingester unless one is alive (its pid is in the lock file); precmd calls it at most
  # every __mem_check_interval seconds, so a busy prompt costs a file read now and then, not a fork.
  __mem_ensure_ingester() {
    __mem_checked=$EPOCHSECONDS
    local __mem_pid=''
    [[ -r ${__mem_dir}/ingest.lock ]] && { read -r __mem_pid < "${__mem_dir}/ingest.lock" } 2>/dev/null
    [[ -n $__mem_pid ]] && kill -0 "$__mem_pid" 2>/dev/null && return 0
    [[ -n ${__mem_bin-} ]] || return 0
    "${__mem_node:-node}" "$__mem_bin" __ingest --daemon </dev/null >/dev/null 2>&1 &!
  }

  # Predictions at the prompt, read with builtins from the file the background ingester rewrites
  # after every command ($(<file) does not fork in zsh).
  typeset -g __mem_suggest="${__mem_dir}/suggest/${MEM_SESSION}"

  # Sets REPLY to the first prediction that extends $1 (any prediction for an empty $1).
  __mem_prediction() {
    REPLY=''
    [[ -r $__mem_suggest ]] || return 1
    local __mem_line
    for __mem_line in "${(@f)$(<$__mem_suggest)}"; do
      if [[ -n $__mem_line && $__mem_line == "$1"* && $__mem_line != "$1" ]]; then
        REPLY=$__mem_line
        return 0
      fi
    done
    return 1
  }

  # A zsh-autosuggestions strategy: ZSH_AUTOSUGGEST_STRATEGY=(mem history)
  _zsh_autosuggest_strategy_mem() {
    emulate -L zsh
    local REPLY
    __mem_prediction "$1" && typeset -g suggestion=$REPLY
    return 0
  }

  # A widget that puts the prediction on the command line (useful without zsh-autosuggestions).
  __mem_insert_prediction() {
    local REPLY
    __mem_prediction "$BUFFER" || return 0
    BUFFER=$REPLY
    CURSOR=${#BUFFER}
  }

  # What add-zsh-hook does, without autoloading it (that searches every directory of $fpath, a
  # few ms at every shell start): each hook once, after the ones already there.
  typeset -ga preexec_functions precmd_functions
  (( ${preexec_functions[(Ie)__mem_preexec]} )) || preexec_functions+=(__mem_preexec)
  (( ${precmd_functions[(Ie)__mem_precmd]} )) || precmd_functions+=(__mem_precmd)
  zle -N __mem_insert_prediction 2>/dev/null
  [[ -n ${__mem_key_predict-} ]] && bindkey "$__mem_key_predict" __mem_insert_prediction 2>/dev/null

  # The history picker (keybindings.search, Ctrl-R), started only when the key is pressed (Node:
  # the one process a key press may start). It draws on the terminal and prints `accept` or
  # `edit` and the chosen line, or `cancel` (Esc: the line stays as typed).
  __mem_search() {
    emulate -L zsh
    [[ -n ${__mem_picker-} ]] || return 0
    local out
    out=$("${__mem_node:-node}" "$__mem_picker" --query "$BUFFER" </dev/tty 2>/dev/tty)
    case ${out%%$'\n'*} in
      accept|edit)
        BUFFER=${out#*$'\n'}
        CURSOR=${#BUFFER}
        ;;
    esac
    zle reset-prompt
    return 0
  }
  zle -N __mem_search 2>/dev/null
  if [[ -n ${__mem_key_search-} ]]; then
    bindkey "$__mem_key_search" __mem_search 2>/dev/null
    bindkey -M viins "$__mem_key_search" __mem_search 2>/dev/null
  fi
  :
fi
