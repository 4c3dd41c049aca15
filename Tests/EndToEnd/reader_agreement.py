#!/usr/bin/env python3
"""Cairn's reader and the independent reference reader give one answer for every file.

Formats/cairn-v1.md fixes the order of every check, so two conforming readers report the same error kind, at
the same stage (opening or verifying), for any file, however many rules it breaks. This check makes
thousands of hostile files from the golden and compat fixtures (seeded, so every run makes the same ones):
random byte changes in the index, footer and header with every CRC resealed (so the structural checks are
reached), manifests mutated towards the strict-JSON rules, and bool tensors holding arbitrary bytes; then it
compares `cairn-inspect --verify --json` with Formats/reference_reader.py on each.

    python3 Tests/EndToEnd/reader_agreement.py [BIN_DIR] [COUNT]     (default .build/release, 1500)
Exit status 0 when both readers agree on every file, 1 otherwise (the first disagreements are listed).
"""
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Formats"))
sys.path.insert(0, os.path.join(ROOT, "Fixtures", "corrupt"))
import make_corrupt as mc  # noqa: E402
import reference_reader as rr  # noqa: E402

JSON_SEEDS = [b'{"a":1}', b'{"a":"\\ud83d\\ude00","b":[1,2.5e-3,-0,true,null],"c":{"d":"\\u00e9"}}',
              b'{"x":{"y":{"z":[[[]]]}}}', b'{"k":"v\\n\\t\\"\\\\\\/","k2":"\xc3\xa9\xf0\x9f\x98\x80"}', b"{}",
              b'{"a":{"a":{"a":1}}}']
JSON_PIECES = [b"\\", b'"', b"\\u", b"d800", b"dc00", b"\\ud800", b"\\udc00", b"{", b"}", b"[", b"]", b",", b":", b"NaN",
               b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"0", b"01", b"-", b"e", b"E+",
               b".", b" ", b"\t", b"\x00", b"\x1f", b'"a":1', b'"a"', b"\\u0061", b"true", b"nul", b"\x7f", b"1e400"]


def reseal(data):
    size = len(data)
    off, length = struct.unpack("<QQ", data[size - 40:size - 24])
    if off + length == size - 40 and off >= 16:
        struct.pack_into("<I", data, size - 24, zlib.crc32(data[off:off + length]))
    struct.pack_into("<I", data, size - 12, zlib.crc32(data[size - 40:size - 12]))
    struct.pack_into("<I", data, 12, zlib.crc32(data[:12]))


def structural(rng, sources):
    data = bytearray(rng.choice(sources))
    size = len(data)
    off, length = struct.unpack("<QQ", data[size - 40:size - 24])
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        p = rng.randrange(off, off + length) if r < 0.8 else (rng.randrange(size - 40, size - 12) if r < 0.9
                                                               else rng.randrange(0, 16))
        if rng.random() < 0.5:
            data[p] ^= 1 << rng.randrange(8)
        else:
            data[p] = rng.choice([0, 1, 2, 3, 4, 7, 9, 10, 0x80, 0xFF])
    if rng.random() < 0.9:
        reseal(data)
    if rng.random() < 0.05:
        data = data[:rng.randrange(0, len(data))]
    return bytes(data)


def manifest(rng):
    m = bytearray(rng.choice(JSON_SEEDS))
    for _ in range(rng.randint(1, 3)):
        op, pos = rng.random(), rng.randint(0, len(m))
        if op < 0.5:
            m[pos:pos] = rng.choice(JSON_PIECES)
        elif op < 0.8 and m:
            del m[pos:pos + rng.randint(1, 3)]
        elif m:
            m[min(pos, len(m) - 1)] = rng.randrange(256)
    return mc.build([], manifest=bytes(m))


def bool_tensor(rng):
    values = bytes(rng.choice([0, 1, 1, 0, 0, 1, rng.randrange(256)]) for _ in range(rng.randint(1, 40)))
    chunk = rng.randint(1, len(values))
    pieces = [values[i:i + chunk] for i in range(0, len(values), chunk)]
    return mc.build([("mask", 9, 2, [len(values)], [(p, p, 0) for p in pieces], b"", mc.stats(all_equal=0 if len(values) > 1 else 1))])


def python_answer(path):
    stage = "open"
    try:
        f = rr.CairnFile(path)
        stage = "verify"
        f.verify()
        return ("ok", None)
    except rr.CairnFormatError as e:
        return (e.kind, stage)


def swift_answer(binary, path):
    out = subprocess.run([binary, path, "--verify", "--json"], capture_output=True, text=True, timeout=60)
    try:
        report = json.loads(out.stdout)
    except ValueError:
        return ("no JSON: exit %d %s" % (out.returncode, out.stderr.strip()[:200]), None)
    if report.get("sound"):
        return ("ok", None)
    problems = report.get("problems") or [{}]
    return (problems[0].get("code"), "verify" if report.get("opened") else "open")


def main(argv):
    bin_dir = argv[1] if len(argv) > 1 else os.path.join(ROOT, ".build", "release")
    count = int(argv[2]) if len(argv) > 2 else 1500
    binary = os.path.join(bin_dir, "cairn-inspect")
    rng = random.Random(20261201)
    sources = []
    for folder in ("checkpoints", "compat"):
        directory = os.path.join(ROOT, "Fixtures", folder)
        sources += [open(os.path.join(directory, f), "rb").read() for f in sorted(os.listdir(directory)) if f.endswith(".cairn")]
    kinds, disagreements = {}, []
    with tempfile.TemporaryDirectory() as work:
        for n in range(count):
            r = rng.random()
            data = structural(rng, sources) if r < 0.7 else (manifest(rng) if r < 0.9 else bool_tensor(rng))
            path = os.path.join(work, f"case-{n}.cairn")
            open(path, "wb").write(data)
            want, got = python_answer(path), swift_answer(binary, path)
            kinds[want[0]] = kinds.get(want[0], 0) + 1
            if want != got:
                keep = os.path.join(tempfile.gettempdir(), f"cairn-disagreement-{n}.cairn")
                open(keep, "wb").write(data)
                disagreements.append(f"{keep}: reference reader {want}, Cairn {got}")
    print(f"{count} files: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    for line in disagreements[:10]:
        print("DISAGREE " + line)
    print(f"{len(disagreements)} disagreements")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
