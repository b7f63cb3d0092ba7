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
import bisect
import functools
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, NamedTuple

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.python.flow import Extents, MayBound
from gcp_preflight.validators.python.nodes import children, statements_in
from gcp_preflight.validators.python.tree_index import COMPREHENSIONS, FUNCTIONS, SAME_SCOPE, TreeIndex, tree_index

LOOPS = (ast.For, ast.AsyncFor, ast.While)
# Handlers that make a NameError expected (the code probes whether the name is bound).
NAME_ERROR_CATCHERS = frozenset({"NameError", "UnboundLocalError", "Exception", "BaseException"})


@fact
@dataclass(slots=True, unsafe_hash=True)
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
    branch: bool = False  # after a binding in the text, but on a path that no binding reaches


def location(path: str, node: ast.AST) -> Location:
    end = node.end_col_offset + 1 if node.end_col_offset is not None else None
    return Location(path, node.lineno, node.col_offset + 1, node.end_lineno, end)


def _same_scope_children(node: ast.AST) -> list[ast.AST]:
    special = SAME_SCOPE.get(type(node))
    return special(node) if special is not None else children(node)


def comprehension_walrus(node: ast.AST, index: TreeIndex) -> Iterator[ast.NamedExpr]:
    """Walrus targets inside comprehensions bind in the enclosing function (each once, in
    `ast.walk` order). Only the paths that lead to a walrus are walked."""
    leads = index.walrus_paths()
    if id(node) not in leads:
        return
    todo = [node]
    for current in todo:
        if isinstance(current, ast.NamedExpr):
            yield current
        todo.extend(child for child in ast.iter_child_nodes(current) if id(child) in leads)


class Binding(NamedTuple):
    name: str
    node: ast.AST  # the node whose end is when the binding has happened
    kind: str
    target: ast.AST  # where the name is written


def bindings(body: list[ast.stmt], index: TreeIndex | None = None) -> tuple[list[Binding], set[str]]:
    """(bindings in the scope, names declared global or nonlocal), computed once per scope."""
    index = index or TreeIndex(ast.Module(body=list(body), type_ignores=[]))
    return index.cached(body, "bindings", lambda: _bindings(body, index))


def scope_list(body: list[ast.stmt], index: TreeIndex) -> list[ast.AST]:
    """The nodes the readers look at in the scope owning `body` (tree_index.scope_nodes)."""
    return index.scope_nodes(body)


def _bindings(body: list[ast.stmt], index: TreeIndex) -> tuple[list[Binding], set[str]]:
    found: list[Binding] = []
    declared: set[str] = set()
    nodes = scope_list(body, index)
    binders = _BINDERS.get
    for node in nodes:
        binder = binders(type(node))
        if binder is not None:
            found.extend(binder(node))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
    if index.walruses:
        # A walrus in a comprehension binds here once, however many comprehensions enclose it
        # (one in a comprehension's first iterable is already among the scope's own nodes).
        seen = {id(n) for n in nodes if isinstance(n, ast.NamedExpr)}
        for comp in (n for n in nodes if isinstance(n, COMPREHENSIONS)):
            for walrus in comprehension_walrus(comp, index):
                if isinstance(walrus.target, ast.Name) and id(walrus) not in seen:
                    seen.add(id(walrus))
                    found.append(Binding(walrus.target.id, walrus, "assignment", walrus.target))
    return found, declared


def _definition(node) -> Iterator[Binding]:
    yield Binding(node.name, node, "definition", node)


def _import(node) -> Iterator[Binding]:
    for alias in node.names:
        if alias.name != "*":
            yield Binding(alias.asname or alias.name.split(".")[0], node, "import", node)


def _assignment(node) -> Iterator[Binding]:
    for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
        for name in _names(target):
            yield Binding(name.id, node, "assignment", name)


def _walrus(node) -> Iterator[Binding]:
    if isinstance(node.target, ast.Name):
        yield Binding(node.target.id, node, "assignment", node.target)


