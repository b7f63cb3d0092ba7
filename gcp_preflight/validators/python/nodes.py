"""Reading a parsed module's nodes fast: the children of a node, a breadth-first walk, the
statements in a node's blocks. The context and operator markers (`Load`, `Add`), which `ast`
yields as nodes too, are left out: no reader asks for them.
"""

from __future__ import annotations

import ast

_AST = ast.AST
# Fields that never hold a node worth visiting: names, constants, and the load/store/operator
# markers (`ast.walk` yields those too, but no extractor asks for them).
_LEAF_FIELDS = frozenset({"id", "attr", "arg", "name", "asname", "module", "level", "kind", "type_comment", "ctx",
                          "op", "ops", "conversion", "is_async", "simple", "tag", "rest"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(f for f in kind._fields if f not in _LEAF_FIELDS
                                       and not (kind is ast.Constant and f == "value"))
    return fields


def _generic(node: ast.AST) -> list[ast.AST]:
    fields = _FIELDS.get(node.__class__)
    if fields is None:
        fields = _fields(node.__class__)
    out: list[ast.AST] = []
    for field in fields:
        value = getattr(node, field)
        if value.__class__ is list:
            out += [v for v in value if isinstance(v, _AST)]
        elif isinstance(value, _AST):
            out.append(value)
    return out


def _optional(node: ast.AST | None) -> list[ast.AST]:
    return [node] if node is not None else []


# The commonest kinds, spelled out (same nodes, same order as the generic reading of their
# fields); names and constants, half of all nodes, have none.
_CHILDREN = {
    ast.Name: lambda n: [], ast.Constant: lambda n: [],
    ast.Attribute: lambda n: [n.value],
    ast.Call: lambda n: [n.func, *n.args, *n.keywords],
    ast.Assign: lambda n: [*n.targets, n.value],
    ast.Expr: lambda n: [n.value],
    ast.FormattedValue: lambda n: [n.value] if n.format_spec is None else [n.value, n.format_spec],
    ast.Subscript: lambda n: [n.value, n.slice],
    ast.keyword: lambda n: [n.value],
    ast.JoinedStr: lambda n: list(n.values),
    ast.arg: lambda n: _optional(n.annotation),
    ast.Compare: lambda n: [n.left, *n.comparators],
    ast.Return: lambda n: _optional(n.value),
    ast.BinOp: lambda n: [n.left, n.right],
    ast.List: lambda n: list(n.elts), ast.Tuple: lambda n: list(n.elts),
}
LEAVES = frozenset({ast.Name, ast.Constant})  # kinds without children, for walkers to pass over


def children(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes` without the context and operator markers."""
    special = _CHILDREN.get(node.__class__)
    return special(node) if special is not None else _generic(node)


_BLOCKS = ("body", "handlers", "orelse", "finalbody", "cases")
_BLOCK_FIELDS: dict[type, tuple[str, ...]] = {}


def statements_in(node: ast.AST) -> list[ast.AST]:
    """The statements (handlers, match cases) directly in a node's blocks, in field order: the
    children of a node that can hold a statement."""
    fields = _BLOCK_FIELDS.get(node.__class__)
    if fields is None:
        fields = _BLOCK_FIELDS[node.__class__] = tuple(f for f in node.__class__._fields if f in _BLOCKS)
    return [child for field in fields for child in getattr(node, field)]


def walk(node: ast.AST) -> list[ast.AST]:
    """The nodes under `node` (itself first) in `ast.walk` order, without the context and
    operator markers."""
    todo = [node]
    extend = todo.extend
    for current in todo:  # a list read while it grows: breadth first, as ast.walk's queue
        if current.__class__ not in LEAVES:
            extend(children(current))
    return todo
