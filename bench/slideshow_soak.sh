#!/usr/bin/env bash
# Soak run and benchmark (slideshow issue): the real slideshow window plays
# SLIDES slides (default 1000) at 1 s each with live mode on (pulling every
# 5 s) from the reference server on loopback; the server is stopped at 40%
# of the run and started again at 60% (the venue's network dies and comes
# back). Measured: how late each slide was shown after it was due
# (`klikt:slide-late`, from the window's own performance marks; target
# ≤ 50 ms), the webview processes' memory (RSS) and the app's and webviews'
# open files, sampled along the run (targets: flat, memory within 10 MB).
#
#   bench/slideshow_soak.sh [SLIDES]
#
# Uses the release app. Needs Xvfb, tauri-driver, WebKitWebDriver,
# dbus-run-session and gnome-keyring (tokens live only in the keyring).
# Output: bench/out/slideshow/{report.md,samples.json,show.png}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SLIDES=${1:-1000}
OUT=$ROOT/bench/out/slideshow
CORPUS=$ROOT/../shared/corpus
WORK=$(mktemp -d "${TMPDIR:-/tmp}/klikt-soak.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

npm --prefix ui run build >/dev/null
cargo build --release -p klikt-desktop --features klikt-desktop/custom-protocol
cargo build --release -p klikt-cli -p klikt-server
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
KLIKT=$ROOT/target/release/klikt
SERVER=$ROOT/target/release/klikt-server
rm -rf "$OUT" && mkdir -p "$OUT" "$WORK/seed" "$WORK/home"

# An event of 24 photos (the corpus' orientation set and camera JPEGs), all approved.
cp "$CORPUS"/jpg/orientation/*.jpg "$WORK/seed/"
find "$CORPUS/jpg" -maxdepth 1 -name '*.jpg' | head -8 | xargs -I{} cp {} "$WORK/seed/"
SEEDED=$("$SERVER" seed --data "$WORK/server" --email soak@example.com --password soak-password-1 \
  --event "Soak" --from "$WORK/seed" --moderation post 2>/dev/null)
EVENT=${SEEDED##* }
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
start_server() {
  setsid "$SERVER" serve --data "$WORK/server" --listen "127.0.0.1:$PORT" >>"$WORK/server.log" 2>&1 &
  echo $! >"$WORK/server.pid"
  for _ in $(seq 100); do grep -q "listening on" "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
}
: >"$WORK/server.log"
start_server

exec {FD}<> <(:)
setsid Xvfb -displayfd "$FD" -screen 0 1280x720x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
PIDS+=("$!")
read -r -t 10 -u "$FD" DISPLAY_NUM
DRIVER_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# The whole app side runs in one D-Bus session with an unlocked keyring: the
# CLI signs in and pulls there first, so the app finds its tokens.
setsid env DISPLAY=":$DISPLAY_NUM" HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share" \
  XDG_CONFIG_HOME="$WORK/home/.config" XDG_CACHE_HOME="$WORK/home/.cache" KLIKT_LIBRARY="$WORK/library" \
  dbus-run-session -- bash -c '
    printf "\n" | gnome-keyring-daemon --components=secrets --daemonize --unlock >/dev/null
    printf "soak-password-1\n" | "$0" login --server "$1" --email soak@example.com --password-stdin >/dev/null
    "$0" pull "$2" >/dev/null
    exec tauri-driver --port "$3" --native-port "$4" --native-driver "$(command -v WebKitWebDriver)"' \
  "$KLIKT" "http://127.0.0.1:$PORT" "$EVENT" "$DRIVER_PORT" "$((DRIVER_PORT + 1))" >"$WORK/driver.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$DRIVER_PORT/status" >/dev/null 2>&1 && break; sleep 0.1; done

SOAK_WEBDRIVER_URL="http://127.0.0.1:$DRIVER_PORT" SOAK_APP="$ROOT/target/release/klikt-desktop" \
  SOAK_SLIDES="$SLIDES" SOAK_OUT="$OUT" SOAK_SERVER_PIDFILE="$WORK/server.pid" \
  SOAK_SERVER_CMD="setsid $SERVER serve --data $WORK/server --listen 127.0.0.1:$PORT" \
  node bench/slideshow_soak.mjs | tee "$OUT/report.md"
