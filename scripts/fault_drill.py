#!/usr/bin/env python3
"""Helpers shared by scripts/chaos-kill.sh and scripts/outage-soak.sh (Python 3 standard
library only). Each subcommand does one step of a drill; the shell scripts own the process
lifecycle (start, SIGKILL, restart, stop) and call these for load, faults and checks.

  config       writes the gateway config: `gatehouse simulate`'s "apis" plus drill settings
  load         sends distinct Svix-signed YunoJuno webhooks until a stop file appears,
               resending unacknowledged ones as a real sender would; records what got 200
  faults       stages (or clears) simulator faults through /_sim/faults
  top-up       keeps the outage's create faults staged
  open         prints the gateway's unfinished jobs from /status (one line)
  wait-drained waits until /status shows no unfinished job
  check-live   per acknowledged event: /events/{id} and the simulators' records
  check-log    reads the log files directly: `received` records per event id
  backoff      checks recorded attempt times against the retry schedule

Every check prints what it found and exits 1 on a failure, so the scripts can add up results.
"""
import argparse, base64, collections, hashlib, hmac, http.client, json, os, random, sys, threading, time
import urllib.parse

WEBHOOK_PATH = "/webhooks/yunojuno"
CREATE_APIS = ("growcrm", "luminous")


# ---------------------------------------------------------------- small HTTP helpers

