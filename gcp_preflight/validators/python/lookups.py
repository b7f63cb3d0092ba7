"""Literal dicts and the lookups that read them: the per-file half of PF522 (KeyError at import).

For each module: dicts written as literals with string keys and bound once at module level or in a
class body; the subscripts that read a dict with a literal key at import time (module level, class
bodies) or in a function, or with one of the function's positional parameters as the key; and the
names of dicts mutated anywhere in the module (`d[k] = v`, `del d[k]`, `d.update(...)`). The
subscripts come from the module's one walk (tree_index.py); which function holds one is found by
position. Resolution across modules is rules/python/keys.py's job.
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass
from typing import Iterable, Iterator

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.names.python import dotted
from gcp_preflight.validators.python.handlers import Handlers, last
from gcp_preflight.validators.python.nodes import walk
from gcp_preflight.validators.python.scopes import FUNCTIONS, bindings, isolated, location, parameters, scope_list
from gcp_preflight.validators.python.tree_index import TreeIndex, tree_index

SELF = "@"  # in a lookup's dict: the method's first parameter (`self.D`, `cls.D` -> `@.D`)
DICT_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"})
KEY_ERROR_CATCHERS = frozenset({"KeyError", "LookupError", "Exception", "BaseException", "*"})


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyLiteralDict:
    """`name = {"key": ...}` bound once at module level (owner "") or in a class body, with
    string literal keys only."""

    path: str
    owner: str
    name: str
    keys: tuple[str, ...]
    location: Location


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyKeyLookup:
    """`ref[key]` read. kind "import": at import time with a literal key; "literal": with a
    literal key in the function `function` (owner: its class); "param": the key is parameter
    number `param` (0-based over the positional parameters, self included) of `function`.
    guarded: a KeyError handler or a membership test could keep it from raising."""

    path: str
    kind: str
    ref: str
    owner: str
    function: str
    key: str
    param: int
    location: Location
    guarded: bool


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyDictMutations:
    """Names (the last part: `D`, `self.D` -> `D`) whose subscripts are assigned or deleted, or
    that a mutating method (update, setdefault, pop...) is called on, in this module."""

    path: str
    names: tuple[str, ...]


class _Lookups:
    def __init__(self, tree: ast.Module, path: str, index: TreeIndex):
        self.tree, self.path, self.index = tree, path, index
        self.classes = [n for n in scope_list(tree.body, index) if isinstance(n, ast.ClassDef)]
        self.functions = [n for n in scope_list(tree.body, index) if isinstance(n, FUNCTIONS)]
        self.dict_names: set[str] = set()  # literal dicts of this module (module level and class bodies)
        self.main = Handlers(tree.body, main=True)

    def literal_dicts(self) -> Iterator[PyLiteralDict]:
        for owner, body in [("", self.tree.body), *((c.name, c.body) for c in self.classes)]:
            found, _ = bindings(body, self.index)
            counts: dict[str, int] = {}
            for b in found:
                counts[b.name] = counts.get(b.name, 0) + 1
            for b in found:
                value = getattr(b.node, "value", None)
                if counts[b.name] != 1 or not isinstance(b.node, (ast.Assign, ast.AnnAssign)) \
                        or not isinstance(value, ast.Dict) or not isinstance(b.target, ast.Name):
                    continue
                if isinstance(b.node, ast.Assign) and len(b.node.targets) != 1:
                    continue
                keys = [k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None
                        for k in value.keys]
                if value.keys and all(k is not None for k in keys):
                    self.dict_names.add(b.name)
                    yield PyLiteralDict(self.path, owner, b.name, tuple(keys), location(self.path, b.target))

    def lookups(self) -> Iterator[object]:
        """Subscripts that read a dict with a literal key at import time or in a function, or
        with a parameter of the function as the key; and the names of mutated dicts."""
        mutated: set[str] = set()
        for _, call in self.index.found("calls"):
            if call.func.__class__ is ast.Attribute and call.func.attr in DICT_MUTATORS:
                target = call.func.value
                if target.__class__ is ast.Name:
                    mutated.add(target.id)
                elif target.__class__ is ast.Attribute:
                    mutated.add(target.attr)
        spans = module_tries = None
        for _, node in self.index.found("subscripts"):
            value = node.value
            ref = dotted(value)
            if node.ctx.__class__ is not ast.Load:
                if ref:
                    mutated.add(last(ref))
                continue
            key = node.slice
            if ref is None or not (key.__class__ is ast.Name or (key.__class__ is ast.Constant
                                                                 and key.value.__class__ is str)):
                continue
            if spans is None:
                spans = self._function_spans()
            at = bisect.bisect_right(spans[0], (node.lineno, node.col_offset)) - 1
            inside = spans[1][at] if at >= 0 and (node.lineno, node.col_offset) < spans[1][at][1] else None
            if inside is None:
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and not self.main.around(node) \
                        and not self._in_lambda(node):
                    if module_tries is None:
                        module_tries = Handlers(self._import_time_nodes())
                    owner = self._class_at(node)
                    yield PyKeyLookup(self.path, "import", ref, owner, "", key.value, -1,
                                      location(self.path, node), bool(module_tries.around(node)))
                continue
            _, _, function, owner = inside
            lookup = self._function_lookup(node, ref, key, function, owner)
            if lookup is not None:
                yield lookup
        yield PyDictMutations(self.path, tuple(sorted(mutated)))

    def _function_lookup(self, node, ref, key, function, owner) -> PyKeyLookup | None:
        """A lookup in a function with a literal key (in one of this module's literal dicts or
        a dict of the method's class), or with one of its positional parameters as the key."""
        root = ref.split(".")[0]
        positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        is_self = bool(owner and positional and root == positional[0] and "." in ref)
        local = {b.name for b in bindings(function.body, self.index)[0]} | set(parameters(function.args))
        if root in local and not is_self:
            return None  # a local dict, not the module's or the class's
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            if not (is_self or root in self.dict_names or (owner and root == owner)):
                return None
            kind, text, param = "literal", key.value, -1
        elif isinstance(key, ast.Name) and key.id in positional and key.id not in \
                {b.name for b in bindings(function.body, self.index)[0]}:
            kind, text, param = "param", key.id, positional.index(key.id)
        else:
            return None
        if is_self:
            ref = f"{SELF}.{ref.split('.', 1)[1]}"
        qual = f"{owner}.{function.name}" if owner else function.name
        return PyKeyLookup(self.path, kind, ref, owner, qual, text, param, location(self.path, node),
                           self._guarded_in(function, node))

    def _guarded_in(self, function, node) -> bool:
        """A KeyError handler around the lookup, or any membership test (`key in d`) in the function."""
        def make():
            tries, membership = [], False
            for inner in walk(function):
                kind = inner.__class__
                if kind is ast.Try:
                    tries.append(inner)
                elif kind is ast.Compare and any(isinstance(op, (ast.In, ast.NotIn)) for op in inner.ops):
                    membership = True
            return Handlers(tries), membership
        tries, membership = self.index.cached(function, "key-guards", make)
        caught = set(tries.around(node))
        return membership or bool(caught & KEY_ERROR_CATCHERS)

    def _function_spans(self):
        """Sorted (start, end, function, class name) of every module-level function and method."""
        def make():
            rows = [(f, "") for f in self.functions]
            rows += [(f, c.name) for c in self.classes for f in scope_list(c.body, self.index)
                     if isinstance(f, FUNCTIONS)]
            rows += [(f, "") for f in self._nested_definitions()]
            spans = sorted((((f.lineno, f.col_offset), (f.end_lineno, f.end_col_offset), f, owner)
                            for f, owner in rows), key=lambda s: s[0])
            return [s[0] for s in spans], spans
        return self.index.cached(self.tree, "function-spans", make)

    def _nested_definitions(self) -> list[ast.AST]:
        """Functions in classes nested in module-level classes: their bodies do not run when the
        module is imported (nor do lambdas', found apart)."""
        out = []
        for cls in self.classes:
            for node in scope_list(cls.body, self.index):
                if isinstance(node, ast.ClassDef):
                    out.extend(n for n in walk(node) if isinstance(n, FUNCTIONS))
        return out

    def _lambda_spans(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Where lambdas outside functions are: their bodies run when called, not at import."""
        return self.index.cached(self.tree, "lambda-spans", lambda: sorted(
            ((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset))
            for _, n in self.index.found("lambdas")))

    def _in_lambda(self, node: ast.AST) -> bool:
        pos = (node.lineno, node.col_offset)
        return any(start <= pos < end for start, end in self._lambda_spans())

    def _import_time_nodes(self) -> list[ast.AST]:
        return [*scope_list(self.tree.body, self.index),
                *(n for c in self.classes for n in scope_list(c.body, self.index))]

    def _class_at(self, node: ast.AST) -> str:
        pos = (node.lineno, node.col_offset)
        for cls in self.classes:
            if (cls.lineno, cls.col_offset) <= pos < (cls.end_lineno, cls.end_col_offset):
                return cls.name
        return ""


@isolated
def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    lookups = _Lookups(tree, source.path, tree_index(tree))
    yield from lookups.literal_dicts()  # first: the lookups ask which names are literal dicts
    yield from lookups.lookups()
