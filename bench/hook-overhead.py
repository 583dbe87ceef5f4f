#!/usr/bin/env python3
"""Hook overhead: drive a real interactive shell through a pty, N commands, with and without the
mem integration, and report the median wall time from Enter to the next prompt.

usage: bench/hook-overhead.py SHELL MEM_BIN [N]
"""
import os, pty, select, statistics, sys, tempfile, time

shell, mem_bin = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 500
MARK = b"@@PROMPT@@"


def run(with_mem: bool) -> list:
    home = tempfile.mkdtemp(prefix="mem-hook-bench-")
    env = {"HOME": home, "PATH": os.environ["PATH"], "TERM": "dumb", "MEM_HOME": os.path.join(home, "data"), "USER": "bench",
           "MEM_HISTORY_DAEMON_LINGER_S": "30"}
    init = f'eval "$({mem_bin} init {shell})"\n' if with_mem else ""
    if shell == "zsh":
        open(os.path.join(home, ".zshrc"), "w").write(init + "PS1='@@PROMPT@@'\nunsetopt zle\n")
        argv = ["zsh", "-i"]
    else:
        rc = os.path.join(home, "rc")
        open(rc, "w").write(init + "PS1='@@PROMPT@@'\n")
        argv = ["bash", "--noprofile", "--rcfile", rc, "-i"]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    buf = b""

    def wait_prompt(timeout=10.0):
        nonlocal buf
        end = time.monotonic() + timeout
        while MARK not in buf:
            r, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
            if not r:
                raise TimeoutError(buf[-200:])
            buf += os.read(fd, 65536)
        buf = buf[buf.index(MARK) + len(MARK):]

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
    if os.path.exists(lock):
        try:
            os.kill(int(open(lock).read().strip()), 15)
        except Exception:
            pass
    return times


# Interleave runs to share machine noise fairly.
base, hooked = [], []
for _ in range(2):
    base += run(False)
    hooked += run(True)
mb, mh = statistics.median(base), statistics.median(hooked)
print(f"{shell}: {len(base)} commands each; median without mem {mb:.2f} ms, with mem {mh:.2f} ms, added {mh - mb:.2f} ms")
