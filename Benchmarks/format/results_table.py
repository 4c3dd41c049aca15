#!/usr/bin/env python3
"""Turns the JSON written by run.py into the Markdown tables of RESULTS.md.

    python3 Benchmarks/format/results_table.py /tmp/cairn_format_bench.json
"""
import json
import statistics
import sys


def med(xs):
    return statistics.median(xs)


def main(path):
    results = json.load(open(path))
    for variant in dict.fromkeys(r["variant"] for r in results):
        rows = [r for r in results if r["variant"] == variant]
        by = {r["method"]: r for r in rows}
        mb = rows[0]["bytes"] / 1e6
        print(f"\n### Variant `{variant}` ({mb:.1f} MB of float32, {len(rows)} methods, median of runs)\n")
        print("| method | size ratio | save MB/s | load MB/s | save extra MiB | load extra MiB | open + read 4 MB tensor |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            probe = f"{1000 * med(r['open_read_4mb_s']):.1f} ms" if "open_read_4mb_s" in r else ""
            print(f"| {r['method']} | {r['bytes'] / r['file_bytes']:.3f} | {mb / med(r['save_s']):.1f} | "
                  f"{mb / med(r['load_warm_s']):.1f} | {med(r['save_extra_mib']):.0f} | {med(r['load_extra_mib']):.0f} | {probe} |")
        c6, c0, h5 = by.get("cairn_level6"), by.get("cairn_level0"), by.get("h5_shuffle_gzip4")
        sz, st = by.get("np_savez_compressed"), by.get("safetensors_np")

        def rate(r, k):
            return mb / med(r[k])

        print("\n| target | measured | met |\n|---|---:|:---:|")
        rows_out = []
        if c6 and h5:
            rows_out.append(("file no larger than h5py shuffle+gzip(4) (size ratio / h5py's >= 1)",
                             (c6["bytes"] / c6["file_bytes"]) / (h5["bytes"] / h5["file_bytes"]), 1.0))
            rows_out.append(("save >= 5x h5py shuffle+gzip(4)", rate(c6, "save_s") / rate(h5, "save_s"), 5.0))
            rows_out.append(("load >= 3x h5py shuffle+gzip(4)", rate(c6, "load_warm_s") / rate(h5, "load_warm_s"), 3.0))
        if c6 and sz:
            rows_out.append(("save >= 10x np.savez_compressed", rate(c6, "save_s") / rate(sz, "save_s"), 10.0))
        if c0 and st:
            rows_out.append(("level 0 save >= 0.8x safetensors", rate(c0, "save_s") / rate(st, "save_s"), 0.8))
            rows_out.append(("level 0 load >= 0.8x safetensors", rate(c0, "load_warm_s") / rate(st, "load_warm_s"), 0.8))
        for name, value, want in rows_out:
            print(f"| {name} | {value:.2f} | {'yes' if value >= want else 'no'} |")
        model_mib = rows[0]["bytes"] / 2**20
        for c in (c6, c0):
            if c:
                ms = 1000 * med(c["open_read_4mb_s"])
                print(f"| {c['method']}: open + read one 4 MB tensor < 20 ms | {ms:.1f} ms | {'yes' if ms < 20 else 'no'} |")
                extra = max(med(c["save_extra_mib"]), med(c["load_extra_mib"]) - model_mib)
                print(f"| {c['method']}: peak memory <= model + 64 MiB (extra beyond model, MiB) | {extra:.1f} | {'yes' if extra <= 64 else 'no'} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/cairn_format_bench.json")
