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


def section(kind, payload, required=True):
    return struct.pack("<HHIQ", kind, 1 if required else 0, 0, len(payload)) + payload


def entry(name, dcode, role, shape, chunks, extension=b""):
    """chunks: list of (offset, stored, raw, raw_crc, stored_crc, filter, [(codec, plane_len)])."""
    n = name.encode()
    body = struct.pack("<HBBB3x", len(n), dcode, role, len(shape)) + n
    body += b"".join(struct.pack("<Q", d) for d in shape)
    body += struct.pack("<ddddQQQB7x", 0, 0, 0, 0, 0, 0, 0, 0)
    body += struct.pack("<II", len(chunks), 0)
    for off, stored, raw, rcrc, scrc, filt, planes in chunks:
        body += struct.pack("<QQQIIBBH", off, stored, raw, rcrc, scrc, filt, len(planes), 0)
        body += b"".join(struct.pack("<B3xI", c, l) for c, l in planes)
    body += extension
    return struct.pack("<I", len(body)) + body


def build(tensors, manifest=b"{}", extra_sections=(), minor=0):
    """tensors: list of (name, dcode, role, shape, [(stored_bytes, raw_bytes, codec)], extension)."""
    data, entries, pos = b"", [], 16
    for name, dcode, role, shape, chunks, ext in tensors:
        recs = []
        for stored, raw, codec in chunks:
            recs.append((pos, len(stored), len(raw), zlib.crc32(raw), zlib.crc32(stored), 0, [(codec, len(stored))]))
            data += stored
            pos += len(stored)
        entries.append(entry(name, dcode, role, shape, recs, ext))
    directory = struct.pack("<II", len(entries), 0) + b"".join(entries)
    index = section(1, manifest) + section(2, directory) + b"".join(extra_sections)
    return header(minor=minor) + data + index + footer(pos, index, minor=minor)


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
    json.dump(out, open(os.path.join(HERE, "expected-errors.json"), "w"), indent=1, sort_keys=True)

    # compatibility: minor version 1 with an unknown optional section and an entry extension field
    values = struct.pack("<4f", 1.0, -2.5, 0.125, 3.0)
    compat = build([("w", 1, 0, [2, 2], [(values, values, 0)], b"\x01\x02\x03\x04\x05\x06\x07\x08")],
                   manifest=b'{"fixture":"compat"}', extra_sections=[section(77, b"optional future data", required=False)],
                   minor=1)
    open(os.path.join(ROOT, "Fixtures", "compat", "minor1-optional-section-and-entry-extension.cairn"), "wb").write(compat)
    expected = {"minor1-optional-section-and-entry-extension.cairn": {
        "manifest": {"fixture": "compat"}, "order": ["w"],
        "tensors": {"w": {"dtype": "f32", "shape": [2, 2], "role": "parameter", "values": [1.0, -2.5, 0.125, 3.0]}}}}
    json.dump(expected, open(os.path.join(ROOT, "Fixtures", "compat", "expected.json"), "w"), indent=1, sort_keys=True)
    print(f"wrote {len(cases)} corrupt files and 1 compat file")


if __name__ == "__main__":
    main()
