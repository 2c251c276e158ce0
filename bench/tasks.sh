#!/usr/bin/env bash
# make bench, runs cut into tasks: the bench crawl split into 8 files, archived by one
# process and by 1, 2 and 4 tasks (the local executor runs the same stage commands as the
# Slurm jobs), on two nights. Prints whether the reports are identical, the total CPU against
# one process, and each stage's CPU, peak memory and bytes written, from the stage commands
# run one by one.
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

rm -rf "$WORK" && mkdir -p "$WORK/in"
split -n l/8 -d --additional-suffix=.jsonl "$CRAWL" "$WORK/in/part-"
IN_MB=$(calc "$(bytes_of "$WORK/in")/1e6" .1f)
cd "$WORK" || exit 1

echo "runs cut into tasks: the bench crawl ($IN_MB MB) as 8 files, --threads 1"
read -r one_cpu one_rss < <(measure "$BIN" archive in --archive one --report one-1.jsonl --threads 1 -q)
"$BIN" archive in --archive one --report one-2.jsonl --threads 1 -q  # night 2: every page again
row "one process, night 1" "cpu $one_cpu s" "peak $one_rss MB" "" ""

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

  # The same stages run one by one, as the Slurm jobs run them. A run killed at its first
  # task leaves the work folder with the run's command in it.
  W="s$tasks-work"
  (SIMSHARD_CRASH_AT=analyze-task-0 "$BIN" archive in --archive "s$tasks" --report "s$tasks.jsonl" --threads 1 \
    --tasks "$tasks" --work-dir "$W" -q; true) 2>/dev/null
  a_cpu=0 a_rss=0 w_cpu=0 w_rss=0
  for ((t = 0; t < tasks; t++)); do
    read -r c r < <(measure "$BIN" stage analyze --work-dir "$W" --task "$t")
    a_cpu=$(calc "$a_cpu + $c" .2f); a_rss=$(calc "max($a_rss, $r)" .0f)
  done
  slices=$(bytes_of "$W"/slice-*.stage) light=$(bytes_of "$W"/slice-*.decide)
  read -r d_cpu d_rss < <(measure "$BIN" stage decide --work-dir "$W")
  decided=$(bytes_of "$W"/decided-*)
  for ((t = 0; t < tasks; t++)); do
    read -r c r < <(measure "$BIN" stage write --work-dir "$W" --task "$t")
    w_cpu=$(calc "$w_cpu + $c" .2f); w_rss=$(calc "max($w_rss, $r)" .0f)
  done
  read -r m_cpu m_rss < <(measure "$BIN" stage merge --work-dir "$W")
  row "  analyse, $tasks task(s)" "cpu $a_cpu s in all" "peak $a_rss MB a task" "slices $(calc "$slices/1e6" .1f) MB" "decide files $(calc "$light/1e6" .1f) MB"
  row "  decide (matching), 1 task" "cpu $d_cpu s" "peak $d_rss MB" "decisions $(calc "$decided/1e6" .2f) MB" ""
  row "  write, $tasks task(s)" "cpu $w_cpu s in all" "peak $w_rss MB a task" "" ""
  row "  merge, 1 task" "cpu $m_cpu s" "peak $m_rss MB" "" ""
  staged=$(calc "$a_cpu + $d_cpu + $w_cpu + $m_cpu" .2f)
  row "  stages in all" "cpu $staged s" "one process $one_cpu s" "" "overhead $(calc "($staged - $one_cpu) / $one_cpu * 100" .0f)%"
done
