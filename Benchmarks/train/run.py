#!/usr/bin/env python3
"""Runs the Cairn training benchmark and its peers in one run and prints a table with ratios.

Workload W-MNISTSCALE (see ../../../shared/bench/train_bench.py, or $CAIRN_PEER_BENCH): MLP
784-256-128-10, leaky-ReLU 0.01, softmax CE, SGD momentum 0.9, lr 0.01, batch 32/128/1024, one epoch
= shuffle + 60000 samples, median samples/s over --reps epochs.

    python3 Benchmarks/train/run.py [--reps 3] [--peers gemm,torch,numpy,sklearn] [--threads 2] [--out FILE] [--no-write]

Builds `cairn-bench-train` in release mode, then for each batch size runs it and right after it the
peers (each in its own subprocess, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for them only),
so that both see the same machine load; writes RESULTS.md beside this file. Peers need `pip install numpy scikit-learn threadpoolctl torch`; a missing peer is reported
and skipped.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PEER_BENCH = os.environ.get("CAIRN_PEER_BENCH", os.path.join(ROOT, "..", "shared", "bench", "train_bench.py"))
BATCHES = [32, 128, 1024]
TARGETS = {32: 1.2, 128: 1.2, 1024: 1.0}  # samples/s ratio to PyTorch asked for by the issue


def build_cairn():
    subprocess.run(["swift", "build", "-c", "release", "--product", "cairn-bench-train"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


THREADS = 2


def thread_env():
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if THREADS != 2:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = str(THREADS)
    return env


def run_cairn(arguments):
    binary = os.path.join(ROOT, ".build", "release", "cairn-bench-train")
    env = dict(os.environ)
    # Cairn pins OpenBLAS to one thread per call and splits work on its own team: --threads sizes it.
    out = subprocess.run([binary] + arguments + ["--threads", str(THREADS)], capture_output=True, text=True, check=True, env=env).stdout
    return [json.loads(line[7:]) for line in out.splitlines() if line.startswith("RESULT ")]


PEER_OUT = "/tmp/cairn-train-peers.json"


def run_peers(peers, batches, reps):
    """Runs train_bench.py for these peers and batches; results accumulate in PEER_OUT."""
    if not peers:
        return
    env = thread_env()
    if THREADS != 2 and peers != ["gemm"]:
        # train_bench.py pins torch to 2 threads; run its workers directly with that call patched.
        for peer in peers:
            for batch in batches:
                wrapper = ("import runpy, sys, torch; real = torch.set_num_threads; "
                           f"torch.set_num_threads = lambda n: real({THREADS}); "
                           f"sys.argv = [{PEER_BENCH!r}, '--worker', {peer!r}, '{batch}', '--reps', '{reps}']; "
                           f"runpy.run_path({PEER_BENCH!r}, run_name='__main__')")
                p = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, env=env)
                line = [l for l in p.stdout.splitlines() if l.startswith("RESULT ")]
                if not line:
                    print(f"{peer} {batch}: FAILED\n{p.stderr[-2000:]}", flush=True)
                    continue
                r = json.loads(line[0][7:])
                data = json.load(open(PEER_OUT)) if os.path.exists(PEER_OUT) else {"gemm": [], "train": []}
                data["train"].append(r)
                json.dump(data, open(PEER_OUT, "w"))
                print(f"{peer:8s} batch {batch:5d}: {r['samples_per_s']['median']:9.0f} samples/s", flush=True)
        return
    subprocess.run([sys.executable, PEER_BENCH, "--reps", str(reps), "--peers", ",".join(peers),
                    "--batches", ",".join(map(str, batches)), "--out", PEER_OUT], env=env, check=False)


def read_peers():
    """{peer: {batch: samples/s}} and the peer gemm figures."""
    if not os.path.exists(PEER_OUT):
        return {}, []
    data = json.load(open(PEER_OUT))
    table = {}
    for row in data.get("train", []):
        table.setdefault(row["peer"], {})[row["batch"]] = row["samples_per_s"]["median"]
    return table, data.get("gemm", [])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--peers", default="gemm,torch,numpy,sklearn")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--threads", type=int, default=2, help="BLAS/torch threads for everyone (train_bench.py uses 2)")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    a = ap.parse_args()
    global THREADS
    THREADS = a.threads

    # Interleaved, batch by batch, so that Cairn and its peers see the same machine load.
    requested = [p for p in a.peers.split(",") if p]
    if os.path.exists(PEER_OUT):
        os.remove(PEER_OUT)
    build_cairn()
    cairn = run_cairn(["--reps", str(a.reps), "--batches", ""])
    if "gemm" in requested:
        run_peers(["gemm"], [0], a.reps)
    for batch in BATCHES:
        cairn += run_cairn(["--reps", str(a.reps), "--batches", str(batch), "--skip-gemm"])
        run_peers([p for p in requested if p != "gemm"], [batch], a.reps)
    blas = next(r["description"] for r in cairn if r["kind"] == "blas")
    ours = {r["batch"]: r["samples_per_s"] for r in cairn if r["kind"] == "train"}
    gemm = [r for r in cairn if r["kind"] == "gemm"]
    peers, peer_gemm = read_peers()

    lines = ["# Training throughput: Cairn vs peers", "",
             f"Measured {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {platform.node()} "
             f"({os.cpu_count()} CPUs), {THREADS} thread(s) for every library, one run, batch by batch "
             f"interleaved, median of {a.reps} epochs each. Cairn GEMM: {blas}.",
             "Workload W-MNISTSCALE: MLP 784-256-128-10, leaky-ReLU 0.01 (scikit-learn: ReLU), softmax CE, "
             "SGD momentum 0.9, lr 0.01; one epoch = shuffle + 60000 samples. Rerun: "
             "`python3 Benchmarks/train/run.py`.", "",
             "| batch | Cairn samples/s | " + " | ".join(f"{p} samples/s" for p in sorted(peers)) +
             " | Cairn / torch | target | Cairn / numpy |",
             "|---:|---:|" + "---:|" * len(peers) + "---:|---:|---:|"]
    for b in BATCHES:
        if b not in ours:
            continue
        cells = [f"{peers[p].get(b, float('nan')):,.0f}" for p in sorted(peers)]
        torch = peers.get("torch", {}).get(b)
        numpy = peers.get("numpy", {}).get(b)
        ratio = f"{ours[b] / torch:.2f}" if torch else "n/a"
        ratio_np = f"{ours[b] / numpy:.2f}" if numpy else "n/a"
        lines.append(f"| {b} | {ours[b]:,.0f} | " + " | ".join(cells) + f" | {ratio} | >= {TARGETS[b]} | {ratio_np} |")
    lines += ["", f"| GEMM ({THREADS} threads) | Cairn GFLOP/s | numpy GFLOP/s | torch GFLOP/s |", "|---|---:|---:|---:|"]
    for g in gemm:
        def peer(lib):
            hit = [x["gflops"]["median"] for x in peer_gemm if x["lib"] == lib and x["threads"] == THREADS and x["shape"] == g["shape"]]
            return f"{hit[0]:.1f}" if hit else "n/a"
        lines.append(f"| {g['shape']} | {g['gflops']:.1f} | {peer('numpy')} | {peer('torch')} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not a.no_write:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
