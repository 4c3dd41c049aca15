#!/usr/bin/env python3
"""Convolution kernel benchmark: Cairn's `Convolution` (im2col + GEMM on the engine's thread team) against
PyTorch CPU on the convolution layers of a LeNet-5-style network (conv 1->6 5x5 on 1x28x28, conv 6->16 5x5
on 6x12x12; batch 128 and 32) and of a 1-D CNN (three conv1d of 25 channels, kernels 5/3/3, stride 2, on
length 40; batch 100). One forward + backward pass per layer (first layers compute no input gradient),
median seconds over --reps repetitions of about 0.2 s.

    python3 Benchmarks/conv/run.py [--threads 2,1] [--reps 5] [--rounds 2] [--workspace-floats F] [--wall-time]
                                   [--no-write]

On 1 thread both peers are timed by processor time (CLOCK_PROCESS_CPUTIME_ID, time.process_time), which
other load on a shared machine disturbs far less than wall time; --wall-time turns that off.

Builds `cairn-bench-conv` in release mode, then runs it and `torch_layers.py` (torch.set_num_threads)
alternately for --rounds rounds, so both see the same machine load, and takes per layer the best of the
rounds' medians. Ratio = PyTorch time / Cairn time (above 1: Cairn is faster). Writes RESULTS.md beside this file.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def results(command, env=None):
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    return [json.loads(line[7:]) for line in out.splitlines() if line.startswith("RESULT ")]


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, StopIteration):
        return "unknown"


def measure(threads, args):
    """Per layer, the best of the rounds' medians for Cairn and PyTorch at `threads` threads; a table."""
    binary = os.path.join(ROOT, ".build", "release", "cairn-bench-conv")
    cairn_command = [binary, "--threads", str(threads), "--reps", str(args.reps)]
    if args.workspace_floats:
        cairn_command += ["--workspace-floats", str(args.workspace_floats)]
    torch_env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    torch_command = [sys.executable, os.path.join(HERE, "torch_layers.py"), str(threads), str(args.reps)]
    if threads == 1 and not args.wall_time:
        # One thread never waits for another: its processor time is its work, undisturbed by other load.
        cairn_command.append("--cpu-time")
        torch_command.append("cpu")
    best = {}
    for round_ in range(args.rounds):
        for peer, rows in (("cairn", results(cairn_command)), ("torch", results(torch_command, torch_env))):
            for row in rows:
                key = (row["network"], row["layer"], row["batch"])
                entry = best.setdefault(key, {})
                entry[peer] = min(entry.get(peer, float("inf")), row["seconds"])
                if peer == "cairn":
                    entry["tile"] = row["tile"]
        print(f"{threads} threads: round {round_ + 1} of {args.rounds} done", file=sys.stderr, flush=True)

    clock = "processor time" if threads == 1 and not args.wall_time else "wall-clock time"
    lines = [f"{threads} thread{'s' if threads != 1 else ''} ({clock}):", "",
             "| network | layer | batch | Cairn ms | PyTorch ms | ratio (PyTorch / Cairn) | Cairn tile |",
             "|---|---|---:|---:|---:|---:|---:|"]
    totals = {}
    for (network, layer, batch), entry in best.items():
        ratio = entry["torch"] / entry["cairn"]
        lines.append(f"| {network} | {layer} | {batch} | {entry['cairn'] * 1e3:.3f} | {entry['torch'] * 1e3:.3f} | "
                     f"{ratio:.2f}x | {entry['tile']} |")
        total = totals.setdefault((network, batch), [0.0, 0.0])
        total[0] += entry["cairn"]
        total[1] += entry["torch"]
    lines += ["", "| network | batch | all conv layers, Cairn ms | PyTorch ms | ratio |", "|---|---:|---:|---:|---:|"]
    for (network, batch), (cairn, torch_) in totals.items():
        lines.append(f"| {network} | {batch} | {cairn * 1e3:.3f} | {torch_ * 1e3:.3f} | {torch_ / cairn:.2f}x |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="2,1", help="thread counts to measure, comma-separated")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workspace-floats", type=int)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--wall-time", action="store_true", help="wall-clock time on 1 thread too (default: CPU time)")
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "cairn-bench-conv"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    tables = []
    for threads in [int(t) for t in args.threads.split(",")]:
        tables.append(measure(threads, args))
        print(tables[-1] + "\n", flush=True)
    if args.no_write:
        return
    import torch
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
        f.write(f"# Convolution kernel benchmark\n\nMeasured {stamp} on {cpu_model()}, PyTorch "
                f"{torch.__version__} (`torch.set_num_threads`), best of {args.rounds} rounds of the median of "
                f"{args.reps} repetitions; `python3 Benchmarks/conv/run.py`. One forward + backward pass of each "
                "convolution layer (no input gradient for first layers).\n\n" + "\n\n".join(tables) + "\n")


if __name__ == "__main__":
    main()
