#!/usr/bin/env bash
# One run, one machine: the gateway's signed durable acceptance beside nginx `return 200`,
# adnanh/webhook (HMAC rule, no-op command) and Redis XADD with appendfsync always, 50
# clients each; ratios against the gateway; the gateway's RSS at rest and under load.
# Usage: bench/side-by-side.sh [seconds]
source "$(dirname "$0")/lib.sh"
DURATION=${1:-10}
CONNECTIONS=50
bench_workspace side

ensure_packages wrk nginx-light webhook redis-server redis-tools
build_release
BIN="$ROOT/.build/release/gatehouse"

SECRET=$(bench_secret)
mkdir -p "$WORK/data"
write_bench_route "$WORK/routes"
python3 "$ROOT/bench/make_signed_requests.py" "$SECRET" "$((DURATION * 60000))" "$WORK/requests.tsv"

# nginx
start_nginx "$WORK" 18181

# adnanh/webhook: GitHub-style HMAC over the body, then /bin/true.
HOOK_SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat > "$WORK/hooks.json" <<JSON
[{"id": "bench", "execute-command": "/bin/true", "response-message": "ok",
  "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": "$HOOK_SECRET",
                             "parameter": {"source": "header", "name": "X-Hub-Signature-256"}}}}]
JSON
webhook -hooks "$WORK/hooks.json" -ip 127.0.0.1 -port 18182 >/dev/null 2>&1 &
BODY=$(head -1 "$WORK/requests.tsv" | cut -f4)
SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$HOOK_SECRET" | awk '{print $NF}')
cat > "$WORK/webhook.lua" <<LUA
wrk.method = "POST"
wrk.body = [==[$BODY]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Hub-Signature-256"] = "sha256=$SIG"
LUA

# Redis with every write fsynced before the reply.
redis-server --port 16379 --bind 127.0.0.1 --save "" --appendonly yes --appendfsync always --dir "$WORK" >/dev/null 2>&1 &

BENCH_SECRET="$SECRET" "$BIN" serve --listen 127.0.0.1:18180 --data "$WORK/data" --routes "$WORK/routes" 2>"$WORK/gatehouse.log" &
GH_PID=$!
for p in 18180 18181 18182 16379; do wait_for_port "$p"; done
sleep 1
RSS_REST=$(awk '/VmRSS/ {print $2}' /proc/$GH_PID/status)

signed_wrk() {
  REQUESTS="$WORK/requests.tsv" WRK_THREADS=2 TARGET_PATH=/webhooks/bench \
    wrk -t2 -c$CONNECTIONS -d"${DURATION}s" --latency -s "$ROOT/bench/signed_requests.lua" "http://127.0.0.1:$1"
}
signed_wrk 18181 > "$WORK/nginx.txt"
( sleep $((DURATION / 2)); awk '/VmRSS/ {print $2}' /proc/$GH_PID/status > "$WORK/rss-load" ) &
signed_wrk 18180 > "$WORK/gatehouse.txt"
wrk -t2 -c$CONNECTIONS -d"${DURATION}s" --latency -s "$WORK/webhook.lua" http://127.0.0.1:18182/hooks/bench > "$WORK/webhook.txt"
VALUE=$(head -c 1024 /dev/zero | tr '\0' 'x')
REDIS=$(redis-benchmark -p 16379 -c $CONNECTIONS -n $((DURATION * 5000)) -q XADD benchstream '*' payload "$VALUE" 2>/dev/null | tr '\r' '\n' | grep -Eo '[0-9.]+ requests per second' | tail -1 | awk '{print $1}')
RSS_LOAD=$(cat "$WORK/rss-load" 2>/dev/null || echo "?")

read -r N_RPS N_P50 N_P99 < <(parse_wrk < "$WORK/nginx.txt")
read -r G_RPS G_P50 G_P99 < <(parse_wrk < "$WORK/gatehouse.txt")
read -r W_RPS W_P50 W_P99 < <(parse_wrk < "$WORK/webhook.txt")
echo "side by side: $(date -u +%F) $(nproc) cores, ${DURATION}s each, $CONNECTIONS connections/clients, 1 KB bodies"
printf "  %-38s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n" "gatehouse (Svix verify + fsync'd log)" "$G_RPS" "$G_P50" "$G_P99"
printf "  %-38s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms   gatehouse/nginx %.2f\n" "nginx return 200" "$N_RPS" "$N_P50" "$N_P99" "$(awk -v a=$G_RPS -v b=$N_RPS 'BEGIN{print a/b}')"
printf "  %-38s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms   gatehouse/webhook %.2f\n" "adnanh/webhook (HMAC, /bin/true)" "$W_RPS" "$W_P50" "$W_P99" "$(awk -v a=$G_RPS -v b=$W_RPS 'BEGIN{print a/b}')"
printf "  %-38s %9.0f req/s                                gatehouse/redis %.2f\n" "redis XADD, appendfsync always" "${REDIS:-0}" "$(awk -v a=$G_RPS -v b=${REDIS:-1} 'BEGIN{print a/b}')"
echo "  gatehouse RSS: ${RSS_REST} KiB at rest, ${RSS_LOAD} KiB under load"
