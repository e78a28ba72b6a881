#!/usr/bin/env bash
# Benchmark: `klikt import` of phone-size JPEGs vs `vipsthumbnail -s 512` over
# the same files with the same parallelism, side by side in one run
# (alternating rounds, see bench/compare.py).
#
#   bench/import_vs_vips.sh [COUNT]      (default 120 files)
#
# klikt import hashes (SHA-256), reads EXIF, writes the original into the
# store (fsync + rename) and writes TWO renditions (512 px and ~2048 px);
# vipsthumbnail only writes one 512 px thumbnail. Both use all cores: klikt
# through its worker pool, vipsthumbnail as one process per core
# (VIPS_CONCURRENCY=1, xargs -P $(nproc)).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
COUNT=${1:-120}
CORPUS="$ROOT/../shared/corpus"
OUT="$ROOT/bench/out"
JOBS=$(nproc)

command -v vipsthumbnail >/dev/null || { echo "install libvips-tools" >&2; exit 1; }

cargo build --release -p klikt-cli
rm -rf "$OUT" && mkdir -p "$OUT/vips"
python3 bench/make_phone_set.py "$CORPUS" "$OUT/set" "$COUNT"

PER_PROC=$(( (COUNT + JOBS - 1) / JOBS ))
KLIKT_CMD="$ROOT/target/release/klikt --library $OUT/lib import $OUT/set --event bench"
VIPS_CMD="find $OUT/set -name '*.jpg' -print0 | VIPS_CONCURRENCY=1 xargs -0 -P $JOBS -n $PER_PROC vipsthumbnail -s 512 -o $OUT/vips/%s.jpg"

python3 bench/compare.py "${ROUNDS:-7}" \
  "rm -rf $OUT/lib $OUT/vips && mkdir -p $OUT/vips && sync" \
  "klikt import ($COUNT files, $JOBS workers)" "$KLIKT_CMD" \
  "vipsthumbnail -s 512 ($COUNT files, $JOBS processes)" "$VIPS_CMD" \
  "$OUT/import_vs_vips.json" | tee "$OUT/import_vs_vips.md"
