"""Calls and what they call: the per-file half of the call checks (PF520, PF521, PF522's calls).

For each module, from the one tree walk (tree_index.py) and the scope readers (scopes.py):
- the signature of every module-level function and every method of a module-level class, and
  whether its body only raises NotImplementedError (or it is an @abstractmethod);
- the fields of each `@dataclass` (the `__init__` the decorator writes);
- the calls whose callee can be known: `name(...)`/`module.name(...)`/`Class.method(...)`
  rooted in a module-level name no local shadows, `self.method(...)`/`cls.method(...)` in a
  method, and `var.method(...)` where the local's only binding is `var = Class(...)`;
- the classes named in module-level literal registries (`{"box": BoxscoresProcessor}`);
(Literal dicts and their lookups are lookups.py's.)
Resolution across modules is rules/python/calls.py's job.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from typing import Iterable, Iterator

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.names.python import dotted
from gcp_preflight.validators.python.handlers import Handlers, last
from gcp_preflight.validators.python.scopes import FUNCTIONS, bindings, isolated, location, parameters, scope_list
from gcp_preflight.validators.python.tree_index import TreeIndex, tree_index

_DEFINITIONS = frozenset({*FUNCTIONS, ast.ClassDef})
NOT_LITERAL = "\0"  # a positional argument that is not a string literal
# dataclass() options that do not change which __init__ it writes beyond what is read here.
DATACLASS_OPTIONS = frozenset({"init", "kw_only", "frozen", "eq", "order", "repr", "unsafe_hash", "slots",
                               "match_args", "weakref_slot"})


@fact
@dataclass(slots=True, unsafe_hash=True)
class PySignature:
    """A module-level function (owner "") or a method of the module-level class `owner`.
    params: the positional parameters in order (positional-only first, `posonly` of them);
    defaults: how many of the last positional parameters have a default; kwonly / kw_defaults:
    the keyword-only parameters and those of them with a default. stub: "abstractmethod" when
    so decorated, "NotImplementedError" when the body (docstring aside) only raises it (both,
    space-separated, when both hold). passthrough: it is a decorator (or a decorator factory)
    whose wrapper is `@functools.wraps(func)` `def wrapper(*args, **kwargs)` calling
    `func(*args, **kwargs)`, so the decorated function's own signature still decides."""

    path: str
    owner: str
    name: str
    location: Location
    params: tuple[str, ...]
    posonly: int
    defaults: int
    kwonly: tuple[str, ...]
    kw_defaults: tuple[str, ...]
    varargs: bool
    varkw: bool
    decorators: tuple[str, ...]
    stub: str
    passthrough: bool = False  # a decorator whose wrapper hands every argument to the function


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyDataclass:
    """A module-level class decorated with @dataclass: its own fields (name, has a default,
    in __init__, keyword-only), whether it writes __init__, and whether every option is known."""

    path: str
    name: str
    fields: tuple[tuple[str, bool, bool, bool], ...]
    init: bool
    known: bool


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyCallSite:
    """A call whose callee may be known.

    kind "name": `owner` is the callee as written, rooted in a module-level name;
    kind "self" / "cls": `receiver.name(...)` in a method of the module-level class `owner`;
    kind "local": `receiver.name(...)` where the local's only binding is `receiver = owner(...)`.
    positional / keywords: what the call passes (`star`: it unpacks `*args` or `**kwargs`).
    catches: the exceptions caught around it in its function ("*" for a bare except).
    import_time: it runs when the module is imported (module level or a class body);
    literals: its positional arguments as string literals (NOT_LITERAL for anything else),
    names bound once to a string at module level (or in the class body) read as their value."""

    path: str
    kind: str
    owner: str
    receiver: str
    name: str
    location: Location
    positional: int
    keywords: tuple[str, ...]
    star: bool
    function: str
    catches: tuple[str, ...]
    import_time: bool
    literals: tuple[str, ...]


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyClassMention:
    """A name written as an element of a module-level literal dict, list, tuple or set (a registry)."""

    path: str
    dotted: str
    location: Location


