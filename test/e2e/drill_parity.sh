#!/usr/bin/env bash
# Parity: damage the Reed–Solomon parity of a shard heals (flipped bytes, zeroed 4 KiB pages,
# a zeroed whole frame, a zeroed 64 KiB region plus a flipped byte, damage inside the parity
# itself, a damaged index), on one shard and on several shards at once. Each time every
# document restores byte for byte from the damaged archive (stderr says the shard needs
# repair), `verify` names the shard and frame and exits 4, and `repair` rewrites each shard
# byte for byte as it was sealed and loses nothing. Damage beyond the parity is reported as
# loss with the exact ids (exit 1), and a cut tail keeps its leading frames. Shards without
# parity (older simshard) stay readable and `repair --add-parity` gives them parity.
source "$(dirname "$0")/drill_lib.bash"

make_crawl "$SCRATCH/crawl" 400 13
archive "$SCRATCH/good" "$SCRATCH/crawl" --frame-bytes 32768 --shard-bytes 700000
verify_ok "$SCRATCH/good"
mapfile -t shards < <(catalog "$SCRATCH/good" "SELECT name FROM shards ORDER BY id")
[ "${#shards[@]}" -ge 3 ] || fail "the crawl should fill at least 3 shards, got ${#shards[@]}"
shard=${shards[0]}
restore_all "$SCRATCH/good" "$SCRATCH/good.all"

fresh() { rm -rf "$SCRATCH/$1"; cp -a "$SCRATCH/good" "$SCRATCH/$1"; echo "$SCRATCH/$1"; }
ids_where() { catalog "$SCRATCH/good" "SELECT id FROM documents_view WHERE $1 ORDER BY id"; }
frame_field() { catalog "$SCRATCH/good" "SELECT $3 FROM documents_view WHERE shard = '$1' AND frame = $2 LIMIT 1"; }
size_of() { stat -c %s "$1"; }
# index_at FILE: offset of the shard's record index frame (the parity frames' end), from its footer.
index_at() { python3 -c 'import struct, sys; d = open(sys.argv[1], "rb").read(); print(struct.unpack_from("<Q", d, len(d) - 28)[0])' "$1"; }
# zero FILE OFFSET LENGTH: overwrites LENGTH bytes with zeros in place.
zero() { dd if=/dev/zero of="$1" bs=1 seek="$2" count="$3" conv=notrunc status=none; }
# parity_at DIR SHARD: offset of the shard's first parity frame (the data frames' end).
parity_at() { catalog "$1" "SELECT SUM(frame_size) FROM frames WHERE shard = (SELECT id FROM shards WHERE name = '$2')"; }

# heals DIR WHAT...: verify exits 4 naming each WHAT, every document restores byte for byte
# with a warning, repair loses nothing and rewrites every shard as sealed.
heals() {
  local dir=$1 re name; shift
  run_status "$SIMSHARD" verify --archive "$dir"
  [ "$status" = 4 ] || { cat "$SCRATCH/err" >&2; fail "verify of healable $dir exited $status (want 4)"; }
  for re in "$@"; do grep -Eq -- "$re" "$SCRATCH/err" || { cat "$SCRATCH/err" >&2; fail "verify does not name /$re/"; }; done
  grep -q "cannot heal" "$SCRATCH/err" && fail "verify calls healable damage in $dir lost"
  run_status "$SIMSHARD" restore --archive "$dir" $(ids "$SCRATCH/good")
  [ "$status" = 0 ] || { cat "$SCRATCH/err" >&2; fail "restore from healable $dir exited $status"; }
  cp "$SCRATCH/out" "$SCRATCH/damaged.all"
  cmp -s "$SCRATCH/good.all" "$SCRATCH/damaged.all" || fail "documents restored from $dir differ"
  cp -a "$dir" "$dir.before-repair"
  run_status "$SIMSHARD" repair --archive "$dir"
  [ "$status" = 0 ] || { cat "$SCRATCH/err" >&2; fail "repair of $dir exited $status"; }
  [ ! -s "$SCRATCH/out" ] || { cat "$SCRATCH/out" >&2; fail "repair of healable $dir lists lost documents"; }
  for name in "${shards[@]}"; do
    cmp -s "$dir/$name" "$SCRATCH/good/$name" || fail "repair did not rewrite $name byte for byte"
  done
  [ -z "$(find "$dir" -name '*.damaged')" ] || fail "a healed shard needs no .damaged copy"
  verify_ok "$dir"
  rm -rf "$dir.before-repair"
}

note "the stock zstd tool reads a shard with parity as JSON Lines"
zstd -dc "$SCRATCH/good/$shard" >"$SCRATCH/plain.jsonl" || fail "zstd -dc fails on a shard with parity"
python3 -c 'import json, sys; [json.loads(line) for line in open(sys.argv[1])]' "$SCRATCH/plain.jsonl" ||
  fail "zstd -dc does not give JSON Lines"
[ "$(wc -l <"$SCRATCH/plain.jsonl")" = "$(catalog "$SCRATCH/good" "SELECT COUNT(*) FROM documents_view WHERE shard = '$shard'")" ] ||
  fail "zstd -dc gives another number of records"

note "two flipped bytes in two frames"
dir=$(fresh flips)
flip_byte "$dir/$shard" $(( $(frame_field "$shard" 1 frame_offset) + 100 ))
flip_byte "$dir/$shard" $(( $(frame_field "$shard" 5 frame_offset) + 200 ))
heals "$dir" "$shard.*frame 1.*heals it" "$shard.*frame 5.*heals it"

