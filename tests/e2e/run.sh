#!/usr/bin/env bash
# End-to-end test of the real Klikt window: tauri-driver + WebKitWebDriver
# drive klikt-desktop under Xvfb against a freshly imported temp library.
#
# What it builds (the window must embed ui/dist, not load devUrl, so the
# `custom-protocol` feature is on; without it tauri-build sets `cfg(dev)`):
#   npm --prefix ui ci && npm --prefix ui run build
#   cargo build -p klikt-cli -p klikt-server -p klikt-desktop --features klikt-desktop/custom-protocol
# (the same feature set as ./dev, so clippy, tests and this share one build).
#
# It also runs the reference server (klikt-server) on a loopback port, seeded
# with an event of corpus photos plus a guest upload whose caption is HTML,
# and a Secret Service (gnome-keyring, unlocked) in the app's D-Bus session,
# so the window can sign in for real.
#
# Needs: apt xvfb xauth webkit2gtk-driver dbus gnome-keyring curl; Node 20+; cargo. Installs
# tauri-driver with `cargo install tauri-driver --locked` when it is missing.
#
# Usage: tests/e2e/run.sh
#   E2E_SKIP_BUILD=1   use the binaries already built
#   KLIKT_CORPUS=DIR   the test corpus (default: <repo>/../shared/corpus)
#   E2E_SUITES="FILE…" run only these suites (default: every tests/e2e/*.test.mjs)
# Takes ~5 s with the binaries built (E2E_SKIP_BUILD=1); the build adds
# seconds when incremental, 4-10 min cold on 2 cores.
# Output: node:test's report; tests/e2e/out/{window,placeholder}.png (always)
# and tests/e2e/out/failures/ (screenshots and logs, when something fails).
set -euo pipefail

ROOT=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
CORPUS=${KLIKT_CORPUS:-$ROOT/../shared/corpus}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$ROOT/tests/e2e/out
ARTIFACTS=$OUT/failures
WORK=$(mktemp -d "${TMPDIR:-/tmp}/klikt-e2e.XXXXXX")
LIB=$WORK/library

log() { printf '\n== %s\n' "$*" >&2; }

