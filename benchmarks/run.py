"""Time `preflight check` on a synthetic repository, cold (no cache) and warm (cache filled).

    python benchmarks/run.py [--functions 200] [--shared-modules 100] [--repeat 3]

Each run is a fresh `python -m gcp_preflight` process, as a user or pre-commit would start it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=200)
    parser.add_argument("--shared-modules", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="preflight-bench-"))
    try:
        files = generate(root, args.functions, args.shared_modules)
        base = [sys.executable, "-m", "gcp_preflight", "check", "--root", str(root), "--exit-zero"]
        startup = [timed([sys.executable, "-m", "gcp_preflight", "rules"]) for _ in range(args.repeat)]
        cold = []
        for _ in range(args.repeat):
            shutil.rmtree(root / ".preflight_cache", ignore_errors=True)
            cold.append(timed(base))
        warm = [timed(base) for _ in range(args.repeat)]
        print(f"repository: {files} files ({args.functions} functions, {args.shared_modules} shared modules)")
        print(f"startup (preflight rules): median {statistics.median(startup):.3f} s")
        print(f"check, cold cache:         median {statistics.median(cold):.3f} s  (runs: {', '.join(f'{t:.2f}' for t in cold)})")
        print(f"check, warm cache:         median {statistics.median(warm):.3f} s  (runs: {', '.join(f'{t:.2f}' for t in warm)})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
