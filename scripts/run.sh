#!/usr/bin/env bash
# Builds and runs the gateway on the embedded default: 127.0.0.1:8080, ./data, ./routes.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build --product gatehouse
exec .build/debug/gatehouse serve "$@"
