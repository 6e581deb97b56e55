#!/usr/bin/env python3
"""bench-setup.py — the API side of scripts/bench.sh (stdlib only).

  bench-setup.py template BASE PASSWORD
      Registers bench-template@example.com through the API, runs three real practice sessions (three
      roles, five questions each), answers every question, completes the sessions and waits until the
      offline grader has evaluated every answer. bench-seed.sql then clones these rows (answer texts,
      evaluations, summaries) for thousands of users, so the seeded data has exactly the server's shapes.

  bench-setup.py prepare BASE PASSWORD OUTDIR TOKEN_USERS USERS
      Signs in bench-1 … bench-TOKEN_USERS (seeded by bench-seed.sql) through the API, lists their
      sessions, starts two new in-progress sessions for each, and writes the wrk request files
      (METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY) into OUTDIR: health, ready, me, search, sessions, detail, answers,
      login, progress (the heavy user bench-heavy@example.com, 5,000 answers by default). Also writes
      OUTDIR/probe_token (a token for the latency probe) and OUTDIR/heavy_token.
"""
import json
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ANSWERS = {
    "behavioral": (
        "Situation: our checkout service failed during a holiday sale and orders dropped by 30%. "
        "Task: as the on-call lead I had to restore service and keep the team calm. Action: I split the "
        "team into mitigation and communication, rolled back the release, added a feature flag and wrote "
        "a clear status update every 15 minutes for stakeholders. Result: we recovered in 40 minutes, "
        "lost revenue stayed under 2%, and the postmortem led to canary releases that cut incidents by half. "
        "I learned to communicate early and to make rollbacks boring."
    ),
    "technical": (
        "I would start with the requirements: 10k writes per second, reads dominated by recent items, "
        "p99 under 100 ms. I'd put a stateless API behind a load balancer, write to PostgreSQL partitioned "
        "by time, and cache hot reads in Redis with a short TTL. For consistency I'd use idempotency keys "
        "and an outbox table for events. Trade-offs: partitioning adds operational cost but keeps indexes "
        "small; caching adds staleness of a few seconds, which is acceptable here. I'd measure with load "
        "tests and add read replicas if reads grow 5x."
    ),
    "product": (
        "First I'd clarify the goal: grow weekly active teams by 20% this year. The users are small-team "
        "managers whose pain is status meetings. I'd prioritise an async standup feature using RICE: reach "
        "40% of teams, impact high, confidence medium, effort six weeks. Success metric: weekly active teams, "
        "with guardrails on churn and support tickets. I'd run a beta with 50 teams, measure activation, and "
        "iterate before a full launch; the risk is notification fatigue, mitigated by smart digests."
    ),
    "case": (
        "Let me structure this into revenue and costs. Profit fell 15% while revenue grew 5%, so costs rose "
        "faster: roughly 12%. Splitting costs into fixed and variable, the data show logistics up 25% after "
        "the move to two-day delivery. At 2 million orders and $4 extra per order that is $8 million, most "
        "of the gap. I'd recommend regional fulfilment hubs and a minimum basket for free shipping, which "
        "should recover about $5 million in year one; next I'd validate customer sensitivity to the minimum."
    ),
}
ROLES = ["software-engineer-backend", "product-manager", "management-consultant"]
SEARCH_TERMS = [
    "leadership", "conflict", "system%20design", "metrics", "pricing", "market%20sizing", "stakeholder",
    "database", "incident", "churn", "hiring", "customer", "prioritization", "scalability", "failure",
    "revenue", "experiment", "team",
]


def call(base, method, path, body=None, token=None, expect=(200,)):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            status, raw = res.status, res.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    if status not in expect:
        raise SystemExit(f"bench-setup: {method} {path} answered {status}: {raw[:300]!r}")
    return json.loads(raw) if raw else None


def answer_text(category, i):
    base = ANSWERS.get(category) or ANSWERS["behavioral"]
    return f"{base} (variant {i})"


