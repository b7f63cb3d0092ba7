"""Quoted string literals in shell scripts, with where each starts.

A small pattern-based reader, not a shell parser: it finds '...' and "..." strings (and $'...'),
skips comments, and keeps the text between the quotes as written. The names family matches
patterns inside them, such as a scheduler job's JSON body `'{"scraper": "nbac_schedule"}'`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.shell.commands import commands
from gcp_preflight.validators.shell.source import is_shell_script



@fact(shared=("text",))
@dataclass(slots=True, unsafe_hash=True)
class ShellLiteral:
    """The content of one quoted string; `location` is the first character inside the quotes."""

    path: str
    location: Location
    text: str
    quote: str  # "'" or '"'


_NEWLINE = re.compile("\n")


def _position(text: str, offset: int, line_starts: list[int]) -> tuple[int, int]:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:  # the last line start at or before offset
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, offset - line_starts[lo] + 1


_NEXT = re.compile(r"[\\#'\"]")  # what the scan stops at; everything else is skipped in one search
_IN_DOUBLE = re.compile(r'[\\"]')


def literals(path: str, text: str) -> Iterable[ShellLiteral]:
    line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
    i, n = 0, len(text)
    search = _NEXT.search
    while True:
        match = search(text, i)
        if match is None:
            return
        i = match.start()
        ch = text[i]
        if ch == "\\":
            i += 2
        elif ch == "#":
            if i == 0 or text[i - 1] in " \t\n;|&(":
                end = text.find("\n", i)
                if end < 0:
                    return
                i = end
            else:
                i += 1
        else:
            start = i + 1
            j = _closing(text, start, ch, n)
            line, column = _position(text, start, line_starts)
            yield ShellLiteral(path, Location(path, line, column), text[start:j], ch)
            i = j + 1


def _closing(text: str, start: int, quote: str, n: int) -> int:
    """Where a string opened before `start` ends: the next quote (in "...", one a backslash does
    not escape); past the end when it is not closed."""
    if quote == "'":
        end = text.find("'", start)
        return n if end < 0 else end
    j = start
    while True:
        match = _IN_DOUBLE.search(text, j)
        if match is None:
            return max(j, n)
        j = match.start()
        if text[j] == '"':
            return j
        j += 2


class ShellLiteralValidator:
    name = "shell-literals"

    def wants(self, path: str, head: str) -> bool:
        return is_shell_script(path, head)  # the same files the shell reader reads

    def read(self, source: SourceText) -> Iterable[object]:
        yield from literals(source.path, source.text)
        yield from commands(source.path, source.text)
