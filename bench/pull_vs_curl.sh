#!/usr/bin/env bash
# Benchmark: `klikt pull` of an event from the reference server on loopback vs
# `curl --parallel` fetching the same original URLs with the same token and
# the same concurrency, side by side in one run (alternating rounds, see
# bench/rounds.py).
#
#   bench/pull_vs_curl.sh [COUNT]     (default 400 files, ~690 MB)
#
#   ROUNDS=3   timed rounds after one warm-up round
#   JOBS=6     concurrent downloads: `klikt pull --jobs`, `curl --parallel-max`
#   CAP_RATES="400mbit 1gbit"   also measure over links capped at these rates
#              (tc syntax; needs root: the server runs in a network namespace
#              behind a veth pair shaped with `tc tbf`, which both tools share)
#
# Four commands per round, each into an empty output:
#   klikt pull       downloads every original (SHA-256 verified, fsync'd into
#                    the store), renders a 512 px thumbnail and a ~2048 px
#                    display rendition of each, and commits the SQLite rows;
#                    it also reads the event's change feed first.
#   curl             only downloads the originals to files.
#   curl + sha256sum the same, then verifies every file against the feed's
#                    SHA-256 (one `sha256sum -c` per core).
#   klikt import     the same files from local disk into an empty library:
#                    the pull's hashing, rendering and database work without
#                    the network (what the pull cannot go below).
#
# Needs curl, dbus-run-session and gnome-keyring-daemon (klikt keeps its
# tokens only in the OS keyring): the script re-runs itself in a private D-Bus
# session with a throwaway keyring. Output under bench/out/pull/; the tables
# in bench/out/pull/pull_vs_curl.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

for tool in curl sha256sum dbus-run-session gnome-keyring-daemon dbus-send python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
if [[ -z "${KLIKT_BENCH_IN_SESSION:-}" ]]; then
  export KLIKT_BENCH_IN_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

COUNT=${1:-400}
JOBS=${JOBS:-6}
ROUNDS=${ROUNDS:-3}
CORPUS="$ROOT/../shared/corpus"
OUT="$ROOT/bench/out/pull"
EMAIL=bench@example.com
PASSWORD=bench-password-123

cargo build --release -p klikt-cli -p klikt-server
rm -rf "$OUT" && mkdir -p "$OUT/bin" "$OUT/keyring"
# Own copies: a rebuild of target/ during the run cannot change what is measured.
cp target/release/klikt target/release/klikt-server "$OUT/bin/"
KLIKT="$OUT/bin/klikt"
SERVER="$OUT/bin/klikt-server"

PIDS=()
NETNS=
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$NETNS" ]]; then ip netns del "$NETNS" 2>/dev/null || true; ip link del kbh$$ 2>/dev/null || true; fi
}
trap cleanup EXIT

# A throwaway keyring in this D-Bus session.
printf '\n' | XDG_DATA_HOME="$OUT/keyring" gnome-keyring-daemon --foreground --components=secrets --unlock \
  >"$OUT/keyring.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
  sleep 0.1
done

python3 bench/make_phone_set.py "$CORPUS" "$OUT/set" "$COUNT"
SET_BYTES=$(du -sb "$OUT/set" | cut -f1)

"$SERVER" seed --data "$OUT/server" --email "$EMAIL" --password "$PASSWORD" \
  --event "Pull bench" --from "$OUT/set" >"$OUT/seed.log" 2>&1
EVENT=$(awk 'END { print $NF }' "$OUT/seed.log")
# Starts a server on the same data at $1 (ADDR:0), with $2 as a command
# prefix (e.g. `ip netns exec NS`); sets URL and appends its PID to PIDS.
start_server() {
  local log="$OUT/server-${#PIDS[@]}.log"
  # Access tokens outlive the run, so neither side refreshes mid-round.
  $2 "$SERVER" serve --data "$OUT/server" --listen "$1" --access-ttl-secs 86400 >"$log" 2>&1 &
  PIDS+=($!)
  URL=
  for _ in $(seq 100); do
    URL=$(grep -o 'http://[0-9.:]*' "$log" 2>/dev/null || true)
    [[ -n "$URL" ]] && break
    sleep 0.1
  done
  [[ -n "$URL" ]] || { echo "the server did not start:" >&2; cat "$log" >&2; exit 1; }
}

