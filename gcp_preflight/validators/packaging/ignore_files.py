"""`.gcloudignore` and `.dockerignore`: the patterns of files a deploy does not upload or copy."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight import ignore_patterns
from gcp_preflight.facts import fact
from gcp_preflight.lines import split_lines
from gcp_preflight.validators.base import SourceText, problem

NAMES = (".gcloudignore", ".dockerignore")


@fact
@dataclass(slots=True, unsafe_hash=True)
class IgnoreFile:
    """Pattern lines in order with their line numbers; `#!include:FILE` directives are kept."""

    path: str
    patterns: tuple[tuple[int, str], ...]


class IgnoreFileValidator:
    name = "ignore-files"

    def wants(self, path: str, head: str) -> bool:
        return posixpath.basename(path) in NAMES

    def read(self, source: SourceText) -> Iterable[object]:
        patterns = []
        for number, line in enumerate(split_lines(source.text), start=1):
            text = line.rstrip()
            if not text.strip() or (text.lstrip().startswith("#") and not text.startswith("#!include:")):
                continue
            reason = None if text.startswith("#!include:") else ignore_patterns.problem(ignore_patterns.normalize(text))
            if reason:  # left out, so no later reader trips on it
                yield problem("PF007", source.path, number, 1, f"ignore pattern `{ignore_patterns.shown(text)}` not used: {reason}")
                continue
            patterns.append((number, text))
        yield IgnoreFile(source.path, tuple(patterns))
