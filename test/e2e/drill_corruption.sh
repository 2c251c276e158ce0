#!/usr/bin/env bash
# Corruption: a flipped byte in a data frame and in a shard's index (healed from the
# shard's parity), a shard cut short, a shard missing, a catalog row pointing at the wrong
# place, a deleted catalog. `verify` names what and where and exits non-zero (4 when
# `repair` heals it all); documents in intact or healable frames still restore; `repair`
# heals, or cuts back to the last good frame, re-registers what is intact, rebuilds a lost
# catalog, and lists the ids and URLs of what was lost; then `verify` passes. Heavier
# damage, and damage beyond what the parity heals: drill_parity.sh.
source "$(dirname "$0")/drill_lib.bash"

make_crawl "$SCRATCH/crawl" 240 11
layout=()
# Read the whole help first: grep -q stops at its match, and under pipefail the writer's
# SIGPIPE would fail the test.
if "$SIMSHARD" archive --help 2>&1 | grep -c -- '--shard-bytes' >/dev/null; then
  layout=(--shard-bytes 600000 --frame-bytes 32768)
fi
archive "$SCRATCH/good" "$SCRATCH/crawl" "${layout[@]}"
verify_ok "$SCRATCH/good"
shard=$(catalog "$SCRATCH/good" "SELECT shard FROM documents_view ORDER BY ordinal LIMIT 1")
frames=$(catalog "$SCRATCH/good" "SELECT MAX(frame) + 1 FROM documents_view WHERE shard = '$shard'")
[ "$frames" -ge 4 ] || fail "the test crawl should fill at least 4 frames of $shard, got $frames"

# fresh NAME: a copy of the good archive to damage.
fresh() { rm -rf "$SCRATCH/$1"; cp -a "$SCRATCH/good" "$SCRATCH/$1"; echo "$SCRATCH/$1"; }

# ids_where SQL_CONDITION: ids of the good archive matching the condition, sorted.
ids_where() { catalog "$SCRATCH/good" "SELECT id FROM documents_view WHERE $1 ORDER BY id"; }
frame_field() { catalog "$SCRATCH/good" "SELECT $2 FROM documents_view WHERE shard = '$shard' AND frame = $1 LIMIT 1"; }

# expect_verify_names DIR REGEX...: verify fails and its output matches every regex.
expect_verify_names() {
  local dir=$1 re; shift
  run_status "$SIMSHARD" verify --archive "$dir"
  [ "$status" != 0 ] || fail "verify passed on damaged $dir"
  for re in "$@"; do
    cat "$SCRATCH/out" "$SCRATCH/err" | grep -Eq -- "$re" ||
      { cat "$SCRATCH/out" "$SCRATCH/err" >&2; fail "verify output on $dir does not name /$re/"; }
  done
}

# restores_like_good DIR ID: the document restores byte for byte as from the good archive.
restores_like_good() {
  "$SIMSHARD" restore --archive "$SCRATCH/good" "$2" >"$SCRATCH/want" || fail "restore $2 (good)"
  "$SIMSHARD" restore --archive "$1" "$2" >"$SCRATCH/got" || fail "restore $2 from damaged $1"
  cmp -s "$SCRATCH/want" "$SCRATCH/got" || fail "restore $2 from $1 differs from the good archive"
}

# repair_loses DIR LOST_IDS...: repair succeeds, names exactly those ids (with their URLs)
# as lost, and leaves an archive that verifies and still holds every other document.
repair_loses() {
  local dir=$1 id url; shift
  run_status "$SIMSHARD" repair --archive "$dir"
  [ "$status" = 0 ] || { cat "$SCRATCH/err" >&2; fail "repair of $dir exited $status"; }
  for id in "$@"; do
    url=$(catalog "$SCRATCH/good" "SELECT url FROM documents_view WHERE id = '$id'")
    grep -q -- "$id" "$SCRATCH/out" || { cat "$SCRATCH/out" >&2; fail "repair does not list lost $id"; }
    [ -z "$url" ] || grep -qF -- "$url" "$SCRATCH/out" || fail "repair does not list the URL of lost $id"
  done
  verify_ok "$dir"
  ids "$SCRATCH/good" >"$SCRATCH/all.ids"
  printf '%s\n' "$@" | sed '/^$/d' | sort >"$SCRATCH/lost.ids"
  comm -23 "$SCRATCH/all.ids" "$SCRATCH/lost.ids" >"$SCRATCH/kept.ids"
  diff "$SCRATCH/kept.ids" <(ids "$dir") >&2 || fail "after repair $dir does not hold exactly the intact documents"
}

