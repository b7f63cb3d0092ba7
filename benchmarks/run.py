"""Benchmark gcp-preflight on a generated repository with the shape of a real one.

    python benchmarks/run.py [--scale 1 | --scales 0.25,1,4] [--runs 3] [--no-ruff]
                             [--tree DIR] [--json FILE] [--seed 0]

For each scale it generates the tree (benchmarks/generate.py; into a temporary folder, or under
`--tree DIR`, where it is kept and reused by later runs), then measures on that one tree,
interleaved (one round runs every measurement once; `--runs` rounds; medians reported):

- `preflight init --dry-run`, with an empty cache (what a new user runs first);
- `preflight check`, cold: an empty cache (it is filled by this run);
- `preflight check`, warm: nothing changed since the cold run;
- `preflight check P1 ... P5`, warm, after editing 5 Python files (the pre-commit case; the
  edit adds a function, and the files are restored after the run);
- the floor: `ast.parse` of every .py file with 2 processes (benchmarks/parse_floor.py);
- ruff's pyflakes rules `F401,F811,F821`, cold (`--no-cache`) and warm, when ruff is installed
  (`pip install -e '.[bench]'`; `--no-ruff` skips them).

Every run is a fresh process (`sys.executable -m gcp_preflight`, this checkout first on
PYTHONPATH), timed wall-clock; its CPU time (user + system, children included) and peak RSS
(the largest process of the run, from wait4) are recorded too. The cache is emptied by deleting
`.preflight_cache/` in the tree and the folders that PREFLIGHT_CACHE_DIR and XDG_CACHE_HOME
point to: both are set to private folders of the benchmark, so a per-user cache location is
covered too; if no cache appears in any of these after a cold run, the report says so.

Output: a markdown report (runs, ratios against the issue's targets, and with several scales
how each run grows relative to scale 1); `--json FILE` writes the same numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

RUFF_RULES = "F401,F811,F821"
# (key, label) in report order
RUNS = [
    ("check_cold", "check, cold (empty cache)"),
    ("check_warm", "check, warm (nothing changed)"),
    ("check_edit5", "check 5 edited files, warm (pre-commit)"),
    ("init", "init --dry-run (empty cache)"),
    ("floor", "floor: ast.parse, 2 processes"),
    ("ruff_cold", f"ruff {RUFF_RULES}, cold (--no-cache)"),
    ("ruff_warm", f"ruff {RUFF_RULES}, warm"),
]
COLUMNS = ["run", "median s", "runs s", "CPU s", "peak RSS MB", "findings"]
RATIO_COLUMNS = ["ratio", "value", "target", "met"]
GROWTH_BASE = 1.0
EDIT_AREAS = ("shared", "processors", "orchestration", "collectors", "tests")


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    exit_code: int
    findings: int | None = None


@dataclass
class Result:
    key: str
    label: str
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str = "wall") -> float | None:
        values = [getattr(s, attr) for s in self.samples]
        return statistics.median(values) if values else None

    def summary(self) -> dict:
        failed = [s.exit_code for s in self.samples if s.exit_code not in (0, 1)]
        findings = sorted({s.findings for s in self.samples if s.findings is not None})
        return {"key": self.key, "label": self.label, "median_s": _round(self.median()),
                "runs_s": [_round(s.wall) for s in self.samples], "cpu_median_s": _round(self.median("cpu")),
                "peak_rss_mb": _round(max((s.rss_mb for s in self.samples), default=None), 1),
                "findings": findings[0] if len(findings) == 1 else findings or None,
                "exit_codes": [s.exit_code for s in self.samples], "failed": bool(failed)}


def _round(value, digits: int = 3):
    return None if value is None else round(value, digits)


def gnu_time() -> str | None:
    """GNU time, if it works here: a small C parent, so the peak RSS it reports is the command's.
    (A child of this Python process inherits this process's RSS in its ru_maxrss at exec.)"""
    path = "/usr/bin/time"
    if not os.access(path, os.X_OK):
        return None
    with tempfile.NamedTemporaryFile() as out:
        done = subprocess.run([path, "-f", "%M", "-o", out.name, "true"], capture_output=True)
        try:
            return path if done.returncode == 0 and int(Path(out.name).read_text().split()[-1]) > 0 else None
        except (ValueError, IndexError):
            return None


GNU_TIME = gnu_time()


def timed(cmd: list[str], cwd: Path, env: dict) -> tuple[Sample, str]:
    """Run one command; wall time, CPU time (user + system, children included, from wait4) and
    peak RSS of its largest process (GNU time's %M, else wait4's ru_maxrss)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as rss:
        full = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else cmd
        started = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        kb = usage.ru_maxrss
        if GNU_TIME:
            try:
                kb = int(Path(rss.name).read_text().split()[-1])
            except (ValueError, IndexError, OSError):
                pass
    return Sample(wall, usage.ru_utime + usage.ru_stime, kb / 1024, proc.returncode), stderr


class Bench:
    def __init__(self, tree: Path, work: Path, use_ruff: bool, log=print):
        self.tree, self.work, self.log = tree, work, log
        self.ruff = shutil.which("ruff") if use_ruff else None
        self.cache_dirs = [work / "preflight-cache", work / "xdg-cache"]
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
        self.env["PREFLIGHT_CACHE_DIR"] = str(self.cache_dirs[0])
        self.env["XDG_CACHE_HOME"] = str(self.cache_dirs[1])
        for name in ("PREFLIGHT_FORMAT", "PREFLIGHT_JOBS", "NO_COLOR", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE"):
            self.env.pop(name, None)
        # The tool as pip installs it, its modules compiled: a checkout run with bytecode writing
        # off (PYTHONDONTWRITEBYTECODE) compiles every module on every run, about 0.06 s of each
        # warm run. The bytecode goes to the work folder, never into the checkout.
        self.env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "gcp_preflight")], env=self.env,
                       stdout=subprocess.DEVNULL, check=False)
        self.results = {key: Result(key, label) for key, label in RUNS}
        if not self.ruff:
            del self.results["ruff_cold"], self.results["ruff_warm"]
        self.report = work / "report.json"
        self.notes: list[str] = []
        self.edit_files = pick_edit_files(tree)
        self.edits = 0

    # -- the cache --------------------------------------------------------------------------
    def clear_cache(self) -> None:
        for folder in [self.tree / ".preflight_cache"] + self.cache_dirs:
            shutil.rmtree(folder, ignore_errors=True)

    def cache_seen(self) -> bool:
        return any(folder.is_dir() and any(folder.iterdir())
                   for folder in [self.tree / ".preflight_cache"] + self.cache_dirs)

    # -- runs -------------------------------------------------------------------------------
    def preflight(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "gcp_preflight", *args]

    def check_cmd(self, *paths: str) -> list[str]:
        return self.preflight("check", "--root", str(self.tree), "--exit-zero", "--format", "json",
                              "--output", str(self.report), *paths)

    def record(self, key: str, cmd: list[str], cwd: Path | None = None) -> Sample:
        self.report.unlink(missing_ok=True)
        sample, stderr = timed(cmd, cwd or self.tree, self.env)
        if key.startswith("check") and self.report.is_file():
            try:
                sample.findings = json.loads(self.report.read_text(encoding="utf-8"))["summary"]["findings"]
            except (ValueError, KeyError, TypeError):
                pass
        if sample.exit_code not in (0, 1):
            tail = " ".join(stderr.strip().splitlines()[-1:])[:300]
            self.notes.append(f"{self.results[key].label}: exit {sample.exit_code}: {tail}")
        self.results[key].samples.append(sample)
        self.log(f"  {self.results[key].label}: {sample.wall:.2f} s (CPU {sample.cpu:.2f} s, "
                 f"{sample.rss_mb:.0f} MB, exit {sample.exit_code})")
        return sample

    def round(self, first: bool) -> None:
        self.record("floor", [sys.executable, str(HERE / "parse_floor.py"), str(self.tree), "--jobs", "2"])
        if self.ruff:
            ruff = [self.ruff, "check", "--isolated", "--select", RUFF_RULES, "--no-fix", "--exit-zero", "--quiet"]
            self.record("ruff_cold", ruff + ["--no-cache", str(self.tree)])
            cache = ["--cache-dir", str(self.work / "ruff-cache")]
            if first:  # fill ruff's cache once, untimed
                timed(ruff + cache + [str(self.tree)], self.tree, self.env)
            self.record("ruff_warm", ruff + cache + [str(self.tree)])
        self.clear_cache()
        self.record("init", self.preflight("init", "--dry-run", str(self.tree)))
        self.clear_cache()
        self.record("check_cold", self.check_cmd())
        if first and not self.cache_seen():
            self.notes.append("no cache appeared in .preflight_cache/, $PREFLIGHT_CACHE_DIR or $XDG_CACHE_HOME after "
                              "a cold check: the cold runs may not have started from an empty cache")
        self.record("check_warm", self.check_cmd())
        originals = {rel: (self.tree / rel).read_bytes() for rel in self.edit_files}
        try:
            for rel in self.edit_files:
                self.edits += 1
                token = f"{time.time_ns()}_{self.edits}"
                with open(self.tree / rel, "ab") as handle:
                    handle.write(f"\n\ndef bench_edit_{token}(value):\n    return value\n".encode())
            self.record("check_edit5", self.check_cmd(*self.edit_files), cwd=self.tree)
        finally:
            for rel, data in originals.items():
                (self.tree / rel).write_bytes(data)

    def ratios(self) -> list[dict]:
        m = {key: r.median() for key, r in self.results.items()}
        rss = max((s.rss_mb for key, r in self.results.items() if key.startswith(("check", "init"))
                   for s in r.samples), default=None)

        def ratio(a, b):
            return None if a is None or not b else a / b

        rows = [("check cold / floor", ratio(m["check_cold"], m["floor"]), "<= 3 (stretch 1.5)", 3.0),
                ("check warm / ruff warm", ratio(m["check_warm"], m.get("ruff_warm")), "< 1", 1.0),
                ("check 5 edited files, s", m["check_edit5"], "<= 0.5 (stretch 0.15)", 0.5),
                ("init / check cold", ratio(m["init"], m["check_cold"]), "<= 1", 1.0),
                ("peak RSS of preflight, MB", rss, "<= 400", 400.0),
                ("check cold / ruff cold", ratio(m["check_cold"], m.get("ruff_cold")), "", None)]
        return [{"ratio": name, "value": _round(value), "target": target,
                 "met": None if value is None or limit is None else value <= limit if "<=" in target else value < limit}
                for name, value, target, limit in rows]


def pick_edit_files(tree: Path) -> list[str]:
    """Five regular .py files near the median size, one from each of five areas (deterministic)."""
    files = []
    for folder, dirs, names in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(folder) / name
            if name.endswith(".py") and not path.is_symlink():
                files.append((path.relative_to(tree).as_posix(), path.stat().st_size))
    if not files:
        return []
    median = statistics.median(size for _, size in files)
    chosen = []
    for area in EDIT_AREAS:
        pool = [(abs(size - median), rel) for rel, size in files if rel.startswith(area + "/") and size > 0]
        if pool:
            chosen.append(min(pool)[1])
    rest = sorted((abs(size - median), rel) for rel, size in files if rel not in chosen and size > 0)
    chosen += [rel for _, rel in rest[: 5 - len(chosen)]]
    return chosen[:5]


def generator_digest() -> str:
    """What a kept tree was generated by: a tree from another generator is not reused."""
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:16]


def tree_for(args, scale: float, temp: Path, log) -> tuple[Path, dict, float | None]:
    """The tree of one scale: generated (timed) or, under --tree, reused when already there."""
    if args.tree:
        name = f"scale-{scale:g}-seed-{args.seed}" + (f"-size-{args.size_factor:g}" if args.size_factor != 1 else "")
        root = args.tree.resolve() / name
        manifest_path = args.tree.resolve() / f"{name}.json"
        if root.is_dir() and manifest_path.is_file():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if manifest.get("generator") == generator_digest():
                log(f"reusing {root}")
                return root, manifest, None
            log(f"{root} was written by another version of generate.py")
        shutil.rmtree(root, ignore_errors=True)
    else:
        root = temp / f"scale-{scale:g}"
        manifest_path = None
    log(f"generating scale {scale:g} into {root} ...")
    started = time.perf_counter()
    # In a child process: this one stays small (its RSS would show in the children's ru_maxrss).
    done = subprocess.run([sys.executable, str(HERE / "generate.py"), str(root), "--scale", f"{scale:g}",
                           "--seed", str(args.seed), "--size-factor", f"{args.size_factor:g}"],
                          capture_output=True, text=True, check=True)
    manifest = json.loads(done.stdout)
    seconds = time.perf_counter() - started
    if manifest_path is not None:
        manifest["generator"] = generator_digest()
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return root, manifest, seconds


def tool_version(env: dict) -> str:
    out = subprocess.run([sys.executable, "-m", "gcp_preflight", "--version"], capture_output=True, text=True, env=env)
    return (out.stdout or out.stderr).strip()


def ruff_version(path: str | None) -> str | None:
    if not path:
        return None
    return subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def fmt(value, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    return str(value)


def table(columns: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render_scale(entry: dict) -> str:
    tree = entry["tree"]
    head = (f"### Scale {entry['scale']:g}\n\n"
            f"Tree: {tree['python_files']:,} Python files ({tree['python_bytes'] / 1e6:.1f} MB), "
            f"{tree['shell_scripts']:,} shell scripts ({tree['deploy_commands']} deploy commands), "
            f"{tree['function_folders']} function folders, {tree['symlinks']} symlinks, {tree['dockerfiles']} Dockerfiles, "
            f"{tree['requirements']} requirements.txt, {tree['sql']} .sql, {tree['yaml']} YAML"
            + (f"; generated in {entry['generate_s']:.1f} s" if entry.get("generate_s") is not None else "; reused")
            + f". Runs: {entry['runs']}, interleaved; load average before/after: {entry['load_before']} / {entry['load_after']}.\n")
    rows = [[r["label"], fmt(r["median_s"]), ", ".join(fmt(x) for x in r["runs_s"]) + (" (failed)" if r["failed"] else ""),
             fmt(r["cpu_median_s"]), fmt(r["peak_rss_mb"], 0), fmt(r["findings"])] for r in entry["results"]]
    ratio_rows = [[r["ratio"], fmt(r["value"]), r["target"] or "-", fmt(r["met"])] for r in entry["ratios"]]
    notes = "".join(f"\nNote: {n}" for n in entry["notes"])
    return head + "\n" + table(COLUMNS, rows) + "\n\n" + table(RATIO_COLUMNS, ratio_rows) + "\n" + notes


def growth(entries: list[dict]) -> tuple[float, list[str], list[list[str]], list[dict]]:
    scales = [e["scale"] for e in entries]
    base = GROWTH_BASE if GROWTH_BASE in scales else scales[0]
    columns = ["run"] + [f"scale {s:g}, s" for s in scales] + [f"x{s:g} / x{base:g}" for s in scales if s != base]
    rows, data = [], []
    for key, label in RUNS:
        found = [next((r for r in e["results"] if r["key"] == key), None) for e in entries]
        if all(r is None for r in found):
            continue
        medians = [r["median_s"] if r else None for r in found]
        b = medians[scales.index(base)]
        ratios = [None if m is None or not b else m / b for s, m in zip(scales, medians) if s != base]
        rows.append([label] + [fmt(m) for m in medians] + [fmt(x) for x in ratios])
        data.append({"key": key, "label": label, "median_s": dict(zip(map(str, scales), medians)),
                     "ratio_to_base": dict(zip([str(s) for s in scales if s != base], [_round(x) for x in ratios]))})
    return base, columns, rows, data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the real repository's size (default)")
    parser.add_argument("--scales", help="several scales, comma-separated (e.g. 0.25,1,4): also prints the growth")
    parser.add_argument("--runs", type=int, default=3, help="rounds of every measurement; medians are reported")
    parser.add_argument("--no-ruff", action="store_true", help="skip the ruff reference runs")
    parser.add_argument("--tree", type=Path, help="keep generated trees under DIR and reuse them")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size-factor", type=float, default=1.0, help=argparse.SUPPRESS)  # tests: tiny modules
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",")] if args.scales else [args.scale]
    if args.runs < 1 or any(s <= 0 for s in scales):
        parser.error("--runs and every scale must be positive")

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    temp = Path(tempfile.mkdtemp(prefix="preflight-bench-"))
    entries = []
    try:
        for scale in scales:
            tree, manifest, gen_seconds = tree_for(args, scale, temp, log)
            work = temp / f"work-{scale:g}"
            work.mkdir()
            bench = Bench(tree, work, not args.no_ruff, log)
            before = loadavg()
            for i in range(args.runs):
                log(f"scale {scale:g}, round {i + 1}/{args.runs}")
                bench.round(first=(i == 0))
            bench.clear_cache()
            entries.append({"scale": scale, "seed": args.seed, "runs": args.runs, "tree": manifest,
                            "generate_s": _round(gen_seconds, 1), "edited_files": bench.edit_files,
                            "load_before": before, "load_after": loadavg(),
                            "results": [r.summary() for r in bench.results.values()], "ratios": bench.ratios(),
                            "notes": bench.notes})
        env = bench.env
        meta = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
                "preflight": tool_version(env), "ruff": ruff_version(bench.ruff),
                "rss_source": "GNU time %M" if GNU_TIME else "wait4 ru_maxrss (includes this runner's own RSS)"}
        out = [f"## gcp-preflight benchmark\n\n{meta['date']}; {meta['machine']['cores']} cores; "
               f"Python {meta['machine']['python']}; {meta['preflight']}; ruff: {meta['ruff'] or 'not run'}\n"]
        out += [render_scale(e) for e in entries]
        result = {**meta, "scales": entries}
        if len(entries) > 1:
            base, columns, rows, data = growth(entries)
            out.append(f"### Growth (median seconds; ratios to scale {base:g})\n\n" + table(columns, rows) + "\n")
            result["growth"] = {"base": base, "runs": data}
        print("\n".join(out))
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
