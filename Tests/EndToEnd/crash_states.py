#!/usr/bin/env python3
"""Crash states of a checkpoint save, explored rather than sampled (in the spirit of ALICE, Pillai et
al., OSDI 2014).

Records the file-system calls of a `cairn-resume` that saves checkpoints (strace: creat/write/pwrite/
fsync/rename/unlink/symlink/link/mkdir), then builds every crash state the POSIX rules allow for each
prefix of that sequence, in a copy of the run folder:

- a data operation (write, pwrite, truncate) on a file is durable once that file is fsynced later in
  the prefix; before that, it may or may not have reached the disk;
- a name operation (create, rename, link, unlink, symlink, mkdir) in a folder is durable once that
  folder is fsynced later in the prefix; before that it may be lost, in any combination with others,
  so a rename can land before the data of the file it names.

For each prefix, the states are: every operation applied; only the durable ones; the durable ones plus
all optional ones but one (for each optional one); the durable ones plus each optional name operation
alone; and random subsets. In every state, `latest.cairn` must name a file that the reference reader
(Formats/reference_reader.py, checksums and all) reads, byte-identical to the checkpoint it named
before or to a checkpoint the run wrote whole, and every checkpoint that existed before must still be
there, byte for byte, unless the run itself removed it (`--keep`) and `latest.cairn` no longer names it.

A self-check then removes the file fsyncs from the recorded save and expects bad states, so the
explorer is shown to catch the classic bug (rename before the data is durable).

Usage: crash_states.py [BIN_DIR]   (default .build/release); exit 0 when no state loses or tears a
checkpoint. Needs strace.
"""
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Formats"))
from reference_reader import read_file  # noqa: E402

SYSCALLS = ("openat,creat,write,pwrite64,writev,pwritev,lseek,fsync,fdatasync,rename,renameat,renameat2,"
            "unlink,unlinkat,symlink,symlinkat,link,linkat,mkdir,mkdirat,ftruncate,truncate,close")


def decode(text):
    return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def decode_bytes(text):
    return bytes(int(h, 16) for h in re.findall(r"\\x([0-9a-f]{2})", text))


def joined_lines(path):
    """strace -f lines with <unfinished ...> / <... resumed> pairs joined per pid."""
    pending = {}
    for raw in open(path, encoding="latin-1"):
        raw = raw.rstrip("\n")
        pid, _, rest = raw.partition(" ")
        rest = rest.lstrip()
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")]
            continue
        m = re.match(r"<\.\.\. \w+ resumed>(.*)", rest)
        if m:
            rest = pending.pop(pid, "") + m.group(1)
        yield rest


class Op:
    def __init__(self, kind, **fields):
        self.kind = kind
        self.__dict__.update(fields)

    def __repr__(self):
        return f"{self.kind}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items() if k not in ('kind', 'data'))})"


