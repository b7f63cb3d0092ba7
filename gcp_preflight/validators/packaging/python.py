"""What a module imports and what names it defines: the input of the import closure (PF2xx).

One ModuleImports fact per Python file. Each import records where it is and when it runs: at
import time, only when a function runs, never (under `if TYPE_CHECKING:` or the `__main__`
guard), or optionally (inside `try/except ImportError`, or in that handler: a fallback).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.python.syntax_level import SyntaxFeature
from gcp_preflight.validators.python.nodes import children, walk
from gcp_preflight.validators.python.tree_index import tree_index

# Bare names that do not name a project function: kept out of the references (smaller cached
# facts). Attribute names are all kept (`self.filter()` may be a method).
_NOT_CALLEES = frozenset(dir(__import__("builtins"))) | {"self", "cls", "__name__", "__file__", "logger", "logging",
                                                          "os", "sys", "json", "re", "datetime", "time"}
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


@fact(shared=("module",))
@dataclass(slots=True, unsafe_hash=True)
class Import:
    """`import a.b` (names empty) or `from .a import x, y` (level 1, names ("x", "y"))."""

    module: str  # dotted name as written, "" for `from . import x`
    level: int
    names: tuple[str, ...]
    line: int
    column: int
    function: str = ""  # enclosing function ("Class.method"): runs only when it is called
    optional: bool = False  # inside try/except ImportError (or a bare/broad except)
    never: str = ""  # "TYPE_CHECKING" or "__main__": does not run on import

    @property
    def star(self) -> bool:
        return self.names == ("*",)


@fact
@dataclass(slots=True, unsafe_hash=True)
class Scope:
    """The names one scope mentions: `name` is "" for module-level code (class bodies and the
    `__main__` block included) or a function's dotted path ("Class.method"); `guarded` holds the
    names mentioned only inside `try` blocks that catch any exception."""

    name: str
    names: tuple[str, ...]
    guarded: tuple[str, ...] = ()


@fact
@dataclass(slots=True, unsafe_hash=True)
class ModuleImports:
    path: str
    imports: tuple[Import, ...]
    defines: tuple[str, ...]  # names bound at module level (defs, classes, assignments, imports)
    functions: tuple[str, ...]  # top-level def names
    has_getattr: bool  # a module-level __getattr__ answers any name
    # Names each scope mentions (calls, attribute reads), for which functions can run at all.
    references: tuple[Scope, ...] = ()
    decorated: tuple[str, ...] = ()  # functions with decorators (a framework may call them)


_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


class _Visitor(ast.NodeVisitor):
    """Statements are visited one by one (they nest at most 100 deep); an expression, which can
    nest thousands deep and holds no statement, is walked without recursion."""

    def __init__(self, walruses: bool = True) -> None:
        self.walruses = walruses  # the module has a `:=` somewhere
        self.imports: list[Import] = []
        self.defines: set[str] = set()
        self.functions: list[str] = []
        self.scope: list[str] = []  # enclosing function and class names
        self.in_function = 0
        self.optional = 0
        self.never: list[str] = []
        self.features: list[tuple[tuple[int, int], int, int, str]] = []
        self.refs: dict[str, set[str]] = {"": set()}
        self.guarded_refs: dict[str, set[str]] = {"": set()}
        self.decorated: list[str] = []
        self.guarded = 0  # inside a `try` whose handlers catch any exception
        self.current = ""  # the scope names are recorded for (see _scope)
        self.current_refs: set[str] = self.refs[""]

    def _scope(self) -> str:
        return ".".join(self.scope) if self.in_function else ""

    def _ref(self, name: str) -> None:
        if self.guarded:
            self.guarded_refs.setdefault(self.current, set()).add(name)
        else:
            self.current_refs.add(name)

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, _STATEMENTS):
            method = _METHODS.get(node.__class__)
            if method is None:
                method = _METHODS[node.__class__] = getattr(_Visitor, f"visit_{node.__class__.__name__}",
                                                            _Visitor.generic_visit)
            method(self, node)
        else:
            self._expression(node)

    def generic_visit(self, node: ast.AST) -> None:
        for child in children(node):
            self.visit(child)

    def _expression(self, node: ast.AST) -> None:
        """Names an expression binds (`for` targets, comprehension variables, `:=`) and the names
        and attributes it reads (the references of its scope)."""
        walruses, not_callees, ref = self.walruses, _NOT_CALLEES, self._ref
        for inner in walk(node):
            kind = inner.__class__
            if kind is ast.Name:
                if inner.ctx.__class__ is ast.Store:
                    self._bind(inner.id)
                elif inner.id not in not_callees:  # a bare `len`, `self`, `os` names no project function
                    ref(inner.id)
            elif kind is ast.Attribute:
                ref(inner.attr)
            elif walruses and kind is ast.NamedExpr:
                self.features.append(((3, 8), inner.lineno, inner.col_offset + 1, "an assignment expression (:=)"))

    # A statement that holds no statement is walked whole, once (not child by child): what it
    # binds and reads goes into sets, and its features are sorted at the end.
    visit_Assign = visit_AugAssign = visit_AnnAssign = visit_Expr = _expression
    visit_Return = visit_Delete = visit_Raise = visit_Assert = _expression

    # -- bindings ---------------------------------------------------------------------------
    def _bind(self, name: str) -> None:
        if not self.scope:
            self.defines.add(name)

    def visit_FunctionDef(self, node) -> None:
        self._bind(node.name)
        if not self.scope:
            self.functions.append(node.name)
        args = node.args
        if getattr(args, "posonlyargs", None):
            self.features.append(((3, 8), node.lineno, node.col_offset + 1, "positional-only parameters"))
        for deco in node.decorator_list:
            self.visit(deco)
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.visit(default)
        self.scope.append(node.name)
        self.in_function += 1
        outer, outer_refs = self.current, self.current_refs
        self.current = self._scope()
        if node.decorator_list:
            self.decorated.append(self.current)
        self.current_refs = self.refs.setdefault(self.current, set())
        guarded, self.guarded = self.guarded, 0  # a function body runs when called, not here
        for stmt in node.body:
            self.visit(stmt)
        self.guarded = guarded
        self.current, self.current_refs = outer, outer_refs
        self.in_function -= 1
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node) -> None:
        self._bind(node.name)
        for expr in node.bases + node.decorator_list:
            self.visit(expr)
        self.scope.append(node.name)
        for stmt in node.body:
            self.visit(stmt)
        self.scope.pop()

    def visit_Match(self, node) -> None:
        self.features.append(((3, 10), node.lineno, node.col_offset + 1, "a match statement"))
        self.generic_visit(node)

    # -- imports ----------------------------------------------------------------------------
    def _record(self, node, module: str, level: int, names: tuple[str, ...]) -> None:
        self.imports.append(Import(module, level, names, node.lineno, node.col_offset + 1,
                                   ".".join(self.scope) if self.in_function else "",
                                   self.optional > 0, self.never[-1] if self.never else ""))

    def visit_Import(self, node) -> None:
        for alias in node.names:
            self._record(node, alias.name, 0, ())
            self._bind(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node) -> None:
        names = tuple(a.name for a in node.names)
        self._record(node, node.module or "", node.level or 0, names)
        for alias in node.names:
            if alias.name != "*":
                self._bind(alias.asname or alias.name)

    # -- when code runs ---------------------------------------------------------------------
    def visit_If(self, node) -> None:
        self.visit(node.test)
        guard = _guard(node.test)
        if guard:
            self.never.append(guard)
        for stmt in node.body:
            self.visit(stmt)
        if guard:
            self.never.pop()
        for stmt in node.orelse:
            self.visit(stmt)

    def visit_Try(self, node) -> None:
        catches = any(_catches_import_error(h.type) for h in node.handlers)
        broad = any(_catches_everything(h.type) for h in node.handlers)
        self.optional += catches
        self.guarded += broad
        for stmt in node.body:
            self.visit(stmt)
        self.guarded -= broad
        self.optional -= catches
        for handler in node.handlers:
            # `except ImportError: from .common import x`: the other layout's import, tried when
            # the body's failed; one of the two is expected to fail, so neither is required
            fallback = _catches_import_error(handler.type)
            self.optional += fallback
            self.visit(handler)
            self.optional -= fallback
        for part in (node.orelse, node.finalbody):
            for stmt in part:
                self.visit(stmt)

    visit_TryStar = visit_Try

    def visit_With(self, node) -> None:  # with contextlib.suppress(ImportError):
        catches = any(_is_suppress_import_error(item.context_expr) for item in node.items)
        for item in node.items:
            self.visit(item)
        self.optional += catches
        for stmt in node.body:
            self.visit(stmt)
        self.optional -= catches


_METHODS: dict[type, object] = {}  # node class -> the _Visitor method that visits it


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _guard(test) -> str:
    if _name(test) == "TYPE_CHECKING":
        return "TYPE_CHECKING"
    if (isinstance(test, ast.Compare) and _name(test.left) == "__name__" and len(test.comparators) == 1
            and isinstance(test.ops[0], ast.Eq) and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__"):
        return "__main__"
    return ""


def _catches_import_error(kind) -> bool:
    if kind is None:
        return True
    if isinstance(kind, ast.Tuple):
        return any(_catches_import_error(k) for k in kind.elts)
    return _name(kind) in _IMPORT_ERRORS


def _catches_everything(kind) -> bool:
    if kind is None:
        return True
    if isinstance(kind, ast.Tuple):
        return any(_catches_everything(k) for k in kind.elts)
    return _name(kind) in ("Exception", "BaseException")


def _is_suppress_import_error(expr) -> bool:
    return (isinstance(expr, ast.Call) and _name(expr.func) == "suppress"
            and any(_catches_import_error(a) for a in expr.args))


def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    visitor = _Visitor(walruses=bool(tree_index(tree).walruses))
    for stmt in tree.body:
        visitor.visit(stmt)
    scopes = sorted(set(visitor.refs) | set(visitor.guarded_refs))
    references = tuple(Scope(scope, tuple(sorted(visitor.refs.get(scope, ()))),
                             tuple(sorted(visitor.guarded_refs.get(scope, set()) - visitor.refs.get(scope, set()))))
                       for scope in scopes)
    yield ModuleImports(source.path, tuple(visitor.imports), tuple(sorted(visitor.defines)),
                        tuple(visitor.functions), "__getattr__" in visitor.functions, references,
                        tuple(visitor.decorated))
    for version, line, column, feature in sorted(visitor.features):
        yield SyntaxFeature(source.path, version, line, column, feature)