def template(base, password):
    tok = call(base, "POST", "/api/v1/auth/register",
               {"email": "bench-template@example.com", "password": password}, expect=(201,))["access_token"]
    sessions = []
    for n, role in enumerate(ROLES):
        s = call(base, "POST", "/api/v1/sessions", {"role": role, "mode": "text", "question_count": 5},
                 tok, expect=(201,))
        for i, sq in enumerate(s["questions"]):
            q = sq["question"]
            call(base, "POST", f"/api/v1/sessions/{s['id']}/answers",
                 {"question_id": q["id"], "text": answer_text(q["category"], n * 10 + i),
                  "duration_seconds": 60 + 17 * i}, tok, expect=(202,))
        call(base, "POST", f"/api/v1/sessions/{s['id']}/complete", None, tok)
        sessions.append(s["id"])
    deadline = time.monotonic() + 120
    for sid in sessions:
        while True:
            s = call(base, "GET", f"/api/v1/sessions/{sid}", token=tok)
            if s["summary"]["all_evaluated"]:
                break
            if time.monotonic() > deadline:
                raise SystemExit("bench-setup: template evaluations did not finish in 120 s")
            time.sleep(0.2)
    print(f"bench-setup: template user has {len(sessions)} evaluated sessions", file=sys.stderr)


def prepare(base, password, outdir, token_users, users):
    def login(n):
        r = call(base, "POST", "/api/v1/auth/login", {"email": f"bench-{n}@example.com", "password": password})
        tok = r["access_token"]
        page = call(base, "GET", "/api/v1/sessions?limit=100", token=tok)
        started = []
        for k in range(2):
            s = call(base, "POST", "/api/v1/sessions",
                     {"role": ROLES[(n + k) % len(ROLES)], "mode": "text", "question_count": 5}, tok, expect=(201,))
            started.append(s)
        return n, tok, [it["id"] for it in page["items"]], started

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        accounts = list(pool.map(login, range(1, token_users + 1)))
    print(f"bench-setup: signed in {len(accounts)} users in {time.monotonic() - t0:.1f} s", file=sys.stderr)

    def write(name, rows):
        with open(f"{outdir}/{name}.tsv", "w") as f:
            for r in rows:
                f.write("\t".join(r) + "\n")

    write("health", [("GET", "/health/live", "", "")])
    # One pooled round trip to PostgreSQL and no SQL: the floor under every database-backed read path.
    write("ready", [("GET", "/health/ready", "", "")])
    write("me", [("GET", "/api/v1/me", tok, "") for _, tok, _, _ in accounts])
    write("search", [("GET", f"/api/v1/questions?q={t}", "", "") for t in SEARCH_TERMS])
    write("sessions", [("GET", "/api/v1/sessions", tok, "") for _, tok, _, _ in accounts])
    write("detail", [("GET", f"/api/v1/sessions/{sid}", tok, "")
                     for _, tok, ids, _ in accounts for sid in ids])
    per_user = []
    for _, tok, _, started in accounts:
        mine = []
        for s in started:
            for sq in s["questions"]:
                q = sq["question"]
                body = json.dumps({"question_id": q["id"], "duration_seconds": 75,
                                   "text": answer_text(q["category"], 0) + " Attempt {{n}}."})
                mine.append(("POST", f"/api/v1/sessions/{s['id']}/answers", tok, body))
        per_user.append(mine)
    # Round-robin over users: requests in flight together belong to different users (each submission
    # updates its user's usage counter row, so one user's submissions serialise, as they would live).
    rows = [u[i] for i in range(max(len(u) for u in per_user)) for u in per_user if i < len(u)]
    write("answers", rows)
    step = max(1, users // 20000)
    write("login", [("POST", "/api/v1/auth/login", "",
                     json.dumps({"email": f"bench-{n}@example.com", "password": password}))
                    for n in range(token_users + 1, users + 1, step)] or
          [("POST", "/api/v1/auth/login", "", json.dumps({"email": "bench-1@example.com", "password": password}))])
    with open(f"{outdir}/probe_token", "w") as f:
        f.write(accounts[0][1])
    heavy = call(base, "POST", "/api/v1/auth/login", {"email": "bench-heavy@example.com", "password": password},
                 expect=(200, 401))
    if heavy and "access_token" in heavy:
        write("progress", [("GET", "/api/v1/progress", heavy["access_token"], "")])
        with open(f"{outdir}/heavy_token", "w") as f:
            f.write(heavy["access_token"])


def main():
    cmd = sys.argv[1]
    if cmd == "template":
        template(sys.argv[2], sys.argv[3])
    elif cmd == "prepare":
        prepare(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
