"""Which lists, sets and maps of names a module assigns (module level and class bodies), read
with the one parse of the file for `preflight init` (layout.py): init proposes the names
family's configuration from them, and re-parsing every module for it cost as much as a check.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.validators.base import SourceText

NAME_WORDS = ("processor", "scraper", "phase", "expected", "required", "optional", "workflow")
MAP_SUFFIXES = ("_MAP", "_MAPPING", "_REGISTRY", "_ROUTES", "_TABLE")


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyNameLists:
    path: str
    names: str  # "REQUIRED_SCRAPERS, OPTIONAL_SCRAPERS": in the order assigned


def _strings(node: ast.AST) -> int:
    """How many string literals a list/tuple/set literal (or frozenset/set/list/tuple call of one) holds."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args and \
            node.func.id in ("frozenset", "set", "list", "tuple"):
        node = node.args[0]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return sum(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
    return 0


def _factory(node: ast.AST) -> ast.AST:
    """`field(default_factory=lambda: [...])` -> the list."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "field":
        for kw in node.keywords:
            if kw.arg == "default_factory" and isinstance(kw.value, ast.Lambda):
                return kw.value.body
    return node


def _assigned(body, prefix: str = ""):
    for stmt in body:
        if isinstance(stmt, ast.Assign) and stmt.value is not None:
            targets = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
            targets = [stmt.target.id]
        elif isinstance(stmt, ast.ClassDef) and not prefix:
            yield from _assigned(stmt.body, stmt.name + ".")
            continue
        else:
            continue
        for name in targets:
            yield prefix + name, _factory(stmt.value)


def name_lists(tree: ast.Module) -> list[str]:
    found = []
    for name, value in _assigned(tree.body):
        short = name.rsplit(".", 1)[-1]
        if _strings(value) and any(w in short.lower() for w in NAME_WORDS):
            found.append(name)
        elif isinstance(value, ast.Dict) and short.upper().endswith(MAP_SUFFIXES) and any(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys):
            found.append(name)
    return found


def extract(tree: ast.Module, source: SourceText) -> Iterable[PyNameLists]:
    if not source.path.endswith(".py"):
        return
    lowered = source.text.lower()
    if not any(w in lowered for w in NAME_WORDS):
        return
    names = name_lists(tree)
    if names:
        yield PyNameLists(source.path, ", ".join(names))
