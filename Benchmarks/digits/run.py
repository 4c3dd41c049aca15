#!/usr/bin/env python3
"""Digits accuracy anchor: cairn-train against numpy, PyTorch and scikit-learn peers, in the same run.

The fixed stratified 80/20 split of Fixtures/datasets/digits-split.txt (1437 train, 360 test),
inputs divided by 16, MLP 64-64-10, leaky-ReLU 0.01, softmax cross-entropy, SGD momentum 0.9, lr 0.05,
batch 32, 50 epochs, He init; five seeds each (or --seeds N); median test accuracy and cross-entropy.

Peers: hand-written numpy (float32), PyTorch (float32, kaiming_normal_ weights, zero biases) and
scikit-learn's MLPClassifier (ReLU: it has no leaky-ReLU; its own Glorot initialisation). With many
seeds it also prints each implementation's distribution of correct test samples (out of 360) and a
bootstrap 95% interval for the difference of mean accuracy between Cairn and each peer.

Five seeds (the baseline's count) cannot tell implementations apart by one test sample: their median
moves by a sample from one set of seeds to the next. RESULTS.md beside this file uses --seeds 301.

Usage: python3 Benchmarks/digits/run.py [--bin .build/release] [--seeds 5] [--json FILE]
(pip install scikit-learn torch for those peers; a missing one is skipped, with a notice.)
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


def run_torch(x, y, xt, yt, seed):
    import torch  # noqa: PLC0415
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.LeakyReLU(ALPHA), torch.nn.Linear(64, 10))
    for layer in (model[0], model[2]):
        torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")  # sqrt(2 / fan_in), as the others
        torch.nn.init.zeros_(layer.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MU)
    loss_fn = torch.nn.CrossEntropyLoss()
    xs, ys = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    start = time.perf_counter()
    for _ in range(EPOCHS):
        order = torch.randperm(len(xs))
        for i in range(0, len(xs), BATCH):
            idx = order[i:i + BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(xs[idx]), ys[idx]).backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        logits = model(torch.from_numpy(xt))
        ce = float(torch.nn.functional.cross_entropy(logits, torch.from_numpy(yt.astype(np.int64))))
        accuracy = float((logits.argmax(1).numpy() == yt).mean())
    return accuracy, ce, seconds


def mean_difference_interval(a, b, rounds=10000):
    """Bootstrap 95% interval of mean(a) - mean(b), seeds resampled independently."""
    rng = np.random.default_rng(12345)
    a, b = np.asarray(a), np.asarray(b)
    diffs = rng.choice(a, (rounds, len(a))).mean(1) - rng.choice(b, (rounds, len(b))).mean(1)
    return np.percentile(diffs, 2.5), np.percentile(diffs, 97.5)


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
    parser.add_argument("--json", help="also write every run's accuracy, cross-entropy and seconds here")
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
        results["pytorch"] = [run_torch(x, y, xt, yt, s) for s in range(args.seeds)]
    except ImportError:
        print("notice: PyTorch is not installed; its peer is skipped (pip install torch)", file=sys.stderr)
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
    if args.seeds >= 20:
        tested = len(yt)
        print(f"correct test samples (of {tested}): seeds per count")
        for name, runs in results.items():
            counts = {}
            for r in runs:
                correct = round(r[0] * tested)
                counts[correct] = counts.get(correct, 0) + 1
            print(f"  {name:<22} " + "  ".join(f"{k}:{counts[k]}" for k in sorted(counts)))
        ours = [r[0] for r in results["cairn"]]
        for name, runs in results.items():
            if name != "cairn":
                low, high = mean_difference_interval(ours, [r[0] for r in runs])
                print(f"mean accuracy, cairn - {name}: {100 * (statistics.mean(ours) - statistics.mean(r[0] for r in runs)):+.3f} "
                      f"points (bootstrap 95% interval {100 * low:+.3f} to {100 * high:+.3f})")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({name: [{"accuracy": r[0], "cross_entropy": r[1], "seconds": r[2]} for r in runs]
                       for name, runs in results.items()}, out, indent=1)


if __name__ == "__main__":
    main()