note "a zeroed 4 KiB page at a third of the shard and a flipped byte in its middle"
dir=$(fresh page)
end=$(parity_at "$dir" "$shard")
zero "$dir/$shard" $(( end / 3 / 4096 * 4096 )) 4096
flip_byte "$dir/$shard" $(( end / 2 ))
heals "$dir" "$shard"

note "a zeroed whole frame"
dir=$(fresh frame)
zero "$dir/$shard" "$(frame_field "$shard" 2 frame_offset)" "$(frame_field "$shard" 2 frame_size)"
heals "$dir" "$shard.*frame 2"

note "a zeroed 64 KiB region plus a flipped byte elsewhere"
dir=$(fresh region)
zero "$dir/$shard" 20000 65536
flip_byte "$dir/$shard" $(( $(parity_at "$dir" "$shard") - 10 ))
heals "$dir" "$shard.*frame 4.*heals it"

note "damage inside the parity"
dir=$(fresh parity)
zero "$dir/$shard" $(( $(parity_at "$dir" "$shard") + 5000 )) 4096
heals "$dir" "$shard.*parity group 0"

note "a damaged record index and a zeroed page in the data"
dir=$(fresh index)
zero "$dir/$shard" 8192 4096
flip_byte "$dir/$shard" $(( $(size_of "$dir/$shard") - 200 ))
heals "$dir" "$shard.*(record index|seek table)"

note "several shards damaged at once"
dir=$(fresh several)
flip_byte "$dir/${shards[0]}" 5000
zero "$dir/${shards[1]}" "$(frame_field "${shards[1]}" 1 frame_offset)" "$(frame_field "${shards[1]}" 1 frame_size)"
zero "$dir/${shards[2]}" $(( $(parity_at "$dir" "${shards[2]}") + 100 )) 4096
heals "$dir" "${shards[0]}" "${shards[1]}.*frame 1" "${shards[2]}.*parity"

note "damage beyond the parity: lost, with the exact ids"
dir=$(fresh beyond)
for name in "${shards[0]}" "${shards[1]}"; do
  at=$(parity_at "$dir" "$name")
  zero "$dir/$name" "$at" $(( $(index_at "$dir/$name") - at ))  # every parity frame
  flip_byte "$dir/$name" $(( $(frame_field "$name" 2 frame_offset) + 50 ))
done
run_status "$SIMSHARD" verify --archive "$dir"
[ "$status" = 1 ] || fail "verify of an archive that lost documents exited $status (want 1)"
grep -Eq "${shards[0]}.*frame 2.*cannot heal" "$SCRATCH/err" || { cat "$SCRATCH/err" >&2; fail "verify does not name the lost frame"; }
victim=$(ids_where "shard = '${shards[0]}' AND frame = 2" | head -n 1)
expect_exit 1 "$SIMSHARD" restore --archive "$dir" "$victim"
run_status "$SIMSHARD" repair --archive "$dir"
[ "$status" = 0 ] || { cat "$SCRATCH/err" >&2; fail "repair exited $status"; }
diff <(cut -f1 "$SCRATCH/out" | sort) <(ids_where "shard IN ('${shards[0]}', '${shards[1]}') AND frame = 2") >&2 ||
  fail "repair does not list exactly the documents of the two lost frames"
while IFS=$'\t' read -r id url _; do
  [ "$url" = "$(catalog "$SCRATCH/good" "SELECT url FROM documents_view WHERE id = '$id'")" ] || fail "wrong URL for lost $id"
done <"$SCRATCH/out"
verify_ok "$dir"
comm -23 <(ids "$SCRATCH/good") <(ids_where "shard IN ('${shards[0]}', '${shards[1]}') AND frame = 2") >"$SCRATCH/kept.ids"
diff "$SCRATCH/kept.ids" <(ids "$dir") >&2 || fail "repair did not keep every frame but the lost ones"

note "a cut tail keeps its leading frames"
dir=$(fresh cut)
truncate -s $(( $(frame_field "$shard" 3 frame_offset) + 100 )) "$dir/$shard"
run_status "$SIMSHARD" verify --archive "$dir"
[ "$status" = 1 ] || fail "verify of a cut shard exited $status (want 1)"
run_status "$SIMSHARD" repair --archive "$dir"
diff <(cut -f1 "$SCRATCH/out" | sort) <(ids_where "shard = '$shard' AND frame >= 3") >&2 ||
  fail "repair of a cut shard does not list exactly the documents of frames 3 and later"
verify_ok "$dir"

note "shards without parity stay readable; repair --add-parity gives them parity"
dir=$(fresh old)
for name in "${shards[@]}"; do python3 "$DRILLS/drill_shard.py" --strip-parity "$dir/$name"; done
expect_exit 0 "$SIMSHARD" reindex --archive "$dir"
verify_ok "$dir"
same_archives "$SCRATCH/good" "$dir"
expect_exit 0 "$SIMSHARD" repair --archive "$dir" --add-parity
expect_err_match "parity added"
for name in "${shards[@]}"; do
  cmp -s "$dir/$name" "$SCRATCH/good/$name" || fail "--add-parity did not give $name the parity simshard writes"
done
verify_ok "$dir"
echo "drill_parity: OK"
