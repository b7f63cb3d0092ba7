"""Python modules: parse each once with `ast`, hand the tree to every fact extractor.

Each rule family that needs facts from Python code has an extractor in its own folder: a
function `(tree, source) -> iterable of facts`, wired up in validators/__init__.py. The tree is
parsed once per file for all of them.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from gcp_preflight.facts import fact
from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.python import syntax_level


@fact
@dataclass(frozen=True)
class PythonModule:
    """A Python file that parsed."""

    path: str


Extractor = Callable[[ast.Module, SourceText], Iterable[object]]


def parse(source: SourceText) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes is not our finding
        return ast.parse(source.text, filename=source.path)


class PythonValidator:
    """Parses each Python file once and hands the tree to every family's extractor (the list
    is wired up in validators/__init__.py)."""

    name = "python"

    def __init__(self, extractors: Sequence[Extractor] = ()):
        self.extractors = tuple(extractors)

    def wants(self, path: str, head: str) -> bool:
        return path.endswith(".py") or (head.startswith("#!") and "python" in head)

    def read(self, source: SourceText) -> Iterable[object]:
        # Constructs newer than the oldest supported host's grammar are rewritten before parsing,
        # so every host from 3.10 on parses the same text and yields the same facts.
        spans, _ = syntax_level.scan(source.text)
        try:
            tree = parse(SourceText(source.path, syntax_level.neutralize(source.text, spans)) if spans else source)
        except SyntaxError as exc:
            message = exc.msg or "invalid syntax"
            yield problem("PF002", source.path, exc.lineno or 1, exc.offset or 1, f"syntax error: {message}")
            return
        except (ValueError, MemoryError) as exc:
            yield problem("PF004", source.path, 1, 1, f"cannot parse: {exc}")
            return
        yield PythonModule(source.path)
        yield from syntax_level.features(source.path, source.text, spans)
        for extract in self.extractors:
            yield from extract(tree, source)
