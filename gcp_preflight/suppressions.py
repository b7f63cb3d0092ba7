"""Inline suppressions and the baseline file.

Three forms, in comments (`#`; `--` in SQL):
- `# preflight: ignore[PF301] reason` on the line of the finding (or on any line of a command
  continued with `\\`, or on a comment line directly above such a command);
- `# preflight: ignore-file[PF502] reason` in the file's first comment block: the whole file;
- `# noqa: PF104` (flake8's form, as ruff reads it): its PF codes only; a bare `# noqa`, or one
  naming only other tools' codes, is not ours.
A `# preflight:` comment in any other shape, or naming a code no rule has, is a Problem (PF010),
never silently ignored.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.lines import split_lines
from gcp_preflight.model import Finding

MARKER = re.compile(r"(?:#|--)\s*preflight\s*:(.*)$")
FORM = re.compile(r"\s*(ignore-file|ignore)\s*\[([^\]]*)\](.*)$")
# A code is letters then a digit then anything alphanumeric, so a typo (`PF5O1`) is one code
# (reported), not a valid prefix `PF5` followed by a reason.
NOQA = re.compile(r"(?:#|--)\s*noqa\s*:\s*([A-Za-z]+[0-9]\w*(?:[,\s]+[A-Za-z]+[0-9]\w*)*)(.*)$", re.I)
SHAPE = "expected `# preflight: ignore[CODE, ...] reason` or `# preflight: ignore-file[CODE, ...] reason`"
OUR_PREFIX = "PF"


@fact
@dataclass(slots=True, unsafe_hash=True)
class Suppression:
    path: str
    line: int
    column: int
    codes: tuple[str, ...]
    reason: str
    scope: str = "line"  # "line", or "file" for ignore-file

    def covers(self, code: str) -> bool:
        return any(code.startswith(c) for c in self.codes)


@fact
@dataclass(slots=True, unsafe_hash=True)
class BadSuppression:
    """A suppression comment that suppresses nothing because of how it is written (PF010)."""

    path: str
    line: int
    column: int
    message: str


def _python_comments(text: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of each real comment, so a marker inside a string or docstring
    suppresses nothing. Where tokenizing fails (a syntax error), the lines from there on are
    scanned as plain text."""
    found: list[tuple[int, int, str]] = []
    last_line = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            last_line = token.end[0]
            if token.type == tokenize.COMMENT:
                found.append((token.start[0], token.start[1], token.string))
    except (tokenize.TokenError, SyntaxError, ValueError):
        rest = split_lines(text)[last_line:]
        found += [(number, 0, line) for number, line in enumerate(rest, start=last_line + 1)]
    return found


def header_lines(path: str, lines: list[str]) -> int:
    """How many lines the file's first comment block spans (blank lines and comments at the top,
    a shebang included): where a file-level suppression belongs."""
    leaders = ("#", "--") if path.endswith(".sql") else ("#",)
    count = 0
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith(leaders):
            break
        count += 1
    return count


def scan(path: str, text: str) -> list[Suppression | BadSuppression]:
    """The suppressions of one file, and the suppression comments that are not usable (facts,
    cached with the file's other facts)."""
    if "preflight" not in text and "noqa" not in text.lower():
        return []
    all_lines = split_lines(text)
    if path.endswith(".py"):
        comments = _python_comments(text)
    else:
        comments = [(number, 0, line) for number, line in enumerate(all_lines, start=1)]
    header = header_lines(path, all_lines)
    found: list[Suppression] = []
    bad: list[BadSuppression] = []
    for number, offset, line in comments:
        marker = MARKER.search(line)
        if marker:
            column = offset + marker.start() + 1
            item = _preflight(path, number, column, marker.group(1), header, bad)
            if item:
                found.append(item)
        noqa = NOQA.search(line)
        if noqa:
            codes = [c.upper() for c in re.split(r"[,\s]+", noqa.group(1)) if c]
            ours = [c for c in codes if c.startswith(OUR_PREFIX)]
            if ours:
                column = offset + noqa.start() + 1
                ours = _known(path, number, column, ours, bad)
                if ours:
                    found.append(Suppression(path, number, column, tuple(ours), noqa.group(2).strip()))
    return [*found, *bad]


def _preflight(path: str, number: int, column: int, body: str, header: int,
               bad: list[BadSuppression]) -> Suppression | None:
    form = FORM.match(body)
    if not form:
        bad.append(BadSuppression(path, number, column, f"malformed suppression comment: {SHAPE}"))
        return None
    kind, listed, reason = form.groups()
    if kind == "ignore-file" and number > header:
        bad.append(BadSuppression(path, number, column, "`ignore-file[...]` applies only in the file's first comment "
                                  "block (before any code); move it to the top of the file"))
        return None
    tokens = [t for t in re.split(r"[,\s]+", listed.strip()) if t]
    if not tokens:
        bad.append(BadSuppression(path, number, column, f"suppression names no rule code: {SHAPE}"))
        return None
    codes = _known(path, number, column, [t.upper() for t in tokens], bad)
    if not codes:
        return None
    return Suppression(path, number, column, tuple(codes), reason.strip(), "file" if kind == "ignore-file" else "line")


def _known(path: str, number: int, column: int, codes: list[str], bad: list[BadSuppression]) -> list[str]:
    """The codes that name rules; each other one is said (a typo suppresses nothing)."""
    from gcp_preflight.codes import ALL, unknown

    kept = []
    for code in codes:
        problem = "`ALL` cannot be suppressed inline; name the codes" if code == ALL else unknown(code)
        if problem:
            bad.append(BadSuppression(path, number, column, f"suppression: {problem}"))
        else:
            kept.append(code)
    return kept


class BaselineError(Exception):
    pass


MAX_BASELINE_BYTES = 64 << 20


def read_baseline(path: Path) -> Counter:
    """Accepted findings as a multiset of (code, path, fingerprint). Never more than 64 MiB is
    read, and never from a FIFO or a device (a checkout may name one in its config)."""
    from gcp_preflight.safe_io import read_text

    try:
        data = json.loads(read_text(path, MAX_BASELINE_BYTES, "baseline"))
        entries = data["findings"]
        counted = Counter((e["code"], e["path"], e["fingerprint"]) for e in entries)
        if not all(isinstance(part, str) for key in counted for part in key):
            raise TypeError
        return counted
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except RecursionError:
        raise BaselineError(f"{path}: not a gcp-preflight baseline (nested too deeply)") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: not a gcp-preflight baseline (not UTF-8)") from None
    except (ValueError, KeyError, TypeError) as exc:
        if "larger than" in str(exc):
            raise BaselineError(f"{path}: cannot read baseline: {exc}") from None
        raise BaselineError(f"{path}: not a gcp-preflight baseline (expected {{\"findings\": [...]}})") from None


def write_baseline(path: Path, findings: Iterable[Finding], root: Path | None = None) -> None:
    """Written without following a link (BaselineError if the path is one)."""
    from gcp_preflight import safe_io

    entries = [{"code": f.code, "path": f.location.path, "fingerprint": f.fingerprint, "message": f.message}
               for f in findings]
    text = json.dumps({"version": 1, "findings": entries}, indent=2, ensure_ascii=False) + "\n"
    try:
        safe_io.write_text(path, text, root)
    except safe_io.UnsafePath as exc:
        raise BaselineError(str(exc)) from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None
