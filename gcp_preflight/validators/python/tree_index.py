"""What several extractors ask of one parsed module, collected in one walk and kept for the file.

Every family used to walk the whole tree for its own question (the imports, the calls, the
`global` statements...), and the scope readers recomputed the same scopes. One breadth-first walk
here sorts the nodes the extractors look for into lists, in `ast.walk` order (the order their
facts come out in), and each scope's nodes and bindings are computed once, whichever extractor
asks first.
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
_LEAF_FIELDS = frozenset({"id", "attr", "arg", "name", "module", "level", "kind", "type_comment", "ctx", "op",
                          "ops", "conversion", "is_async", "simple", "tag", "rest"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(f for f in kind._fields if f not in _LEAF_FIELDS
                                       and not (kind is ast.Constant and f == "value"))
    return fields


def children(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes` without the context and operator markers."""
    out = []
    for field in _fields(type(node)):
        value = getattr(node, field, None)
        if isinstance(value, list):
            out.extend([v for v in value if isinstance(v, _AST)])
        elif isinstance(value, _AST):
            out.append(value)
    return out


def walk(node: ast.AST) -> list[ast.AST]:
    """The nodes under `node` (itself first) in `ast.walk` order, without the context and
    operator markers."""
    todo = [node]
    append, extend = todo.append, todo.extend
    for current in todo:  # a list read while it grows: breadth first, as ast.walk's queue
        for field in _fields(type(current)):
            value = getattr(current, field, None)
            if isinstance(value, list):
                extend([v for v in value if isinstance(v, _AST)])
            elif isinstance(value, _AST):
                append(value)
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
        lists = {kind: getattr(self, name) for kind, name in _KINDS.items()}
        for node in walk(tree):
            found = lists.get(type(node))
            if found is not None:
                found.append(node)
        self._cache: dict[tuple[int, str], tuple[object, object]] = {}
        self._walrus_paths: set[int] | None = None

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
