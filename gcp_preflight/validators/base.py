"""What every validator is: it wants some files, reads one file's text, yields facts."""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass
from typing import Iterable, Protocol

from gcp_preflight.facts import fact
from gcp_preflight.lines import split_lines
from gcp_preflight.model import Diagnostic, Location


@fact
@dataclass(slots=True, unsafe_hash=True)
class Problem:
    """Malformed input found by a validator (PF0xx); rules/structure/rules.py reports it."""

    code: str
    diagnostic: Diagnostic


@dataclass(frozen=True)
class SourceText:
    """One file as a validator sees it: its path relative to the root and its decoded text."""

    path: str
    text: str

    def lines(self) -> list[str]:
        return split_lines(self.text)


class Validator(Protocol):
    name: str

    def wants(self, path: str, head: str) -> bool:
        """Whether this validator reads the file at `path`; `head` is its first line (shebang)."""

    def read(self, source: SourceText) -> Iterable[object]:
        """Facts (and Problem facts) read from one file."""


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    """Glob match on the base name or on the whole relative path."""
    base = posixpath.basename(path)
    return any(fnmatch.fnmatchcase(base, p) or fnmatch.fnmatchcase(path, p) for p in patterns)


def problem(code: str, path: str, line: int, column: int, message: str) -> Problem:
    return Problem(code, Diagnostic(Location(path, max(line, 1), max(column, 1)), message))
