"""Measure the shape of a repository: what the benchmark generator imitates.

    python benchmarks/shape.py ROOT [--json FILE]

Counts what gcp-preflight reads and what makes it slow: Python files and their size distribution,
the density of functions, classes, dict literals and calls, shell scripts and their deploy
commands and style, Cloud Function folders with their `shared/` trees, symlinks, Dockerfiles,
requirements files, SQL (DDL and queries), YAML, ignore files. Symlinks are counted, never
followed; `.git/` is skipped. Used on a real repository to set the generator's targets and on
a generated tree to check it against them.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

SKIP_DIRS = {".git", ".preflight_cache", ".ruff_cache", "__pycache__"}
DEPLOY = re.compile(r"gcloud\s+(?:beta\s+|alpha\s+)?(functions|run\s+jobs|run)\s+(deploy|create|update)\b")
SHEBANG = re.compile(r"^#!\s*(/usr/bin/env\s+)?(/bin/|/usr/bin/)?(ba)?sh\b")
DOCKERFILE = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile")
STYLE = {
    "functions": re.compile(r"^\s*(function\s+\w+|\w+\s*\(\)\s*\{)", re.M),
    "loops": re.compile(r"^\s*(for|while)\s", re.M),
    "source": re.compile(r"^\s*(source|\.)\s+\S", re.M),
    "defaults": re.compile(r"\$\{\w+:[-=]"),
    "case": re.compile(r"^\s*case\s", re.M),
    "heredoc": re.compile(r"<<-?\s*['\"]?\w+"),
}


def quantile(values: list[int], q: float) -> int:
    """The value at rank q of a sorted list (nearest rank, as the issue's figures were taken)."""
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0


def walk(root: Path):
    """(relative path, is_symlink) for every file and symlink under root, sorted."""
    out = []
    for folder, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(folder, root)
        for name in list(dirs):
            if name in SKIP_DIRS:
                dirs.remove(name)
            elif os.path.islink(os.path.join(folder, name)):
                out.append((os.path.normpath(os.path.join(rel_dir, name)), True))
        for name in files:
            path = os.path.join(folder, name)
            out.append((os.path.normpath(os.path.join(rel_dir, name)), os.path.islink(path)))
    return sorted(out)


def python_stats(root: Path, files: list[str]) -> dict:
    sizes, totals, lines = [], Counter(), 0
    for rel in files:
        data = (root / rel).read_bytes()
        sizes.append(len(data))
        lines += data.count(b"\n")
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            totals["unparsable"] += 1
            continue
        try_import_error = False
        for node in ast.walk(tree):
            kind = type(node).__name__
            if kind in ("FunctionDef", "AsyncFunctionDef"):
                totals["functions"] += 1
            elif kind == "ClassDef":
                totals["classes"] += 1
                totals["classes_with_bases"] += bool(node.bases)
                totals["methods"] += sum(isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef)) for b in node.body)
            elif kind == "Dict":
                totals["dict_literals"] += 1
            elif kind == "Call":
                totals["calls"] += 1
            elif kind in ("Import", "ImportFrom"):
                totals["imports"] += 1
            elif kind == "Attribute":
                if isinstance(node.value, ast.Name) and node.value.id == "self":
                    totals["self_attributes"] += 1
                if node.attr in ("insert_rows_json", "load_table_from_json"):
                    totals[node.attr] += 1
            elif kind == "Try":
                if any(isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                       for h in node.handlers):
                    totals["try_except_import_error"] += 1
                    try_import_error = True
        totals["modules_with_import_fallback"] += try_import_error
    sizes.sort()
    kb = sum(sizes) / 1024 or 1
    return {
        "files": len(files), "bytes": sum(sizes), "lines": lines,
        "size_median": quantile(sizes, 0.5), "size_p90": quantile(sizes, 0.9),
        "size_p99": quantile(sizes, 0.99), "size_max": sizes[-1] if sizes else 0,
        "empty": sum(1 for s in sizes if s == 0),
        "totals": dict(sorted(totals.items())),
        "per_kb": {k: round(totals[k] / kb, 3) for k in ("functions", "methods", "classes", "dict_literals",
                                                          "calls", "self_attributes", "imports")},
        "per_module_mean": {k: round(totals[k] / max(1, len(files)), 1) for k in ("functions", "classes",
                                                                                  "dict_literals", "calls")},
    }


