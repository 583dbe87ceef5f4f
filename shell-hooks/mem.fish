# mem shell integration for fish >= 3.6. Load it with:  mem init fish | source
# (`mem init --install fish` writes ~/.config/fish/conf.d/mem.fish, which sources a copy of this
# script that mem keeps current, so starting fish never starts Node.)
#
# fish_preexec notes the command, its directory and start time; fish_postexec appends one line to
# this session's spool file, and a background ingester (started here at most every few seconds, and
# only if none is running) moves it into mem's store. Only builtins run (string, printf, path, read,
# math, test, set), and fish runs builtins in command substitutions without forking, so nothing
# forks per command. fish has no clock finer than a second without a fork: start times are whole
# seconds (the mtime of a scratch file written at preexec); durations are $CMD_DURATION, in ms.
# Nothing here prints, changes $status, or waits for mem.

# One guarded block: only interactive shells are hooked, and only once.
if status is-interactive; and not set -q __mem_loaded
    set -g __mem_loaded 1
    # @MEM_SETTINGS@ (mem init puts the path of mem and your settings here)

    if test -n "$MEM_HOME"
        set -g __mem_dir $MEM_HOME
    else if test -n "$XDG_DATA_HOME"
        set -g __mem_dir $XDG_DATA_HOME/mem
    else
        set -g __mem_dir $HOME/.local/share/mem
    end
    set -g __mem_spool_dir $__mem_dir/spool
    set -g __mem_clock $__mem_dir/run/fish-$fish_pid.clock

    # Sets __mem_s to the time in whole seconds: the mtime of the scratch file, emptied just now
    # (it stays empty, so this never writes data to disk). fish reports a redirection it cannot
    # open even with stderr redirected: the file is checked first.
    function __mem_now
        if not test -w $__mem_clock
            test -d $__mem_dir/run; or command mkdir -p -m 700 -- $__mem_dir/run 2>/dev/null
            test -w $__mem_dir/run; and not test -e $__mem_clock; or return 1
        end
        true >$__mem_clock
        set -l t (path mtime -- $__mem_clock 2>/dev/null)
        and set -g __mem_s $t
    end

    # One session per interactive shell: kept across `exec fish` (same SHLVL), new in a nested shell.
    if test -z "$MEM_SESSION"; or test "$__MEM_SESSION_SHLVL" != "$SHLVL"
        __mem_now
        set -gx MEM_SESSION {$__mem_s}000000-$fish_pid
        set -gx __MEM_SESSION_SHLVL $SHLVL
    end
    set -g __mem_spool $__mem_spool_dir/$MEM_SESSION.spool
    set -g __mem_seq 0
    set -g __mem_pending 0
    set -g __mem_start ''
    set -g __mem_cmd ''
    set -g __mem_cwd ''

    # Sets __mem_esc to $argv[1] with \ newline tab CR escaped, so a record is exactly one line.
    # Most lines hold none of them: then no command substitution runs (each costs tens of µs). A
    # line that does is split into lines first (a command substitution splits on newlines anyway).
    function __mem_escape
        if not string match -qr '[\\\\\n\t\r]' -- $argv[1]
            set -g __mem_esc $argv[1]
            return 0
        end
        set -l parts (string split -- \n $argv[1])
        set parts (string replace -a -- \\ \\\\ $parts)
        set parts (string replace -a -- \t \\t $parts)
        set parts (string replace -a -- \r \\r $parts)
        set -g __mem_esc (string join -- \\n $parts)
    end

    function __mem_preexec --on-event fish_preexec
        set -g __mem_pending 0
        if test -n "$__mem_ignore_space"; and string match -qr '^\s' -- $argv[1]
            return 0
        end
        set -g __mem_cmd $argv[1]
        set -g __mem_cwd $PWD
        __mem_now
        set -g __mem_start {$__mem_s}000000
        set -g __mem_pending 1
    end

    # fish keeps $status (and $pipestatus) for the prompt across event handlers; this one saves it
    # first anyway, before any command here changes it.
    function __mem_postexec --on-event fish_postexec
        set -l __mem_status $status
        test "$__mem_pending" = 1; or return 0
        set -g __mem_pending 0
        set -l dur $CMD_DURATION
        test -n "$dur"; or set dur 0
        __mem_escape $__mem_cmd
        set -l c "$__mem_esc"
        __mem_escape $__mem_cwd
        set -l d "$__mem_esc"
        set -g __mem_seq (math $__mem_seq + 1)
        __mem_write "$MEM_SESSION" "$__mem_seq" "$__mem_start" "$dur" "$__mem_status" "$hostname" "$USER" "$d" "$c"
        __mem_ensure_ingester
    end

    # Appends one record (the fields in $argv) with one write. fish prints `write: <error>` itself
    # when a builtin's write fails (a full disk), whatever its stderr is redirected to: so after a
    # failure the records wait here, and are written again at most every __mem_retry_s seconds
    # (at most one message per try). Records written before a failure may be written twice: the
    # ingester keeps one (each record has a unique id), and keeps the record after a torn one.
    set -g __mem_backlog
    set -g __mem_retry_at 0
    set -q __mem_retry_s; or set -g __mem_retry_s 30
    function __mem_write
        set -l fmt 'm1\t%s\t%s\t%s\t%s\t%s\tfish\t%s\t%s\t%s\t%s\n'
        if not set -q __mem_backlog[1]; and __mem_spool_ok
            printf $fmt $argv >>$__mem_spool 2>/dev/null; and return 0
            set -g __mem_retry_at (math $__mem_s + $__mem_retry_s)
        end
        set -a __mem_backlog (printf $fmt $argv)
        set -g __mem_backlog $__mem_backlog[-1000..-1]
        test $__mem_s -ge $__mem_retry_at; and __mem_spool_ok; or return 0
        if printf '%s\n' $__mem_backlog >>$__mem_spool 2>/dev/null
            set -g __mem_backlog
        else
            set -g __mem_retry_at (math $__mem_s + $__mem_retry_s)
        end
    end

    # Whether the spool file can be opened for appending (fish would report it if not).
    function __mem_spool_ok
        test -d $__mem_spool_dir; or command mkdir -p -m 700 -- $__mem_spool_dir 2>/dev/null
        test -w $__mem_spool_dir; or return 1
        test -e $__mem_spool; and not test -w $__mem_spool; and return 1
        return 0
    end

    # Starts the ingester unless one is alive (its pid is in the lock file); checked at most every
    # __mem_check_interval seconds. fish has no `kill` builtin: /proc tells whether the pid lives,
    # without a fork (elsewhere `kill -0` runs, once per interval).
    set -g __mem_next_check 0
    function __mem_ensure_ingester
        test $__mem_s -ge $__mem_next_check; or return 0
        set -g __mem_next_check (math $__mem_s + $__mem_check_interval)
        set -l pid ''
        test -r $__mem_dir/ingest.lock; and read pid <$__mem_dir/ingest.lock 2>/dev/null
        if test -n "$pid"
            if test -d /proc/self
                test -d /proc/$pid; and return 0
            else
                command kill -0 $pid 2>/dev/null; and return 0
            end
        end
        test -n "$__mem_bin"; or return 0
        command $__mem_node $__mem_bin __ingest --daemon </dev/null >/dev/null 2>&1 &
        disown $last_pid 2>/dev/null
        return 0
    end

    # Predictions at the prompt: the background ingester rewrites this file after every command.
    set -g __mem_suggest $__mem_dir/suggest/$MEM_SESSION

    # Puts the first prediction that extends the current line on it.
    function __mem_insert_prediction
        test -r $__mem_suggest; or return 0
        set -l cur (string join -- \n (commandline))
        set -l n (string length -- "$cur")
        while read -l line
            test -n "$line"; and test "$line" != "$cur"; or continue
            if test $n -eq 0; or test (string sub -l $n -- "$line") = "$cur"
                commandline -r -- $line
                commandline -C (string length -- "$line")
                return 0
            end
        end <$__mem_suggest
        return 0
    end

    # Key bindings, one line per keybindings.* setting, in the default and vi insert modes; set
    # again when the user switches key binding modes (which clears bindings).
    function __mem_bind -a key fn
        test -n "$key"; or return 0
        bind $key $fn 2>/dev/null
        bind -M insert $key $fn 2>/dev/null
        return 0
    end
    # The history picker (keybindings.search, Ctrl-R), started only when the key is pressed (Node:
    # the one process a key press may start). It draws on the terminal and prints `accept` or
    # `edit` and the chosen line, or `cancel` (Esc: the line stays as typed).
    function __mem_search
        test -n "$__mem_picker"; or return 0
        set -l line (commandline | string collect)
        set -l out ($__mem_node $__mem_picker --query "$line" </dev/tty 2>/dev/tty | string collect)
        set -l parts (string split -m 1 \n -- "$out")
        if contains -- "$parts[1]" accept edit
            commandline -r -- "$parts[2]"
            commandline -C (string length -- "$parts[2]")
        end
        commandline -f repaint
        return 0
    end

    function __mem_bind_keys --on-variable fish_key_bindings
        __mem_bind "$__mem_key_predict" __mem_insert_prediction
        __mem_bind "$__mem_key_search" __mem_search
    end
    __mem_bind_keys
end
