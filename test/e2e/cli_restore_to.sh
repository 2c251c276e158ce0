#!/usr/bin/env bash
# `restore --to OUTDIR` writes files named after their source paths and never outside
# OUTDIR, whatever the source says: "..", absolute paths, control bytes, very long names,
# or a symbolic link planted inside OUTDIR.
source "$(dirname "$0")/cli_lib.bash"

mkdir -p crawl/deep elsewhere abs
# story NAME: a short made-up article of its own (distinct words, so none is a near-copy).
story() {
  python3 -c 'import random, sys
rng = random.Random(sys.argv[1])
words = ["".join(rng.choice("bcdfglmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(60)]
print("Story " + sys.argv[1] + "\n\nThe harbour reopened. " + " ".join(words) + ".")' "$1"
}
story plain > crawl/plain.txt
story absolute > abs/abs.txt
long=$(printf 'n%.0s' $(seq 1 250))
story long > "crawl/deep/$long.txt"
story newline > "crawl/deep/new"$'\n'"line.txt"
story dots > "crawl/deep/..hidden.txt"

# Inputs given as "../x" and as an absolute path: sources start with them.
mkdir -p work && cd work
must_exit 0 "$SIMSHARD" archive ../crawl "$SCRATCH/abs/abs.txt" --archive ../arc --report ../report.jsonl
cd "$SCRATCH"
ids=$(report_field report.jsonl archived id | sort -u)
[ "$(echo "$ids" | wc -l)" = 5 ] || die "expected 5 archived documents: $(cat report.jsonl)"

step "restore --to keeps every file inside OUTDIR"
# shellcheck disable=SC2086
must_exit 0 "$SIMSHARD" restore --archive arc --to restored $ids
outside=$(find "$SCRATCH" -newer report.jsonl -type f -not -path "$SCRATCH/restored/*" -not -path "$SCRATCH/arc/*" -not -name out -not -name err)
[ -z "$outside" ] || die "restore wrote outside OUTDIR: $outside"
[ "$(find restored -type f | wc -l)" = 5 ] || die "expected 5 files: $(find restored -type f)"
[ -f restored/crawl/plain.txt ] || die "../crawl/plain.txt should land in restored/crawl/plain.txt"
[ -f "restored$SCRATCH/abs/abs.txt" ] || die "an absolute source should land under restored/: $(find restored -type f)"
while IFS= read -r -d '' f; do
  name=$(basename "$f")
  [ "${#name}" -le 255 ] || die "file name too long: ${#name}"
  case "$f" in *$'\n'*) die "control byte kept in $f" ;; esac
  grep -q "harbour reopened" "$f" || die "$f does not hold its story"
done < <(find restored -type f -print0)

step "restore --ids-from reads the ids from a file or from standard input"
printf '%s\n' $ids "" > ids.txt
must_exit 0 "$SIMSHARD" restore --archive arc --to restored3 --ids-from ids.txt
[ "$(find restored3 -type f | wc -l)" = 5 ] || die "--ids-from FILE: expected 5 files: $(find restored3 -type f)"
first=$(echo "$ids" | head -1)
echo "$ids" | tail -n +2 | "$SIMSHARD" restore --archive arc --to restored4 --ids-from - "$first" ||
  die "--ids-from - exited $?"
[ "$(find restored4 -type f | wc -l)" = 5 ] || die "--ids-from -: expected 5 files: $(find restored4 -type f)"
run "$SIMSHARD" restore --archive arc --ids-from no-such-file
[ "$rc" = 1 ] && grep -q "no-such-file" err || die "a missing --ids-from file: exit $rc, $(cat err)"

step "a symbolic link planted in OUTDIR is not followed"
rm -rf restored2 && mkdir -p restored2 && ln -s "$SCRATCH/elsewhere" restored2/crawl
run "$SIMSHARD" restore --archive arc --to restored2 $ids
[ "$rc" = 1 ] || die "restore through a planted link exited $rc"
[ -z "$(ls -A elsewhere)" ] || die "restore followed a link out of OUTDIR"
echo ok
