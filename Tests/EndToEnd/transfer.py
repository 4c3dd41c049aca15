#!/usr/bin/env python3
"""Transfer learning with a CNN, end to end through the tools (README's worked example, over several seeds).

1. Train the digits CNN (Fixtures/models/digits-cnn.json) on digits 0-4 (Fixtures/datasets/digits-0to4.csv).
2. For each seed: draw 10 labelled samples per class of 5-9 from the training part (make_transfer_data.few_shot),
   then train (a) from scratch and (b) from the body of step 1, frozen (conv1, bn1, conv2, bn2: weights and
   batch-norm statistics), under a new head (--new-head 10). Both on the same 50 samples, --val-split 0.
3. Score both on the held-out 5-9 samples (Fixtures/datasets/digits-5to9-test.csv) with one cairn-eval
   call (paired: same samples; exact McNemar and bootstrap CI per seed), and report the accuracies, the
   mean paired difference over seeds and a two-sided sign test.

Checks (exit 1 on failure): every command succeeds; the frozen body's tensors (weights and running
statistics) in every transferred checkpoint are bit-identical to the body's; a resume of a transferred
run keeps them bit-identical too; the new head did move. Which side wins is reported, not asserted.

    python3 Tests/EndToEnd/transfer.py BIN_DIR [SEEDS]
"""
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Formats"))
import make_transfer_data  # noqa: E402
import reference_reader  # noqa: E402

BODY = ["conv1", "bn1", "conv2", "bn2"]


def run(*command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAILED ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    return result.stdout


def tensors(path):
    return reference_reader.read_file(os.path.realpath(path))[1]


def main():
    bin_dir = sys.argv[1] if len(sys.argv) > 1 else ".build/release"
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    tool = lambda name: os.path.join(bin_dir, name)  # noqa: E731
    work = tempfile.mkdtemp()
    body = os.path.join(work, "body")
    run(tool("cairn-train"), "--data", "Fixtures/datasets/digits-0to4.csv", "--model", "Fixtures/models/digits-cnn.json",
        "--epochs", "20", "--out", body, "--quiet")
    body_tensors = tensors(os.path.join(body, "latest.cairn"))
    frozen = [f"{node}.{part}" for node in BODY for part in ("weight", "bias", "running_mean", "running_var")
              if f"{node}.{part}" in body_tensors]
    rows = []
    for seed in range(seeds):
        few = os.path.join(work, f"few-{seed}.csv")
        make_transfer_data.write(few, make_transfer_data.few_shot(seed))
        common = ["--data", few, "--val-split", "0", "--epochs", "60", "--seed", str(seed), "--keep", "0", "--quiet"]
        scratch, transfer = os.path.join(work, f"scratch-{seed}"), os.path.join(work, f"transfer-{seed}")
        run(tool("cairn-train"), *common, "--model", "Fixtures/models/digits-cnn.json", "--out", scratch)
        run(tool("cairn-train"), *common, "--init-from", os.path.join(body, "latest.cairn"), "--freeze", ",".join(BODY),
            "--new-head", "10", "--out", transfer)
        moved = tensors(os.path.join(transfer, "latest.cairn"))
        for name in frozen:
            if moved[name].tobytes() != body_tensors[name].tobytes():
                sys.exit(f"FAILED: seed {seed}: frozen tensor {name} moved")
        if moved["head.weight"].shape == body_tensors["head.weight"].shape and \
                (moved["head.weight"] == body_tensors["head.weight"]).all():
            sys.exit(f"FAILED: seed {seed}: the new head did not train")
        if seed == 0:  # the body stays fixed across a resume too
            resumed = os.path.join(work, "resumed")
            run(tool("cairn-resume"), os.path.join(transfer, "epoch-0030.cairn"), "--epochs", "60", "--out", resumed,
                "--quiet")
            again = tensors(os.path.join(resumed, "latest.cairn"))
            for name in moved:
                if again[name].tobytes() != moved[name].tobytes():
                    sys.exit(f"FAILED: resumed transfer run differs in {name}")
        report = json.loads(run(tool("cairn-eval"), os.path.join(transfer, "latest.cairn"),
                                os.path.join(scratch, "latest.cairn"), "--data", "Fixtures/datasets/digits-5to9-test.csv",
                                "--json"))
        accuracies = [model["accuracy"] for model in report["models"]]
        rows.append((seed, accuracies[0], accuracies[1]))
        print(f"seed {seed}: frozen body + new head {accuracies[0]:.4f}, from scratch {accuracies[1]:.4f}", flush=True)
    differences = [a - b for _, a, b in rows]
    mean = sum(differences) / len(differences)
    wins, losses = sum(d > 0 for d in differences), sum(d < 0 for d in differences)
    n = wins + losses
    p = min(1.0, 2 * sum(math.comb(n, k) for k in range(0, min(wins, losses) + 1)) / 2 ** n) if n else 1.0
    print(f"held-out 5-9 accuracy over {seeds} seeds: frozen body {sum(r[1] for r in rows) / seeds:.4f}, "
          f"scratch {sum(r[2] for r in rows) / seeds:.4f}; mean paired difference {mean * 100:+.2f} points; "
          f"frozen body better in {wins}, worse in {losses} (sign test p = {p:.3f})")


if __name__ == "__main__":
    main()
