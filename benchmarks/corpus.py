"""Run gcp-preflight on the real-world corpus and summarise what it reports.

    python benchmarks/corpus.py --corpus /work/corpus [--only NAME] [--out DIR] [--timeout S]

The corpus is listed in benchmarks/corpus.toml (name, pinned commit, folder). This script fetches
nothing: it runs on the checkouts already under --corpus/<dir>/ and skips the ones it does not
find. For each repository, one at a time, it runs (with the Python that runs this script):

    python -m gcp_preflight check --root DIR --format json --exit-zero --no-cache
    python -m gcp_preflight init --dry-run DIR

in place, with PREFLIGHT_DEBUG=1 so an internal error leaves its traceback on stderr. It writes
each full JSON report, each init output and summary.json into --out (default: a new temporary
folder), and prints a markdown table. A crash is an exit status other than 0, a traceback on
stderr, a timeout, or a PF009 (internal-error) finding. Whatever the dry run leaves at the top of
the checkout is recorded (`init_wrote`) and removed, so the checkouts stay as exported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
SEVERITIES = ("error", "warning", "info")
SKIP_DIRS = {".git", ".preflight_cache", "node_modules", "__pycache__"}


def load_corpus(path: Path) -> list[dict]:
    with path.open("rb") as handle:
        return tomllib.load(handle).get("repo", [])


def count_python(root: Path) -> int:
    count = 0
    for _dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        count += sum(1 for name in filenames if name.endswith(".py"))
    return count


def run(cmd: list[str], cwd: Path, timeout: float) -> dict:
    env = dict(os.environ, PREFLIGHT_DEBUG="1")
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"exit": None, "stdout": "", "stderr": "", "seconds": round(time.perf_counter() - started, 2),
                "timeout": True}
    return {"exit": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
            "seconds": round(time.perf_counter() - started, 2), "timeout": False}


def crash_of(result: dict) -> str | None:
    """One line saying why a run crashed, or None."""
    if result["timeout"]:
        return f"timeout after {result['seconds']} s"
    stderr = result["stderr"]
    if "Traceback (most recent call last)" in stderr or result["exit"] != 0:
        last = [line for line in stderr.strip().splitlines() if line.strip()]
        return f"exit {result['exit']}: {last[-1] if last else 'no message'}"
    return None


def check_repo(repo: dict, root: Path, out: Path, timeout: float) -> dict:
    slug = repo["dir"]
    base = [sys.executable, "-m", "gcp_preflight"]
    check = run(base + ["check", "--root", str(root), "--format", "json", "--exit-zero", "--no-cache"],
                root, timeout)
    summary: dict = {"name": repo["name"], "dir": slug, "python_files": count_python(root),
                     "check_seconds": check["seconds"], "crashes": []}
    crash = crash_of(check)
    findings: list[dict] = []
    if check["stdout"].strip():
        (out / f"{slug}.check.json").write_text(check["stdout"])
        try:
            report = json.loads(check["stdout"])
            findings = report.get("findings", [])
            summary["files"] = report.get("summary", {}).get("files")
        except json.JSONDecodeError:
            crash = crash or "check printed output that is not JSON"
    if check["stderr"].strip():
        (out / f"{slug}.check.stderr").write_text(check["stderr"])
    if crash:
        summary["crashes"].append(f"check: {crash}")
    by_code: dict[str, dict[str, int]] = {}
    for finding in findings:
        by_code.setdefault(finding["code"], Counter())[finding["severity"]] += 1
    summary["findings"] = len(findings)
    summary["by_severity"] = {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES}
    summary["by_code"] = {code: dict(sorted(counts.items())) for code, counts in sorted(by_code.items())}
    for finding in findings:
        if finding["code"] == "PF009":
            summary["crashes"].append(f"check: PF009 {finding['path']}:{finding['line']}: {finding['message']}")

    before = {p.name for p in root.iterdir()}
    init = run(base + ["init", "--dry-run", str(root)], root, timeout)
    # A dry run must write nothing; what it left at the top of the checkout is reported and removed.
    summary["init_wrote"] = sorted({p.name for p in root.iterdir()} - before)
    for name in summary["init_wrote"]:
        shutil.rmtree(root / name) if (root / name).is_dir() else (root / name).unlink()
    (out / f"{slug}.init.txt").write_text(init["stdout"] + ("\n--- stderr ---\n" + init["stderr"]
                                                            if init["stderr"].strip() else ""))
    init_crash = crash_of(init)
    summary["init_seconds"] = init["seconds"]
    summary["init"] = "ok" if init_crash is None else "crash"
    if init_crash:
        summary["crashes"].append(f"init: {init_crash}")
    return summary


def tool_info() -> dict:
    """Which gcp_preflight the runs used: its folder, version and git commit (if it is a checkout)."""
    code = "import gcp_preflight as g; print(g.__file__); print(getattr(g, '__version__', '?'))"
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    lines = probe.stdout.split()
    if len(lines) < 2:
        return {"error": probe.stderr.strip().splitlines()[-1:] or "cannot import gcp_preflight"}
    package = Path(lines[0]).parent
    commit = subprocess.run(["git", "-C", str(package), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=False)
    return {"package": str(package), "version": lines[1], "commit": commit.stdout.strip() or None}


def families(by_code: dict[str, dict[str, int]]) -> str:
    totals: Counter = Counter()
    for code, counts in by_code.items():
        totals[code[:3] + "xx"] += sum(counts.values())
    return " ".join(f"{family}:{n}" for family, n in sorted(totals.items())) or "-"


def table(summaries: list[dict]) -> str:
    columns = ["repository", "python files", "findings", "error", "warning", "info", "by family",
               "check s", "init", "crashes"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for s in summaries:
        if s.get("missing"):
            lines.append(f"| {s['name']} | - | - | - | - | - | - | - | - | not found under the corpus |")
            continue
        sev = s["by_severity"]
        lines.append(f"| {s['name']} | {s['python_files']} | {s['findings']} | {sev['error']} | {sev['warning']} "
                     f"| {sev['info']} | {families(s['by_code'])} | {s['check_seconds']:.1f} | {s['init']} "
                     f"| {len(s['crashes'])} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path, help="folder holding the checkouts")
    parser.add_argument("--toml", type=Path, default=HERE / "corpus.toml", help="the corpus list")
    parser.add_argument("--only", action="append", help="run only this repository (name or dir); repeatable")
    parser.add_argument("--out", type=Path, help="where reports go (default: a new temporary folder)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run (default 1800)")
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="preflight-corpus-"))
    out.mkdir(parents=True, exist_ok=True)
    summaries = []
    for repo in load_corpus(args.toml):
        if args.only and repo["name"] not in args.only and repo["dir"] not in args.only:
            continue
        root = args.corpus / repo["dir"]
        if not root.is_dir():
            summaries.append({"name": repo["name"], "dir": repo["dir"], "missing": True})
            continue
        print(f"... {repo['name']}", file=sys.stderr, flush=True)
        summaries.append(check_repo(repo, root.resolve(), out, args.timeout))
    tool = tool_info()
    (out / "summary.json").write_text(json.dumps({"tool": tool, "repos": summaries}, indent=2) + "\n")
    print(f"gcp_preflight {tool.get('version')} from {tool.get('package')} (commit {tool.get('commit')})\n")
    print(table(summaries))
    for s in summaries:
        for crash in s.get("crashes", []):
            print(f"- {s['name']}: {crash}")
    print(f"\nreports: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
