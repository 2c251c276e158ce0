#!/usr/bin/env bash
# One writer at a time: while a run is writing, a second `archive` fails at once with a
# clear message, and restore, list, verify and stats work and see committed data only.
source "$(dirname "$0")/cli_lib.bash"

make_crawl small 50 --seed 1 --copies 0
make_crawl big 8000 --seed 2 --copies 0
must_exit 0 "$SIMSHARD" archive small --archive arc --quiet
committed=$("$SIMSHARD" list --archive arc | wc -l)
some_id=$("$SIMSHARD" list --archive arc | awk 'NR == 1 { print $1 }')

"$SIMSHARD" archive big --archive arc --threads 1 --shard-bytes 200000 --quiet &
writer=$!
trap 'kill $writer 2>/dev/null || true' EXIT
sleep 0.5
kill -0 $writer 2>/dev/null || die "the first run ended too soon to test anything"

step "a second writer fails at once"
start=$(date +%s%N)
must_exit 1 "$SIMSHARD" archive small --archive arc --quiet
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed_ms" -lt 3000 ] || die "the second writer waited ${elapsed_ms} ms"
[ "$(wc -l < err)" = 1 ] || die "not one line: $(cat err)"
err_has "arc"
err_has "lock|another|running|in use"

step "readers work during the run"
must_exit 0 "$SIMSHARD" restore --archive arc "$some_id"
[ -s out ] || die "restore during a run printed nothing"
must_exit 0 "$SIMSHARD" list --archive arc
[ "$(wc -l < out)" -ge "$committed" ] || die "list during a run lost committed documents"
must_exit 0 "$SIMSHARD" stats --archive arc
kill -0 $writer 2>/dev/null || die "the run ended before the readers were checked"
wait $writer || die "the first run failed"
trap - EXIT
verify_ok arc
[ "$("$SIMSHARD" list --archive arc | wc -l)" = 8050 ] || die "not every document archived"
echo ok
