#!/usr/bin/env python3
"""Digits accuracy anchor: cairn-train against numpy and scikit-learn peers, in the same run.

The fixed stratified 80/20 split of Fixtures/datasets/digits-split.txt (1437 train, 360 test),
inputs divided by 16, MLP 64-64-10, leaky-ReLU 0.01, softmax cross-entropy, SGD momentum 0.9, lr 0.05,
batch 32, 50 epochs, He init; five seeds each; median test accuracy and cross-entropy.

Usage: python3 Benchmarks/digits/run.py [--bin .build/release] [--seeds 5]
(pip install scikit-learn for the scikit-learn peer; it is skipped, with a notice, when missing.)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "Fixtures", "datasets")
EPOCHS, LR, MU, BATCH, ALPHA = 50, 0.05, 0.9, 32, 0.01


def load():
    table = np.loadtxt(os.path.join(DATA, "digits.csv"), delimiter=",", skiprows=1)
    split = {}
    for line in open(os.path.join(DATA, "digits-split.txt")):
        key, values = line.split(":", 1)
        split[key.strip()] = [int(v) for v in values.split(",")]
    return table, split["train"], split["test"]


def write_csv(path, rows):
    header = "label," + ",".join(f"p{i}" for i in range(64))
    np.savetxt(path, rows, delimiter=",", fmt="%d", header=header, comments="")


def run_cairn(binary, train_csv, test_csv, seed, folder):
    out = os.path.join(folder, f"cairn-{seed}")
    start = time.perf_counter()
    result = subprocess.run([binary, "--data", train_csv, "--val", test_csv, "--scale", "0.0625", "--hidden", "64",
                             "--activation", "leaky-relu", "--alpha", str(ALPHA), "--init", "he", "--optimizer", "momentum",
                             "--momentum", str(MU), "--lr", str(LR), "--batch-size", str(BATCH), "--epochs", str(EPOCHS),
                             "--seed", str(seed), "--save-every", "0", "--out", out, "--json", "--quiet"],
                            capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    summary = json.loads(result.stdout)
    return summary["val_accuracy"], summary["val_loss"], seconds


def run_numpy(x, y, xt, yt, seed):
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((64, 64)) * np.sqrt(2 / 64)).astype(np.float32)
    b1 = np.zeros(64, np.float32)
    w2 = (rng.standard_normal((64, 10)) * np.sqrt(2 / 64)).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    params = [w1, b1, w2, b2]
    velocity = [np.zeros_like(p) for p in params]
    start = time.perf_counter()
    for _ in range(EPOCHS):
        order = rng.permutation(len(x))
        for i in range(0, len(x), BATCH):
            idx = order[i:i + BATCH]
            xb, yb = x[idx], y[idx]
            z1 = xb @ w1 + b1
            a1 = np.where(z1 > 0, z1, ALPHA * z1)
            logits = a1 @ w2 + b2
            p = np.exp(logits - logits.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            p[np.arange(len(yb)), yb] -= 1
            g = p / len(yb)
            gw2, gb2 = a1.T @ g, g.sum(0)
            ga1 = g @ w2.T
            gz1 = ga1 * np.where(z1 > 0, 1, ALPHA).astype(np.float32)
            gw1, gb1 = xb.T @ gz1, gz1.sum(0)
            for k, grad in enumerate([gw1, gb1, gw2, gb2]):
                velocity[k] = MU * velocity[k] + grad
                params[k] -= LR * velocity[k]
    seconds = time.perf_counter() - start
    z1 = xt @ w1 + b1
    a1 = np.where(z1 > 0, z1, ALPHA * z1)
    logits = a1 @ w2 + b2
    logp = logits - logits.max(1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(1, keepdims=True))
    return float((logits.argmax(1) == yt).mean()), float(-logp[np.arange(len(yt)), yt].mean()), seconds


def run_sklearn(x, y, xt, yt, seed):
    from sklearn.neural_network import MLPClassifier  # noqa: PLC0415
    start = time.perf_counter()
    model = MLPClassifier(hidden_layer_sizes=(64,), activation="relu", solver="sgd", learning_rate_init=LR,
                          momentum=MU, nesterovs_momentum=False, batch_size=BATCH, max_iter=EPOCHS, alpha=0.0,
                          random_state=seed, tol=0, n_iter_no_change=EPOCHS + 1)
    import warnings  # noqa: PLC0415
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(x, y)
    seconds = time.perf_counter() - start
    p = np.clip(model.predict_proba(xt), 1e-12, 1)
    return float(model.score(xt, yt)), float(-np.log(p[np.arange(len(yt)), yt]).mean()), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"))
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    table, train, test = load()
    x, y = (table[train, 1:] / 16).astype(np.float32), table[train, 0].astype(int)
    xt, yt = (table[test, 1:] / 16).astype(np.float32), table[test, 0].astype(int)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        train_csv, test_csv = os.path.join(folder, "train.csv"), os.path.join(folder, "test.csv")
        write_csv(train_csv, table[train])
        write_csv(test_csv, table[test])
        binary = os.path.join(args.bin, "cairn-train")
        results["cairn"] = [run_cairn(binary, train_csv, test_csv, s, folder) for s in range(args.seeds)]
    results["numpy"] = [run_numpy(x, y, xt, yt, s) for s in range(args.seeds)]
    try:
        results["scikit-learn (ReLU)"] = [run_sklearn(x, y, xt, yt, s) for s in range(args.seeds)]
    except ImportError:
        print("notice: scikit-learn is not installed; its peer is skipped (pip install scikit-learn)", file=sys.stderr)
    print(f"digits, 64-64-10 leaky-ReLU, SGD momentum 0.9, lr 0.05, batch 32, {EPOCHS} epochs, {args.seeds} seeds")
    print(f"{'implementation':<22} {'median test acc':>16} {'mean':>8} {'min':>8} {'max':>8} {'median CE':>10} {'median s/run':>13}")
    for name, runs in results.items():
        accuracies = [r[0] for r in runs]
        print(f"{name:<22} {100 * statistics.median(accuracies):>15.2f}% {100 * statistics.mean(accuracies):>7.2f}% {100 * min(accuracies):>7.2f}% "
              f"{100 * max(accuracies):>7.2f}% {statistics.median(r[1] for r in runs):>10.4f} "
              f"{statistics.median(r[2] for r in runs):>13.3f}")
    cairn = statistics.median(r[0] for r in results["cairn"])
    for name, runs in results.items():
        if name != "cairn":
            print(f"cairn / {name} median accuracy ratio: {cairn / statistics.median(r[0] for r in runs):.4f}")


if __name__ == "__main__":
    main()
