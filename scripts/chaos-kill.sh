#!/usr/bin/env bash
# SIGKILL drill: the real `gatehouse serve` under steady signed load, killed at a random
# moment of every round and restarted on the same data folder, while its APIs are slow
# simulators in a separate process (so what they received survives every kill). Afterwards:
# every acknowledged event is in the log exactly once, every job finished, every
# acknowledged contact exists exactly once in Grow CRM and in Luminous, no create was sent
# for a contact that already existed, and a subscriber (another process) was told of every
# acknowledged event under one notification id.
#
# Usage: scripts/chaos-kill.sh [ROUNDS (10)] [SECONDS_PER_ROUND (8)]
# Environment: DRILL_BUILD=debug to use the debug build, CHAOS_RATE (events/s, 20),
# CHAOS_SEED (random), DRILL_KEEP=1 to keep the work folder after a pass.
# Exits 0 on PASS, 1 on FAIL, 2 when the drill itself could not run.
source "$(dirname "$0")/drill-lib.sh"

ROUNDS=${1:-10}
SECONDS_PER_ROUND=${2:-8}
RATE=${CHAOS_RATE:-20}
SEED=${CHAOS_SEED:-$RANDOM}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ && "$SECONDS_PER_ROUND" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [ROUNDS] [SECONDS_PER_ROUND]" >&2; exit 2; }
RANDOM=$SEED
DRILL_STARTED=$(drill_now_ms)

WORK=$(mktemp -d /tmp/gatehouse-chaos.XXXXXX)
trap drill_cleanup EXIT INT TERM
drill_log "chaos-kill: $ROUNDS rounds x $SECONDS_PER_ROUND s, $RATE events/s, seed $SEED, work $WORK"

drill_build
drill_start_simulators
drill_start_sink
drill_prepare_routes
# Waits of 0.2 s, 0.5 s, then 1 s (40 in all, jitter 0.2): nothing is dead-lettered within
# the drill, and retries come soon enough to finish. Timeouts of 1 s sit well above the
# staged delays, so outcomes are unknown only after a kill or a dropped connection. A snapshot
# every 500 records (checked every 5 s) makes most restarts start from one.
python3 "$DRILL_PY" config --apis "$WORK/apis.json" --out "$WORK/config.json" \
  --schedule 0.2,0.5,1 --schedule-length 40 --jitter 0.2 --api-timeout 1 --snapshot-every 500 --subscriber "$SINK_URL" >/dev/null
drill_start_gateway
drill_log "gateway (pid $GW_PID) ready on 127.0.0.1:$PORT in $GW_READY_MS ms"

python3 "$DRILL_PY" load --port "$PORT" --secret "$YUNOJUNO_WEBHOOK_SECRET" --workdir "$WORK" \
  --run "chaos$SEED$$" --stop-file "$WORK/stop" --rate "$RATE" --connections 4 --final-seconds 30 >"$WORK/load.out" 2>&1 &
LOAD_PID=$!

