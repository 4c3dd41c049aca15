#!/usr/bin/env python3
"""cairn-diff benchmark: cairn-diff against h5diff and a numpy script on the same tensors, in one run.

Data: _common.make_checkpoint('random') from ../shared/bench (N(0, 0.02) weights plus Adam m and v,
6 blocks of DxD + D; --d 2368 gives ~404 MB per checkpoint, --d 4096 ~1208 MB) as checkpoint A, and
B = A * (1 + N(0, 1e-4)) element-wise (every element moved, as after a fine-tuning step).
Copies of both: .cairn at level 0 and at the default level (written by the release
`cairn-bench-format`), .safetensors (safetensors.numpy), and uncompressed HDF5 (h5py).

Timed (median of --reps, warm page cache, peak RSS of each process from wait4):
  - cairn-diff on the level-0 and default-level .cairn files, and on the safetensors copies;
  - h5diff -d ATOL on the HDF5 copies (h5diff takes an absolute or a relative tolerance, not both,
    so the head-to-head runs at --atol ATOL --rtol 0);
  - a numpy script computing the same statistics (isclose count, max |a-b| and its index, mean |a-b|,
    relative L2, cosine) tensor by tensor from the safetensors copies (safe_open, float64);
  - the container's load speed: cairn-inspect --verify over the default-level file (reads, inflates
    and checks every chunk).
Prints MB/s of compared data (one checkpoint's raw bytes per second), the ratios, peak RSS, and whether
every tool counted the same mismatched elements.

Run from the package root:
    swift build -c release --product cairn-diff --product cairn-inspect --product cairn-bench-format
    python3 Benchmarks/diff/run.py --reps 3            # ~404 MB checkpoints, all tools
    python3 Benchmarks/diff/run.py --d 4096 --rss-only  # ~1.2 GB checkpoints: cairn-diff's peak RSS
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("CAIRN_SHARED_BENCH", os.path.join(ROOT, "..", "shared", "bench"))
RELEASE = os.path.join(ROOT, ".build", "release")


def run_measured(command):
    """Runs command; returns (seconds, peak RSS MiB, exit status, stdout, stderr). The RSS comes from GNU time
    (a small parent, so the child does not inherit this Python process's high-water mark)."""
    import tempfile
    with tempfile.NamedTemporaryFile() as rss_file:
        start = time.perf_counter()
        process = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file.name, *command], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        rss_kib, user, system = open(rss_file.name).read().strip().splitlines()[-1].split()
    return seconds, int(rss_kib) / 1024, process.returncode, process.stdout, process.stderr, float(user) + float(system)


def numpy_peer(a_path, b_path, atol, rtol):
    """The numpy script: the same statistics, tensor by tensor, from the safetensors copies."""
    import numpy as np
    from safetensors import safe_open
    total = {"mismatched": 0, "elements": 0}
    with safe_open(a_path, "np") as fa, safe_open(b_path, "np") as fb:
        for name in fa.keys():
            a = fa.get_tensor(name).astype(np.float64)
            b = fb.get_tensor(name).astype(np.float64)
            d = np.abs(a - b)
            mismatched = int(np.count_nonzero(~np.isclose(a, b, rtol=rtol, atol=atol)))
            index = np.unravel_index(int(np.argmax(d)), d.shape)
            total[name] = {"max_abs_diff": float(d.max()), "index": [int(i) for i in index], "mean": float(d.mean()),
                           "rel_l2": float(np.linalg.norm(a - b) / np.linalg.norm(a)),
                           "cosine": float(np.dot(a.ravel(), b.ravel()) / (np.linalg.norm(a) * np.linalg.norm(b)))}
            total["mismatched"] += mismatched
            total["elements"] += a.size
    print(json.dumps(total))


