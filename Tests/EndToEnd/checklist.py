"""Shared by the end-to-end scripts: the package root, the tools' folder, and a tally of named checks."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tools_folder():
    """The folder of the built tools: the script's first argument, else the release build."""
    return os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release")


class Checklist:
    """Counts named checks, prints each failure (and each pass when `verbose`), and exits 1 if any failed."""

    def __init__(self, name, verbose=True):
        self.name, self.verbose = name, verbose
        self.passed = self.failed = 0

    def check(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            if self.verbose:
                print(f"ok: {name}")
        else:
            self.failed += 1
            print(f"FAILED: {name} {detail}")
        return condition

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
