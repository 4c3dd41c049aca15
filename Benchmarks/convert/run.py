#!/usr/bin/env python3
"""cairn-convert benchmark: speed and peak memory of converting a ~400 MB checkpoint, against the
container's own save speed measured in the same run.

Data: _common.make_checkpoint('random') from ../shared/bench (N(0,0.02) weights + Adam m and v, float32),
6 blocks of DxD + D; --d 2368 (default) gives ~404 MB, largest tensor 22 MB. Steps, each timed with
/usr/bin/time -v (wall clock, peak RSS):
  1. cairn-bench-format: CairnWriter saving the same tensors from memory (the container's save speed,
     timed inside the process; conversions are timed the same way, by their --json "seconds");
  2. cairn-convert in.safetensors -> out.cairn   (import: compresses, so compare with 1);
  3. cairn-convert out.cairn -> back.safetensors (export: decompresses);
  4. cairn-convert out.cairn -> back.npz, and back.npz -> again.cairn;
  5. cairn-inspect out.cairn (index only) and cairn-inspect --verify out.cairn (every chunk).
Steps are interleaved --reps times (default 3); medians are printed. Files go to --dir (default /dev/shm). Checks that back.safetensors holds the same tensors as in.safetensors.

Run from the package root:
    swift build -c release --product cairn-convert && swift build -c release --product cairn-bench-format
    python3 Benchmarks/convert/run.py [--d 1024 for a quick run]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(command):
    """(wall seconds, peak RSS MiB) of a command run under /usr/bin/time -v."""
    result = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {result.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
    return seconds, rss, result.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", type=int, default=2368)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--dir", default="/dev/shm/cairn_convert_bench")
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
    ap.add_argument("--shared", default=os.environ.get("CAIRN_SHARED_BENCH", os.path.join(ROOT, "..", "shared", "bench")),
                    help="the shared peer scripts (default: ../shared/bench beside the repository)")
    a = ap.parse_args()
    os.environ["BENCH_D"] = str(a.d)
    sys.path.insert(0, a.shared)
    import numpy as np
    from _common import make_checkpoint
    from safetensors.numpy import load_file, save_file

    os.makedirs(a.dir, exist_ok=True)
    tensors = make_checkpoint("random")
    total = sum(t.nbytes for t in tensors.values())
    largest = max(t.nbytes for t in tensors.values())
    source = os.path.join(a.dir, "source.raw")
    with open(source, "wb") as f:
        for t in tensors.values():
            f.write(t.tobytes())
    with open(source + ".json", "w") as f:
        json.dump([[name, list(t.shape)] for name, t in tensors.items()], f)
    st_in = os.path.join(a.dir, "in.safetensors")
    save_file(tensors, st_in)
    del tensors

    mb = total / 1e6
    convert = os.path.join(a.bin, "cairn-convert")
    paths = {name: os.path.join(a.dir, name) for name in ["out.cairn", "back.safetensors", "back.npz", "again.cairn"]}
    steps = [("safetensors -> cairn", st_in, "out.cairn"), ("cairn -> safetensors", paths["out.cairn"], "back.safetensors"),
             ("cairn -> npz", paths["out.cairn"], "back.npz"), ("npz -> cairn", paths["back.npz"], "again.cairn")]
    samples = {label: [] for label in ["save"] + [step[0] for step in steps]}
    walls = {}
    for _ in range(a.reps):  # interleaved, so a busy moment on a shared machine hits every step alike
        seconds, rss, out = timed([os.path.join(a.bin, "cairn-bench-format"), source, a.dir, "6", "1"])
        samples["save"].append((json.loads(out.split("RESULT ", 1)[1])["save_s"][0], rss))
        for label, source_path, target in steps:  # the tool's own timing (--json "seconds"), like save_s: no process start
            wall, rss, out = timed([convert, source_path, paths[target], "--force", "--json"])
            samples[label].append((json.loads(out)["seconds"], rss))
            walls.setdefault(label, []).append(wall)
        for label, extra in [("cairn-inspect (summary)", []), ("cairn-inspect --verify", ["--verify"])]:
            samples.setdefault(label, []).append(timed([os.path.join(a.bin, "cairn-inspect"), paths["out.cairn"], *extra])[:2])
    save_s = statistics.median(s for s, _ in samples["save"])
    rows = [("CairnWriter save from memory (container save speed)", save_s, max(r for _, r in samples["save"]))]
    rows += [(f"cairn-convert {label}", statistics.median(s for s, _ in samples[label]), max(r for _, r in samples[label]))
             for label, _, _ in steps]
    rows += [(label, statistics.median(s for s, _ in samples[label]), max(r for _, r in samples[label]))
             for label in ["cairn-inspect (summary)", "cairn-inspect --verify"]]

    print(f"data: {len(load_file(st_in))} float32 tensors, {mb:.0f} MB, largest tensor {largest / 2**20:.1f} MiB; "
          f"cairn file {os.path.getsize(paths['out.cairn']) / 1e6:.0f} MB; {os.cpu_count()} cores")
    print(f"{'step (median of ' + str(a.reps) + ', peak RSS: largest)':58} {'seconds':>8} {'MB/s':>8} {'vs save':>8} {'peak RSS MiB':>13}")
    for label, seconds, rss in rows:
        print(f"{label:58} {seconds:8.2f} {mb / seconds:8.0f} {save_s / seconds:8.2f} {rss:13.0f}")
    original, back = load_file(st_in), load_file(paths["back.safetensors"])
    same = set(original) == set(back) and all(original[k].tobytes() == back[k].tobytes() for k in original)
    print("conversion wall-clock medians (process start included): "
          + ", ".join(f"{label} {statistics.median(values):.2f} s" for label, values in walls.items()))
    print(f"round trip safetensors -> cairn -> safetensors bit-exact: {same}")
    for path in [source, source + ".json", st_in, *paths.values()]:
        os.remove(path)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
