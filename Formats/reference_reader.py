#!/usr/bin/env python3
"""Reference reader for the .cairn container format, version 1 (Formats/cairn-v1.md).

Written from the specification alone, with numpy and the standard library (zlib) only.

Command line:
    python3 Formats/reference_reader.py FILE...                 list tensors, verify everything
    python3 Formats/reference_reader.py --expect EXPECT.json FILE...
        also compare each file's tensors with EXPECT.json: {file name: {"manifest": {...},
        "order": [names in file order], "tensors": {name: {"dtype": "f32", "shape": [...], "role": "parameter",
        "values": [...] (numbers; "nan", "inf", "-inf" for non-finite) or "sha256": hex of the raw bytes}}}}
    python3 Formats/reference_reader.py --expect-errors Fixtures/corrupt/expected-errors.json Fixtures/corrupt/*.cairn
        every file must be rejected with the error kind the table names ({file name: {"kind": ...}})
Exit status: 0 when every file is sound (and matches), or with --expect-errors when every file fails as
expected; 1 otherwise; 2 on usage errors.

Library:
    manifest, tensors = read_file(path)        # tensors: {name: numpy array}; verifies every CRC
    f = CairnFile(path); f.entries; f.read(name); f.verify()
"""
import hashlib
import json
import math
import os
import struct
import sys
import zlib

import numpy as np

MAGIC = b"\x89CAIRN\r\n"
END_MAGIC = b"CAIRNEND"
HEADER_SIZE, FOOTER_SIZE = 16, 40
MAX_INDEX = 1 << 30
MAX_MANIFEST = 64 << 20
MAX_NAME = 4096
MAX_RANK = 8
MAX_ELEMENTS = 1 << 56
MAX_CHUNK_RAW = 256 << 20
DEFLATE_EXPANSION, DEFLATE_SLACK = 1032, 1024
SECTION_MANIFEST, SECTION_DIRECTORY = 1, 2

DTYPES = {  # code: (name, size, numpy little-endian dtype)
    1: ("f32", 4, "<f4"), 2: ("f64", 8, "<f8"), 3: ("f16", 2, "<f2"), 4: ("bf16", 2, "<u2"),
    5: ("i8", 1, "i1"), 6: ("u8", 1, "u1"), 7: ("i32", 4, "<i4"), 8: ("i64", 8, "<i8"), 9: ("bool", 1, "u1"),
}
ROLES = {0: "parameter", 1: "optimizer", 2: "buffer", 3: "other"}
CODECS = {0: "stored", 1: "deflate", 2: "deflateHuffman"}


class CairnFormatError(Exception):
    """A damaged or invalid file: kind is one of the spec's error names."""

    def __init__(self, path, kind, message, tensor=None, chunk=None, offset=None):
        self.path, self.kind, self.tensor, self.chunk, self.offset = path, kind, tensor, chunk, offset
        where = []
        if tensor is not None:
            where.append(f"tensor {tensor}")
        pos = []
        if chunk is not None:
            pos.append(f"chunk {chunk}")
        if offset is not None:
            pos.append(f"at byte {offset}")
        if pos:
            where.append(" ".join(pos))
        prefix = f"{path}: " + (", ".join(where) + ": " if where else "")
        super().__init__(prefix + f"{kind}: {message}")


class Cursor:
    """Bounds-checked little-endian reads from bytes that start at file offset `base`."""

    def __init__(self, f, data, base, tensor=None):
        self.f, self.data, self.base, self.pos, self.tensor = f, data, base, 0, tensor

    def fail(self, kind, message, at=None):
        return CairnFormatError(self.f.path, kind, message, tensor=self.tensor,
                                offset=self.base + (self.pos if at is None else at))

    def take(self, n, what):
        if n < 0 or self.pos + n > len(self.data):
            raise self.fail("malformed", f"{what} runs past the end of its record")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u(self, fmt, what):
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt), what))[0]

    def zeros(self, n, what):
        at = self.pos
        if any(self.take(n, what)):
            raise self.fail("malformed", f"{what} must be zero", at)

    @property
    def remaining(self):
        return len(self.data) - self.pos


