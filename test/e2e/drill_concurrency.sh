#!/usr/bin/env bash
# Concurrency: a second writer fails at once with a clear message; readers during a run
# see only committed documents, each of which restores; two runs on different archives
# at the same time do not interfere; a lock held by someone else makes a run fail loudly,
# and the LOCK file cannot be pointed at another file.
source "$(dirname "$0")/drill_lib.bash"

make_crawl "$SCRATCH/big" 3000 21
make_crawl "$SCRATCH/small" 200 22
layout=()
# Read the whole help first: grep -q stops at its match, and under pipefail the writer's
# SIGPIPE would fail the test.
if "$SIMSHARD" archive --help 2>&1 | grep -c -- '--shard-bytes' >/dev/null; then
  layout=(--shard-bytes 1000000 --threads 1)
fi
archive "$SCRATCH/clean-big" "$SCRATCH/big" "${layout[@]}"
archive "$SCRATCH/clean-small" "$SCRATCH/small"
# The nightly case: last night's archive, tonight's run writing into it.
cp -a "$SCRATCH/clean-small" "$SCRATCH/clean-both"
archive "$SCRATCH/clean-both" "$SCRATCH/big" "${layout[@]}"
ids "$SCRATCH/clean-both" >"$SCRATCH/clean-both.ids"

note "a second writer while a run is writing"
dir="$SCRATCH/busy"
cp -a "$SCRATCH/clean-small" "$dir"
"$SIMSHARD" archive --archive "$dir" "$SCRATCH/big" "${layout[@]}" >/dev/null 2>"$SCRATCH/writer.err" &
writer=$!
# Wait until the writer holds the lock: it writes its pid into LOCK. (Probing with flock
# would itself take the lock for a moment and could make the writer fail.)
for _ in $(seq 1000); do [ "$(cat "$dir/LOCK" 2>/dev/null)" = "$writer" ] && break; sleep 0.01; done
start=$(date +%s%N)
run_status "$SIMSHARD" archive --archive "$dir" "$SCRATCH/small"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if kill -0 $writer 2>/dev/null; then
  [ "$status" = 1 ] || fail "a second writer exited $status while the first was running (want 1)"
  expect_err_match "lock|LOCK|another"
  expect_err_match "$dir|LOCK"
  [ $elapsed_ms -lt 5000 ] || fail "the second writer took ${elapsed_ms} ms to give up"
else
  note "the first run ended before the second started; lock check skipped this time"
fi

note "readers during the run see only committed documents"
seen=0 reads=0
while kill -0 $writer 2>/dev/null; do
  "$SIMSHARD" list --archive "$dir" --format tsv >"$SCRATCH/listing" 2>"$SCRATCH/list.err" ||
    { kill -0 $writer 2>/dev/null || break; cat "$SCRATCH/list.err" >&2; fail "list failed during a run"; }
  cut -f1 "$SCRATCH/listing" | sort >"$SCRATCH/now.ids"
  [ -z "$(comm -23 "$SCRATCH/now.ids" "$SCRATCH/clean-both.ids")" ] ||
    fail "a reader saw documents that one clean run does not have"
  count=$(wc -l <"$SCRATCH/now.ids")
  [ "$count" -ge "$seen" ] || fail "a reader saw $count documents after seeing $seen"
  seen=$count reads=$((reads + 1))
  # Every document a reader sees restores.
  if [ "$count" -gt 0 ]; then
    last=$(tail -n 1 "$SCRATCH/now.ids")
    "$SIMSHARD" restore --archive "$dir" "$last" >/dev/null 2>"$SCRATCH/restore.err" ||
      { cat "$SCRATCH/restore.err" >&2; fail "a listed document did not restore during the run"; }
  fi
  "$SIMSHARD" stats --archive "$dir" >/dev/null 2>&1 || { kill -0 $writer 2>/dev/null || break; fail "stats failed during a run"; }
  sleep 0.1
done
wait $writer || [ $? = 3 ] || { cat "$SCRATCH/writer.err" >&2; fail "the first writer failed"; }
verify_ok "$dir"
note "$reads reads during the run, the last saw $seen documents"
same_archives "$SCRATCH/clean-both" "$dir"

note "two runs on different archives at the same time"
"$SIMSHARD" archive --archive "$SCRATCH/par-big" "$SCRATCH/big" "${layout[@]}" >/dev/null 2>&1 & a=$!
"$SIMSHARD" archive --archive "$SCRATCH/par-small" "$SCRATCH/small" >/dev/null 2>&1 & b=$!
wait $a || [ $? = 3 ] || fail "parallel run A failed"
wait $b || [ $? = 3 ] || fail "parallel run B failed"
verify_ok "$SCRATCH/par-big"
verify_ok "$SCRATCH/par-small"
same_archives "$SCRATCH/clean-big" "$SCRATCH/par-big"
same_archives "$SCRATCH/clean-small" "$SCRATCH/par-small"

note "a lock held by another process (that wrote no pid) fails the run loudly"
dir="$SCRATCH/held"
cp -a "$SCRATCH/clean-small" "$dir"
# Anyone who can read LOCK can flock it: such a holder must make the run fail loudly.
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(60)' \
  "$dir/LOCK" "$SCRATCH/held.marker" &
holder=$!
for _ in $(seq 1000); do [ -f "$SCRATCH/held.marker" ] && break; sleep 0.01; done
expect_exit 1 "$SIMSHARD" archive --archive "$dir" "$SCRATCH/small"
expect_err_match "LOCK|lock"
kill $holder; wait $holder 2>/dev/null || true
# The holder's leftover LOCK file (stale content, no lock) does not stop the next run.
echo 999999 >"$dir/LOCK"
archive "$dir" "$SCRATCH/small"

note "LOCK as a symlink to someone else's file is not followed"
dir="$SCRATCH/symlinked"
cp -a "$SCRATCH/clean-small" "$dir"
echo "precious" >"$SCRATCH/victim"
rm -f "$dir/LOCK"
ln -s "$SCRATCH/victim" "$dir/LOCK"
run_status "$SIMSHARD" archive --archive "$dir" "$SCRATCH/small"
[ "$(cat "$SCRATCH/victim")" = precious ] || fail "the writer wrote through a LOCK symlink"
note "a LOCK symlink: exit $status, $(head -c 200 "$SCRATCH/err")"
[ "$status" = 1 ] && expect_err_match "LOCK|lock"
[ "$status" = 1 ] || [ "$status" = 0 ] || fail "a LOCK symlink made the run exit $status"

note "LOCK that is a folder or a FIFO fails at once with a message"
for kind in dir fifo; do
  dir="$SCRATCH/lock-$kind"
  cp -a "$SCRATCH/clean-small" "$dir"
  rm -f "$dir/LOCK"
  if [ $kind = dir ]; then mkdir "$dir/LOCK"; else mkfifo "$dir/LOCK"; fi
  run_status timeout 20 "$SIMSHARD" archive --archive "$dir" "$SCRATCH/small"
  [ "$status" = 1 ] || fail "a LOCK $kind made the run exit $status (want 1; 124 means it hung)"
  expect_err_match "LOCK|lock"
done
echo "drill_concurrency: OK"
