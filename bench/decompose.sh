#!/usr/bin/env bash
# Where the gap to nginx lies. One run, one machine, the same client (wrk, 2 threads, 50
# connections) and Svix-signed 1 KB POSTs against these servers in turn:
#   nginx        `return 200`, the reference (measured again at the end, to show drift);
#   http-404     the gateway answering 404 (the requests name an unknown source): its socket and
#                HTTP layers, the body read, no verification and no log;
#   duplicate    the gateway answering 2,000 signed events over and over: after the first pass
#                each is verified, its JSON read and found in the dedupe index, and nothing is
#                logged (a small, cache-hot index: a lower bound for that work);
#   no-sync      the gateway doing the whole webhook (verify, dedupe, log, state) with
#                `log.sync: none` (and so no prepared segments);
#   durable      the gateway as accept.sh runs it: fsync on.
# For each, over a steady window after a warm-up: the rate; CPU per request of the server, of
# the client and of the whole machine; how many cores were busy and how much time the
# hypervisor took (steal); for the gateway, its CPU by thread: the first thread named
# `http-loop-N` for each loop, the first named `log-writer`, and everything else (the segment
# preparer's dispatch worker among it). Then what a gateway at 0.6x nginx could spend per
# request, were the cores as busy as they were for nginx.
# Usage: bench/decompose.sh [seconds per server, at least 7]
source "$(dirname "$0")/lib.sh"
DURATION=${1:-10}
[ "$DURATION" -ge 7 ] || { echo "decompose: at least 7 seconds per server" >&2; exit 2; }
bench_workspace decompose

ensure_packages wrk nginx-light curl
BIN=$(gatehouse_bin)

SECRET=$(bench_secret)
mkdir -p "$WORK/http-404" "$WORK/duplicate" "$WORK/no-sync" "$WORK/durable"
write_bench_route "$WORK/routes"
echo '{"log": {"sync": "none"}}' > "$WORK/no-sync.json"
# Enough distinct events that none repeats below 100k requests/s (a repeat is a cheap duplicate).
python3 "$ROOT/bench/make_signed_requests.py" "$SECRET" $((DURATION * 100000)) "$WORK/hit.tsv" 2 /webhooks/bench
python3 "$ROOT/bench/make_signed_requests.py" "$SECRET" 20000 "$WORK/miss.tsv" 2 /webhooks/unknown
python3 "$ROOT/bench/make_signed_requests.py" "$SECRET" 2000 "$WORK/repeat.tsv" 2 /webhooks/bench
sync

start_nginx "$WORK" 18181 18189
serve() { BENCH_SECRET="$SECRET" "$BIN" serve --listen "127.0.0.1:$1" --data "$WORK/$2" --routes "$WORK/routes" "${@:3}" 2>"$WORK/$2.log" & }
serve 18182 http-404; P404=$!
serve 18185 duplicate; PDUPLICATE=$!
serve 18183 no-sync --config "$WORK/no-sync.json"; PNOSYNC=$!
serve 18184 durable; PDURABLE=$!
for port in 18181 18182 18183 18184 18185 18189; do wait_for_port "$port"; done
NGINX_PIDS=""
for _ in $(seq 1 100); do
  NGINX_PIDS=$(pgrep -P "$(cat "$WORK/nginx.pid")" | tr '\n' ' ')
  [ "$(echo $NGINX_PIDS | wc -w)" -ge 2 ] && break
  sleep 0.05
done

ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# A gateway's CPU ticks so far by thread: "loops writer other". A thread inherits its creator's
# name, so only the first (lowest) thread of each name counts as that thread.
by_thread() {
  for task in /proc/"$1"/task/*; do echo "${task##*/} $(cat "$task/comm") $(awk '{print $14 + $15}' "$task/stat")"; done |
    sort -n | awk '!seen[$2]++ && $2 ~ /^http-loop-/ {l += $3; next} !seen[$2 "#"]++ && $2 == "log-writer" {w += $3; next}
                   {o += $3} END {print l + 0, w + 0, o + 0}'
}
# All CPUs' ticks so far: "busy steal" (busy: user, nice, system, irq, softirq).
machine() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $9}' /proc/stat; }
answered() { # requests the server has answered so far
  if [ "$1" = 18181 ]; then curl -s --max-time 2 http://127.0.0.1:18189/ | awk 'NR == 3 {print $3}'
  else curl -s --max-time 2 "http://127.0.0.1:$1/status" | grep -o '"requests" *: *[0-9]*' | grep -o '[0-9]*$'; fi
}
HZ=$(getconf CLK_TCK)
# client PORT REQUESTS SECONDS [wrk options...]: the one client every row uses. It execs wrk, so
# run it in the background or in a subshell: the PID it leaves in $! is then wrk's own.
client() {
  REQUESTS="$2" REQUESTS_RAW="$2.raw" WRK_THREADS=2 \
    exec wrk -t2 -c50 -d"$3s" "${@:4}" -s "$ROOT/bench/signed_requests.lua" "http://127.0.0.1:$1"
}

