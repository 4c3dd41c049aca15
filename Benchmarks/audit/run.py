#!/usr/bin/env python3
"""cairn-audit's grouping speed against numpy's np.unique(axis=0, return_inverse=True), same machine, same run.

Writes each layer as a safetensors file with numpy/safetensors (He-scaled random rows, some planted copies),
then times the whole `cairn-audit FILE --no-signal` command (process start, reading, hashing, verification,
outgoing check, report) and np.unique on the same [W | b] matrix (in memory, so numpy is not charged for
reading the file; also shown with safetensors' load). Checks that both find the same groups.

Usage: python3 Benchmarks/audit/run.py [--bin .build/release] [--repeats 3] [--sharded-gb 0]
Build first: swift build -c release
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from safetensors.numpy import load_file, save_file

CASES = [("1,000,000 x 64", 1_000_000, 64, 5.0), ("10,000 x 10,000", 10_000, 10_000, 2.0)]


def planted(rows, width, copies, seed):
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((rows, width), dtype=np.float32) * np.float32(np.sqrt(2 / width)))
    b = np.zeros(rows, np.float32)
    source = rng.integers(0, rows, copies)
    target = rng.integers(0, rows, copies)
    w[target] = w[source]
    return w, b


def numpy_groups(w, b):
    _, inverse = np.unique(np.concatenate([w, b[:, None]], axis=1), axis=0, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    order = np.argsort(inverse, kind="stable")
    labels = inverse[order]
    cuts = np.flatnonzero(np.diff(labels)) + 1
    return sorted(g.tolist() for g in np.split(order, cuts) if len(g) > 1)


def best(fn, repeats):
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sharded-gb", type=float, default=0, help="also audit a synthetic sharded checkpoint of this size")
    args = parser.parse_args()
    audit = os.path.join(args.bin, "cairn-audit")
    work = tempfile.mkdtemp(prefix="cairn-audit-bench-")
    print(f"numpy {np.__version__}; cairn-audit {audit}; files in {work}")
    for label, rows, width, target in CASES:
        w, b = planted(rows, width, copies=max(rows // 1000, 10), seed=rows)
        path = os.path.join(work, f"layer-{rows}x{width}.safetensors")
        save_file({"layer.weight": w, "layer.bias": b}, path)

        def run_audit():
            out = subprocess.run([audit, path, "--no-signal", "--json"], capture_output=True, text=True)
            if out.returncode not in (0, 1):
                sys.exit(f"cairn-audit failed: {out.stderr}")
            return out.stdout

        run_audit()  # warm the page cache for both
        cairn_seconds, report = best(run_audit, args.repeats)
        numpy_seconds, reference = best(lambda: numpy_groups(w, b), args.repeats)
        load_seconds, _ = best(lambda: load_file(path), args.repeats)
        ours = sorted(g["units"] for layer in json.loads(report)["layers"] for g in layer["groups"])
        same = "same groups" if ours == reference else "DIFFERENT GROUPS"
        print(f"{label}: cairn-audit (whole command) {cairn_seconds:.3f} s (target < {target:.0f} s); "
              f"np.unique {numpy_seconds:.3f} s (+ safetensors load {load_seconds:.3f} s); "
              f"ratio {numpy_seconds / cairn_seconds:.2f}x in memory, "
              f"{(numpy_seconds + load_seconds) / cairn_seconds:.2f}x with loading; "
              f"{len(ours)} groups, {same}")
        tolerance_seconds, _ = best(lambda: subprocess.run([audit, path, "--no-signal", "--tolerance", "1e-4"],
                                                           capture_output=True), args.repeats)
        print(f"{label}: cairn-audit --tolerance 1e-4 (grid cells, no numpy peer) {tolerance_seconds:.3f} s")
        del w, b
        os.remove(path)
    if args.sharded_gb > 0:
        sharded(work, args.sharded_gb, audit)
    shutil.rmtree(work)


def sharded(work, gigabytes, audit):
    """A Hugging Face style sharded checkpoint of `gigabytes` GB: 4096 x 4096 f32 layers (64 MiB each), one
    shard per 8 layers, and the peak resident memory of the audit of it."""
    layer_bytes = 4096 * 4096 * 4
    layers = max(2, int(gigabytes * 1e9 // layer_bytes))
    rng = np.random.default_rng(1)
    weight_map = {}
    shard_count = (layers + 7) // 8
    for shard in range(shard_count):
        name = f"model-{shard + 1:05d}-of-{shard_count:05d}.safetensors"
        tensors = {}
        for i in range(shard * 8, min(layers, shard * 8 + 8)):
            tensors[f"layers.{i}.weight"] = rng.standard_normal((4096, 4096), dtype=np.float32) * np.float32(1 / 64)
            tensors[f"layers.{i}.bias"] = np.zeros(4096, np.float32)
        save_file(tensors, os.path.join(work, name))
        weight_map.update({key: name for key in tensors})
    index = os.path.join(work, "model.safetensors.index.json")
    json.dump({"metadata": {"total_size": layers * layer_bytes}, "weight_map": weight_map}, open(index, "w"))
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", audit, index, "--no-signal"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak_kib = int(out.stderr.strip().splitlines()[-1])
    print(f"sharded: {layers} layers of 4096 x 4096 f32 in {shard_count} shards, {layers * layer_bytes / 1e9:.2f} GB: "
          f"cairn-audit {seconds:.1f} s, peak RSS {peak_kib / 1024:.0f} MiB "
          f"(largest layer {layer_bytes / 2**20:.0f} MiB), exit {out.returncode}")


if __name__ == "__main__":
    main()
