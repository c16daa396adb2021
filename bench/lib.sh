# Shared helpers for the benchmark scripts: installs, builds, waiting for ports.
set -euo pipefail

bench_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# Sets ROOT (the checkout) and WORK (a new folder /tmp/gatehouse-$1.*), and on exit stops the
# calling script's background jobs and removes WORK.
bench_workspace() {
  ROOT=$(bench_root)
  WORK=$(mktemp -d "/tmp/gatehouse-$1.XXXXXX")
  trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
}

# A fresh Svix-style secret for the signed requests a benchmark sends.
bench_secret() { echo "whsec_$(head -c 24 /dev/urandom | base64)"; }

ensure_packages() {
  local need=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
  if [ ${#need[@]} -gt 0 ]; then
    echo "bench: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

build_release() {
  (cd "$(bench_root)" && swift build -c release --product gatehouse 2>&1 | tail -1)
}

# The gateway binary to measure: GATEHOUSE_BIN (another build, for an A/B against an older
# commit, driven by the calling script's client), else this checkout's release build.
gatehouse_bin() {
  if [ -n "${GATEHOUSE_BIN:-}" ]; then echo "$GATEHOUSE_BIN"; else build_release >&2; echo "$(bench_root)/.build/release/gatehouse"; fi
}

# Writes $1/bench.json: the source the signed benchmarks post to, Svix-verified with the secret
# in BENCH_SECRET, the event type read from the body. An hour's tolerance: long runs reach their
# last requests minutes after they were signed.
write_bench_route() {
  mkdir -p "$1"
  echo '{"verify": {"scheme": "svix", "secrets": [{"env": "BENCH_SECRET"}], "tolerance_seconds": 3600}, "event": {"type": "event_type"}}' \
    > "$1/bench.json"
}

wait_for_port() {
  local port=$1
  for _ in $(seq 1 200); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "bench: nothing listening on $port" >&2
  return 1
}

# Prints "requests_per_second p50_ms p99_ms" from wrk --latency output on stdin.
parse_wrk() {
  awk '
    /Requests\/sec:/ { rps=$2 }
    /^ +50%/ { p50=$2 } /^ +99%/ { p99=$2 }
    END {
      printf "%s %s %s\n", rps, ms(p50), ms(p99)
    }
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v/1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v+0 }
      if (v ~ /s$/)  { sub(/s$/, "", v); return v*1000 }
      return v
    }'
}

# Starts nginx answering `return 200` on 127.0.0.1:$2 (config and temp files under $1), in
# the background of the calling script: the reference every benchmark here compares against.
# With $3, nginx also reports its request count (stub_status) on 127.0.0.1:$3.
start_nginx() {
  local work=$1 port=$2 status_server=""
  [ -z "${3:-}" ] || status_server="server { listen 127.0.0.1:$3; location / { stub_status; } }"
  cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  keepalive_requests 10000000;
  server { listen 127.0.0.1:$port reuseport; location / { return 200 "ok\n"; } }
  $status_server
}
CONF
  nginx -c "$work/nginx.conf" -g 'daemon off;' &
}
