"""Names read that no scope binds: NameError when the line runs (PF510 at import, PF511 in a call).

Python looks a name up in the function's own scope, then the enclosing functions (never the
class bodies around a method), then the module, then builtins. A name none of them binds raises
NameError when its line runs. What runs when the module is imported (module-level statements,
class bodies, decorators, default values, annotations of functions and classes unless `from
__future__ import annotations`) also needs the binding to come first, in the order of the text.

The scoping is the one a deployed module has: an import inside one function binds only there; a
name bound only in another module is unbound here. A module whose names can come from where no
reader sees (`globals()` or `vars()`, `exec`, a module `__getattr__`, a `locals()` write in a
class body, `sys.modules[...]` writes, enum `_convert_`) yields nothing; a star import and the builtins some project module writes are
resolved by the rules, which see the whole project. Uses under `try: ... except NameError` (or a
bare/Exception handler), under `if TYPE_CHECKING:` and in branches taken by Python version or
platform (`if sys.version_info[0] == 2:`, `if os.name == "nt":`) are left out, and so are
notebooks exported as scripts (`get_ipython()`, `dbutils`, a Databricks header). The body of a
generator expression runs when it is consumed: read there, a module's name counts as bound
wherever the module binds it.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.python.handlers import is_main_test
from gcp_preflight.validators.python.nodes import children
from gcp_preflight.validators.python.scopes import _names as _names_in
from gcp_preflight.validators.python.scopes import isolated, location

# Builtins that older runtimes lack, with the version that added them (3.8 is the oldest runtime
# deployed; every other builtin name exists from 3.8 on).
ADDED_BUILTINS = {
    "aiter": (3, 10), "anext": (3, 10), "EncodingWarning": (3, 10),
    "BaseExceptionGroup": (3, 11), "ExceptionGroup": (3, 11),
    "PythonFinalizationError": (3, 13), "_IncompleteInputError": (3, 13),
}
# What every module has without binding it; WindowsError is kept (code reading it is guarded by
# a platform check that a reader cannot evaluate).
MODULE_NAMES = frozenset({"__name__", "__file__", "__doc__", "__loader__", "__spec__", "__package__",
                          "__builtins__", "__annotations__", "__cached__", "__dict__", "WindowsError"})
CLASS_NAMES = frozenset({"__module__", "__qualname__"})
BUILTINS = frozenset(n for n in dir(builtins) if n not in ADDED_BUILTINS) - {"_"}
NAME_ERROR_CATCHERS = frozenset({"NameError", "Exception", "BaseException"})
DYNAMIC_CALLS = frozenset({"globals", "vars", "exec"})
_WATCHED_CALLS = DYNAMIC_CALLS | {"locals", "setattr"}
_WATCHED_METHODS = frozenset({"install", "_convert_", "_convert", "update", "setdefault"})
# Grammar newer than every host's parser (type parameters) is blanked before parsing: the names
# it binds are not in the tree, so such a module is not read.
_TYPE_PARAMS = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+\w+[ \t]*\[|^[ \t]*type[ \t]+\w+[ \t]*[\[=]", re.M)


TOP_LEVEL = "the module's top-level code"
MAIN_BLOCK = 'the `if __name__ == "__main__":` block'


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyUndefinedName:
    """A name read where nothing binds it. `when` is "import" (runs when the module is imported,
    or, with `context` MAIN_BLOCK, when the file is run as a script) or "call" (runs when
    `function` is called). `later` is the module's binding after an import-time use;
    `elsewhere` a binding local to another function (`elsewhere_in`); `since` the Python version
    that made the name a builtin; `stars` the star imports that may bind it."""

    path: str
    name: str
    location: Location
    when: str
    function: str  # qualified name of the function it runs in ("" at import)
    context: str  # "module level", "the class body of X", "a decorator", "a default value", ...
    annotation: bool  # evaluated only because annotations are evaluated eagerly (deferred in 3.14)
    later: Location | None
    elsewhere: Location | None
    elsewhere_in: str
    since: tuple[int, int] | None
    stars: tuple[tuple[str, int], ...]  # (module, level) of each star import
    hidden_in: str  # a class whose body binds the name, unseen from this nested scope


@fact
@dataclass(slots=True, unsafe_hash=True)
class PyBuiltinsWrite:
    """A module that adds names to `builtins` (`names`; `every` when the name is computed)."""

    path: str
    names: tuple[str, ...]
    every: bool


class _Scope:
    __slots__ = ("kind", "parent", "name", "binds", "nonlocals", "globals", "imports", "node")

    def __init__(self, kind: str, parent: _Scope | None, name: str, node: ast.AST | None):
        self.kind = kind  # "module", "class", "function", "lambda", "comprehension"
        self.parent = parent
        self.name = name  # qualified name of a function or class ("" for the module)
        self.binds: dict[str, tuple[int, int]] = {}  # name -> where its first binding has happened
        self.nonlocals: set[str] = set()
        self.globals: set[str] = set()
        self.imports: dict[str, ast.AST] = {}  # name -> the import that binds it here
        self.node = node


def _pos(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _end(node: ast.AST) -> tuple[int, int]:
    return node.end_lineno or node.lineno, node.end_col_offset or 0


def _catches_name_error(handlers: list[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any((t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "")) in NAME_ERROR_CATCHERS
               for t in types):
            return True
    return False


def _never_runs(test: ast.AST) -> bool:
    """`if TYPE_CHECKING:`, `if typing.TYPE_CHECKING:`, `if False:`, `if 0:`."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    return isinstance(test, ast.Constant) and not test.value and test.value is not None