def http_json(url, method="GET", body=None, timeout=10):
    """(status, parsed JSON or None). Loopback only, so http.client is enough."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        path = u.path + ("?" + u.query if u.query else "")
        data = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        r = conn.getresponse()
        raw = r.read()
        try:
            return r.status, json.loads(raw) if raw else None
        except ValueError:
            return r.status, None
    finally:
        conn.close()


def gateway_status(port):
    status, doc = http_json(f"http://127.0.0.1:{port}/status", timeout=5)
    if status != 200 or doc is None:
        raise RuntimeError(f"/status answered {status}")
    return doc


def unfinished(doc):
    """Unfinished jobs by label, summed over the APIs, from a /status document."""
    totals = collections.Counter()
    for api in doc.get("apis", {}).values():
        for label in ("pending", "in_flight", "retrying", "failed", "dead"):
            totals[label] += int(api.get(label, 0))
    return totals


def sim_origins(apis_config):
    """API name -> simulator origin (scheme://host:port), from `simulate --write-config`'s file."""
    with open(apis_config) as f:
        apis = json.load(f)["apis"]
    out = {}
    for name in ("yunojuno", "roosted", "luminous", "growcrm"):
        u = urllib.parse.urlsplit(apis[name]["base_url"])
        out[name] = f"{u.scheme}://{u.netloc}"
    return out


def sim_records(origin, collection):
    status, doc = http_json(origin + "/_sim/state", timeout=30)
    if status != 200:
        raise RuntimeError(f"{origin}/_sim/state answered {status}")
    return doc["state"].get(collection, [])


# ---------------------------------------------------------------- config

def cmd_config(a):
    with open(a.apis) as f:
        config = json.load(f)
    for name in CREATE_APIS + ("yunojuno", "roosted"):
        config["apis"][name]["timeout_seconds"] = a.api_timeout
        config["apis"][name]["concurrency"] = a.concurrency
    # Many short waits: the drill must never dead-letter work (that would hide a loss behind
    # "dead"), yet a retry comes soon enough for the drill to finish.
    schedule = [float(x) for x in a.schedule.split(",")]
    schedule += [schedule[-1]] * max(0, a.schedule_length - len(schedule))
    config.update({
        "dev_secrets": False,
        "shutdown_grace_seconds": 1,
        "actions": {"retry_schedule_seconds": schedule, "jitter": a.jitter, "max_age_seconds": a.max_age},
    })
    if a.subscriber:
        # A subscriber to every received event, in a process of its own (`sink`), so what it
        # was sent is counted across every kill. Its first attempt at once, retries soon.
        config["allow_private_subscribers"] = True
        config["subscribers"] = [{"id": "drill", "url": a.subscriber, "types": ["event.received"],
                                  "secrets": [{"env": "DRILL_SUBSCRIBER_SECRET"}],
                                  "retry_schedule_seconds": [0] + schedule[:-1], "jitter": a.jitter, "timeout_seconds": 2}]
    if a.snapshot_every:
        # Frequent snapshots, so kills land while one is written and restarts start from one.
        config["snapshots"] = {"every_records": a.snapshot_every, "min_interval_seconds": 0}
    with open(a.out, "w") as f:
        json.dump(config, f, indent=2)
    print(f"config: {a.out} (retry waits {schedule[:6]}... x{len(schedule)}, jitter {a.jitter}, api timeout {a.api_timeout} s"
          + (f", a snapshot every {a.snapshot_every} records)" if a.snapshot_every else ")"))


# ---------------------------------------------------------------- load

def svix_headers(secret, msg_id, body):
    key = base64.b64decode(secret.split("_", 1)[1])
    ts = str(int(time.time()))
    sig = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    return {"Content-Type": "application/json", "svix-id": msg_id, "svix-timestamp": ts, "svix-signature": f"v1,{sig}"}


class Load:
    """Distinct events at a steady rate (or as fast as the connections go), each resent
    until acknowledged: a sender's behaviour, so an event whose 200 was lost to a kill comes
    back and must be answered "duplicate", never logged twice."""

    def __init__(self, a):
        self.a = a
        self.lock = threading.Lock()
        self.retries = collections.deque()  # (due, event)
        self.next_n = 0
        self.in_flight = 0
        self.started = time.time()
        self.stopping_since = None
        self.acked = {}
        self.answers = collections.Counter()
        self.failures = collections.Counter()
        os.makedirs(a.workdir, exist_ok=True)
        self.sent_file = open(os.path.join(a.workdir, "sent.tsv"), "a", buffering=1)
        self.acked_file = open(os.path.join(a.workdir, "acked.tsv"), "a", buffering=1)
        self.last_stop_check = 0.0

    def stop_requested(self, now):
        if self.stopping_since is None and now - self.last_stop_check > 0.05:
            self.last_stop_check = now
            if os.path.exists(self.a.stop_file):
                self.stopping_since = now
        return self.stopping_since is not None

    def new_event(self):
        n = self.next_n
        self.next_n += 1
        msg_id = f"msg_{self.a.run}_{n:06d}"
        email = f"drill.{self.a.run}.{n}@example.com"
        primary = self.a.primary_every > 0 and n % self.a.primary_every == self.a.primary_every - 1
        body = json.dumps({
            "api_version": "2024-04-10", "event_type": "client.client_contact.created", "mode": "live",
            "data": {"object": {"client_contact_id": f"clct_{n}", "email": email, "first_name": "Drill",
                                "last_name": f"N{n}", "is_primary": primary, "company_name": f"Drill Co {n}"}},
        }, separators=(",", ":")).encode()
        self.sent_file.write(f"{msg_id}\t{email}\t{int(primary)}\n")
        return {"id": msg_id, "email": email, "primary": primary, "body": body, "tries": 0}

    def take(self):
        """The next event to send, "wait", or None when the run is over."""
        with self.lock:
            now = time.time()
            if self.retries and self.retries[0][0] <= now:
                self.in_flight += 1
                return self.retries.popleft()[1]
            if self.stop_requested(now):
                over = now - self.stopping_since > self.a.final_seconds
                if over or (not self.retries and self.in_flight == 0):
                    return None
                return "wait"
            if self.a.rate > 0 and now < self.started + self.next_n / self.a.rate:
                return "wait"
            self.in_flight += 1
            return self.new_event()

    def done(self, event, status=None, answer=None, failure=None):
        with self.lock:
            self.in_flight -= 1
            event["tries"] += 1
            if status == 200:
                self.answers[answer] += 1
                if event["id"] not in self.acked:
                    self.acked[event["id"]] = answer
                    self.acked_file.write(f"{event['id']}\t{event['email']}\t{int(event['primary'])}\t{answer}\n")
                return
            self.failures[failure] += 1
            # A sender retries soon; keep order roughly by due time.
            self.retries.append((time.time() + self.a.retry_wait, event))

    def worker(self):
        conn = None
        while True:
            event = self.take()
            if event is None:
                break
            if event == "wait":
                time.sleep(0.005 if self.a.rate > 0 else 0.02)
                continue
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.a.port, timeout=self.a.request_timeout)
                conn.request("POST", WEBHOOK_PATH, body=event["body"], headers=svix_headers(self.a.secret, event["id"], event["body"]))
                r = conn.getresponse()
                raw = r.read()
                if r.status == 200:
                    try:
                        answer = (json.loads(raw) or {}).get("status", "?")
                    except ValueError:
                        answer = "unreadable 200"
                    self.done(event, 200, answer=answer)
                else:
                    self.done(event, failure=f"http {r.status}")
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                if conn is not None:
                    conn.close()
                conn = None
                self.done(event, failure=type(e).__name__)

    def run(self):
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.a.connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        unacked = sorted({e["id"] for _, e in self.retries})
        summary = {
            "sent": self.next_n, "acknowledged": len(self.acked),
            "answers": dict(self.answers), "failures": dict(self.failures),
            "unacknowledged": unacked, "seconds": round(time.time() - self.started, 1),
        }
        with open(os.path.join(self.a.workdir, "load-summary.json"), "w") as f:
            json.dump(summary, f)
        fails = ", ".join(f"{k} {v}" for k, v in sorted(self.failures.items())) or "none"
        print(f"load: {summary['sent']} distinct events sent in {summary['seconds']} s, {summary['acknowledged']} acknowledged "
              f"(answers: {dict(self.answers)}), failed sends retried: {fails}, never acknowledged: {len(unacked)}")


