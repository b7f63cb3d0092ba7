"""Python name sources: the values of module constants, class attributes and dataclass fields,
kept as small expression trees that the names family resolves across modules (classes, their
bases and modules through rules/python/index.py).

Nothing is evaluated here: a value is recorded as written (literals, names, `A + B`, `sorted(A)`),
and anything else becomes an "unknown" node carrying the reason, so a later step can say what it
could not know instead of guessing.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.python.tree_index import tree_index

# Calls that keep the names of their single argument.
NAME_PRESERVING_CALLS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "reversed"})
# Binary operators over collections: + and | keep both sides, - and & filter.
OPERATORS = {ast.Add: "+", ast.BitOr: "|", ast.Sub: "-", ast.BitAnd: "&"}
EMPTY_FACTORIES = frozenset({"list", "tuple", "set", "frozenset", "dict"})
MAX_DOTTED = 64
# How deeply a value is followed: `A + B + C ...` nests one level per operator, and a chain of
# thousands (no bracket limits it) must neither exhaust the stack nor make a fact that deep.
MAX_DEPTH = 64


@fact(shared=("text",))
@dataclass(slots=True, unsafe_hash=True)
class Expr:
    """A value as written.

    kind: "str" (text = the string), "seq" (items = elements; text = list/tuple/set),
    "dict" (items = ((key, value), ...)), "ref" (text = a dotted name: NAME, alias.NAME, Cls.attr),
    "call" (text = list/set/sorted/..., or "keys"/"values"/"items" for D.keys(); items = (arg,)),
    "op" (text = + | - &; items = (left, right)), "other" (a literal that is not a string:
    numbers, None, booleans), "unknown" (text = why it cannot be known statically).
    """

    kind: str
    location: Location
    text: str = ""
    items: tuple = ()


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyNameBinding:
    """`symbol` is NAME for a module-level assignment, Class.attr for a class attribute or a
    dataclass field (its default, or the body of a default_factory lambda) or an attribute
    `__init__` sets on `self`, and func.NAME / Class.method.NAME for a function's local."""

    path: str
    symbol: str
    location: Location
    value: Expr
    # "" for a module or class body; "instance" for `self.X = ...` in `__init__` (it hides a
    # class-body value); "local" for an assignment inside a function (`func.NAME`,
    # `Class.method.NAME`), addressable as a source but never imported.
    scope: str = ""


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyLocalBinding(PyNameBinding):
    """A function's local (scope "local", symbol `func.NAME`): a type of its own, so that a run
    decodes a file's locals only when a name is looked up in that file (most are never asked
    for: 80% of the bindings, about 0.2 s to decode at the benchmark's scale 1)."""


@fact(shared=("alias", "module", "name"))
@dataclass(slots=True, unsafe_hash=True)
class PyImportName:
    """`from M import name as alias` (name set) or `import M as alias` (name empty).

    module: for an absolute import the dotted name; for a relative one the root-relative path
    of the module without extension (exact=True).
    """

    path: str
    alias: str
    module: str
    name: str
    exact: bool
    location: Location


