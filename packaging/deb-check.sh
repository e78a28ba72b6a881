#!/usr/bin/env bash
# Builds the .deb and .rpm with the Tauri bundler, installs the .deb on this machine with
# dpkg -i, then runs what it installed: `klikt
# --version`, and the desktop app once under Xvfb in a private D-Bus session
# with an empty library (it must open its window and keep running). The
# package is removed again at the end.
#
#   packaging/deb-check.sh          (as root or with sudo; ./dev test runs it)
#
# Cold: ~10 minutes on 2 cores (a release build); warm: ~1 minute.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

log "release build of the CLI (shipped in the package as /usr/bin/klikt)"
cargo build --release -p klikt-cli
if [ "$TARGET_DIR" != "$ROOT/target" ]; then
  # tauri.conf.json names ../target/release/klikt.
  mkdir -p "$ROOT/target/release"
  cp "$TARGET_DIR/release/klikt" "$ROOT/target/release/klikt"
fi

log "bundling the .deb and the .rpm (tauri build)"
(cd src-tauri && npx --prefix ../ui tauri build --bundles deb,rpm)
DEB=$(ls -t "$TARGET_DIR"/release/bundle/deb/*.deb | head -1)
ls "$TARGET_DIR"/release/bundle/rpm/*.rpm >&2
log "installing $DEB (dpkg -i)"
# dpkg -i is how the issue asks CI to install it; ./dev deps has put the
# package's dependencies in place already, and should one be missing,
# apt-get -f brings it and dpkg finishes configuring the package.
if ! as_root env DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >/dev/null; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >/dev/null
fi
dpkg -s klikt | grep -q '^Status: install ok installed'
trap 'as_root dpkg -r klikt >/dev/null 2>&1 || true' EXIT

log "what the package installed"
dpkg -L klikt | grep -E 'bin/|\.desktop$|metainfo|icons/hicolor/128x128' >&2
klikt --version
test -x /usr/bin/klikt-desktop
grep -q '^Exec=klikt-desktop' /usr/share/applications/Klikt.desktop
test -f /usr/share/metainfo/app.klikt.desktop.metainfo.xml

log "running the installed app once under Xvfb"
WORK=$(mktemp -d)
exec {DISPLAY_FD}<> <(:)
Xvfb -displayfd "$DISPLAY_FD" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB=$!
read -r -t 10 -u "$DISPLAY_FD" DISPLAY_NUM
exec {DISPLAY_FD}<&-
HOME=$WORK/home DISPLAY=:$DISPLAY_NUM setsid dbus-run-session -- \
  /usr/bin/klikt-desktop --library "$WORK/library" >"$WORK/app.log" 2>&1 &
APP=$!
ok=0
for _ in $(seq 60); do
  sleep 0.5
  kill -0 "$APP" 2>/dev/null || break
  # The window is up once the library it was told to use exists and the
  # X server has a Klikt window.
  if [ -f "$WORK/library/library.db" ] && DISPLAY=:$DISPLAY_NUM xwininfo -root -tree 2>/dev/null | grep -q '"Klikt"'; then
    ok=1
    break
  fi
done
if [ "$ok" = 1 ]; then sleep 2; kill -0 "$APP" 2>/dev/null || ok=0; fi
kill -TERM -- "-$APP" 2>/dev/null || true
kill "$XVFB" 2>/dev/null || true
if [ "$ok" != 1 ]; then
  echo "the installed app did not open its window:" >&2
  cat "$WORK/app.log" >&2
  exit 1
fi
rm -rf "$WORK"
log "the installed package works"
