"""Resolve Python name expressions across the project's modules, statically.

A value is followed through names defined in its module, names imported from other project
modules (the nearest copy of a module wins, as the deployed folder would import it), class
attributes, and the operations Python code uses to build name lists. Whatever cannot be
followed is returned as an Unknown with its reason and place, never guessed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Callable, Iterable

from gcp_preflight.model import Location
from gcp_preflight.rules.python.index import ClassRef, ModuleRef
from gcp_preflight.rules.python.index import PythonIndex as ProjectIndex
from gcp_preflight.validators.python.classes import PyClass
from gcp_preflight.validators.names.python import Expr, PyImportName, PyNameBinding, module_path

MAX_DEPTH = 40
MAX_ITEMS = 50_000  # names in one value: `P1 = P0 + P0` twenty-four times is 2^24 of them


@dataclass(frozen=True)
class NameItem:
    """One name in a source. `group` is the literal collection it is written in (for duplicates)."""

    text: str
    location: Location
    group: Location | None = None


@dataclass(frozen=True)
class Unknown:
    reason: str
    location: Location


@dataclass
class Resolved:
    items: list[NameItem] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)

    def extend(self, other: "Resolved") -> None:
        self.items += other.items
        self.unknowns += other.unknowns


@dataclass(frozen=True)
class Module:
    """A module reached by an import: `name` is its root-relative path without extension (as
    written when the module is not in the project: found False); `file` is None for a namespace
    package."""

    name: str
    file: str | None
    found: bool = True


@dataclass(frozen=True)
class ClassTarget:
    cls: PyClass


Target = PyNameBinding | ClassTarget | Module | None


_symbol = attrgetter("symbol")
_path = attrgetter("path")


class PythonIndex:
    """Every binding, class and import of the project's Python files, by path."""

    def __init__(self, bindings: Iterable[PyNameBinding], classes: Iterable[PyClass],
                 imports: Iterable[PyImportName], project: ProjectIndex,
                 locals_in: Callable[[str], Iterable[PyNameBinding]] = lambda path: (),
                 all_locals: Callable[[], Iterable[PyNameBinding]] = lambda: ()):
        self.project = project  # modules, as Python finds them
        # Functions' locals (`func.NAME`), read file by file when a dotted name is looked up
        # there: most never are (validators/names/python.py, PyLocalBinding).
        self._locals_in, self._all_locals = locals_in, all_locals
        self._locals: dict[str, dict[str, PyNameBinding]] = {}
        self._every_local: list[PyNameBinding] | None = None
        self._every_local_symbols: list[str] = []
        # path -> symbol -> binding (not keyed by (path, symbol) pairs: a tuple per binding)
        self.bindings: dict[str, dict[str, PyNameBinding]] = {}
        self.by_symbol: dict[str, list[PyNameBinding]] = defaultdict(list)  # one per file: what others import
        written: dict[str, dict[str, PyNameBinding]] = {}  # module and class bodies only
        bindings = list(bindings)
        # Each binding, as its own instance (what a contract's source names), by symbol: sorted
        # and bisected, since a list per symbol (most symbols are one function's local) held
        # 13 MB at the scale-1 benchmark. The sort is stable: a symbol's bindings stay in file order.
        self._every = sorted(bindings, key=_symbol)
        self._every_symbols = [b.symbol for b in self._every]
        for b in bindings:
            own = self.bindings.get(b.path)
            if own is None:
                own = self.bindings[b.path] = {}
            old = own.get(b.symbol)
            if old is None or _preferred(b, old):
                # Bound twice (`try: X = cfg.X` / `except ImportError: X = [...]`): the literal
                # is the list a name contract is about.
                own[b.symbol] = b
            if not b.scope:
                declared = written.get(b.path)
                if declared is None:
                    declared = written[b.path] = {}
                old = declared.get(b.symbol)
                if old is None or _preferred(b, old):
                    declared[b.symbol] = b
        for declared in written.values():  # automatic checks and proposals look at declared constants only
            for b in declared.values():
                self.by_symbol[b.symbol].append(b)
        self.classes: dict[tuple[str, str], PyClass] = {}
        self.classes_by_name: dict[str, list[PyClass]] = defaultdict(list)
        for c in classes:
            self.classes.setdefault((c.path, c.name), c)
            self.classes_by_name[c.name].append(c)
        self._kids: dict[tuple[str, str], list[PyClass]] | None = None
        self._attributes: dict[tuple, PyNameBinding | None] = {}
        self._names_up: dict[tuple, frozenset[str]] = {}
        self._subclasses: dict[str, list[PyClass]] = {}
        self._bound_in_class: dict[tuple[str, str], set[str]] | None = None
        self.imports: dict[tuple[str, str], PyImportName] = {}
        for i in imports:
            self.imports.setdefault((i.path, i.alias), i)

    def binding(self, path: str, symbol: str) -> PyNameBinding | None:
        """The binding of a symbol in a file (the one others see, when bound twice); a dotted
        symbol not bound in a module or class body may be a function's local."""
        own = self.bindings.get(path)
        found = own.get(symbol) if own is not None else None
        if found is None and "." in symbol:
            head, _, rest = symbol.partition(".")
            # `Cls.attr` of a class of this file is no local (a method's are `Cls.method.NAME`):
            # a class attribute not set is asked of every class, and would read every file's locals
            if "." in rest or (path, head) not in self.classes:
                found = self._locals_of(path).get(symbol)
        return found

    def _locals_of(self, path: str) -> dict[str, PyNameBinding]:
        own = self._locals.get(path)
        if own is None:
            own = self._locals[path] = {}
            for b in self._locals_in(path):
                old = own.get(b.symbol)
                if old is None or _preferred(b, old):
                    own[b.symbol] = b
        return own

    def every(self, symbol: str) -> list[PyNameBinding]:
        """Every binding of a symbol (each `try:` / `except` branch's too), in file order."""
        found = self._every[bisect_left(self._every_symbols, symbol):bisect_right(self._every_symbols, symbol)]
        if "." not in symbol:
            return found
        if self._every_local is None:
            self._every_local = sorted(self._all_locals(), key=_symbol)
            self._every_local_symbols = [b.symbol for b in self._every_local]
        symbols = self._every_local_symbols
        local = self._every_local[bisect_left(symbols, symbol):bisect_right(symbols, symbol)]
        # files are read in path order; within one, module and class bodies before functions
        return sorted(found + local, key=_path) if local else found

    # -- modules ----------------------------------------------------------------------------
    def find_module(self, name: str, exact: bool, importer: str) -> str | None:
        """The file of module `name` (dotted, or with `exact` a root-relative path) as Python would
        find it from `importer`; None for a namespace package or a module outside the project."""
        module = self.module(name, exact, importer)
        return module.file

    # -- names ------------------------------------------------------------------------------
    def lookup(self, path: str, name: str, seen: frozenset = frozenset()) -> Target:
        """What a bare name means in a module: its binding, its class, or what it imports."""
        if (path, name) in seen or len(seen) > MAX_DEPTH:
            return None
        binding = self.binding(path, name)
        if binding is not None:
            return binding
        cls = self.classes.get((path, name))
        if cls is not None:
            return ClassTarget(cls)
        imp = self.imports.get((path, name))
        if imp is None:
            return None
        seen = seen | {(path, name)}
        module = self.module(imp.module, imp.exact, path)
        if not imp.name:  # import a.b as c
            return module
        return self.member(module, imp.name, path, seen)

    def module(self, name: str, exact: bool, importer: str) -> Module:
        if exact:
            target = self.project.module_at(name) if name else None
        else:
            target = self.project.resolve_module(name, importer)
        if isinstance(target, ModuleRef):
            return Module(target.path, None) if target.namespace else Module(module_path(target.path), target.path)
        return Module(name, None, found=False)

    def member(self, module: Module, name: str, importer: str, seen: frozenset = frozenset()) -> Target:
        """`module.name`: a name the module defines or imports, else its submodule."""
        if not module.found:
            return None
        if module.file is not None:
            target = self.lookup(module.file, name, seen)
            if target is not None:
                return target
        sub = self.module(f"{module.name}/{name}", True, importer)
        return sub if sub.found else None

    def resolve_in(self, path: str, dotted: str, local: tuple[str, str] | None) -> Target:
        """A name as a function's code sees it: the function's own local first (`local` is
        (path, "func.") from local_scope), then the module's names."""
        if local is not None and local[0] == path and "." not in dotted:
            found = self.binding(path, local[1] + dotted)
            if found is not None:
                return found
        return self.resolve_dotted(path, dotted)

    def resolve_dotted(self, path: str, dotted: str) -> Target:
        parts = dotted.split(".")
        target = self.lookup(path, parts[0])
        for part in parts[1:]:
            if isinstance(target, Module):
                target = self.member(target, part, path)
            elif isinstance(target, ClassTarget):
                cls = target.cls
                target = self.binding(cls.path, f"{cls.name}.{part}")
            else:
                return None
        return target

    def subclasses(self, base: str) -> list[PyClass]:
        """Classes that derive from a class named `base`, directly or not. Every binding of a
        base's name is followed: a registry's modules often import their base twice
        (`try: from ..base import B` / `except ImportError: from pkg.base import B`), and a
        class counts when any of them reaches the base. Worked out once per base (a list the
        caller must not change): init asks it for each attribute set of each base."""
        known = self._subclasses.get(base)
        if known is None:
            known = self._subclasses[base] = self._find_subclasses(base)
        return known

    def _find_subclasses(self, base: str) -> list[PyClass]:
        children = self._children()
        found: dict[tuple[str, str], PyClass] = {}
        stack = list(self.classes_by_name.get(base, []))
        while stack:
            current = stack.pop()
            for child in children.get((current.path, current.name), ()):
                key = (child.path, child.name)
                if key not in found:
                    found[key] = child
                    stack.append(child)
        return sorted(found.values(), key=lambda c: (c.path, c.location.line))

    def _children(self) -> dict[tuple[str, str], list[PyClass]]:
        if self._kids is None:
            self._kids = defaultdict(list)
            for cls in self.classes.values():
                parents = {(t.cls.path, t.cls.name) for written in cls.bases for t in self._base_targets(cls, written)}
                for key in parents - {(cls.path, cls.name)}:
                    self._kids[key].append(cls)
        return self._kids

    def _base_targets(self, cls: PyClass, written: str) -> list[ClassRef]:
        """The project classes a base as written may be, one per binding of its first name."""
        if written == "?" or written.endswith("()"):
            return []
        first, *rest = written.removesuffix("[]").split(".")
        out = []
        for target in self.project.resolve_all(cls.path, first):
            for part in rest:
                target = self.project.member(target, part) if isinstance(target, ModuleRef) else None
            if isinstance(target, ClassRef):
                out.append(target)
        return out

    def class_attribute(self, cls: PyClass, attribute: str, depth: int = 0) -> PyNameBinding | None:
        """The class attribute as the class sees it: its own, or the nearest base's (answered
        once per class and attribute: every registry of a large tree asks of the same classes)."""
        if depth:
            return self._class_attribute(cls, attribute, depth)
        key = (cls.path, cls.name, cls.bases, attribute)
        if key not in self._attributes:
            # An attribute no class of the hierarchy binds is none of theirs: init asks each
            # attribute set of a base of every subclass (half a million questions at 4x scale).
            named = attribute in self._hierarchy_names(cls)
            self._attributes[key] = self._class_attribute(cls, attribute, 0) if named else None
        return self._attributes[key]

    def _hierarchy_names(self, cls: PyClass) -> frozenset[str]:
        """The attribute names a class or any of its project bases binds in its body."""
        key = (cls.path, cls.name, cls.bases)
        found = self._names_up.get(key)
        if found is None:
            own = self._class_names()
            names: set[str] = set()
            seen = {key}
            stack = [cls]
            while stack:  # every class reachable through bases, once (a cycle of bases ends)
                current = stack.pop()
                names |= own.get((current.path, current.name), set())
                for base in self.project.bases(current):
                    if isinstance(base, ClassRef) and (base.cls.path, base.cls.name, base.cls.bases) not in seen:
                        seen.add((base.cls.path, base.cls.name, base.cls.bases))
                        stack.append(base.cls)
            found = self._names_up[key] = frozenset(names)
        return found

    def _class_names(self) -> dict[tuple[str, str], set[str]]:
        """(path, class) -> the names bound in its body (`Cls.attr` bindings of its module)."""
        if self._bound_in_class is None:
            self._bound_in_class = defaultdict(set)
            for path, own in self.bindings.items():
                for symbol in own:
                    head, dot, rest = symbol.partition(".")
                    if dot and "." not in rest and (path, head) in self.classes:
                        self._bound_in_class[(path, head)].add(rest)
        return self._bound_in_class

    def _class_attribute(self, cls: PyClass, attribute: str, depth: int) -> PyNameBinding | None:
        own = self.binding(cls.path, f"{cls.name}.{attribute}")
        if own is not None or depth > MAX_DEPTH:
            return own
        for base in self.project.bases(cls):
            if isinstance(base, ClassRef):
                found = self.class_attribute(base.cls, attribute, depth + 1)
                if found is not None:
                    return found
        return None


