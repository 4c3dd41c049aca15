#!/usr/bin/env python3
"""Checks cairn-eval's numbers against scikit-learn, statsmodels and numpy on Cairn's own predictions.

Usage: python3 Tests/EndToEnd/eval_agreement.py BIN_DIR      (e.g. .build/release)

Trains a short run on the bundled digits with the built cairn-train, scores two of its checkpoints
with `cairn-eval --json --predictions`, and recomputes from the predictions file:
  - every per-class precision, recall, F1 and support, the macro and weighted averages (scikit-learn
    `classification_report(output_dict=True)`) and the confusion matrix (`confusion_matrix`);
  - accuracy, top-5 accuracy, mean cross-entropy, ECE and MCE (torchmetrics' binning: 15 bins, float32
    `torch.linspace` boundaries, right-inclusive), Brier score, in numpy; the Wilson interval
    (statsmodels `proportion_confint(method="wilson")`);
  - the exact McNemar p-value of the two checkpoints (statsmodels `mcnemar(table, exact=True)`);
  - regression: MSE, RMSE, MAE and R^2 per output and averaged (scikit-learn) on a small synthetic run.
Ends with `eval-agreement: N passed, M failed`; exits 1 if anything failed.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from sklearn.metrics import (classification_report, confusion_matrix, mean_absolute_error, mean_squared_error,
                             r2_score, top_k_accuracy_score)
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklist import ROOT, Checklist, tools_folder  # noqa: E402

BIN = tools_folder()
WORK = tempfile.mkdtemp(prefix="cairn-eval-agreement-")
DIGITS = os.path.join(ROOT, "Fixtures", "datasets", "digits.csv")
checks = Checklist("eval-agreement", verbose=False)
check = checks.check


def close(a, b, rel=1e-12, abs_=1e-15):
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


def run(tool, *args):
    result = subprocess.run([os.path.join(BIN, tool), *args], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        print(f"{tool} {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
        sys.exit(1)
    return result.stdout


def evaluate(checkpoint, *args):
    predictions = os.path.join(WORK, os.path.basename(checkpoint) + ".csv")
    report = json.loads(run("cairn-eval", checkpoint, "--json", "--predictions", predictions, *args))
    with open(predictions) as f:
        rows = list(csv.reader(f))
    return report, rows[0], np.array(rows[1:], dtype=object)


def torch_linspace_float32(bins):
    """torch.linspace(0, 1, bins + 1) in float32: i*step for the first half, 1 - (bins - i)*step (one rounding)."""
    step = np.float32(1) / np.float32(bins)
    half = (bins + 1) // 2
    return np.array([np.float32(float(step) * i) if i < half else np.float32(1 - float(step) * (bins - i))
                     for i in range(bins + 1)], dtype=np.float32)


def check_classification(name, report, header, rows):
    index = rows[:, 0].astype(int)
    y_true = rows[:, 1].astype(int)
    y_pred = rows[:, 2].astype(int)
    probabilities = rows[:, 3:].astype(np.float32)
    n, classes = probabilities.shape
    check(f"{name}: header", header == ["index", "true", "predicted"] + [f"p_{k}" for k in range(classes)], header)
    check(f"{name}: samples", report["samples"] == n and len(set(index)) == n)
    check(f"{name}: predicted = argmax", (np.argmax(probabilities, axis=1) == y_pred).all())

    sk = classification_report(y_true, y_pred, output_dict=True, zero_division="warn")
    labels = sorted(set(y_true) | set(y_pred))
    check(f"{name}: per-class labels", [c["label"] for c in report["per_class"]] == labels)
    for entry in report["per_class"]:
        expected = sk[str(entry["label"])]
        for key, sk_key in [("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")]:
            check(f"{name}: class {entry['label']} {key}", close(entry[key], expected[sk_key]), f"{entry[key]} vs {expected[sk_key]}")
        check(f"{name}: class {entry['label']} support", entry["support"] == expected["support"])
    for ours, theirs in [("macro_avg", "macro avg"), ("weighted_avg", "weighted avg")]:
        for key, sk_key in [("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")]:
            check(f"{name}: {ours} {key}", close(report[ours][key], sk[theirs][sk_key]), f"{report[ours][key]} vs {sk[theirs][sk_key]}")
        check(f"{name}: {ours} support", report[ours]["support"] == sk[theirs]["support"])
    check(f"{name}: accuracy", close(report["accuracy"], sk["accuracy"]), f"{report['accuracy']} vs {sk['accuracy']}")
    check(f"{name}: confusion matrix", report["confusion"] == confusion_matrix(y_true, y_pred).tolist())

    correct = int((y_true == y_pred).sum())
    low, high = proportion_confint(correct, n, alpha=0.05, method="wilson")
    check(f"{name}: Wilson interval", close(report["accuracy_ci"][0], low, 1e-9) and close(report["accuracy_ci"][1], high, 1e-9),
          f"{report['accuracy_ci']} vs {[low, high]}")
    if classes > 5:
        top5 = top_k_accuracy_score(y_true, probabilities, k=5, labels=list(range(classes)))
        check(f"{name}: top-5 accuracy", report.get("top_k") == 5 and close(report["top_k_accuracy"], top5), f"{report.get('top_k_accuracy')} vs {top5}")
    p_true = probabilities[np.arange(n), y_true].astype(np.float64)
    cross_entropy = float(np.mean(-np.log(p_true)))
    check(f"{name}: mean cross-entropy", close(report["loss"], cross_entropy, 1e-5), f"{report['loss']} vs {cross_entropy}")

    confidence = probabilities.max(axis=1)
    boundaries = torch_linspace_float32(15)
    bins = np.searchsorted(boundaries, confidence, side="left") - 1  # torch.bucketize(right=False) - 1
    bins = np.clip(bins, 0, 14)
    accuracy_bin = np.zeros(15)
    confidence_bin = np.zeros(15)
    count_bin = np.zeros(15)
    for b in range(15):
        member = bins == b
        count_bin[b] = member.sum()
        if count_bin[b]:
            accuracy_bin[b] = (y_true[member] == y_pred[member]).mean()
            confidence_bin[b] = confidence[member].astype(np.float64).mean()
    ece = float(np.sum(np.abs(accuracy_bin - confidence_bin) * count_bin / n))
    mce = float(np.max(np.abs(accuracy_bin - confidence_bin)))
    check(f"{name}: ECE", close(report["ece"], ece, 1e-9), f"{report['ece']} vs {ece}")
    check(f"{name}: MCE", close(report["mce"], mce, 1e-9), f"{report['mce']} vs {mce}")
    check(f"{name}: reliability bin counts", [b["count"] for b in report["reliability"]] == count_bin.astype(int).tolist())
    onehot = np.eye(classes)[y_true]
    brier = float(np.mean(np.sum((probabilities.astype(np.float64) - onehot) ** 2, axis=1)))
    check(f"{name}: Brier", close(report["brier"], brier, 1e-9), f"{report['brier']} vs {brier}")
    return y_true, y_pred


def main():
    out = os.path.join(WORK, "run")
    run("cairn-train", "--epochs", "4", "--keep", "0", "--out", out, "--quiet")
    early, late = os.path.join(out, "epoch-0001.cairn"), os.path.join(out, "epoch-0004.cairn")

    # The recorded validation split, and the whole file.
    for checkpoint in (early, late):
        for args, label in [((), "validation split"), (("--data", DIGITS), "digits.csv")]:
            report, header, rows = evaluate(checkpoint, *args)
            check_classification(f"{os.path.basename(checkpoint)} on {label}", report, header, rows)

    # McNemar against statsmodels, on the two checkpoints' predictions of the same samples.
    _, _, rows_a = evaluate(early, "--data", DIGITS)
    _, _, rows_b = evaluate(late, "--data", DIGITS)
    y = rows_a[:, 1].astype(int)
    right_a = rows_a[:, 2].astype(int) == y
    right_b = rows_b[:, 2].astype(int) == y
    table = [[int((right_a & right_b).sum()), int((right_a & ~right_b).sum())],
             [int((~right_a & right_b).sum()), int((~right_a & ~right_b).sum())]]
    comparison = json.loads(run("cairn-eval", early, late, "--data", DIGITS, "--json", "--bootstrap", "300"))["comparisons"][0]
    expected_p = float(mcnemar(table, exact=True).pvalue)
    check("McNemar exact p-value", close(comparison["p_value"], expected_p, 1e-9), f"{comparison['p_value']} vs {expected_p} {table}")
    check("McNemar discordant counts", comparison["only_a"] == table[0][1] and comparison["only_b"] == table[1][0])
    check("accuracy difference", close(comparison["difference"], right_b.mean() - right_a.mean(), 1e-12))
    check("bootstrap interval holds the difference", comparison["ci"][0] <= comparison["difference"] <= comparison["ci"][1])
    # A pair with a smaller discordant count: the last two epochs.
    previous = os.path.join(out, "epoch-0003.cairn")
    _, _, rows_c = evaluate(previous, "--data", DIGITS)
    right_c = rows_c[:, 2].astype(int) == y
    table = [[int((right_c & right_b).sum()), int((right_c & ~right_b).sum())],
             [int((~right_c & right_b).sum()), int((~right_c & ~right_b).sum())]]
    comparison = json.loads(run("cairn-eval", previous, late, "--data", DIGITS, "--json", "--bootstrap", "300"))["comparisons"][0]
    expected_p = float(mcnemar(table, exact=True).pvalue)
    check("McNemar exact p-value, close checkpoints", close(comparison["p_value"], expected_p, 1e-9), f"{comparison['p_value']} vs {expected_p} {table}")

    # Regression against scikit-learn.
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(300, 4))
    y = np.stack([2 * x[:, 0] - x[:, 1] + 0.1 * rng.normal(size=300), x[:, 2] * x[:, 3] + 1], axis=1)
    data = os.path.join(WORK, "regression.csv")
    np.savetxt(data, np.hstack([x, y]), delimiter=",", header="a,b,c,d,y1,y2", comments="", fmt="%.6f")
    regression_run = os.path.join(WORK, "regression-run")
    run("cairn-train", "--data", data, "--task", "regression", "--label-column", "y1,y2", "--epochs", "20",
        "--out", regression_run, "--quiet")
    report, header, rows = evaluate(os.path.join(regression_run, "latest.cairn"), "--data", data)
    check("regression: header", header == ["index", "true_0", "true_1", "predicted_0", "predicted_1"], header)
    truth = rows[:, 1:3].astype(np.float32).astype(np.float64)
    # Targets are standardised for training; the report and the predictions are in the file's own units.
    written = np.loadtxt(data, delimiter=",", skiprows=1, dtype=np.float32)[:, 4:6].astype(np.float64)
    check("regression: true values as in the file", np.array_equal(truth, written))
    predicted = rows[:, 3:5].astype(np.float32).astype(np.float64)
    for key, values, average in [("mse", mean_squared_error(truth, predicted, multioutput="raw_values"), None),
                                 ("mae", mean_absolute_error(truth, predicted, multioutput="raw_values"), None),
                                 ("r2", r2_score(truth, predicted, multioutput="raw_values"), r2_score(truth, predicted))]:
        for column, value in enumerate(values):
            ours = report["per_output"][column][key]
            check(f"regression: {key} output {column}", close(ours, value, 1e-9), f"{ours} vs {value}")
        check(f"regression: {key} average", close(report[key], float(np.mean(values)), 1e-9), f"{report[key]} vs {np.mean(values)}")
    rmse = np.sqrt(mean_squared_error(truth, predicted, multioutput="raw_values"))
    check("regression: rmse average", close(report["rmse"], float(np.mean(rmse)), 1e-9))
    half_squared = float(np.mean(np.sum((predicted - truth) ** 2, axis=1) / 2))
    check("regression: mean |e|^2/2", close(report["loss"], half_squared, 1e-6), f"{report['loss']} vs {half_squared}")

    checks.finish()


if __name__ == "__main__":
    main()
