#!/usr/bin/env python3
"""bench-cpu.py — run a load generator and report where the machine's CPU went meanwhile (stdlib only).

Usage: bench-cpu.py OUT.json SERVER_PID POSTMASTER_PID -- COMMAND [ARGS…]

Runs COMMAND (wrk or pgbench), passing its output through, and writes one JSON object to OUT.json with the
CPU used during the run, in cores (1.0 = one core busy the whole time), split into the API server, the
PostgreSQL cluster (postmaster and its backends, exited ones included), the load generator itself, and
everything else on the machine (other engineers' compilers, for instance), plus the idle remainder.
On a 2-core machine the four parts and idle add up to 2.0.
"""
import json
import os
import resource
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid, with_children=False):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[0] is the state (field 3): utime = field 14, stime 15, cutime 16, cstime 17.
    t = int(fields[11]) + int(fields[12])
    if with_children:
        t += int(fields[13]) + int(fields[14])
    return t / TICK


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def pg_cpu(postmaster):
    return proc_cpu(postmaster, with_children=True) + sum(proc_cpu(c) for c in children(postmaster))


def machine():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v[:8]) / TICK, idle / TICK


def main() -> int:
    out, server, postmaster = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    t0 = time.monotonic()
    tot0, idle0 = machine()
    s0, p0 = proc_cpu(server), pg_cpu(postmaster)
    rc = subprocess.run(cmd).returncode
    tot1, idle1 = machine()
    wall = max(time.monotonic() - t0, 1e-9)
    # Backends exit (and are reaped into the postmaster's children time) just after the client leaves.
    time.sleep(0.5)
    s1, p1 = proc_cpu(server), pg_cpu(postmaster)
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    gen = ru.ru_utime + ru.ru_stime
    busy = (tot1 - tot0) - (idle1 - idle0)
    res = {
        "wall_s": round(wall, 2),
        "server": round((s1 - s0) / wall, 2),
        "postgres": round((p1 - p0) / wall, 2),
        "loadgen": round(gen / wall, 2),
        "other": round(max(0.0, busy - (s1 - s0) - (p1 - p0) - gen) / wall, 2),
        "idle": round((idle1 - idle0) / wall, 2),
    }
    with open(out, "w") as f:
        json.dump(res, f)
    return rc


if __name__ == "__main__":
    sys.exit(main())