def make_files(args):
    sys.path.insert(0, SHARED)
    os.environ["BENCH_D"] = str(args.d)
    import numpy as np
    from _common import make_checkpoint
    os.makedirs(args.dir, exist_ok=True)
    a = make_checkpoint("random")
    rng = np.random.default_rng(1)
    b = {}
    for name, value in a.items():
        noise = rng.standard_normal(value.shape, dtype=np.float32)
        noise *= np.float32(1e-4)
        noise += np.float32(1)
        noise *= value
        b[name] = noise
    raw_bytes = sum(v.nbytes for v in a.values())
    files = {}
    for side, tensors in (("a", a), ("b", b)):
        source = os.path.join(args.dir, f"{side}.f32")
        with open(source, "wb") as f:
            for v in tensors.values():
                f.write(memoryview(v).cast("B"))
        json.dump([(k, v.shape) for k, v in tensors.items()], open(source + ".json", "w"))
        for level in ("0", "6"):
            folder = os.path.join(args.dir, f"{side}-level{level}")
            os.makedirs(folder, exist_ok=True)
            env = dict(os.environ, CAIRN_BENCH_PHASE="save", CAIRN_BENCH_KEEP="1")
            subprocess.run([os.path.join(RELEASE, "cairn-bench-format"), source, folder, level, "1"], check=True, env=env)
            files[(side, "cairn" + level)] = os.path.join(folder, f"bench-level{level}.cairn")
        os.unlink(source)
        os.unlink(source + ".json")
        if not args.rss_only:
            from safetensors.numpy import save_file
            import h5py
            files[(side, "safetensors")] = os.path.join(args.dir, f"{side}.safetensors")
            save_file(tensors, files[(side, "safetensors")])
            files[(side, "h5")] = os.path.join(args.dir, f"{side}.h5")
            with h5py.File(files[(side, "h5")], "w") as f:
                for name, value in tensors.items():
                    f.create_dataset(name, data=value)
            # Compressed like Cairn's default files (shuffle + deflate), for a like-for-like peer.
            files[(side, "h5gz")] = os.path.join(args.dir, f"{side}-gzip.h5")
            with h5py.File(files[(side, "h5gz")], "w") as f:
                for name, value in tensors.items():
                    f.create_dataset(name, data=value, shuffle=True, compression="gzip", compression_opts=4)
    return files, raw_bytes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--d", type=int, default=2368)
    ap.add_argument("--atol", type=float, default=1e-6)
    ap.add_argument("--rtol", type=float, default=1e-4, help="for the cairn-diff vs numpy run with both tolerances")
    ap.add_argument("--dir", default="/dev/shm/cairn_diff_bench")
    ap.add_argument("--rss-only", action="store_true", help="only cairn-diff on .cairn files (for the ~1 GB RSS demonstration)")
    ap.add_argument("--numpy-peer", nargs=4, metavar=("A", "B", "ATOL", "RTOL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.numpy_peer:
        numpy_peer(args.numpy_peer[0], args.numpy_peer[1], float(args.numpy_peer[2]), float(args.numpy_peer[3]))
        return
    files, raw_bytes = make_files(args)
    print(f"checkpoints: {raw_bytes / 1e6:.0f} MB each, {raw_bytes // 4:,} elements; atol {args.atol}, rtol {args.rtol}")
    for key, path in sorted(files.items()):
        print(f"  {key[0]} {key[1]:12s} {os.path.getsize(path) / 1e6:8.0f} MB")

    def median_run(command, parse):
        runs = [run_measured(command) for _ in range(args.reps)]
        for seconds, rss, status, out, err, cpu in runs:
            if status not in (0, 1):
                raise SystemExit(f"{command[0]} failed ({status}): {err[-500:]}")
        seconds = statistics.median(r[0] for r in runs)
        return seconds, max(r[1] for r in runs), parse(runs[0][3]), statistics.median(r[5] for r in runs)

    def cairn_count(out):
        return sum(t["mismatched"] or 0 for t in json.loads(out)["tensors"])

    def h5_count(out):
        return sum(int(n) for n in re.findall(r"(\d+) differences? found", out))

    results = {}
    diff = os.path.join(RELEASE, "cairn-diff")
    tolerances = ["--atol", repr(args.atol), "--rtol", "0"]
    for kind in ["cairn0", "cairn6"] + ([] if args.rss_only else ["safetensors"]):
        results[kind] = median_run([diff, files[("a", kind)], files[("b", kind)], "--json", *tolerances], cairn_count)
    if not args.rss_only:
        results["h5diff"] = median_run(["h5diff", "-d", repr(args.atol), files[("a", "h5")], files[("b", "h5")]], h5_count)
        results["h5diff, shuffle+gzip(4) HDF5"] = median_run(
            ["h5diff", "-d", repr(args.atol), files[("a", "h5gz")], files[("b", "h5gz")]], h5_count)
        results["numpy"] = median_run([sys.executable, __file__, "--numpy-peer", files[("a", "safetensors")], files[("b", "safetensors")],
                                       repr(args.atol), "0"], lambda out: json.loads(out)["mismatched"])
        both = ["--atol", repr(args.atol), "--rtol", repr(args.rtol)]
        results["cairn0 atol+rtol"] = median_run([diff, files[("a", "cairn0")], files[("b", "cairn0")], "--json", *both], cairn_count)
        results["numpy atol+rtol"] = median_run([sys.executable, __file__, "--numpy-peer", files[("a", "safetensors")],
                                                 files[("b", "safetensors")], repr(args.atol), repr(args.rtol)],
                                                lambda out: json.loads(out)["mismatched"])
    results["load (cairn-inspect --verify, default level)"] = median_run(
        [os.path.join(RELEASE, "cairn-inspect"), files[("a", "cairn6")], "--verify"], lambda out: None)

    print(f"\n{'method':46s} {'seconds':>8s} {'CPU s':>7s} {'MB/s A+B':>9s} {'MB/s A':>8s} {'peak RSS MiB':>13s} {'mismatched':>14s}")
    for name, (seconds, rss, count, cpu) in results.items():
        both = "" if name.startswith("load") else f"{2 * raw_bytes / 1e6 / seconds:9.0f}"
        print(f"{name:46s} {seconds:8.3f} {cpu:7.2f} {both:>9s} {raw_bytes / 1e6 / seconds:8.0f} {rss:13.1f} "
              f"{'' if count is None else f'{count:,}':>14s}")
    print("(seconds: wall clock, median; CPU s: user + system of all threads, median)")
    print("(MB/s A+B: compared data, the tensor bytes of both checkpoints per second; MB/s A: one checkpoint's;"
          " load: one file read, inflated and checked)")
    print()
    speed = {name: raw_bytes / 1e6 / value[0] for name, value in results.items()}
    load = speed["load (cairn-inspect --verify, default level)"]
    checks = [("level 0: MB/s of compared data, A+B (>= 1000)", 2 * speed["cairn0"]),
              ("default level: compared MB/s (A+B) / container load MB/s (>= 1)", 2 * speed["cairn6"] / load),
              ("peak RSS MiB, cairn-diff (< 128)", max(results[k][1] for k in results if k.startswith("cairn"))), ]
    if not args.rss_only:
        checks += [("level 0 vs h5diff (>= 5)", speed["cairn0"] / speed["h5diff"]),
                   ("default level vs h5diff on uncompressed HDF5 (>= 5)", speed["cairn6"] / speed["h5diff"]),
                   ("default level vs h5diff on shuffle+gzip HDF5, like for like (>= 5)",
                    speed["cairn6"] / speed["h5diff, shuffle+gzip(4) HDF5"]),
                   ("level 0 vs numpy script (>= 2)", speed["cairn0"] / speed["numpy"]),
                   ("default level vs numpy script (>= 2)", speed["cairn6"] / speed["numpy"]),
                   ("atol+rtol: level 0 vs numpy script (>= 2)", speed["cairn0 atol+rtol"] / speed["numpy atol+rtol"])]
        counts = {results[k][2] for k in ("cairn0", "cairn6", "safetensors", "h5diff", "h5diff, shuffle+gzip(4) HDF5", "numpy")}
        print(f"  mismatched counts at atol {args.atol}: {'identical' if len(counts) == 1 else 'DIFFER: ' + str(counts)} "
              f"(cairn-diff x3, h5diff x2, numpy)")
        same = results["cairn0 atol+rtol"][2] == results["numpy atol+rtol"][2]
        print(f"  mismatched counts at atol {args.atol} + rtol {args.rtol}: {'identical' if same else 'DIFFER'} (cairn-diff, numpy)")
    for name, value in checks:
        print(f"  {name:58s} {value:8.2f}")
    shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
