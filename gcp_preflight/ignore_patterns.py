"""Gitignore-style patterns (.gitignore, .gcloudignore, .dockerignore, rsync --exclude, and
every pattern of the configuration: `exclude`, `per-file-ignores`, names sources, memory floors
and deploy policies), made safe before pathspec compiles them.

A pattern is a regular expression in disguise, and a checkout writes them: `****...a` or
`a/**/a/**/...` backtrack for minutes on an ordinary path. Runs of `*` inside a segment mean
one `*` (as git reads them), so they are collapsed; repeated `**/` segments likewise. A pattern
that is still costly (more wildcards than any real ignore file uses), too long, or that pathspec
rejects (`!` alone) is left out and said, with its line, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import pathspec

MAX_PATTERN_CHARS = 1024
MAX_STARS_PER_SEGMENT = 4
MAX_DOUBLE_STARS = 3

_STARS = re.compile(r"\*{2,}")


@dataclass(frozen=True)
class BadPattern:
    line: int
    pattern: str
    reason: str

    @property
    def shown(self) -> str:
        return shown(self.pattern)


def shown(pattern: str) -> str:
    """The pattern for a message: a long one cut, with its length."""
    return pattern if len(pattern) <= 60 else f"{pattern[:57]}... ({len(pattern):,} characters)"


def normalize(pattern: str) -> str:
    """The same pattern with runs of `*` inside a segment collapsed and repeated `**`
    segments merged."""
    segments = pattern.split("/")
    out: list[str] = []
    for segment in segments:
        if segment != "**" and "**" in segment:
            segment = _STARS.sub("*", segment)
        if segment == "**" and out and out[-1] == "**":
            continue
        out.append(segment)
    return "/".join(out)


def problem(pattern: str) -> str | None:
    """Why a (normalized) pattern is not used, or None."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"longer than {MAX_PATTERN_CHARS} characters"
    segments = pattern.split("/")
    if sum(1 for s in segments if s == "**") > MAX_DOUBLE_STARS:
        return f"more than {MAX_DOUBLE_STARS} `**` segments"
    if any(s != "**" and s.count("*") > MAX_STARS_PER_SEGMENT for s in segments):
        return f"more than {MAX_STARS_PER_SEGMENT} `*` in one path segment"
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except (ValueError, TypeError) as exc:  # GitIgnorePatternError is a ValueError
        return str(exc) or "invalid pattern"
    return None


def compile_lines(lines: Iterable[tuple[int, str]]) -> tuple[pathspec.GitIgnoreSpec, list[BadPattern]]:
    """A spec of the usable patterns, and the ones left out with why. `lines` are
    (line number, text) pairs; comments and blank lines may be included."""
    kept: list[str] = []
    bad: list[BadPattern] = []
    for number, text in lines:
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        pattern = normalize(text)
        reason = problem(pattern)
        if reason:
            bad.append(BadPattern(number, text, reason))
        else:
            kept.append(pattern)
    return pathspec.GitIgnoreSpec.from_lines(kept), bad


def compile_patterns(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """A spec of the usable patterns among `patterns` (the rest dropped silently: their reader
    reported them already)."""
    spec, _ = compile_lines(enumerate(patterns, start=1))
    return spec


@lru_cache(maxsize=256)
def matcher(patterns: tuple[str, ...]):
    """`compile_patterns(patterns).match_file`, answering each path once: the same exclude list
    (`rsync --exclude`, a .dockerignore) is matched against the same copied files in many units."""
    spec = compile_patterns(patterns)
    answers: dict[str, bool] = {}

    def match(path: str) -> bool:
        found = answers.get(path)
        if found is None:
            found = answers[path] = bool(spec.match_file(path))
        return found

    return match


@lru_cache(maxsize=4096)
def _one(pattern: str) -> pathspec.GitIgnoreSpec | None:
    normal = normalize(pattern)
    return None if problem(normal) else pathspec.GitIgnoreSpec.from_lines([normal])


def matches(pattern: str, path: str) -> bool:
    """Whether a root-relative path (or a deployed name, which has no `/`) matches one
    configured pattern, as git would match it: `deploy.sh` in any folder, `/deploy.sh` at the
    root only, `tests/` or `tests/*` everything below. A pattern that cannot be used (the
    configuration check reports it) matches nothing."""
    spec = _one(pattern)
    return spec is not None and spec.match_file(path)
