"""Python classes and attribute uses: the per-file half of the project-aware checks (PF5xx).

For each module: what its top-level names are bound to (class, def, import, other), the classes
it defines (bases and decorators as written, members, attributes assigned through `self`, and
whatever makes a class dynamic), and the attribute reads whose object has a knowable class:
`self.x` in a method, `x.attr` where `x = SomeClass(...)` is the local's only binding, and
`Name.attr` where `Name` is a module-level class or import. Resolution across modules is
rules/python/index.py's job.
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass
from typing import Iterable, Iterator

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.names.python import MAX_DOTTED, dotted
from gcp_preflight.validators.python.scopes import (
    FUNCTIONS, Intervals, bindings, isolated, location, parameters, scope_list,
)
from gcp_preflight.validators.python.tree_index import TreeIndex, tree_index

ATTRIBUTE_ERROR_CATCHERS = frozenset({"AttributeError"})
# Calls that take an object without setting attributes on it (what is passed to anything else
# may come back with attributes the class does not define).
HARMLESS_CALLS = frozenset({
    "isinstance", "issubclass", "type", "id", "len", "str", "repr", "hash", "print", "format", "super", "hasattr",
    "getattr", "bool", "iter", "next", "sorted", "list", "tuple", "set", "dict", "frozenset", "debug", "info",
    "warning", "error", "exception", "critical", "log", "append", "add", "extend", "insert", "remove", "discard",
    "get", "pop", "index", "count", "ref", "proxy", "cast", "copy", "deepcopy", "dumps", "dump",
})
ARGPARSE_CALLS = frozenset({"parse_args", "parse_known_args", "parse_intermixed_args", "parse_known_intermixed_args"})


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyModuleScope:
    """Top-level bindings of one module, and what the module does to attributes of others.

    bindings: (name, kind, module, member, level, line) per binding statement; kind is "class",
    "def", "import" (module = what `name` is bound to), "from" (`from module import member`),
    "star" (name "*") or "other". A name with more than one binding is ambiguous.
    stored: attribute names assigned on anything but a method's own `self`/`cls`
    (`obj.x = ...`, `setattr(obj, "x", ...)`): any class may have them.
    probed: names tested with hasattr() or getattr(..., default): optional by design.
    loose_setattr: a setattr() with a computed name on an object that is not a method's `self`.
    passed: names passed bare to calls that may set attributes on them (`defproperty(Attr, ...)`).
    made_bases: bases of classes made with type(name, bases, namespace) ("?" when not literal).
    """

    path: str
    bindings: tuple[tuple[str, str, str, str, int, int], ...]
    stored: tuple[str, ...]
    probed: tuple[str, ...]
    loose_setattr: bool
    has_getattr: bool
    passed: tuple[str, ...] = ()
    made_bases: tuple[str, ...] = ()


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyClass:
    """A module-level class. bases and keywords hold dotted names as written ("?" for any other
    expression, "Name[]" for a subscripted base); decorators likewise ("name()" for a call).
    members: (name, line, kind) bound in the body, kind "method" or "attribute".
    attributes: (name, line) assigned through the first parameter of its methods.
    abstract: methods marked @abstractmethod or raising NotImplementedError.
    dynamic: why its attributes cannot be known ("" when they can).
    escapes: a call its methods pass `self` to, which might set attributes on it ("" if none)."""

    path: str
    name: str
    location: Location
    bases: tuple[str, ...]
    keywords: tuple[tuple[str, str], ...]
    decorators: tuple[str, ...]
    members: tuple[tuple[str, int, str], ...]
    attributes: tuple[tuple[str, int], ...]
    abstract: tuple[str, ...]
    dynamic: str
    escapes: str = ""


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyAttrUse:
    """An attribute read whose object's class may be known.

    kind "self": `self.name` in a method of class `owner` (a class of this module);
    kind "local": `var.name` where the local's only binding is `var = owner(...)` (`origin`);
    kind "global": `owner.name` where `owner` is a dotted name rooted in a module-level class or
    import. `receiver` is the object as written (`self`, `client`, `status.RunStatus`).
    `guarded`: inside `try: ... except AttributeError`."""

    path: str
    kind: str
    owner: str
    receiver: str
    name: str
    location: Location
    call: bool
    guarded: bool
    function: str
    origin: Location | None = None


def _expr_name(node: ast.AST) -> str:
    if isinstance(node, ast.Subscript):
        inner = dotted(node.value)
        return f"{inner}[]" if inner else "?"
    if isinstance(node, ast.Call):
        inner = dotted(node.func)
        return f"{inner}()" if inner else "?"
    return dotted(node) or "?"


_DEFINITIONS = frozenset({*FUNCTIONS, ast.ClassDef})


def _short_name(func: ast.AST) -> str:
    """The last part of a callee's dotted name ("" when it has none): `dotted(func)`'s last
    part, without building the whole name."""
    if func.__class__ is ast.Name:
        return func.id
    if func.__class__ is not ast.Attribute:
        return ""
    base, parts = func.value, 1
    while base.__class__ is ast.Attribute and parts < MAX_DOTTED:
        base, parts = base.value, parts + 1
    return func.attr if base.__class__ is ast.Name else ""


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _attr_location(path: str, node: ast.Attribute) -> Location:
    """The attribute's name, which ends where the node ends."""
    end_line, end_col = node.end_lineno or node.lineno, (node.end_col_offset or 0) + 1
    return Location(path, end_line, end_col - len(node.attr), end_line, end_col)


