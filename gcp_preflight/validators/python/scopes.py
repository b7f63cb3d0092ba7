"""Python scopes: which nodes run in a function's own scope, what they bind, and the uses of a
function-local name that come before anything binds it (UnboundLocalError, PF504).

A name bound anywhere in a function (assignment, import, `for`, `with ... as`, `except ... as`,
`del`, `def`, `class`, a walrus, a match capture) is local to the whole function unless declared
`global` or `nonlocal`. A use of it that no binding can precede raises UnboundLocalError, even
when the module binds the same name (the FIELD-GUIDE's function-local `from datetime import
datetime` below an earlier `datetime.now()`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
import functools
from typing import Callable, Iterable, Iterator

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText, problem

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
LOOPS = (ast.For, ast.AsyncFor, ast.While)
# Handlers that make a NameError expected (the code probes whether the name is bound).
NAME_ERROR_CATCHERS = frozenset({"NameError", "UnboundLocalError", "Exception", "BaseException"})


@fact
@dataclass(frozen=True)
class PyUnboundUse:
    """A use of `name` in `function` before any statement of the function binds it; `binding` is
    the first binding (what makes the name local), `outer` the module's own binding if any."""

    path: str
    function: str
    name: str
    location: Location
    binding: Location
    binding_kind: str  # "import", "assignment", "loop variable", ...
    outer: Location | None


def location(path: str, node: ast.AST) -> Location:
    end = node.end_col_offset + 1 if node.end_col_offset is not None else None
    return Location(path, node.lineno, node.col_offset + 1, node.end_lineno, end)


