"""Quoted string literals in shell scripts, with where each starts.

A small pattern-based reader, not a shell parser: it finds '...' and "..." strings (and $'...'),
skips comments, and keeps the text between the quotes as written. The names family matches
patterns inside them, such as a scheduler job's JSON body `'{"scraper": "nbac_schedule"}'`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.shell.commands import commands
from gcp_preflight.validators.shell.source import is_shell_script



@fact
@dataclass(frozen=True, slots=True)
class ShellLiteral:
    """The content of one quoted string; `location` is the first character inside the quotes."""

    path: str
    location: Location
    text: str
    quote: str  # "'" or '"'


def _position(text: str, offset: int, line_starts: list[int]) -> tuple[int, int]:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:  # the last line start at or before offset
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, offset - line_starts[lo] + 1


def literals(path: str, text: str) -> Iterable[ShellLiteral]:
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n;|&("):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif ch in "'\"":
            start = i + 1
            j = start
            while j < n and text[j] != ch:
                j += 2 if ch == '"' and text[j] == "\\" else 1
            line, column = _position(text, start, line_starts)
            yield ShellLiteral(path, Location(path, line, column), text[start:j], ch)
            i = j + 1
        else:
            i += 1


class ShellLiteralValidator:
    name = "shell-literals"

    def wants(self, path: str, head: str) -> bool:
        return is_shell_script(path, head)  # the same files the shell reader reads

    def read(self, source: SourceText) -> Iterable[object]:
        yield from literals(source.path, source.text)
        yield from commands(source.path, source.text)
