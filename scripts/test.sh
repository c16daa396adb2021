#!/usr/bin/env bash
# Builds and runs every test: unit, socket-level, and the SIGKILL crash tests of the real
# binary; then a CI-sized crash drill (4 rounds of SIGKILL under load against simulators in
# their own process, about 30 s, on the debug build just made).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build --product gatehouse
swift test "$@"
DRILL_BUILD=debug scripts/chaos-kill.sh 4 5
