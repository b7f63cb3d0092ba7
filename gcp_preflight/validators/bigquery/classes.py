"""What each class of one module defines, as `self.X` in its methods (or a subclass's) would see it.

Class attributes (the class body, in order), properties and methods with their single return
value, and instance attributes assigned with `self.X = ...` in the methods. The values are
those the function walk of bigquery/python.py computed: strings built from constants keep their
pieces (so `f"{self.project_id}.{self.dataset_id}.{self.table_name}"` stays resolvable per
subclass in rules/bigquery/classes.py), other values keep their kind (a list, a date...).
"""

from __future__ import annotations

import ast
from typing import Iterable

from gcp_preflight.validators.bigquery.facts import BqAttr, BqClass, Piece
from gcp_preflight.validators.bigquery.values import AParam, _is_text, _kind, _text_pieces, dotted

_PROPERTIES = frozenset({"property", "cached_property", "functools.cached_property", "functools.cache"})


def decorator_names(node: ast.AST) -> set[str]:
    names = set()
    for dec in getattr(node, "decorator_list", ()):
        while isinstance(dec, ast.Call):
            dec = dec.func
        names.add(dotted(dec))
    return names


def _classes(tree: ast.Module) -> Iterable[tuple[str, ast.ClassDef]]:
    """Every class with its qualified name, as _functions in bigquery/python.py names methods."""
    def visit(body, prefix):
        for node in body:
            if isinstance(node, ast.ClassDef):
                yield f"{prefix}{node.name}", node
                yield from visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from visit(node.body, f"{prefix}{node.name}.")
    yield from visit(tree.body, "")


def _attr(ctx, name: str, how: str, node: ast.AST, value: object, owner: str, line: int = 0) -> BqAttr:
    """One attribute from its abstract value; `owner` (a class or method) is named in the reasons."""
    source = ctx.text(node)
    line = line or node.lineno
    verb = "returns" if how in ("property", "method") else "sets it to"
    if isinstance(value, AParam) or not _is_text(value):
        kind = "unknown" if isinstance(value, AParam) else _kind(value)
        why = f"{owner} {verb} `{source}`, known only at run time" if kind in ("unknown", "self-attr", "converted") \
            else f"{owner} {verb} a {kind} (`{source}`)"
        return BqAttr(name, how, line, kind, None, why, source)
    pieces = tuple(Piece("unknown", f"the `{p.value}` argument of {owner}") if p.kind == "param" else p
                   for p in _text_pieces(value))
    return BqAttr(name, how, line, _kind(value), pieces, "", source)


def class_facts(ctx, tree: ast.Module, walks: dict, walker_type) -> list[BqClass]:
    """`walks`: qualified method name -> the FunctionWalk that already ran over its body."""
    out = []
    for qualname, cls in _classes(tree):
        short = qualname.rsplit(".", 1)[-1]
        body_walk = walker_type(ctx, qualname, ())
        attrs: dict[str, BqAttr] = {}
        assigned: dict[str, list[tuple[str, object, ast.AST]]] = {}
        for stmt in cls.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                value = body_walk.eval(stmt.value)
                for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                    if isinstance(target, ast.Name):
                        body_walk.env[target.id] = value
                        attrs[target.id] = _attr(ctx, target.id, "class", stmt.value, value, f"class {short}")
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                walk = walks.get(f"{qualname}.{stmt.name}")
                if walk is None:
                    continue
                how = "property" if decorator_names(stmt) & _PROPERTIES else "method"
                attrs[stmt.name] = _returned(ctx, stmt, how, walk, f"`{short}.{stmt.name}()`")
                for attr, value, node in walk.self_assigned:
                    assigned.setdefault(attr, []).append((stmt.name, value, node))
        instance = tuple(_instance(ctx, attr, short, sets) for attr, sets in assigned.items())
        bases = tuple(dotted(b) for b in cls.bases)
        out.append(BqClass(ctx.path, qualname, cls.lineno, bases, (*attrs.values(), *instance)))
    return out


def _returned(ctx, node: ast.AST, how: str, walk, name: str) -> BqAttr:
    """A property or method: what its only return statement returns."""
    if len(walk.returns) == 1:
        # The walk met every return statement of the body (nested functions and classes aside).
        returned = walk.return_nodes[0].value
        expr = returned if returned is not None else node
        return _attr(ctx, node.name, how, expr, walk.returns[0], name, node.lineno)
    count = len(walk.returns)
    return BqAttr(node.name, how, node.lineno, "unknown", None,
                  f"{name} has {count or 'no'} return statement{'' if count == 1 else 's'}")


def _instance(ctx, attr: str, cls: str, sets: list) -> BqAttr:
    """`self.X = ...`: known only when assigned exactly once, in __init__."""
    method, value, node = sets[0]
    elsewhere = sorted({m for m, _, _ in sets if m != "__init__"})
    if elsewhere:
        return BqAttr(attr, "instance", node.lineno, "unknown", None,
                      f"assigned in `{cls}.{elsewhere[0]}()`, not only in __init__")
    if len(sets) > 1:
        return BqAttr(attr, "instance", node.lineno, "unknown", None,
                      f"assigned {len(sets)} times in `{cls}.__init__()`")
    return _attr(ctx, attr, "instance", node, value, f"`{cls}.__init__()`")