KILLS=0
acked_count() { [ -f "$WORK/acked.tsv" ] && wc -l <"$WORK/acked.tsv" || echo 0; }
for round in $(seq 1 "$ROUNDS"); do
  round_started=$(drill_now_ms)
  # Faults for about twice the creates a round makes, re-staged each round so they never run out.
  python3 "$DRILL_PY" faults --apis "$WORK/apis.json" --plan chaos --seed $((SEED + round)) \
    --creates $((RATE * SECONDS_PER_ROUND * 2)) >"$WORK/faults.out"
  # The kill lands anywhere from 0.3 s into the round to its end.
  window_ms=$((SECONDS_PER_ROUND * 1000 - 300))
  kill_at_ms=$((300 + (RANDOM * 32768 + RANDOM) % window_ms))
  sleep_ms=$((kill_at_ms - ($(drill_now_ms) - round_started)))
  [ "$sleep_ms" -gt 0 ] && sleep "$(printf '%d.%03d' $((sleep_ms / 1000)) $((sleep_ms % 1000)))"
  # What was unfinished a moment before the kill (from /status), as evidence the kill hit work.
  before=$(python3 "$DRILL_PY" open --port "$PORT" 2>/dev/null || echo "status unavailable")
  printf '%s\t%s\n' "$(drill_now_ms)" "$round" >>"$WORK/kills.tsv"
  kill -KILL "$GW_PID"
  wait "$GW_PID" 2>/dev/null || true
  KILLS=$((KILLS + 1))
  killed_after=$(( $(drill_now_ms) - round_started ))
  drill_start_gateway
  # The restart's own account of what the log left open (printed before it listens).
  resumed=$(tail -n "+$GW_LOG_FROM" "$WORK/gateway.log" | grep -o 'resuming work from the log.*' | sed 's/resuming work from the log //' || true)
  drill_log "round $round/$ROUNDS: SIGKILL at $(printf '%d.%03d' $((killed_after / 1000)) $((killed_after % 1000))) s ($before); acknowledged so far $(acked_count); restarted in $GW_READY_MS ms, resumed: ${resumed:-nothing}"
  rest_ms=$((SECONDS_PER_ROUND * 1000 - ($(drill_now_ms) - round_started)))
  [ "$rest_ms" -gt 0 ] && sleep "$(printf '%d.%03d' $((rest_ms / 1000)) $((rest_ms % 1000)))"
done

# Stop new events; the client resends what was never acknowledged (up to 30 s), as a sender would.
touch "$WORK/stop"
wait "$LOAD_PID" || true
LOAD_PID=""
cat "$WORK/load.out"
python3 "$DRILL_PY" faults --apis "$WORK/apis.json" --plan clear >/dev/null

FAILURES=()
drain_started=$(drill_now_ms)
if python3 "$DRILL_PY" wait-drained --port "$PORT" --timeout 120; then
  drill_log "drained $(( ($(drill_now_ms) - drain_started) / 1000 )) s after the load stopped"
else
  FAILURES+=("work did not drain")
fi
python3 "$DRILL_PY" check-live --port "$PORT" --apis "$WORK/apis.json" --workdir "$WORK" || FAILURES+=("live check")

if drill_stop_gateway; then :; else FAILURES+=("gateway exited $? on SIGTERM"); fi
if ! "$BIN" replay --verify --data "$WORK/data" >"$WORK/verify.out" 2>&1; then
  FAILURES+=("replay --verify reported damage")
fi
drill_log "replay --verify: $(head -1 "$WORK/verify.out")"
"$BIN" replay --config "$WORK/config.json" --data "$WORK/data" 2>/dev/null | grep -E '^(events|jobs):' | sed 's/^/  replay: /' || true
python3 "$DRILL_PY" check-log --data "$WORK/data" --workdir "$WORK" || FAILURES+=("log check")
python3 "$DRILL_PY" check-notify --workdir "$WORK" || FAILURES+=("notification check")

ACKED=$(acked_count)
summary=$(python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
live = json.load(open(f"{w}/check-live.json")) if __import__("os").path.exists(f"{w}/check-live.json") else {}
load = json.load(open(f"{w}/load-summary.json"))
d = live.get("duplicates", {})
print(f"sent {load['sent']}, duplicates answered {load['answers'].get('duplicate', 0)}, never acknowledged {len(load['unacknowledged'])}, "
      f"duplicate creates growcrm {d.get('growcrm', '?')} luminous {d.get('luminous', '?')}, "
      f"lookups after unknown outcome that found the record {live.get('lookups_after_unknown_outcome_found', '?')}")
PY
)
ELAPSED=$(( ($(drill_now_ms) - DRILL_STARTED) / 1000 ))
echo
if [ ${#FAILURES[@]} -eq 0 ]; then
  DRILL_RESULT=PASS
  echo "PASS chaos-kill: $ROUNDS rounds, $KILLS SIGKILLs, $ACKED events acknowledged; $summary; ${ELAPSED} s in all"
  exit 0
fi
DRILL_RESULT=FAIL
echo "FAIL chaos-kill: ${FAILURES[*]} — $ROUNDS rounds, $KILLS SIGKILLs, $ACKED events acknowledged; $summary; ${ELAPSED} s in all"
exit 1