class CairnFile:
    def __init__(self, path):
        self.path = path
        try:
            self.fh = open(path, "rb")
        except FileNotFoundError:
            raise CairnFormatError(path, "notFound", "no such file")
        self.size = os.fstat(self.fh.fileno()).st_size
        head = self._read(0, min(self.size, HEADER_SIZE))
        if len(head) >= 8 and head[:8] != MAGIC:
            raise CairnFormatError(path, "badMagic", "not a Cairn file", offset=0)
        if self.size < HEADER_SIZE + FOOTER_SIZE:
            raise CairnFormatError(path, "truncated", "file shorter than header + footer", offset=self.size)
        self._check_header(head)
        self._read_footer()
        index = self._read(self.index_offset, self.index_length)
        if zlib.crc32(index) != self.index_crc:
            raise CairnFormatError(path, "checksumMismatch", "index region CRC", offset=self.index_offset)
        self._read_sections(index)

    def _read(self, offset, n):
        if offset < 0 or n < 0 or offset + n > self.size:
            raise CairnFormatError(self.path, "truncated", f"{n} bytes at {offset} beyond end of file", offset=offset)
        self.fh.seek(offset)
        b = self.fh.read(n)
        if len(b) != n:
            raise CairnFormatError(self.path, "truncated", "short read", offset=offset)
        return b

    def _check_header(self, head):
        major, minor, crc = struct.unpack("<HHI", head[8:16])
        if zlib.crc32(head[:12]) != crc:
            raise CairnFormatError(self.path, "checksumMismatch", "header CRC", offset=12)
        if major != 1:
            raise CairnFormatError(self.path, "unsupportedVersion", f"version {major}.{minor}", offset=8)
        self.version = (major, minor)

    def _read_footer(self):
        start = self.size - FOOTER_SIZE
        b = self._read(start, FOOTER_SIZE)
        if b[32:40] != END_MAGIC:
            raise CairnFormatError(self.path, "truncated", "no end magic: file cut short or never finished", offset=start + 32)
        if zlib.crc32(b[:28]) != struct.unpack("<I", b[28:32])[0]:
            raise CairnFormatError(self.path, "checksumMismatch", "footer CRC", offset=start + 28)
        off, length, crc, major, minor, reserved = struct.unpack("<QQIHHI", b[:28])
        if major != 1:
            raise CairnFormatError(self.path, "unsupportedVersion", f"version {major}.{minor}", offset=start + 20)
        if reserved:
            raise CairnFormatError(self.path, "malformed", "footer reserved field", offset=start + 24)
        if (major, minor) != self.version:
            raise CairnFormatError(self.path, "malformed", "footer and header versions differ", offset=start + 20)
        if length > MAX_INDEX:
            raise CairnFormatError(self.path, "limitExceeded", f"index of {length} bytes", offset=start + 8)
        if off < HEADER_SIZE or off + length != start:
            raise CairnFormatError(self.path, "malformed", f"index at {off} length {length} does not end at footer", offset=start)
        self.index_offset, self.index_length, self.index_crc = off, length, crc

    def _read_sections(self, index):
        c = Cursor(self, index, self.index_offset)
        self.manifest_bytes, self.entries = None, None
        while c.remaining:
            start = c.pos
            kind, flags = c.u("H", "section kind"), c.u("H", "section flags")
            if flags & ~1:
                raise c.fail("malformed", "section flags use reserved bits", start + 2)
            c.zeros(4, "section reserved field")
            length = c.u("Q", "section length")
            if length > c.remaining:
                raise c.fail("malformed", "section runs past the index", start + 8)
            payload_at = c.pos
            payload = c.take(length, "section")
            if kind == SECTION_MANIFEST:
                if self.manifest_bytes is not None:
                    raise c.fail("malformed", "second manifest", start)
                if length > MAX_MANIFEST:
                    raise c.fail("limitExceeded", f"manifest of {length} bytes", start + 8)
                try:
                    obj = json.loads(payload.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    obj = None
                if not isinstance(obj, dict):
                    raise c.fail("malformed", "manifest is not a UTF-8 JSON object", payload_at)
                self.manifest_bytes, self.manifest = payload, obj
            elif kind == SECTION_DIRECTORY:
                if self.entries is not None:
                    raise c.fail("malformed", "second tensor directory", start)
                self.entries = self._read_directory(Cursor(self, payload, self.index_offset + payload_at))
            elif flags & 1:
                raise c.fail("unsupportedFeature", f"required section of kind {kind}", start)
        if self.manifest_bytes is None or self.entries is None:
            raise CairnFormatError(self.path, "malformed", "missing manifest or tensor directory", offset=self.index_offset)

    def _read_directory(self, c):
        count = c.u("I", "tensor count")
        c.zeros(4, "directory reserved field")
        if count > c.remaining // 84:
            raise c.fail("malformed", f"{count} tensors cannot fit")
        entries, names, next_offset = {}, set(), HEADER_SIZE
        for _ in range(count):
            start = c.base + c.pos
            n = c.u("I", "entry length")
            e = Cursor(self, c.take(n, "entry"), start + 4)
            entry, next_offset = self._read_entry(e, next_offset)
            if entry["name"] in names:
                raise CairnFormatError(self.path, "malformed", "duplicate name", tensor=entry["name"], offset=start)
            names.add(entry["name"])
            entries[entry["name"]] = entry
        if c.remaining:
            raise c.fail("malformed", "bytes after the last entry")
        if next_offset != self.index_offset:
            raise CairnFormatError(self.path, "malformed", "chunks do not tile the data region", offset=next_offset)
        return entries

    def _read_entry(self, e, next_offset):
        name_len, dcode, rcode, rank = e.u("H", "name length"), e.u("B", "dtype"), e.u("B", "role"), e.u("B", "rank")
        e.zeros(3, "entry reserved bytes")
        if not 1 <= name_len <= MAX_NAME:
            raise e.fail("limitExceeded", f"name of {name_len} bytes")
        try:
            name = e.take(name_len, "name").decode("utf-8")
        except UnicodeDecodeError:
            raise e.fail("malformed", "name is not UTF-8")
        e.tensor = name
        if dcode not in DTYPES:
            raise e.fail("malformed", f"dtype code {dcode}")
        if rcode not in ROLES:
            raise e.fail("malformed", f"role code {rcode}")
        if rank > MAX_RANK:
            raise e.fail("limitExceeded", f"rank {rank}")
        shape = [e.u("Q", "dimension") for _ in range(rank)]
        elements = math.prod(shape)
        if any(d > MAX_ELEMENTS for d in shape) or elements > MAX_ELEMENTS:
            raise e.fail("limitExceeded", "too many elements")
        mn, mx, mean, std, nans, infs, zeros = struct.unpack("<ddddQQQ", e.take(56, "statistics"))
        if max(nans, infs, zeros) > elements:
            raise e.fail("malformed", "statistics count above element count")
        flags = e.u("B", "statistics flags")
        if flags & ~1:
            raise e.fail("malformed", "statistics flags use reserved bits")
        e.zeros(7, "statistics reserved bytes")
        nchunks = e.u("I", "chunk count")
        e.zeros(4, "chunk count reserved field")
        if nchunks > e.remaining // 36:
            raise e.fail("malformed", f"{nchunks} chunks cannot fit")
        size = DTYPES[dcode][1]
        chunks, raw_total = [], 0
        for i in range(nchunks):
            ch = self._read_chunk_record(e, i, size, next_offset)
            next_offset += ch["stored"]
            raw_total += ch["raw"]
            chunks.append(ch)
        if raw_total != elements * size:
            raise e.fail("malformed", f"chunks hold {raw_total} raw bytes, shape needs {elements * size}")
        # remaining entry bytes: extension fields of later minor versions, skipped
        stats = dict(min=mn, max=mx, mean=mean, std=std, nan_count=nans, inf_count=infs, zero_count=zeros,
                     all_equal=bool(flags & 1))
        return dict(name=name, dtype=DTYPES[dcode][0], dcode=dcode, role=ROLES[rcode], shape=shape,
                    statistics=stats, chunks=chunks), next_offset

    def _read_chunk_record(self, e, i, size, expected_offset):
        at = e.pos

        def bad(kind, msg):
            err = e.fail(kind, msg, at)
            err.chunk = i
            return CairnFormatError(self.path, kind, msg, tensor=e.tensor, chunk=i, offset=e.base + at)

        off, stored, raw, raw_crc, stored_crc, filt, planes = struct.unpack("<QQQIIBB", e.take(34, "chunk record"))
        e.zeros(2, "chunk reserved field")
        if off != expected_offset:
            raise bad("malformed", f"chunk at {off}, expected {expected_offset}")
        if not 1 <= stored <= self.index_offset - expected_offset:
            raise bad("malformed", "stored length outside the data region")
        if not 1 <= raw <= MAX_CHUNK_RAW:
            raise bad("limitExceeded", f"raw length {raw}")
        if filt not in (0, 1):
            raise bad("unsupportedFeature", f"filter {filt}")
        want = size if filt == 1 else 1
        if planes != want or raw % size:
            raise bad("malformed", f"{planes} planes / {raw} raw bytes for filter {filt}")
        plane_raw = raw // planes
        plist, total = [], 0
        for _ in range(planes):
            codec = e.u("B", "plane codec")
            e.zeros(3, "plane reserved bytes")
            plen = e.u("I", "plane stored length")
            if codec not in CODECS:
                raise bad("unsupportedFeature", f"codec {codec}")
            if codec == 0 and plen != plane_raw:
                raise bad("malformed", "stored plane length differs from raw plane length")
            if codec != 0 and (plen < 1 or plane_raw > DEFLATE_EXPANSION * plen + DEFLATE_SLACK):
                raise bad("limitExceeded", "deflate plane expansion beyond deflate's limit")
            plist.append((codec, plen))
            total += plen
        if total != stored:
            raise bad("malformed", "plane lengths do not add up to the stored length")
        return dict(offset=off, stored=stored, raw=raw, raw_crc=raw_crc, stored_crc=stored_crc, filter=filt, planes=plist)

    # ------------------------------------------------------------------ data
    def chunk_bytes(self, name, i, check_stored=True):
        entry = self.entries[name]
        ch = entry["chunks"][i]

        def bad(kind, msg):
            return CairnFormatError(self.path, kind, msg, tensor=name, chunk=i, offset=ch["offset"])

        data = self._read(ch["offset"], ch["stored"])
        if check_stored and zlib.crc32(data) != ch["stored_crc"]:
            raise bad("checksumMismatch", "stored bytes CRC (file damaged)")
        nplanes = len(ch["planes"])
        plane_raw = ch["raw"] // nplanes
        planes, pos = [], 0
        for p, (codec, plen) in enumerate(ch["planes"]):
            part = data[pos:pos + plen]
            pos += plen
            if codec == 0:
                planes.append(part)
                continue
            d = zlib.decompressobj(-15)
            try:
                out = d.decompress(part, plane_raw)  # never more than declared: no bomb
            except zlib.error as exc:
                raise bad("malformed", f"plane {p}: invalid deflate data ({exc})")
            if len(out) != plane_raw or not d.eof or d.unconsumed_tail or d.unused_data:
                raise bad("malformed", f"plane {p}: deflate stream does not produce exactly {plane_raw} bytes")
            planes.append(out)
        if ch["filter"] == 1:
            raw = np.stack([np.frombuffer(p, np.uint8) for p in planes], axis=1).tobytes()
        else:
            raw = planes[0]
        if zlib.crc32(raw) != ch["raw_crc"]:
            raise bad("checksumMismatch", "raw bytes CRC (file damaged)")
        return raw

    def read(self, name):
        entry = self.entries[name]
        raw = b"".join(self.chunk_bytes(name, i) for i in range(len(entry["chunks"])))
        code = entry["dcode"]
        arr = np.frombuffer(raw, DTYPES[code][2]).reshape(entry["shape"])
        if code == 4:  # bf16 -> f32, exact
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        elif code == 9:
            arr = arr.astype(bool)
        return arr

    def verify(self):
        for name, entry in self.entries.items():
            for i in range(len(entry["chunks"])):
                self.chunk_bytes(name, i)


def read_file(path):
    """(manifest dict, {name: numpy array}) of a verified file; raises CairnFormatError."""
    f = CairnFile(path)
    return f.manifest, {name: f.read(name) for name in f.entries}


def compare(path, f, tensors, expected):
    problems = []
    if "manifest" in expected and expected["manifest"] != f.manifest:
        problems.append(f"{path}: manifest differs from expectation")
    want = expected.get("tensors", {})
    order = expected.get("order", list(want))
    if order != list(f.entries):
        problems.append(f"{path}: tensor names {list(f.entries)} differ from expected {order}")
    for name, exp in want.items():
        if name not in tensors:
            continue
        e, arr = f.entries[name], tensors[name]
        for key in ("dtype", "shape", "role"):
            if key in exp and exp[key] != e[key]:
                problems.append(f"{path}: tensor {name}: {key} {e[key]} differs from expected {exp[key]}")
        if "sha256" in exp:
            raw = b"".join(f.chunk_bytes(name, i) for i in range(len(e["chunks"])))
            if hashlib.sha256(raw).hexdigest() != exp["sha256"]:
                problems.append(f"{path}: tensor {name}: data hash differs from expected")
        if "values" in exp:
            got = np.asarray(arr, dtype=np.float64).reshape(-1)
            ref = np.array([float(v) for v in exp["values"]], dtype=np.float64)
            if got.shape != ref.shape or not np.array_equal(got, ref, equal_nan=True):
                problems.append(f"{path}: tensor {name}: values differ from expected")
    return problems


def check_errors(paths, table):
    status = 0
    for path in paths:
        want = table.get(os.path.basename(path), {}).get("kind")
        try:
            f = CairnFile(path)
            f.verify()
            got, message = None, "no error"
        except CairnFormatError as exc:
            got, message = exc.kind, str(exc)
        ok = want is not None and got == want
        print(f"{'ok  ' if ok else 'FAIL'} {path}: expected {want}, got {message}")
        status |= 0 if ok else 1
    return status


def main(argv):
    args, expect = list(argv), None
    if "--expect-errors" in args:
        i = args.index("--expect-errors")
        if i + 1 >= len(args) or len(args) < 3:
            print("usage: reference_reader.py --expect-errors TABLE.json FILE...", file=sys.stderr)
            return 2
        table = json.load(open(args[i + 1]))
        del args[i:i + 2]
        return check_errors(args, table)
    if "--expect" in args:
        i = args.index("--expect")
        if i + 1 >= len(args):
            print("usage: reference_reader.py [--expect EXPECT.json] FILE...", file=sys.stderr)
            return 2
        expect = json.load(open(args[i + 1]))
        del args[i:i + 2]
    if not args:
        print("usage: reference_reader.py [--expect EXPECT.json] FILE...", file=sys.stderr)
        return 2
    status = 0
    for path in args:
        try:
            f = CairnFile(path)
            f.verify()
            tensors = {name: f.read(name) for name in f.entries}
        except CairnFormatError as exc:
            print(f"DAMAGED {exc}")
            status = 1
            continue
        print(f"{path}: version {f.version[0]}.{f.version[1]}, {len(f.entries)} tensors, manifest {len(f.manifest_bytes)} bytes, ok")
        for name, e in f.entries.items():
            stored = sum(c["stored"] for c in e["chunks"])
            raw = sum(c["raw"] for c in e["chunks"])
            print(f"  {name:32s} {e['dtype']:5s} {str(e['shape']):18s} {e['role']:9s} chunks {len(e['chunks']):4d} "
                  f"raw {raw:10d} stored {stored:10d}")
        if expect is not None:
            key = os.path.basename(path)
            if key not in expect:
                print(f"{path}: no expectation for this file")
                status = 1
                continue
            problems = compare(path, f, tensors, expect[key])
            for p in problems:
                print(p)
            if problems:
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
