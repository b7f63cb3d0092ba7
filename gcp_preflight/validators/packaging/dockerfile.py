"""Dockerfiles: instructions with their lines, continuations joined, for the packaging family.

Only the reading is here (one fact per instruction, in order); what the instructions put into
the image (WORKDIR, COPY, ENV PYTHONPATH, CMD) is modelled by rules/packaging/docker.py.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.lines import split_lines
from gcp_preflight.validators.base import SourceText, matches_any

PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile")
_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.I)


@fact
@dataclass(slots=True, unsafe_hash=True)
class DockerInstruction:
    """`keyword` upper-cased; `flags` the leading `--x=y` options; `words` the arguments split
    as the shell form would be (the JSON array for the exec form); `exec_form` when written as
    JSON."""

    path: str
    line: int
    keyword: str
    flags: tuple[str, ...]
    words: tuple[str, ...]
    exec_form: bool
    text: str  # the arguments as written (continuations joined)


def _split(text: str) -> list[str]:
    import shlex

    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


class DockerfileValidator:
    name = "dockerfile"

    def wants(self, path: str, head: str) -> bool:
        return matches_any(posixpath.basename(path), PATTERNS)

    def read(self, source: SourceText) -> Iterable[object]:
        escape = "\\"
        lines = split_lines(source.text)
        if lines and _DIRECTIVE.match(lines[0]):
            escape = _DIRECTIVE.match(lines[0]).group(1)
        buffer, start = "", 0
        for number, raw in enumerate(lines, start=1):
            stripped = raw.strip()
            if not buffer and (not stripped or stripped.startswith("#")):
                continue
            if buffer and stripped.startswith("#"):
                continue  # comments inside a continued instruction are dropped by Docker
            if not buffer:
                start = number
            if stripped.endswith(escape):
                buffer += stripped[:-1] + " "
                continue
            buffer += stripped
            yield self._instruction(source.path, start, buffer)
            buffer = ""
        if buffer:
            yield self._instruction(source.path, start, buffer)

    def _instruction(self, path: str, line: int, text: str) -> DockerInstruction:
        keyword, _, rest = text.partition(" ")
        rest = rest.strip()
        flags = []
        while rest.startswith("--"):
            flag, _, rest = rest.partition(" ")
            flags.append(flag)
            rest = rest.strip()
        exec_form = False
        words: list[str] = []
        if rest.startswith("["):
            try:
                value = json.loads(rest)
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    words, exec_form = value, True
            except ValueError:
                pass
        if not exec_form:
            words = _split(rest)
        return DockerInstruction(path, line, keyword.upper(), tuple(flags), tuple(words), exec_form, rest)
