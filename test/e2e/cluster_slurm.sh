#!/usr/bin/env bash
# A run cut into tasks, on a real one-node Slurm cluster this test starts itself (munge,
# slurmctld, slurmd, each with its own files under the scratch folder): the report, ids
# and archived documents equal a one-process run's, on the first night and the second; an
# analyse task, a match task, a write task and the merge killed half way are each
# resubmitted alone by running the same command again; without --wait the jobs are only
# submitted. Also --tasks on this machine, and `stage` on its own.
source "$(dirname "$0")/cli_lib.bash"

# Two archives that answer alike: the same documents, rows and restored bytes, whatever
# shards hold them (a run cut into tasks writes a shard set per slice).
same_archives() {
  for a in "$1" "$2"; do
    "$SIMSHARD" list --archive "$a" --all | cut -f1-5,7- >"$a.list"
    "$SIMSHARD" list --archive "$a" | cut -f1 | while read -r id; do "$SIMSHARD" restore --archive "$a" "$id"; done >"$a.restored"
  done
  cmp "$1.list" "$2.list" || die "$3: the archives list otherwise"
  cmp "$1.restored" "$2.restored" || die "$3: the archives restore otherwise"
}

# ---- a cluster of one node ---------------------------------------------------------------
# Where it cannot be started the test says why and is skipped (exit 77), unless
# SIMSHARD_REQUIRE_SLURM=1 (CI) makes that a failure.
source "$E2E/../../scripts/one-node-slurm.bash"
trap stop_one_node_slurm EXIT
if ! start_one_node_slurm "$SCRATCH/slurm"; then
  [ "${SIMSHARD_REQUIRE_SLURM:-0}" = 1 ] && die "the test cluster did not start"
  echo "SKIP: a one-node Slurm cluster cannot be started here (see above)" >&2
  exit 77
fi
export SIMSHARD_SLURM_POLL_SECONDS=0.3 SOURCE_DATE_EPOCH=1764374400

