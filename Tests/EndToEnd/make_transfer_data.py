#!/usr/bin/env python3
"""Writes the transfer-learning splits of the bundled digits (README's CNN example, Tests/EndToEnd/transfer.py):

- Fixtures/datasets/digits-0to4.csv: the rows of digits-split.txt's train part with labels 0-4 (the body's task);
- Fixtures/datasets/digits-5to9-few.csv: 10 rows per class 5-9 from the train part (numpy seed 0);
- Fixtures/datasets/digits-5to9-test.csv: the test part's rows with labels 5-9 (held out);
each with a `.preprocessing.json` sidecar scaling pixels by 1/16, as digits.csv has. Also usable as a module:
`few_shot(seed, per_class)` returns other few-shot draws. Run from the repository root.
"""
import os
import shutil

import numpy as np

DATA = os.path.join("Fixtures", "datasets")


def load():
    rows = np.loadtxt(os.path.join(DATA, "digits.csv"), delimiter=",", skiprows=1, dtype=np.int64)
    split = {}
    for line in open(os.path.join(DATA, "digits-split.txt")):
        name, indices = line.split(":")
        split[name.strip()] = np.array([int(i) for i in indices.split(",")])
    return rows, split["train"], split["test"]


def write(path, rows):
    header = "label," + ",".join(f"p{i}" for i in range(64))
    np.savetxt(path, rows, fmt="%d", delimiter=",", header=header, comments="")
    shutil.copyfile(os.path.join(DATA, "digits.csv.preprocessing.json"), path + ".preprocessing.json")


def few_shot(seed, per_class=10):
    rows, train, _ = load()
    rng = np.random.default_rng(seed)
    picked = []
    for digit in range(5, 10):
        candidates = train[rows[train, 0] == digit]
        picked.extend(rng.choice(candidates, per_class, replace=False))
    return rows[np.array(picked)]


def main():
    rows, train, test = load()
    write(os.path.join(DATA, "digits-0to4.csv"), rows[train[rows[train, 0] < 5]])
    write(os.path.join(DATA, "digits-5to9-few.csv"), few_shot(0))
    write(os.path.join(DATA, "digits-5to9-test.csv"), rows[test[rows[test, 0] >= 5]])


if __name__ == "__main__":
    main()
