"""`path:line:col: CODE message`, related locations indented below, a one-line summary."""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Sequence

from gcp_preflight.model import Finding

# Characters a checkout can put in a file name or a source line to forge or hide output on a
# terminal: C0 and C1 controls (ESC starts colour and cursor sequences, CR and LF start a line),
# DEL, line and paragraph separators, bidirectional overrides ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep_newlines: bool = False) -> str:
    """`text` with every unsafe character written as an escape (`\\x1b`, `\\u2028`)."""
    def escape(match: re.Match) -> str:
        ch = match.group(0)
        if keep_newlines and ch == "\n":
            return ch
        if ch == "\t":
            return "\t" if keep_newlines else "\\t"
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    return _UNSAFE.sub(escape, text)


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
           colour: bool = False, fixed: int = 0, path_prefix: str = "", **_: object) -> str:
    """`path_prefix` is prepended to paths when one run reports on several roots."""
    def place(path: str) -> str:
        path = printable(path)
        return f"{path_prefix.rstrip('/')}/{path}" if path_prefix and path else path

    out = []
    for f in findings:
        loc = f.location
        where = f"{place(loc.path)}:{loc.line}:{loc.column}:" if loc.path else "(live):"
        code = f.code
        if colour:
            where = f"{_BOLD}{where}{_RESET}"
            code = f"{_COLOURS[f.severity.value]}{code}{_RESET}"
        out.append(f"{where} {code} {printable(f.message, keep_newlines=True)}".replace("\n", "\n    "))
        if source and loc.path:
            text = source(loc.path, loc.line)
            if text:
                shown = printable(text.expandtabs(4))
                out.append(f"    {shown}")
                width = (loc.end_column - loc.column) if loc.end_line == loc.line and loc.end_column else 1
                out.append("    " + " " * len(printable(text[: loc.column - 1].expandtabs(4))) + "^" * max(width, 1))
        for r in f.related:
            rl = r.location
            line = f"    = {place(rl.path)}:{rl.line}: {printable(r.message)}"
            out.append(f"{_DIM}{line}{_RESET}" if colour else line)
    out.append(summary_line(findings, fixed))
    return "\n".join(out) + "\n"
