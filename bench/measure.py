#!/usr/bin/python3
"""Times commands side by side: runs them interleaved (A B A B ...) so that machine
noise falls on both alike, and reports each one's median wall time and peak RSS.

usage: measure.py RUNS NAME=COMMAND [NAME=COMMAND ...]   (COMMAND split on spaces)
prints one line per command: NAME MEDIAN_SECONDS PEAK_RSS_MB
"""
import os
import statistics
import subprocess
import sys
import time


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"measure: {' '.join(argv)} failed")
    return elapsed, usage.ru_maxrss / 1024.0  # ru_maxrss is in KiB on Linux


def main():
    runs = int(sys.argv[1])
    commands = [arg.split("=", 1) for arg in sys.argv[2:]]
    times = {name: [] for name, _ in commands}
    rss = {name: 0.0 for name, _ in commands}
    for _ in range(2):  # warm the page cache and the binaries
        for _, cmd in commands:
            run_once(cmd.split())
    for _ in range(runs):
        for name, cmd in commands:
            t, r = run_once(cmd.split())
            times[name].append(t)
            rss[name] = max(rss[name], r)
    for name, _ in commands:
        print(f"{name} {statistics.median(times[name]):.3f} {rss[name]:.1f}")


if __name__ == "__main__":
    main()
