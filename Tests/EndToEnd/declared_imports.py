#!/usr/bin/env python3
"""Checks that every target of the Cairn package declares, as a direct dependency, each package module its
Swift sources import (a tool that imports CairnInspect depends on CairnInspect, not only on CairnCLI, which
happens to bring it in). System modules (Foundation, Glibc, Testing, Synchronization, ...) are not checked.

Run from the package root: python3 Tests/EndToEnd/declared_imports.py (exit 0 when all are declared, 1 with
one line per missing dependency otherwise, 2 when the package cannot be read).
"""
import json
import os
import re
import subprocess
import sys

IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)",
                    re.MULTILINE)


def main():
    try:
        package = json.loads(subprocess.run(["swift", "package", "dump-package"], capture_output=True, text=True,
                                            check=True).stdout)
    except (subprocess.CalledProcessError, json.JSONDecodeError) as error:
        print(f"Package.swift: cannot read the package: {error}", file=sys.stderr)
        return 2
    # Modules the package provides: its own targets and the products of its dependencies that it uses.
    targets = {t["name"]: t for t in package["targets"]}
    products = {d["product"][0] for t in package["targets"] for d in t["dependencies"] if "product" in d}
    missing = []
    for name, target in targets.items():
        if target["type"] in ("system", "binary", "plugin"):
            continue
        folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
        declared = {next(iter(d.values()))[0] for d in target["dependencies"]}
        imported = {}
        for root, _, files in os.walk(folder):
            for file in files:
                path = os.path.join(root, file)
                if not file.endswith(".swift"):
                    continue
                if target.get("sources") and not any(path.startswith(os.path.join(folder, s)) for s in target["sources"]):
                    continue
                for module in IMPORT.findall(open(path, encoding="utf-8").read()):
                    imported.setdefault(module, path)
        for module, path in sorted(imported.items()):
            if module != name and (module in targets or module in products) and module not in declared:
                missing.append(f"Package.swift: target {name} does not declare {module}, imported by {path}")
    for line in missing:
        print(line)
    if not missing:
        print(f"every import of the package's modules is declared ({len(targets)} targets)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
