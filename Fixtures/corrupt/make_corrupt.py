#!/usr/bin/env python3
"""Regenerates Fixtures/corrupt/*.cairn, Fixtures/compat/*.cairn and their expectation files.

Damaged files are derived from Fixtures/checkpoints/golden-multichunk.cairn by byte surgery (with
CRCs recomputed where a test must reach a deeper check than the checksum), or built from scratch
by the small spec-based writer below (decompression bombs, unknown sections). Each file is named
after what it tests; expected-errors.json says which error kind a reader must report and whether
opening the file or verifying it finds it. The script checks every file against the reference reader.

    python3 Fixtures/corrupt/make_corrupt.py
"""
import json
import math
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Formats"))
import reference_reader as rr  # noqa: E402

BASE = os.path.join(ROOT, "Fixtures", "checkpoints", "golden-multichunk.cairn")


# ---------------------------------------------------------------- a minimal writer, from the spec
def header(major=1, minor=0):
    h = rr.MAGIC + struct.pack("<HH", major, minor)
    return h + struct.pack("<I", zlib.crc32(h))


def footer(index_offset, index, major=1, minor=0):
    f = struct.pack("<QQIHHI", index_offset, len(index), zlib.crc32(index), major, minor, 0)
    return f + struct.pack("<I", zlib.crc32(f)) + rr.END_MAGIC


def stats(nans=0, infs=0, zeros=0, all_equal=1):
    return struct.pack("<ddddQQQB7x", 0, 0, 0, 0, nans, infs, zeros, all_equal)


def section(kind, payload, required=True):
    return struct.pack("<HHIQ", kind, 1 if required else 0, 0, len(payload)) + payload


def entry(name, dcode, role, shape, chunks, extension=b"", statistics=None):
    """chunks: list of (offset, stored, raw, raw_crc, stored_crc, filter, [(codec, plane_len)])."""
    n = name.encode()
    body = struct.pack("<HBBB3x", len(n), dcode, role, len(shape)) + n
    body += b"".join(struct.pack("<Q", d) for d in shape)
    body += statistics if statistics is not None else stats(all_equal=0 if math.prod(shape) > 1 else 1)
    body += struct.pack("<II", len(chunks), 0)
    for off, stored, raw, rcrc, scrc, filt, planes in chunks:
        body += struct.pack("<QQQIIBBH", off, stored, raw, rcrc, scrc, filt, len(planes), 0)
        body += b"".join(struct.pack("<B3xI", c, l) for c, l in planes)
    body += extension
    return struct.pack("<I", len(body)) + body


def build(tensors, manifest=b"{}", extra_sections=(), minor=0, leading_sections=(), directory_first=False,
          manifest_required=True, directory_required=True, tensor_count=None, directory_tail=b""):
    """tensors: list of (name, dcode, role, shape, [(stored_bytes, raw_bytes, codec)], extension[, statistics])."""
    data, entries, pos = b"", [], 16
    for t in tensors:
        name, dcode, role, shape, chunks, ext = t[:6]
        recs = []
        for stored, raw, codec in chunks:
            recs.append((pos, len(stored), len(raw), zlib.crc32(raw), zlib.crc32(stored), 0, [(codec, len(stored))]))
            data += stored
            pos += len(stored)
        entries.append(entry(name, dcode, role, shape, recs, ext, t[6] if len(t) > 6 else None))
    count = len(entries) if tensor_count is None else tensor_count
    directory = struct.pack("<II", count, 0) + b"".join(entries) + directory_tail
    m, d = section(1, manifest, manifest_required), section(2, directory, directory_required)
    index = b"".join(leading_sections) + (d + m if directory_first else m + d) + b"".join(extra_sections)
    return header(minor=minor) + data + index + footer(pos, index, minor=minor)


def build_raw_entry(entry_bytes, data=b"", tensor_count=1):
    """A file whose directory holds `entry_bytes` verbatim (length field included) after `data`."""
    directory = struct.pack("<II", tensor_count, 0) + entry_bytes
    index = section(1, b"{}") + section(2, directory)
    return header() + data + index + footer(16 + len(data), index)


