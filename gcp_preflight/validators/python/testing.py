"""Test modules that pytest skips as a whole: nothing in them runs, so nothing is reported there.

Read from the module's top-level statements only (one pass over them, not the whole tree):
`pytestmark = pytest.mark.skip(...)` (also `skipif(True, ...)`, in a list), and
`pytest.skip(..., allow_module_level=True)`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.validators.base import SourceText


@fact
@dataclass(slots=True, unsafe_hash=True)
class SkippedModule:
    path: str
    line: int  # where the skip is declared


def _is_skip_mark(node: ast.expr) -> bool:
    """`pytest.mark.skip`, `pytest.mark.skip(...)`, `pytest.mark.skipif(True, ...)`."""
    call = node if isinstance(node, ast.Call) else None
    target = call.func if call else node
    if not (isinstance(target, ast.Attribute) and target.attr in ("skip", "skipif")):
        return False
    mark = target.value
    if not (isinstance(mark, ast.Attribute) and mark.attr == "mark" and isinstance(mark.value, ast.Name)
            and mark.value.id == "pytest"):
        return False
    if target.attr == "skipif":  # only a condition that is certainly true
        return bool(call and call.args and isinstance(call.args[0], ast.Constant) and call.args[0].value is True)
    return True


def _module_skip(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                 for t in statement.targets):
        value = statement.value
        marks = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        return any(_is_skip_mark(m) for m in marks)
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        return (isinstance(call.func, ast.Attribute) and call.func.attr == "skip"
                and isinstance(call.func.value, ast.Name) and call.func.value.id == "pytest"
                and any(k.arg == "allow_module_level" and isinstance(k.value, ast.Constant) and k.value.value is True
                        for k in call.keywords))
    return False


def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    if "pytest" not in source.text:
        return
    for statement in tree.body:
        if _module_skip(statement):
            yield SkippedModule(source.path, statement.lineno)
            return