def _loop(node) -> Iterator[Binding]:
    for name in _names(node.target):
        yield Binding(name.id, node.iter, "loop variable", name)


def _with(node) -> Iterator[Binding]:
    for item in node.items:
        for name in _names(item.optional_vars) if item.optional_vars is not None else ():
            yield Binding(name.id, item.context_expr, "with target", name)


def _except(node) -> Iterator[Binding]:
    if node.name:
        yield Binding(node.name, node.type or node, "except target", node)


def _delete(node) -> Iterator[Binding]:
    for target in node.targets:
        for name in _names(target):
            yield Binding(name.id, node, "del", name)


def _capture(node) -> Iterator[Binding]:
    name = node.rest if isinstance(node, ast.MatchMapping) else node.name
    if name:
        yield Binding(name, node, "match capture", node)


# The nodes that bind names, by type (most nodes bind nothing and are passed over at once).
_BINDERS = {
    ast.FunctionDef: _definition, ast.AsyncFunctionDef: _definition, ast.ClassDef: _definition,
    ast.Import: _import, ast.ImportFrom: _import,
    ast.Assign: _assignment, ast.AugAssign: _assignment, ast.AnnAssign: _assignment,
    ast.NamedExpr: _walrus, ast.For: _loop, ast.AsyncFor: _loop, ast.With: _with, ast.AsyncWith: _with,
    ast.ExceptHandler: _except, ast.Delete: _delete,
    ast.MatchAs: _capture, ast.MatchStar: _capture, ast.MatchMapping: _capture,
}


def _bindings_of(node: ast.AST) -> Iterator[Binding]:
    binder = _BINDERS.get(type(node))
    return binder(node) if binder is not None else iter(())


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