# ---- the same decisions as one process -----------------------------------------------------
make_crawl night1 240 --seed 21
make_crawl night2 80 --seed 22
cp -r night1/* night2/ 2>/dev/null || true  # night 2 repeats night 1 and brings new pages
step "one process, first night"
must_exit 0 "$SIMSHARD" archive night1 --archive one --report one-1.jsonl --quiet

step "slurm, 4 tasks, --wait"
must_exit 0 "$SIMSHARD" archive night1 --archive four --report four-1.jsonl --executor slurm --tasks 4 --wait
err_has "slurm: 4 of 4 analyse tasks done, 0 failed"
grep -q "archived" out err || die "no run summary printed"
err_has "4 of 4 write tasks done"
cmp one-1.jsonl four-1.jsonl || die "4 Slurm tasks reported otherwise than one process"
same_archives one four "4 Slurm tasks"
[ -z "$(ls four/tasks/*.stage four/tasks/*.decide four/tasks/decided* four/tasks/write-* four/tasks/chromed* \
  four/tasks/matches-* 2>/dev/null)" ] ||
  die "the run's files were not removed after the run"

step "one process, second night"
must_exit 0 "$SIMSHARD" archive night2 --archive one --report one-2.jsonl --quiet
step "slurm, 4 tasks, second night, one task killed half way"
SIMSHARD_CRASH_AT=analyze-task-1 must_exit 1 "$SIMSHARD" archive night2 --archive four \
  --report four-2.jsonl --executor slurm --tasks 4 --wait
err_has "analyse task\(s\) 1 did not finish"
[ "$(ls four/tasks/*.stage | wc -l)" = 3 ] || die "the three tasks that finished left no slices"
must_exit 0 "$SIMSHARD" archive night2 --archive four --report four-2.jsonl --executor slurm \
  --tasks 4 --wait --verbose
err_has "submitted analyse job [0-9]+ \(1 of 4 tasks\), decide job [0-9]+, write job [0-9]+ \(4 of 4 tasks\), merge job [0-9]+; before decide: chrome job [0-9]+, match job [0-9]+ \(4 of 4 tasks\)"
err_has "slurm: 4 of 4 analyse tasks done"
cmp one-2.jsonl four-2.jsonl || die "the second night differs from one process's"
same_archives one four "the second night"
must_exit 0 "$SIMSHARD" verify --archive four --quiet

step "a match task, a write task, then the merge killed half way: each resubmitted alone"
make_crawl night3 60 --seed 23
must_exit 0 "$SIMSHARD" archive night3 --archive one --report one-3.jsonl --quiet
SIMSHARD_CRASH_AT=match-task-1 must_exit 1 "$SIMSHARD" archive night3 --archive four \
  --report four-3.jsonl --executor slurm --tasks 3 --wait
err_has "match task\(s\) 1 did not finish"
SIMSHARD_CRASH_AT=write-task-2 must_exit 1 "$SIMSHARD" archive night3 --archive four \
  --report four-3.jsonl --executor slurm --tasks 3 --wait --verbose
err_has "decide job [0-9]+, write job [0-9]+ \(3 of 3 tasks\), merge job [0-9]+; before decide: chrome job \(none: done before\), match job [0-9]+ \(1 of 3 tasks\)"
err_has "write task\(s\) 2 did not finish"
SIMSHARD_CRASH_AT=before-merge-commit must_exit 1 "$SIMSHARD" archive night3 --archive four \
  --report four-3.jsonl --executor slurm --tasks 3 --wait --verbose
err_has "submitted analyse job \(none: done before\) \(0 of 3 tasks\), decide job \(none: done before\), write job [0-9]+ \(1 of 3 tasks\), merge job [0-9]+; before decide: chrome job \(none: done before\), match job \(none: done before\) \(0 of 3 tasks\)"
err_has "the merge job did not finish"
must_exit 0 "$SIMSHARD" archive night3 --archive four --report four-3.jsonl --executor slurm --tasks 3 --wait
cmp one-3.jsonl four-3.jsonl || die "the third night differs from one process's"
same_archives one four "the third night, after a killed write task and merge"
must_exit 0 "$SIMSHARD" verify --archive four --quiet

step "without --wait: submitted, ids printed, exit 0"
must_exit 0 "$SIMSHARD" dedup night1 --report nowait.jsonl --executor slurm --tasks 2 --work-dir nowait-work
grep -Eq "^submitted: analyse job [0-9]+ \(2 of 2 tasks\), decide job [0-9]+" out || die "no job ids: $(cat out)"
for _ in $(seq 100); do [ -f nowait-work/exit-code ] && break; sleep 0.3; done
[ "$(cat nowait-work/exit-code)" = 0 ] || die "the submitted run did not finish"
"$SIMSHARD" dedup night1 --report local-dedup.jsonl --quiet
cmp local-dedup.jsonl nowait.jsonl || die "a submitted dedup reported otherwise than one process"

step "--tasks on this machine, and stage by hand with JOB_COMPLETION_INDEX"
must_exit 0 "$SIMSHARD" archive night1 --archive here --report here.jsonl --tasks 4 --quiet
cmp one-1.jsonl here.jsonl || die "--tasks 4 here differs from one process"
must_exit 2 "$SIMSHARD" stage merge --work-dir nowait-work
err_has "no merge stage"
must_exit 2 "$SIMSHARD" archive night1 --archive x --tasks 0
must_exit 2 "$SIMSHARD" dedup night1 --report x.jsonl --tasks 2
err_has "work-dir"
must_exit 2 "$SIMSHARD" stage analyze --work-dir four/tasks
err_has "SLURM_ARRAY_TASK_ID"
JOB_COMPLETION_INDEX=9 must_exit 1 "$SIMSHARD" stage analyze --work-dir four/tasks
err_has "out of range"
echo "ok"
