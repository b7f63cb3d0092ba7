"""`path:line:col: severity CODE [*] message` (`[*]`: `--fix` fixes it, as ruff marks it), related
locations indented below, a summary naming the fixable codes; or `--statistics`, a count per code."""

from __future__ import annotations

import posixpath
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
MARK = "[*]"


def fixable(f: Finding, unsafe_fixes: bool = False) -> bool:
    """Whether `--fix` (with `--unsafe-fixes` when given) fixes the finding."""
    return f.fix is not None and (f.fix.safe or unsafe_fixes)


def summary_lines(findings: Sequence[Finding], fixed: int = 0, unsafe_fixes: bool = False) -> list[str]:
    """`Found N findings (...)`, then what `--fix` would fix, naming the codes (as ruff)."""
    if findings:
        counts = Counter(f.severity.value for f in findings)
        detail = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s])
        noun = "finding" if len(findings) == 1 else "findings"
        head = f"Found {len(findings)} {noun} ({detail})."
    else:
        head = "No findings."
    lines = [head + (f" Fixed {fixed}." if fixed else "")]
    now = [f for f in findings if fixable(f, unsafe_fixes)]
    later = [f for f in findings if f.fix is not None and not fixable(f, unsafe_fixes)]
    flags = "--fix --unsafe-fixes" if unsafe_fixes else "--fix"
    parts = []
    if now:
        parts.append(f"{MARK} {len(now)} fixable with {flags} ({_codes(now)})")
    if later:
        parts.append(f"{len(later)} {'more with' if now else 'fixable with'} --fix --unsafe-fixes ({_codes(later)})")
    if parts:
        lines.append("; ".join(parts) + ".")
    return lines


def _codes(findings: Sequence[Finding]) -> str:
    return ", ".join(sorted({f.code for f in findings}))


def statistics(findings: Sequence[Finding], unsafe_fixes: bool = False) -> list[str]:
    """One line per code, most frequent first (ruff's and flake8's `--statistics`):
    count, code, `[*]` when `--fix` fixes them all, the rule's name."""
    from gcp_preflight.rules import BY_CODE

    counts = Counter(f.code for f in findings)
    width = len(str(max(counts.values(), default=0)))
    lines = []
    for code, count in sorted(counts.items(), key=lambda c: (-c[1], c[0])):
        mine = [f for f in findings if f.code == code]
        mark = MARK if all(fixable(f, unsafe_fixes) for f in mine) else "[ ]"
        name = BY_CODE[code].meta.name if code in BY_CODE else ""
        lines.append(f"{count:>{width}}\t{code}\t{mark} {name}")
    return lines


def render(findings: Sequence[Finding], *, source: Callable[[str, int], str] | None = None,
           colour: bool = False, fixed: int = 0, path_prefix: str = "", cwd_in_root: str = "",
           unsafe_fixes: bool = False, quiet: bool = False, show_statistics: bool = False,
           **_: object) -> str:
    """Paths are shown from the working directory: `path_prefix` is the root seen from there
    when the root lies below it (or one run reports on several roots), `cwd_in_root` the working
    directory seen from the root when it lies inside it (a file above it shows as `../x.py`)."""
    def place(path: str) -> str:
        shown = posixpath.join(path_prefix, path) if path_prefix else path
        if cwd_in_root:
            shown = posixpath.relpath(shown, cwd_in_root)
        return printable(shown)

    out = statistics(findings, unsafe_fixes) if show_statistics else []
    for f in findings if not show_statistics else ():
        out += _finding(f, place, source, colour, unsafe_fixes)
    if not quiet:
        out += summary_lines(findings, fixed, unsafe_fixes)
    return "".join(line + "\n" for line in out)


def _finding(f: Finding, place: Callable[[str], str], source, colour: bool, unsafe_fixes: bool) -> list[str]:
    loc = f.location
    where = f"{place(loc.path)}:{loc.line}:{loc.column}:" if loc.path else "(live):"
    severity, code = f.severity.value, f.code + (f" {MARK}" if fixable(f, unsafe_fixes) else "")
    if colour:
        where = f"{_BOLD}{where}{_RESET}"
        severity = f"{_COLOURS[severity]}{severity}{_RESET}"
    out = [f"{where} {severity} {code} {printable(f.message, keep_newlines=True)}".replace("\n", "\n    ")]
    if source and loc.path:
        text = source(loc.path, loc.line)
        if text:
            out.append(f"    {printable(text.expandtabs(4))}")
            width = (loc.end_column - loc.column) if loc.end_line == loc.line and loc.end_column else 1
            out.append("    " + " " * len(printable(text[: loc.column - 1].expandtabs(4))) + "^" * max(width, 1))
    for r in f.related:
        rl = r.location
        line = f"    = {place(rl.path)}:{rl.line}: {printable(r.message)}"
        out.append(f"{_DIM}{line}{_RESET}" if colour else line)
    return out
