#!/usr/bin/env bash
# Crash-consistency harness, long form (reliability issue): SIGKILLs `klikt`
# at random moments during import, pull, push and export, ROUNDS times per job
# (default 100), restarting each time and checking the library after every
# kill (crates/klikt-cli/tests/crash.rs says what is checked). Release build;
# pull and push run against the in-process reference server with the real
# keyring, so the run happens in a private D-Bus session.
#
#   bench/crash_harness.sh [ROUNDS]        KLIKT_CRASH_SEED=N repeats a run
#
# Output: the per-job lines "crash harness: JOB: N kills survived" and the
# seeds, also in bench/out/crash/report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-100}
OUT=bench/out/crash
mkdir -p "$OUT"
export KLIKT_CRASH_ROUNDS=$ROUNDS
dbus-run-session -- bash -c '
  keyrings=$(mktemp -d)
  printf "\n" | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --components=secrets --daemonize --unlock >/dev/null
  exec cargo test --release -p klikt-cli --test crash -- --nocapture --test-threads=1' 2>&1 |
  tee "$OUT/log.txt" | grep --line-buffered -E "crash harness|test result|panicked|FAILED"
grep -E "crash harness|test result" "$OUT/log.txt" >"$OUT/report.txt"