def cmd_load(a):
    Load(a).run()


# ---------------------------------------------------------------- faults

def stage(origin, fault):
    status, doc = http_json(origin + "/_sim/faults", "POST", fault)
    if status != 201:
        raise RuntimeError(f"staging {fault} at {origin}: {status} {doc}")


def cmd_faults(a):
    origins = sim_origins(a.apis)
    rng = random.Random(a.seed)
    for name in CREATE_APIS:
        http_json(origins[name] + "/_sim/faults", "DELETE")
    if a.plan == "clear":
        print("faults: cleared")
        return
    staged = collections.Counter()
    if a.plan == "chaos":
        # Every create is slow enough that several are always in flight, inside the
        # gateway's timeout so their outcome is normally known; between them, a few that
        # commit and then drop the connection (outcome unknown: the lookup path), some that
        # drop before doing anything, and some plain 503s (a known failure, retried).
        for name in CREATE_APIS:
            budget = a.creates
            while budget > 0:
                run = rng.randint(8, 20)
                stage(origins[name], {"fault": "delay", "milliseconds": rng.randint(a.delay_min, a.delay_max),
                                      "times": run, "method": "POST", "path_prefix": "/contacts"})
                staged[f"{name} delay"] += run
                odd = rng.choice(["drop_after_commit", "drop_after_commit", "drop", "status"])
                fault = {"fault": odd, "method": "POST", "path_prefix": "/contacts"}
                if odd == "status":
                    fault["status"] = 503
                stage(origins[name], fault)
                staged[f"{name} {odd}"] += 1
                budget -= run + 1
            # Reads fail too when an API is in trouble: now and then the look-up that follows
            # an unknown outcome gets a 503 (Grow CRM searches GET /contacts, Luminous
            # GET /companies/{id}/contacts).
            lookup = "/contacts" if name == "growcrm" else "/companies"
            for _ in range(max(1, a.creates // 60)):
                stage(origins[name], {"fault": "status", "status": 503, "times": 1, "method": "GET", "path_prefix": lookup})
                staged[f"{name} lookup 503"] += 1
    elif a.plan == "outage":
        # Both APIs down. Every read and update answers 503. Creates mostly answer 503 too,
        # but one in --hang-every hangs past the gateway's timeout and, like a slow real API,
        # makes the contact anyway: the gateway then sees a timeout (outcome unknown) and
        # must find that contact rather than create it again once the API is back.
        # (The shipped routes key Luminous jobs by the same email as Grow CRM jobs, so
        # Luminous is only reached after Grow CRM answers; its faults matter after that.)
        for method in ("GET", "PUT", "PATCH", "DELETE"):
            stage(origins["growcrm"], {"fault": "status", "status": 503, "times": FOREVER, "method": method})
        stage(origins["luminous"], {"fault": "status", "status": 503, "times": FOREVER})
        staged["growcrm reads/updates 503"] = FOREVER
        staged["luminous everything 503"] = FOREVER
        staged.update(top_up_creates(origins["growcrm"], a))
    print("faults: " + ", ".join(f"{k} x{v}" for k, v in sorted(staged.items())))


FOREVER = 1_000_000_000


def top_up_creates(origin, a):
    """Keeps at least --keep create faults staged at Grow CRM in the outage pattern (503
    x (hang-every - 1), then one hang). A fault that never runs out would be taken before any
    staged after it (oldest first), so the pattern is topped up as it is used instead."""
    _, doc = http_json(origin + "/_sim/faults")
    left = sum(f["times"] for f in (doc or {}).get("faults", []) if f.get("method") == "POST")
    added = collections.Counter()
    while left < a.keep:
        stage(origin, {"fault": "status", "status": 503, "times": a.hang_every - 1, "method": "POST", "path_prefix": "/contacts"})
        stage(origin, {"fault": "delay", "milliseconds": a.hang_ms, "times": 1, "method": "POST", "path_prefix": "/contacts"})
        added["growcrm create 503"] += a.hang_every - 1
        added[f"growcrm create hangs {a.hang_ms} ms then commits"] += 1
        left += a.hang_every
    return added


def cmd_top_up(a):
    top_up_creates(sim_origins(a.apis)["growcrm"], a)


# ---------------------------------------------------------------- status

def cmd_open(a):
    t = unfinished(gateway_status(a.port))
    print(f"pending={t['pending']} in_flight={t['in_flight']} retrying={t['retrying']}")


def cmd_wait_drained(a):
    deadline = time.time() + a.timeout
    last = None
    while time.time() < deadline:
        try:
            doc = gateway_status(a.port)
            t = unfinished(doc)
            last = t
            jobs = doc.get("jobs", {})
            deliveries = sum(int(s.get("pending", 0)) + int(s.get("failing", 0)) for s in doc.get("subscribers", {}).values())
            if t["pending"] + t["in_flight"] + t["retrying"] == 0 and jobs.get("pending", 0) + jobs.get("in_flight", 0) == 0 \
                    and deliveries == 0:
                print(f"drained: no job pending, in flight or retrying ({t['failed']} failed, {t['dead']} dead), no delivery open")
                return 0
        except (OSError, RuntimeError, http.client.HTTPException):
            pass
        time.sleep(0.25)
    print(f"NOT drained after {a.timeout} s: {dict(last or {})}")
    return 1


# ---------------------------------------------------------------- checks

def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def cmd_check_live(a):
    acked = {row[0]: {"email": row[1], "primary": row[2] == "1"} for row in read_tsv(os.path.join(a.workdir, "acked.tsv"))}
    sent = {row[0]: {"email": row[1], "primary": row[2] == "1"} for row in read_tsv(os.path.join(a.workdir, "sent.tsv"))}
    problems = []
    status = gateway_status(a.port)
    t = unfinished(status)
    for label in ("pending", "in_flight", "retrying", "failed", "dead"):
        if t[label]:
            problems.append(f"/status: {t[label]} job(s) {label}")

    # The log as the gateway reads it: one history per acknowledged event, every job done.
    attempts = collections.Counter()
    notes = collections.Counter()
    lookups_found = 0
    for event_id, ev in acked.items():
        code, doc = http_json(f"http://127.0.0.1:{a.port}/events/{event_id}")
        if code != 200:
            problems.append(f"{event_id}: acknowledged, but /events answered {code} (lost)")
            continue
        deliveries = doc.get("deliveries", [])
        received = [h for d in deliveries for h in d.get("history", []) if h.get("kind") == "received"]
        if len(deliveries) != 1 or len(received) != 1:
            problems.append(f"{event_id}: {len(deliveries)} deliveries, {len(received)} received records (want 1)")
            continue
        d = deliveries[0]
        want_jobs = 3 if ev["primary"] else 2
        if d.get("state") != "succeeded" or len(d.get("jobs", [])) != want_jobs:
            problems.append(f"{event_id}: state {d.get('state')}, {len(d.get('jobs', []))} jobs (want succeeded, {want_jobs})")
        for h in d.get("history", []):
            if h.get("kind") == "attempt_started":
                attempts[h.get("api")] += 1
            if h.get("kind") == "attempt_finished" and h.get("note"):
                notes[h["note"].split(" (")[0]] += 1
                if "unknown outcome" in h["note"]:
                    lookups_found += 1

    # What the APIs hold: each acknowledged contact exactly once, nobody twice.
    origins = sim_origins(a.apis)
    held = {"growcrm": collections.Counter(u.get("email") for u in sim_records(origins["growcrm"], "users")),
            "luminous": collections.Counter(c.get("email") for c in sim_records(origins["luminous"], "contacts"))}
    duplicates = {api: sorted(e for e, n in counts.items() if n > 1) for api, counts in held.items()}
    for api, emails in duplicates.items():
        for e in emails:
            problems.append(f"{api}: {e} created {held[api][e]} times")
    missing = {api: [ev["email"] for ev in acked.values() if held[api][ev["email"]] == 0] for api in held}
    for api, emails in missing.items():
        for e in emails[:20]:
            problems.append(f"{api}: acknowledged contact {e} never created")
    unacked_created = sum(1 for i, ev in sent.items() if i not in acked and held["growcrm"][ev["email"]] > 0)

    journals = {api: (http_json(origins[api] + "/_sim/journal", timeout=60)[1] or {}).get("requests", []) for api in CREATE_APIS}

    # Grow CRM refuses a second create of an email with 422; for non-primary contacts (one
    # create rule) each such 422 is a create the gateway sent again and the API caught.
    non_primary = {ev["email"] for ev in sent.values() if not ev["primary"]}
    resent = 0
    resent_emails = []
    posts = collections.Counter()
    for r in journals["growcrm"]:
        if r["method"] == "POST" and r["target"].split("?")[0].endswith("/contacts"):
            posts[r["status"]] += 1
            if r["status"] == 422:
                try:
                    email = json.loads(r["body"]).get("email")
                except ValueError:
                    email = None
                if email in non_primary:
                    resent += 1
                    resent_emails.append(email)

    if resent:
        problems.append(f"growcrm: {resent} create(s) of non-primary contacts sent again after the contact existed "
                        f"(Grow CRM refused them with 422; an API without a unique email would now hold duplicates)")

    result = {
        "acknowledged": len(acked), "sent": len(sent), "problems": len(problems),
        "duplicates": {api: len(v) for api, v in duplicates.items()},
        "missing": {api: len(v) for api, v in missing.items()},
        "attempts_started": dict(attempts), "lookups_after_unknown_outcome_found": lookups_found,
        "notes": dict(notes), "growcrm_create_answers": {str(k): v for k, v in posts.items()},
        "growcrm_creates_refused_as_taken_non_primary": resent,
        "unacknowledged_but_created": unacked_created,
    }
    with open(os.path.join(a.workdir, "check-live.json"), "w") as f:
        json.dump({**result, "problem_list": problems}, f, indent=1)
    print(f"live check: {len(acked)} acknowledged events, each looked up in /events and in both simulators")
    print(f"  attempts started: {dict(attempts)}; creates found by lookup after an unknown outcome: {lookups_found}")
    print(f"  Grow CRM create answers: {result['growcrm_create_answers']}; second creates caught by its unique email "
          f"(non-primary contacts): {resent}")
    print(f"  duplicates: growcrm {result['duplicates']['growcrm']}, luminous {result['duplicates']['luminous']}; "
          f"missing: growcrm {result['missing']['growcrm']}, luminous {result['missing']['luminous']}")
    if unacked_created:
        print(f"  {unacked_created} event(s) never acknowledged were still logged and carried out (allowed: the sender gave up after the log wrote them)")
    for p in problems[:30]:
        print(f"  PROBLEM {p}")
    if len(problems) > 30:
        print(f"  ... and {len(problems) - 30} more (see {a.workdir}/check-live.json)")
    # Evidence for each contact created twice (and each create Grow CRM had to refuse): the
    # gateway's record of the attempts beside what the API received, on one clock, with the
    # kills in between, so the order of events can be read off.
    by_email = {ev["email"]: i for i, ev in sent.items()}
    cases = [(api, e) for api, emails in duplicates.items() for e in emails] + [("growcrm", e) for e in sorted(set(resent_emails))]
    if cases:
        causes = collections.Counter(cause(a.port, api, by_email.get(email)) for api, email in cases)
        print("  creates sent twice, by what the gateway's history shows: " + "; ".join(f"{n} {c}" for c, n in causes.most_common()))
        with open(os.path.join(a.workdir, "evidence.txt"), "w") as out:
            for i, (api, email) in enumerate(cases):
                text = evidence(a.port, api, email, by_email.get(email), journals[api], a.workdir)
                out.write(text + "\n")
                if i < a.evidence:
                    print(text)
        if len(cases) > a.evidence:
            print(f"  ({len(cases) - a.evidence} more in {a.workdir}/evidence.txt)")
    return 1 if problems else 0


def cause(port, api, event_id):
    """Which of two ways the second create came about: a look-up that failed (so the next
    attempt created without looking), or a look-up that found nothing because the first create
    had not been carried out yet."""
    if not event_id:
        return "event unknown"
    _, doc = http_json(f"http://127.0.0.1:{port}/events/{event_id}")
    history = [h for h in ((doc or {}).get("deliveries") or [{}])[0].get("history", []) if h.get("api") == api]
    # A look-up refused with an HTTP status is recorded with that status, which the fold
    # takes for a known outcome; one that timed out keeps the outcome unknown.
    if any("looking for" in (h.get("error") or "") and h.get("status") for h in history if h.get("kind") == "attempt_finished"):
        return "after a look-up answered with an error status (the next attempt created without looking)"
    return "after a look-up that found nothing (the earlier create was still being carried out)"


def evidence(port, api, email, event_id, journal, workdir):
    lines = [f"  EVIDENCE {api} {email} (event {event_id}):"]
    rows = []
    if event_id:
        _, doc = http_json(f"http://127.0.0.1:{port}/events/{event_id}")
        for h in ((doc or {}).get("deliveries") or [{}])[0].get("history", []):
            if h.get("api") == api:
                detail = h.get("outcome", "") + " " + str(h.get("status") or "") + " " + (h.get("note") or h.get("error") or "")
                rows.append((iso_ms(h["at"]), f"gateway  {h['kind']:<16} attempt {h.get('attempt')} {detail.strip()}"))
    for r in journal:
        target = urllib.parse.unquote(r["target"])
        if email in target or email in r.get("body", ""):
            rows.append((iso_ms(r["received_at"]), f"{api:<8} received {r['method']} {target[:70]} -> answered {r['status']}"))
    for row in read_tsv(os.path.join(workdir, "kills.tsv")):
        rows.append((int(row[0]), f"drill    SIGKILL of the gateway (round {row[1]})"))
    rows.sort()
    own = [t for t, text in rows if not text.startswith("drill")]
    if own:
        # Only the kills that fell within this contact's story.
        rows = [(t, text) for t, text in rows if not text.startswith("drill") or own[0] - 2000 <= t <= own[-1]]
    for t, text in rows:
        lines.append(f"    {time.strftime('%H:%M:%S', time.gmtime(t / 1000))}.{t % 1000:03d} {text}")
    return "\n".join(lines)


def read_log(directory):
    """Yields (offset, payload) for every record, following docs/log-format.md."""
    names = sorted(n for n in os.listdir(directory) if n.endswith(".log"))
    for name in names:
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
        if data[:8] != b"GHEVTLOG":
            raise RuntimeError(f"{name}: not a segment")
        base = int.from_bytes(data[12:20], "little")
        pos = 24
        while pos + 8 <= len(data):
            if data[pos:pos + 8] == bytes(8):
                break  # eight zero bytes are never a record: the rest is space prepared for appends
            length = int.from_bytes(data[pos + 4:pos + 8], "little")
            if pos + 8 + length > len(data):
                raise RuntimeError(f"{name}: record at {pos} runs past the end (torn tail after a clean stop?)")
            yield base + pos - 24, data[pos + 8:pos + 8 + length]
            pos += 8 + length


def wire_string(payload, at):
    n = int.from_bytes(payload[at:at + 4], "little")
    return payload[at + 4:at + 4 + n].decode(), at + 4 + n


def cmd_check_log(a):
    acked = [row[0] for row in read_tsv(os.path.join(a.workdir, "acked.tsv"))]
    received = collections.Counter()
    kinds = collections.Counter()
    routed = collections.Counter()
    names = {1: "received", 2: "routed", 3: "attempt_started", 4: "attempt_finished", 5: "requeued", 6: "remapped", 7: "delivery"}
    for offset, payload in read_log(os.path.join(a.data, "log")):
        kind = payload[0]
        kinds[names.get(kind, f"kind {kind}")] += 1
        if kind == 1:
            source, at = wire_string(payload, 2)
            event_id, _ = wire_string(payload, at)
            received[(source, event_id)] += 1
        elif kind == 2:
            routed[int.from_bytes(payload[2:10], "little")] += 1
    problems = []
    for event_id in acked:
        n = received[("yunojuno", event_id)]
        if n != 1:
            problems.append(f"{event_id}: {n} received records in the log (want exactly 1)")
    twice = [k for k, n in received.items() if n > 1]
    rerouted = sum(1 for n in routed.values() if n > 1)
    print(f"log check: {sum(kinds.values())} records ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    print(f"  acknowledged events with exactly one received record: {len(acked) - len(problems)} of {len(acked)}; "
          f"event ids logged twice: {len(twice)}; events routed more than once: {rerouted}")
    for p in problems[:30]:
        print(f"  PROBLEM {p}")
    return 1 if problems or twice else 0


def cmd_backoff(a):
    """For each acknowledged event, the gaps between attempts of one job step must be at
    least the schedule's wait less jitter, and the number of attempts no more than the time
    allows; anything else means the retry policy was not honoured."""
    schedule = [float(x) for x in a.schedule.split(",")]
    schedule += [schedule[-1]] * max(0, a.schedule_length - len(schedule))
    acked = [row[0] for row in read_tsv(os.path.join(a.workdir, "acked.tsv"))]
    rng = random.Random(1)
    sample = acked if a.sample <= 0 or len(acked) <= a.sample else rng.sample(acked, a.sample)
    problems = []
    per_step = []
    too_early = 0
    too_late = 0
    worst_late = 0.0
    gaps_checked = 0
    for event_id in sample:
        code, doc = http_json(f"http://127.0.0.1:{a.port}/events/{event_id}")
        if code != 200:
            problems.append(f"{event_id}: /events answered {code}")
            continue
        steps = collections.defaultdict(list)
        for h in doc["deliveries"][0]["history"]:
            if h.get("kind") == "attempt_started" and h.get("api") in a.apis.split(","):
                steps[(h["job"], h["step"])].append((h["attempt"], iso_ms(h["at"])))
        for key, started in steps.items():
            started.sort()
            per_step.append(len(started))
            for (n1, t1), (n2, t2) in zip(started, started[1:]):
                gaps_checked += 1
                # Attempt n failed, so the wait before n+1 is schedule[n-1] (± jitter); the
                # attempt's own latency only lengthens the gap.
                wait = schedule[min(n1, len(schedule)) - 1]
                want = wait * (1 - a.jitter)
                gap = (t2 - t1) / 1000
                if gap + 0.05 < want:
                    too_early += 1
                    if len(problems) < 20:
                        problems.append(f"{event_id} job {key[0]} step {key[1]}: attempt {n2} {gap:.2f} s after "
                                        f"attempt {n1}, policy says at least {want:.2f} s")
                # The longest a gap should take: the wait with jitter, plus the attempt itself
                # (at most the API timeout, a look-up and the create each), plus scheduling slack.
                latest = wait * (1 + a.jitter) + 2 * a.api_timeout + a.slack
                if gap > latest:
                    too_late += 1
                    worst_late = max(worst_late, gap - wait * (1 + a.jitter))
                    if len(problems) < 20:
                        problems.append(f"{event_id} job {key[0]} step {key[1]}: attempt {n2} {gap:.2f} s after "
                                        f"attempt {n1}, policy says at most {latest:.2f} s (retries stalled?)")
            # Upper bound: from the first attempt to the last there is time for at most this many.
            span = (started[-1][1] - started[0][1]) / 1000
            allowed, waited = 1, 0.0
            while allowed - 1 < len(schedule) and waited + schedule[allowed - 1] * (1 - a.jitter) <= span + 0.05:
                waited += schedule[allowed - 1] * (1 - a.jitter)
                allowed += 1
            if len(started) > allowed:
                problems.append(f"{event_id} job {key[0]}: {len(started)} attempts in {span:.1f} s, the schedule allows {allowed}")
    result = {"events_sampled": len(sample), "job_steps": len(per_step), "gaps_checked": gaps_checked, "too_early": too_early,
              "too_late": too_late, "worst_beyond_wait_seconds": round(worst_late, 2),
              "attempts_per_step_max": max(per_step, default=0),
              "attempts_per_step_mean": round(sum(per_step) / len(per_step), 2) if per_step else 0}
    print(f"backoff check: {result['events_sampled']} events, {result['job_steps']} job steps, {gaps_checked} gaps between attempts; "
          f"attempts per step max {result['attempts_per_step_max']} mean {result['attempts_per_step_mean']}; "
          f"gaps shorter than the policy: {too_early}, longer than it allows: {too_late}")
    metrics = fetch_metrics(a.port)
    counts = {k: v for k, v in metrics.items() if k.startswith("gatehouse_actions_total")}
    print("  /metrics since the last start: " + ", ".join(f"{k.split('{', 1)[1].rstrip('}')} {v:g}" for k, v in sorted(counts.items())))
    with open(os.path.join(a.workdir, "check-backoff.json"), "w") as f:
        json.dump({**result, "problem_list": problems, "metrics": counts}, f, indent=1)
    for p in problems[:20]:
        print(f"  PROBLEM {p}")
    return 1 if problems else 0


def fetch_metrics(port):
    """Prometheus text to {"name{labels}": value}; comments skipped."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            try:
                out[name] = float(value)
            except ValueError:
                pass
    return out


def iso_ms(text):
    from datetime import datetime
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


# ---------------------------------------------------------------- main

# ---------------------------------------------------------------- subscriber

def cmd_sink(a):
    """A subscriber that outlives the gateway: appends `webhook-id, type, event id` for every
    notification it is sent (repeats too) and answers 200 after a short random pause, so some
    deliveries are in flight when a kill lands."""
    import http.server
    out = open(a.out, "a", buffering=1)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                doc = json.loads(body)
                kind, event = doc.get("type", "?"), (doc.get("data") or {}).get("event_id", "?")
            except ValueError:
                kind, event = "unreadable", "?"
            time.sleep(random.uniform(0, a.pause_ms / 1000))
            with lock:
                out.write(f"{self.headers.get('webhook-id', '?')}\t{kind}\t{event}\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    server.serve_forever()


def cmd_check_notify(a):
    """Every acknowledged event's notification reached the subscriber, each event under one
    notification id (a plan made twice would show two); repeats of one id are deliveries a
    kill caught in flight, sent again under the same webhook-id."""
    acked = {row[0] for row in read_tsv(os.path.join(a.workdir, "acked.tsv"))}
    ids_by_event = collections.defaultdict(set)
    sends = collections.Counter()
    for row in read_tsv(os.path.join(a.workdir, "sink.tsv")):
        if len(row) == 3 and row[1] == "event.received":
            ids_by_event[row[2]].add(row[0])
            sends[row[0]] += 1
    missing = sorted(acked - set(ids_by_event))
    twice = sorted(e for e, ids in ids_by_event.items() if len(ids) > 1)
    repeated = sum(n - 1 for n in sends.values())
    result = {"acknowledged": len(acked), "notified": len(acked & set(ids_by_event)), "missing": missing[:20],
              "missing_count": len(missing), "planned_twice": twice[:20], "resent_after_kill": repeated}
    with open(os.path.join(a.workdir, "check-notify.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(f"notifications: {result['notified']} of {len(acked)} acknowledged events notified, {len(missing)} missing, "
          f"{len(twice)} planned twice, {repeated} sent again after a kill (same webhook-id)")
    return 1 if missing or twice else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("config")
    c.add_argument("--apis", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--schedule", default="0.2,0.5,1")
    c.add_argument("--schedule-length", type=int, default=40)
    c.add_argument("--jitter", type=float, default=0.2)
    c.add_argument("--max-age", type=float, default=86400)
    c.add_argument("--api-timeout", type=float, default=1)
    c.add_argument("--concurrency", type=int, default=4)
    c.add_argument("--snapshot-every", type=int, default=0, help="snapshots.every_records (0: the default)")
    c.add_argument("--subscriber", default=None, help="URL of a subscriber to every received event")

    c = sub.add_parser("sink")
    c.add_argument("--out", required=True)
    c.add_argument("--port-file", required=True)
    c.add_argument("--pause-ms", type=float, default=40)

    c = sub.add_parser("check-notify")
    c.add_argument("--workdir", required=True)

    c = sub.add_parser("load")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--secret", required=True)
    c.add_argument("--workdir", required=True)
    c.add_argument("--run", required=True)
    c.add_argument("--stop-file", required=True)
    c.add_argument("--connections", type=int, default=4)
    c.add_argument("--rate", type=float, default=0, help="new events per second (0: as fast as the connections go)")
    c.add_argument("--final-seconds", type=float, default=30, help="after the stop file, how long unacknowledged events are still resent")
    c.add_argument("--retry-wait", type=float, default=0.25)
    c.add_argument("--request-timeout", type=float, default=10)
    c.add_argument("--primary-every", type=int, default=8)

    c = sub.add_parser("faults")
    c.add_argument("--apis", required=True)
    c.add_argument("--plan", choices=["chaos", "outage", "clear"], required=True)
    c.add_argument("--seed", type=int, default=None)
    c.add_argument("--creates", type=int, default=400, help="chaos: creates per API to cover with faults")
    c.add_argument("--delay-min", type=int, default=40)
    c.add_argument("--delay-max", type=int, default=200)
    c.add_argument("--hang-ms", type=int, default=2500)
    c.add_argument("--hang-every", type=int, default=10)
    c.add_argument("--keep", type=int, default=600)

    c = sub.add_parser("top-up")
    c.add_argument("--apis", required=True)
    c.add_argument("--hang-ms", type=int, default=2500)
    c.add_argument("--hang-every", type=int, default=10)
    c.add_argument("--keep", type=int, default=600)

    for name in ("open", "wait-drained", "check-live", "backoff"):
        c = sub.add_parser(name)
        c.add_argument("--port", type=int, required=True)
        if name == "wait-drained":
            c.add_argument("--timeout", type=float, default=120)
        if name in ("check-live", "backoff"):
            c.add_argument("--workdir", required=True)
        if name == "check-live":
            c.add_argument("--apis", required=True)
            c.add_argument("--evidence", type=int, default=4, help="how many duplicated creates to show in detail")
        if name == "backoff":
            c.add_argument("--schedule", required=True)
            c.add_argument("--schedule-length", type=int, default=40)
            c.add_argument("--jitter", type=float, default=0.2)
            c.add_argument("--sample", type=int, default=0, help="events to check (0: all acknowledged)")
            c.add_argument("--api-timeout", type=float, default=1)
            c.add_argument("--slack", type=float, default=2)
            c.add_argument("--apis", default="growcrm,luminous")

    c = sub.add_parser("check-log")
    c.add_argument("--data", required=True)
    c.add_argument("--workdir", required=True)

    a = p.parse_args()
    handler = {"config": cmd_config, "load": cmd_load, "faults": cmd_faults, "open": cmd_open,
               "wait-drained": cmd_wait_drained, "check-live": cmd_check_live, "check-log": cmd_check_log,
               "backoff": cmd_backoff, "top-up": cmd_top_up, "sink": cmd_sink, "check-notify": cmd_check_notify}[a.command]
    sys.exit(handler(a) or 0)


if __name__ == "__main__":
    main()