def _statement_of(nodes: list[ast.AST], index: TreeIndex) -> dict[int, ast.stmt]:
    """The innermost statement each expression node belongs to (a compound statement owns only
    its header: the test of an `if`, the iterable of a `for`)."""
    owner: dict[int, ast.stmt] = {}
    for stmt in nodes:
        if not isinstance(stmt, ast.stmt):
            continue
        stack = list(_same_scope_children(stmt))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.stmt, ast.ExceptHandler, ast.match_case)):
                continue
            owner[id(node)] = stmt
            stack.extend(_same_scope_children(node))
            if isinstance(node, COMPREHENSIONS):
                owner.update((id(walrus), stmt) for walrus in comprehension_walrus(node, index))
    return owner


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """(qualified name, node) of every function, however nested."""
    stack: list[tuple[str, ast.AST]] = [("", tree)]
    while stack:
        prefix, node = stack.pop()
        for child in statements_in(node):
            if isinstance(child, (*FUNCTIONS, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if isinstance(child, FUNCTIONS):
                    yield name, child
                stack.append((name + ".", child))
            else:
                stack.append((prefix, child))


def _module_bindings(tree: ast.Module, index: TreeIndex) -> dict[str, ast.AST]:
    first: dict[str, ast.AST] = {}
    found, _ = bindings(tree.body, index)
    for b in found:
        first.setdefault(b.name, b.target)
    return first


class Intervals:
    """A union of [start, end) position intervals, asked whether it holds a position in
    O(log n) (the readers asked every interval for every name)."""

    def __init__(self, spans: Iterable[tuple[tuple[int, int], tuple[int, int]]]):
        # Kept apart when they only touch, so `around` gives one outermost loop, never two.
        self.starts: list[tuple[int, int]] = []
        self.ends: list[tuple[int, int]] = []
        for start, end in sorted(s for s in spans if s[0] < s[1]):
            if self.ends and start < self.ends[-1]:  # overlapping: nested (loops, blocks nest)
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def __contains__(self, pos: tuple[int, int]) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def around(self, pos: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The merged interval holding `pos`."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return (self.starts[i], self.ends[i]) if i >= 0 and pos < self.ends[i] else None


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


class _Names:
    """The bindings of one function's local names, with what the checks of a use ask of them."""

    def __init__(self, binds: list[Binding]):
        self.binds = binds
        self.first_end = min(_end(b.node) for b in binds)
        self._targets: list[tuple[int, int]] | None = None
        self.walrus_statements: list[int | None] | None = None
        self.top_end: tuple | None = None  # where the first binding by a statement of the body ends

    @functools.cached_property
    def first(self) -> Binding:
        return min(self.binds, key=lambda b: _start(b.target))

    def bound_inside(self, span: tuple[tuple[int, int], tuple[int, int]]) -> bool:
        if self._targets is None:
            self._targets = sorted(_start(b.target) for b in self.binds)
        i = bisect.bisect_left(self._targets, span[0])
        return i < len(self._targets) and self._targets[i] < span[1]


@isolated
def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    path = source.path
    index = tree_index(tree)
    module_level = None
    for qualname, function in _functions(tree):
        found, declared = bindings(function.body, index)
        params = set(parameters(function.args))
        grouped: dict[str, list[Binding]] = {}
        for b in found:
            if b.name not in declared and b.name not in params:
                grouped.setdefault(b.name, []).append(b)
        if not grouped:
            continue
        by_name: dict[str, _Names] = {}  # built for the names used
        nodes = scope_list(function.body, index)
        loops = guards = statement = None  # built on the first use that precedes every binding
        late: list[tuple[ast.Name, _Names]] = []  # uses after a binding in the text: checked by flow
        top: set[int] | None = None
        for node in nodes:
            if node.__class__ is not ast.Name or node.id not in grouped:  # (only names read are listed)
                continue
            here = node.lineno, node.col_offset
            names = by_name.get(node.id)
            if names is None:
                names = by_name[node.id] = _Names(grouped[node.id])
            if names.first_end <= here:
                if names.top_end is None:
                    if top is None:
                        top = {id(stmt) for stmt in function.body}
                    ends = [_end(b.node) for b in names.binds if id(b.node) in top]
                    names.top_end = min(ends) if ends else _NEVER
                if here < names.top_end:  # (after a binding by a statement of the body: bound)
                    late.append((node, names))  # bound first only if the path passes a binding
                continue
            if loops is None:
                # Loops nest, so the outermost loop around a use holds every loop around it.
                loops = Intervals((_start(n), _end(n)) for n in nodes if isinstance(n, LOOPS))
                guards = Intervals((_start(stmt), _end(stmt)) for n in nodes
                                    if isinstance(n, ast.Try) and any(map(_catches_name_error, n.handlers))
                                    for stmt in n.body)
                statement = _statement_of(nodes, index)
            loop = loops.around(here)
            if loop is not None and names.bound_inside(loop):
                continue  # an earlier iteration may have bound it
            if here in guards:
                continue  # the code expects the NameError
            if names.walrus_statements is None:
                names.walrus_statements = [statement.get(id(b.node)) for b in names.binds
                                           if isinstance(b.node, ast.NamedExpr)]
            owner = statement.get(id(node))
            if any(s is owner for s in names.walrus_statements):
                continue  # `f(n) if (n := g()) else h`: evaluation order is not text order
            first = names.first
            if module_level is None:
                module_level = _module_bindings(tree, index)
            outer = module_level.get(node.id)
            yield PyUnboundUse(path, qualname, node.id, location(path, node), location(path, first.target),
                               first.kind, location(path, outer) if outer is not None else None)
        if late:
            late = _not_dominated(function, nodes, late)
        if late:
            if module_level is None:
                module_level = _module_bindings(tree, index)
            yield from _unbound_on_every_path(path, qualname, function, nodes, index, late, module_level)


_NEVER = (float("inf"), 0)
_BLOCK_FIELDS = ("body", "orelse", "finalbody")
_STATEMENTS = frozenset({*ast.stmt.__subclasses__(), ast.ExceptHandler})


class _Innermost:
    """The innermost of some nested nodes that holds a position (the statement a use is in, by
    position: cheaper than walking every expression to its statement)."""

    def __init__(self, nodes: list, key=None):
        span = key or (lambda node: (_start(node), _end(node)))
        pairs = sorted(((span(n), n) for n in nodes), key=lambda p: p[0][0])
        self.nodes = [n for _, n in pairs]
        self.starts = [s for (s, _), _ in pairs]
        self.ends = [e for (_, e), _ in pairs]

    def at(self, pos: tuple[int, int]):
        i = bisect.bisect_right(self.starts, pos) - 1
        while i >= 0 and not pos < self.ends[i]:
            i -= 1
        return self.nodes[i] if i >= 0 else None
_COMPOUND = frozenset({ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match,
                       ast.ExceptHandler, *([ast.TryStar] if hasattr(ast, "TryStar") else [])})


def _not_dominated(function: ast.AST, nodes: list[ast.AST], late: list) -> list:
    """The uses that no binding before them dominates: a binding dominates the uses after it in
    its own block (the statement list it is written in, nested blocks included), since nothing
    reaches them without running it. Most uses are dominated; only the rest need the flow pass."""
    spans = [(_start(function.body[0]), _end(function.body[-1]))]
    todo = list(function.body)  # the statements only (handlers and match cases included)
    for node in todo:
        if node.__class__ in _COMPOUND:
            for field in _BLOCK_FIELDS:
                block = getattr(node, field, None)
                if block:
                    spans.append((_start(block[0]), _end(block[-1])))
            for case in getattr(node, "cases", ()):
                spans.append((_start(case.body[0]), _end(case.body[-1])))
                todo.extend(case.body)
            todo.extend(statements_in(node))
    blocks = _Innermost(spans, key=lambda span: span)
    owned: dict[int, list] = {}  # per name: (binding, the block it is written in)
    out = []
    for node, names in late:
        pairs = owned.get(id(names))
        if pairs is None:
            pairs = owned[id(names)] = [(at, blocks.at(at)) for at in (_start(b.target) for b in names.binds)]
        here = node.lineno, node.col_offset
        if not any(at < here and block is not None and block[0] <= here < block[1] for at, block in pairs):
            out.append((node, names))
    return out


def _unbound_on_every_path(path: str, qualname: str, function: ast.AST, nodes: list[ast.AST], index: TreeIndex,
                           late: list, module_level: dict[str, ast.AST]) -> Iterator[PyUnboundUse]:
    """The uses after a binding in the text that no path through a binding reaches (a branch
    that binds the name and returns, the other branch that uses it)."""
    tracked = {id(names): names for _, names in late}
    extents = Extents((_start(b.target), b.name) for names in tracked.values() for b in names.binds)
    flow = MayBound(function.body, extents)
    guards = Intervals((_start(stmt), _end(stmt)) for n in nodes
                       if isinstance(n, ast.Try) and any(map(_catches_name_error, n.handlers)) for stmt in n.body)
    statement = _Innermost([n for n in nodes if n.__class__ in _STATEMENTS])
    for node, names in late:
        here = node.lineno, node.col_offset
        owner = statement.at(here)
        state = flow.entry.get(id(owner)) if owner is not None else None
        if state is None or node.id in state or here in guards:
            continue  # unreachable, or some path may have bound it, or the NameError is expected
        if any(statement.at(_start(b.node)) is owner for b in names.binds if isinstance(b.node, ast.NamedExpr)):
            continue  # a walrus in the same statement: evaluation order is not text order
        before = [b for b in names.binds if _start(b.target) < here]
        binding = max(before, key=lambda b: _start(b.target)) if before else names.first
        outer = module_level.get(node.id)
        yield PyUnboundUse(path, qualname, node.id, location(path, node), location(path, binding.target),
                           binding.kind, location(path, outer) if outer is not None else None, branch=True)