def parse_trace(path, folder):
    """The operations on files inside `folder`, in order. Files are tracked by inode id so that data
    written under a temporary name follows the file through its rename."""
    ops = []
    fd_paths, positions = {}, {}
    inode_of = {}  # path -> inode id, for names created or renamed during the trace
    symlinks = {}  # path -> target, for links made during the trace (a link's target lives in its inode)
    next_inode = [0]

    def inside(p):
        return p == folder or p.startswith(folder + "/")

    def inode(p):
        if p not in inode_of:
            inode_of[p] = f"pre:{p}"
        return inode_of[p]

    for line in joined_lines(path):
        call = line.split("(", 1)[0]
        result = line.rsplit("= ", 1)[-1] if "= " in line else ""
        if result.startswith("-1") or result.startswith("?"):
            continue
        if call == "openat":
            m = re.match(r'openat\((\w+)(?:<[^>]*>)?, "([^"]*)", ([A-Z_|]+)', line)
            fdm = re.search(r"= (\d+)<([^>]*)>", line)
            if not m or not fdm:
                continue
            fd, target = int(fdm.group(1)), decode(fdm.group(2))
            flags = m.group(3)
            fd_paths[fd] = target
            positions[fd] = 0
            if not inside(target) or "O_DIRECTORY" in flags:
                continue
            if "O_CREAT" in flags and (target not in inode_of or "O_EXCL" in flags):
                next_inode[0] += 1
                inode_of[target] = f"new:{next_inode[0]}"
                ops.append(Op("create", path=target, inode=inode_of[target]))
            if "O_TRUNC" in flags:
                ops.append(Op("truncate", inode=inode(target), size=0))
        elif call in ("write", "pwrite64"):
            m = re.match(r'\w+\((\d+)<([^>]*)>, "((?:\\x[0-9a-f]{2})*)", (\d+)(?:, (\d+))?\)', line)
            if not m:
                continue
            fd, target = int(m.group(1)), decode(m.group(2))
            data = decode_bytes(m.group(3))
            written = int(result.split()[0])
            data = data[:written]
            if call == "pwrite64":
                offset = int(m.group(5))
            else:
                offset = positions.get(fd, 0)
                positions[fd] = offset + written
            if inside(target):
                ops.append(Op("write", inode=inode_of.get(target, inode(target)), offset=offset, data=data))
        elif call == "lseek":
            m = re.match(r"lseek\((\d+)<", line)
            if m:
                positions[int(m.group(1))] = int(result.split()[0])
        elif call == "ftruncate":
            m = re.match(r"ftruncate\((\d+)<([^>]*)>, (\d+)\)", line)
            if m and inside(decode(m.group(2))):
                ops.append(Op("truncate", inode=inode(decode(m.group(2))), size=int(m.group(3))))
        elif call in ("fsync", "fdatasync"):
            m = re.match(r"\w+\((\d+)<([^>]*)>\)", line)
            if m and inside(decode(m.group(2))):
                target = decode(m.group(2))
                if target == folder or os.path.isdir(target) and not target.endswith(".cairn"):
                    ops.append(Op("dirsync", folder=target))
                else:
                    ops.append(Op("fsync", inode=inode(target)))
        elif call in ("rename", "renameat", "renameat2"):
            names = [decode(n) for n in re.findall(r'"((?:[^"\\]|\\x[0-9a-f]{2})*)"', line)]
            if len(names) >= 2 and inside(names[1]):
                source, dest = names[0], names[1]
                ops.append(Op("rename", source=source, dest=dest, inode=inode(source), link_target=symlinks.get(source)))
                if source in symlinks:
                    symlinks[dest] = symlinks.pop(source)
                inode_of[dest] = inode_of.pop(source, inode(source))
        elif call in ("unlink", "unlinkat"):
            names = [decode(n) for n in re.findall(r'"((?:[^"\\]|\\x[0-9a-f]{2})*)"', line)]
            if names and inside(names[-1]):
                ops.append(Op("unlink", path=names[-1]))
                inode_of.pop(names[-1], None)
        elif call in ("symlink", "symlinkat"):
            names = [decode(n) for n in re.findall(r'"((?:[^"\\]|\\x[0-9a-f]{2})*)"', line)]
            if len(names) >= 2 and inside(names[-1]):
                ops.append(Op("symlink", target=names[0], path=names[-1]))
                symlinks[names[-1]] = names[0]
        elif call in ("link", "linkat"):
            names = [decode(n) for n in re.findall(r'"((?:[^"\\]|\\x[0-9a-f]{2})*)"', line)]
            if len(names) >= 2 and inside(names[-1]):
                ops.append(Op("link", source=names[0], dest=names[-1], inode=inode(names[0])))
                inode_of[names[-1]] = inode(names[0])
        elif call in ("mkdir", "mkdirat"):
            names = [decode(n) for n in re.findall(r'"((?:[^"\\]|\\x[0-9a-f]{2})*)"', line)]
            if names and inside(names[-1]):
                ops.append(Op("mkdir", path=names[-1]))
    return ops


def name_folder(op):
    path = getattr(op, "dest", None) or getattr(op, "path", None)
    return os.path.dirname(path)


def durable_set(ops, k):
    """Indices < k whose effect a later sync within the prefix made durable."""
    durable = set()
    for j in range(k):
        sync = ops[j]
        if sync.kind == "fsync":
            durable.update(i for i in range(j) if ops[i].kind in ("write", "truncate") and ops[i].inode == sync.inode)
        elif sync.kind == "dirsync":
            durable.update(i for i in range(j) if ops[i].kind in ("create", "rename", "unlink", "symlink", "link", "mkdir")
                           and name_folder(ops[i]) == sync.folder)
    return durable