BACKGROUND=() # process-group ids of what we started
NODE_PID=""
cleanup() {
  local status=$?
  # Cleaning up must not stop at the first command that fails (errexit).
  set +e
  trap - EXIT
  trap "" INT TERM # finish cleaning up even when signalled again
  if [ -n "$NODE_PID" ]; then kill -TERM "$NODE_PID" 2>/dev/null; fi
  for pgid in "${BACKGROUND[@]}"; do
    kill -TERM -- "-$pgid" 2>/dev/null || true
  done
  for pgid in "${BACKGROUND[@]}"; do
    for _ in $(seq 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    mkdir -p "$ARTIFACTS"
    cp "$WORK"/*.log "$ARTIFACTS"/ 2>/dev/null || true
    echo "e2e FAILED (exit $status); logs and screenshots in $ARTIFACTS" >&2
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts "$@" in its own session (so cleanup can end it with all its
# children: dbus-daemon, WebKitWebDriver, the app) with output to $WORK/$name.log.
start() {
  local name=$1
  shift
  setsid "$@" >"$WORK/$name.log" 2>&1 &
  BACKGROUND+=("$!")
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

for tool in Xvfb dbus-run-session gnome-keyring-daemon WebKitWebDriver node npm cargo curl setsid; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt: xvfb dbus webkit2gtk-driver; Node 20+)" >&2; exit 2; }
done
[ -d "$CORPUS/jpg/orientation" ] || { echo "no corpus at $CORPUS (set KLIKT_CORPUS)" >&2; exit 2; }

if [ "${E2E_SKIP_BUILD:-0}" != 1 ]; then
  log "building ui, klikt-cli and klikt-desktop (embedded frontend)"
  [ -d "$ROOT/ui/node_modules" ] || npm --prefix "$ROOT/ui" ci --no-audit --no-fund
  npm --prefix "$ROOT/ui" run build
  (cd "$ROOT" && cargo build -p klikt-cli -p klikt-server -p klikt-desktop --features klikt-desktop/custom-protocol)
fi
APP=$TARGET_DIR/debug/klikt-desktop
KLIKT=$TARGET_DIR/debug/klikt
KLIKT_SERVER=$TARGET_DIR/debug/klikt-server

if ! command -v tauri-driver >/dev/null; then
  log "installing tauri-driver"
  cargo install tauri-driver --locked
fi

log "importing corpus photos into $LIB"
mkdir -p "$WORK/home" "$OUT" "$ARTIFACTS"
rm -f "$ARTIFACTS"/*
EVENT="E2E Wedding"
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }
# Only the JPEGs: the CLI exits non-zero when it rejects a file (the folder's README).
REPORT=$("$KLIKT" --library "$LIB" import "$CORPUS"/jpg/orientation/*.jpg --event "$EVENT" --json 2>"$WORK/import.log")
EXPECTED=$(json_field imported <<<"$REPORT")
[ "$EXPECTED" -gt 0 ] || { echo "the import brought in nothing: $REPORT" >&2; exit 1; }
# A HEIC photo imported with no HEIF decoder on PATH gets a "no preview"
# placeholder instead of a thumbnail; the placeholder test uses it.
NO_PREVIEW_EVENT=""
HEIC=$CORPUS/heic/IMG_5195.HEIC
if [ -f "$HEIC" ]; then
  REPORT=$(env PATH=/nonexistent "$KLIKT" --library "$LIB" import "$HEIC" --event "E2E No Preview" --json 2>>"$WORK/import.log")
  if [ "$(json_field without_preview <<<"$REPORT")" = 1 ]; then
    NO_PREVIEW_EVENT="E2E No Preview"
  else
    echo "warning: the HEIC photo got a preview without a decoder on PATH; skipping the placeholder test" >&2
  fi
fi

log "seeding and starting the reference server"
SERVER_DATA=$WORK/server
SERVER_EVENT_NAME="E2E Garden Party"
SERVER_EMAIL=organizer@example.com
SERVER_PASSWORD=correct-horse-e2e
XSS_CAPTION='<img src=x onerror=alert(1)>'
mkdir -p "$WORK/seed"
cp "$CORPUS"/jpg/orientation/landscape_{1,2,3,5,6,8}.jpg "$WORK/seed/"
SEEDED=$("$KLIKT_SERVER" seed --data "$SERVER_DATA" --email "$SERVER_EMAIL" --password "$SERVER_PASSWORD" \
  --event "$SERVER_EVENT_NAME" --from "$WORK/seed" --moderation pre 2>"$WORK/seed.log")
SERVER_EVENT=${SEEDED##* }
"$KLIKT_SERVER" simulate upload --data "$SERVER_DATA" --event "$SERVER_EVENT" --uploader "Mallory" \
  --caption "$XSS_CAPTION" "$CORPUS/jpg/orientation/portrait_1.jpg" >>"$WORK/seed.log"
start server "$KLIKT_SERVER" serve --data "$SERVER_DATA" --listen 127.0.0.1:0
# The slideshow suite stops the server mid-show.
echo "${BACKGROUND[-1]}" >"$WORK/server.pid"
SERVER_URL=""
for _ in $(seq 100); do
  # The log may not exist yet (the server's shell opens it): not an error.
  SERVER_URL=$(sed -n 's/^listening on //p' "$WORK/server.log" 2>/dev/null || true)
  [ -n "$SERVER_URL" ] && break
  sleep 0.1
done
[ -n "$SERVER_URL" ] || { echo "the reference server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

log "starting Xvfb, a D-Bus session with an unlocked keyring, and tauri-driver"
exec {DISPLAY_FD}<> <(:)
start xvfb Xvfb -displayfd "$DISPLAY_FD" -screen 0 1440x900x24 -nolisten tcp
read -r -t 10 -u "$DISPLAY_FD" DISPLAY_NUM || { echo "Xvfb did not start" >&2; exit 1; }
exec {DISPLAY_FD}<&-
PORT=$(free_port)
NATIVE_PORT=$(free_port)
start tauri-driver env \
  DISPLAY=":$DISPLAY_NUM" HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" \
  XDG_DATA_HOME="$WORK/home/.local/share" XDG_CACHE_HOME="$WORK/home/.cache" \
  KLIKT_LIBRARY="$LIB" \
  dbus-run-session -- bash -c '
    # An empty line unlocks a new login keyring without a prompt.
    printf "\n" | gnome-keyring-daemon --components=secrets --daemonize --unlock >/dev/null
    exec "$@"' keyring-session \
  tauri-driver --port "$PORT" --native-port "$NATIVE_PORT" \
  --native-driver "$(command -v WebKitWebDriver)"
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/status" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/status" >/dev/null || { echo "tauri-driver did not start" >&2; exit 1; }

log "running the window tests"
E2E_WEBDRIVER_URL="http://127.0.0.1:$PORT" E2E_APP="$APP" E2E_EVENT="$EVENT" \
  E2E_EXPECTED="$EXPECTED" E2E_NO_PREVIEW_EVENT="$NO_PREVIEW_EVENT" \
  E2E_OUT="$OUT" E2E_ARTIFACTS="$ARTIFACTS" \
  E2E_KLIKT="$KLIKT" E2E_LIBRARY="$LIB" E2E_KLIKT_SERVER="$KLIKT_SERVER" \
  E2E_SERVER_URL="$SERVER_URL" E2E_SERVER_DATA="$SERVER_DATA" E2E_SERVER_EVENT="$SERVER_EVENT" \
  E2E_SERVER_EVENT_NAME="$SERVER_EVENT_NAME" E2E_EMAIL="$SERVER_EMAIL" E2E_PASSWORD="$SERVER_PASSWORD" \
  E2E_XSS_CAPTION="$XSS_CAPTION" E2E_CORPUS="$CORPUS" E2E_SERVER_PIDFILE="$WORK/server.pid" \
  node --test --test-concurrency=1 --test-reporter=spec ${E2E_SUITES:-"$ROOT"/tests/e2e/*.test.mjs} &
NODE_PID=$!
# `wait` (unlike a foreground command) lets a TERM/INT trap run at once.
wait "$NODE_PID"
