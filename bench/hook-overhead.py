#!/usr/bin/env python3
"""Hook overhead: two real interactive shells through ptys, one with the mem integration (loaded
the way `mem init --install` sets it up) and one without, typed the same N commands in turns
(A B, B A, ...), so both see the same machine at the same moment. Reports the median wall time
from Enter to the next prompt in each, and the median of the per-command differences.

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
WARMUP = 20


class Shell:
    def __init__(self, with_mem: bool):
        self.home = tempfile.mkdtemp(prefix="mem-hook-bench-")
        home = self.home
        env = {"HOME": home, "PATH": os.environ["PATH"], "TERM": "dumb", "MEM_HOME": os.path.join(home, "data"), "USER": "bench",
               "XDG_CONFIG_HOME": os.path.join(home, ".config"), "MEM_HISTORY_DAEMON_LINGER_S": "60"}
        fish_dir = os.path.join(home, ".config", "fish")
        os.makedirs(fish_dir)
        # fish's first start would generate completions in the background: not during a benchmark.
        os.makedirs(os.path.join(home, ".local", "share", "fish", "generated_completions"))
        self.holder = None
        if with_mem:
            subprocess.run([mem_bin, "init", "--install", shell], env=env, check=True, stdout=subprocess.DEVNULL)
            if hook_only:
                os.makedirs(os.path.join(home, "data"), exist_ok=True)
                self.holder = subprocess.Popen(["sleep", "3600"])
                open(os.path.join(home, "data", "ingest.lock"), "w").write(f"{self.holder.pid}\n")
        if shell == "zsh":
            open(os.path.join(home, ".zshrc"), "a").write("PS1='@@PROMPT@@'\nunsetopt zle\n")
            argv = ["zsh", "-i"]
        elif shell == "fish":
            # fish redraws the prompt as keys arrive: the prompt shows $status_generation, which
            # only changes once a command has run, so a redraw is not taken for the next prompt.
            open(os.path.join(fish_dir, "config.fish"), "a").write("set -g fish_greeting\nfunction fish_prompt; printf '@@PROMPT@@%s@@' $status_generation; end\n")
            argv = ["fish", "-i"]
        else:
            rc = os.path.join(home, ".bashrc")
            open(rc, "a").write("PS1='@@PROMPT@@'\n")
            argv = ["bash", "--noprofile", "--rcfile", rc, "-i"]
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        self.buf = b""
        self.seen = -1
        self.times = []
        self.wait_prompt()

    def wait_prompt(self, timeout=20.0):
        end = time.monotonic() + timeout
        while True:
            if shell != "fish" and MARK in self.buf:
                self.buf = self.buf[self.buf.index(MARK) + len(MARK):]
                return
            if shell == "fish":
                gens = [int(g) for g in re.findall(rb"@@PROMPT@@(\d+)@@", self.buf)]
                if gens and max(gens) > self.seen:
                    self.seen = max(gens)
                    self.buf = b""
                    return
            r, _, _ = select.select([self.fd], [], [], max(0.0, end - time.monotonic()))
            if not r:
                raise TimeoutError(self.buf[-200:])
            self.buf += os.read(self.fd, 65536)

    def command(self, text: str) -> float:
        t0 = time.perf_counter()
        os.write(self.fd, (text + "\n").encode())
        self.wait_prompt()
        return (time.perf_counter() - t0) * 1000

    def close(self):
        os.write(self.fd, b"exit\n")
        os.waitpid(self.pid, 0)
        lock = os.path.join(self.home, "data", "ingest.lock")
        if self.holder:
            self.holder.kill()
            self.holder.wait()
        elif os.path.exists(lock):
            try:
                os.kill(int(open(lock).read().strip()), 15)
            except Exception:
                pass
        time.sleep(0.2)
        shutil.rmtree(self.home, ignore_errors=True)


base, hooked = Shell(False), Shell(True)
diffs = []
try:
    for i in range(n + WARMUP):
        pair = (base, hooked) if i % 2 else (hooked, base)
        t = {id(s): s.command(f"true {i}") for s in pair}
        if i >= WARMUP:  # warm-up: first prompts, starting the ingester
            base.times.append(t[id(base)])
            hooked.times.append(t[id(hooked)])
            diffs.append(t[id(hooked)] - t[id(base)])
finally:
    base.close()
    hooked.close()
mb, mh, md = statistics.median(base.times), statistics.median(hooked.times), statistics.median(diffs)
what = "hooks only" if hook_only else "hooks and ingester"
print(f"{shell} ({what}): {n} commands each, in turns; median without mem {mb:.2f} ms, with mem {mh:.2f} ms; median difference {md:+.2f} ms")