def build_state(initial, ops, applied):
    """The run folder's files after the `applied` operations: {relative name: ("file", inode) or
    ("link", target) or ("dir",)}, and the inodes' bytes."""
    names = dict(initial["names"])
    contents = {inode: bytearray(data) for inode, data in initial["contents"].items()}
    for i in sorted(applied):
        op = ops[i]
        if op.kind == "create":
            names[op.path] = ("file", op.inode)
            contents.setdefault(op.inode, bytearray())
        elif op.kind == "write":
            blob = contents.setdefault(op.inode, bytearray())
            if len(blob) < op.offset:
                blob.extend(b"\0" * (op.offset - len(blob)))
            blob[op.offset:op.offset + len(op.data)] = op.data
        elif op.kind == "truncate":
            blob = contents.setdefault(op.inode, bytearray())
            del blob[op.size:]
        elif op.kind == "rename":
            names.pop(op.source, None)
            names[op.dest] = ("link", op.link_target) if op.link_target is not None else ("file", op.inode)
        elif op.kind == "link":
            names[op.dest] = ("file", op.inode)
        elif op.kind == "unlink":
            names.pop(op.path, None)
        elif op.kind == "symlink":
            names[op.path] = ("link", op.target)
        elif op.kind == "mkdir":
            names[op.path] = ("dir",)
    return names, contents


def state_key(names, contents):
    h = hashlib.sha256()
    for name in sorted(names):
        entry = names[name]
        h.update(name.encode() + repr(entry[0]).encode())
        if entry[0] == "file":
            h.update(hashlib.sha256(bytes(contents.get(entry[1], b""))).digest())
        elif entry[0] == "link":
            h.update(entry[1].encode())
    return h.hexdigest()


def snapshot(folder):
    names, contents = {}, {}
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.islink(path):
            names[path] = ("link", os.readlink(path))
        elif os.path.isfile(path):
            names[path] = ("file", f"pre:{path}")
            contents[f"pre:{path}"] = open(path, "rb").read()
        elif os.path.isdir(path):
            names[path] = ("dir",)
    return {"names": names, "contents": contents}


def resolve(names, path, depth=0):
    entry = names.get(path)
    if entry is None or depth > 8:
        return None
    if entry[0] == "link":
        return resolve(names, os.path.normpath(os.path.join(os.path.dirname(path), entry[1])), depth + 1)
    return path if entry[0] == "file" else None


def check_state(names, contents, folder, before, after, removed_by_run, scratch, verified):
    """Problems with one crash state (empty when it keeps every promise)."""
    problems = []
    latest = os.path.join(folder, "latest.cairn")
    target = resolve(names, latest)
    if target is None:
        return ["latest.cairn names no file"]
    data = bytes(contents.get(names[target][1], b""))
    allowed = {before["latest_bytes_hash"]} | after["written"]
    digest = hashlib.sha256(data).hexdigest()
    if digest not in allowed:
        problems.append(f"latest.cairn -> {os.path.basename(target)} is neither the old checkpoint nor one the run wrote whole ({len(data)} bytes)")
    elif digest not in verified:
        path = os.path.join(scratch, "state.cairn")
        with open(path, "wb") as f:
            f.write(data)
        try:
            read_file(path)
            verified.add(digest)
        except Exception as error:  # noqa: BLE001 - any failure is a finding
            problems.append(f"latest.cairn -> {os.path.basename(target)} does not read: {error}")
    for path, digest in before["checkpoints"].items():
        entry = names.get(path)
        if entry is None or entry[0] != "file":
            if path in removed_by_run and resolve(names, latest) != path:
                continue
            problems.append(f"{os.path.basename(path)} was lost")
        elif hashlib.sha256(bytes(contents.get(entry[1], b""))).hexdigest() != digest:
            problems.append(f"{os.path.basename(path)} changed")
    return problems


