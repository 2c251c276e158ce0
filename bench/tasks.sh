#!/usr/bin/env bash
# make bench, runs cut into tasks: the bench crawl split into 8 files, archived by one
# process and by 1, 2 and 4 tasks (the local executor runs the same stage commands as the
# Slurm jobs), on two nights. Prints whether the reports are identical, the total CPU against
# one process, and each stage's CPU, peak memory and bytes written, from the stage commands
# run one by one on the second night (against an archive of the first): the memory of a
# match task must fall as tasks are added.
#
#   bench/tasks.sh BUILD/simshard CRAWL.jsonl WORK
set -uo pipefail

BIN=$(realpath "${1:?usage: bench/tasks.sh BUILD/simshard CRAWL.jsonl WORK}")
CRAWL=${2:?}
WORK=${3:?}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=python3
MEASURE="$PY $ROOT/bench/measure.py"
export SOURCE_DATE_EPOCH=1764374400  # the same archive times in every run, for the reports

field() { $PY -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
calc() { $PY -c "print(format($1, '$2'))"; }
row() { printf '%-34s %-22s %-24s %-18s %s\n' "$1" "$2" "$3" "$4" "$5"; }
verdict() { [ "$($PY -c "print(int($1))")" = 1 ] && echo ok || echo MISSED; }
bytes_of() { du -sb --apparent-size "$@" 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
# measure CMD... -> "cpu_s rss_mb" of one run
measure() {
  local out
  out=$($MEASURE --runs 1 --stdout /dev/null -- "$@") || { echo "bench: failed: $*" >&2; return 1; }
  echo "$(calc "$(field "$out" min_cpu_s)" .2f) $(calc "$(field "$out" max_rss_bytes)/1e6" .0f)"
}

# measure_array STAGE WORK TASKS -> "cpu_s rss_mb": the CPU of every task of an array stage,
# run one after another, and the largest peak memory of one
measure_array() {
  local cpu=0 rss=0 c r t
  for ((t = 0; t < $3; t++)); do
    read -r c r < <(measure "$BIN" stage "$1" --work-dir "$2" --task "$t")
    cpu=$(calc "$cpu + $c" .2f); rss=$(calc "max($rss, $r)" .0f)
  done
  echo "$cpu $rss"
}

rm -rf "$WORK" && mkdir -p "$WORK/in"
split -n l/8 -d --additional-suffix=.jsonl "$CRAWL" "$WORK/in/part-"
IN_MB=$(calc "$(bytes_of "$WORK/in")/1e6" .1f)
cd "$WORK" || exit 1

echo "runs cut into tasks: the bench crawl ($IN_MB MB) as 8 files, --threads 1"
read -r one_cpu one_rss < <(measure "$BIN" archive in --archive one --report one-1.jsonl --threads 1 -q)
# Night 2: every page again, against the archive of night 1.
read -r one2_cpu one2_rss < <(measure "$BIN" archive in --archive one --report one-2.jsonl --threads 1 -q)
row "one process, night 1" "cpu $one_cpu s" "peak $one_rss MB" "" ""
row "one process, night 2" "cpu $one2_cpu s" "peak $one2_rss MB" "" ""

for tasks in 1 2 4; do
  # The whole run as one command (its stages in this process).
  read -r cut_cpu _ < <(measure "$BIN" archive in --archive "t$tasks" --report "t$tasks-1.jsonl" --threads 1 \
                          --tasks "$tasks" --work-dir "t$tasks-work" -q)
  "$BIN" archive in --archive "t$tasks" --report "t$tasks-2.jsonl" --threads 1 --tasks "$tasks" \
    --work-dir "t$tasks-work" -q
  same=no
  cmp -s one-1.jsonl "t$tasks-1.jsonl" && cmp -s one-2.jsonl "t$tasks-2.jsonl" && same=yes
  row "$tasks task(s), reports = one process" "$same (2 nights)" "" "identical" "$([ $same = yes ] && echo ok || echo MISSED)"
  row "$tasks task(s), total CPU" "cpu $cut_cpu s" "one process $one_cpu s" "<= 1.3x" \
      "$(calc "$cut_cpu / $one_cpu" .2f)x $(verdict "$cut_cpu <= 1.3 * $one_cpu")"

  # The same stages run one by one, as the Slurm jobs run them, on the second night. A run
  # killed at its first task leaves the work folder with the run's command in it.
  W="s$tasks-work"
  "$BIN" archive in --archive "s$tasks" --threads 1 -q
  (SIMSHARD_CRASH_AT=analyze-task-0 "$BIN" archive in --archive "s$tasks" --report "s$tasks.jsonl" --threads 1 \
    --tasks "$tasks" --work-dir "$W" -q; true) 2>/dev/null
  read -r a_cpu a_rss < <(measure_array analyze "$W" "$tasks")
  slices=$(bytes_of "$W"/slice-*.stage) light=$(bytes_of "$W"/slice-*.decide)
  read -r c_cpu c_rss < <(measure "$BIN" stage chrome --work-dir "$W")
  chromed=$(bytes_of "$W"/chromed-*)
  read -r x_cpu x_rss < <(measure_array match "$W" "$tasks")
  found=$(bytes_of "$W"/matches-*)
  read -r d_cpu d_rss < <(measure "$BIN" stage decide --work-dir "$W")
  decided=$(bytes_of "$W"/decided-*)
  read -r w_cpu w_rss < <(measure_array write "$W" "$tasks")
  read -r m_cpu m_rss < <(measure "$BIN" stage merge --work-dir "$W")
  row "  analyse, $tasks task(s)" "cpu $a_cpu s in all" "peak $a_rss MB a task" "slices $(calc "$slices/1e6" .1f) MB" "decide files $(calc "$light/1e6" .1f) MB"
  row "  chrome, 1 task" "cpu $c_cpu s" "peak $c_rss MB" "chromed $(calc "$chromed/1e6" .2f) MB" ""
  row "  match, $tasks task(s)" "cpu $x_cpu s in all" "peak $x_rss MB a task" "findings $(calc "$found/1e6" .2f) MB" ""
  row "  decide, 1 task" "cpu $d_cpu s" "peak $d_rss MB" "decisions $(calc "$decided/1e6" .2f) MB" ""
  row "  write, $tasks task(s)" "cpu $w_cpu s in all" "peak $w_rss MB a task" "" ""
  row "  merge, 1 task" "cpu $m_cpu s" "peak $m_rss MB" "" ""
  staged=$(calc "$a_cpu + $c_cpu + $x_cpu + $d_cpu + $w_cpu + $m_cpu" .2f)
  row "  stages in all, night 2" "cpu $staged s" "one process $one2_cpu s" "" "overhead $(calc "($staged - $one2_cpu) / $one2_cpu * 100" .0f)%"
done