# Measures both tools against the server at $1; $2 names the link, $3 the
# output files, $4 is 1 to include `klikt import`.
measure() {
  local url=$1 link=$2 name=$3 with_import=$4 dir="$OUT/$3"
  mkdir -p "$dir"
  # klikt: sign in once into a template library; every round starts from a
  # copy (signed in, no events, no media). The tokens stay in the keyring.
  printf '%s\n' "$PASSWORD" | "$KLIKT" --library "$dir/template" login --server "$url" --email "$EMAIL" --password-stdin
  # curl: a token of the same account and the URLs of the same originals.
  python3 bench/pull_urls.py "$url" "$EMAIL" "$PASSWORD" "$EVENT" "$OUT/curl" "$dir/urls" "$(nproc)"

  local prepare="rm -rf $OUT/lib $OUT/curl && cp -a $dir/template $OUT/lib && mkdir -p $OUT/curl && sync"
  local pull_cmd="$KLIKT --library $OUT/lib pull $EVENT --jobs $JOBS"
  local curl_cmd="curl -sS --parallel --parallel-max $JOBS -K $dir/urls/curl.cfg"
  local verify_cmd="ls $dir/urls/sha256.* | xargs -P $(nproc) -n 1 sha256sum -c --quiet"
  local import_cmd="$KLIKT --library $OUT/lib import $OUT/set --event bench"

  # One checked run of each before timing: everything arrives, intact.
  eval "$prepare"
  $pull_cmd --json >"$dir/pull_report.json"
  python3 - "$dir/pull_report.json" "$COUNT" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["downloaded"] == int(sys.argv[2]) and not report["failed"], report
EOF
  eval "$prepare"
  eval "$curl_cmd && $verify_cmd"
  [[ $(ls "$OUT/curl" | wc -l) -eq $COUNT ]] || { echo "curl did not fetch $COUNT files" >&2; exit 1; }

  local extra=()
  [[ $with_import == 1 ]] && extra=("klikt import (same files, no network)" "$import_cmd")
  echo "### $link"
  python3 bench/rounds.py "$ROUNDS" "$prepare" "curl" "$dir/result.json" \
    "klikt pull" "$pull_cmd" \
    "curl" "$curl_cmd" \
    "curl + sha256sum" "$curl_cmd && $verify_cmd" \
    "${extra[@]}"
  echo
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock || echo ' (crates/ modified)')"
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "kernel: $(uname -r)"
  echo "curl: $(curl --version | head -1 | cut -d' ' -f1-2)"
  echo "set: $COUNT files, $SET_BYTES bytes; jobs: $JOBS; rounds: $ROUNDS"
} | tee "$OUT/machine.txt"

start_server 127.0.0.1:0 ""
measure "$URL" "loopback" loopback 1 | tee "$OUT/pull_vs_curl.md"

# The same over a link capped at each of CAP_RATES: the server runs in its own
# network namespace behind a veth pair whose server-side end is shaped with
# `tc tbf`, so both tools share exactly the same bandwidth.
if [[ -n "${CAP_RATES:-}" ]]; then
  NETNS=kliktbench$$
  ip netns add "$NETNS"
  ip link add kbh$$ type veth peer name kbs$$
  ip link set kbs$$ netns "$NETNS"
  ip addr add 10.77.0.1/24 dev kbh$$
  ip link set kbh$$ up
  ip netns exec "$NETNS" ip addr add 10.77.0.2/24 dev kbs$$
  ip netns exec "$NETNS" ip link set kbs$$ up
  ip netns exec "$NETNS" ip link set lo up
  start_server 10.77.0.2:0 "ip netns exec $NETNS"
  for rate in $CAP_RATES; do
    ip netns exec "$NETNS" tc qdisc replace dev kbs$$ root tbf rate "$rate" burst 512kb latency 100ms
    measure "$URL" "link capped at $rate (tc tbf on a veth pair)" "cap-$rate" 0 | tee -a "$OUT/pull_vs_curl.md"
  done
fi
