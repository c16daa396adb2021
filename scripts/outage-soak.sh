#!/usr/bin/env bash
# Long downstream outage: signed webhooks keep arriving at a steady rate while Grow CRM and
# Luminous (simulators in a separate process) answer 503, and some creates hang past the
# gateway's timeout yet still take effect. Meanwhile the gateway's RSS is sampled. Then the
# faults are cleared and the drill checks that every acknowledged event's actions succeed,
# exactly once, that every retry kept to the (shortened) retry policy, and how long recovery took.
#
# Usage: scripts/outage-soak.sh [MINUTES (10)]
# Environment: SOAK_RATE (events/s, 2), SOAK_WARMUP (healthy seconds first, 15),
# SOAK_SAMPLE_SECONDS (RSS sampling period, 5), DRILL_BUILD=debug, DRILL_KEEP=1.
# Exits 0 on PASS, 1 on FAIL, 2 when the drill itself could not run.
source "$(dirname "$0")/drill-lib.sh"

MINUTES=${1:-10}
RATE=${SOAK_RATE:-2}
WARMUP=${SOAK_WARMUP:-15}
SAMPLE=${SOAK_SAMPLE_SECONDS:-5}
[[ "$MINUTES" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "usage: $0 [MINUTES]" >&2; exit 2; }
OUTAGE_SECONDS=$(python3 -c "print(max(10, int(float('$MINUTES') * 60)))")
# Waits of 1, 2, 4, 8, 16 s, then 30 s (± 20 %), long enough to cover the outage: nothing may
# be dead-lettered, and recovery should follow within the longest wait.
SCHEDULE="1,2,4,8,16,30"
SCHEDULE_LENGTH=$((OUTAGE_SECONDS / 30 + 20))
JITTER=0.2
LONGEST_WAIT=30
API_TIMEOUT=1
# Allowed RSS growth over the outage: a fixed allowance plus a per-event one. The fold keeps
# every job in memory (no retention yet), so some growth per event is expected; retries
# must not add to it without bound.
RSS_FIXED_KIB=${SOAK_RSS_FIXED_KIB:-32768}
RSS_PER_EVENT_KIB=${SOAK_RSS_PER_EVENT_KIB:-64}
DRILL_STARTED=$(drill_now_ms)

WORK=$(mktemp -d /tmp/gatehouse-soak.XXXXXX)
trap drill_cleanup EXIT INT TERM
drill_log "outage-soak: ${OUTAGE_SECONDS} s outage, $RATE events/s, ${WARMUP} s healthy first, work $WORK"

drill_build
drill_start_simulators
drill_prepare_routes
python3 "$DRILL_PY" config --apis "$WORK/apis.json" --out "$WORK/config.json" --schedule "$SCHEDULE" \
  --schedule-length "$SCHEDULE_LENGTH" --jitter "$JITTER" --max-age $((OUTAGE_SECONDS * 4 + 3600)) --api-timeout "$API_TIMEOUT"
drill_start_gateway
drill_log "gateway (pid $GW_PID) ready on 127.0.0.1:$PORT in $GW_READY_MS ms"

python3 "$DRILL_PY" load --port "$PORT" --secret "$YUNOJUNO_WEBHOOK_SECRET" --workdir "$WORK" \
  --run "soak$$" --stop-file "$WORK/stop" --rate "$RATE" --connections 2 --final-seconds 30 >"$WORK/load.out" 2>&1 &
LOAD_PID=$!

acked_count() { [ -f "$WORK/acked.tsv" ] && wc -l <"$WORK/acked.tsv" || echo 0; }
# One sample: time, phase, RSS (KiB), unfinished jobs, events acknowledged so far.
sample() {
  local rss open
  rss=$(drill_rss_kib "$GW_PID")
  open=$(python3 "$DRILL_PY" open --port "$PORT" 2>/dev/null || echo "status unavailable")
  printf '%s\t%s\t%s\t%s\t%s\n' "$(drill_now_ms)" "$1" "$rss" "$open" "$(acked_count)" >>"$WORK/rss.tsv"
  LAST_RSS=$rss
  LAST_OPEN=$open
}

sample warmup
sleep "$WARMUP"
sample warmup
RSS_BEFORE=$LAST_RSS
ACKED_BEFORE=$(acked_count)
drill_log "healthy for ${WARMUP} s: $ACKED_BEFORE events acknowledged, $LAST_OPEN, RSS $((RSS_BEFORE / 1024)) MiB"

python3 "$DRILL_PY" faults --apis "$WORK/apis.json" --plan outage | sed "s/^/$(date +%H:%M:%S) /"
OUTAGE_STARTED=$(drill_now_ms)
next_report=$((OUTAGE_STARTED + 60000))
while [ $(( $(drill_now_ms) - OUTAGE_STARTED )) -lt $((OUTAGE_SECONDS * 1000)) ]; do
  sleep "$SAMPLE"
  python3 "$DRILL_PY" top-up --apis "$WORK/apis.json"
  sample outage
  if [ "$(drill_now_ms)" -ge "$next_report" ]; then
    drill_log "outage $(( ($(drill_now_ms) - OUTAGE_STARTED) / 1000 )) s: $(acked_count) acknowledged, $LAST_OPEN, RSS $((LAST_RSS / 1024)) MiB"
    next_report=$((next_report + 60000))
  fi
done
# The load stops with the outage, so recovery is measured on a fixed backlog.
touch "$WORK/stop"
wait "$LOAD_PID" || true
LOAD_PID=""
cat "$WORK/load.out"
sample outage
RSS_OUTAGE_END=$LAST_RSS
ACKED_TOTAL=$(acked_count)
OUTAGE_EVENTS=$((ACKED_TOTAL - ACKED_BEFORE))
drill_log "outage over after $(( ($(drill_now_ms) - OUTAGE_STARTED) / 1000 )) s: $LAST_OPEN; clearing the faults"

FAILURES=()
python3 "$DRILL_PY" faults --apis "$WORK/apis.json" --plan clear >/dev/null
CLEARED=$(drill_now_ms)
RECOVERED=""
while [ $(( $(drill_now_ms) - CLEARED )) -lt $(( (LONGEST_WAIT * 2 + 120) * 1000 )) ]; do
  sample recovery
  if [[ "$LAST_OPEN" == "pending=0 in_flight=0 retrying=0" ]]; then RECOVERED=$(drill_now_ms); break; fi
  sleep 0.5
done
if [ -n "$RECOVERED" ]; then
  RECOVERY_MS=$((RECOVERED - CLEARED))
  drill_log "recovered: every job finished $((RECOVERY_MS / 1000)).$(printf '%03d' $((RECOVERY_MS % 1000))) s after the faults were cleared"
  # Each job's next try is at most the longest wait (with jitter) away when the APIs return.
  limit_ms=$(python3 -c "print(int(($LONGEST_WAIT * (1 + $JITTER) + 30) * 1000))")
  [ "$RECOVERY_MS" -le "$limit_ms" ] || FAILURES+=("recovery took ${RECOVERY_MS} ms, over ${limit_ms} ms")
else
  RECOVERY_MS=""
  FAILURES+=("work did not finish after the faults were cleared ($LAST_OPEN)")
fi
sample recovered

python3 "$DRILL_PY" wait-drained --port "$PORT" --timeout 5 >/dev/null || true
python3 "$DRILL_PY" check-live --port "$PORT" --apis "$WORK/apis.json" --workdir "$WORK" || FAILURES+=("live check")
python3 "$DRILL_PY" backoff --port "$PORT" --workdir "$WORK" --schedule "$SCHEDULE" --schedule-length "$SCHEDULE_LENGTH" \
  --jitter "$JITTER" --api-timeout "$API_TIMEOUT" || FAILURES+=("retry policy")

if drill_stop_gateway; then :; else FAILURES+=("gateway exited $? on SIGTERM"); fi
"$BIN" replay --verify --data "$WORK/data" >"$WORK/verify.out" 2>&1 || FAILURES+=("replay --verify reported damage")
drill_log "replay --verify: $(head -1 "$WORK/verify.out")"
python3 "$DRILL_PY" check-log --data "$WORK/data" --workdir "$WORK" || FAILURES+=("log check")

# RSS over the whole run, from the samples.
read -r RSS_MIN RSS_MAX RSS_FINAL SAMPLES < <(awk -F'\t' '$3 > 0 { if (min == "" || $3 < min) min = $3; if ($3 > max) max = $3; last = $3; n++ }
  END { print min, max, last, n }' "$WORK/rss.tsv")
GROWTH=$((RSS_OUTAGE_END - RSS_BEFORE))
ALLOWED=$((RSS_FIXED_KIB + RSS_PER_EVENT_KIB * OUTAGE_EVENTS))
PER_EVENT=$(python3 -c "print(round($GROWTH / max(1, $OUTAGE_EVENTS), 1))")
echo "RSS: $SAMPLES samples every ${SAMPLE} s: min $((RSS_MIN / 1024)) MiB, max $((RSS_MAX / 1024)) MiB, final $((RSS_FINAL / 1024)) MiB;" \
  "over the outage $((RSS_BEFORE / 1024)) -> $((RSS_OUTAGE_END / 1024)) MiB (growth $((GROWTH / 1024)) MiB, $PER_EVENT KiB per event acknowledged during it; allowed $((ALLOWED / 1024)) MiB)"
[ "$GROWTH" -le "$ALLOWED" ] || FAILURES+=("RSS grew $((GROWTH / 1024)) MiB over the outage, more than the $((ALLOWED / 1024)) MiB allowed")

ELAPSED=$(( ($(drill_now_ms) - DRILL_STARTED) / 1000 ))
FIGURES="${OUTAGE_SECONDS} s outage, $ACKED_TOTAL events acknowledged ($OUTAGE_EVENTS during the outage), recovery ${RECOVERY_MS:-none} ms, RSS min/max/final $((RSS_MIN / 1024))/$((RSS_MAX / 1024))/$((RSS_FINAL / 1024)) MiB, ${ELAPSED} s in all"
echo
if [ ${#FAILURES[@]} -eq 0 ]; then
  DRILL_RESULT=PASS
  echo "PASS outage-soak: $FIGURES"
  exit 0
fi
DRILL_RESULT=FAIL
echo "FAIL outage-soak: ${FAILURES[*]} — $FIGURES"
exit 1
