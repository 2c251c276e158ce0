#!/usr/bin/env bash
# A crawl of ~12,000 article files archived while being killed with SIGKILL four times at
# different moments, then re-run to completion, holds exactly what one clean run holds,
# and verify passes.
source "$(dirname "$0")/cli_lib.bash"

step "generating the crawl"
make_crawl crawl 12000 --seed 9
echo "$(find crawl -type f | wc -l) files" >&2
# Small shards so that a run commits many shards and a kill can land between them.
layout=(--shard-bytes 1500000 --frame-bytes 65536 --quiet)

step "clean run"
start=$(date +%s%N)
must_exit 0 "$SIMSHARD" archive crawl --archive clean --report clean.jsonl "${layout[@]}"
clean_ms=$((($(date +%s%N) - start) / 1000000))
echo "clean run: $clean_ms ms" >&2
list_ids clean > clean.ids
[ "$(wc -l < clean.ids)" -gt 10000 ] || die "the clean run archived only $(wc -l < clean.ids)"

step "four runs killed with SIGKILL"
for percent in 15 40 60 85; do
  "$SIMSHARD" archive crawl --archive killed --report "killed-$percent.jsonl" "${layout[@]}" &
  pid=$!
  sleep "$(awk -v ms="$clean_ms" -v p="$percent" 'BEGIN { printf "%.3f", ms * p / 100000 }')"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -f killed/catalog.sqlite ]; then
    list_ids killed > now.ids
    [ -z "$(comm -23 now.ids clean.ids)" ] || die "after a kill at $percent% the archive holds documents a clean run does not"
    echo "killed at $percent%: $(wc -l < now.ids) documents committed" >&2
  fi
done

step "re-run to completion"
must_exit 0 "$SIMSHARD" archive crawl --archive killed --report final.jsonl "${layout[@]}"
list_ids killed > final.ids
cmp -s clean.ids final.ids || die "after kills and a re-run the archive differs from one clean run: $(diff clean.ids final.ids | head -5)"
[ "$(kept_set clean.jsonl)" = "$(kept_set final.jsonl)" ] || die "the re-run's report points at other documents than the clean run's"
[ "$(statuses clean.jsonl | grep -c .)" -ge 2 ] || die "the clean run found no duplicates: the test proves little"
verify_ok killed
echo "ok: $(wc -l < final.ids) documents"
