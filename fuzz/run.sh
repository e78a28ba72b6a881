#!/usr/bin/env bash
# Runs every cargo fuzz target for SECONDS each (default 20: the short CI
# run; docs/reliability.md gives the long run). Installs a nightly toolchain
# and cargo-fuzz when missing. Seeds: the photo corpus for `import`.
#
#   fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-20}
if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
mkdir -p corpus/import corpus/export_names corpus/wire_json artifacts
# Real photos (and broken ones) as the import target's starting points.
if [ -d ../../shared/corpus/jpg ]; then
  find ../../shared/corpus/jpg -type f -size -2M \( -name '*.jpg' -o -name '*.jpeg' \) -exec cp -n {} corpus/import/ \; 2>/dev/null || true
fi
printf '../../x\0CON.jpg\0a/b\0{uploader}_{seq}.{ext}' >corpus/export_names/hostile
printf '{"id":"evt_1","name":"x"}' >corpus/wire_json/event
for target in import export_names wire_json; do
  echo "== fuzzing $target for ${SECONDS_EACH}s" >&2
  log="artifacts/$target.log"
  # Exits non-zero on a finding (a crash, a leak, a timeout, memory past the cap).
  if ! cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -max_len=4194304 \
    -print_final_stats=1 >"$log" 2>&1; then
    tail -60 "$log" >&2
    echo "fuzz target $target failed: see fuzz/$log and fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" | sed "s/^/  $target: /" >&2
done