def explore(bin_dir, label, train_flags, resume_flags, rng, drop_file_syncs=False):
    work = tempfile.mkdtemp(prefix=f"cairn-crash-{label}-")
    try:
        folder = os.path.join(work, "run")
        subprocess.run([os.path.join(bin_dir, "cairn-train"), *train_flags, "--out", folder, "--quiet"],
                       check=True, stdout=subprocess.DEVNULL)
        initial = snapshot(folder)
        checkpoints = {p: hashlib.sha256(initial["contents"][e[1]]).hexdigest()
                       for p, e in initial["names"].items() if e[0] == "file" and p.endswith(".cairn")}
        latest_before = resolve(initial["names"], os.path.join(folder, "latest.cairn"))
        before = {"checkpoints": checkpoints,
                  "latest_bytes_hash": hashlib.sha256(initial["contents"][initial["names"][latest_before][1]]).hexdigest()}
        trace = os.path.join(work, "trace.txt")
        subprocess.run(["strace", "-f", "-y", "-xx", "-s", "1000000000", "-o", trace, "-e", f"trace={SYSCALLS}",
                        os.path.join(bin_dir, "cairn-resume"), os.path.join(folder, "latest.cairn"), *resume_flags, "--quiet"],
                       check=True, stdout=subprocess.DEVNULL)
        final = snapshot(folder)
        latest_after = resolve(final["names"], os.path.join(folder, "latest.cairn"))
        removed = {p for p in checkpoints if p not in final["names"]}
        ops = parse_trace(trace, folder)
        if drop_file_syncs:  # self-check: a save without fsync before its rename must be caught
            ops = [op for op in ops if op.kind != "fsync"]
        # The final state the model rebuilds must be the real one.
        names, contents = build_state(initial, ops, set(range(len(ops))))
        # Every checkpoint the run wrote, whole: what a rename to a .cairn name put there.
        written = {hashlib.sha256(bytes(contents.get(op.inode, b""))).hexdigest()
                   for op in ops if op.kind == "rename" and op.dest.endswith(".cairn") and op.link_target is None}
        after = {"written": written}
        if hashlib.sha256(final["contents"][final["names"][latest_after][1]]).hexdigest() not in written:
            raise SystemExit(f"{label}: the trace does not show the final checkpoint being written; the trace parser is wrong")
        real = {p: e for p, e in final["names"].items()}
        for path, entry in real.items():
            if entry[0] == "file":
                rebuilt = names.get(path)
                if rebuilt is None or bytes(contents.get(rebuilt[1], b"")) != final["contents"][entry[1]]:
                    raise SystemExit(f"{label}: the traced operations do not rebuild {path}; the trace parser is wrong")
        scratch = os.path.join(work, "scratch")
        os.mkdir(scratch)
        seen, verified, failures = set(), set(), []
        for k in range(len(ops) + 1):
            durable = durable_set(ops, k)
            optional = [i for i in range(k) if i not in durable and ops[i].kind not in ("fsync", "dirsync")]
            choices = [set(range(k)), durable]
            choices += [set(range(k)) - {i} for i in optional]
            choices += [durable | {i} for i in optional if ops[i].kind not in ("write", "truncate")]
            for _ in range(4):
                choices.append(durable | {i for i in optional if rng.random() < 0.5})
            for applied in choices:
                names, contents = build_state(initial, ops, applied)
                key = state_key(names, contents)
                if key in seen:
                    continue
                seen.add(key)
                for problem in check_state(names, contents, folder, before, after, removed, scratch, verified):
                    failures.append(f"prefix {k}/{len(ops)}, {len(applied)} operations applied: {problem}")
        kinds = {}
        for op in ops:
            kinds[op.kind] = kinds.get(op.kind, 0) + 1
        print(f"{label}: {len(ops)} traced operations ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}), "
              f"{len(seen)} distinct crash states explored, {len(failures)} bad")
        for failure in failures[:10]:
            print(f"  {failure}")
        return len(seen), failures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv):
    bin_dir = argv[1] if len(argv) > 1 else os.path.join(ROOT, ".build", "release")
    if shutil.which("strace") is None:
        print("crash_states.py: strace is not installed (apt-get install strace)")
        return 2
    rng = random.Random(2026)
    small = ["--hidden", "16", "--seed", "3"]
    scenarios = [
        ("epoch save", small + ["--epochs", "1", "--keep", "0"], ["--epochs", "2"]),
        ("mid-epoch saves and --keep pruning", small + ["--epochs", "1", "--keep", "2", "--save-every-steps", "20"],
         ["--epochs", "2"]),
    ]
    total, bad = 0, 0
    for label, train, resume in scenarios:
        states, failures = explore(bin_dir, label, train, resume, rng)
        total += states
        bad += len(failures)
    print(f"crash states: {total} explored, {bad} lose or tear a checkpoint")
    # The explorer must be able to fail: the same save without its file fsyncs tears checkpoints.
    _, broken = explore(bin_dir, "self-check: the epoch save with its file fsyncs removed", scenarios[0][1], scenarios[0][2],
                        rng, drop_file_syncs=True)
    if not broken:
        print("crash_states.py: the self-check found no bad state in a save without fsync; the explorer is blind")
        return 1
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
