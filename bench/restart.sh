#!/usr/bin/env bash
# Restart time and /events/{id} latency at scale (release builds). Writes EVENTS accepted
# webhooks (1 KB bodies, each with its `routed` record) into a fresh log with fold-bench
# (which also prints the fold against reading the bytes, as `cat` does), then:
#   1. starts `gatehouse serve` on it with no snapshot: time until /readyz answers 200;
#   2. asks GET /events/{id} for 300 random events: p50/p99/max;
#   3. stops it with SIGTERM (a clean stop writes a snapshot), starts it again: time to ready.
# With SHAPE `jobs`, every webhook also did work: two jobs, each with its attempt started and
# finished (six records per webhook), the shape of a log where events drive actions.
# With SHAPE `notify`, every webhook was delivered once to a subscriber instead.
# Usage: bench/restart.sh [events] [jobs|notify]   (default 1,000,000 webhooks only)
source "$(dirname "$0")/lib.sh"
EVENTS=${1:-1000000}
SHAPE=${2:-}
bench_workspace restart

(cd "$ROOT" && swift build -c release --product gatehouse 2>&1 | tail -1 && swift build -c release --product fold-bench 2>&1 | tail -1)
BIN="$ROOT/.build/release/gatehouse"

echo "== writing and folding $EVENTS events (fold-bench)"
"$ROOT/.build/release/fold-bench" "$WORK/data" "$EVENTS" $SHAPE

mkdir -p "$WORK/routes"
cat > "$WORK/routes/yunojuno.json" <<JSON
{"verify": {"scheme": "svix", "secrets": [{"env": "BENCH_SECRET"}]}, "event": {"type": "event_type"}}
JSON
export BENCH_SECRET=$(bench_secret)

# Prints seconds from launch until /readyz answers 200; leaves the server running.
start_and_time() {
  python3 - "$BIN" "$WORK" "$1" <<'PY'
import http.client, subprocess, sys, time
binary, work, log = sys.argv[1:4]
started = time.monotonic()
p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:18090", "--data", work + "/data", "--routes", work + "/routes"],
                     stderr=open(log, "w"), stdout=subprocess.DEVNULL)
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", 18090, timeout=1)
        c.request("GET", "/readyz")
        if c.getresponse().status == 200:
            break
    except OSError:
        pass
    if p.poll() is not None:
        sys.exit("gatehouse exited during start; see " + log)
    time.sleep(0.005)
print("%.3f %d" % (time.monotonic() - started, p.pid))
PY
}

python3 - "$WORK/data/log" <<'PY'
import glob, subprocess, sys, time
files = sorted(glob.glob(sys.argv[1] + "/*.log"))
best = min(
    (lambda t: (subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True), time.perf_counter() - t)[1])(time.perf_counter())
    for _ in range(3))
print("  cat > /dev/null         %6.3f s  (best of three, the same files)" % best)
PY
rm -rf "$WORK/data/snapshots"
echo "== start 1: no snapshot"
read -r FIRST PID < <(start_and_time "$WORK/start1.log")
grep -o 'state rebuilt.*' "$WORK/start1.log" | head -1

echo "== GET /events/{id}: 300 random events of $EVENTS"
python3 - "$EVENTS" <<'PY'
import http.client, random, sys, time
events = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", 18090, timeout=10)
times = []
for _ in range(300):
    i = random.randrange(events)
    t = time.perf_counter()
    c.request("GET", "/events/msg_%d" % i)
    r = c.getresponse(); body = r.read()
    times.append((time.perf_counter() - t) * 1000)
    if r.status != 200 or b'"received"' not in body:
        sys.exit("event msg_%d: status %d" % (i, r.status))
times.sort()
print("events/{id}: p50 %.2f ms  p99 %.2f ms  max %.2f ms  (target < 100 ms)" % (times[150], times[296], times[-1]))
PY

kill -TERM "$PID"; while kill -0 "$PID" 2>/dev/null; do sleep 0.05; done
grep -o 'snapshot written.*' "$WORK/start1.log" | head -1

echo "== start 2: from the snapshot"
read -r SECOND PID < <(start_and_time "$WORK/start2.log")
grep -o 'state rebuilt.*' "$WORK/start2.log" | head -1
kill -TERM "$PID"; while kill -0 "$PID" 2>/dev/null; do sleep 0.05; done

echo
printf 'restart to ready, %d events%s: whole-log fold %.2f s, from snapshot %.2f s  (target <= 1 s)\n' "$EVENTS" "${SHAPE:+ (shape: $SHAPE)}" "$FIRST" "$SECOND"
