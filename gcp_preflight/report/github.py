"""GitHub Actions: workflow commands (`::error file=...,line=...::message`) and a step summary.

GitHub shows at most 10 annotations of each level per step and 50 per job, and drops the rest
silently. So the most severe findings become annotations, the others are still printed to the
log (inside `::stop-commands::`, since their text comes from the checked repository), and
`render_summary` makes a Markdown table of every finding for `$GITHUB_STEP_SUMMARY`.
Both functions are pure; writing the summary file is the caller's business (hooks/github.py).
"""

from __future__ import annotations

import hashlib
import html
from collections import Counter
from typing import Sequence

from gcp_preflight.model import Finding

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
PER_LEVEL = 10  # per step, per level (actions/toolkit docs/problem-matchers.md)
PER_JOB = 50
SUMMARY_LIMIT = 1024 * 1024  # bytes a step may add to $GITHUB_STEP_SUMMARY


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _place(path: str, prefix: str) -> str:
    return f"{prefix.rstrip('/')}/{path}" if prefix and path else path


def _names() -> dict[str, str]:
    from gcp_preflight.rules import BY_CODE

    return {code: r.meta.name for code, r in BY_CODE.items()}


def annotation(f: Finding, names: dict[str, str], prefix: str = "") -> str:
    loc = f.location
    props = []
    if loc.path:
        props.append(f"file={escape_property(_place(loc.path, prefix))}")
        props.append(f"line={loc.line}")
        props.append(f"col={loc.column}")
        if loc.end_line:
            props.append(f"endLine={loc.end_line}")
        if loc.end_column and (loc.end_line or loc.line) == loc.line:
            props.append(f"endColumn={loc.end_column}")
    title = f"{f.code} {names.get(f.code, '')}".strip()
    props.append(f"title={escape_property(title)}")
    message = f.message + "".join(f"\n{_place(r.location.path, prefix)}:{r.location.line}: {r.message}"
                                  for r in f.related)
    return f"::{LEVELS[f.severity.value]} {','.join(props)}::{escape_data(message)}"


def by_severity(findings: Sequence[Finding]) -> list[Finding]:
    """Most severe first; report order (path, line, ...) within a severity."""
    return sorted(findings, key=lambda f: -f.severity.rank)


def select_annotations(findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(annotated, the rest): at most PER_LEVEL per level and PER_JOB in all, most severe first."""
    shown, rest = [], []
    per_level: Counter = Counter()
    for f in by_severity(findings):
        level = LEVELS[f.severity.value]
        if per_level[level] < PER_LEVEL and len(shown) < PER_JOB:
            per_level[level] += 1
            shown.append(f)
        else:
            rest.append(f)
    return shown, rest


def _plain(f: Finding, prefix: str) -> str:
    loc = f.location
    where = f"{_place(loc.path, prefix)}:{loc.line}:{loc.column}:" if loc.path else "(live):"
    lines = [f"{where} {f.code} [{f.severity.value}] {f.message}"]
    lines += [f"    = {_place(r.location.path, prefix)}:{r.location.line}: {r.message}" for r in f.related]
    return "\n".join(" ".join(line.split("\r")) for line in "\n".join(lines).split("\n"))


def _without_commands(text: str) -> str:
    """Text from the checked repository, printed so no line of it runs as a workflow command.
    The token is a hash of the text itself, so the text cannot contain its own end marker."""
    token = "preflight-" + hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"::stop-commands::{token}\n{text}\n::{token}::\n"


def render(findings: Sequence[Finding], *, path_prefix: str = "", **_: object) -> str:
    names = _names()
    shown, rest = select_annotations(findings)
    out = "".join(annotation(f, names, path_prefix) + "\n" for f in shown)
    if rest:
        out += _without_commands("\n".join(_plain(f, path_prefix) for f in rest))
        out += (f"{len(findings)} findings: the {len(shown)} most severe are annotations (GitHub shows at most "
                f"{PER_LEVEL} per level in a step); the other {len(rest)} are listed above and in the step summary.\n")
    return out


# -- step summary -----------------------------------------------------------------------------
def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _row(f: Finding, names: dict[str, str], prefix: str) -> str:
    loc = f.location
    where = f"<code>{_cell(_place(loc.path, prefix))}:{loc.line}:{loc.column}</code>" if loc.path else "(live)"
    message = _cell(f.message) + "".join(
        f"<br>↳ <code>{_cell(_place(r.location.path, prefix))}:{r.location.line}</code> {_cell(r.message)}"
        for r in f.related)
    code = f"{f.code} {names.get(f.code, '')}".strip()
    return f"| {f.severity.value} | {_cell(code)} | {where} | {message} |\n"


def _headline(findings: Sequence[Finding]) -> str:
    counts = Counter(f.severity.value for f in findings)
    detail = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s])
    noun = "finding" if len(findings) == 1 else "findings"
    return f"{len(findings)} {noun} ({detail})" if findings else "no findings"


def render_summary(findings: Sequence[Finding], *, shown: int = 0, path_prefix: str = "",
                   limit: int = SUMMARY_LIMIT) -> str:
    """A Markdown table of every finding, most severe first, at most `limit` bytes (UTF-8)."""
    names = _names()
    head = (f"## gcp-preflight: {_headline(findings)}\n\n"
            f"{shown} of them are shown as annotations (GitHub shows at most {PER_LEVEL} per level in a step). "
            f"All findings, most severe first:\n\n"
            "| Severity | Rule | Location | Message |\n|---|---|---|---|\n")
    ordered = by_severity(findings)
    rows = [_row(f, names, path_prefix) for f in ordered]

    def footer(left: int) -> str:
        return (f"\n_{left} more findings are not listed: the step summary is limited to 1 MiB. "
                f"`preflight check --format json` reports them all._\n") if left else ""

    out, size = [head], len(head.encode())
    for index, row in enumerate(rows):
        left_after = len(rows) - index - 1
        need = len(row.encode()) + len(footer(left_after).encode())
        if size + need > limit:
            out.append(footer(len(rows) - index))
            break
        out.append(row)
        size += len(row.encode())
    return "".join(out)
