#!/usr/bin/env python3
"""Runs a command as a whole process, N times, and prints one JSON object: wall times, CPU
time (user + system, all threads) and the peak resident memory of each run (GNU time's
"Maximum resident set size", as /usr/bin/time -v prints it; wall times then include
GNU time's own ~1 ms).

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
import tempfile
import time


GNU_TIME = "/usr/bin/time"


def run_once(cmd, stdout_path):
    """(wall s, cpu s, peak RSS bytes, exit status). The peak RSS comes from GNU time when
    it is installed: a child forked from this Python process would start with Python's
    own resident set counted in its peak, GNU time's children do not."""
    rss_file = None
    if os.access(GNU_TIME, os.X_OK):
        fd, rss_file = tempfile.mkstemp(prefix="measure-rss-")
        os.close(fd)
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file, "--"] + cmd
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss * 1024  # KiB on Linux
    if rss_file:
        with open(rss_file) as f:
            lines = f.read().split()
        os.unlink(rss_file)
        peak = int(lines[-1]) * 1024 if lines and lines[-1].isdigit() else peak
    return wall, cpu, peak, code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--args-file")
    ap.add_argument("--stdout", default=os.devnull)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    subst = [l.strip() for l in open(a.args_file) if l.strip()] if a.args_file else []
    walls, cpus, rss, failed = [], [], [], 0
    for i in range(a.runs):
        this = [c.replace("{}", subst[i % len(subst)]) if subst else c for c in cmd]
        wall, cpu, peak, code = run_once(this, a.stdout)
        if code not in (0, 3):
            failed = failed or code
            print(f"measure: exit {code}: {' '.join(this)[:200]}", file=sys.stderr)
        walls.append(wall)
        cpus.append(cpu)
        rss.append(peak)
    walls.sort()
    print(json.dumps(dict(runs=a.runs, min_s=walls[0], median_s=statistics.median(walls),
                          p90_s=walls[min(len(walls) - 1, int(len(walls) * 0.9))],
                          max_s=walls[-1], min_cpu_s=min(cpus),
                          median_cpu_s=statistics.median(cpus), max_rss_bytes=max(rss),
                          failed=failed)))
    return failed


if __name__ == "__main__":
    sys.exit(main())
