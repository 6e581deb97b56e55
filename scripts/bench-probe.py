#!/usr/bin/env python3
"""bench-probe.py — a light, fixed-rate latency probe (one keep-alive connection, stdlib only).

Usage: bench-probe.py URL TOKEN RATE_PER_SEC SECONDS
       bench-probe.py BASE_URL REQS.tsv RATE_PER_SEC SECONDS
Sends GET URL with `Authorization: Bearer TOKEN` RATE_PER_SEC times a second for SECONDS seconds
(or cycles through the GET lines of a bench-setup.py request file, METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY),
(open loop: a slow answer does not delay the next send time, so queueing shows up in the numbers),
then prints one line: BENCHJSON {"requests":…, "p50_ms":…, "p99_ms":…, "max_ms":…, "non2xx":…}.
Used by scripts/bench.sh to measure GET /me latency unloaded and while a login load test runs.
"""
import http.client
import json
import sys
import time
from urllib.parse import urlsplit


def main() -> int:
    url, token, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    u = urlsplit(url)
    if token.endswith(".tsv"):
        reqs = []
        with open(token) as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if len(p) >= 2 and p[0] == "GET":
                    tok = p[2] if len(p) > 2 else ""
                    reqs.append((p[1], {"Authorization": f"Bearer {tok}"} if tok else {}))
        if not reqs:
            raise SystemExit(f"bench-probe: no GET lines in {token}")
    else:
        path = u.path + (f"?{u.query}" if u.query else "")
        reqs = [(path, {"Authorization": f"Bearer {token}"} if token else {})]
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    latencies, non2xx = [], 0
    start = time.monotonic()
    n = int(rate * seconds)
    for i in range(n):
        due = start + i / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        # Latency counts from the scheduled send time (no coordinated omission).
        t0 = min(due, time.monotonic())
        try:
            path, headers = reqs[i % len(reqs)]
            conn.request("GET", path, headers=headers)
            res = conn.getresponse()
            res.read()
            if not 200 <= res.status < 300:
                non2xx += 1
        except (OSError, http.client.HTTPException):
            non2xx += 1
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
        latencies.append((time.monotonic() - t0) * 1000)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else 0.0

    print("BENCHJSON " + json.dumps({
        "requests": len(latencies),
        "rps": round(len(latencies) / max(time.monotonic() - start, 1e-9), 1),
        "p50_ms": round(pct(50), 3),
        "p90_ms": round(pct(90), 3),
        "p99_ms": round(pct(99), 3),
        "max_ms": round(latencies[-1], 3) if latencies else 0.0,
        "non2xx": non2xx,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
