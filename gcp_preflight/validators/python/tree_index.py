"""What several extractors ask of one parsed module, collected in one walk and kept for the file.

Every family used to walk the whole tree for its own question (the imports, the calls, the
`global` statements, each method of each class...), and the scope readers recomputed the same
scopes. One breadth-first walk here sorts the nodes the extractors look for into lists, in
`ast.walk` order (the order their facts come out in), and each scope's nodes and bindings are
computed once, whichever extractor asks first.
"""

from __future__ import annotations

import ast

_AST = ast.AST
# Node kinds the extractors look for in the whole module; each list keeps `ast.walk` order.
_KINDS = {
    ast.Import: "imports", ast.ImportFrom: "imports", ast.Call: "calls", ast.Attribute: "attributes",
    ast.Global: "globals", ast.Nonlocal: "nonlocals", ast.NamedExpr: "walruses",
}
# Fields that never hold a node worth visiting: names, constants, and the load/store/operator
# markers (`ast.walk` yields those too, but no extractor asks for them).
_LEAF_FIELDS = frozenset({"id", "attr", "arg", "name", "asname", "module", "level", "kind", "type_comment", "ctx",
                          "op", "ops", "conversion", "is_async", "simple", "tag", "rest"})
_FIELDS: dict[type, tuple[str, ...]] = {}
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_INSIDE = object()  # the label of nodes inside a def or class, but in no method of a module-level class


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


class TreeIndex:
    def __init__(self, tree: ast.Module):
        self.tree = tree
        self.imports: list[ast.AST] = []
        self.calls: list[ast.Call] = []
        self.attributes: list[ast.Attribute] = []
        self.globals: list[ast.Global] = []
        self.nonlocals: list[ast.Nonlocal] = []
        self.walruses: list[ast.NamedExpr] = []
        self.methods: dict[int, list[ast.AST]] = {}  # id(method) -> walk(method), for module-level classes
        self._walk(tree)
        self._cache: dict[tuple[int, str], tuple[object, object]] = {}
        self._walrus_paths: set[int] | None = None

    def _walk(self, tree: ast.Module) -> None:
        """One breadth-first walk. Each node carries a label: None at module level, the node list
        of the method of a module-level class it is in, or _INSIDE (any other def or class)."""
        lists = {kind: getattr(self, name) for kind, name in _KINDS.items()}
        todo: list[ast.AST] = [tree]
        labels: list[object] = [None]
        extend, extend_labels, kinds = todo.extend, labels.extend, lists.get
        for index, current in enumerate(todo):
            kind = current.__class__
            found = kinds(kind)
            if found is not None:
                found.append(current)
            label = labels[index]
            if label.__class__ is list:
                label.append(current)
            if kind in LEAVES:
                continue
            inner = children(current)
            if not inner:
                continue
            extend(inner)
            if label is not None:
                extend_labels([label] * len(inner))
            elif kind is ast.ClassDef:
                extend_labels([self._method(node) if node.__class__ in _DEFINITIONS and node in current.body
                               else _INSIDE for node in inner])
            elif kind in _DEFINITIONS or kind is ast.Lambda:
                extend_labels([_INSIDE] * len(inner))
            else:
                extend_labels([None] * len(inner))

    def _method(self, node: ast.AST) -> list[ast.AST]:
        nodes: list[ast.AST] = []
        self.methods[id(node)] = nodes
        return nodes

    def method_nodes(self, method: ast.AST) -> list[ast.AST]:
        """`walk(method)` for a method of a module-level class (any function: its walk)."""
        nodes = self.methods.get(id(method))
        return nodes if nodes is not None and nodes and nodes[0] is method else walk(method)

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
