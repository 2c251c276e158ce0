#!/usr/bin/env bash
# Crash consistency: the archiver is killed with SIGKILL at every named step of shard
# sealing and the catalog commit (SIMSHARD_CRASH_AT), and at random moments, then re-run.
# After each kill the catalog shows only whole committed documents and loses none that
# were committed before; after the re-run the archive equals one clean run and verifies.
source "$(dirname "$0")/drill_lib.bash"

make_crawl "$SCRATCH/crawl" 600 7
# Small shards and frames so that one run seals several shards of several frames.
layout=()
# Read the whole help first: grep -q stops at its match, and under pipefail the writer's
# SIGPIPE would fail the test.
if "$SIMSHARD" archive --help 2>&1 | grep -c -- '--shard-bytes' >/dev/null; then
  layout=(--shard-bytes 400000 --frame-bytes 32768)
fi
note "clean run"
started=$(date +%s%N)
archive "$SCRATCH/clean" "$SCRATCH/crawl" "${layout[@]}"
clean_us=$(( ($(date +%s%N) - started) / 1000 ))
verify_ok "$SCRATCH/clean"
ids "$SCRATCH/clean" >"$SCRATCH/clean.ids"
[ -s "$SCRATCH/clean.ids" ] || fail "the clean run archived nothing"
note "clean run: $(wc -l <"$SCRATCH/clean.ids") documents in $(ls "$SCRATCH/clean" | grep -c 'jsonl.zst$') shards"

# check_after_kill DIR COMMITTED_BEFORE: only whole documents of the clean run are
# visible, none committed before the kill went missing, and each visible one restores.
check_after_kill() {
  local dir=$1 before=$2
  [ -f "$dir/catalog.sqlite" ] || return 0  # killed before the catalog existed
  ids "$dir" >"$SCRATCH/now.ids"
  [ -z "$(comm -23 "$SCRATCH/now.ids" "$SCRATCH/clean.ids")" ] ||
    fail "after a kill $dir lists documents one clean run does not have"
  [ -z "$(comm -23 "$before" "$SCRATCH/now.ids")" ] ||
    fail "a kill lost documents that were committed before it"
  restore_all "$dir" "$SCRATCH/after-kill.bytes"
  cp "$SCRATCH/now.ids" "$before"
}

# killed_run DIR ENV...: one run that must die by SIGKILL (exit 137); returns 1 if it
# ran to the end instead (the step was not reached again).
killed_run() {
  local dir=$1; shift
  run_status env "$@" "$SIMSHARD" archive --archive "$dir" "$SCRATCH/crawl" "${layout[@]}"
  [ "$status" = 137 ] && return 0
  [ "$status" = 0 ] || [ "$status" = 3 ] || { cat "$SCRATCH/err" >&2; fail "run with $* exited $status"; }
  return 1
}

steps=(mid-frame-write before-index-write before-shard-fsync before-shard-rename
       after-shard-rename before-catalog-commit after-catalog-commit)
for step in "${steps[@]}"; do
  note "SIGKILL at $step"
  dir="$SCRATCH/at-$step"
  : >"$SCRATCH/committed.ids"
  kills=0
  # Kill at the step again on every re-run (up to 4 times: a later shard each time).
  while [ $kills -lt 4 ] && killed_run "$dir" SIMSHARD_CRASH_AT="$step"; do
    kills=$((kills + 1))
    check_after_kill "$dir" "$SCRATCH/committed.ids"
  done
  [ $kills -gt 0 ] || fail "SIMSHARD_CRASH_AT=$step never stopped the run"
  note "killed $kills times; $(wc -l <"$SCRATCH/committed.ids") documents committed before the re-run"
  archive "$dir" "$SCRATCH/crawl" "${layout[@]}"
  [ -z "$(find "$dir" -name '*.tmp')" ] || fail "leftover temp shard after the re-run at $step"
  verify_ok "$dir"
  same_archives "$SCRATCH/clean" "$dir"
done

note "SIGKILL at random moments within a clean run's time (${clean_us} us), four times, then a full run"
RANDOM=4242
dir="$SCRATCH/random"
: >"$SCRATCH/committed.ids"
for attempt in 1 2 3 4; do
  "$SIMSHARD" archive --archive "$dir" "$SCRATCH/crawl" "${layout[@]}" >/dev/null 2>&1 &
  pid=$!
  at_us=$(( (RANDOM * 32768 + RANDOM) % clean_us ))
  sleep "$((at_us / 1000000)).$(printf '%06d' $((at_us % 1000000)))"
  kill -KILL $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  check_after_kill "$dir" "$SCRATCH/committed.ids"
  note "kill $attempt: $(wc -l <"$SCRATCH/committed.ids") documents committed"
done
archive "$dir" "$SCRATCH/crawl" "${layout[@]}"
verify_ok "$dir"
same_archives "$SCRATCH/clean" "$dir"
echo "drill_crash: OK"
