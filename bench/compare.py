#!/usr/bin/env python3
"""Runs two shell commands alternately, ROUNDS times each, and compares them.

Alternating (A, B, A, B, ...) instead of all-A-then-all-B keeps slow drifts of
a shared machine (other jobs, thermal, page cache) from favouring one side.
Prints a Markdown table and the ratio of medians; writes JSON beside it.

usage: compare.py ROUNDS PREPARE NAME_A CMD_A NAME_B CMD_B OUT_JSON
"""
import json
import os
import statistics
import subprocess
import sys
import time


def timed(cmd: str) -> tuple[float, float]:
    """Wall and CPU (user+sys of children) seconds of one run."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def main() -> None:
    rounds, prepare, name_a, cmd_a, name_b, cmd_b, out = sys.argv[1:8]
    rounds = int(rounds)
    runs = {name_a: [], name_b: []}
    # One warm-up of each fills the page cache with the input set.
    for cmd in (cmd_a, cmd_b):
        subprocess.run(prepare, shell=True, check=True)
        timed(cmd)
    for _ in range(rounds):
        for name, cmd in ((name_a, cmd_a), (name_b, cmd_b)):
            subprocess.run(prepare, shell=True, check=True)
            runs[name].append(timed(cmd))
    rows = []
    for name, samples in runs.items():
        walls = [w for w, _ in samples]
        cpus = [c for _, c in samples]
        rows.append((name, statistics.median(walls), min(walls), max(walls), statistics.median(cpus)))
    print("| command | median wall (s) | min (s) | max (s) | median CPU (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, med, lo, hi, cpu in rows:
        print(f"| {name} | {med:.3f} | {lo:.3f} | {hi:.3f} | {cpu:.3f} |")
    ratio = rows[0][1] / rows[1][1]
    cpu_ratio = rows[0][4] / rows[1][4]
    print(f"\nratio of medians, wall: **{ratio:.2f}x**; CPU: {cpu_ratio:.2f}x ({rounds} alternating rounds)")
    with open(out, "w") as f:
        json.dump({"rounds": rounds, "runs": runs, "ratio_wall": ratio, "ratio_cpu": cpu_ratio}, f, indent=1)


if __name__ == "__main__":
    main()