first_in_frame() { ids_where "shard = '$shard' AND frame = $1" | head -n 1; }

note "one flipped byte inside data frame 1: healed from the shard's parity"
dir=$(fresh flip)
offset=$(frame_field 1 frame_offset) size=$(frame_field 1 frame_size)
flip_byte "$dir/$shard" $((offset + size / 2))
expect_verify_names "$dir" "$shard" "frame 1" "heals it"
[ "$status" = 4 ] || fail "verify of a healable shard exited $status (want 4)"
restores_like_good "$dir" "$(first_in_frame 0)"
restores_like_good "$dir" "$(first_in_frame 1)"
run_status "$SIMSHARD" restore --archive "$dir" "$(first_in_frame 1)"
expect_err_match "$shard is damaged.*simshard repair"
repair_loses "$dir"
cmp -s "$dir/$shard" "$SCRATCH/good/$shard" || fail "repair did not rewrite $shard byte for byte"

note "one flipped byte in the shard's seek table"
dir=$(fresh flip-index)
index_at=$(( $(stat -c %s "$dir/$shard") - 60 ))
flip_byte "$dir/$shard" "$index_at"
expect_verify_names "$dir" "$shard"
[ "$status" = 4 ] || fail "verify of a shard with a damaged seek table exited $status (want 4)"
restores_like_good "$dir" "$(first_in_frame 0)"
repair_loses "$dir"  # every data frame is intact: nothing lost
cmp -s "$dir/$shard" "$SCRATCH/good/$shard" || fail "repair did not rewrite $shard byte for byte"

note "a shard cut short inside frame 3"
dir=$(fresh cut)
cut_at=$(( $(frame_field 3 frame_offset) + $(frame_field 3 frame_size) / 2 ))
truncate -s "$cut_at" "$dir/$shard"
expect_verify_names "$dir" "$shard"
restores_like_good "$dir" "$(first_in_frame 2)"
mapfile -t lost < <(ids_where "shard = '$shard' AND frame >= 3")
repair_loses "$dir" "${lost[@]}"
restores_like_good "$dir" "$(first_in_frame 0)"

note "a shard missing"
dir=$(fresh missing)
rm "$dir/$shard"
expect_verify_names "$dir" "$shard"
mapfile -t lost < <(ids_where "shard = '$shard'")
repair_loses "$dir" "${lost[@]}"

note "a catalog row pointing at the wrong record"
dir=$(fresh wrong-row)
victim=$(first_in_frame 2)
sqlite3 "$dir/catalog.sqlite" \
  "UPDATE documents SET record_offset = record_offset + 7 WHERE id = 0x$victim"
expect_verify_names "$dir" "$shard|$victim"
repair_loses "$dir"  # the shards are intact: reindexing fixes the row
restores_like_good "$dir" "$victim"

note "a deleted catalog"
dir=$(fresh no-catalog)
rm -f "$dir"/catalog.sqlite*
run_status "$SIMSHARD" verify --archive "$dir"
[ "$status" != 0 ] || fail "verify passed without a catalog"
grep -qi catalog "$SCRATCH/err" "$SCRATCH/out" || fail "verify does not say the catalog is missing"
expect_exit 0 "$SIMSHARD" reindex --archive "$dir"
verify_ok "$dir"
diff <(content "$SCRATCH/good") <(content "$dir") >&2 || fail "reindex did not rebuild the same catalog"
same_archives "$SCRATCH/good" "$dir"
dir=$(fresh no-catalog-repair)
rm -f "$dir"/catalog.sqlite*
repair_loses "$dir"
same_archives "$SCRATCH/good" "$dir"
echo "drill_corruption: OK"
