#!/usr/bin/env bash
# Benchmark (moderation issue): `klikt push` of 10,000 moderation decisions
# to the reference server on loopback (target ≤ 3 s), and the time to commit
# them locally with one `klikt moderate --where`.
#
#   bench/push_10k.sh [COUNT]      (default 10000 decisions)
#
#   ROUNDS=3   timed rounds; each round hides every item, then pushes, then
#              approves every item, then pushes (two pushes per round)
#
# The event is seeded with COUNT tiny JPEGs (a 2 KB corpus photo made unique
# with a JPEG comment) and pulled once (not timed). Each push sends its
# decisions in batches of 500 under idempotency keys and records every
# answer (applied here) in the library. Needs dbus-run-session and
# gnome-keyring-daemon (tokens live only in the OS keyring): the script
# re-runs itself in a private D-Bus session with a throwaway keyring.
# Output under bench/out/push/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if [[ -z "${KLIKT_BENCH_IN_SESSION:-}" ]]; then
  export KLIKT_BENCH_IN_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

COUNT=${1:-10000}
ROUNDS=${ROUNDS:-3}
OUT="$ROOT/bench/out/push"
EMAIL=bench@example.com
PASSWORD=bench-password-123

cargo build --release -p klikt-cli -p klikt-server
rm -rf "$OUT" && mkdir -p "$OUT/bin" "$OUT/keyring" "$OUT/set"
cp target/release/klikt target/release/klikt-server "$OUT/bin/"
KLIKT="$OUT/bin/klikt"
SERVER="$OUT/bin/klikt-server"

SERVER_PID=
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT
printf '\n' | XDG_DATA_HOME="$OUT/keyring" gnome-keyring-daemon --components=secrets --daemonize --unlock >/dev/null

python3 - "$ROOT/../shared/corpus/jpg/Fujifilm_FinePix_E500.jpg" "$OUT/set" "$COUNT" <<'PY'
import pathlib, sys
src, out, n = pathlib.Path(sys.argv[1]).read_bytes(), pathlib.Path(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    c = f"klikt push bench {i}".encode()
    (out / f"{i:05d}.jpg").write_bytes(src[:2] + b"\xff\xfe" + (len(c) + 2).to_bytes(2, "big") + c + src[2:])
PY

EVENT=$("$SERVER" seed --data "$OUT/server" --email "$EMAIL" --password "$PASSWORD" \
  --event "Push bench" --from "$OUT/set" --moderation post | awk 'END {print $NF}')
"$SERVER" serve --data "$OUT/server" --listen 127.0.0.1:0 --access-ttl-secs 86400 > "$OUT/serve.out" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$OUT/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$OUT/serve.out" | head -1)
export KLIKT_LIBRARY="$OUT/library"
printf '%s\n' "$PASSWORD" | "$KLIKT" login --server "$URL" --email "$EMAIL" --password-stdin
"$KLIKT" pull "$EVENT" --jobs 6 >/dev/null

seconds() { python3 -c 'import sys,time; print(f"{time.time():.3f}")'; }
{
  echo "| round | decide ($COUNT, one moderate --where) | push hide (s) | decide back | push approve (s) |"
  echo "| ---: | ---: | ---: | ---: | ---: |"
} > "$OUT/push_10k.md"
for round in $(seq "$ROUNDS"); do
  t0=$(seconds); "$KLIKT" moderate "$EVENT" --hide --where status=approved >/dev/null 2>&1; t1=$(seconds)
  "$KLIKT" push "$EVENT" --json > "$OUT/push_hide_$round.json"; t2=$(seconds)
  "$KLIKT" moderate "$EVENT" --approve --where status=hidden >/dev/null 2>&1; t3=$(seconds)
  "$KLIKT" push "$EVENT" --json > "$OUT/push_approve_$round.json"; t4=$(seconds)
  python3 - "$round" "$t0" "$t1" "$t2" "$t3" "$t4" "$OUT" "$COUNT" >> "$OUT/push_10k.md" <<'PY'
import json, sys
r, t0, t1, t2, t3, t4, out, n = sys.argv[1], *map(float, sys.argv[2:7]), sys.argv[7], int(sys.argv[8])
for kind in ("hide", "approve"):
    rep = json.load(open(f"{out}/push_{kind}_{r}.json"))
    assert rep["applied"] == n, f"push {kind} round {r}: {rep}"
print(f"| {r} | {t1 - t0:.3f} | {t2 - t1:.3f} | {t3 - t2:.3f} | {t4 - t3:.3f} |")
PY
done
nproc > "$OUT/machine.txt"; grep -m1 'model name' /proc/cpuinfo >> "$OUT/machine.txt"
cat "$OUT/push_10k.md"