def _is_static(function: ast.AST) -> bool:
    return any((dotted(d) or "").split(".")[-1] == "staticmethod" for d in function.decorator_list)


_INSTANCE_NAMES = frozenset({"self", "cls", "mcs", "klass"})


def _self_name(function: ast.AST) -> str | None:
    positional = [*function.args.posonlyargs, *function.args.args]
    return positional[0].arg if positional and not _is_static(function) else None


def _raises_not_implemented(nodes: list[ast.AST]) -> bool:
    for node in nodes:
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if (dotted(exc) or "").split(".")[-1] == "NotImplementedError":
                return True
    return False


def _is_abstract(function: ast.AST, nodes: list[ast.AST]) -> bool:
    marked = any((dotted(d) or "").split(".")[-1] in ("abstractmethod", "abstractproperty")
                 for d in function.decorator_list)
    return marked or _raises_not_implemented(nodes)


def _catches_attribute_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted(t) or "").split(".")[-1] in ATTRIBUTE_ERROR_CATCHERS for t in types)


def _guarded_spans(nodes: Iterable[ast.AST]) -> Intervals:
    """Where `try: ... except AttributeError` bodies run: from the first statement of the body
    to the end of the last."""
    spans = []
    for node in nodes:
        if isinstance(node, ast.Try) and any(map(_catches_attribute_error, node.handlers)) and node.body:
            first, last = node.body[0], node.body[-1]
            spans.append(((first.lineno, first.col_offset), (last.end_lineno, last.end_col_offset)))
    return Intervals(spans)


def _in_spans(node: ast.AST, spans: Intervals) -> bool:
    return (node.lineno, node.col_offset) in spans


