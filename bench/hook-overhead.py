#!/usr/bin/env python3
"""Hook overhead: drive a real interactive shell through a pty, N commands, with and without the
mem integration (loaded the way `mem init --install` sets it up), and report the median wall time
from Enter to the next prompt.

usage: bench/hook-overhead.py SHELL MEM_BIN [N] [--hook-only]      SHELL: bash, zsh or fish

With --hook-only no ingester runs (a live process holds its lock), so the figure is the hooks'
own work; without it the background ingester runs as it does for a user, and competes for the CPU
(it stores each command and rewrites the suggestion file).
"""
import os, pty, re, select, shutil, statistics, subprocess, sys, tempfile, time

shell, mem_bin = sys.argv[1], sys.argv[2]
args = [a for a in sys.argv[3:] if not a.startswith("--")]
n = int(args[0]) if args else 500
hook_only = "--hook-only" in sys.argv
MARK = b"@@PROMPT@@"


def run(with_mem: bool) -> list:
    home = tempfile.mkdtemp(prefix="mem-hook-bench-")
    env = {"HOME": home, "PATH": os.environ["PATH"], "TERM": "dumb", "MEM_HOME": os.path.join(home, "data"), "USER": "bench",
           "XDG_CONFIG_HOME": os.path.join(home, ".config"), "MEM_HISTORY_DAEMON_LINGER_S": "30"}
    fish_dir = os.path.join(home, ".config", "fish")
    os.makedirs(fish_dir)
    # fish's first start would generate completions in the background: not during a benchmark.
    os.makedirs(os.path.join(home, ".local", "share", "fish", "generated_completions"))
    holder = None
    if with_mem:
        subprocess.run([mem_bin, "init", "--install", shell], env=env, check=True, stdout=subprocess.DEVNULL)
        if hook_only:
            holder = subprocess.Popen(["sleep", "3600"])
            open(os.path.join(home, "data", "ingest.lock"), "w").write(f"{holder.pid}\n")
    if shell == "zsh":
        open(os.path.join(home, ".zshrc"), "a").write("PS1='@@PROMPT@@'\nunsetopt zle\n")
        argv = ["zsh", "-i"]
    elif shell == "fish":
        # fish redraws the prompt as keys arrive: the prompt shows $status_generation, which only
        # changes once a command has run, so a redraw is not taken for the next prompt.
        open(os.path.join(fish_dir, "config.fish"), "a").write("set -g fish_greeting\nfunction fish_prompt; printf '@@PROMPT@@%s@@' $status_generation; end\n")
        argv = ["fish", "-i"]
    else:
        rc = os.path.join(home, ".bashrc")
        open(rc, "a").write("PS1='@@PROMPT@@'\n")
        argv = ["bash", "--noprofile", "--rcfile", rc, "-i"]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    buf = b""

    seen = -1

    def wait_prompt(timeout=10.0):
        nonlocal buf, seen
        end = time.monotonic() + timeout
        while True:
            if shell != "fish" and MARK in buf:
                buf = buf[buf.index(MARK) + len(MARK):]
                return
            if shell == "fish":
                gens = [int(g) for g in re.findall(rb"@@PROMPT@@(\d+)@@", buf)]
                buf = buf[buf.rfind(MARK):] if gens else buf
                if gens and max(gens) > seen:
                    seen = max(gens)
                    buf = b""
                    return
            r, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
            if not r:
                raise TimeoutError(buf[-200:])
            buf += os.read(fd, 65536)

    wait_prompt()
    times = []
    for i in range(n + 20):
        t0 = time.perf_counter()
        os.write(fd, f"true {i}\n".encode())
        wait_prompt()
        if i >= 20:  # warm-up: first prompts, starting the ingester
            times.append((time.perf_counter() - t0) * 1000)
    os.write(fd, b"exit\n")
    os.waitpid(pid, 0)
    lock = os.path.join(home, "data", "ingest.lock")
    if holder:
        holder.kill()
        holder.wait()
    elif os.path.exists(lock):
        try:
            os.kill(int(open(lock).read().strip()), 15)
        except Exception:
            pass
    time.sleep(0.2)
    shutil.rmtree(home, ignore_errors=True)
    return times


# Interleave runs to share machine noise fairly.
base, hooked = [], []
for _ in range(2):
    base += run(False)
    hooked += run(True)
mb, mh = statistics.median(base), statistics.median(hooked)
what = "hooks only" if hook_only else "hooks and ingester"
print(f"{shell} ({what}): {len(base)} commands each; median without mem {mb:.2f} ms, with mem {mh:.2f} ms, added {mh - mb:.2f} ms")
