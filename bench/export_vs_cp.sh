#!/usr/bin/env bash
# Benchmark: `klikt export` of an event's originals to a folder vs `cp -r`, and
# to a ZIP vs `zip -0 -r -q`, over the same files, all in one run
# (alternating rounds, see bench/rounds.py). Issue 7's targets: folder
# ≤ 1.2× `cp -r`, ZIP ≤ 1.1× `zip -0 -r -q`, on ≥ 1,000 originals.
#
#   bench/export_vs_cp.sh [COUNT]      (default 1000 files, ~1.7 GB)
#
#   ROUNDS=7      timed rounds after one warm-up round (at least 5)
#   MAX_LOAD=1.5  before the rounds, wait (at most WAIT_MAX=1800 s) until the
#                 1-minute load average is below this (the machine is shared)
#
# The set is COUNT distinct phone JPEGs (bench/make_phone_set.py: 8–9 MP
# corpus photos, each copy made unique by a JPEG comment), imported once into
# a throwaway library (`--status approved`). The baselines read that same set
# folder (bench/out/export/set: the same bytes as the library's originals, as
# plain files); klikt reads its store. Every round runs, each into a fresh
# output (everything removed, then `sync`, not timed):
#
#   cp -r                     cp -r SET DEST (no fsync: the data may still
#                             be in the page cache only when cp returns)
#   cp -r && sync             ... then one global `sync` (durable, cheapest way)
#   cp -r + fsync each file   ... then `sync DEST/* DEST`: fsync of every
#                             file and of the folder, klikt's durability
#   klikt export (folder)     klikt export EVENT --to DEST: each original
#                             checked against its row's BLAKE3 (mapped) on
#                             a second thread a few files ahead; per file
#                             io::copy (copy_file_range) to a temp name
#                             and its writeback started (sync_file_range);
#                             one syncfs per 512 MiB batch, then the renames
#                             and folder fsync; then SHA256SUMS and
#                             manifest.json (each fsynced), the export
#                             recorded in the library
#   zip -0 -r -q              zip -0 -r -q OUT.zip SET (CRC-32, no fsync)
#   zip -0 + fsync archive    ... then `sync OUT.zip OUTDIR` (klikt's durability)
#   klikt export (zip)        klikt export EVENT --to OUT.zip: media stored,
#                             each original SHA-256-checked while streamed,
#                             text deflated, the archive fsynced and renamed
#
# Caches are warm for every command (the 24 GB dev machine holds the set, the
# store and the outputs; the warm-up round reads everything once): both sides
# read from the page cache; nothing is dropped (that needs root and would
# disturb whoever else uses the machine). syncfs and `sync` also wait for
# whatever else is dirty on the filesystem (other people's builds on a shared
# machine): note the load printed before and after the rounds. Output under bench/out/export/: report.md
# (machine, raw table, ratios and verdicts), result.json (every sample).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
COUNT=${1:-1000}
ROUNDS=${ROUNDS:-7}
MAX_LOAD=${MAX_LOAD:-}
WAIT_MAX=${WAIT_MAX:-1800}
CORPUS="$ROOT/../shared/corpus"
OUT="$ROOT/bench/out/export"
EVENT=export-bench

for tool in cp zip unzip sync sha256sum python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install zip unzip)" >&2; exit 1; }
done
(( ROUNDS >= 5 )) || { echo "ROUNDS must be at least 5" >&2; exit 1; }

cargo build --release -p klikt-cli
rm -rf "$OUT" && mkdir -p "$OUT/bin"
# Own copy: a rebuild of target/ during the run cannot change what is measured.
cp target/release/klikt "$OUT/bin/"
KLIKT="$OUT/bin/klikt"
LIB="$OUT/lib"
SET="$OUT/set"
RUN="$OUT/run"

python3 bench/make_phone_set.py "$CORPUS" "$SET" "$COUNT"
SET_BYTES=$(du -sb "$SET" | cut -f1)
"$KLIKT" --library "$LIB" import "$SET" --event "$EVENT" --status approved --json >"$OUT/import.json"
python3 - "$OUT/import.json" "$COUNT" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["imported"] == int(sys.argv[2]) and not report["duplicates"] and not report["rejected"], report
EOF

PREPARE="rm -rf $RUN && mkdir -p $RUN && sync"
CP_CMD="cp -r $SET $RUN/cp"
ZIP_CMD="zip -0 -r -q $RUN/zip.zip $SET"
KLIKT_DIR_CMD="$KLIKT --library $LIB export $EVENT --to $RUN/klikt"
KLIKT_ZIP_CMD="$KLIKT --library $LIB export $EVENT --to $RUN/klikt.zip"