class _Module:
    def __init__(self, tree: ast.Module, path: str, index: TreeIndex):
        self.tree = tree
        self.path = path
        self.index = index
        self.stored: set[str] = set()
        self.probed: set[str] = set()
        self.loose_setattr = False
        self.passed: set[str] = set()
        self.made_bases: set[str] = set()
        self.own: set[int] = set()  # nodes that act on a method's own self (counted per class)
        self.top = {b.name for b in bindings(tree.body, index)[0]}
        self.called: set[int] = {id(c.func) for _, c in index.found("calls") if c.func.__class__ is ast.Attribute}
        self._nonlocals: tuple[list, list] | None = None

    # -- the module's own names -------------------------------------------------------------
    def scope(self) -> PyModuleScope:
        rows = []
        found, _ = bindings(self.tree.body, self.index)
        for b in found:
            rows.extend(self._binding_rows(b))
        for node in self.index.globals:  # `global X` in a function rebinds a module name
            rows.extend((name, "other", "", "", 0, node.lineno) for name in node.names)
        own = self.own  # (sets: the order of the nodes does not matter)
        for _, node in self.index.found("attributes"):
            if node.ctx.__class__ is not ast.Load and id(node) not in own:
                self.stored.add(node.attr)
        for _, node in self.index.found("calls"):
            if id(node) not in own:
                self._call_effects(node)
        has_getattr = any(r[0] == "__getattr__" for r in rows)
        rows.extend(self.star_rows())
        return PyModuleScope(self.path, tuple(rows), tuple(sorted(self.stored)), tuple(sorted(self.probed)),
                             self.loose_setattr, has_getattr, tuple(sorted(self.passed)),
                             tuple(sorted(self.made_bases)))

    def _binding_rows(self, b) -> Iterator[tuple]:
        node, line = b.node, getattr(b.target, "lineno", 1)
        if isinstance(node, ast.ClassDef):
            yield (b.name, "class", "", "", 0, line)
        elif isinstance(node, FUNCTIONS):
            yield (b.name, "def", "", "", 0, line)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.asname or alias.name.split(".")[0]) == b.name:
                    yield (b.name, "import", alias.name if alias.asname else b.name, "", 0, line)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == b.name:
                    yield (b.name, "from", node.module or "", alias.name, node.level, line)
        else:
            yield (b.name, "other", "", "", 0, line)

    def star_rows(self) -> list[tuple]:
        return [("*", "star", node.module or "", "", node.level, node.lineno)
                for node in scope_list(self.tree.body, self.index)
                if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)]

    def _call_effects(self, node: ast.Call) -> None:
        """What a call does to attributes: setattr/hasattr/getattr with a literal name, classes made
        with type(), names passed to calls that may set attributes on them."""
        func = _short_name(node.func)
        name = _literal(node.args[1]) if len(node.args) > 1 else None
        if func == "setattr" and len(node.args) > 1:
            if name is not None:
                self.stored.add(name)
            else:
                self.loose_setattr = True
        elif func == "hasattr" and name is not None:
            self.probed.add(name)
        elif func == "getattr" and name is not None and len(node.args) > 2:
            self.probed.add(name)
        elif func == "type" and len(node.args) == 3:
            bases = node.args[1]
            written = [dotted(b) for b in bases.elts] if isinstance(bases, ast.Tuple) else [None]
            # A base written as a module-level name is that class; anything else may be any class.
            self.made_bases.update(d.split(".")[-1] if d and d.split(".")[0] in self.top else "?"
                                   for d in written)
        if func not in HARMLESS_CALLS:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Name):
                    self.passed.add(arg.id)

    # -- classes ----------------------------------------------------------------------------
    def classes(self) -> Iterator[object]:
        for node in scope_list(self.tree.body, self.index):
            if isinstance(node, ast.ClassDef):
                yield from self._class(node)

    def _class(self, node: ast.ClassDef) -> Iterator[object]:
        path = self.path
        members: list[tuple[str, int, str]] = []
        found, _ = bindings(node.body, self.index)
        for b in found:
            kind = "method" if isinstance(b.node, FUNCTIONS) else "attribute"
            members.append((b.name, getattr(b.target, "lineno", node.lineno), kind))
        dynamic = ""
        for stmt in node.body:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] \
                if isinstance(stmt, ast.AnnAssign) and stmt.value is not None else []
            if any(isinstance(t, ast.Name) and t.id == "__slots__" for t in targets):
                elements = stmt.value.elts if isinstance(stmt.value, (ast.Tuple, ast.List)) else []
                members.extend((s, stmt.lineno, "attribute") for s in map(_literal, elements) if s)
        for inner in scope_list(node.body, self.index):
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in ("locals", "vars"):
                dynamic = f"its body calls {inner.func.id}()"
        attributes: list[tuple[str, int]] = []
        abstract: list[str] = []
        escapes = ""
        methods = [s for s in node.body if isinstance(s, FUNCTIONS)]
        # Each method's nodes in ast.walk order, from the module's one walk, for every question.
        walks = {id(method): self.index.method_nodes(method) for method in methods}
        for method in methods:
            if _is_abstract(method, walks[id(method)]):
                abstract.append(method.name)
            me = _self_name(method)
            if me is None:
                continue
            why, passed_to = self._instance_attributes(walks[id(method)], me, attributes)
            dynamic = dynamic or why
            escapes = escapes or passed_to
        column = node.col_offset + len("class ") + 1
        where = Location(path, node.lineno, column, node.lineno, column + len(node.name))
        yield PyClass(path, node.name, where, tuple(_expr_name(b) for b in node.bases),
                      tuple((k.arg or "**", _expr_name(k.value)) for k in node.keywords),
                      tuple(_expr_name(d) for d in node.decorator_list), tuple(members), tuple(attributes),
                      tuple(abstract), dynamic, escapes)
        for method in methods:
            me = _self_name(method)
            # `def find_queries(html)` in a class used as a namespace, called on the class
            # (`Module.find_queries(page)`): its first parameter is not an instance. A method's
            # is named self (or cls) by convention, so only such a parameter is read as one.
            if me in _INSTANCE_NAMES and not _rebinds(method, me, walks[id(method)]):
                yield from self._self_uses(node.name, method, me, walks[id(method)])

    def _instance_attributes(self, nodes: list[ast.AST], me: str, out: list) -> tuple[str, str]:
        """Attributes assigned through `me` go to `out`; returns (why the class is dynamic, a call
        `me` is passed to)."""
        dynamic = escapes = ""
        for inner in nodes:
            kind = inner.__class__
            if kind is not ast.Call and kind is not ast.Attribute:
                continue
            if kind is ast.Call:
                if not any(a.__class__ is ast.Name and a.id == me for a in inner.args) and not any(
                        k.value.__class__ is ast.Name and k.value.id == me for k in inner.keywords):
                    continue  # a call that is not passed `me` changes nothing here
                func = dotted(inner.func) or getattr(inner.func, "attr", "a call")
                short = func.split(".")[-1]
                passed = [a for a in (*inner.args, *(k.value for k in inner.keywords))
                          if isinstance(a, ast.Name) and a.id == me]
                if passed and (short in ARGPARSE_CALLS or any(k.arg == "namespace" for k in inner.keywords
                                                              if isinstance(k.value, ast.Name) and k.value.id == me)):
                    dynamic = f"a method passes {me} to {func}(), which sets attributes on it"
                elif passed and short not in HARMLESS_CALLS and short not in ("setattr", "__setattr__", "vars"):
                    escapes = escapes or func
            if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name) and inner.value.id == me:
                if isinstance(inner.ctx, (ast.Store, ast.Del)):
                    self.own.add(id(inner))
                    out.append((inner.attr, inner.lineno))
                elif inner.attr == "__dict__":
                    dynamic = f"a method uses {me}.__dict__"
            elif isinstance(inner, ast.Call) and inner.args and isinstance(inner.args[0], ast.Name) \
                    and inner.args[0].id == me:
                func = dotted(inner.func) or ""
                if func in ("setattr", "object.__setattr__") or func.endswith("__setattr__"):
                    self.own.add(id(inner))
                    name = _literal(inner.args[1]) if len(inner.args) > 1 else None
                    if name is None:
                        dynamic = f"a method calls {func}({me}, <computed name>, ...)"
                    else:
                        out.append((name, inner.lineno))
                elif func == "vars":
                    dynamic = f"a method uses vars({me})"
        return dynamic, escapes

    def _self_uses(self, owner: str, method: ast.AST, me: str, nodes: list[ast.AST]) -> Iterator[PyAttrUse]:
        spans = _guarded_spans(nodes)
        for inner in nodes:
            if inner.__class__ is ast.Attribute and inner.ctx.__class__ is ast.Load \
                    and inner.value.__class__ is ast.Name and inner.value.id == me:
                yield PyAttrUse(self.path, "self", owner, me, inner.attr, _attr_location(self.path, inner),
                                id(inner) in self.called, _in_spans(inner, spans), f"{owner}.{method.name}")

    # -- typed locals and module-level names --------------------------------------------------
    def name_uses(self, module_names: set[str]) -> Iterator[PyAttrUse]:
        yield from self._scope_uses(self.tree.body, "", set(), module_names, None)

    def _scope_uses(self, body, qualname: str, hidden: set[str], module_names: set[str],
                    function: ast.AST | None) -> Iterator[PyAttrUse]:
        """Uses in one function's (or the module's) own scope, then in the scopes nested in it.
        `hidden`: names local to enclosing functions, which shadow module-level names."""
        found, declared = bindings(body, self.index)
        params = set(parameters(function.args)) if function is not None else set()
        local = ({b.name for b in found} | params) - declared if function is not None else set()
        nodes = scope_list(body, self.index)
        typed = self._typed_locals(found, params, declared, local | hidden, module_names, body) \
            if function is not None else {}
        yield from self._uses(nodes, qualname, hidden | local, module_names, typed)
        yield from self._nested(nodes, qualname, hidden | local, module_names)

    def _nested(self, nodes, qualname, hidden, module_names) -> Iterator[PyAttrUse]:
        for node in nodes:
            if node.__class__ not in _DEFINITIONS:
                continue
            name = f"{qualname}.{node.name}" if qualname else node.name
            if isinstance(node, ast.ClassDef):
                # The body runs in its own scope; its names do not reach the methods.
                class_local = {b.name for b in bindings(node.body, self.index)[0]}
                inner = scope_list(node.body, self.index)
                yield from self._uses(inner, name, hidden | class_local, module_names, {})
                yield from self._nested(inner, name, hidden, module_names)
            else:
                yield from self._scope_uses(node.body, name, hidden, module_names, node)

    def _uses(self, nodes, qualname, hidden, module_names, typed) -> Iterator[PyAttrUse]:
        spans = None
        for node in nodes:
            if node.__class__ is not ast.Attribute or node.ctx.__class__ is not ast.Load:
                continue
            value = node.value
            if value.__class__ is ast.Name:
                receiver = root = value.id
                if receiver in typed:
                    kind, owner, origin = "local", typed[receiver][0], typed[receiver][1]
                elif root not in hidden and root in module_names:
                    kind, owner, origin = "global", receiver, None
                else:
                    continue
            else:
                base, parts = value, 1  # the name the chain starts from, before building its dotted form
                while base.__class__ is ast.Attribute and parts <= MAX_DOTTED:
                    base, parts = base.value, parts + 1
                if base.__class__ is not ast.Name or base.id in hidden or base.id not in module_names:
                    continue  # (a chain longer than dotted() reads ends in no name)
                receiver = dotted(value)
                if receiver is None:
                    continue
                kind, owner, origin = "global", receiver, None
            if spans is None:
                spans = _guarded_spans(nodes)
            yield PyAttrUse(self.path, kind, owner, receiver, node.attr, _attr_location(self.path, node),
                            id(node) in self.called, _in_spans(node, spans), qualname, origin)

    def _typed_locals(self, found, params, declared, hidden, module_names, body) -> dict[str, tuple[str, Location]]:
        """Locals whose only binding is `name = Dotted(...)`, with Dotted a module-level name."""
        by_name: dict[str, list] = {}
        for b in found:
            by_name.setdefault(b.name, []).append(b)
        nonlocal_elsewhere = self._nonlocal_names(body)
        typed = {}
        for name, binds in by_name.items():
            if len(binds) != 1 or name in params or name in declared or name in nonlocal_elsewhere:
                continue
            node = binds[0].node
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.Call)):
                continue
            ctor = dotted(node.value.func)
            if ctor is None or ctor.split(".")[0] in hidden or ctor.split(".")[0] not in module_names:
                continue
            typed[name] = (ctor, location(self.path, node.targets[0]))
        return typed


    def _nonlocal_names(self, body: list[ast.stmt]) -> set[str]:
        """Names declared `nonlocal` anywhere in a function body, nested functions included: the
        `nonlocal` statements whose position lies within the body's."""
        if not self.index.nonlocals:
            return set()
        if self._nonlocals is None:
            ordered = sorted(self.index.nonlocals, key=lambda n: (n.lineno, n.col_offset))
            self._nonlocals = ([(n.lineno, n.col_offset) for n in ordered], ordered)
        starts, ordered = self._nonlocals
        first, last = body[0], body[-1]
        low = bisect.bisect_left(starts, (first.lineno, first.col_offset))
        high = bisect.bisect_left(starts, (last.end_lineno, last.end_col_offset))
        return {name for node in ordered[low:high] for name in node.names}


_WITH_PARAMETERS = (*FUNCTIONS, ast.Lambda)


def _rebinds(method: ast.AST, me: str, nodes: list[ast.AST]) -> bool:
    for node in nodes:
        kind = node.__class__
        if kind is ast.Name:
            if node.id == me and node.ctx.__class__ is not ast.Load:
                return True
        elif kind in _WITH_PARAMETERS and node is not method and me in parameters(node.args):
            return True
    return False


@isolated
def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    module = _Module(tree, source.path, tree_index(tree))
    classes = list(module.classes())  # first: they mark what acts on a method's own self
    scope = module.scope()
    yield scope
    yield from classes
    names = {row[0] for row in scope.bindings if row[1] in ("class", "import", "from")}
    yield from module.name_uses(names)
