#!/usr/bin/env python3
"""Exit 0 when two .cairn training checkpoints hold bit-identical tensors and generator state.

Reads both files with the independent reference reader (Formats/reference_reader.py), so the check
does not trust Cairn's own reader. Usage: same_state.py A.cairn B.cairn
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Formats"))
from reference_reader import read_file  # noqa: E402


def main(a, b):
    manifest_a, tensors_a = read_file(a)
    manifest_b, tensors_b = read_file(b)
    problems = []
    if sorted(tensors_a) != sorted(tensors_b):
        problems.append(f"tensor names differ: {sorted(set(tensors_a) ^ set(tensors_b))}")
    for name in sorted(set(tensors_a) & set(tensors_b)):
        x, y = tensors_a[name], tensors_b[name]
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            problems.append(f"tensor {name} differs")
    for key in ("rng", "global_step", "epoch", "step_in_epoch", "optimizer_steps"):
        if manifest_a["training"].get(key) != manifest_b["training"].get(key):
            problems.append(f"training.{key}: {manifest_a['training'].get(key)} vs {manifest_b['training'].get(key)}")
    if problems:
        print(f"{a} and {b} differ: " + "; ".join(problems))
        return 1
    print(f"identical: {a} and {b} ({len(tensors_a)} tensors, generator state)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
