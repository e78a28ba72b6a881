#!/usr/bin/env bash
# Regenerates every app icon from the one source, icons/klikt.svg, with the
# Tauri CLI (PNG sizes for Linux, icon.ico for Windows, icon.icns for macOS).
# The Android/iOS sets it also makes are dropped: Klikt is desktop-only.
#   packaging/icons.sh        (needs `npm --prefix ui ci` first)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npx --prefix ui tauri icon icons/klikt.svg -o "$work" >/dev/null
rm -rf "$work/android" "$work/ios"
find icons -maxdepth 1 -type f ! -name klikt.svg -delete
cp "$work"/* icons/
ls icons
