# Shared by scripts/chaos-kill.sh and scripts/outage-soak.sh (sourced, not run): building,
# the standalone simulators, the gateway child and cleanup. Everything binds 127.0.0.1.
set -euo pipefail

DRILL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DRILL_PY="$DRILL_ROOT/scripts/fault_drill.py"
# release (default) or debug: CI has a debug build already after scripts/test.sh.
DRILL_BUILD=${DRILL_BUILD:-release}
# Builds share two cores with other builds on this machine; one at a time.
DRILL_BUILD_LOCK=${DRILL_BUILD_LOCK:-/tmp/gatehouse-build.lock}

drill_log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
drill_now_ms() { date +%s%3N; }

drill_build() {
  local started; started=$(drill_now_ms)
  local cmd=(swift build -c "$DRILL_BUILD" --product gatehouse)
  if command -v flock >/dev/null 2>&1; then cmd=(flock "$DRILL_BUILD_LOCK" "${cmd[@]}"); fi
  if ! (cd "$DRILL_ROOT" && "${cmd[@]}" >"$WORK/build.log" 2>&1); then
    tail -30 "$WORK/build.log"
    echo "FAIL: build failed" >&2
    exit 2
  fi
  BIN="$DRILL_ROOT/.build/$DRILL_BUILD/gatehouse"
  drill_log "built $BIN ($DRILL_BUILD) in $(( ($(drill_now_ms) - started) / 1000 )) s: $(tail -1 "$WORK/build.log")"
}

# Pids this script started; cleanup signals exactly these, nothing found by name.
SIM_PID=""
SINK_PID=""
GW_PID=""
LOAD_PID=""
DRILL_RESULT=""

drill_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "$LOAD_PID" "$GW_PID" "$SIM_PID" "$SINK_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for pid in "$LOAD_PID" "$GW_PID" "$SIM_PID" "$SINK_PID"; do
    [ -z "$pid" ] && continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
    if [ "$DRILL_RESULT" = "PASS" ] && [ -z "${DRILL_KEEP:-}" ]; then
      rm -rf "$WORK"
    else
      echo "work folder kept for inspection: $WORK (gateway.log, acked.tsv, check-*.json, data/)"
    fi
  fi
  exit "$status"
}

drill_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts `gatehouse simulate` in its own process: it outlives every gateway kill, so what the
# APIs received is counted across all of them.
drill_start_simulators() {
  "$BIN" simulate --listen 127.0.0.1:0 --write-config "$WORK/apis.json" >"$WORK/simulators.out" 2>"$WORK/simulators.err" &
  SIM_PID=$!
  for _ in $(seq 1 200); do
    grep -q '^ready$' "$WORK/simulators.out" 2>/dev/null && break
    kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/simulators.err"; echo "FAIL: simulators did not start" >&2; exit 2; }
    sleep 0.05
  done
  grep -q '^ready$' "$WORK/simulators.out" || { echo "FAIL: simulators not ready" >&2; exit 2; }
  drill_log "simulators (pid $SIM_PID): $(grep -v '^ready$' "$WORK/simulators.out" | tr '\n' ' ')"
}

# A subscriber in its own process (`fault_drill.py sink`), recording every notification it is
# sent to $WORK/sink.tsv; sets SINK_URL and exports the subscriber's signing secret.
drill_start_sink() {
  python3 "$DRILL_PY" sink --out "$WORK/sink.tsv" --port-file "$WORK/sink.port" 2>"$WORK/sink.err" &
  SINK_PID=$!
  for _ in $(seq 1 200); do [ -s "$WORK/sink.port" ] && break; sleep 0.05; done
  [ -s "$WORK/sink.port" ] || { cat "$WORK/sink.err"; echo "FAIL: the subscriber sink did not start" >&2; exit 2; }
  SINK_URL="http://127.0.0.1:$(cat "$WORK/sink.port")/hook"
  DRILL_SUBSCRIBER_SECRET="whsec_$(head -c 24 /dev/urandom | base64)"
  export DRILL_SUBSCRIBER_SECRET
  drill_log "subscriber sink (pid $SINK_PID) on $SINK_URL"
}

# The shipped route files, with their webhook secrets in the environment (dev_secrets off).
drill_prepare_routes() {
  mkdir -p "$WORK/routes" "$WORK/data"
  cp "$DRILL_ROOT"/routes/*.json "$WORK/routes/"
  YUNOJUNO_WEBHOOK_SECRET="whsec_$(head -c 24 /dev/urandom | base64)"
  SIGNUP_FORM_SECRET=$(head -c 24 /dev/urandom | base64)
  export YUNOJUNO_WEBHOOK_SECRET SIGNUP_FORM_SECRET
  PORT=$(drill_free_port)
}

# Starts the gateway on the same data folder and waits for /readyz; sets GW_PID and
# GW_READY_MS (how long the start took, log recovery and fold included).
drill_start_gateway() {
  local started; started=$(drill_now_ms)
  echo "----- start $(date -u +%FT%T.%3NZ)" >>"$WORK/gateway.log"
  GW_LOG_FROM=$(wc -l <"$WORK/gateway.log")
  "$BIN" serve --config "$WORK/config.json" --listen "127.0.0.1:$PORT" --data "$WORK/data" --routes "$WORK/routes" \
    2>>"$WORK/gateway.log" &
  GW_PID=$!
  for _ in $(seq 1 600); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$PORT/readyz" 2>/dev/null)" = "200" ]; then
      GW_READY_MS=$(( $(drill_now_ms) - started ))
      return 0
    fi
    if ! kill -0 "$GW_PID" 2>/dev/null; then
      tail -20 "$WORK/gateway.log"
      echo "FAIL: the gateway exited during start" >&2
      exit 1
    fi
    sleep 0.02
  done
  tail -20 "$WORK/gateway.log"
  echo "FAIL: the gateway was not ready after 12 s" >&2
  exit 1
}

# SIGTERM, then the exit status the drain ends with (0 expected).
drill_stop_gateway() {
  kill -TERM "$GW_PID"
  local status=0
  wait "$GW_PID" || status=$?
  GW_PID=""
  return "$status"
}

drill_rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
