"""pip requirements files: which distributions a unit installs, each with its line.

Parsed with `packaging` (the library pip itself vendors). A line whose distribution cannot be
named (a local path, a URL without `#egg=`) is kept as opaque: it might provide anything, so
the import closure does not call a module missing while one is present. A line pip would reject
is a PF207 finding.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Iterable

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Parsed
from packaging.utils import canonicalize_name

from gcp_preflight.facts import fact
from gcp_preflight.lines import split_lines
from gcp_preflight.validators.base import SourceText, matches_any, problem

PATTERNS = ("*requirements*.txt", "requirements/*.txt", "*requirements*.in")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:=|\s+)?(\S+)$")
_IGNORED_OPTIONS = ("-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
                    "--trusted-host", "--no-binary", "--only-binary", "--prefer-binary", "--pre",
                    "--no-index", "--use-feature", "--require-hashes")


@fact
@dataclass(frozen=True)
class Requirement:
    name: str  # canonical distribution name ("pyyaml")
    line: int
    text: str  # as written, for messages


@fact
@dataclass(frozen=True)
class RequirementsFile:
    path: str
    requirements: tuple[Requirement, ...]
    includes: tuple[tuple[str, int], ...]  # (-r path relative to the root, line)
    opaque: tuple[tuple[int, str], ...]  # (line, text) of entries whose distribution is unknown

    def names(self) -> frozenset[str]:
        return frozenset(r.name for r in self.requirements)


def logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """(first line number, text) with comments removed and `\\` continuations joined."""
    buffer, start = "", 0
    for number, raw in enumerate(split_lines(text), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            yield start, buffer.strip()
        buffer = ""
    if buffer.strip():
        yield start, buffer.strip()


def _named_by_egg(line: str, number: int, reqs: list, opaque: list) -> None:
    """A path or URL names its distribution only through `#egg=`; otherwise it is opaque."""
    egg = _EGG.search(line)
    if egg:
        reqs.append(Requirement(canonicalize_name(egg.group(1)), number, line))
    else:
        opaque.append((number, line))


class RequirementsValidator:
    name = "requirements"

    def wants(self, path: str, head: str) -> bool:
        return matches_any(path, PATTERNS)

    def read(self, source: SourceText) -> Iterable[object]:
        reqs, includes, opaque, problems = [], [], [], []
        base = posixpath.dirname(source.path)
        for number, line in logical_lines(source.text):
            include = _INCLUDE.match(line)
            if include:
                includes.append((posixpath.normpath(posixpath.join(base, include.group(1))), number))
                continue
            option = line.split()[0] if line.startswith("-") else ""
            if option.startswith(("-e", "--editable")):
                _named_by_egg(line, number, reqs, opaque)
                continue
            if option.startswith(_IGNORED_OPTIONS):
                continue
            if option:
                opaque.append((number, line))
                continue
            spec = re.split(r"\s--hash[=\s]", line)[0].strip()
            if re.match(r"^(\.{0,2}/|[a-z+]+://)", spec):
                _named_by_egg(line, number, reqs, opaque)
                continue
            try:
                parsed = Parsed(spec)
                if any(not s.version for s in parsed.specifier):  # packaging < 26.4 accepts `flask===`
                    raise InvalidRequirement(f"{spec!r}: a version operator without a version")
            except InvalidRequirement as exc:
                problems.append(problem("PF207", source.path, number, 1, f"pip cannot parse this requirement: {exc}"))
                opaque.append((number, line))
                continue
            reqs.append(Requirement(canonicalize_name(parsed.name), number, spec))
        yield RequirementsFile(source.path, tuple(reqs), tuple(includes), tuple(opaque))
        yield from problems
