#!/usr/bin/env python3
"""Benchmarks cairn-eval against PyTorch and the equivalent Python script, in one run, and prints ratios.

    python3 Benchmarks/eval/run.py [--reps 3] [--samples 60000] [--no-write]

Workload: MLP 784-256-128-10 (ReLU, softmax head; random weights, He-scaled) over 60000x784 float32
inputs in [0, 1) with random labels 0-9, 2 threads for everyone.

BLAS: a machine-wide OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is removed for every process, so each picks its own
kernels as it would out of the box.

1. Inference, samples/s at batch 32 and 1024: `cairn-eval --batch-size B --threads 2 --json` reports the
   rate of its inference alone (forward passes, softmax, per-sample losses), best of --reps runs; PyTorch
   runs the same model under `torch.inference_mode()` with `torch.set_num_threads(2)`, softmax included,
   into a preallocated output, best of --reps.
2. The whole command on a 60000x784 NPY test set (load, infer, full report): `cairn-eval MODEL --data x.npy
   --labels y.npy --threads 2` against the equivalent Python script (numpy.load, PyTorch forward at batch
   1024, scikit-learn classification_report + confusion_matrix, printed), each timed as a process with
   /usr/bin/time -v (wall clock and peak RSS), best of --reps.

Needs a release build (`swift build -c release`), numpy, safetensors, scikit-learn and torch. Writes
RESULTS.md beside this file unless --no-write.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

# Every process picks its own BLAS kernel: a machine-wide OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (this machine sets
# OPENBLAS_CORETYPE=Haswell) is removed for Cairn and the peers alike, so each runs as it does out of the box
# (Cairn then asks OpenBLAS for its SkylakeX kernels on AVX-512 CPUs).
for _name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_name, None)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.join(ROOT, ".build", "release")
THREADS = 2

PYTHON_SCRIPT = r'''
import sys
import time
import numpy as np
import torch
from safetensors.numpy import load_file
from sklearn.metrics import classification_report, confusion_matrix
torch.set_num_threads(2)
started = time.perf_counter()
weights = load_file(sys.argv[1])
x = np.load(sys.argv[2])
y = np.load(sys.argv[3])
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                            torch.nn.Linear(128, 10))
with torch.no_grad():
    for i, name in enumerate(["dense1", "dense2", "dense3"]):
        model[2 * i].weight.copy_(torch.from_numpy(weights[name + ".weight"]))
        model[2 * i].bias.copy_(torch.from_numpy(weights[name + ".bias"]))
inputs = torch.from_numpy(x)
probabilities = torch.empty(len(x), 10)
with torch.inference_mode():
    for start in range(0, len(x), 1024):
        probabilities[start:start + 1024] = torch.softmax(model(inputs[start:start + 1024]), dim=1)
predicted = probabilities.argmax(dim=1).numpy()
loss = float(torch.nn.functional.nll_loss(torch.log(probabilities), torch.from_numpy(y).long()))
print(f"accuracy {np.mean(predicted == y):.4f} loss {loss:.4f}")
print(classification_report(y, predicted, digits=4, zero_division=0))
print(confusion_matrix(y, predicted))
print(f"after imports: {time.perf_counter() - started:.3f} s", file=sys.stderr)
'''


def prepare(work, samples):
    import numpy as np
    from safetensors.numpy import save_file
    rng = np.random.default_rng(0)
    weights = {}
    for name, (out, inp) in [("dense1", (256, 784)), ("dense2", (128, 256)), ("dense3", (10, 128))]:
        weights[name + ".weight"] = (rng.standard_normal((out, inp)) * np.sqrt(2.0 / inp)).astype(np.float32)
        weights[name + ".bias"] = (rng.standard_normal(out) * 0.01).astype(np.float32)
    save_file(weights, os.path.join(work, "model.safetensors"))
    np.save(os.path.join(work, "x.npy"), rng.random((samples, 784), dtype=np.float32))
    np.save(os.path.join(work, "y.npy"), rng.integers(0, 10, samples).astype(np.int64))
    subprocess.run([os.path.join(BIN, "cairn-convert"), os.path.join(work, "model.safetensors"),
                    os.path.join(work, "model.cairn"), "--activation", "relu", "--quiet", "--force"], check=True)
    with open(os.path.join(work, "equivalent.py"), "w") as f:
        f.write(PYTHON_SCRIPT)


def cairn_inference(work, batch, reps, threads=THREADS):
    best = 0.0
    for _ in range(reps):
        out = subprocess.run([os.path.join(BIN, "cairn-eval"), os.path.join(work, "model.cairn"), "--data",
                              os.path.join(work, "x.npy"), "--labels", os.path.join(work, "y.npy"), "--batch-size",
                              str(batch), "--threads", str(threads), "--json", "--quiet"],
                             capture_output=True, text=True, check=True).stdout
        best = max(best, json.loads(out)["samples_per_second"])
    return best


def torch_inference(work, batch, reps, threads=THREADS):
    code = r'''
import sys, time, numpy as np, torch
from safetensors.numpy import load_file
torch.set_num_threads(int(sys.argv[5]))
w = load_file(sys.argv[1]); x = torch.from_numpy(np.load(sys.argv[2])); batch = int(sys.argv[3]); reps = int(sys.argv[4])
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
with torch.no_grad():
    for i, n in enumerate(["dense1", "dense2", "dense3"]):
        model[2 * i].weight.copy_(torch.from_numpy(w[n + ".weight"])); model[2 * i].bias.copy_(torch.from_numpy(w[n + ".bias"]))
out = torch.empty(len(x), 10)
best = 0.0
for _ in range(reps):
    start = time.perf_counter()
    with torch.inference_mode():
        for s in range(0, len(x), batch):
            out[s:s + batch] = torch.softmax(model(x[s:s + batch]), dim=1)
    best = max(best, len(x) / (time.perf_counter() - start))
print(best)
'''
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-c", code, os.path.join(work, "model.safetensors"), os.path.join(work, "x.npy"),
                          str(batch), str(reps), str(threads)], capture_output=True, text=True, check=True, env=env).stdout
    return float(out.strip().splitlines()[-1])


def timed(command, reps, env=None):
    """Best wall-clock seconds, the peak RSS (MiB) of that run (/usr/bin/time -v), and its own 'after imports' time."""
    best = None
    for _ in range(reps):
        result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {result.stderr[-2000:]}")
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
        seconds = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)))
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
        own = re.search(r"after imports: ([\d.]+) s", result.stderr)
        if best is None or seconds < best[0]:
            best = (seconds, rss, float(own.group(1)) if own else None)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="cairn-bench-eval-")
    prepare(work, args.samples)
    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    cpu = next((l.split(":", 1)[1].strip() for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
                if l.startswith("Model name")), platform.processor())
    import torch
    blas = subprocess.run([os.path.join(BIN, "cairn-train"), "--epochs", "1", "--verbose", "--out",
                           os.path.join(work, "blas-probe")], capture_output=True, text=True).stderr
    blas = next((l for l in blas.splitlines() if l.startswith("blas:")), "blas: ?")
    say(f"date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; CPU: {cpu}; "
        f"{THREADS} threads; PyTorch {torch.__version__}; {args.samples} samples; best of {args.reps}; Cairn {blas}")
    say()
    say("Inference, MLP 784-256-128-10, samples/s (softmax and outputs kept by both)")
    say()
    say("| batch | Cairn | PyTorch inference_mode | Cairn / PyTorch | target | Cairn, 1 thread | PyTorch, 1 thread | ratio, 1 thread |")
    say("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for batch, target in [(32, 2.0), (1024, 1.2)]:
        cairn = cairn_inference(work, batch, args.reps)
        peer = torch_inference(work, batch, args.reps)
        cairn_single = cairn_inference(work, batch, args.reps, threads=1)
        single = torch_inference(work, batch, args.reps, threads=1)
        say(f"| {batch} | {cairn:,.0f} | {peer:,.0f} | {cairn / peer:.2f} | {target} | {cairn_single:,.0f} | {single:,.0f} "
            f"| {cairn_single / single:.2f} |")
    say()
    data_mib = os.path.getsize(os.path.join(work, "x.npy")) / 2**20 + os.path.getsize(os.path.join(work, "y.npy")) / 2**20
    model_mib = os.path.getsize(os.path.join(work, "model.cairn")) / 2**20
    cairn = timed([os.path.join(BIN, "cairn-eval"), os.path.join(work, "model.cairn"), "--data", os.path.join(work, "x.npy"),
                   "--labels", os.path.join(work, "y.npy"), "--threads", str(THREADS), "--quiet"], args.reps)
    env = dict(os.environ)
    python = timed([sys.executable, os.path.join(work, "equivalent.py"), os.path.join(work, "model.safetensors"),
                    os.path.join(work, "x.npy"), os.path.join(work, "y.npy")], args.reps, env=env)
    say(f"Whole command on a {args.samples}x784 float32 NPY test set (load, infer, full report), wall clock and peak RSS")
    say()
    say("| | seconds | peak RSS MiB |")
    say("|---|---:|---:|")
    say(f"| cairn-eval | {cairn[0]:.2f} | {cairn[1]:.0f} |")
    say(f"| Python: numpy.load + PyTorch + scikit-learn | {python[0]:.2f} | {python[1]:.0f} |")
    say()
    say(f"The Python script's own time after its imports (numpy, torch, safetensors, scikit-learn): {python[2]:.2f} s, "
        f"{python[2] / cairn[0]:.2f}x Cairn's whole command.")
    say()
    say(f"speed-up {python[0] / cairn[0]:.2f}x (target 2x); Cairn's peak RSS {cairn[1]:.0f} MiB against data {data_mib:.0f} MiB "
        f"+ model {model_mib:.1f} MiB + 64 MiB = {data_mib + model_mib + 64:.0f} MiB allowed")
    if not args.no_write:
        with open(os.path.join(HERE, "RESULTS.md"), "a") as f:
            f.write("\n## Run of " + datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") + "\n\n")
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
