#!/usr/bin/env bash
# One writer at a time: while a run is writing, a second `archive` fails at once with a
# clear message, and restore, list and stats work and see committed data only.
# The running writer is paused (SIGSTOP) while the others are tried, so the test does not
# depend on how fast the machine is.
source "$(dirname "$0")/cli_lib.bash"

make_crawl small 50 --seed 1 --copies 0
make_crawl big 4000 --seed 2 --copies 0
must_exit 0 "$SIMSHARD" archive small --archive arc --quiet
committed=$("$SIMSHARD" list --archive arc | wc -l)
some_id=$("$SIMSHARD" list --archive arc | awk 'NR == 1 { print $1 }')

"$SIMSHARD" archive big --archive arc --threads 1 --shard-bytes 200000 --quiet &
writer=$!
trap 'kill -CONT $writer 2>/dev/null; kill $writer 2>/dev/null || true' EXIT
# Pause the writer once it has committed a shard of this run (or after 10 s).
for _ in $(seq 200); do
  [ "$("$SIMSHARD" list --archive arc 2>/dev/null | wc -l)" -gt "$committed" ] && break
  sleep 0.05
done
kill -STOP $writer 2>/dev/null || die "the run ended before it could be paused"

step "a second writer fails at once"
start=$(date +%s%N)
must_exit 1 "$SIMSHARD" archive small --archive arc --quiet
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed_ms" -lt 3000 ] || die "the second writer waited ${elapsed_ms} ms"
[ "$(wc -l < err)" = 1 ] || die "not one line: $(cat err)"
err_has "arc"
err_has "lock|another|running|in use"

step "readers work during the run and see whole committed documents"
must_exit 0 "$SIMSHARD" restore --archive arc "$some_id"
[ -s out ] || die "restore during a run printed nothing"
must_exit 0 "$SIMSHARD" list --archive arc
during=$(wc -l < out)
[ "$during" -gt "$committed" ] || die "list during the run shows none of its committed shards"
last_id=$(awk 'END { print $1 }' out)
must_exit 0 "$SIMSHARD" restore --archive arc "$last_id"
must_exit 0 "$SIMSHARD" stats --archive arc
# (verify is not tried here: paused between sealing a shard and committing its rows, the
# writer leaves a sealed shard the catalog does not list yet, which verify reports.)

kill -CONT $writer
wait $writer || die "the first run failed"
trap - EXIT
verify_ok arc
[ "$("$SIMSHARD" list --archive arc | wc -l)" = 4050 ] || die "not every document archived"
echo "ok: $during documents visible during the run"
