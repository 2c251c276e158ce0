#!/usr/bin/env bash
# The report, the archived ids and the shard bytes are the same for any thread count.
source "$(dirname "$0")/cli_lib.bash"

make_crawl crawl 1500 --seed 5
cp -r "$SAMPLES/crawl" crawl/samples
export SOURCE_DATE_EPOCH=1764374400  # the same "now" for both runs
for t in 1 3; do
  must_exit 0 "$SIMSHARD" archive crawl --archive "arc$t" --report "report$t.jsonl" --threads "$t" \
    --shard-bytes 1000000 --frame-bytes 32768 --quiet
done
cmp -s report1.jsonl report3.jsonl || die "reports differ between 1 and 3 threads"
[ "$(list_ids arc1)" = "$(list_ids arc3)" ] || die "archived ids differ between 1 and 3 threads"
shards=$(cd arc1 && ls ./*.jsonl.zst | wc -l)
[ "$shards" -ge 2 ] || die "expected several shards, got $shards"
for shard in arc1/*.jsonl.zst; do
  cmp -s "$shard" "arc3/$(basename "$shard")" || die "$(basename "$shard") differs between 1 and 3 threads"
done
grep -q '"near-duplicate"' report1.jsonl || die "no near-duplicates in the crawl: the test proves little"
grep -q '"duplicate"' report1.jsonl || die "no duplicates in the crawl: the test proves little"
echo "ok: $shards shards identical"
