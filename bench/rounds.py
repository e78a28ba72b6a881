#!/usr/bin/env python3
"""Runs several shell commands in alternating rounds and compares them with
one of them (the baseline): bench/compare.py for more than two commands.

Each round runs every command once, in the order given, each after PREPARE;
one warm-up round comes first and is not counted. Alternating keeps slow
drifts of a shared machine (other jobs, thermal, page cache) from favouring
one side. Prints a Markdown table (median, min, max wall; median CPU of the
command's own processes; ratio of medians to the baseline) and writes JSON.

usage: rounds.py ROUNDS PREPARE BASELINE_NAME OUT_JSON NAME CMD [NAME CMD ...]
"""
import json
import statistics
import subprocess
import sys

from compare import timed


def main() -> None:
    rounds, prepare, baseline, out = sys.argv[1:5]
    rounds = int(rounds)
    pairs = sys.argv[5:]
    if len(pairs) < 4 or len(pairs) % 2:
        sys.exit(__doc__)
    commands = list(zip(pairs[::2], pairs[1::2]))
    if baseline not in dict(commands):
        sys.exit(f"no command named {baseline!r}")
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in commands}
    for round_no in range(rounds + 1):
        for name, cmd in commands:
            subprocess.run(prepare, shell=True, check=True)
            sample = timed(cmd)
            label = "warm-up" if round_no == 0 else f"round {round_no}"
            print(f"  {label}: {name}: {sample[0]:.3f} s wall, {sample[1]:.3f} s CPU", file=sys.stderr)
            if round_no:
                runs[name].append(sample)
    medians = {name: statistics.median(w for w, _ in s) for name, s in runs.items()}
    cpus = {name: statistics.median(c for _, c in s) for name, s in runs.items()}
    print(f"| command | median wall (s) | min (s) | max (s) | median CPU (s) | wall / {baseline} |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, samples in runs.items():
        walls = [w for w, _ in samples]
        ratio = medians[name] / medians[baseline]
        print(f"| {name} | {medians[name]:.3f} | {min(walls):.3f} | {max(walls):.3f} | {cpus[name]:.3f} | {ratio:.2f}x |")
    print(f"\n({rounds} alternating rounds after one warm-up round)")
    with open(out, "w") as f:
        json.dump({"rounds": rounds, "baseline": baseline, "runs": runs,
                   "ratios_wall": {n: medians[n] / medians[baseline] for n in runs}}, f, indent=1)


if __name__ == "__main__":
    main()
