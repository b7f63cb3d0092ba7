"""Apply the text edits of fixable findings to the files, without overlapping edits."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Iterable

from gcp_preflight.model import Finding, TextEdit


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(x) for x in lines[: line - 1]) + column - 1


def apply_edits(text: str, edits: Iterable[TextEdit]) -> tuple[str, int]:
    """Apply non-overlapping edits (later ones that overlap are skipped); returns (text, applied)."""
    lines = text.splitlines(keepends=True)
    spans = []
    for e in edits:
        start, end = _offset(lines, e.line, e.column), _offset(lines, e.end_line, e.end_column)
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


def apply_fixes(root: Path, findings: Iterable[Finding]) -> int:
    """Write the fixes of `findings` to disk; returns how many findings were fixed. A finding
    whose edits overlap another's waits for the next pass."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.fix and f.fix.edits:
            by_path[f.fix.edits[0].path].append(f)
    fixed = 0
    for path, group in sorted(by_path.items()):
        target = root / path
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        taken: list[tuple[int, int]] = []
        edits: list[TextEdit] = []
        lines = text.splitlines(keepends=True)
        for f in group:
            spans = [(_offset(lines, e.line, e.column), _offset(lines, e.end_line, e.end_column)) for e in f.fix.edits]
            if any(s < te and ts < e or (s == e == ts) for s, e in spans for ts, te in taken):
                continue
            if any(e.path != path for e in f.fix.edits):
                continue
            taken.extend(spans)
            edits.extend(f.fix.edits)
            fixed += 1
        new, _ = apply_edits(text, edits)
        if new != text:
            target.write_text(new, encoding="utf-8")
    return fixed