def scope_nodes(body: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every node that runs in the scope owning `body`: nested functions and classes contribute
    only what runs at their definition (decorators, defaults, bases), comprehensions only their
    first iterable; annotations are left out (inside functions they never run)."""
    stack = list(body)[::-1]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(_same_scope_children(node))))


def _same_scope_children(node: ast.AST) -> Iterable[ast.AST]:
    if isinstance(node, FUNCTIONS):
        return [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
    if isinstance(node, ast.Lambda):
        return [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    if isinstance(node, COMPREHENSIONS):
        return [node.generators[0].iter]
    if isinstance(node, ast.AnnAssign):
        return [n for n in (node.target, node.value) if n is not None]
    if isinstance(node, ast.arg):
        return []
    return list(ast.iter_child_nodes(node))


def comprehension_walrus(node: ast.AST) -> Iterator[ast.NamedExpr]:
    """Walrus targets inside comprehensions bind in the enclosing function."""
    for comp in (n for n in ast.walk(node) if isinstance(n, COMPREHENSIONS)):
        for inner in ast.walk(comp):
            if isinstance(inner, ast.NamedExpr):
                yield inner


@dataclass(frozen=True)
class Binding:
    name: str
    node: ast.AST  # the node whose end is when the binding has happened
    kind: str
    target: ast.AST  # where the name is written


def bindings(body: list[ast.stmt]) -> tuple[list[Binding], set[str]]:
    """(bindings in the scope, names declared global or nonlocal)."""
    found: list[Binding] = []
    declared: set[str] = set()
    nodes = list(scope_nodes(body))
    comps = [n for n in nodes if isinstance(n, COMPREHENSIONS)]
    for node in nodes:
        found.extend(_bindings_of(node))
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
    for comp in comps:
        for walrus in comprehension_walrus(comp):
            if isinstance(walrus.target, ast.Name):
                found.append(Binding(walrus.target.id, walrus, "assignment", walrus.target))
    return found, declared


def _bindings_of(node: ast.AST) -> Iterator[Binding]:
    if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
        yield Binding(node.name, node, "definition", node)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            if alias.name != "*":
                name = alias.asname or alias.name.split(".")[0]
                yield Binding(name, node, "import", node)
    elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for name in _names(target):
                yield Binding(name.id, node, "assignment", name)
    elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
        yield Binding(node.target.id, node, "assignment", node.target)
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        for name in _names(node.target):
            yield Binding(name.id, node.iter, "loop variable", name)
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            for name in _names(item.optional_vars) if item.optional_vars is not None else ():
                yield Binding(name.id, item.context_expr, "with target", name)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        yield Binding(node.name, node.type or node, "except target", node)
    elif isinstance(node, ast.Delete):
        for target in node.targets:
            for name in _names(target):
                yield Binding(name.id, node, "del", name)
    elif type(node).__name__ in ("MatchAs", "MatchStar") and getattr(node, "name", None):
        yield Binding(node.name, node, "match capture", node)
    elif type(node).__name__ == "MatchMapping" and getattr(node, "rest", None):
        yield Binding(node.rest, node, "match capture", node)


def _names(target: ast.AST) -> Iterator[ast.Name]:
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _names(element)
    elif isinstance(target, ast.Starred):
        yield from _names(target.value)


def parameters(args: ast.arguments) -> list[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return [a.arg for a in every if a is not None]


def _start(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _end(node: ast.AST) -> tuple[int, int]:
    return node.end_lineno or node.lineno, node.end_col_offset or 0


def _inside(pos: tuple[int, int], node: ast.AST) -> bool:
    return _start(node) <= pos < _end(node)


def _catches_name_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "")) in NAME_ERROR_CATCHERS
               for t in types)


def _statement_of(nodes: list[ast.AST]) -> dict[int, ast.stmt]:
    """The innermost statement each expression node belongs to (a compound statement owns only
    its header: the test of an `if`, the iterable of a `for`)."""
    owner: dict[int, ast.stmt] = {}
    for stmt in nodes:
        if not isinstance(stmt, ast.stmt):
            continue
        stack = list(_same_scope_children(stmt))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.stmt, ast.ExceptHandler)) or type(node).__name__ == "match_case":
                continue
            owner[id(node)] = stmt
            stack.extend(_same_scope_children(node))
            if isinstance(node, COMPREHENSIONS):
                owner.update((id(walrus), stmt) for walrus in comprehension_walrus(node))
    return owner


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """(qualified name, node) of every function, however nested."""
    stack: list[tuple[str, ast.AST]] = [("", tree)]
    while stack:
        prefix, node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (*FUNCTIONS, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if isinstance(child, FUNCTIONS):
                    yield name, child
                stack.append((name + ".", child))
            else:
                stack.append((prefix, child))


def _module_bindings(tree: ast.Module) -> dict[str, ast.AST]:
    first: dict[str, ast.AST] = {}
    found, _ = bindings(tree.body)
    for b in found:
        first.setdefault(b.name, b.target)
    return first


def isolated(extract: Callable[[ast.Module, SourceText], Iterable[object]]):
    """A failure in one PF5xx extractor becomes a finding without losing the facts the other
    families read from the same file."""

    @functools.wraps(extract)
    def run(tree: ast.Module, source: SourceText) -> list[object]:
        try:
            return list(extract(tree, source))
        except RecursionError:
            return [problem("PF004", source.path, 1, 1, "too deeply nested for the project-aware Python reader")]
        except Exception as exc:  # noqa: BLE001 - reported, not swallowed
            return [problem("PF009", source.path, 1, 1,
                            f"internal error in the project-aware Python reader: {type(exc).__name__}: {exc}")]

    return run


@isolated
def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    path = source.path
    module_level = None
    for qualname, function in _functions(tree):
        found, declared = bindings(function.body)
        params = set(parameters(function.args))
        by_name: dict[str, list[Binding]] = {}
        for b in found:
            if b.name not in declared and b.name not in params:
                by_name.setdefault(b.name, []).append(b)
        if not by_name:
            continue
        nodes = list(scope_nodes(function.body))
        loops = [n for n in nodes if isinstance(n, LOOPS)]
        guards = [n for n in nodes if isinstance(n, ast.Try) and any(map(_catches_name_error, n.handlers))]
        statement = _statement_of(nodes)
        for node in nodes:
            if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)) or node.id not in by_name:
                continue
            here = _start(node)
            binds = by_name[node.id]
            if any(_end(b.node) <= here for b in binds):
                continue  # something may have bound it first
            if any(_inside(here, loop) and any(_inside(_start(b.target), loop) for b in binds) for loop in loops):
                continue  # an earlier iteration may have bound it
            if any(any(_inside(here, stmt) for stmt in guard.body) for guard in guards):
                continue  # the code expects the NameError
            if any(isinstance(b.node, ast.NamedExpr) and statement.get(id(b.node)) is statement.get(id(node))
                   for b in binds):
                continue  # `f(n) if (n := g()) else h`: evaluation order is not text order
            first = min(binds, key=lambda b: _start(b.target))
            if module_level is None:
                module_level = _module_bindings(tree)
            outer = module_level.get(node.id)
            yield PyUnboundUse(path, qualname, node.id, location(path, node), location(path, first.target),
                               first.kind, location(path, outer) if outer is not None else None)
