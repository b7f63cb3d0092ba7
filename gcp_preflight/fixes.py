"""Apply the text edits of fixable findings to the files, without overlapping edits.

A file is rewritten byte for byte except the edited spans (its line endings kept), and only
inside the root: an edit naming a path outside it, or through a symbolic link, is refused.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from gcp_preflight import safe_io
from gcp_preflight.lines import line_starts
from gcp_preflight.model import Finding, TextEdit


def _offset(starts: list[int], line: int, column: int) -> int:
    return (starts[line - 1] if 0 < line <= len(starts) else starts[-1]) + column - 1


def apply_edits(text: str, edits: Iterable[TextEdit]) -> tuple[str, int]:
    """Apply non-overlapping edits (later ones that overlap are skipped); returns (text, applied)."""
    starts = line_starts(text)
    spans = []
    for e in edits:
        start, end = _offset(starts, e.line, e.column), _offset(starts, e.end_line, e.end_column)
        spans.append((start, end, e.text))
    spans.sort(key=lambda s: (s[0], s[1]))
    chosen, last_end = [], -1
    for start, end, new in spans:
        if start >= last_end:
            chosen.append((start, end, new))
            last_end = end
    for start, end, new in reversed(chosen):
        text = text[:start] + new + text[end:]
    return text, len(chosen)


@dataclass(frozen=True)
class FilePlan:
    """What fixing one file would write: its text before and after, and how many findings."""

    path: str
    target: Path
    bom: bool
    old: str
    new: str
    findings: tuple[Finding, ...]


def plan_fixes(root: Path, findings: Iterable[Finding]) -> list[FilePlan]:
    """The files the fixes of `findings` would change, in memory. A finding whose edits overlap
    another's waits for the next pass."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.fix and f.fix.edits:
            by_path[f.fix.edits[0].path].append(f)
    plans = []
    for path, group in sorted(by_path.items()):
        target = _inside(root, path)
        if target is None:
            continue
        try:
            data = target.read_bytes()
            bom = data.startswith(b"\xef\xbb\xbf")
            text = data.decode("utf-8-sig")  # as the readers saw it; the line endings as they are
        except (OSError, UnicodeDecodeError):
            continue
        taken: list[tuple[int, int]] = []
        edits: list[TextEdit] = []
        starts = line_starts(text)
        chosen = []
        for f in group:
            spans = [(_offset(starts, e.line, e.column), _offset(starts, e.end_line, e.end_column)) for e in f.fix.edits]
            if any(s < te and ts < e or (s == e == ts) for s, e in spans for ts, te in taken):
                continue
            if any(e.path != path for e in f.fix.edits):
                continue
            taken.extend(spans)
            edits.extend(f.fix.edits)
            chosen.append(f)
        new, _ = apply_edits(text, edits)
        if new != text:
            plans.append(FilePlan(path, target, bom, text, new, tuple(chosen)))
    return plans


def apply_fixes(root: Path, findings: Iterable[Finding]) -> int:
    """Write the fixes of `findings` to disk; returns how many findings were fixed."""
    fixed = 0
    for plan in plan_fixes(root, findings):
        try:
            safe_io.write_bytes(plan.target, (b"\xef\xbb\xbf" if plan.bom else b"") + plan.new.encode("utf-8"), root)
        except (safe_io.UnsafePath, OSError) as exc:
            print(f"preflight: fix not written: {exc}", file=sys.stderr)
            continue
        fixed += len(plan.findings)
    return fixed


def unified_diff(plans: Iterable[FilePlan]) -> str:
    """The plans as one unified diff (root-relative paths, as `patch -p0` applies it)."""
    out = []
    for plan in plans:
        out += difflib.unified_diff(_lines(plan.old), _lines(plan.new), plan.path, plan.path)
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in out)


def _lines(text: str) -> list[str]:
    """The lines with their endings, split where every reader splits them (lines.py)."""
    starts = line_starts(text)
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)]) if a < b]


def _inside(root: Path, path: str) -> Path | None:
    """The file an edit names, when it is a plain relative path inside the root reached through
    no link; None (and one line on stderr) otherwise."""
    normal = posixpath.normpath(path)
    if not path or os.path.isabs(path) or normal.startswith("../") or normal == ".." or "\0" in path:
        print(f"preflight: fix not written: {path!r} is outside the project root", file=sys.stderr)
        return None
    target = root / normal
    try:
        safe_io.check_writable(target, root)
    except safe_io.UnsafePath as exc:
        print(f"preflight: fix not written: {exc}", file=sys.stderr)
        return None
    return target