# One checked run of each before timing: the same files on both sides, intact.
eval "$PREPARE"
$KLIKT_DIR_CMD >/dev/null
$KLIKT_ZIP_CMD >/dev/null
eval "$CP_CMD"
eval "$ZIP_CMD"
(cd "$RUN/klikt" && sha256sum -c --quiet SHA256SUMS)
"$KLIKT" --library "$LIB" verify "$RUN/klikt.zip" >/dev/null
unzip -tq "$RUN/klikt.zip" >/dev/null
unzip -tq "$RUN/zip.zip" >/dev/null
# The originals klikt exported are exactly the set's files (same bytes).
diff <(cd "$SET" && sha256sum -- * | cut -d' ' -f1 | sort) \
     <(grep '\.jpg$' "$RUN/klikt/SHA256SUMS" | cut -d' ' -f1 | sort) \
  || { echo "klikt's export does not hold the set's files" >&2; exit 1; }
[[ $(ls "$RUN/cp" | wc -l) -eq $COUNT ]] || { echo "cp did not copy $COUNT files" >&2; exit 1; }

if [[ -n "$MAX_LOAD" ]]; then
  waited=0
  while awk -v max="$MAX_LOAD" '{ exit !($1 >= max) }' /proc/loadavg && (( waited < WAIT_MAX )); do
    sleep 10; waited=$(( waited + 10 ))
  done
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock || echo ' (crates/ modified)')"
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); RAM: $(free -g | awk '/^Mem:/ { print $2 }') GB"
  echo "kernel: $(uname -r); filesystem: $(findmnt -no FSTYPE,OPTIONS -T "$OUT" 2>/dev/null || echo '?')"
  echo "tools: $(cp --version | head -1); $(zip -v | sed -n 2p | sed 's/^ *//' | cut -d' ' -f1-4)"
  echo "set: $COUNT files, $SET_BYTES bytes; rounds: $ROUNDS"
  echo "load before the rounds: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

python3 bench/rounds.py "$ROUNDS" "$PREPARE" "cp -r" "$OUT/result.json" \
  "cp -r" "$CP_CMD" \
  "cp -r && sync" "$CP_CMD && sync" \
  "cp -r + fsync each file" "$CP_CMD && sync $RUN/cp/* $RUN/cp" \
  "klikt export (folder)" "$KLIKT_DIR_CMD" \
  "zip -0 -r -q" "$ZIP_CMD" \
  "zip -0 + fsync archive" "$ZIP_CMD && sync $RUN/zip.zip $RUN" \
  "klikt export (zip)" "$KLIKT_ZIP_CMD" \
  >"$OUT/rounds.md"
echo "load after the rounds: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
rm -rf "$RUN"

python3 - "$OUT/result.json" "$SET_BYTES" >"$OUT/verdict.md" <<'EOF'
import json, statistics, sys
result = json.load(open(sys.argv[1]))
mb = int(sys.argv[2]) / 1e6
med = {name: statistics.median(w for w, _ in samples) for name, samples in result["runs"].items()}
pairs = [
    ("klikt export (folder)", "cp -r", 1.2, "the issue's baseline"),
    ("klikt export (folder)", "cp -r && sync", 1.2, "durable baseline"),
    ("klikt export (folder)", "cp -r + fsync each file", 1.2, "klikt's durability"),
    ("klikt export (zip)", "zip -0 -r -q", 1.1, "the issue's baseline"),
    ("klikt export (zip)", "zip -0 + fsync archive", 1.1, "klikt's durability"),
]
print("| klikt | baseline | klikt (s) | baseline (s) | klikt MB/s | ratio | target | met |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
for klikt, base, target, why in pairs:
    ratio = med[klikt] / med[base]
    print(f"| {klikt} | {base} ({why}) | {med[klikt]:.3f} | {med[base]:.3f} | {mb / med[klikt]:.0f} "
          f"| **{ratio:.2f}×** | ≤ {target}× | {'yes' if ratio <= target else 'NO'} |")
EOF

{
  echo "# klikt export vs cp -r / zip -0 -r -q"
  echo
  sed 's/^/    /' "$OUT/machine.txt"
  echo
  echo "## Every command (medians of $ROUNDS alternating rounds)"
  echo
  cat "$OUT/rounds.md"
  echo
  echo "## Ratios (medians of wall time)"
  echo
  cat "$OUT/verdict.md"
} >"$OUT/report.md"
cat "$OUT/report.md"