def function_folders(root: Path, regular: set[str], links: set[str]) -> dict:
    """Folders that hold main.py and requirements.txt (a Cloud Function's source), and the
    shape of a `shared/` inside them: copied files, symlinked files and folders, or one link."""
    folders = sorted(os.path.dirname(p) for p in regular
                     if os.path.basename(p) == "main.py" and os.path.dirname(p) + "/requirements.txt" in regular)
    with_tree = with_link = copied = linked = 0
    for folder in folders:
        shared = f"{folder}/shared"
        if shared in links:
            with_link += 1
        elif (root / shared).is_dir():
            with_tree += 1
            copied += sum(1 for p in regular if p.startswith(shared + "/") and p.endswith(".py"))
            linked += sum(1 for p in links if p.startswith(shared + "/"))
    return {"folders": len(folders), "with_shared_tree": with_tree, "with_shared_link": with_link,
            "shared_tree_copied_py": copied, "shared_tree_links": linked}


def measure(root: Path) -> dict:
    root = Path(root)
    entries = walk(root)
    regular = {p for p, link in entries if not link}
    links = {p for p, link in entries if link}
    link_kinds = Counter()
    for rel in links:
        path = root / rel
        link_kinds["dangling" if not path.exists() else "dir" if path.is_dir() else "file"] += 1

    def named(*patterns: str) -> list[str]:
        return sorted(p for p in regular if any(fnmatch.fnmatch(os.path.basename(p), pat) for pat in patterns))

    py = sorted(p for p in regular if p.endswith(".py"))
    shell, deploys, deploy_kinds, style, shell_sizes = [], 0, Counter(), Counter(), []
    for rel in sorted(regular):
        if rel.endswith((".sh", ".bash")):
            is_shell = True
        elif "." not in os.path.basename(rel):
            with open(root / rel, "rb") as handle:
                is_shell = bool(SHEBANG.match(handle.readline(200).decode("utf-8", "replace")))
        else:
            is_shell = False
        if not is_shell:
            continue
        shell.append(rel)
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        shell_sizes.append(len(text.encode()))
        found = DEPLOY.findall(text)
        deploys += len(found)
        deploy_kinds.update(" ".join(k.split()) + " " + verb for k, verb in found)
        style.update(name for name, pattern in STYLE.items() if pattern.search(text))
    shell_sizes.sort()
    sql = named("*.sql")
    ddl = sum(1 for p in sql if re.search(r"(?i)create\s+(or\s+replace\s+)?table",
                                          (root / p).read_text(encoding="utf-8", errors="replace")))
    json_schemas = 0
    for rel in named("*.json"):
        with open(root / rel, "rb") as handle:
            json_schemas += handle.read(200).lstrip().startswith(b"[")
    extensions = Counter(os.path.splitext(p)[1] or "(none)" for p in regular)
    return {
        "files": len(regular), "symlinks": len(links), "symlink_kinds": dict(sorted(link_kinds.items())),
        "python": python_stats(root, py),
        "shell": {"scripts": len(shell), "with_sh_suffix": sum(p.endswith(".sh") for p in shell),
                  "bytes": sum(shell_sizes), "size_median": quantile(shell_sizes, 0.5),
                  "size_max": shell_sizes[-1] if shell_sizes else 0,
                  "deploy_commands": deploys, "deploy_kinds": dict(sorted(deploy_kinds.items())),
                  "scripts_with": dict(sorted(style.items()))},
        "function_folders": function_folders(root, regular, links),
        "dockerfiles": len(named(*DOCKERFILE)),
        "requirements_txt": len(named("requirements.txt")),
        "requirements_any": len(named("*requirements*.txt")),
        "sql": len(sql), "sql_with_create_table": ddl, "json_schemas": json_schemas,
        "yaml": len(named("*.yaml", "*.yml")),
        "gcloudignore": len(named(".gcloudignore")), "dockerignore": len(named(".dockerignore")),
        "markdown": extensions.get(".md", 0),
        "top_extensions": dict(extensions.most_common(12)),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    args = parser.parse_args(argv)
    shape = measure(args.root)
    text = json.dumps(shape, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
