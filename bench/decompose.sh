#!/usr/bin/env bash
# Where the gap to nginx lies. One run, one machine, the same client (wrk, 2 threads, 50
# connections) and the same distinct, Svix-signed 1 KB POSTs against four servers in turn:
#   nginx      `return 200`, the reference;
#   http-404   the gateway answering 404 (the requests name an unknown source): its socket and
#              HTTP layers, the body read, no verification and no log;
#   duplicate  the gateway answering 2,000 signed events over and over: after the first pass each
#              is verified, read and found in the dedupe index, and nothing is logged;
#   no-sync    the gateway doing the whole webhook (verify, dedupe, log, state) with
#              `log.sync: none` (and so no prepared segments);
#   durable    the gateway as accept.sh runs it: fsync on.
# For each, over a steady window (after a warm-up, so the client's start-up reading of its
# request files is left out): the rate, and CPU per request of the server, of the client and of
# the whole machine, read from /proc, and for the gateway its event loops' and log writer's share
# (threads `http-loop-N` and `log-writer`; "other" is everything else, the segment preparer
# among it). Then what a gateway at 0.6x nginx could spend per request
# on this machine, were both cores busy as they are for nginx.
# Usage: bench/decompose.sh [seconds per server, at least 7]
source "$(dirname "$0")/lib.sh"
DURATION=${1:-10}
[ "$DURATION" -ge 7 ] || { echo "decompose: at least 7 seconds per server" >&2; exit 2; }
ROOT=$(bench_root)
WORK=$(mktemp -d /tmp/gatehouse-decompose.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

ensure_packages wrk nginx-light curl
if [ -n "${GATEHOUSE_BIN:-}" ]; then BIN=$GATEHOUSE_BIN; else build_release; BIN="$ROOT/.build/release/gatehouse"; fi

SECRET="whsec_$(head -c 24 /dev/urandom | base64)"
mkdir -p "$WORK/routes" "$WORK/http-404" "$WORK/duplicate" "$WORK/no-sync" "$WORK/durable"
echo '{"verify": {"scheme": "svix", "secrets": [{"env": "BENCH_SECRET"}]}, "event": {"type": "event_type"}}' > "$WORK/routes/bench.json"
echo '{"log": {"sync": "none"}}' > "$WORK/no-sync.json"
COUNT=$((DURATION * 70000))
python3 "$ROOT/bench/make_signed_requests.py" "$SECRET" "$COUNT" "$WORK/hit.tsv" 2 /webhooks/bench
python3 "$ROOT/bench/make_signed_requests.py" "$SECRET" "$COUNT" "$WORK/miss.tsv" 2 /webhooks/unknown
python3 "$ROOT/bench/make_signed_requests.py" "$SECRET" 2000 "$WORK/repeat.tsv" 2 /webhooks/bench
sync

start_nginx "$WORK" 18181 18189
serve() { BENCH_SECRET="$SECRET" "$BIN" serve --listen "127.0.0.1:$1" --data "$WORK/$2" --routes "$WORK/routes" "${@:3}" 2>"$WORK/$2.log" & }
serve 18182 http-404; P404=$!
serve 18185 duplicate; PDUPLICATE=$!
serve 18183 no-sync --config "$WORK/no-sync.json"; PNOSYNC=$!
serve 18184 durable; PDURABLE=$!
for port in 18181 18182 18183 18184 18185 18189; do wait_for_port "$port"; done

ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# A gateway's CPU ticks so far by thread: "loops writer other".
by_thread() {
  for task in /proc/"$1"/task/*; do echo "$(cat "$task/comm") $(awk '{print $14 + $15}' "$task/stat")"; done |
    awk '$1 ~ /^http-loop-/ {l += $2; next} $1 == "log-writer" {w += $2; next} {o += $2} END {print l + 0, w + 0, o + 0}'
}
machine_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
answered() { # requests the server has answered so far
  if [ "$1" = 18181 ]; then curl -s http://127.0.0.1:18189/ | awk 'NR == 3 {print $3}'
  else curl -s "http://127.0.0.1:$1/status" | grep -o '"requests" *: *[0-9]*' | grep -o '[0-9]*$'; fi
}
HZ=$(getconf CLK_TCK)
NGINX_PIDS=$(pgrep -f "nginx: worker process" | tr '\n' ' ')

# measure NAME PORT REQUESTS SERVER_PIDS...: prints "rate server_us client_us machine_us p50 p99
# loops_us writer_us other_us" (the last three 0 for nginx).
measure() {
  local name=$1 port=$2 requests=$3; shift 3
  REQUESTS="$requests" REQUESTS_RAW="$requests.raw" WRK_THREADS=2 \
    wrk -t2 -c50 -d"${DURATION}s" --latency -s "$ROOT/bench/signed_requests.lua" "http://127.0.0.1:$port" \
    > "$WORK/$name.wrk" 2>/dev/null &
  local client=$!
  sleep 2
  local n0 s0 c0 m0 t0 n1 s1 c1 m1 t1 threads0="0 0 0" threads1="0 0 0"
  n0=$(answered "$port"); s0=$(ticks "$@"); c0=$(ticks "$client"); m0=$(machine_busy); t0=$(date +%s.%N)
  [ "$name" = nginx ] || threads0=$(by_thread "$1")
  # The window ends two seconds before the client does: sampling takes a while on a busy machine.
  sleep $((DURATION - 4))
  n1=$(answered "$port"); s1=$(ticks "$@"); c1=$(ticks "$client"); m1=$(machine_busy); t1=$(date +%s.%N)
  [ "$name" = nginx ] || threads1=$(by_thread "$1")
  wait "$client"
  local p50 p99
  read -r _ p50 p99 < <(parse_wrk < "$WORK/$name.wrk")
  awk -v n=$((n1 - n0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v m=$((m1 - m0)) -v t0="$t0" -v t1="$t1" \
      -v hz="$HZ" -v p50="$p50" -v p99="$p99" -v before="$threads0" -v after="$threads1" \
      'BEGIN {us = 1e6 / hz / n; split(before, b, " "); split(after, a, " ")
              printf "%.0f %.1f %.1f %.1f %s %s %.1f %.1f %.1f\n", n / (t1 - t0), s * us, c * us, m * us, p50, p99,
                     (a[1] - b[1]) * us, (a[2] - b[2]) * us, (a[3] - b[3]) * us}'
}

echo "decompose: $(date -u +%F) $(nproc) cores, ${DURATION}s per server (steady window $((DURATION - 4))s), 50 connections, 1 KB Svix-signed POSTs"
printf "  %-9s %8s %5s %6s %6s %7s %7s %7s %6s %6s %6s %8s\n" server "req/s" ratio "p50ms" "p99ms" "server" "client" machine loops writer other "non-2xx"
# A first wrk run on this machine is slower than any after it (nginx measured first answered
# 85-102k, then 105-115k at the end of the same run): the client's requests land in memory the VM
# likely must first get back from the host. A short run, thrown away, pays that before any is measured.
REQUESTS="$WORK/hit.tsv" REQUESTS_RAW="$WORK/hit.tsv.raw" WRK_THREADS=2 \
  wrk -t2 -c50 -d3s -s "$ROOT/bench/signed_requests.lua" http://127.0.0.1:18181 > /dev/null 2>&1
NGINX_RATE=""
for row in "nginx 18181 hit $NGINX_PIDS" "http-404 18182 miss $P404" "duplicate 18185 repeat $PDUPLICATE" \
           "no-sync 18183 hit $PNOSYNC" "durable 18184 hit $PDURABLE"; do
  set -- $row
  name=$1 port=$2 file=$3; shift 3
  if [ "$name" != nginx ] && ! kill -0 "$1" 2>/dev/null; then
    wait "$1" && status=0 || status=$?
    echo "decompose: the $name gateway is gone (exit status $status); its log ends:" >&2
    tail -20 "$WORK/$name.log" >&2
    exit 1
  fi
  read -r rate server client machine p50 p99 loops writer other < <(measure "$name" "$port" "$WORK/$file.tsv" "$@")
  [ -n "$NGINX_RATE" ] || NGINX_RATE=$rate
  [ "$name" = durable ] && DURABLE_CLIENT=$client && DURABLE_OTHER=$(awk -v m="$machine" -v s="$server" -v c="$client" 'BEGIN {print m - s - c}')
  non2xx=$(grep -E "Non-2xx" "$WORK/$name.wrk" | awk '{print $NF}' || true)
  [ "$name" = nginx ] && loops=- writer=- other=-
  printf "  %-9s %8.0f %5.2f %6.2f %6.2f %7.1f %7.1f %7.1f %6s %6s %6s %8s\n" "$name" "$rate" \
    "$(awk -v a="$rate" -v b="$NGINX_RATE" 'BEGIN {print a / b}')" "$p50" "$p99" "$server" "$client" "$machine" \
    "$loops" "$writer" "$other" "${non2xx:-0}"
done
kill -TERM "$P404" "$PDUPLICATE" "$PNOSYNC" "$PDURABLE"; wait "$P404" "$PDUPLICATE" "$PNOSYNC" "$PDURABLE" || true

# Both cores fully busy at 0.6x nginx leave this much per request for everything; take off what
# the client and the rest of the machine spent per request against the durable gateway.
awk -v rate="$NGINX_RATE" -v cores="$(nproc)" -v client="$DURABLE_CLIENT" -v other="$DURABLE_OTHER" 'BEGIN {
  total = cores * 1e6 / (0.6 * rate)
  printf "  at 0.6x nginx (%.0f req/s): %.1f us of CPU per request on %d cores; less the client (%.1f) and the rest (%.1f): %.1f us for the gateway\n",
    0.6 * rate, total, cores, client, other, total - client - other
}'
echo "  CPU in us per request over the window. server: the server's processes (loops, writer, other: the gateway's threads);"
echo "  client: wrk; machine: all CPUs busy (user, nice, system, irq, softirq)"
