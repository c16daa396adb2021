#!/usr/bin/env bash
# Builds and runs every test: unit, socket-level, and the SIGKILL crash test of the real binary.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build --product gatehouse
swift test "$@"
