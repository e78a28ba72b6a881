#!/usr/bin/env bash
# Benchmark (desktop-app issue): in the real Klikt window, with an event of
# 10,000 items, how long the grid takes to first paint after the event is
# opened (target ≤ 300 ms), and for a culling key how long from the keydown
# to the decision committed (≤ 5 ms) and to the changed tile painted
# (≤ 16 ms, one frame). The figures are the UI's own performance marks
# (`klikt:open`, `klikt:commit`, `klikt:key-to-visible`), read from the page
# over WebDriver.
#
#   bench/app_grid.sh [N]          (default 10000 items)
#   OPENS=10 KEYS=300              how many opens and key presses to time
#
# Uses the release build of the app (PROFILE=debug for the build the tests
# use), under Xvfb with tauri-driver.
# Output: bench/out/app/{report.md,marks.json,grid.png}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${1:-10000}
OUT=$ROOT/bench/out/app
WORK=$(mktemp -d "${TMPDIR:-/tmp}/klikt-bench-app.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

npm --prefix ui run build >/dev/null
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release -p klikt-desktop --features klikt-desktop/custom-protocol
else
  cargo build -p klikt-desktop --features klikt-desktop/custom-protocol
fi
cargo build --release -p klikt-api --example synth_library
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked

rm -rf "$OUT" && mkdir -p "$OUT"
CORPUS=$ROOT/../shared/corpus
# Real rendition sizes: a thumbnail and a display rendition of a phone photo.
convert "$CORPUS/jpg/orientation/landscape_1.jpg" -resize 400x400 -quality 82 "$WORK/thumb.jpg"
convert "$CORPUS/jpg/orientation/landscape_1.jpg" -resize 2048x2048 -quality 85 "$WORK/display.jpg"
EVENT_ID=$(target/release/examples/synth_library "$WORK/library" "$N" "$WORK/thumb.jpg" "$WORK/display.jpg")
echo "library of $N items (event $EVENT_ID) in $WORK/library" >&2

exec {FD}<> <(:)
setsid Xvfb -displayfd "$FD" -screen 0 1440x900x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
PIDS+=("$!")
read -r -t 10 -u "$FD" DISPLAY_NUM
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
mkdir -p "$WORK/home"
setsid env DISPLAY=":$DISPLAY_NUM" HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share" \
  XDG_CONFIG_HOME="$WORK/home/.config" XDG_CACHE_HOME="$WORK/home/.cache" KLIKT_LIBRARY="$WORK/library" \
  dbus-run-session -- tauri-driver --port "$PORT" --native-port "$((PORT + 1))" \
  --native-driver "$(command -v WebKitWebDriver)" >"$WORK/driver.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/status" >/dev/null 2>&1 && break; sleep 0.1; done

BENCH_WEBDRIVER_URL="http://127.0.0.1:$PORT" BENCH_APP="$ROOT/target/$PROFILE/klikt-desktop" \
  BENCH_EVENT_ID="$EVENT_ID" BENCH_N="$N" BENCH_OUT="$OUT" \
  BENCH_PROFILE="$PROFILE" node bench/app_grid.mjs | tee "$OUT/report.md"
