"""GitHub Actions glue for `--format github`: where paths start inside the workspace, the step
summary file, and the counts as step outputs."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Mapping, Sequence

from gcp_preflight.model import Finding
from gcp_preflight.report.github import SUMMARY_LIMIT, render_summary, select_annotations

MIN_SUMMARY_BUDGET = 4096  # below this the table would hold nothing useful


def path_prefix(root: Path, environ: Mapping[str, str]) -> str:
    """The root's folder relative to $GITHUB_WORKSPACE, so annotations and SARIF URIs name files
    as GitHub sees them when the checked root is a subfolder; "" elsewhere."""
    workspace = environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return ""
    try:
        rel = root.resolve().relative_to(Path(workspace).resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel


def write_counts(findings: Sequence[Finding], environ: Mapping[str, str]) -> None:
    """The step's outputs `findings`, `errors`, `warnings`, `infos` (in $GITHUB_OUTPUT), for the
    steps after it (the action passes them on as its own outputs)."""
    target = environ.get("GITHUB_OUTPUT")
    if not target:
        return
    counts = Counter(f.severity.value for f in findings)
    lines = [f"findings={len(findings)}"] + [f"{s}s={counts[s]}" for s in ("error", "warning", "info")]
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
    except OSError as exc:
        print(f"preflight: cannot write the step outputs {target}: {exc.strerror or exc}", file=sys.stderr)


def write_step_summary(findings: Sequence[Finding], environ: Mapping[str, str], prefix: str = "") -> bool:
    """Append a table of all findings to $GITHUB_STEP_SUMMARY when some were not annotated.
    The step's 1 MiB includes whatever earlier commands of the step appended."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    shown, rest = select_annotations(findings)
    if not target or not rest:
        return False
    try:
        used = os.path.getsize(target)
    except OSError:
        used = 0
    budget = SUMMARY_LIMIT - used
    if budget < MIN_SUMMARY_BUDGET:
        return False
    text = render_summary(findings, shown=len(shown), path_prefix=prefix, limit=budget)
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        print(f"preflight: cannot write the step summary {target}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True
