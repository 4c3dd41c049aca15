#!/usr/bin/env python3
"""Proves cairn-convert and cairn-inspect against the real libraries, both ways, bit for bit.

Usage: python3 Tests/EndToEnd/interop.py BIN_DIR      (e.g. .build/release)

Python writes files with safetensors (safetensors.numpy.save_file; bf16 through safetensors'
TensorSpec, since NumPy has no bfloat16), np.savez and np.savez_compressed; cairn-convert turns them
into .cairn, which Formats/reference_reader.py reads back. Cairn's own checkpoints go the other way
and are read with safetensors.numpy.load_file / safetensors.deserialize and np.load. Every tensor
must be equal element for element (compared as raw bytes, so NaN payloads and -0.0 count).
Ends with `interop: N passed, M failed`; exits 1 if anything failed.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import safetensors
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklist import ROOT, Checklist, tools_folder  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "Formats"))
from reference_reader import CairnFile, read_file  # noqa: E402

BIN = tools_folder()
WORK = tempfile.mkdtemp(prefix="cairn-interop-")
checks = Checklist("interop")
check = checks.check


def tool(*args, expect=0):
    result = subprocess.run([os.path.join(BIN, args[0]), *args[1:]], capture_output=True, text=True)
    if result.returncode != expect:
        raise RuntimeError(f"{' '.join(args)}: exit {result.returncode}, expected {expect}: {result.stderr.strip()}")
    return result


def same(a, b):
    """Equal dtype, shape and bytes."""
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def awkward(dtype, shape, rng):
    """Random values with the edge cases of each dtype."""
    count = int(np.prod(shape, dtype=np.int64))
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        values = rng.integers(info.min, info.max, size=count, endpoint=True, dtype=dtype)
        values[: min(count, 2)] = [info.min, info.max][: min(count, 2)]
        return values.reshape(shape)
    values = (rng.standard_normal(count) * 3).astype(dtype)
    specials = np.array([np.nan, np.inf, -np.inf, -0.0, np.finfo(dtype).tiny / 4, np.finfo(dtype).max], dtype=dtype)
    values[: min(count, len(specials))] = specials[: min(count, len(specials))]
    return values.reshape(shape)


def bf16_bits(shape, rng):
    """bfloat16 bit patterns: rounded float32 tops, plus NaN, infinities, a subnormal and -0."""
    bits = (rng.standard_normal(int(np.prod(shape))).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
    bits[:5] = [0x7FC1, 0x7F80, 0xFF80, 0x0001, 0x8000]
    return bits.reshape(shape)


def safetensors_with_bf16(path, arrays, bf16, metadata):
    """save_file for the NumPy dtypes, with bf16 tensors (raw uint16 bits) through TensorSpec."""
    keep = []
    specs = {}
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        keep.append(array)
        specs[name] = safetensors.TensorSpec(dtype=array.dtype.name, shape=list(array.shape),
                                             data_ptr=array.ctypes.data, data_len=array.nbytes)
    for name, bits in bf16.items():
        bits = np.ascontiguousarray(bits)
        keep.append(bits)
        specs[name] = safetensors.TensorSpec(dtype="bfloat16", shape=list(bits.shape), data_ptr=bits.ctypes.data, data_len=bits.nbytes)
    safetensors.serialize_file(specs, path, metadata)


def raw_safetensors(path):
    """{name: (dtype string, shape, bytes)} through safetensors' own parser (works for BF16 too)."""
    with open(path, "rb") as f:
        return {name: (info["dtype"], list(info["shape"]), bytes(info["data"])) for name, info in safetensors.deserialize(f.read())}