def _loc(path: str, node: ast.AST) -> Location:
    end_column = node.end_col_offset + 1 if node.end_col_offset is not None else None
    return Location(path, node.lineno, node.col_offset + 1, node.end_lineno, end_column)


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a name or attribute chain; None for anything else, or for a chain longer
    than MAX_DOTTED parts (no one writes such a name; reading one must stay cheap)."""
    parts = []
    while isinstance(node, ast.Attribute):
        if len(parts) >= MAX_DOTTED:
            return None
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _unknown(path: str, node: ast.AST, why: str) -> Expr:
    return Expr("unknown", _loc(path, node), why)


_DESCRIBE = {
    ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string", ast.Subscript: "a subscript", ast.IfExp: "a conditional expression",
    ast.Lambda: "a lambda", ast.Starred: "a starred expression",
    ast.Attribute: "an attribute of a computed value",
}


def to_expr(path: str, node: ast.AST, depth: int = 0) -> Expr:
    """The value of an expression node as an Expr tree."""
    loc = _loc(path, node)
    if depth >= MAX_DEPTH:
        return _unknown(path, node, "a value nested this deeply is not followed")
    depth += 1
    if isinstance(node, ast.Constant):
        return Expr("str", loc, node.value) if isinstance(node.value, str) else Expr("other", loc, repr(node.value)[:40])
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        kind = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}[type(node)]
        return Expr("seq", loc, kind, tuple([to_expr(path, e, depth) for e in node.elts]))
    if isinstance(node, ast.Dict):
        pairs = []
        for key, value in zip(node.keys, node.values):
            if key is None:  # {**OTHER}: the other dict's entries
                pairs.append((Expr("splat", loc), to_expr(path, value, depth)))
            else:
                pairs.append((to_expr(path, key, depth), to_expr(path, value, depth)))
        return Expr("dict", loc, "dict", tuple(pairs))
    name = dotted(node)
    if name is not None:
        return Expr("ref", loc, name)
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return Expr("op", loc, OPERATORS[type(node.op)], (to_expr(path, node.left, depth),
                                                          to_expr(path, node.right, depth)))
    if isinstance(node, ast.Call):
        return _call(path, node, loc, depth)
    what = _DESCRIBE.get(type(node), f"a {type(node).__name__} expression")
    return _unknown(path, node, f"{what} is not statically known")


def _call(path: str, node: ast.Call, loc: Location, depth: int) -> Expr:
    func = node.func
    if isinstance(func, ast.Name) and func.id in NAME_PRESERVING_CALLS and not node.keywords:
        if not node.args:
            return Expr("seq", loc, func.id)
        if len(node.args) == 1:
            return Expr("call", loc, func.id, (to_expr(path, node.args[0], depth),))
    if isinstance(func, ast.Attribute) and not node.args and not node.keywords:
        if func.attr in ("keys", "values", "items", "copy"):
            return Expr("call", loc, func.attr, (to_expr(path, func.value, depth),))
    shown = dotted(func) or "a call"
    return _unknown(path, node, f"the result of {shown}(...) is not statically known")


def _field_default(path: str, call: ast.Call) -> Expr | None:
    """The default of `field(default=...)` / `field(default_factory=...)`, or None if neither."""
    for kw in call.keywords:
        if kw.arg == "default":
            return to_expr(path, kw.value)
        if kw.arg == "default_factory":
            factory = kw.value
            if isinstance(factory, ast.Lambda):
                return to_expr(path, factory.body)
            if isinstance(factory, ast.Name) and factory.id in EMPTY_FACTORIES:
                return Expr("seq", _loc(path, factory), factory.id)
            if isinstance(factory, ast.Attribute) and factory.attr == "copy":
                return to_expr(path, factory.value)
            return _unknown(path, factory, "a default_factory that is not a lambda is not statically known")
    return None


def _is_field_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and (dotted(node.func) or "").split(".")[-1] == "field"


def _value(path: str, node: ast.AST) -> Expr | None:
    if _is_field_call(node):
        return _field_default(path, node)
    return to_expr(path, node)


def _targets(stmt: ast.stmt) -> tuple[list[ast.AST], ast.AST | None]:
    if isinstance(stmt, ast.Assign):
        return stmt.targets, stmt.value
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        return [stmt.target], stmt.value
    return [], None


def flat(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """Statements of a block, including those inside its if/try/with blocks (a fallback list is
    often assigned in `except ImportError:`), but not inside functions or classes."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With)) or type(stmt).__name__ == "TryStar":
            for block in ("body", "orelse", "finalbody"):
                yield from flat(getattr(stmt, block, []))
            for handler in getattr(stmt, "handlers", []):
                yield from flat(handler.body)


def _bindings(path: str, body: list[ast.stmt], prefix: str) -> Iterable[PyNameBinding]:
    for stmt in flat(body):
        targets, value = _targets(stmt)
        for target in targets:
            if isinstance(target, ast.Name):
                expr = _value(path, value)
                if expr is not None:
                    yield PyNameBinding(path, prefix + target.id, _loc(path, target), expr)


def module_path(path: str) -> str:
    """The root-relative path of a module without its extension (pkg/__init__.py -> pkg)."""
    stem = path[:-3] if path.endswith(".py") else path
    return stem[: -len("/__init__")] if stem.endswith("/__init__") else stem


def _relative_base(path: str, level: int) -> str:
    package = posixpath.dirname(path)  # a module's package is its folder, __init__ included
    for _ in range(level - 1):
        package = posixpath.dirname(package)
    return package


