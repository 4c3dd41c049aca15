#!/usr/bin/env python3
"""cairn-diff against NumPy, h5diff and SciPy on the same data.

- Mismatched-element counts at several (atol, rtol) equal NumPy's count of ~isclose(a, b, rtol, atol)
  evaluated in float64 (cairn-diff compares in double precision), for every format pairing
  (.cairn, .safetensors, .npz, a sharded Hugging Face checkpoint); max |a-b| and its index, mean |a-b|,
  relative L2 change and cosine agree with NumPy.
- h5diff -d DELTA (absolute) and -p P (relative to the first file) on HDF5 copies count the same
  elements as cairn-diff --atol DELTA and, with the files swapped, --rtol P.
- --match-neurons: the first hidden layer's permutation is scipy.optimize.linear_sum_assignment's on the
  same similarity matrix, and a copy with shuffled hidden units aligns with residual exactly 0.
- Exit statuses: 0 identical, 1 different, 2 damaged file or missing shard, 64 bad flags.

Usage: diff_agreement.py BIN_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from safetensors.numpy import save_file

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def diff(binary, a, b, *flags):
    result = subprocess.run([binary, a, b, "--json", *flags], capture_output=True, text=True)
    report = json.loads(result.stdout) if result.stdout.strip() else None
    return result.returncode, report, result.stderr


def model(seed):
    rng = np.random.default_rng(seed)
    tensors = {
        "dense1.weight": rng.normal(0, 0.05, (300, 200)).astype(np.float32),
        "dense1.bias": rng.normal(0, 0.01, 300).astype(np.float32),
        "dense2.weight": rng.normal(0, 0.05, (100, 300)).astype(np.float32),
        "dense2.bias": rng.normal(0, 0.01, 100).astype(np.float32),
        "head.weight": rng.normal(0, 0.1, (10, 100)).astype(np.float64),
        "half.weight": rng.normal(0, 1, (64, 64)).astype(np.float16),
        "counts": rng.integers(-1000, 1000, 5000).astype(np.int32),
    }
    return tensors


def perturbed(tensors, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for name, a in tensors.items():
        b = a.copy()
        flat = b.reshape(-1)
        if b.dtype.kind == "f":
            # Differences across many scales, some elements untouched.
            scales = rng.choice([0, 0, 1e-7, 1e-5, 1e-3, 1e-1], size=flat.size)
            flat += (scales * rng.normal(0, 1, flat.size)).astype(b.dtype)
        else:
            flat[rng.integers(0, flat.size, 50)] += 1
        out[name] = b
    return out


def with_specials(tensors):
    out = {k: v.copy() for k, v in tensors.items()}
    out["dense2.bias"][:6] = [np.nan, np.inf, -np.inf, np.nan, 0.0, -0.0]
    return out


def numpy_statistics(a, b, atol, rtol, equal_nan=False):
    x, y = a.astype(np.float64).reshape(-1), b.astype(np.float64).reshape(-1)
    close = np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    finite = np.isfinite(x) & np.isfinite(y)
    with np.errstate(invalid="ignore"):
        d = np.abs(x - y)[finite]
    stats = {"mismatched": int((~close).sum())}
    if d.size:
        stats["max_abs_diff"] = float(d.max())
        flat = np.flatnonzero(finite)[int(d.argmax())]
        stats["max_abs_diff_index"] = [int(i) for i in np.unravel_index(flat, a.shape)]
        stats["mean_abs_diff"] = float(d.mean())
        na, nb = np.linalg.norm(x[finite]), np.linalg.norm(y[finite])
        nd = np.linalg.norm(x[finite] - y[finite])
        stats["rel_l2"] = 0.0 if nd == 0 else float(nd / na)
        stats["cosine"] = 1.0 if na == 0 and nb == 0 else float(np.dot(x[finite], y[finite]) / (na * nb))
    return stats


def close(x, y, tolerance=1e-9):
    return abs(x - y) <= tolerance * max(1.0, abs(x), abs(y))


def compare_reports(label, report, a, b, atol, rtol):
    by_name = {t["name"]: t for t in report["tensors"]}
    for name in a:
        expected = numpy_statistics(a[name], b[name], atol, rtol)
        got = by_name.get(name)
        check(got is not None, f"{label}: {name} missing from the report")
        if got is None:
            continue
        check(got["mismatched"] == expected["mismatched"],
              f"{label} atol={atol} rtol={rtol} {name}: mismatched {got['mismatched']}, numpy {expected['mismatched']}")
        if "max_abs_diff" in expected:
            check(close(got["max_abs_diff"], expected["max_abs_diff"], 1e-12), f"{label} {name}: max_abs_diff")
            if expected["max_abs_diff"] > 0:
                check(got["max_abs_diff_index"] == expected["max_abs_diff_index"],
                      f"{label} {name}: max index {got['max_abs_diff_index']} vs {expected['max_abs_diff_index']}")
            check(close(got["mean_abs_diff"], expected["mean_abs_diff"], 1e-9), f"{label} {name}: mean_abs_diff")
            check(close(got["rel_l2"], expected["rel_l2"], 1e-9), f"{label} {name}: rel_l2 {got['rel_l2']} vs {expected['rel_l2']}")
            check(close(got["cosine"], expected["cosine"], 1e-9), f"{label} {name}: cosine {got['cosine']} vs {expected['cosine']}")


def write_h5(path, tensors):
    import h5py
    with h5py.File(path, "w") as f:
        for name, value in tensors.items():
            f.create_dataset(name, data=value)


def h5diff_count(a, b, name, *flags):
    result = subprocess.run(["h5diff", "-r", *flags, a, b, "/" + name, "/" + name], capture_output=True, text=True)
    found = re.search(r"(\d+) differences? found", result.stdout)
    return int(found.group(1)) if found else 0


def main(bindir):
    binary = os.path.join(bindir, "cairn-diff")
    convert = os.path.join(bindir, "cairn-convert")
    work = tempfile.mkdtemp(prefix="cairn-diff-agreement-")
    try:
        a = with_specials(model(1))
        b = perturbed(a, 2)
        b["dense2.bias"][:6] = [np.nan, np.inf, np.inf, 1.0, -0.0, 0.0]
        files = {}
        for side, tensors in (("a", a), ("b", b)):
            save_file(tensors, f"{work}/{side}.safetensors")
            np.savez(f"{work}/{side}.npz", **tensors)
            subprocess.run([convert, f"{work}/{side}.safetensors", f"{work}/{side}.cairn", "--quiet"], check=True)
            files[side] = {"safetensors": f"{work}/{side}.safetensors", "npz": f"{work}/{side}.npz", "cairn": f"{work}/{side}.cairn"}
        # A sharded Hugging Face checkpoint of b.
        shards = {"model-00001-of-00002.safetensors": ["dense1.weight", "dense1.bias", "counts"],
                  "model-00002-of-00002.safetensors": ["dense2.weight", "dense2.bias", "head.weight", "half.weight"]}
        os.makedirs(f"{work}/sharded")
        for shard, names in shards.items():
            save_file({n: b[n] for n in names}, f"{work}/sharded/{shard}", metadata={"format": "np"})
        with open(f"{work}/sharded/model.safetensors.index.json", "w") as f:
            json.dump({"metadata": {"total_size": sum(v.nbytes for v in b.values())},
                       "weight_map": {n: s for s, names in shards.items() for n in names}}, f)
        files["b"]["sharded"] = f"{work}/sharded/model.safetensors.index.json"

        pairings = [("safetensors", "safetensors"), ("cairn", "npz"), ("npz", "cairn"), ("cairn", "cairn"), ("cairn", "sharded")]
        tolerances = [(0, 0), (1e-6, 0), (0, 1e-3), (1e-4, 1e-2), (1e-2, 0.5)]
        for atol, rtol in tolerances:
            for fa, fb in pairings:
                status, report, err = diff(binary, files["a"][fa], files["b"][fb], "--atol", repr(atol), "--rtol", repr(rtol))
                check(status == 1 and report is not None, f"{fa} vs {fb}: status {status} {err.strip()}")
                if report is not None:
                    compare_reports(f"{fa} vs {fb}", report, a, b, atol, rtol)
        # --equal-nan
        status, report, _ = diff(binary, files["a"]["cairn"], files["b"]["safetensors"], "--equal-nan")
        bias = next(t for t in report["tensors"] if t["name"] == "dense2.bias")
        check(bias["mismatched"] == numpy_statistics(a["dense2.bias"], b["dense2.bias"], 0, 0, equal_nan=True)["mismatched"],
              "--equal-nan mismatched count")

        # h5diff on HDF5 copies, finite float tensors.
        if shutil.which("h5diff"):
            write_h5(f"{work}/a.h5", a)
            write_h5(f"{work}/b.h5", b)
            for name in ["dense1.weight", "dense2.weight", "head.weight"]:
                for delta in [1e-6, 1e-4, 1e-2]:
                    _, report, _ = diff(binary, files["a"]["cairn"], files["b"]["cairn"], "--atol", repr(delta))
                    ours = next(t for t in report["tensors"] if t["name"] == name)["mismatched"]
                    theirs = h5diff_count(f"{work}/a.h5", f"{work}/b.h5", name, "-d", repr(delta))
                    check(ours == theirs, f"h5diff -d {delta} {name}: {theirs}, cairn-diff --atol: {ours}")
                for p in [1e-3, 1e-1]:
                    # h5diff -p is relative to the first file; cairn-diff's rtol to the second, so swap the files.
                    _, report, _ = diff(binary, files["b"]["cairn"], files["a"]["cairn"], "--rtol", repr(p))
                    ours = next(t for t in report["tensors"] if t["name"] == name)["mismatched"]
                    theirs = h5diff_count(f"{work}/a.h5", f"{work}/b.h5", name, "-p", repr(p))
                    check(ours == theirs, f"h5diff -p {p} {name}: {theirs}, cairn-diff --rtol (swapped): {ours}")
        else:
            print("h5diff not found: HDF5 comparison skipped")

        # Neuron matching against SciPy, and a shuffled copy aligning to zero.
        rng = np.random.default_rng(7)
        net = {"dense1.weight": rng.normal(0, 1, (40, 12)).astype(np.float32), "dense1.bias": rng.normal(0, 1, 40).astype(np.float32),
               "dense2.weight": rng.normal(0, 1, (30, 40)).astype(np.float32), "dense2.bias": rng.normal(0, 1, 30).astype(np.float32),
               "dense3.weight": rng.normal(0, 1, (5, 30)).astype(np.float32), "dense3.bias": rng.normal(0, 1, 5).astype(np.float32)}
        other = {k: rng.normal(0, 1, v.shape).astype(np.float32) for k, v in net.items()}
        p1, p2 = rng.permutation(40), rng.permutation(30)
        shuffled = {"dense1.weight": net["dense1.weight"][p1], "dense1.bias": net["dense1.bias"][p1],
                    "dense2.weight": net["dense2.weight"][p2][:, p1], "dense2.bias": net["dense2.bias"][p2],
                    "dense3.weight": net["dense3.weight"][:, p2], "dense3.bias": net["dense3.bias"]}
        for name, tensors in (("net", net), ("other", other), ("shuffled", shuffled)):
            # Fancy indexing can leave Fortran-ordered arrays, whose memory safetensors would write as is.
            save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, f"{work}/{name}.safetensors")
        _, report, err = diff(binary, f"{work}/net.safetensors", f"{work}/shuffled.safetensors", "--match-neurons")
        check(report is not None and report["matching"]["residual"] == 0, f"shuffled copy: residual not 0 ({err.strip()})")
        if report is not None:
            check(report["matching"]["layers"][0]["permutation"] == [int(i) for i in np.argsort(p1)], "shuffled copy: permutation")
        try:
            from scipy.optimize import linear_sum_assignment
            _, report, err = diff(binary, f"{work}/net.safetensors", f"{work}/other.safetensors", "--match-neurons")
            x = np.hstack([net["dense1.weight"], net["dense1.bias"][:, None]]).astype(np.float64)
            y = np.hstack([other["dense1.weight"], other["dense1.bias"][:, None]]).astype(np.float64)
            rows, columns = linear_sum_assignment(x @ y.T, maximize=True)
            check(report["matching"]["layers"][0]["permutation"] == [int(c) for c in columns], "Hungarian vs SciPy, layer 1")
            x2 = np.hstack([net["dense2.weight"], net["dense2.bias"][:, None]]).astype(np.float64)
            y2 = np.hstack([other["dense2.weight"][:, columns], other["dense2.bias"][:, None]]).astype(np.float64)
            _, columns2 = linear_sum_assignment(x2 @ y2.T, maximize=True)
            check(report["matching"]["layers"][1]["permutation"] == [int(c) for c in columns2], "Hungarian vs SciPy, layer 2")
        except ImportError:
            print("scipy not installed: Hungarian comparison with linear_sum_assignment skipped")

        # Exit statuses.
        status, _, _ = diff(binary, files["a"]["cairn"], files["a"]["npz"], "--all", "--equal-nan")
        check(status == 0, f"identical files: status {status}")
        status, _, _ = diff(binary, files["a"]["cairn"], files["a"]["npz"], "--all")
        check(status == 1, f"identical files holding NaN, without --equal-nan: status {status}")
        damaged = f"{work}/damaged.cairn"
        data = bytearray(open(files["b"]["cairn"], "rb").read())
        data[100] ^= 0x20
        open(damaged, "wb").write(data)
        status, _, err = diff(binary, files["a"]["cairn"], damaged)
        check(status == 2 and "damaged.cairn" in err and "chunk" in err, f"damaged file: status {status}, {err.strip()}")
        os.remove(f"{work}/sharded/model-00002-of-00002.safetensors")
        status, _, err = diff(binary, files["a"]["cairn"], files["b"]["sharded"])
        check(status == 2 and "model-00002-of-00002.safetensors" in err, f"missing shard: status {status}, {err.strip()}")
        status, _, _ = diff(binary, files["a"]["cairn"], files["b"]["cairn"], "--atol", "-1")
        check(status == 64, f"bad flag: status {status}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"diff agreement: {len(failures)} failures")
        return 1
    print("diff agreement: cairn-diff matches numpy isclose, h5diff and scipy on every case")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(64)
    sys.exit(main(sys.argv[1]))
