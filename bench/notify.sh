#!/usr/bin/env bash
# Outbound notification throughput against the same loopback sink wrk measures: nginx
# `return 200`. Each round runs wrk (POSTs of the same ~300-byte JSON body, 2 threads, 50
# connections, SECONDS s), then `notify-bench` (release build): COUNT notifications published
# to one subscriber with CONCURRENCY keep-alive connections and delivered, signed, with every
# delivery event encoded and folded by an in-memory journal as the gateway's log would.
# Rounds alternate so both see the same machine; the median ratio is the figure.
# Usage: bench/notify.sh [seconds] [count] [concurrency] [rounds]
source "$(dirname "$0")/lib.sh"
DURATION=${1:-5}
COUNT=${2:-150000}
CONCURRENCY=${3:-8}
ROUNDS=${4:-3}
bench_workspace notify-bench
PORT=${PORT:-18091}

ensure_packages wrk nginx-light
(cd "$ROOT" && swift build -c release --product notify-bench 2>&1 | tail -1)
BIN="$ROOT/.build/release/notify-bench"

start_nginx "$WORK" $PORT
wait_for_port "$PORT"

cat > "$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"type":"action.succeeded","timestamp":"2025-11-24T16:00:00.000Z","data":{"action":"create_contact","event_id":"msg_2Lh7Vk3bQk9sXw0aPqR1","result":{"email":"ada@example.com","id":48213},"route":"yunojuno","rule":"new-contact-to-growcrm","source":"yunojuno"}}'
LUA

echo "notify benchmark: $(date -u +%F) $(nproc) cores, nginx return 200 on 127.0.0.1:$PORT, $ROUNDS rounds"
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  wrk -t2 -c50 -d"${DURATION}s" -s "$WORK/post.lua" "http://127.0.0.1:$PORT/hook" > "$WORK/wrk.txt"
  read -r WRK_RPS _ _ < <(parse_wrk < "$WORK/wrk.txt")
  "$BIN" --url "http://127.0.0.1:$PORT/hook" --count "$COUNT" --concurrency "$CONCURRENCY" \
    > "$WORK/notify.txt" 2> "$WORK/notify-err.txt" || { cat "$WORK/notify-err.txt" >&2; exit 1; }
  LINE=$(cat "$WORK/notify.txt")
  RATE=$(sed -n 's/.* rate=\([0-9]*\).*/\1/p' <<< "$LINE")
  DELIVERED=$(sed -n 's/^deliveries=\([0-9]*\).*/\1/p' <<< "$LINE")
  FAILED=$(sed -n 's/.* failures=\([0-9]*\).*/\1/p' <<< "$LINE")
  RATIO=$(awk -v a="$RATE" -v b="$WRK_RPS" 'BEGIN{printf "%.3f", a/b}')
  RATIOS+=("$RATIO")
  printf "  round %d: wrk -t2 -c50 %ss %8.0f req/s | notifier %s/%s delivered, %s conns %7.0f/s (failed attempts %s) | ratio %.2f\n" \
    "$round" "$DURATION" "$WRK_RPS" "$DELIVERED" "$COUNT" "$CONCURRENCY" "$RATE" "$FAILED" "$RATIO"
done
MEDIAN=$(printf "%s\n" "${RATIOS[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
printf "  median ratio notifier/wrk: %.2f   (target >= 0.25)\n" "$MEDIAN"