# Branches taken by version or platform (`if sys.version_info[0] == 2:`, `if PY2:`, `if os.name
# == "nt":`): Python 2 names (`unicode`, `xrange`) or Windows ones read there may never run.
_PLATFORM_WORDS = frozenset({"version_info", "version", "platform", "PY2", "PY3", "PY34", "PY36", "PY37", "IS_PY2",
                             "IS_PY3", "PYTHON2", "PYTHON3", "WINDOWS", "IS_WINDOWS", "hexversion"})


def _by_platform(test: ast.AST) -> bool:
    for node in ast.walk(test):
        word = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
        if word in _PLATFORM_WORDS or (word == "name" and isinstance(node, ast.Attribute)
                                       and getattr(node.value, "id", "") == "os"):
            return True
    return False


# Names a notebook host injects (Jupyter, Databricks): a module reading them unbound is a notebook
# exported as a script, meant to run where they exist.
NOTEBOOK_NAMES = frozenset({"get_ipython", "dbutils", "displayHTML"})
# `gettext.install()` (and `translation(...).install()`) put these in builtins.
GETTEXT_BUILTINS = ("_", "gettext", "ngettext", "pgettext", "npgettext")


class _Reader:
    """One walk of the module: scopes with their bindings, names read, what makes it dynamic."""

    def __init__(self, tree: ast.Module, path: str):
        self.path = path
        self.module = _Scope("module", None, "", tree)
        self.starts: dict[str, tuple[int, int]] = {}  # module name -> where its first binding is written
        self.uses: list[tuple] = []
        self.functions: list[_Scope] = []
        self.stars: list[tuple[str, int]] = []
        self.dynamic = ""  # why the module's names cannot all be known
        self.global_names: set[str] = set()  # declared global in some function: bound at any time
        self.builtins_names: list[str] = []
        self.builtins_every = False
        self.future_annotations = any(isinstance(s, ast.ImportFrom) and s.module == "__future__"
                                      and any(a.name == "annotations" for a in s.names) for s in tree.body)
        self._walk(tree)

    def _bind(self, scope: _Scope, name: str, at: tuple[int, int], start: tuple[int, int] | None = None) -> None:
        """`at`: where the binding has happened (a statement's end); `start`: where it is written."""
        if scope.kind == "comprehension":  # (only walrus targets come here) they bind outside it
            while scope.kind == "comprehension":
                scope = scope.parent
        if scope.kind == "function" and name in scope.globals:
            self.global_names.add(name)
            return
        old = scope.binds.get(name)
        if old is None or at < old:
            scope.binds[name] = at
            if scope is self.module:
                self.starts[name] = start or at

    def _walk(self, tree: ast.Module) -> None:
        # state: (scope, when, context, annotation, loop, guarded, dead)
        start = (self.module, "import", TOP_LEVEL, False, None, False, False)
        stack = [(node, start) for node in reversed(tree.body)]
        pop, extend = stack.pop, stack.extend
        uses = self.uses
        constant, attribute, call, name, load = ast.Constant, ast.Attribute, ast.Call, ast.Name, ast.Load
        while stack:
            node, state = pop()
            kind = node.__class__
            if kind is ast.Name:
                ctx = node.ctx.__class__
                if ctx is ast.Load:
                    if not state[6]:
                        uses.append((node, state))
                else:
                    self._bind(state[0], node.id, _end(node) if ctx is ast.Del else _pos(node))
                continue
            if kind is attribute:  # the commonest nodes, read inline
                if node.ctx.__class__ is load:
                    extend(((node.value, state),))
                    continue
            elif kind is call:
                func = node.func
                if (func.__class__ is name and func.id not in _WATCHED_CALLS) or \
                        (func.__class__ is attribute and func.attr not in _WATCHED_METHODS):
                    extend([(child, state) for child in children(node) if child.__class__ is not constant])
                    continue
            handler = _SPECIAL.get(kind)
            if handler is not None:
                extend(handler(self, node, state))
                continue
            # (the order of the walk does not matter: uses are resolved after it, bindings kept by position)
            extend([(child, state) for child in children(node) if child.__class__ is not constant])

    # -- the nodes that open scopes, bind names or change what runs when ---------------------
    def _function(self, node, state):
        scope, when, _, annotation, loop, guarded, dead = state
        self._bind(scope, node.name, _end(node), _pos(node))
        if scope.kind == "module" and node.name == "__getattr__":
            self.dynamic = "a module __getattr__"
        qual = f"{scope.name}.{node.name}" if scope.name else node.name
        inner = _Scope("function", scope, qual, node)
        self.functions.append(inner)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                inner.binds[arg.arg] = (0, 0)
        for stmt in node.body:  # declarations first: a binding after `global x` is the module's
            if isinstance(stmt, ast.Global):
                inner.globals.update(stmt.names)
        out = [(d, (scope, when, "a decorator", annotation, loop, guarded, dead)) for d in node.decorator_list]
        out += [(d, (scope, when, "a default value", annotation, loop, guarded, dead))
                for d in [*args.defaults, *(k for k in args.kw_defaults if k is not None)]]
        if not self.future_annotations:  # evaluated where the def runs, in the scope around it
            notes = [a.annotation for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
                     if a is not None and a.annotation is not None]
            if node.returns is not None:
                notes.append(node.returns)
            out += [(n, (scope, when, "an annotation", True, loop, guarded, dead)) for n in notes]
        body_state = (inner, "call", f"{qual}()", False, None, False, dead)
        out += [(stmt, body_state) for stmt in node.body]
        return out

    def _lambda(self, node, state):
        scope, when, context, annotation, loop, guarded, dead = state
        inner = _Scope("lambda", scope, scope.name, node)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                inner.binds[arg.arg] = (0, 0)
        out = [(d, state) for d in [*args.defaults, *(k for k in args.kw_defaults if k is not None)]]
        context = f"{scope.name}()" if scope.name and scope.kind == "function" else "a lambda"
        out.append((node.body, (inner, "call", context, False, None, False, dead)))
        return out

    def _class(self, node, state):
        scope, when, _, annotation, loop, guarded, dead = state
        self._bind(scope, node.name, _end(node), _pos(node))
        qual = f"{scope.name}.{node.name}" if scope.name else node.name
        inner = _Scope("class", scope, qual, node)
        head = (scope, when, f"the class statement of {node.name}", annotation, loop, guarded, dead)
        out = [(d, head) for d in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]]
        body_state = (inner, when, f"the class body of {node.name}", False, loop, guarded, dead)
        out += [(stmt, body_state) for stmt in node.body]
        return out

    def _comprehension(self, node, state):
        scope, when, context, annotation, loop, guarded, dead = state
        inner = _Scope("comprehension", scope, scope.name, node)
        if node.__class__ is ast.GeneratorExp:  # runs when consumed, maybe after later bindings
            when, context = "call", "a generator expression" if when == "import" else context
        inner_state = (inner, when, context, annotation, loop, guarded, dead)
        out = []
        for i, gen in enumerate(node.generators):
            for name in _names_in(gen.target):
                inner.binds[name.id] = (0, 0)
            out.append((gen.iter, state if i == 0 else inner_state))
            out += [(test, inner_state) for test in gen.ifs]
        elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        out += [(e, inner_state) for e in elements]
        return out

    def _import(self, node, state):
        scope = state[0]
        for alias in node.names:
            if alias.name == "*":
                self.stars.append((node.module or "", getattr(node, "level", 0) or 0))
            else:
                name = alias.asname or alias.name.split(".")[0]
                self._bind(scope, name, _end(node), _pos(node))
                scope.imports.setdefault(name, node)
        return []

    def _global(self, node, state):
        scope = state[0]
        if isinstance(node, ast.Global):
            self.global_names.update(node.names)
            scope.globals.update(node.names)
        else:
            scope.nonlocals.update(node.names)
        return []

    def _try(self, node, state):
        scope, when, context, annotation, loop, guarded, dead = state
        body_state = (scope, when, context, annotation, loop, True, dead) if _catches_name_error(node.handlers) \
            else state
        out = [(stmt, body_state) for stmt in node.body]
        out += [(h, state) for h in node.handlers]
        out += [(stmt, state) for stmt in [*node.orelse, *node.finalbody]]
        return out

    def _handler(self, node, state):
        if node.name:
            self._bind(state[0], node.name, _pos(node))
        return ([(node.type, state)] if node.type is not None else []) + [(s, state) for s in node.body]

    def _if(self, node, state):
        if state[0].kind == "module" and state[2] == TOP_LEVEL and is_main_test(node.test):
            # runs in the module's order, but only when the file is run as a script (PF511, not PF510)
            main = (state[0], state[1], MAIN_BLOCK, *state[3:])
            return [(node.test, state), *((s, main) for s in node.body), *((s, state) for s in node.orelse)]
        if _never_runs(node.test) or _by_platform(node.test):
            scope, when, context, annotation, loop, guarded, _ = state
            dead = (scope, when, context, annotation, loop, guarded, True)
            orelse = dead if not _never_runs(node.test) else state
            return [(node.test, state), *((s, dead) for s in node.body), *((s, orelse) for s in node.orelse)]
        return [(node.test, state), *((s, state) for s in node.body), *((s, state) for s in node.orelse)]

    def _loop(self, node, state):
        scope, when, context, annotation, loop, guarded, dead = state
        if loop is None and scope.kind in ("module", "class"):
            state = (scope, when, context, annotation, (_pos(node), _end(node)), guarded, dead)
        if node.__class__ is not ast.While:
            for name in _names_in(node.target):
                self._bind(scope, name.id, _end(node.iter))
            parts = [(t, state) for t in _target_parts(node.target)]
            return [(node.iter, state), *parts, *((s, state) for s in [*node.body, *node.orelse])]
        return [(node.test, state), *((s, state) for s in [*node.body, *node.orelse])]

    def _with(self, node, state):
        out = []
        for item in node.items:
            out.append((item.context_expr, state))
            if item.optional_vars is not None:
                for name in _names_in(item.optional_vars):
                    self._bind(state[0], name.id, _end(item.context_expr))
                out += [(t, state) for t in _target_parts(item.optional_vars)]
        return out + [(s, state) for s in node.body]

    def _annassign(self, node, state):
        scope, when, context, annotation, loop, guarded, dead = state
        out = [(node.value, state)] if node.value is not None else []
        for name in _names_in(node.target):
            self._bind(scope, name.id, _end(node), _pos(node))
        out += [(t, state) for t in _target_parts(node.target)]
        if scope.kind in ("module", "class") and not self.future_annotations:
            out.append((node.annotation, (scope, when, context, True, loop, guarded, dead)))
        return out

    def _assign_target(self, node, state):
        """Assignments bind their names where the statement ends (the value runs first)."""
        scope = state[0]
        targets = node.targets if node.__class__ is ast.Assign else [node.target]
        out = [(node.value, state)]
        for target in targets:
            for name in _names_in(target):
                self._bind(scope, name.id, _end(node), _pos(node))
            out += [(t, state) for t in _target_parts(target)]
        if node.__class__ is ast.AugAssign and isinstance(node.target, ast.Name):
            out.append((ast.Name(node.target.id, ast.Load(), lineno=node.target.lineno,
                                 col_offset=node.target.col_offset, end_lineno=node.target.end_lineno,
                                 end_col_offset=node.target.end_col_offset), state))
        return out

    def _walrus(self, node, state):
        self._bind(state[0], node.target.id, _end(node))
        return [(node.value, state)]

    def _match_name(self, node, state):
        name = node.rest if isinstance(node, ast.MatchMapping) else node.name
        if name:
            self._bind(state[0], name, _pos(node))
        return [(c, state) for c in children(node)]

    def _call(self, node, state):
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in DYNAMIC_CALLS and (func.id == "exec" or not node.args):
                self.dynamic = self.dynamic or f"`{func.id}()`"
            elif func.id == "locals" and state[0].kind == "class":
                self.dynamic = self.dynamic or "`locals()` in a class body"
            elif func.id == "setattr" and node.args:
                self._setattr(node)
        elif isinstance(func, ast.Attribute) and func.attr in ("update", "setdefault") \
                and isinstance(func.value, ast.Attribute) and func.value.attr == "__dict__" \
                and _is_builtins(func.value.value):
            self.builtins_every = True  # builtins.__dict__.update(...)
        elif isinstance(func, ast.Attribute) and func.attr in ("_convert_", "_convert"):
            self.dynamic = self.dynamic or "enum `_convert_` exports members into the module"
        elif isinstance(func, ast.Attribute) and func.attr == "install" and not node.keywords and len(node.args) <= 1:
            self.builtins_names.extend(GETTEXT_BUILTINS)  # gettext.install("app")
        return [(c, state) for c in children(node)]

    def _setattr(self, node: ast.Call) -> None:
        owner = node.args[0]
        if isinstance(owner, ast.Name) and owner.id in ("builtins", "__builtins__"):
            name = node.args[1] if len(node.args) > 1 else None
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                self.builtins_names.append(name.value)
            else:
                self.builtins_every = True
        elif isinstance(owner, ast.Subscript) and "modules" in ast.dump(owner.value):
            self.dynamic = self.dynamic or "`setattr` on `sys.modules[...]`"

    def _attribute(self, node, state):
        value = node.value
        if node.ctx.__class__ is not ast.Load and _is_builtins(value):
            self.builtins_names.append(node.attr)
        return [(value, state)]

    def _subscript(self, node, state):
        value = node.value
        if node.ctx.__class__ is not ast.Load:
            if _is_builtins(value) or (isinstance(value, ast.Attribute) and value.attr == "__dict__"
                                       and _is_builtins(value.value)):
                key = node.slice
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    self.builtins_names.append(key.value)  # builtins.__dict__["_"] = ...
                else:
                    self.builtins_every = True
                return [(node.slice, state)]
            if isinstance(value, ast.Subscript) and "modules" in ast.dump(value.value):
                self.dynamic = self.dynamic or "a write to `sys.modules[...]`"
        return [(value, state), (node.slice, state)]


