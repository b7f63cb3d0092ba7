"""`.gcloudignore` and `.dockerignore`: the patterns of files a deploy does not upload or copy."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.lines import split_lines
from gcp_preflight.validators.base import SourceText

NAMES = (".gcloudignore", ".dockerignore")


@fact
@dataclass(frozen=True)
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
            if text.strip() and (not text.lstrip().startswith("#") or text.startswith("#!include:")):
                patterns.append((number, text))
        yield IgnoreFile(source.path, tuple(patterns))