# measure NAME PORT REQUESTS SERVER_PIDS...: prints "rate server_us client_us machine_us p50 p99
# loops_us writer_us other_us busy_cores steal_cores" (the thread split is 0 for nginx).
measure() {
  local name=$1 port=$2 requests=$3; shift 3
  client "$port" "$requests" "$DURATION" --latency > "$WORK/$name.wrk" 2>"$WORK/$name.wrk-errors" &
  local client=$!
  sleep 2
  local n0 s0 c0 m0 t0 n1 s1 c1 m1 t1 threads0="0 0 0" threads1="0 0 0"
  n0=$(answered "$port"); s0=$(ticks "$@"); c0=$(ticks "$client"); m0=$(machine); t0=$(date +%s.%N)
  [ "${name%-again}" = nginx ] || threads0=$(by_thread "$1")
  # The window ends two seconds before the client does: sampling takes a while on a busy machine.
  sleep $((DURATION - 4))
  n1=$(answered "$port"); s1=$(ticks "$@"); c1=$(ticks "$client"); m1=$(machine); t1=$(date +%s.%N)
  [ "${name%-again}" = nginx ] || threads1=$(by_thread "$1")
  wait "$client"
  local p50 p99
  read -r _ p50 p99 < <(parse_wrk < "$WORK/$name.wrk")
  awk -v n=$((n1 - n0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v m0="$m0" -v m1="$m1" -v t0="$t0" -v t1="$t1" \
      -v hz="$HZ" -v p50="$p50" -v p99="$p99" -v before="$threads0" -v after="$threads1" \
      'BEGIN {if (n <= 0) exit 1
              us = 1e6 / hz / n; seconds = t1 - t0
              split(before, b, " "); split(after, a, " "); split(m0, x, " "); split(m1, y, " ")
              printf "%.0f %.1f %.1f %.1f %s %s %.1f %.1f %.1f %.2f %.2f\n", n / seconds, s * us, c * us, (y[1] - x[1]) * us,
                     p50, p99, (a[1] - b[1]) * us, (a[2] - b[2]) * us, (a[3] - b[3]) * us,
                     (y[1] - x[1]) / hz / seconds, (y[2] - x[2]) / hz / seconds}'
}

echo "decompose: $(date -u +%F) $(nproc) cores, ${DURATION}s per server (steady window $((DURATION - 4))s), 50 connections, 1 KB Svix-signed POSTs"
printf "  %-11s %8s %5s %6s %6s %7s %7s %7s %6s %6s %6s %5s %5s %8s\n" server "req/s" ratio "p50ms" "p99ms" \
  server client machine loops writer other busy steal "non-2xx"
# A first wrk run on this machine is slower than any after it (see the nginx-again row of runs
# without this); the client's requests likely land in memory the VM must first get back from the
# host. A short run, thrown away, pays that before any is measured.
if ! (client 18181 "$WORK/hit.tsv" 3) > /dev/null 2>"$WORK/warm-up.err"; then
  echo "decompose: the warm-up run failed:" >&2; cat "$WORK/warm-up.err" >&2; exit 1
fi
NGINX_RATE="" NGINX_BUSY=""
for row in "nginx 18181 hit $NGINX_PIDS" "http-404 18182 miss $P404" "duplicate 18185 repeat $PDUPLICATE" \
           "no-sync 18183 hit $PNOSYNC" "durable 18184 hit $PDURABLE" "nginx-again 18181 hit $NGINX_PIDS"; do
  set -- $row
  name=$1 port=$2 file=$3; shift 3
  if [ "${name%-again}" != nginx ] && ! kill -0 "$1" 2>/dev/null; then
    wait "$1" && status=0 || status=$?
    echo "decompose: the $name gateway is gone (exit status $status); its log ends:" >&2
    tail -20 "$WORK/$name.log" >&2
    exit 1
  fi
  if ! read -r rate server client machine p50 p99 loops writer other busy steal < <(measure "$name" "$port" "$WORK/$file.tsv" "$@"); then
    echo "decompose: measuring $name failed; the client said:" >&2
    cat "$WORK/$name.wrk" "$WORK/$name.wrk-errors" >&2
    exit 1
  fi
  [ -n "$NGINX_RATE" ] || { NGINX_RATE=$rate; NGINX_BUSY=$busy; }
  [ "$name" = durable ] && DURABLE_CLIENT=$client && DURABLE_OTHER=$(awk -v m="$machine" -v s="$server" -v c="$client" 'BEGIN {print m - s - c}')
  non2xx=$(grep -E "Non-2xx" "$WORK/$name.wrk" | awk '{print $NF}' || true)
  [ "${name%-again}" = nginx ] && loops=- writer=- other=-
  printf "  %-11s %8.0f %5.2f %6.2f %6.2f %7.1f %7.1f %7.1f %6s %6s %6s %5.2f %5.2f %8s\n" "$name" "$rate" \
    "$(awk -v a="$rate" -v b="$NGINX_RATE" 'BEGIN {print a / b}')" "$p50" "$p99" "$server" "$client" "$machine" \
    "$loops" "$writer" "$other" "$busy" "$steal" "${non2xx:-0}"
done
kill -TERM "$P404" "$PDUPLICATE" "$PNOSYNC" "$PDURABLE"; wait "$P404" "$PDUPLICATE" "$PNOSYNC" "$PDURABLE" || true

# The cores as busy as nginx kept them, at 0.6x its rate, leave this much CPU per request for
# everything; take off what the client and the rest of the machine spent per request against the
# durable gateway.
awk -v rate="$NGINX_RATE" -v busy="$NGINX_BUSY" -v client="$DURABLE_CLIENT" -v other="$DURABLE_OTHER" 'BEGIN {
  total = busy * 1e6 / (0.6 * rate)
  printf "  at 0.6x nginx (%.0f req/s) with %.2f cores busy: %.1f us of CPU per request; less the client (%.1f) and the rest (%.1f): %.1f us for the gateway\n",
    0.6 * rate, busy, total, client, other, total - client - other
}'
echo "  CPU in us per request over the window. server: the server's processes (for the gateway: loops, writer, other);"
echo "  client: wrk; machine: all CPUs busy (user, nice, system, irq, softirq); busy, steal: cores, averaged over the window"