def _decorator(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        inner = dotted(node.func)
        return f"{inner}()" if inner else "?"
    return dotted(node) or "?"


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _stub(function: ast.AST, decorators: tuple[str, ...]) -> str:
    """"abstractmethod" when so decorated, "NotImplementedError" when the body (docstring aside)
    only raises it, both space-separated, or ""."""
    found = []
    if any(last(d.removesuffix("()")) in ("abstractmethod", "abstractproperty") for d in decorators):
        found.append("abstractmethod")
    body = [s for s in function.body if not _is_docstring(s)]
    if len(body) == 1 and isinstance(body[0], ast.Raise) and body[0].exc is not None:
        exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
        if last(dotted(exc) or "") == "NotImplementedError":
            found.append("NotImplementedError")
    return " ".join(found)


def signature(path: str, owner: str, node: ast.AST, index: TreeIndex) -> PySignature:
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    decorators = tuple(_decorator(d) for d in node.decorator_list)
    return PySignature(path, owner, node.name, location(path, node), tuple(a.arg for a in positional),
                       len(args.posonlyargs), len(args.defaults), tuple(a.arg for a in args.kwonlyargs),
                       tuple(a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None),
                       args.vararg is not None, args.kwarg is not None, decorators, _stub(node, decorators),
                       not owner and _passes_through(node, index))


def _passes_through(function: ast.AST, index: TreeIndex, depth: int = 0) -> bool:
    """A decorator whose wrapper hands all its arguments to the function it wraps (or a
    decorator factory returning one: one level more)."""
    params = set(parameters(function.args))
    for node in scope_list(function.body, index):
        if node.__class__ in FUNCTIONS and (_wrapper_of(node, params, index)
                                            or (depth == 0 and _passes_through(node, index, 1))):
            return True
    return False


def _wrapper_of(node: ast.AST, params: set[str], index: TreeIndex) -> bool:
    """`@wraps(func) def wrapper(*args, **kwargs)` whose body calls `func(*args, **kwargs)`."""
    wrapped = [d.args[0].id for d in node.decorator_list if isinstance(d, ast.Call) and d.args
               and last(dotted(d.func) or "") == "wraps" and isinstance(d.args[0], ast.Name) and d.args[0].id in params]
    if not wrapped or node.args.vararg is None or node.args.kwarg is None:
        return False
    star, double = node.args.vararg.arg, node.args.kwarg.arg
    for call in scope_list(node.body, index):
        if call.__class__ is ast.Call and isinstance(call.func, ast.Name) and call.func.id == wrapped[0] \
                and len(call.args) == 1 and isinstance(call.args[0], ast.Starred) \
                and isinstance(call.args[0].value, ast.Name) and call.args[0].value.id == star \
                and len(call.keywords) == 1 and call.keywords[0].arg is None \
                and isinstance(call.keywords[0].value, ast.Name) and call.keywords[0].value.id == double:
            return True
    return False


def _dataclass(path: str, node: ast.ClassDef) -> PyDataclass | None:
    for deco in node.decorator_list:
        func = deco.func if isinstance(deco, ast.Call) else deco
        if last(dotted(func) or "") != "dataclass":
            continue
        options = {k.arg: k.value for k in deco.keywords} if isinstance(deco, ast.Call) else {}
        known = all(k in DATACLASS_OPTIONS and isinstance(v, ast.Constant) for k, v in options.items())
        known = known and not (isinstance(deco, ast.Call) and deco.args)
        init = not (isinstance(options.get("init"), ast.Constant) and options["init"].value is False)
        kw_all = isinstance(options.get("kw_only"), ast.Constant) and options["kw_only"].value is True
        return PyDataclass(path, node.name, tuple(_fields(node, kw_all)), init, known)
    return None


def _fields(node: ast.ClassDef, kw_only: bool) -> Iterator[tuple[str, bool, bool, bool]]:
    for stmt in node.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        annotation = stmt.annotation.value if isinstance(stmt.annotation, ast.Subscript) else stmt.annotation
        written = last(dotted(annotation) or "")
        if written == "ClassVar":
            continue
        if written == "KW_ONLY":
            kw_only = True
            continue
        default, init, kw = stmt.value is not None, True, kw_only
        value = stmt.value
        if isinstance(value, ast.Call) and last(dotted(value.func) or "") == "field":
            options = {k.arg: k.value for k in value.keywords}
            default = "default" in options or "default_factory" in options
            if isinstance(options.get("init"), ast.Constant) and options["init"].value is False:
                init = False
            if isinstance(options.get("kw_only"), ast.Constant):
                kw = options["kw_only"].value is True
        yield stmt.target.id, default, init, kw


class _Module:
    def __init__(self, tree: ast.Module, path: str, index: TreeIndex):
        self.tree, self.path, self.index = tree, path, index
        found, _ = bindings(tree.body, index)
        counts: dict[str, int] = {}
        for b in found:
            counts[b.name] = counts.get(b.name, 0) + 1
        # Names a call may resolve to a project callable through: not those bound only by
        # imports from the standard library (most calls, none of them the project's).
        stdlib = {b.name for b in found if _from_stdlib(b.node)}
        self.module_names = {b.name for b in found if isinstance(b.node, (*FUNCTIONS, ast.ClassDef, ast.Import,
                                                                           ast.ImportFrom))} - stdlib
        self.strings = _string_constants(found, counts)  # NAME = "literal", bound once
        self.classes = [n for n in scope_list(tree.body, index) if isinstance(n, ast.ClassDef)]
        self.functions = [n for n in scope_list(tree.body, index) if isinstance(n, FUNCTIONS)]
        # `if __name__ == "__main__":` runs when the file is run as a script, not when imported.
        self.main = Handlers(tree.body, main=True)

    # -- signatures and classes ---------------------------------------------------------------
    def signatures(self) -> Iterator[object]:
        for node in self.functions:
            yield signature(self.path, "", node, self.index)
        for cls in self.classes:
            for node in scope_list(cls.body, self.index):
                if isinstance(node, FUNCTIONS):
                    yield signature(self.path, cls.name, node, self.index)
            data = _dataclass(self.path, cls)
            if data is not None:
                yield data

    def mentions(self) -> Iterator[PyClassMention]:
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, (ast.Dict, ast.List,
                                                                                         ast.Tuple, ast.Set)):
                yield from self._elements(stmt.value)

    def _elements(self, node: ast.AST) -> Iterator[PyClassMention]:
        todo = [node]
        for current in todo:
            elements = [*current.keys, *current.values] if isinstance(current, ast.Dict) else current.elts
            for element in elements:
                if isinstance(element, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
                    todo.append(element)
                elif isinstance(element, (ast.Name, ast.Attribute)):
                    name = dotted(element)
                    if name and name.split(".")[0] in self.module_names:
                        yield PyClassMention(self.path, name, location(self.path, element))

    # -- calls --------------------------------------------------------------------------------
    def calls(self) -> Iterator[PyCallSite]:
        yield from self._scope(self.tree.body, "", set(), None, None, True)

    def _scope(self, body, qualname, hidden, function, cls, import_time) -> Iterator[PyCallSite]:
        """Calls in one scope, then in the scopes nested in it. `hidden`: names local to an
        enclosing function. `cls`: the module-level class whose method (or body) this is."""
        found, declared = bindings(body, self.index)
        nodes = scope_list(body, self.index)
        local: set[str] = set()
        typed: dict[str, str] = {}
        me = kind = None
        if function is not None:
            params = [a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs,
                                      function.args.vararg, function.args.kwarg) if a is not None]
            local = ({b.name for b in found} | set(params)) - declared
            typed = self._typed(found, params, declared, hidden | local)
            if cls is not None and hidden == set():
                me, kind = self._receiver(function, params, found)
        elif cls is not None:  # a class body: its names do not reach its methods
            local = {b.name for b in found}
        tries = Handlers(nodes)
        hidden_here = hidden | local
        for node in nodes:
            if node.__class__ is ast.Call:
                site = self._call(node, qualname, hidden_here, typed, me, kind, cls, tries, import_time, local)
                if site is not None:
                    yield site
        for node in nodes:
            if node.__class__ not in _DEFINITIONS:
                continue
            if node.__class__ is ast.ClassDef:
                inner_cls = node if function is None and cls is None else None
                name = f"{qualname}.{node.name}" if qualname else node.name
                yield from self._scope(node.body, name, hidden, None, inner_cls, import_time and inner_cls is not None)
            else:
                name = f"{qualname}.{node.name}" if qualname else node.name
                method_of = cls if function is None else None
                yield from self._scope(node.body, name, hidden_here if function is not None else hidden, node,
                                       method_of, False)

    def _receiver(self, function, params, found) -> tuple[str | None, str | None]:
        """The method's first parameter (the instance, or the class of a classmethod), unless
        a staticmethod or rebound in the method."""
        decorators = {last(_decorator(d).removesuffix("()")) for d in function.decorator_list}
        positional = [*function.args.posonlyargs, *function.args.args]
        if "staticmethod" in decorators or not positional:
            return None, None
        me = positional[0].arg
        if any(b.name == me for b in found):
            return None, None
        return me, "cls" if "classmethod" in decorators else "self"

    def _typed(self, found, params, declared, hidden) -> dict[str, str]:
        """Locals whose only binding is `name = Dotted(...)`, Dotted rooted in a module-level name."""
        if self.index.nonlocals:
            return {}  # a nested function may rebind them
        by_name: dict[str, list] = {}
        for b in found:
            by_name.setdefault(b.name, []).append(b)
        typed = {}
        for name, binds in by_name.items():
            node = binds[0].node
            if len(binds) != 1 or name in params or name in declared:
                continue
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Call):
                ctor = dotted(node.value.func)
                if ctor and ctor.split(".")[0] not in hidden and ctor.split(".")[0] in self.module_names:
                    typed[name] = ctor
        return typed

    def _call(self, node: ast.Call, qualname, hidden, typed, me, kind, cls, tries, import_time,
              class_local) -> PyCallSite | None:
        func = node.func
        callee = dotted(func)
        if callee is None:
            return None
        root = callee.split(".")[0]
        receiver, name = root, ""
        if root == me and func.__class__ is ast.Attribute and func.value.__class__ is ast.Name:
            site_kind, owner, name = kind, cls.name, func.attr
        elif root in typed and func.__class__ is ast.Attribute and func.value.__class__ is ast.Name:
            site_kind, owner, name = "local", typed[root], func.attr
        elif root not in hidden and root in self.module_names:
            site_kind, owner = "name", callee
        else:
            return None
        named = [k.arg for k in node.keywords if k.arg is not None]
        if len(set(named)) < len(named):
            return None  # a repeated keyword is a SyntaxError the compiler reports (PF002), not a TypeError
        import_time = import_time and not self.main.around(node)
        star = any(a.__class__ is ast.Starred for a in node.args) or any(k.arg is None for k in node.keywords)
        literals = tuple(self._literal(a, cls if import_time else None, class_local) for a in node.args) \
            if import_time else ()
        return PyCallSite(self.path, site_kind, owner, receiver, name, location(self.path, func), len(node.args),
                          tuple(k.arg for k in node.keywords if k.arg is not None), star, qualname,
                          tries.around(node), import_time, literals)

    def _literal(self, node: ast.AST, cls, class_local) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            if cls is not None and node.id in class_local:
                return _class_strings(cls, self.index).get(node.id, NOT_LITERAL)
            return self.strings.get(node.id, NOT_LITERAL)
        return NOT_LITERAL

def _from_stdlib(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return all(a.name.split(".")[0] in sys.stdlib_module_names for a in node.names)
    return isinstance(node, ast.ImportFrom) and not node.level and \
        (node.module or "").split(".")[0] in sys.stdlib_module_names


def _string_constants(found, counts) -> dict[str, str]:
    out = {}
    for b in found:
        node = b.node
        if counts[b.name] == 1 and isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(b.target, ast.Name) \
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            if isinstance(node, ast.AnnAssign) or len(node.targets) == 1:
                out[b.name] = node.value.value
    return out


def _class_strings(cls: ast.ClassDef, index: TreeIndex) -> dict[str, str]:
    def make():
        found, _ = bindings(cls.body, index)
        counts: dict[str, int] = {}
        for b in found:
            counts[b.name] = counts.get(b.name, 0) + 1
        return _string_constants(found, counts)
    return index.cached(cls, "strings", make)


@isolated
def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    module = _Module(tree, source.path, tree_index(tree))
    yield from module.signatures()
    yield from module.mentions()
    yield from module.calls()