def local_scope(binding: PyNameBinding) -> tuple[str, str] | None:
    """(path, "func.") for a function's local, whose value may name the function's other locals."""
    return (binding.path, binding.symbol.rsplit(".", 1)[0] + ".") if binding.scope == "local" else None


def _literal(binding: PyNameBinding) -> bool:
    value = binding.value
    if value.kind == "call" and value.items:  # set([...]), sorted((...))
        value = value.items[0]
    return value.kind in ("str", "seq", "dict")


def _preferred(new: PyNameBinding, old: PyNameBinding) -> bool:
    """Which of two bindings of one symbol in one file others see: what `__init__` sets on
    `self` hides the class body's value; else a literal wins over what is computed."""
    if (new.scope == "instance") != (old.scope == "instance"):
        return new.scope == "instance"
    return _literal(new) and not _literal(old)


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("/")[:-1], b.split("/")[:-1]):
        if x != y:
            break
        n += 1
    return n


class Evaluator:
    """Turns an Expr into names. `part` chooses a dict's keys or values; `element` takes one
    element of tuple items (("scrapers.x", "XScraper") -> element 1)."""

    def __init__(self, index: PythonIndex, part: str = "keys", element: int | None = None):
        self.index = index
        self.part = part
        self.element = element
        self._memo: dict[tuple[str, str, str], Resolved] = {}  # each binding evaluated once per part
        self._local: tuple[str, str] | None = None

    def value(self, binding: PyNameBinding) -> Resolved:
        # A function's local may name another local of the same function.
        self._local = local_scope(binding)
        try:
            return self._eval(binding.value, binding.path, self.part, frozenset({(binding.path, binding.symbol)}))
        except RecursionError:  # values nested within values past the interpreter's limit
            self._memo.clear()
            return Resolved([], [Unknown("the value is nested too deeply to follow", binding.location)])

    def _eval(self, expr: Expr, path: str, part: str, seen: frozenset) -> Resolved:
        out = Resolved()
        if len(seen) > MAX_DEPTH:
            out.unknowns.append(Unknown("the value is defined too deep to follow", expr.location))
            return out
        kind = expr.kind
        if kind == "str":
            out.items.append(NameItem(expr.text, expr.location))
        elif kind == "seq":
            for item in expr.items:
                item = self._element(item)
                if item is None:
                    continue
                sub = self._eval(item, path, "keys", seen)
                out.items += [NameItem(i.text, i.location, i.group or expr.location) if item.kind == "str" else i
                              for i in sub.items]
                out.unknowns += sub.unknowns
        elif kind == "dict":
            self._dict(expr, path, part, seen, out)
        elif kind == "ref":
            self._ref(expr, path, part, seen, out)
        elif kind == "call":
            inner_part = {"values": "values", "copy": part}.get(expr.text, "keys")
            if expr.text == "items":
                out.unknowns.append(Unknown(".items() pairs are not a list of names", expr.location))
            else:
                out.extend(self._eval(expr.items[0], path, inner_part, seen))
        elif kind == "op":
            self._op(expr, path, seen, out)
        elif kind == "unknown":
            out.unknowns.append(Unknown(expr.text, expr.location))
        return out  # "other": numbers, None, booleans carry no names

    def _element(self, item: Expr) -> Expr | None:
        if self.element is None or item.kind != "seq":
            return item
        return item.items[self.element] if -len(item.items) <= self.element < len(item.items) else None

    def _dict(self, expr: Expr, path: str, part: str, seen: frozenset, out: Resolved) -> None:
        for key, value in expr.items:
            if key.kind == "splat":
                out.extend(self._eval(value, path, part, seen))
                continue
            chosen = key if part == "keys" else self._element(value)
            if chosen is None:
                continue
            sub = self._eval(chosen, path, "keys", seen)
            if part == "keys":  # a repeated key is a duplicate; repeated values are normal
                out.items += [NameItem(i.text, i.location, expr.location) if chosen.kind == "str" else i
                              for i in sub.items]
            else:
                out.items += sub.items
            out.unknowns += sub.unknowns

    def _ref(self, expr: Expr, path: str, part: str, seen: frozenset, out: Resolved) -> None:
        target = self.index.resolve_in(path, expr.text, self._local)
        if isinstance(target, PyNameBinding):
            key = (target.path, target.symbol)
            if key in seen:
                out.unknowns.append(Unknown(f"{expr.text} refers to itself", expr.location))
                return
            memo_key = (target.path, target.symbol, part)
            found = self._memo.get(memo_key)
            if found is None:
                found = self._memo[memo_key] = self._eval(target.value, target.path, part, seen | {key})
            out.extend(found)
        elif isinstance(target, ClassTarget):
            out.items.append(NameItem(target.cls.name, expr.location))
        else:
            out.unknowns.append(Unknown(f"{expr.text} is not a constant of this module or of a project module",
                                        expr.location))

    def _op(self, expr: Expr, path: str, seen: frozenset, out: Resolved) -> None:
        left = self._eval(expr.items[0], path, "keys", seen)
        right = self._eval(expr.items[1], path, "keys", seen)
        if expr.text in ("+", "|"):
            if len(left.items) + len(right.items) > MAX_ITEMS:
                out.unknowns.append(Unknown(f"the value holds more than {MAX_ITEMS:,} names; not followed", expr.location))
                return
            out.extend(left)
            out.extend(right)
            return
        out.unknowns += left.unknowns + right.unknowns
        if right.unknowns:  # what is removed or kept is not known: keep nothing rather than guess
            return
        other = {i.text for i in right.items}
        keep = (lambda t: t not in other) if expr.text == "-" else (lambda t: t in other)
        out.items += [i for i in left.items if keep(i.text)]


def shape(index: PythonIndex, binding: PyNameBinding) -> str:
    """"collection", "dict", "str" or "other": what the value is, after names are followed."""
    expr, path = binding.value, binding.path
    for _ in range(MAX_DEPTH):
        if expr.kind == "ref":
            target = index.resolve_dotted(path, expr.text)
            if not isinstance(target, PyNameBinding):
                return "other"
            expr, path = target.value, target.path
        elif expr.kind == "call" and expr.text == "copy":
            expr = expr.items[0]
        else:
            break
    if expr.kind in ("seq", "op") or (expr.kind == "call" and expr.text not in ("items",)):
        return "collection"
    return {"dict": "dict", "str": "str"}.get(expr.kind, "other")
