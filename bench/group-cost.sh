#!/usr/bin/env bash
# What group commit can and cannot buy. The durable gateway's CPU per request has a part every
# webhook pays (HTTP, verification, dedupe, framing, copying into the page cache, the fold, the
# answer) and a part each commit pays (a pwrite, an fdatasync, the wake-ups around them), shared
# by the requests of its group. This script varies the group size the only honest way, by how
# many requests the client keeps in flight, and fits
#     CPU per request = per_request + per_group / group size
# by least squares over every row. per_request is what the gateway would spend with unbounded
# groups: no batching policy can take it below that.
# Each row: a fresh gateway (fsync on, an empty data folder) driven by wrk (2 threads) with the
# same distinct Svix-signed 1 KB events as accept.sh; over a steady window, the gateway's CPU per
# request answered and the log's records per sync (from /status).
# Usage: bench/group-cost.sh [seconds per row, at least 7] [rounds] [connections...]
#        (defaults: 10 s, 2 rounds, 25 50 100 200 connections)
source "$(dirname "$0")/lib.sh"
DURATION=${1:-10}
ROUNDS=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
CONNECTIONS=("$@")
[ ${#CONNECTIONS[@]} -gt 0 ] || CONNECTIONS=(25 50 100 200)
[ "$DURATION" -ge 7 ] || { echo "group-cost: at least 7 seconds per row" >&2; exit 2; }
bench_workspace group-cost

ensure_packages wrk curl
BIN=$(gatehouse_bin)
SECRET=$(bench_secret)
write_bench_route "$WORK/routes"
# Every row starts a new gateway, so one set of events serves all of them; enough that none
# repeats below 80k requests/s.
python3 "$ROOT/bench/make_signed_requests.py" "$SECRET" $((DURATION * 80000)) "$WORK/requests.tsv" 2 /webhooks/bench
sync

HZ=$(getconf CLK_TCK)
PORT=18380
client() { # CONNECTIONS SECONDS: execs wrk, so $! of a backgrounded call is wrk's own PID
  REQUESTS="$WORK/requests.tsv" REQUESTS_RAW="$WORK/requests.tsv.raw" WRK_THREADS=2 \
    exec wrk -t2 -c"$1" -d"$2s" -s "$ROOT/bench/signed_requests.lua" "http://127.0.0.1:$PORT"
}
start_gateway() { # NAME: a new gateway on $PORT with an empty data folder; its PID in GATEWAY
  rm -rf "$WORK/data"
  BENCH_SECRET="$SECRET" "$BIN" serve --listen "127.0.0.1:$PORT" --data "$WORK/data" --routes "$WORK/routes" \
    2>"$WORK/$1.log" &
  GATEWAY=$!
  wait_for_port "$PORT"
}
stop_gateway() { kill -TERM "$GATEWAY"; wait "$GATEWAY" || true; }
# "requests records batches" so far, from the gateway's /status.
counters() {
  curl -s --max-time 2 "http://127.0.0.1:$PORT/status" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["listener"]["requests"], s["log"]["records_appended"], s["log"]["batches"])'
}

# A first wrk run on this machine is slower than any after it (see accept.sh); pay that once.
start_gateway warm-up
(client 50 3) > /dev/null 2>"$WORK/warm-up.err" || { echo "group-cost: the warm-up run failed:" >&2; cat "$WORK/warm-up.err" >&2; exit 1; }
stop_gateway

echo "group-cost: $(date -u +%F) $(nproc) cores, ${DURATION}s per row (steady window $((DURATION - 4))s), $ROUNDS rounds, fsync on"
printf "  %11s %8s %12s %14s\n" connections "req/s" "group size" "CPU us/req"
: > "$WORK/rows"
for round in $(seq 1 "$ROUNDS"); do
  for connections in "${CONNECTIONS[@]}"; do
    start_gateway "c$connections-r$round"
    client "$connections" "$DURATION" > "$WORK/wrk.txt" 2>"$WORK/wrk.err" &
    wrk_pid=$!
    sleep 2
    read -r n0 r0 b0 < <(counters); c0=$(awk '{print $14 + $15}' "/proc/$GATEWAY/stat"); t0=$(date +%s.%N)
    sleep $((DURATION - 4))
    read -r n1 r1 b1 < <(counters); c1=$(awk '{print $14 + $15}' "/proc/$GATEWAY/stat"); t1=$(date +%s.%N)
    wait "$wrk_pid" || { echo "group-cost: the client failed:" >&2; cat "$WORK/wrk.txt" "$WORK/wrk.err" >&2; exit 1; }
    stop_gateway
    if [ $((b1 - b0)) -le 0 ] || [ $((n1 - n0)) -le 0 ]; then
      echo "group-cost: no requests or no commits in the window at $connections connections" >&2; exit 1
    fi
    row=$(awk -v n=$((n1 - n0)) -v r=$((r1 - r0)) -v b=$((b1 - b0)) -v c=$((c1 - c0)) -v hz="$HZ" -v t0="$t0" -v t1="$t1" \
      'BEGIN {printf "%.0f %.2f %.2f", n / (t1 - t0), r / b, c * 1e6 / hz / n}')
    echo "$connections $row" >> "$WORK/rows"
    read -r rate group cpu <<< "$row"
    printf "  %11s %8.0f %12.1f %14.1f\n" "$connections" "$rate" "$group" "$cpu"
  done
done

python3 - "$WORK/rows" <<'FIT'
import sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
x = [1 / group for _, _, group, _ in rows]
y = [cpu for _, _, _, cpu in rows]
n = len(x)
mx, my = sum(x) / n, sum(y) / n
sxx = sum((a - mx) ** 2 for a in x)
if n < 3 or sxx == 0:
    sys.exit("group-cost: a fit needs at least three rows with different group sizes")
per_group = sum((a - mx) * (b - my) for a, b in zip(x, y)) / sxx
per_request = my - per_group * mx
residual = (sum((b - per_request - per_group * a) ** 2 for a, b in zip(x, y)) / (n - 2)) ** 0.5
print(f"  fit over {n} rows: CPU per request = {per_request:.1f} us + {per_group:.0f} us / group size"
      f" (rows scatter {residual:.1f} us around it)")
print(f"  with unbounded groups the gateway would still spend {per_request:.1f} us per request;"
      f" at 50 connections' groups of ~15 it spends {per_request + per_group / 15:.1f}")
FIT
