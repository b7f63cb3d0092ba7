"""`path:line:col: CODE message`, related locations indented below, a one-line summary."""

from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

from gcp_preflight.model import Finding

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def summary_line(findings: Sequence[Finding], fixed: int = 0) -> str:
    parts = []
    if findings:
        counts = Counter(f.severity.value for f in findings)
        detail = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s])
        noun = "finding" if len(findings) == 1 else "findings"
        parts.append(f"Found {len(findings)} {noun} ({detail}).")
        fixable = sum(1 for f in findings if f.fix)
        if fixable:
            parts.append(f"{fixable} fixable with --fix.")
    else:
        parts.append("No findings.")
    if fixed:
        parts.append(f"Fixed {fixed}.")
    return " ".join(parts)


def render(findings: Sequence[Finding], *, source: Callable[[str, int], str] | None = None,
           colour: bool = False, fixed: int = 0, **_: object) -> str:
    out = []
    for f in findings:
        loc = f.location
        where = f"{loc.path}:{loc.line}:{loc.column}:" if loc.path else "(live):"
        code = f.code
        if colour:
            where = f"{_BOLD}{where}{_RESET}"
            code = f"{_COLOURS[f.severity.value]}{code}{_RESET}"
        out.append(f"{where} {code} {f.message}".replace("\n", "\n    "))
        if source and loc.path:
            text = source(loc.path, loc.line)
            if text:
                out.append(f"    {text.expandtabs(4)}")
                width = (loc.end_column - loc.column) if loc.end_line == loc.line and loc.end_column else 1
                out.append("    " + " " * (len(text[: loc.column - 1].expandtabs(4))) + "^" * max(width, 1))
        for r in f.related:
            rl = r.location
            line = f"    = {rl.path}:{rl.line}: {r.message}"
            out.append(f"{_DIM}{line}{_RESET}" if colour else line)
    out.append(summary_line(findings, fixed))
    return "\n".join(out) + "\n"
