#!/usr/bin/env python3
"""The Ctrl-R picker through a pty, as a shell's key binding runs it: first paint (from fork to the
last byte of the first frame, the footer line) against `node -e 0` (fork to exit), in turns, and
each keystroke's round trip (key written to the pty -> the frame showing the new query read back).
Prints one JSON object. Called by bench/picker.mjs.

usage: bench/picker-pty.py NODE PICKER_CJS RUNS QUERY    (MEM_HOME etc. from the environment)
"""
import json, os, pty, resource, select, statistics, subprocess, sys, time

node, picker, runs, query = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
FOOTER = b"Esc: cancel"


def read_until(fd, pred, timeout=30.0):
    buf = b""
    end = time.monotonic() + timeout
    while not pred(buf):
        left = end - time.monotonic()
        if left <= 0:
            raise RuntimeError(f"timed out; got {buf[-300:]!r}")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000


def node_e0():
    t = time.monotonic()
    c = child_cpu()
    subprocess.run([node, "-e", "0"], check=True)
    base_cpu.append(child_cpu() - c)
    return (time.monotonic() - t) * 1000


def picker_run(keys):
    env = dict(os.environ, COLUMNS="120", LINES="40", TERM="xterm")
    t = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(node, [node, picker, "--query", ""], env)
    import fcntl, struct, termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    read_until(fd, lambda b: FOOTER in b)
    paint = (time.monotonic() - t) * 1000
    # The picker's own CPU time up to its first paint (it writes it to the trace file).
    for _ in range(200):
        try:
            line = open(os.environ["MEM_PICKER_TRACE"]).readline().split()
            if line and line[0] == "paint":
                paint_cpu.append(float(line[2]))
                break
        except (OSError, IndexError):
            pass
        time.sleep(0.005)
    per_key = []
    typed = ""
    if keys:
        for ch in query:
            typed += ch
            want = ("> " + typed).encode()
            k = time.monotonic()
            os.write(fd, ch.encode())
            # The frame is complete when the cursor goes back to the query line (the last sequence).
            read_until(fd, lambda b: want in b and b.rstrip().endswith(b"H"))
            per_key.append((time.monotonic() - k) * 1000)
    os.write(fd, b"\x1b")
    try:
        read_until(fd, lambda b: False, timeout=5)
    except RuntimeError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return paint, per_key


base_cpu, paint_cpu = [], []
# Warm the page cache and V8's code cache as a user's second Ctrl-R would find them.
node_e0()
picker_run(False)
base, paint, keys, by_key = [], [], [], []
base_cpu.clear()
paint_cpu.clear()
for i in range(runs):
    if i % 2 == 0:
        base.append(node_e0())
        p, k = picker_run(True)
    else:
        p, k = picker_run(True)
        base.append(node_e0())
    paint.append(p)
    keys.extend(k)
    by_key.append(k)

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]

print(json.dumps({
    "runs": runs,
    "node_e0_ms": statistics.median(base),
    "first_paint_ms": statistics.median(paint),
    "ratio": statistics.median(paint) / statistics.median(base),
    "ratios_in_turn": statistics.median([p / b for p, b in zip(paint, base)]),
    "node_e0_cpu_ms": statistics.median(base_cpu),
    "first_paint_cpu_ms": statistics.median(paint_cpu),
    "cpu_ratio": statistics.median(paint_cpu) / statistics.median(base_cpu),
    "key_roundtrip_ms": {"p50": statistics.median(keys), "p95": pct(keys, 0.95), "max": max(keys), "n": len(keys)},
    # The median round trip of the first key after the paint, the second, ...: the first keys
    # meet the picker still reading the whole history (a step at a time, between keys).
    "key_roundtrip_by_position_ms": [statistics.median(ks) for ks in zip(*by_key)] if by_key and by_key[0] else [],
}))