def _imports(path: str, tree: ast.Module) -> Iterable[PyImportName]:
    for node in flat(tree.body):  # module level only: constants are imported at the top
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield PyImportName(path, alias.asname or alias.name.split(".")[0],
                                   alias.name if alias.asname else alias.name.split(".")[0], "", False,
                                   _loc(path, node))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _relative_base(path, node.level)
                module = "/".join(p for p in (base, (node.module or "").replace(".", "/")) if p)
                exact = True
            else:
                module, exact = node.module or "", False
            for alias in node.names:
                if alias.name != "*":
                    yield PyImportName(path, alias.asname or alias.name, module, alias.name, exact, _loc(path, node))


@fact(shared=("callee",))
@dataclass(slots=True, unsafe_hash=True)
class PyCallArgs:
    """A call with string literals among its arguments: `get_path("key")`,
    `registry.register(Cls, "tag")`. args: (position, keyword, text, location) per string
    literal; position -1 for a keyword argument, keyword "" for a positional one."""

    path: str
    callee: str  # dotted, as written
    location: Location
    args: tuple[tuple[int, str, str, Location], ...]


# Calls whose string arguments are messages or text operations, never registered names: not
# recorded, so the facts stay small.
NOISE_CALLS = frozenset({
    "print", "debug", "info", "warning", "warn", "error", "exception", "critical", "log", "format",
    "join", "split", "rsplit", "strip", "lstrip", "rstrip", "replace", "startswith", "endswith", "encode",
    "decode", "strftime", "strptime", "compile", "match", "search", "sub", "fullmatch", "findall",
})
MAX_NAME = 200  # a longer literal is a message or a query, not a name


def _call_args(path: str, tree: ast.Module) -> Iterable[PyCallArgs]:
    for node in tree_index(tree).calls:  # the calls one shared walk collected
        callee = dotted(node.func)
        if callee is None or callee.rsplit(".", 1)[-1] in NOISE_CALLS:
            continue
        args = [(i, "", a.value, _loc(path, a)) for i, a in enumerate(node.args) if _name_literal(a)]
        args += [(-1, k.arg, k.value.value, _loc(path, k.value)) for k in node.keywords
                 if k.arg and _name_literal(k.value)]
        if args:
            yield PyCallArgs(path, callee, _loc(path, node), tuple(args))


def _name_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) <= MAX_NAME


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _local_names(func: ast.AST) -> set[str]:
    """Parameters and names assigned in a function: a value naming one of them is not a constant."""
    args = func.args
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    for stmt in flat(func.body):
        targets, _ = _targets(stmt)
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _instance_bindings(path: str, cls: ast.ClassDef) -> Iterable[PyNameBinding]:
    """`self.X = "literal"` (or a module constant) in `__init__`: the class's X as instances see
    it. A parameter or a local is run-time data, not a name the class declares."""
    for func in cls.body:
        if not isinstance(func, FUNCTIONS) or func.name != "__init__" or not func.args.args:
            continue
        me, local = func.args.args[0].arg, _local_names(func)
        for stmt in flat(func.body):
            targets, value = _targets(stmt)
            for target in targets:
                if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == me):
                    continue
                expr = to_expr(path, value)
                if expr.kind == "str" or (expr.kind == "ref" and expr.text.split(".")[0] not in local):
                    yield PyNameBinding(path, f"{cls.name}.{target.attr}", _loc(path, target), expr, "instance")


def _function_bindings(path: str, func: ast.AST, prefix: str) -> Iterable[PyLocalBinding]:
    """A function's local constants (`processor_map = {...}` in a handler), as `prefix.NAME`."""
    for binding in _bindings(path, func.body, prefix + func.name + "."):
        yield PyLocalBinding(binding.path, binding.symbol, binding.location, binding.value, "local")


def extract_names(tree: ast.Module, source: SourceText) -> Iterable[object]:
    path = source.path
    yield from _imports(path, tree)
    yield from _bindings(path, tree.body, "")
    yield from _call_args(path, tree)
    for node in flat(tree.body):
        if isinstance(node, ast.ClassDef):  # the class itself is python_classes' PyClass
            yield from _bindings(path, node.body, node.name + ".")
            yield from _instance_bindings(path, node)
            for method in node.body:
                if isinstance(method, FUNCTIONS):
                    yield from _function_bindings(path, method, node.name + ".")
        elif isinstance(node, FUNCTIONS):
            yield from _function_bindings(path, node, "")
