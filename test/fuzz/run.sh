#!/usr/bin/env bash
# Runs every libFuzzer target of a `make fuzz` build for FUZZ_SECONDS (or FUZZ_RUNS) each, on a corpus
# seeded from samples/ and test/fuzz/regressions/. Exits non-zero when
# any target found a crash, and names the inputs that reproduce it.
#   usage: test/fuzz/run.sh BUILD_DIR [TARGET...]
set -uo pipefail
build=$(cd "${1:?usage: run.sh BUILD_DIR [TARGET...]}" && pwd); shift
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
# FUZZ_RUNS=N runs each target for N inputs from a fixed seed instead of for a time, so a
# run gives the same verdict on every machine (what CI uses); FUZZ_SEED picks the seed.
if [ -n "${FUZZ_RUNS:-}" ]; then
  limit=(-runs="$FUZZ_RUNS" -seed="${FUZZ_SEED:-1}")
else
  limit=(-max_total_time="$seconds")
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(html jsonl warc gzip zstd shard record)
seed_inputs=("$root/samples/crawl")

# Input files under samples/ whose names match one of the globs.
find_inputs() {
  local args=() glob
  for glob in "$@"; do args+=(-o -name "$glob"); done
  find "${seed_inputs[@]}" -type f -size -2M \( "${args[@]:1}" \) 2>/dev/null | sort
}

copy_seeds() {  # copy_seeds DIR GLOB...
  local dir=$1; shift
  find_inputs "$@" | while read -r f; do cp "$f" "$dir/"; done
}

compress_seeds() {  # compress_seeds DIR TOOL GLOB...: compressed copies of plain inputs
  local dir=$1 tool=$2; shift 2
  find_inputs "$@" | head -n 20 | while read -r f; do
    "$tool" -c "$f" > "$dir/$(basename "$f").$tool" 2>/dev/null
  done
}

# Shards and records come from archiving samples/ with the fuzz build's own binary.
archive_seeds() {
  local dir=$1 kind=$2 archive="$build/seed-archive"
  if [ ! -d "$archive" ]; then
    (cd "$root" && SOURCE_DATE_EPOCH=1700000000 "$build/simshard" archive samples/crawl --archive "$archive" >/dev/null 2>&1) || true
  fi
  local shard
  for shard in "$archive"/*.jsonl.zst; do
    [ -f "$shard" ] || continue
    if [ "$kind" = shard ]; then
      cp "$shard" "$dir/"
    else
      zstd -dc "$shard" 2>/dev/null | head -n 200 | split -l 1 - "$dir/$(basename "$shard")."
    fi
  done
}

seed() {  # seed TARGET DIR
  case $1 in
    html)   copy_seeds "$2" '*.html' '*.htm' '*.xhtml' ;;
    jsonl)  copy_seeds "$2" '*.jsonl' '*.ndjson' '*.json' ;;
    warc)   copy_seeds "$2" '*.warc' ;;
    gzip)   copy_seeds "$2" '*.gz'; compress_seeds "$2" gzip '*.jsonl' '*.warc' ;;
    zstd)   copy_seeds "$2" '*.zst'; compress_seeds "$2" zstd '*.jsonl' '*.warc' ;;
    shard)  archive_seeds "$2" shard ;;
    record) archive_seeds "$2" record ;;
  esac
}

failed=()
for target in "${targets[@]}"; do
  binary="$build/fuzz/fuzz_$target"
  if [ ! -x "$binary" ]; then
    echo "fuzz_$target: not built, skipped"
    continue
  fi
  corpus="$build/corpus/$target" artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  seed "$target" "$corpus"
  echo "fuzz_$target: ${limit[*]}, $(find "$corpus" -type f | wc -l) corpus inputs"
  # New inputs go to the first folder (the build's corpus); regressions are only read.
  if ! "$binary" "${limit[@]}" -timeout=30 -rss_limit_mb=3072 -max_len=262144 \
       -print_final_stats=1 -artifact_prefix="$artifacts/" \
       "$corpus" "$root/test/fuzz/regressions/$target" > "$build/fuzz_$target.log" 2>&1; then
    failed+=("$target")
    echo "fuzz_$target: CRASH, see $build/fuzz_$target.log; reproducing inputs:"
    ls "$artifacts"
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/fuzz_$target.log" | tr '\n' ' '
  echo
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]} (copy the inputs into test/fuzz/regressions/<target>/)"
  exit 1
fi
echo "fuzz: no crashes"