def raw_deflate(b, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()


# ---------------------------------------------------------------- surgery on the golden file
def layout(data):
    size = len(data)
    index_offset, index_length = struct.unpack("<QQ", data[size - 40:size - 24])
    sections, pos = {}, index_offset
    while pos < index_offset + index_length:
        kind, flags, _, length = struct.unpack("<HHIQ", data[pos:pos + 16])
        sections[kind] = (pos, pos + 16, length)
        pos += 16 + length
    d = sections[2][1]  # directory payload
    name_len = struct.unpack("<H", data[d + 12:d + 14])[0]
    rank = data[d + 16]
    dims = d + 20 + name_len
    chunk_count = dims + 8 * rank + 64
    first_chunk = chunk_count + 8
    return dict(index_offset=index_offset, index_length=index_length, sections=sections, directory=d,
                entry0=d + 8, name_len=d + 12, dims=dims, chunk_count=chunk_count, first_chunk=first_chunk)


def with_index_edit(data, offset, fmt, value):
    """Overwrite a field inside the index region and recompute the index CRC (and footer CRC)."""
    b = bytearray(data)
    struct.pack_into(fmt, b, offset, value)
    L = layout(data)
    index = bytes(b[L["index_offset"]:L["index_offset"] + L["index_length"]])
    return bytes(b[:L["index_offset"]]) + index + footer(L["index_offset"], index)


def with_footer(data, index_offset, index_length, major=1, minor=0):
    f = struct.pack("<QQIHHI", index_offset, index_length, struct.unpack("<I", data[-24:-20])[0], major, minor, 0)
    return data[:-40] + f + struct.pack("<I", zlib.crc32(f)) + rr.END_MAGIC


def flip(data, offset, bit=0):
    b = bytearray(data)
    b[offset] ^= 1 << bit
    return bytes(b)


def main():
    base = open(BASE, "rb").read()
    failures = 0
    L = layout(base)
    man_hdr, man_payload, _ = L["sections"][1]
    cases = {}  # name -> (bytes, kind, stage)

    def add(name, data, kind, stage="open", tensor=None, chunk=None):
        cases[name] = (data, dict(kind=kind, stage=stage, tensor=tensor, chunk=chunk))

    add("empty-file.cairn", b"", "truncated")
    add("truncated-in-header.cairn", base[:10], "truncated")
    add("truncated-in-chunk-data.cairn", base[:5000], "truncated")
    add("truncated-in-manifest.cairn", base[:man_payload + 5], "truncated")
    add("truncated-in-directory.cairn", base[:L["first_chunk"] + 10], "truncated")
    add("truncated-in-footer.cairn", base[:-10], "truncated")
    add("flipped-bit-in-header.cairn", flip(base, 9), "checksumMismatch")
    add("flipped-bit-in-header-crc.cairn", flip(base, 14, 3), "checksumMismatch")
    add("flipped-bit-in-manifest.cairn", flip(base, man_payload + 3, 2), "checksumMismatch")
    add("flipped-bit-in-directory.cairn", flip(base, L["first_chunk"] + 5, 6), "checksumMismatch")
    chunk2 = rr.CairnFile(BASE).entries["dense.weight"]["chunks"][2]["offset"]
    add("flipped-bit-in-chunk-data.cairn", flip(base, chunk2 + 5, 4), "checksumMismatch", "verify", "dense.weight", 2)
    add("flipped-bit-in-footer.cairn", flip(base, len(base) - 40 + 2, 1), "checksumMismatch")
    add("flipped-bit-in-end-magic.cairn", flip(base, len(base) - 3, 0), "truncated")
    add("bad-magic.cairn", b"\x89PNG\r\n\x1a\n" + base[8:], "badMagic")
    v2 = header(major=2) + base[16:]
    add("unsupported-major-version.cairn", with_footer(v2, L["index_offset"], L["index_length"], major=2), "unsupportedVersion")
    add("absurd-index-length.cairn", with_footer(base, L["index_offset"], 1 << 62), "limitExceeded")
    add("absurd-index-offset.cairn", with_footer(base, (1 << 63) - 1, L["index_length"]), "malformed")
    add("absurd-section-length.cairn", with_index_edit(base, man_hdr + 8, "<Q", 1 << 62), "malformed")
    add("absurd-manifest-length.cairn", with_index_edit(base, man_hdr + 8, "<Q", 100 << 20), "malformed")
    add("absurd-tensor-count.cairn", with_index_edit(base, L["directory"], "<I", 0xFFFFFFFF), "malformed")
    add("absurd-entry-length.cairn", with_index_edit(base, L["entry0"], "<I", 0xFFFFFFFF), "malformed")
    add("absurd-name-length.cairn", with_index_edit(base, L["name_len"], "<H", 0xFFFF), "limitExceeded")
    add("absurd-dimension.cairn", with_index_edit(base, L["dims"], "<Q", 1 << 63), "limitExceeded")
    add("absurd-chunk-count.cairn", with_index_edit(base, L["chunk_count"], "<I", 0xFFFFFFFF), "malformed")
    add("absurd-chunk-offset.cairn", with_index_edit(base, L["first_chunk"], "<Q", 1 << 60), "malformed")
    add("absurd-chunk-stored-length.cairn", with_index_edit(base, L["first_chunk"] + 8, "<Q", 1 << 40), "malformed")
    add("absurd-chunk-raw-length.cairn", with_index_edit(base, L["first_chunk"] + 16, "<Q", 1 << 40), "limitExceeded")
    add("unknown-filter.cairn", with_index_edit(base, L["first_chunk"] + 32, "<B", 7), "unsupportedFeature")
    add("nonzero-reserved-field.cairn", with_index_edit(base, L["first_chunk"] + 34, "<H", 1), "malformed")
    # decompression bombs: a 1000-byte plane whose stream inflates to 1 MB; a 256 MiB claim on 1 KB
    zeros = bytes(1000)
    bomb = raw_deflate(bytes(1_000_000))
    add("decompression-bomb.cairn", build([("bomb", 6, 0, [1000], [(bomb, zeros, 1)], b"")]),
        "malformed", "verify", "bomb", 0)
    big = build([("bomb", 6, 0, [256 << 20], [(bomb, zeros, 1)], b"")])
    Lb = layout(big)
    add("decompression-bomb-beyond-deflate-limit.cairn", with_index_edit(big, Lb["first_chunk"] + 16, "<Q", 256 << 20),
        "limitExceeded")
    add("short-deflate-stream.cairn", build([("short", 6, 0, [2000], [(raw_deflate(bytes(1000)), bytes(2000), 1)], b"")]),
        "malformed", "verify", "short", 0)
    add("unknown-required-section.cairn", build([], extra_sections=[section(99, b"future", required=True)]),
        "unsupportedFeature")
    add("no-directory-section.cairn", header() + section(1, b"{}") + footer(16, section(1, b"{}")), "malformed")
    add("manifest-not-an-object.cairn", build([], manifest=b"[1, 2, 3]"), "malformed")

    add_spec_rule_cases(base, L, add)

    out = {}
    for name, (data, exp) in sorted(cases.items()):
        path = os.path.join(HERE, name)
        open(path, "wb").write(data)
        out[name] = dict({k: v for k, v in exp.items() if v is not None}, file=name)
        try:
            f = rr.CairnFile(path)
            f.verify()
            got = None
        except rr.CairnFormatError as e:
            got = e.kind
        if got != exp["kind"]:
            print(f"{name}: reference reader says {got}, expected {exp['kind']}")
            failures += 1
    json.dump(out, open(os.path.join(HERE, "expected-errors.json"), "w"), indent=1, sort_keys=True)

    expected = compat_cases()
    for name in sorted(expected):
        path = os.path.join(ROOT, "Fixtures", "compat", name)
        try:
            f = rr.CairnFile(path)
            f.verify()
            problems = rr.compare(path, f, {n: f.read(n) for n in f.entries}, expected[name])
        except rr.CairnFormatError as e:
            problems = [str(e)]
        for p in problems:
            print(p)
            failures += 1
    json.dump(expected, open(os.path.join(ROOT, "Fixtures", "compat", "expected.json"), "w"), indent=1, sort_keys=True)
    print(f"wrote {len(cases)} corrupt files and {len(expected)} compat files; {failures} disagreements")
    return 1 if failures else 0


def add_spec_rule_cases(base, L, add):
    """One file per rule the spec's check order (sections 4.1, 5.4, 10) decides."""
    # 4.1: the magic bytes a file has decide badMagic before its size decides truncated
    add("tiny-foreign-file.cairn", b"hello", "badMagic")
    add("short-foreign-file.cairn", b"GIF89a\x01\x00\x01\x00", "badMagic")
    add("magic-prefix-only.cairn", rr.MAGIC[:5], "truncated")
    add("header-only.cairn", base[:16], "truncated")
    add("short-file-with-bad-header-crc.cairn", flip(base[:40], 9), "truncated")
    # 4.1: the header alone decides unsupportedVersion; a footer that disagrees is malformed
    add("footer-major-version-2.cairn", with_footer(base, L["index_offset"], L["index_length"], major=2), "malformed")
    add("footer-minor-differs.cairn", with_footer(base, L["index_offset"], L["index_length"], minor=1), "malformed")
    add("footer-version-differs-and-absurd-index-length.cairn",
        with_footer(base, L["index_offset"], 1 << 62, major=2), "malformed")
    # 5: manifest and directory sections must be flagged required
    add("manifest-section-not-required.cairn", build([], manifest_required=False), "malformed")
    add("directory-section-not-required.cairn", build([], directory_required=False), "malformed")
    # 5.1: strict JSON manifests
    add("manifest-with-bom.cairn", build([], manifest=b"\xef\xbb\xbf{}"), "malformed")
    add("manifest-lone-high-surrogate.cairn", build([], manifest=b'{"a":"\\ud800"}'), "malformed")
    add("manifest-lone-low-surrogate.cairn", build([], manifest=b'{"a":"x\\udc00"}'), "malformed")
    add("manifest-reversed-surrogate-pair.cairn", build([], manifest=b'{"a":"\\udc00\\ud800"}'), "malformed")
    add("manifest-duplicate-key.cairn", build([], manifest=b'{"schema":1,"schema":2}'), "malformed")
    add("manifest-duplicate-escaped-key.cairn", build([], manifest=b'{"n":{"a":1,"\\u0061":2}}'), "malformed")
    add("manifest-too-deep.cairn", build([], manifest=b'{"a":' + b"[" * 64 + b"]" * 64 + b"}"), "malformed")
    add("manifest-nan-literal.cairn", build([], manifest=b'{"loss":NaN}'), "malformed")
    add("manifest-invalid-utf8.cairn", build([], manifest=b'{"a":"\xed\xa0\x80"}'), "malformed")
    add("manifest-trailing-data.cairn", build([], manifest=b'{"a":1} {}'), "malformed")
    # 5.2: names, codes, counts
    u8 = bytes(range(4))
    add("empty-tensor-name.cairn", build([("", 6, 0, [4], [(u8, u8, 0)], b"")]), "malformed")
    add("duplicate-tensor-name.cairn", build([("a", 6, 0, [4], [(u8, u8, 0)], b""), ("a", 6, 0, [4], [(u8, u8, 0)], b"")]),
        "malformed")
    add("role-code-above-3.cairn", build([("r", 6, 4, [4], [(u8, u8, 0)], b"")]), "malformed")
    # a name may hold any UTF-8, control characters too; error messages stay one line
    add("role-code-above-3-in-tensor-with-newline-in-name.cairn", build([("a\nb", 6, 9, [4], [(u8, u8, 0)], b"")]),
        "malformed")
    add("unknown-dtype-code.cairn", build([("d", 10, 0, [4], [(u8, u8, 0)], b"")]), "malformed")
    add("zero-element-shape-with-huge-running-product.cairn", build([("z", 6, 0, [1 << 40, 1 << 40, 0], [], b"")]),
        "limitExceeded")
    # the smallest valid entry is 93 bytes: a count the payload cannot hold at that size is malformed, before any entry
    body = struct.pack("<HBBB3x", 1, 6, 0, 9) + b"a"
    add("tensor-count-above-minimum-entry-size.cairn",
        build_raw_entry(struct.pack("<I", 88) + body + bytes(88 - len(body))), "malformed")
    # the smallest chunk record is 44 bytes (one plane)
    body = struct.pack("<HBBB3x", 1, 6, 0, 1) + b"c" + struct.pack("<Q", 4) + stats() + struct.pack("<II", 2, 0)
    body += struct.pack("<QQQIIBBH", 16, 4, 0, 0, 0, 0, 1, 0) + struct.pack("<B3xI", 0, 4) + bytes(36)
    add("chunk-count-above-minimum-record-size.cairn", build_raw_entry(struct.pack("<I", len(body)) + body, b"\0" * 4),
        "malformed")
    # 5.3: statistics
    i32 = struct.pack("<4i", 1, 2, 3, 4)
    add("integer-tensor-with-nan-count.cairn", build([("i", 7, 0, [4], [(i32, i32, 0)], b"", stats(nans=1, all_equal=0))]),
        "malformed")
    add("integer-tensor-with-inf-count.cairn", build([("i", 7, 0, [4], [(i32, i32, 0)], b"", stats(infs=1, all_equal=0))]),
        "malformed")
    f32 = struct.pack("<4f", 0, 0, float("nan"), float("inf"))
    add("statistics-counts-sum-above-element-count.cairn",
        build([("f", 1, 0, [4], [(f32, f32, 0)], b"", stats(nans=2, infs=1, zeros=2, all_equal=0))]), "malformed")
    one = struct.pack("<f", 1.0)
    add("single-element-not-all-equal.cairn", build([("s", 1, 0, [], [(one, one, 0)], b"", stats(all_equal=0))]),
        "malformed")
    # 5.2 / 10: bool bytes are 0 or 1 (a data rule: found when the chunk is read or verified)
    flags = bytes([0, 1, 2, 1])
    add("bool-byte-not-0-or-1.cairn", build([("mask", 9, 0, [4], [(flags, flags, 0)], b"")]), "malformed", "verify",
        "mask", 0)
    # 6: every chunk but the last has the first chunk's raw length; the last is not longer
    ten = bytes(range(10))
    add("uneven-chunks.cairn", build([("u", 6, 0, [10], [(ten[:4], ten[:4], 0), (ten[4:6], ten[4:6], 0),
                                                          (ten[6:], ten[6:], 0)], b"")]), "malformed")
    add("last-chunk-longer.cairn", build([("u", 6, 0, [10], [(ten[:4], ten[:4], 0), (ten[4:], ten[4:], 0)], b"")]),
        "malformed")
    # the raw total is checked record by record: the excess chunk 1 is reported, not chunk 2's unknown filter
    over = build([("o", 6, 0, [4], [(u8, u8, 0), (u8, u8, 0), (u8, u8, 0)], b"")])
    Lo = layout(over)
    add("chunks-beyond-shape-then-unknown-filter.cairn", with_index_edit(over, Lo["first_chunk"] + 2 * 44 + 32, "<B", 7),
        "malformed")
    # 6.1: an empty deflate plane is malformed (not a limit)
    body = struct.pack("<HBBB3x", 1, 3, 0, 1) + b"h" + struct.pack("<Q", 2) + stats(all_equal=0) + struct.pack("<II", 1, 0)
    body += struct.pack("<QQQIIBBH", 16, 2, 4, 0, zlib.crc32(b"\0\0"), 1, 2, 0)
    body += struct.pack("<B3xI", 1, 0) + struct.pack("<B3xI", 0, 2)
    add("empty-deflate-plane.cairn", build_raw_entry(struct.pack("<I", len(body)) + body, b"\0\0"), "malformed")


def compat_cases():
    """Files every reader must accept; returns expected.json's content."""
    out = os.path.join(ROOT, "Fixtures", "compat")
    expected = {}

    def add(name, data, exp):
        open(os.path.join(out, name), "wb").write(data)
        expected[name] = exp

    # minor version 1 with an unknown optional section and an entry extension field
    values = struct.pack("<4f", 1.0, -2.5, 0.125, 3.0)
    add("minor1-optional-section-and-entry-extension.cairn",
        build([("w", 1, 0, [2, 2], [(values, values, 0)], b"\x01\x02\x03\x04\x05\x06\x07\x08")],
              manifest=b'{"fixture":"compat"}', extra_sections=[section(77, b"optional future data", required=False)],
              minor=1),
        {"manifest": {"fixture": "compat"}, "order": ["w"],
         "tensors": {"w": {"dtype": "f32", "shape": [2, 2], "role": "parameter", "values": [1.0, -2.5, 0.125, 3.0]}}})
    # sections in any order, with an optional unknown section first
    add("sections-in-reverse-order.cairn",
        build([("w", 1, 0, [2, 2], [(values, values, 0)], b"")], manifest=b'{"fixture":"reverse"}', directory_first=True,
              leading_sections=[section(0, b"", required=False)]),
        {"manifest": {"fixture": "reverse"}, "order": ["w"],
         "tensors": {"w": {"dtype": "f32", "shape": [2, 2], "role": "parameter", "values": [1.0, -2.5, 0.125, 3.0]}}})
    # strict JSON that is still valid: a surrogate pair, escapes, equal keys in different objects, depth exactly 64
    manifest = ('{"pair":"\\ud83d\\ude00","esc":"a\\/b\\u00e9\\n","raw":"\u00e9\U0001F600","A":1,"a":-0.0,'
                '"n":{"a":1E+2,"b":[true,false,null]},"m":{"a":2},"deep":' + "[" * 63 + "]" * 63 + "}").encode()
    parsed = json.loads(manifest)
    add("manifest-strict-json-edge-cases.cairn", build([], manifest=manifest), {"manifest": parsed, "order": [], "tensors": {}})
    # chunks: the last one shorter; bool 0/1; empty tensors with a largest dimension; every role; a scalar
    ten = bytes(range(10))
    mask = bytes([0, 1, 1, 0])
    one = struct.pack("<d", 2.5)
    add("edge-shapes-and-chunks.cairn",
        build([("bytes", 6, 0, [10], [(ten[:4], ten[:4], 0), (ten[4:8], ten[4:8], 0), (ten[8:], ten[8:], 0)], b"",
                stats(zeros=1, all_equal=0)),
               ("mask", 9, 1, [4], [(mask, mask, 0)], b"", stats(zeros=2, all_equal=0)),
               ("empty", 1, 2, [1 << 56, 0], [], b""),
               ("scalar", 2, 3, [], [(one, one, 0)], b"")]),
        {"manifest": {}, "order": ["bytes", "mask", "empty", "scalar"],
         "tensors": {"bytes": {"dtype": "u8", "shape": [10], "role": "parameter", "values": list(range(10))},
                     "mask": {"dtype": "bool", "shape": [4], "role": "optimizer", "values": [0, 1, 1, 0]},
                     "empty": {"dtype": "f32", "shape": [1 << 56, 0], "role": "buffer", "values": []},
                     "scalar": {"dtype": "f64", "shape": [], "role": "other", "values": [2.5]}}})
    return expected


if __name__ == "__main__":
    sys.exit(main())
