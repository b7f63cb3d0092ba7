"""What several extractors ask of one parsed module, collected in one walk and kept for the file.

Every family used to walk the whole tree for its own question (the imports, the calls, the
`global` statements, each method of each class, the nodes of each scope), again and again. One
depth-first walk here, in field order, collects:

- each scope's nodes (module, class bodies, function bodies) in the order `scope_nodes` gives
  them, keeping only the kinds the scope readers look at;
- each node kind the extractors look for in the whole module, and the nodes of each method of a
  module-level class, each with its depth. A depth-first walk in field order, sorted by depth
  (a stable sort), is exactly `ast.walk`'s breadth-first order: the order their facts come out in.
"""

from __future__ import annotations

import ast
from operator import itemgetter

from gcp_preflight.validators.python.nodes import LEAVES, children, walk

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

# Node kinds the extractors look for in the whole module.
_KINDS = {
    ast.Import: "imports", ast.ImportFrom: "imports", ast.Call: "calls", ast.Attribute: "attributes",
    ast.Global: "globals", ast.Nonlocal: "nonlocals", ast.NamedExpr: "walruses",
}
# What the scope readers (scopes.py, classes.py) look at in a scope: statements (bindings, loops,
# handlers, definitions), names read, attributes, calls, walruses, comprehensions, match captures.
SCOPE_KINDS = frozenset({*ast.stmt.__subclasses__(), ast.ExceptHandler, ast.Name, ast.Attribute, ast.Call,
                         ast.NamedExpr, *COMPREHENSIONS, ast.MatchAs, ast.MatchStar, ast.MatchMapping})
# What the method readers of classes.py look at in a method's walk (names only where they are
# bound or deleted).
METHOD_KINDS = frozenset({ast.Raise, ast.Call, ast.Attribute, ast.Name, *FUNCTIONS, ast.Lambda, ast.Try})
_INSIDE = object()  # the label of nodes inside a def or class, but in no method of a module-level class


def _defaults(args: ast.arguments) -> list[ast.AST]:
    return [*args.defaults, *(d for d in args.kw_defaults if d is not None)]


# The children that run in the scope of the node that holds them, where they differ from all
# children: a definition contributes what runs when it is defined (decorators, defaults, bases),
# a comprehension its first iterable; annotations never run inside functions.
SAME_SCOPE = {
    ast.FunctionDef: lambda n: [*n.decorator_list, *_defaults(n.args)],
    ast.AsyncFunctionDef: lambda n: [*n.decorator_list, *_defaults(n.args)],
    ast.Lambda: lambda n: _defaults(n.args),
    ast.ClassDef: lambda n: [*n.decorator_list, *n.bases, *(k.value for k in n.keywords)],
    ast.AnnAssign: lambda n: [x for x in (n.target, n.value) if x is not None],
    ast.arg: lambda n: [],
    **{kind: (lambda n: [n.generators[0].iter]) for kind in COMPREHENSIONS},
}


def scope_nodes(body: list[ast.AST]) -> list[ast.AST]:
    """The nodes that run in the scope owning `body`, depth first, of the kinds in SCOPE_KINDS
    (names only where they are read). Nested functions and classes contribute only what runs at
    their definition, comprehensions only their first iterable; annotations are left out."""
    out: list[ast.AST] = []
    stack = list(body)[::-1]
    append, pop, extend, special = out.append, stack.pop, stack.extend, SAME_SCOPE.get
    while stack:
        node = pop()
        kind = node.__class__
        if kind in SCOPE_KINDS and (kind is not ast.Name or node.ctx.__class__ is ast.Load):
            append(node)
        if kind in LEAVES:
            continue
        same = special(kind)
        found = same(node) if same is not None else children(node)
        if found:
            found.reverse()
            extend(found)
    return out


