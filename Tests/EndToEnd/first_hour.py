#!/usr/bin/env python3
"""A new user's first hour, checked against peers.

1. CSV as people have it: the same random table written by Python's csv module in several dialects
   (CRLF, LF, a UTF-8 byte-order mark, every cell quoted, ';' and tab separators, a blank last line)
   and read by pandas.read_csv; cairn-train must load exactly pandas' float32 values from each: the
   checkpoint's data fingerprint (FNV-1a 64 over the samples, Formats/cairn-v1.md) is recomputed here
   from pandas' table and must match.
2. Regression in real units: cairn-train on scikit-learn's diabetes data (Fixtures/datasets/diabetes.csv)
   with a validation file; the checkpoint's weights (read with the reference reader) are run forward here
   with numpy, targets mapped back with the stored target mean and std, and scikit-learn's r2_score and
   mean_squared_error / 2 must equal the run's reported val_r2 and val_loss.

Usage: python3 Tests/EndToEnd/first_hour.py [BIN_DIR]   (default .build/release)
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from sklearn.metrics import mean_squared_error, r2_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Formats"))
import reference_reader  # noqa: E402

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release"))


def train(*arguments):
    result = subprocess.run([os.path.join(BIN, "cairn-train"), *arguments, "--json", "--quiet"],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"cairn-train {' '.join(arguments)} failed ({result.returncode}): {result.stderr}")
    return json.loads(result.stdout)


def fingerprint(features, labels):
    """FNV-1a 64 over width (u32), every feature's f32 bits, then the labels as i32 (Formats/cairn-v1.md)."""
    words = np.concatenate([np.array([features.shape[1]], np.uint32),
                            features.astype(np.float32).reshape(-1).view(np.uint32),
                            labels.astype(np.int32).view(np.uint32)])
    h = 0xCBF29CE484222325
    for byte in words.astype("<u4").tobytes():
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"fnv1a64:{h:016x}"


def check_dialects(work):
    rng = np.random.default_rng(7)
    rows = 120
    table = pd.DataFrame({
        "size, m²": np.round(rng.uniform(20, 250, rows), 2),
        'say "hi"': rng.integers(-50, 50, rows),
        "ratio": np.round(rng.normal(0, 1, rows), 6),
        "label": rng.integers(0, 4, rows),
    })
    dialects = {
        "lf": dict(delimiter=",", lineterminator="\n"),
        "crlf": dict(delimiter=",", lineterminator="\r\n"),
        "bom-crlf": dict(delimiter=",", lineterminator="\r\n", bom=True),
        "quoted": dict(delimiter=",", lineterminator="\r\n", quoting=csv.QUOTE_ALL),
        "semicolon": dict(delimiter=";", lineterminator="\r\n", flag=";"),
        "tab": dict(delimiter="\t", lineterminator="\n", flag="tab", blank_end=True),
    }
    failures = []
    for name, d in dialects.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=d["delimiter"], lineterminator=d["lineterminator"],
                            quoting=d.get("quoting", csv.QUOTE_MINIMAL))
        writer.writerow(table.columns)
        writer.writerows(table.itertuples(index=False))
        text = buffer.getvalue() + ("\n\n" if d.get("blank_end") else "")
        path = os.path.join(work, f"{name}.csv")
        with open(path, "w", encoding="utf-8-sig" if d.get("bom") else "utf-8", newline="") as f:
            f.write(text)
        peer = pd.read_csv(path, sep=d["delimiter"], engine="c", encoding="utf-8-sig")
        features = peer.drop(columns=["label"]).to_numpy(np.float32)
        expected = fingerprint(features, peer["label"].to_numpy())
        args = ["--data", path, "--epochs", "1", "--out", os.path.join(work, f"run-{name}")]
        if "flag" in d:
            args += ["--delimiter", d["flag"]]
        summary = train(*args)
        manifest, _ = reference_reader.read_file(summary["checkpoint"])
        got = manifest["data"]["fingerprint"]
        ok = got == expected and manifest["data"]["features"] == 3
        print(f"{'ok  ' if ok else 'FAIL'} {name}: cairn {got}, pandas {expected}")
        if not ok:
            failures.append(name)
    return failures


def forward(manifest, tensors, x):
    values = {}
    for node in manifest["graph"]["nodes"]:
        kind, name = node["kind"], node["name"]
        if kind == "input":
            values[name] = x
            continue
        a = values[node["inputs"][0]]
        if kind == "dense":
            values[name] = a @ tensors[f"{name}.weight"].astype(np.float64).T + tensors[f"{name}.bias"]
        elif kind == "leaky-relu":
            values[name] = np.where(a > 0, a, node.get("alpha", 0.01) * a)
        elif kind == "relu":
            values[name] = np.maximum(a, 0)
        elif kind == "tanh":
            values[name] = np.tanh(a)
        elif kind == "identity":
            values[name] = a
        else:
            raise SystemExit(f"unexpected node kind {kind}")
    return values[manifest["graph"]["nodes"][-1]["name"]]


def check_regression(work):
    data = pd.read_csv(os.path.join(ROOT, "Fixtures", "datasets", "diabetes.csv"))
    order = np.random.default_rng(3).permutation(len(data))
    train_path, val_path = os.path.join(work, "diabetes-train.csv"), os.path.join(work, "diabetes-val.csv")
    data.iloc[order[:352]].to_csv(train_path, index=False)
    data.iloc[order[352:]].to_csv(val_path, index=False)
    summary = train("--data", train_path, "--val", val_path, "--task", "regression", "--label-column", "progression",
                    "--standardize", "--out", os.path.join(work, "run-diabetes"))
    manifest, tensors = reference_reader.read_file(summary["checkpoint"])
    p = manifest["preprocessing"]
    validation = pd.read_csv(val_path)
    x = validation.drop(columns=["progression"]).to_numpy(np.float32) * np.float32(p["scale"])
    x = (x - np.array(p["mean"], np.float32)) / np.array(p["std"], np.float32)
    prediction = forward(manifest, tensors, x.astype(np.float64))[:, 0] * p["target_std"][0] + p["target_mean"][0]
    truth = validation["progression"].to_numpy(np.float64)
    r2, half_mse = r2_score(truth, prediction), mean_squared_error(truth, prediction) / 2
    r2_ok = abs(summary["val_r2"] - r2) <= 1e-4 * max(1, abs(r2))
    loss_ok = abs(summary["val_loss"] - half_mse) <= 1e-4 * half_mse
    mean_ok = abs(p["target_mean"][0] - data.iloc[order[:352]]["progression"].mean()) < 1e-3
    print(f"{'ok  ' if r2_ok else 'FAIL'} diabetes val_r2: cairn {summary['val_r2']:.6f}, scikit-learn {r2:.6f}")
    print(f"{'ok  ' if loss_ok else 'FAIL'} diabetes val_loss: cairn {summary['val_loss']:.4f}, "
          f"scikit-learn mean_squared_error / 2 {half_mse:.4f}")
    print(f"{'ok  ' if mean_ok else 'FAIL'} stored target mean {p['target_mean'][0]:.4f} is the training targets' mean")
    return [] if r2_ok and loss_ok and mean_ok and r2 > 0.2 else ["diabetes"]


def main():
    with tempfile.TemporaryDirectory() as work:
        failures = check_dialects(work) + check_regression(work)
    print("first-hour checks:", "FAILED " + ", ".join(failures) if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
