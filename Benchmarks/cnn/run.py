#!/usr/bin/env python3
"""Whole-network CNN training throughput: Cairn against PyTorch CPU in the same run, same threads.

LeNet-5-style on 1x28x28 (batch 128 and 32) and a 1-D CNN (three conv1d of 25 channels, kernels 5/3/3,
stride 2, on length 40; batch 100), as `Sources/CNNBenchmark.swift` describes: forward, softmax
cross-entropy, backward and an SGD-momentum update per step, random inputs and labels. Cairn and
PyTorch are run alternately for --rounds rounds and each side's best median is kept, so both see the
same machine load. Ratio = Cairn samples/s / PyTorch samples/s (targets: LeNet >= 1.0, 1-D CNN >= 1.5).

    python3 Benchmarks/cnn/run.py [--threads 2] [--reps 5] [--seconds 1] [--rounds 2] [--no-write]
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = [("lenet", 128, 1.0), ("lenet", 32, 1.0), ("conv1d", 100, 1.5)]


def torch_rate(net, batch, threads, reps, seconds):
    import torch
    import torch.nn as nn
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    if net == "lenet":
        model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84),
                              nn.ReLU(), nn.Linear(84, 10))
        x = torch.rand(batch, 1, 28, 28)
    else:
        model = nn.Sequential(nn.Conv1d(1, 25, 5, stride=2), nn.ReLU(), nn.Conv1d(25, 25, 3, stride=2), nn.ReLU(),
                              nn.Conv1d(25, 25, 3, stride=2), nn.ReLU(), nn.Flatten(), nn.Linear(75, 10))
        x = torch.rand(batch, 1, 40)
    y = torch.randint(0, 10, (batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    for _ in range(10):
        step()
    rates = []
    for _ in range(reps):
        start, steps = time.perf_counter(), 0
        while time.perf_counter() - start < seconds:
            step()
            steps += 1
        rates.append(steps * batch / (time.perf_counter() - start))
    return sorted(rates)[len(rates) // 2]


def cairn_rate(net, batch, threads, reps, seconds):
    binary = os.path.join(ROOT, ".build", "release", "cairn-bench-cnn")
    out = subprocess.run([binary, "--net", net, "--batches", str(batch), "--reps", str(reps), "--seconds",
                          str(seconds), "--threads", str(threads)], capture_output=True, text=True, check=True).stdout
    return next(json.loads(l[7:]) for l in out.splitlines() if l.startswith("RESULT "))["samples_per_second"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "cairn-bench-cnn"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    rows = []
    for net, batch, target in CASES:
        cairn, torch = 0.0, 0.0
        for _ in range(args.rounds):
            cairn = max(cairn, cairn_rate(net, batch, args.threads, args.reps, args.seconds))
            torch = max(torch, torch_rate(net, batch, args.threads, args.reps, args.seconds))
        rows.append((net, batch, cairn, torch, cairn / torch, target))
        print(f"{net:7} batch {batch:4}: cairn {cairn:9.0f} samples/s, pytorch {torch:9.0f}, ratio {cairn / torch:.2f}x"
              f" (target {target}x)", flush=True)
    if not args.no_write:
        model = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((l.split(":", 1)[1].strip() for l in model.splitlines() if l.startswith("Model name")), "?")
        import torch as t
        lines = [f"# CNN training throughput, Cairn vs PyTorch {t.__version__} (CPU)", "",
                 f"{datetime.date.today()}, {model}, {args.threads} threads, best of {args.rounds} rounds of "
                 f"{args.reps} x {args.seconds} s medians, release build. Machine shared with other work: noisy.", "",
                 "| network | batch | Cairn samples/s | PyTorch samples/s | ratio | target |", "|---|---|---|---|---|---|"]
        lines += [f"| {n} | {b} | {c:.0f} | {p:.0f} | {r:.2f}x | {g}x |" for n, b, c, p, r, g in rows]
        open(os.path.join(HERE, "RESULTS.md"), "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
