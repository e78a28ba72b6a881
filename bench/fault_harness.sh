#!/usr/bin/env bash
# Network-fault harness, long form (reliability issue): ROUNDS rounds
# (default 100) of pull, moderation and push through the fault-injecting
# proxy (klikt_server::FaultProxy: latency, resets mid-body, lost answers,
# 5xx, 429 with Retry-After, stalled connections), each a fresh reference
# server and library with its own seed; every round must end with every
# original hash-verified and every decision applied exactly once
# (crates/klikt-api/tests/faults.rs). The real keyring holds the session, so
# the run happens in a private D-Bus session.
#
#   bench/fault_harness.sh [ROUNDS]
#
# Output: "fault harness: N rounds, F faults injected in C connections",
# also in bench/out/faults/report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-100}
OUT=bench/out/faults
mkdir -p "$OUT"
export KLIKT_FAULT_ROUNDS=$ROUNDS
dbus-run-session -- bash -c '
  keyrings=$(mktemp -d)
  printf "\n" | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --components=secrets --daemonize --unlock >/dev/null
  exec cargo test --release -p klikt-api --test faults -- --nocapture --test-threads=1' 2>&1 |
  tee "$OUT/log.txt" | grep --line-buffered -E "fault harness|test result|panicked|FAILED"
grep -E "fault harness|test result" "$OUT/log.txt" >"$OUT/report.txt"
