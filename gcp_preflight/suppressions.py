"""Inline suppressions (`# preflight: ignore[PF301] reason`) and the baseline file."""

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

# `#` for Python, shell, YAML, TOML and Dockerfiles; `--` for SQL.
INLINE = re.compile(r"(?:#|--)\s*preflight:\s*ignore\[([^\]]*)\]\s*(.*)$")


@fact
@dataclass(frozen=True)
class Suppression:
    path: str
    line: int
    column: int
    codes: tuple[str, ...]
    reason: str

    def covers(self, code: str) -> bool:
        return any(code.startswith(c) for c in self.codes)


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


def scan(path: str, text: str) -> list[Suppression]:
    if "preflight:" not in text:
        return []
    if path.endswith(".py"):
        lines = _python_comments(text)
    else:
        lines = [(number, 0, line) for number, line in enumerate(split_lines(text), start=1)]
    found = []
    for number, offset, line in lines:
        match = INLINE.search(line)
        if match:
            codes = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
            found.append(Suppression(path, number, offset + match.start() + 1, codes, match.group(2).strip()))
    return found


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
