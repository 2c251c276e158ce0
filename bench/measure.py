#!/usr/bin/env python3
"""Runs a command as a whole process, N times, and prints one JSON object: wall times and
the peak resident memory of each run (from wait4's rusage, the figure /usr/bin/time -v
calls "Maximum resident set size").

  measure.py [--runs N] [--args-file FILE] [--stdout FILE] -- CMD ARG... [{}] ...

With --args-file, run i replaces each "{}" in the command with line i of FILE (cycling).
Exit status: 0 when every run exited 0 or 3 (3: archived with some inputs skipped),
else the first failing status.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd, stdout_path):
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss * 1024, proc.returncode  # ru_maxrss is in KiB on Linux


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--args-file")
    ap.add_argument("--stdout", default=os.devnull)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    subst = [l.strip() for l in open(a.args_file) if l.strip()] if a.args_file else []
    walls, rss, failed = [], [], 0
    for i in range(a.runs):
        this = [c.replace("{}", subst[i % len(subst)]) if subst else c for c in cmd]
        wall, peak, code = run_once(this, a.stdout)
        if code not in (0, 3):
            failed = failed or code
            print(f"measure: exit {code}: {' '.join(this)[:200]}", file=sys.stderr)
        walls.append(wall)
        rss.append(peak)
    walls.sort()
    print(json.dumps(dict(runs=a.runs, min_s=walls[0], median_s=statistics.median(walls),
                          p90_s=walls[min(len(walls) - 1, int(len(walls) * 0.9))],
                          max_s=walls[-1], max_rss_bytes=max(rss), failed=failed)))
    return failed


if __name__ == "__main__":
    sys.exit(main())
