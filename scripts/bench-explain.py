#!/usr/bin/env python3
"""bench-explain.py — query plans of the SQL the server really ran (stdlib only; used by scripts/bench.sh).

Usage: bench-explain.py PG_LOG OFFSET PSQL DATABASE_URL OUT.md

bench.sh sets `log_min_duration_statement = 0` for a moment, sends one request per endpoint, and marks
each with a psql statement `SELECT 'bench-marker:NAME'`. This script reads the PostgreSQL log from byte
OFFSET, groups the executed statements by marker, substitutes each statement's logged parameters
(`DETAIL:  parameters: $1 = '…'`) and runs `EXPLAIN (ANALYZE, BUFFERS)` on it (read-only statements
only), writing every statement, its duration as logged, and its plan into OUT.md.

The server uses prepared statements; EXPLAIN with the literal parameters shows the custom plan, which is
what PostgreSQL uses for the first executions (and whenever it is cheaper than the generic plan).
"""
import json
import re
import subprocess
import sys

PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[\d+\] ")
STMT = re.compile(r"LOG:\s+duration: ([0-9.]+) ms\s+(?:execute [^:]*|statement): (.*)", re.S)
PARAMS = re.compile(r"DETAIL:\s+parameters: (.*)", re.S)
PARAM = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")
MARK = re.compile(r"bench-marker:([\w-]+)")


def records(text):
    cur = None
    for line in text.splitlines():
        if PREFIX.match(line):
            if cur is not None:
                yield cur
            cur = PREFIX.sub("", line, count=1)
        elif cur is not None:
            cur += "\n" + line
    if cur is not None:
        yield cur


def main() -> int:
    log_path, offset, psql, url, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    with open(log_path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    groups: dict[str, list[list]] = {}
    background = [0]
    current = None
    last = None
    for rec in records(text):
        m = STMT.search(rec)
        if m:
            sql = m.group(2).strip()
            mk = MARK.search(sql)
            if mk:
                current = mk.group(1)
                groups.setdefault(current, [])
                last = None
                continue
            if current is None or re.match(r"(?i)^(BEGIN|COMMIT|ROLLBACK|SET|SHOW|SELECT 1$)", sql):
                last = None
                continue
            if re.match(r"(?i)^UPDATE jobs SET status = 'running'", sql):
                # The in-process workers polling the job queue, not part of the request.
                background[0] += 1
                last = None
                continue
            last = [sql, {}, float(m.group(1))]
            groups[current].append(last)
            continue
        p = PARAMS.search(rec)
        if p and last is not None:
            last[1] = {int(k): v for k, v in PARAM.findall(p.group(1))}
            last = None

    groups.pop("end", None)
    lines = []
    for name, stmts in groups.items():
        lines.append(f"### {name} ({len(stmts)} statements)\n")
        if not stmts:
            lines.append("(no SQL statement logged)\n")
        for sql, params, ms in stmts:
            literal = re.sub(r"\$(\d+)\b", lambda m: params.get(int(m.group(1)), m.group(0)), sql)
            lines.append(f"Statement (logged duration {ms:.3f} ms):\n\n```sql\n{literal}\n```\n")
            if not re.match(r"(?is)^\s*(SELECT|WITH)\b", literal) or re.search(r"(?i)\bFOR UPDATE\b", literal):
                lines.append("(not read-only: no EXPLAIN ANALYZE)\n")
                continue
            res = subprocess.run([psql, "-X", "-q", "-tA", url, "-c",
                                  f"EXPLAIN (ANALYZE, BUFFERS) {literal}"],
                                 capture_output=True, text=True, timeout=120)
            plan = res.stdout.strip() if res.returncode == 0 else f"EXPLAIN failed: {res.stderr.strip()}"
            lines.append(f"```\n{plan}\n```\n")
    lines.append(f"(Also logged meanwhile and left out above: {background[0]} job-queue polls of the in-process "
                 "workers, `UPDATE jobs SET status = 'running' … FOR UPDATE SKIP LOCKED`.)\n")
    with open(out, "w") as f:
        f.write("\n".join(lines))
    print(json.dumps({k: len(v) for k, v in groups.items()}))
    print(f"bench-explain: {sum(len(s) for s in groups.values())} statements in {len(groups)} groups → {out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