def main():
    rng = np.random.default_rng(7)
    dtypes = [np.float32, np.float64, np.float16, np.int8, np.uint8, np.int32, np.int64, np.bool_]
    shapes = [(), (0,), (5,), (3, 7), (2, 3, 4)]
    arrays = {}
    for dtype in dtypes:
        for index, shape in enumerate(shapes):
            arrays[f"{np.dtype(dtype).name}.{index}"] = awkward(dtype, shape, rng)
    bf16 = {f"bf16.{index}": bf16_bits(shape, rng) for index, shape in enumerate([(6,), (4, 8)])}
    large = {"large.weight": rng.standard_normal((700, 1000)).astype(np.float32)}  # several 1 MiB chunks

    # Python -> Cairn: safetensors (with f16 and bf16), np.savez, np.savez_compressed.
    st_in = os.path.join(WORK, "py.safetensors")
    safetensors_with_bf16(st_in, {**arrays, **large}, bf16, {"origin": "interop.py"})
    tool("cairn-convert", st_in, os.path.join(WORK, "from-st.cairn"), "--quiet")
    manifest, tensors = read_file(os.path.join(WORK, "from-st.cairn"))
    check("safetensors -> cairn: every NumPy dtype bit-exact",
          all(same(tensors[name], array) for name, array in {**arrays, **large}.items()))
    # The reference reader widens bf16 to float32 exactly (bits << 16); the directory must say bf16.
    codes = CairnFile(os.path.join(WORK, "from-st.cairn")).entries
    check("safetensors -> cairn: bf16 kept as bf16, bit-exact",
          all(codes[name]["dcode"] == 4 and same(tensors[name], (bits.astype(np.uint32) << 16).view(np.float32))
              for name, bits in bf16.items()))
    check("safetensors -> cairn: manifest keeps source and metadata",
          manifest.get("source_format") == "safetensors" and manifest.get("metadata", {}).get("origin") == "interop.py"
          and "creator" in manifest and "created" in manifest and "graph" not in manifest)

    for writer, label in [(np.savez, "np.savez"), (np.savez_compressed, "np.savez_compressed")]:
        path = os.path.join(WORK, f"{label}.npz")
        writer(path, **arrays, **large)
        out = os.path.join(WORK, f"{label}.cairn")
        tool("cairn-convert", path, out, "--quiet")
        _, tensors = read_file(out)
        check(f"{label} -> cairn: every dtype bit-exact",
              set(tensors) == set(arrays) | set(large) and all(same(tensors[n], a) for n, a in {**arrays, **large}.items()))

    # An MLP in PyTorch's naming: the graph is inferred.
    mlp = {"layers.0.weight": rng.standard_normal((16, 8)).astype(np.float32), "layers.0.bias": np.zeros(16, np.float32),
           "layers.2.weight": rng.standard_normal((4, 16)).astype(np.float32), "layers.2.bias": np.ones(4, np.float32)}
    save_file(mlp, os.path.join(WORK, "mlp.safetensors"))
    tool("cairn-convert", os.path.join(WORK, "mlp.safetensors"), os.path.join(WORK, "mlp.cairn"), "--activation", "tanh", "--quiet")
    manifest, tensors = read_file(os.path.join(WORK, "mlp.cairn"))
    kinds = [node["kind"] for node in manifest.get("graph", {}).get("nodes", [])]
    check("safetensors MLP -> cairn: graph inferred", kinds == ["input", "dense", "tanh", "dense", "softmax"]
          and manifest.get("task") == "classification" and all(same(tensors[n], a) for n, a in mlp.items()), str(kinds))

    # Cairn -> Python: a training checkpoint to safetensors and npz.
    run = os.path.join(WORK, "run")
    tool("cairn-train", "--epochs", "2", "--optimizer", "adam", "--lr", "0.002", "--out", run, "--quiet", "--save-every-steps", "30")
    middle = sorted(name for name in os.listdir(run) if "-step-" in name)
    checkpoint = os.path.join(run, middle[0] if middle else "latest.cairn")  # mid-epoch: has the i64 training.order
    manifest, tensors = read_file(checkpoint)
    st_out = os.path.join(WORK, "ckpt.safetensors")
    tool("cairn-convert", checkpoint, st_out, "--quiet")
    loaded = load_file(st_out)
    check("cairn -> safetensors: safetensors.numpy.load_file reads every tensor bit-exact",
          set(loaded) == set(tensors) and all(same(loaded[n], tensors[n]) for n in tensors))
    with safe_open(st_out, framework="np") as f:
        metadata = f.metadata()
    check("cairn -> safetensors: graph and metadata in __metadata__",
          json.loads(metadata["graph"]) == manifest["graph"] and json.loads(metadata["metadata"]) == manifest["metadata"]
          and json.loads(metadata["cairn_manifest"]) == manifest)
    npz_out = os.path.join(WORK, "ckpt.npz")
    tool("cairn-convert", checkpoint, npz_out, "--quiet")
    with np.load(npz_out) as archive:
        check("cairn -> npz: np.load reads every tensor bit-exact",
              set(archive.files) == set(tensors) and all(same(archive[n], tensors[n]) for n in tensors))
    tool("cairn-convert", checkpoint, os.path.join(WORK, "zip64.npz"), "--zip64", "--quiet")
    with np.load(os.path.join(WORK, "zip64.npz")) as archive:
        check("cairn -> npz with ZIP64 records: np.load reads every tensor bit-exact",
              set(archive.files) == set(tensors) and all(same(archive[n], tensors[n]) for n in tensors))
    tool("cairn-convert", checkpoint, os.path.join(WORK, "params.npz"), "--parameters-only", "--quiet")
    with np.load(os.path.join(WORK, "params.npz")) as archive:
        check("cairn -> npz --parameters-only: weights and biases only",
              sorted(archive.files) == sorted(n for n in tensors if n.endswith((".weight", ".bias"))))
    back = os.path.join(WORK, "back.cairn")
    tool("cairn-convert", st_out, back, "--quiet")
    check("cairn -> safetensors -> cairn: identical file", open(back, "rb").read() == open(checkpoint, "rb").read())

    # f16 and bf16 out of Cairn: safetensors keeps BF16; npz stores its bits as <u2.
    st_again = os.path.join(WORK, "again.safetensors")
    tool("cairn-convert", os.path.join(WORK, "from-st.cairn"), st_again, "--quiet")
    original, again = raw_safetensors(st_in), raw_safetensors(st_again)
    check("safetensors -> cairn -> safetensors: every tensor's dtype, shape and bytes kept (F16, BF16 included)",
          original == again and again["bf16.1"][0] == "BF16" and again["float16.3"][0] == "F16")
    npz_again = os.path.join(WORK, "again.npz")
    tool("cairn-convert", os.path.join(WORK, "from-st.cairn"), npz_again, "--quiet")
    with np.load(npz_again) as archive:
        check("cairn -> npz: f16 as float16, bf16 as its uint16 bits",
              all(same(archive[n], a) for n, a in {**arrays, **large}.items()) and all(same(archive[n], b) for n, b in bf16.items()))

    # cairn-inspect --npy is read by np.load.
    npy = os.path.join(WORK, "w.npy")
    tool("cairn-inspect", checkpoint, "--tensor", "dense1.weight", "--npy", npy)
    check("cairn-inspect --npy: np.load reads it bit-exact", same(np.load(npy), tensors["dense1.weight"]))

    # Hostile input: one line on stderr, exit 2, no output.
    bad = os.path.join(WORK, "bad.safetensors")
    with open(bad, "wb") as f:
        f.write((1 << 40).to_bytes(8, "little") + b"{}")
    result = tool("cairn-convert", bad, os.path.join(WORK, "bad.cairn"), expect=2)
    check("hostile safetensors: exit 2, one line, nothing written",
          result.stderr.count("\n") == 1 and bad in result.stderr and not os.path.exists(os.path.join(WORK, "bad.cairn")))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a tool failed where it should not: count it and report
        check("every tool ran", False, str(error))
    checks.finish()
