#!/usr/bin/env python3
"""Cairn format benchmark: CairnFormat against its peers on the same data, in one run.

Data: _common.make_checkpoint('random') from ../shared/bench (N(0,0.02) weights + Adam m and v),
6 blocks of DxD + D; BENCH_D=2368 (default here) gives ~404 MB in all, BENCH_D=4096 ~1208 MB.
Peers run through ../shared/bench/io_bench.py workers (safetensors numpy, np.savez_compressed,
h5py shuffle+gzip(4)); Cairn runs the release `cairn-bench-format` binary at the default level and
at level 0. Files go to --dir (default /dev/shm, so fsync, which Cairn always does and the peers do
not, costs little). Prints a table of MB/s and ratios against the peers, and writes --out (JSON).

Run from the package root:
    swift build -c release --product cairn-bench-format
    python3 Benchmarks/format/run.py --reps 3 [--d 1024 for a quick run]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The shared peer scripts live beside the repository (../shared/bench), unless $CAIRN_SHARED_BENCH says otherwise.
SHARED = os.environ.get("CAIRN_SHARED_BENCH", os.path.join(ROOT, "..", "shared", "bench"))
PEERS = ["safetensors_np", "np_savez_compressed", "h5_shuffle_gzip4"]


def med(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--d", type=int, default=2368)
    ap.add_argument("--dir", default="/dev/shm/cairn_format_bench")
    ap.add_argument("--out", default="/tmp/cairn_format_bench.json")
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--variants", default="random,const", help="random: N(0,0.02) weights + Adam; const: 0.01 weights, zero Adam")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/cairn-bench-format"))
    a = ap.parse_args()
    os.environ["BENCH_D"] = str(a.d)
    sys.path.insert(0, SHARED)
    import numpy as np  # noqa: F401
    from _common import make_checkpoint
    os.makedirs(a.dir, exist_ok=True)
    results = []
    for variant in a.variants.split(","):
        results += run_variant(a, variant, make_checkpoint)
    json.dump(results, open(a.out, "w"), indent=1)


def run_variant(a, variant, make_checkpoint):
    results = []
    # peers (io_bench regenerates the same source data from the same seed)
    peer_out = os.path.join(a.dir, "peers.json")
    if a.peers:
        if os.path.exists(peer_out):
            os.unlink(peer_out)
        subprocess.run([sys.executable, os.path.join(SHARED, "io_bench.py"), "--reps", str(a.reps), "--variants", variant,
                        "--methods", a.peers, "--dir", a.dir, "--src-dir", a.dir, "--out", peer_out], check=True)
        results += json.load(open(peer_out))
    # cairn
    src = os.path.join(a.dir, "cairn_src.f32")
    ck = make_checkpoint(variant)
    with open(src, "wb") as f:
        for v in ck.values():
            f.write(memoryview(v).cast("B"))
    json.dump([(k, v.shape) for k, v in ck.items()], open(src + ".json", "w"))
    del ck
    for level in ("6", "0"):
        p = subprocess.run([a.binary, src, a.dir, level, str(a.reps)], capture_output=True, text=True)
        line = [l for l in p.stdout.splitlines() if l.startswith("RESULT ")]
        if p.returncode or not line:
            print(f"cairn level {level} FAILED\n{p.stderr[-2000:]}")
            continue
        r = json.loads(line[0][7:])
        r["variant"] = variant
        results.append(r)
    os.unlink(src)
    os.unlink(src + ".json")
    print(f"\n=== variant {variant}")
    report(results)
    return results


def report(results):
    by = {r["method"]: r for r in results}

    def rate(r, key):
        return r["bytes"] / 1e6 / med(r[key])

    print(f"\n{'method':24s} {'ratio':>7s} {'save MB/s':>10s} {'load MB/s':>10s} {'save extra MiB':>15s} {'load extra MiB':>15s}")
    for r in results:
        print(f"{r['method']:24s} {r['bytes']/r['file_bytes']:7.3f} {rate(r, 'save_s'):10.1f} {rate(r, 'load_warm_s'):10.1f} "
              f"{med(r['save_extra_mib']):15.0f} {med(r['load_extra_mib']):15.0f}")
    c6, c0 = by.get("cairn_level6"), by.get("cairn_level0")
    model_mib = results[0]["bytes"] / 2**20
    print(f"\nmodel: {results[0]['bytes']/1e6:.1f} MB ({model_mib:.0f} MiB)")
    checks = []
    if c6 and "h5_shuffle_gzip4" in by:
        h5 = by["h5_shuffle_gzip4"]
        checks.append(("size ratio vs h5py shuffle+gzip4 (>= 1.0)", (c6['bytes']/c6['file_bytes']) / (h5['bytes']/h5['file_bytes'])))
        checks.append(("save speed vs h5py shuffle+gzip4 (>= 5)", rate(c6, "save_s") / rate(h5, "save_s")))
        checks.append(("load speed vs h5py shuffle+gzip4 (>= 3)", rate(c6, "load_warm_s") / rate(h5, "load_warm_s")))
    if c6 and "np_savez_compressed" in by:
        checks.append(("save speed vs savez_compressed (>= 10)", rate(c6, "save_s") / rate(by["np_savez_compressed"], "save_s")))
    if c0 and "safetensors_np" in by:
        st = by["safetensors_np"]
        checks.append(("level 0 save vs safetensors (>= 0.8)", rate(c0, "save_s") / rate(st, "save_s")))
        checks.append(("level 0 load vs safetensors (>= 0.8)", rate(c0, "load_warm_s") / rate(st, "load_warm_s")))
    for c in (c6, c0):
        if c:
            checks.append((f"{c['method']}: open + read one 4 MB tensor, ms (< 20)", 1000 * med(c["open_read_4mb_s"])))
            checks.append((f"{c['method']}: peak extra MiB save/load minus model MiB (<= 64)",
                           max(med(c["save_extra_mib"]), med(c["load_extra_mib"]) - model_mib)))
    for name, value in checks:
        print(f"  {name:62s} {value:8.2f}")


if __name__ == "__main__":
    main()
