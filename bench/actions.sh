#!/usr/bin/env bash
# End to end: signed webhooks in, Grow CRM contacts created on the simulator, measured from the
# first request to the last action recorded as succeeded. Beside it, the connector's own
# ceiling (URLSession, no gateway around it) at the same concurrency.
# Usage: bench/actions.sh [events] [connections]
source "$(dirname "$0")/lib.sh"
EVENTS=${1:-4000}
CONNECTIONS=${2:-50}
bench_workspace bench-actions

(cd "$ROOT" && swift build -c release --product gatehouse 2>&1 | tail -1 && swift build -c release --product connector-bench 2>&1 | tail -1)
BIN="$ROOT/.build/release/gatehouse"

CEILING=$("$ROOT/.build/release/connector-bench" 3000 4)

SECRET=$(bench_secret)
mkdir -p "$WORK/routes" "$WORK/data"
cat > "$WORK/routes/bench.json" <<JSON
{"verify": {"scheme": "svix", "secrets": [{"env": "BENCH_SECRET"}]}, "event": {"type": "event_type"},
 "rules": [{"name": "crm", "when": {"type": "client.client_contact.created"},
   "actions": [{"name": "c", "api": "growcrm", "operation": "create_contact",
     "body": {"first_name": "{{ data.object.first_name }}", "last_name": "{{ data.object.last_name }}",
              "email": "{{ data.object.email }}", "clientid": 1}}]}]}
JSON
python3 "$ROOT/bench/make_signed_requests.py" "$SECRET" "$EVENTS" "$WORK/requests.tsv"
BENCH_SECRET="$SECRET" "$BIN" serve --listen 127.0.0.1:18082 --data "$WORK/data" --routes "$WORK/routes" 2>"$WORK/gatehouse.log" &
wait_for_port 18082

succeeded() { curl -s http://127.0.0.1:18082/status | python3 -c 'import json,sys; print(json.load(sys.stdin).get("apis",{}).get("growcrm",{}).get("succeeded",0))'; }
START=$(date +%s.%N)
read -r ACCEPTED _ < <(python3 "$ROOT/bench/post_signed_requests.py" "$WORK/requests.tsv" 18082 "$CONNECTIONS")
INGEST_END=$(date +%s.%N)
for _ in $(seq 1 600); do
  [ "$(succeeded)" -ge "$ACCEPTED" ] && break
  sleep 0.1
done
END=$(date +%s.%N)
DONE=$(succeeded)
kill -TERM %1 2>/dev/null || true

echo "actions benchmark: $(date -u +%F) $(nproc) cores, ${ACCEPTED} events accepted over ${CONNECTIONS} connections (Python client, each event once), one Grow CRM create each"
awk -v a="$ACCEPTED" -v d="$DONE" -v s="$START" -v i="$INGEST_END" -v e="$END" 'BEGIN {
  printf "  ingest (durable acceptance)      %8.0f events/s\n", a / (i - s)
  printf "  end to end (accepted -> created) %8.0f events/s  (%d of %d actions succeeded in %.2f s)\n", d / (e - s), d, a, e - s }'
echo "  $CEILING"
echo "  connectors: concurrency 4 per API (apis.<name>.concurrency), URLSession over libcurl"
