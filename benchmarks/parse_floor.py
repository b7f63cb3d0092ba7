"""The floor the issue measures gcp-preflight against: `ast.parse` of every Python file.

    python benchmarks/parse_floor.py ROOT [--jobs 2]

Reads and parses every regular `.py` file under ROOT (symlinks are not followed, as the tool
reads a linked file once at its target) with a pool of `--jobs` processes, and prints the file
count and bytes. `benchmarks/run.py` times this whole process, interpreter start included.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
from multiprocessing import Pool

SKIP_DIRS = {".git", ".preflight_cache", ".ruff_cache", "__pycache__"}


def python_files(root: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.endswith(".py") and not os.path.islink(path):
                found.append(path)
    return found


def parse(path: str) -> int:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        ast.parse(data, filename=path)
    except (SyntaxError, ValueError):
        pass
    return len(data)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    files = python_files(args.root)
    with Pool(args.jobs) as pool:
        total = sum(pool.imap_unordered(parse, files, chunksize=16))
    print(f"parsed {len(files)} files, {total} bytes, {args.jobs} processes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
