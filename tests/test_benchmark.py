"""The benchmark: the generator's exact output at a tiny scale, and the runner's report structure.

Timings are never asserted, only that every timing is a number.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import shape  # noqa: E402

SCALE = 0.02

# What the generator writes at scale 0.02 (minimums keep every kind of file present).
EXPECTED_MANIFEST = {
    "python_files": 105, "python_copies": 4, "shell_scripts": 35, "shell_extensionless": 1,
    "deploy_commands": 33, "function_folders": 4, "shared_tree_functions": 1, "shared_link_functions": 1,
    "symlinks": 11, "dockerfiles": 10, "requirements": 15, "requirements_other": 1, "sql": 10, "json_schemas": 1,
    "yaml": 4, "gcloudignore": 2, "dockerignore": 1, "markdown": 102, "other_files": 13, "processors": 9, "tables": 13,
}
# The same tree as benchmarks/shape.py measures it (shared/__init__.py in the function's tree is a
# copied .py too; one extensionless script has a bash shebang).
EXPECTED_SHAPE = {
    "files": 300, "symlinks": 11, "symlink_kinds": {"dangling": 2, "dir": 3, "file": 6},
    "shell_scripts": 36, "deploy_commands": 33, "deploy_kinds": {"functions deploy": 6, "run deploy": 27},
    "function_folders": {"folders": 6, "with_shared_tree": 1, "with_shared_link": 1,
                         "shared_tree_copied_py": 5, "shared_tree_links": 9},
    "dockerfiles": 10, "requirements_txt": 15, "requirements_any": 16, "sql": 10, "sql_with_create_table": 4,
    "json_schemas": 1, "yaml": 4, "gcloudignore": 2, "dockerignore": 1, "markdown": 102,
}
RUN_LABELS = [
    "check, cold (empty cache)",
    "check, warm (nothing changed)",
    "check 5 edited files, warm (pre-commit)",
    "init --dry-run (empty cache)",
    "floor: ast.parse, 2 processes",
]
RATIO_LABELS = ["check cold / floor", "check warm / ruff warm", "check 5 edited files, s", "init / check cold",
                "peak RSS of preflight, MB", "check cold / ruff cold"]
NUMBER = re.compile(r"^\d+(\.\d+)?$")


def snapshot(root: Path) -> dict[str, str]:
    """Every file's bytes (hashed) and every link's target, by relative path."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    base = tmp_path_factory.mktemp("generated")
    manifests = [generate.generate(base / name, SCALE, seed=0) for name in ("a", "b")]
    return base / "a", base / "b", manifests


def test_generator_is_deterministic(trees):
    a, b, (first, second) = trees
    assert first == second
    left, right = snapshot(a), snapshot(b)
    assert sorted(left) == sorted(right)
    assert left == right


def test_generator_counts_at_a_tiny_scale(trees):
    a, _, (manifest, _) = trees
    counts = {k: v for k, v in manifest.items() if k not in ("python_bytes", "seeded")}
    assert counts == EXPECTED_MANIFEST
    assert set(manifest["seeded"]) == {"PF101", "PF102", "PF201", "PF202", "PF301", "PF401", "PF501"}
    measured = shape.measure(a)
    got = {
        "files": measured["files"], "symlinks": measured["symlinks"], "symlink_kinds": measured["symlink_kinds"],
        "shell_scripts": measured["shell"]["scripts"], "deploy_commands": measured["shell"]["deploy_commands"],
        "deploy_kinds": measured["shell"]["deploy_kinds"], "function_folders": measured["function_folders"],
        **{k: measured[k] for k in ("dockerfiles", "requirements_txt", "requirements_any", "sql", "sql_with_create_table",
                                    "json_schemas", "yaml", "gcloudignore", "dockerignore", "markdown")},
    }
    assert got == EXPECTED_SHAPE
    assert measured["python"]["files"] == manifest["python_files"]
    assert measured["python"]["bytes"] == manifest["python_bytes"]
    assert measured["python"]["totals"].get("unparsable", 0) == 0


def test_a_functions_shared_tree_keeps_its_measured_size_at_a_larger_scale(tmp_path):
    """At scale 2 there are twice the tree functions, each with the tree of scale 1 (19 copied
    modules plus shared/__init__.py, ~60 links), not a tree twice as large: every count doubles,
    the copies and links too (as planned: 19 copies per tree function)."""
    manifest = generate.generate(tmp_path, 2, seed=0, size_factor=0.02)
    assert (manifest["shared_tree_functions"], manifest["python_copies"], manifest["symlinks"]) == (12, 12 * 19, 757)
    folders = shape.measure(tmp_path)["function_folders"]
    assert (folders["shared_tree_copied_py"], folders["shared_tree_links"]) == (12 * 20, 709)


def test_a_kept_tree_is_reused_until_the_generator_changes(tmp_path, monkeypatch):
    import argparse

    import run

    args = argparse.Namespace(tree=tmp_path / "trees", seed=0, size_factor=0.05)
    said = []
    root, first, seconds = run.tree_for(args, SCALE, tmp_path, said.append)
    assert seconds is not None and first["generator"] == run.generator_digest()
    assert run.tree_for(args, SCALE, tmp_path, said.append)[2] is None  # reused, not timed
    monkeypatch.setattr(run, "generator_digest", lambda: "another")
    assert run.tree_for(args, SCALE, tmp_path, said.append)[2] is not None  # written again
    name = "scale-0.02-seed-0-size-0.05"
    assert said == [f"generating scale 0.02 into {root} ...", f"reusing {root}",
                    f"{root} was written by another version of generate.py", f"generating scale 0.02 into {root} ..."]
    assert root == (tmp_path / "trees" / name).resolve()


def test_generator_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(SystemExit):
        generate.generate(tmp_path, SCALE)


def markdown_tables(text: str) -> list[list[list[str]]]:
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= {"-"} for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_benchmark_report_structure(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--scale", str(SCALE), "--size-factor", "0.05",
                           "--runs", "1", "--no-ruff", "--quiet", "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    runs, ratios = markdown_tables(done.stdout)
    assert runs[0] == ["run", "median s", "runs s", "CPU s", "peak RSS MB", "findings"]
    assert [row[0] for row in runs[1:]] == RUN_LABELS
    for row in runs[1:]:
        assert all(NUMBER.match(cell) for cell in row[1:5]), row
        assert NUMBER.match(row[5]) if row[0].startswith("check") else row[5] == "-", row
    assert ratios[0] == ["ratio", "value", "target", "met"]
    assert [row[0] for row in ratios[1:]] == RATIO_LABELS
    report = json.loads(out.read_text())
    assert set(report) == {"date", "machine", "preflight", "ruff", "rss_source", "scales"}
    (entry,) = report["scales"]
    assert entry["scale"] == SCALE and entry["runs"] == 1
    assert [r["label"] for r in entry["results"]] == RUN_LABELS
    for result in entry["results"]:
        assert set(result) == {"key", "label", "median_s", "runs_s", "cpu_median_s", "peak_rss_mb", "findings",
                               "exit_codes", "failed"}
        assert all(isinstance(x, float) for x in [result["median_s"], result["cpu_median_s"], result["peak_rss_mb"]]
                   + result["runs_s"])
        assert result["exit_codes"] == [0] and result["failed"] is False
    findings = {r["key"]: r["findings"] for r in entry["results"]}
    assert findings["check_cold"] == findings["check_warm"] == len(generate.SEEDED)
    assert len(entry["edited_files"]) == 5
    assert [r["ratio"] for r in entry["ratios"]] == RATIO_LABELS