def _is_builtins(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("builtins", "__builtins__")


def _target_parts(target: ast.AST) -> list[ast.AST]:
    """The parts of an assignment target that read names (`a.b`, `x[i]`), not the names it binds."""
    if isinstance(target, ast.Name):
        return []
    if isinstance(target, (ast.Tuple, ast.List)):
        return [part for element in target.elts for part in _target_parts(element)]
    if isinstance(target, ast.Starred):
        return _target_parts(target.value)
    return [target]


_SPECIAL = {
    ast.FunctionDef: _Reader._function, ast.AsyncFunctionDef: _Reader._function, ast.Lambda: _Reader._lambda,
    ast.ClassDef: _Reader._class, ast.ListComp: _Reader._comprehension, ast.SetComp: _Reader._comprehension,
    ast.DictComp: _Reader._comprehension, ast.GeneratorExp: _Reader._comprehension,
    ast.Import: _Reader._import, ast.ImportFrom: _Reader._import, ast.Global: _Reader._global,
    ast.Nonlocal: _Reader._global, ast.Try: _Reader._try, ast.ExceptHandler: _Reader._handler,
    ast.If: _Reader._if, ast.For: _Reader._loop, ast.AsyncFor: _Reader._loop, ast.While: _Reader._loop,
    ast.With: _Reader._with, ast.AsyncWith: _Reader._with, ast.AnnAssign: _Reader._annassign,
    ast.Assign: _Reader._assign_target, ast.AugAssign: _Reader._assign_target, ast.NamedExpr: _Reader._walrus,
    ast.MatchAs: _Reader._match_name, ast.MatchStar: _Reader._match_name, ast.MatchMapping: _Reader._match_name,
    ast.Call: _Reader._call, ast.Attribute: _Reader._attribute, ast.Subscript: _Reader._subscript,
}
if hasattr(ast, "TryStar"):
    _SPECIAL[ast.TryStar] = _Reader._try


def _in_class_function(scope: _Scope) -> bool:
    """Whether `__class__` is defined: a function nested (at any depth) in a class body."""
    while scope is not None:
        if scope.kind == "function" and scope.parent is not None and scope.parent.kind == "class":
            return True
        scope = scope.parent
    return False


def _resolved(reader: _Reader, node: ast.Name, state: tuple, is_init: bool) -> tuple[bool, tuple | None, str]:
    """(bound, later, hidden_in): whether some scope binds the name when the use runs; else the
    module's binding that comes only after an import-time use, and a class body binding it that
    the use cannot see."""
    name = node.id
    scope, when = state[0], state[1]
    here = _pos(node)
    first = True  # a class body's names are seen only by uses directly in it
    hidden = ""
    while scope.kind != "module":
        if name in scope.globals:
            break
        if name in scope.nonlocals:
            return True, None, ""  # the compiler checks its binding (PF002)
        if scope.kind == "class":
            if first:
                if name in CLASS_NAMES:
                    return True, None, ""
                at = scope.binds.get(name)
                if at is not None and (at <= here or _loop_binds(state, at)):
                    return True, None, ""
            elif name in scope.binds and not hidden:
                hidden = scope.name
        elif name in scope.binds:
            return True, None, ""  # local (PF504 checks the order) or bound by an enclosing function
        first = False
        scope = scope.parent
    if name in reader.global_names:
        return True, None, ""  # a function declares it global: it may be bound at any time
    if name in BUILTINS or name in MODULE_NAMES or (name == "__path__" and is_init):
        return True, None, ""  # (a module binding after the use shadows it only from then on)
    at = reader.module.binds.get(name)
    if at is not None:
        if when == "call" or at <= here or _loop_binds(state, at):
            return True, None, ""
        return False, reader.starts.get(name, at), hidden
    if name == "__class__" and _in_class_function(state[0]):
        return True, None, ""
    return False, None, hidden


def _loop_binds(state: tuple, at: tuple[int, int]) -> bool:
    loop = state[4]
    return loop is not None and loop[0] <= at <= loop[1]


@isolated
def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    path = source.path
    if _TYPE_PARAMS.search(source.text):
        return
    reader = _Reader(tree, path)
    if reader.builtins_names or reader.builtins_every:
        yield PyBuiltinsWrite(path, tuple(sorted(set(reader.builtins_names))), reader.builtins_every)
    if reader.dynamic or source.text.startswith("# Databricks notebook source"):
        return
    is_init = path.endswith("__init__.py")
    stars = tuple(reader.stars)
    found = []
    for node, state in reader.uses:
        if state[5]:
            continue  # the code expects the NameError
        bound, later, hidden = _resolved(reader, node, state, is_init)
        if bound:
            continue
        name = node.id
        own = _function_of(state[0])
        other = next((f for f in reader.functions if f is not own and name in f.imports), None)
        found.append(PyUndefinedName(
            path, name, location(path, node), state[1], own.name if own is not None else "", state[2], state[3],
            Location(path, later[0], later[1] + 1) if later is not None else None,
            location(path, other.imports[name]) if other is not None else None, other.name if other else "",
            ADDED_BUILTINS.get(name), stars, hidden))
    if not any(use.name in NOTEBOOK_NAMES for use in found):
        yield from found


def _function_of(scope: _Scope) -> _Scope | None:
    while scope is not None and scope.kind != "function":
        scope = scope.parent
    return scope