class TreeIndex:
    def __init__(self, tree: ast.Module):
        self.tree = tree
        self._found: dict[str, list[tuple[int, ast.AST]]] = {name: [] for name in set(_KINDS.values())}
        self._ordered: dict[str, list[ast.AST]] = {}
        self.scopes: dict[int, tuple[list, list[ast.AST]]] = {}  # id(body) -> (body, its scope nodes)
        self._methods: dict[int, tuple[ast.AST, list]] = {}  # id(method) -> (method, [(depth, node)])
        self._cache: dict[tuple[int, str], tuple[object, object]] = {}
        self._walrus_paths: set[int] | None = None
        self.calls_under: set[int] = set()  # ids of the nodes with a call at or under them
        self._walk(tree)

    # -- the walk ---------------------------------------------------------------------------
    def _walk(self, tree: ast.Module) -> None:
        """Depth first, in field order. Each node carries the node list of its scope (None where
        nothing runs in a scope: inside a comprehension, a lambda, an annotation), its depth, and
        a label: None at module level, the node list of the method of a module-level class it is
        in, or _INSIDE (any other def or class)."""
        found = {kind: self._found[name] for kind, name in _KINDS.items()}.get
        module = self._scope(tree.body)
        stack = [(node, module, 1, None) for node in reversed(tree.body)]
        pop, push = stack.pop, stack.extend
        path: list[ast.AST] = [tree]  # path[d]: the node at depth d on the way to the current one
        calls_under = self.calls_under
        while stack:
            node, scope, depth, label = pop()
            kind = node.__class__
            if kind is ast.Name:  # half of all nodes are names and constants: no children, no kind asked
                if node.ctx.__class__ is ast.Load:
                    if scope is not None:
                        scope.append(node)
                elif label.__class__ is list:
                    label.append((depth, node))
                continue
            if kind is ast.Constant:
                continue
            if depth < len(path):
                path[depth] = node
            else:
                path.append(node)
            if kind is ast.Call:  # it and its ancestors lead to a call (stop where marked before)
                level = depth
                while level >= 0 and id(path[level]) not in calls_under:
                    calls_under.add(id(path[level]))
                    level -= 1
            if scope is not None and kind in SCOPE_KINDS:
                scope.append(node)
            if label.__class__ is list and kind in METHOD_KINDS:
                label.append((depth, node))
            bucket = found(kind)
            if bucket is not None:
                bucket.append((depth, node))
            inner = children(node)
            if not inner:
                continue
            inner.reverse()
            depth += 1
            if kind not in SAME_SCOPE:
                push([(child, scope, depth, label) for child in inner])
            else:
                push(self._special(node, kind, inner, scope, depth, label))

    def _special(self, node, kind, inner, scope, depth, label) -> list[tuple]:
        """The stack entries for the (reversed) children of a node that SAME_SCOPE names."""
        if kind is ast.AnnAssign:  # the annotation runs in no scope here
            return [(child, scope if child is not node.annotation else None, depth, label) for child in inner]
        if scope is not None:  # what runs where the node is, in scope_nodes order
            scope.extend(scope_nodes(SAME_SCOPE[kind](node)))
        if kind in COMPREHENSIONS or kind is ast.arg:
            return [(child, None, depth, label) for child in inner]
        inside = label if label is not None else _INSIDE
        if kind is ast.Lambda:
            return [(child, None, depth, inside) for child in inner]
        body_scope = self._scope(node.body)
        body = {id(stmt) for stmt in node.body}
        if kind is ast.ClassDef and label is None:  # a module-level class: its methods are walked
            return [(child, body_scope, depth, self._method(child)) if child.__class__ in FUNCTIONS
                    and id(child) in body else (child, body_scope if id(child) in body else None, depth, _INSIDE)
                    for child in inner]
        return [(child, body_scope if id(child) in body else None, depth, inside) for child in inner]

    def _scope(self, body: list) -> list[ast.AST]:
        nodes: list[ast.AST] = []
        self.scopes[id(body)] = (body, nodes)
        return nodes

    def _method(self, node: ast.AST) -> list:
        nodes: list = []
        self._methods[id(node)] = (node, nodes)
        return nodes

    # -- what the extractors ask -------------------------------------------------------------
    def found(self, name: str) -> list[tuple[int, ast.AST]]:
        """(depth, node) of every node of a kind in _KINDS ("calls", "attributes"...), depth
        first: for questions whose answer does not depend on the order."""
        return self._found[name]

    def _in_walk_order(self, name: str) -> list[ast.AST]:
        nodes = self._ordered.get(name)
        if nodes is None:
            nodes = self._ordered[name] = [node for _, node in sorted(self._found[name], key=itemgetter(0))]
        return nodes

    @property
    def imports(self) -> list[ast.AST]:
        """Every import and from-import, in ast.walk order."""
        return self._in_walk_order("imports")

    @property
    def calls(self) -> list[ast.Call]:
        return self._in_walk_order("calls")

    @property
    def attributes(self) -> list[ast.Attribute]:
        return self._in_walk_order("attributes")

    @property
    def globals(self) -> list[ast.Global]:
        return self._in_walk_order("globals")

    @property
    def nonlocals(self) -> list[ast.Nonlocal]:
        return self._in_walk_order("nonlocals")

    @property
    def walruses(self) -> list[ast.NamedExpr]:
        return self._in_walk_order("walruses")

    def scope_nodes(self, body: list) -> list[ast.AST]:
        """scope_nodes(body), from the walk when it met that body."""
        hit = self.scopes.get(id(body))
        return hit[1] if hit is not None and hit[0] is body else self.cached(body, "nodes", lambda: scope_nodes(body))

    def method_nodes(self, method: ast.AST) -> list[ast.AST]:
        """The nodes of `walk(method)` of the kinds in METHOD_KINDS, for a method of a
        module-level class (for any other function: from its own walk)."""
        hit = self._methods.get(id(method))
        if hit is None or hit[0] is not method:
            return [node for node in walk(method) if node.__class__ in METHOD_KINDS
                    and (node.__class__ is not ast.Name or node.ctx.__class__ is not ast.Load)]
        return self.cached(method, "walk", lambda: [node for _, node in sorted(hit[1], key=itemgetter(0))])

    def cached(self, owner: object, what: str, make) -> object:
        """`make()`, computed once per (owner, what); the owner (a body list, a node) is held,
        so its id stays unique."""
        hit = self._cache.get((id(owner), what))
        if hit is None or hit[0] is not owner:
            hit = self._cache[(id(owner), what)] = (owner, make())
        return hit[1]

    def walrus_paths(self) -> set[int]:
        """ids of the nodes with a walrus (`:=`) at or under them."""
        if self._walrus_paths is None:
            parents: dict[int, ast.AST] = {}
            if self.walruses:
                for node in walk(self.tree):
                    for child in ast.iter_child_nodes(node):
                        parents[id(child)] = node
            paths: set[int] = set()
            for node in self.walruses:
                while node is not None and id(node) not in paths:
                    paths.add(id(node))
                    node = parents.get(id(node))
            self._walrus_paths = paths
        return self._walrus_paths


_current: TreeIndex | None = None


def tree_index(tree: ast.Module) -> TreeIndex:
    """The index of `tree`, built on first use; the extractors of one file share it."""
    global _current
    if _current is None or _current.tree is not tree:
        _current = TreeIndex(tree)
    return _current


def release(tree: ast.Module) -> None:
    """Drop the index when the file is done (it holds the whole tree)."""
    global _current
    if _current is not None and _current.tree is tree:
        _current = None
