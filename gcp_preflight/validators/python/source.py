"""Python modules: parse each once with `ast`, hand the tree to every fact extractor.

Each rule family that needs facts from Python code has an extractor in its own folder: a
function `(tree, source) -> iterable of facts`, wired up in validators/__init__.py. The tree is
parsed once per file for all of them.
"""

from __future__ import annotations

import ast
import gc
import sys
import threading
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from gcp_preflight.facts import fact
from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.python import syntax_level, tree_index


@fact
@dataclass(slots=True, unsafe_hash=True)
class PythonModule:
    """A Python file that parsed."""

    path: str


Extractor = Callable[[ast.Module, SourceText], Iterable[object]]


# `a + b + c ...` or `x.f().g()...` nest one tree level per operator with no bracket (the parser
# limits brackets, not these), and turning the parser's tree into Python objects stops at 3x the
# recursion limit. Such a module is parsed again on a thread with a large stack and a raised
# limit: CPython 3.11 uses under 100 bytes of C stack per level, 256 are allowed for.
_DEEP_STACK = 256 * 1024 * 1024
_DEEP_LIMIT = _DEEP_STACK // (3 * 256)


def parse(source: SourceText) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes is not our finding
        try:
            return ast.parse(source.text, filename=source.path)
        except RecursionError:
            return _parse_deep(source)


def _parse_deep(source: SourceText) -> ast.Module:
    result: dict[str, object] = {}

    def run() -> None:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, _DEEP_LIMIT))  # the caller waits: no other code runs meanwhile
        try:
            result["tree"] = ast.parse(source.text, filename=source.path)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            result["error"] = exc
        finally:
            sys.setrecursionlimit(old)

    try:
        previous = threading.stack_size(_DEEP_STACK)
    except (ValueError, RuntimeError):  # no settable thread stack here: too deep to read
        raise RecursionError("too deeply nested to parse") from None
    try:
        thread = threading.Thread(target=run, name="preflight-deep-parse", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["tree"]  # type: ignore[return-value]


class PythonValidator:
    """Parses each Python file once and hands the tree to every family's extractor (the list
    is wired up in validators/__init__.py)."""

    name = "python"

    def __init__(self, extractors: Sequence[Extractor] = ()):
        self.extractors = tuple(extractors)

    def wants(self, path: str, head: str) -> bool:
        return path.endswith(".py") or (head.startswith("#!") and "python" in head)

    def read(self, source: SourceText) -> list[object]:
        # A parsed module is a large graph of objects without cycles, freed by reference counts:
        # the cyclic collector, triggered again and again by its allocations, only re-traverses
        # it (a fifth of the reading time on large modules). Paused while one file is read.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return list(self._read(source))
        finally:
            if collecting:
                gc.enable()

    def _read(self, source: SourceText) -> Iterable[object]:
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
        try:
            for extract in self.extractors:
                yield from extract(tree, source)
        finally:
            tree_index.release(tree)  # what the extractors shared for this file
