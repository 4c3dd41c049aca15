#!/usr/bin/env python3
"""Image and sequence data against NumPy: shapes, fingerprints and the flatten order.

Usage: python3 Tests/EndToEnd/image_data.py BIN_DIR      (e.g. .build/release)

NumPy writes the bundled digits as `[N, 1, 8, 8]` and `[N, 2, 32]` float32 .npy files. cairn-train must
read them with their sample shape (recorded as the manifest's data.inputShape, the graph's input shape),
with the data fingerprint NumPy computes from the arrays as Formats/cairn-v1.md defines it, and train
bit-identically to the CSV rows read with `--input-shape 1x8x8`. Then the trained network is run in NumPy
on `X.reshape(N, -1)` (C order) with the weights Formats/reference_reader.py reads, and its probabilities
must match cairn-eval's --predictions: the flatten node keeps NumPy's row-major order.
Ends with `image-data: N passed, M failed`; exits 1 if anything failed.
"""
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklist import ROOT, Checklist, tools_folder  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "Formats"))
from reference_reader import read_file  # noqa: E402

BIN = tools_folder()
WORK = tempfile.mkdtemp(prefix="cairn-image-data-")
checks = Checklist("image-data")
check = checks.check


def run(tool, *args):
    result = subprocess.run([os.path.join(BIN, tool), *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"{tool} {' '.join(args)}: exit {result.returncode}: {result.stderr.strip()}")
    return result


def fnv1a64(data, h=0xCBF29CE484222325):
    prime = 0x100000001B3
    for byte in data:
        h = ((h ^ byte) * prime) & 0xFFFFFFFFFFFFFFFF
    return h


def fingerprint(features, labels):
    """Formats/cairn-v1.md: FNV-1a 64 over width u32, every feature's f32 bits, then labels as i32."""
    width = int(np.prod(features.shape[1:]))
    body = np.uint32(width).astype("<u4").tobytes() + features.astype("<f4").tobytes()
    body += labels.astype("<i4").tobytes()
    return f"fnv1a64:{fnv1a64(body):016x}"


table = np.loadtxt(os.path.join(ROOT, "Fixtures/datasets/digits.csv"), delimiter=",", skiprows=1, dtype=np.float32)
X, y = np.ascontiguousarray(table[:, 1:]), table[:, 0].astype(np.int64)  # label first, then p0..p63
images, sequences = X.reshape(-1, 1, 8, 8), X.reshape(-1, 2, 32)
paths = {name: os.path.join(WORK, f"{name}.npy") for name in ["images", "sequences", "labels"]}
np.save(paths["images"], images)
np.save(paths["sequences"], sequences)
np.save(paths["labels"], y)
common = ["--epochs", "3", "--scale", "0.0625", "--quiet"]

runs = {}
for name, data in [("images", ["--data", paths["images"], "--labels", paths["labels"]]),
                   ("sequences", ["--data", paths["sequences"], "--labels", paths["labels"]]),
                   ("csv", ["--data", "Fixtures/datasets/digits.csv", "--input-shape", "1x8x8"])]:
    out = os.path.join(WORK, name)
    check(f"cairn-train on {name}", run("cairn-train", *data, *common, "--out", out).returncode == 0)
    runs[name] = read_file(os.path.join(out, "latest.cairn"))

expected = fingerprint(images, y)
for name, shape in [("images", [1, 8, 8]), ("sequences", [2, 32]), ("csv", [1, 8, 8])]:
    manifest, _ = runs[name]
    check(f"{name}: data.inputShape {shape}", manifest["data"].get("inputShape") == shape, manifest["data"])
    graph_input = manifest["graph"]["nodes"][0]
    check(f"{name}: the graph's input shape", graph_input.get("shape") == shape, graph_input)
    check(f"{name}: a flatten node follows the input", manifest["graph"]["nodes"][1]["kind"] == "flatten")
    check(f"{name}: fingerprint as NumPy computes it", manifest["data"]["fingerprint"] == expected,
          f"{manifest['data']['fingerprint']} vs {expected}")

npy_tensors, csv_tensors = runs["images"][1], runs["csv"][1]
check("NPY images and CSV rows as 1x8x8 train bit-identical weights",
      sorted(npy_tensors) == sorted(csv_tensors)
      and all(npy_tensors[k].tobytes() == csv_tensors[k].tobytes() for k in npy_tensors))

# The network in NumPy on the C-order flattening; cairn-eval's probabilities must agree.
predictions = os.path.join(WORK, "predictions.csv")
evaluated = run("cairn-eval", os.path.join(WORK, "images", "latest.cairn"), "--data", paths["images"],
                "--labels", paths["labels"], "--predictions", predictions)
check("cairn-eval scores the NPY images", evaluated.returncode == 0)
tensors = npy_tensors
h = X.reshape(len(X), -1).astype(np.float64) * 0.0625
h = h @ tensors["dense1.weight"].astype(np.float64).T + tensors["dense1.bias"]
h = np.where(h > 0, h, 0.01 * h)
logits = h @ tensors["dense2.weight"].astype(np.float64).T + tensors["dense2.bias"]
logits -= logits.max(axis=1, keepdims=True)
probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
with open(predictions) as f:
    rows = list(csv.DictReader(f))
cairn = np.array([[float(r[f"p_{c}"]) for c in range(10)] for r in rows])
order = np.array([int(r["index"]) for r in rows])
difference = np.abs(cairn - probabilities[order]).max() if len(rows) == len(X) else np.inf
check("cairn-eval's probabilities match NumPy's forward pass on X.reshape(N, -1)", difference < 1e-5,
      f"max difference {difference}")

checks.finish()
