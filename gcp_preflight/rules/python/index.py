"""The project's Python modules and classes, resolved across files (one project.memo analysis).

`python_index(project)` answers, statically and only when certain:
- which file an import names, as Python would find it: a relative import from the importer's
  package; an absolute one from the nearest folder at or above the importer that holds the
  module (a Cloud Function's folder, with its copy or symlinks of `shared/`, before the
  repository root), following symbolic links inside the repository;
- what a module-level name is bound to: a project class, a project module, something outside
  the project (`abc.ABC`), or Unknown with the reason (bound twice, a star import from outside,
  a module `__getattr__`, a file that did not parse);
- a class's bases, its MRO over project classes (C3), its subclasses, and every attribute it has.

A class hierarchy is "known" only when every base resolves to a project class or to one of a few
external bases whose attributes are known (`object`, `abc.ABC`, `typing.Generic`, and for enums
the `enum` bases), and nothing in it is dynamic (`__getattr__`, a metaclass, a class decorator
that may replace the class, `setattr` with a computed name on `self`). Anything else is Unknown:
rules stay silent rather than guess.
"""

from __future__ import annotations

import builtins
import enum
import posixpath
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.project import shared_analysis
from gcp_preflight.validators.python.classes import PyClass, PyModuleScope

MAX_DEPTH = 30

# External bases that add no attributes a subclass's code could rely on (beyond dunders).
PLAIN_BASES = frozenset({"builtins.object", "abc.ABC", "typing.Generic", "typing_extensions.Generic"})
ENUM_BASES = frozenset(f"enum.{n}" for n in ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"))
ENUM_MIXINS = frozenset({"builtins.str", "builtins.int", "builtins.float"})
# Class decorators that return the class they are given, adding only dunders or nothing.
KEEPING_DECORATORS = frozenset({
    "dataclass", "dataclasses.dataclass", "dataclass()", "dataclasses.dataclass()",
    "total_ordering", "functools.total_ordering", "unique", "enum.unique", "verify()", "enum.verify()",
    "final", "typing.final", "typing_extensions.final",
})
GETATTR_HOOKS = frozenset({"__getattr__", "__getattribute__"})
ABC_METACLASSES = frozenset({"ABCMeta", "abc.ABCMeta"})


@dataclass(frozen=True)
class ClassRef:
    cls: PyClass


@dataclass(frozen=True)
class ModuleRef:
    path: str  # the module's file, or the folder of a namespace package
    namespace: bool = False


@dataclass(frozen=True)
class External:
    name: str  # dotted: "abc.ABC", "builtins.object", "google.cloud.bigquery"


@dataclass(frozen=True)
class Unknown:
    reason: str


Target = ClassRef | ModuleRef | External | Unknown


@dataclass(frozen=True)
class Hierarchy:
    """A class's MRO over project classes and the external bases it ends in; `unknown` says why
    its attributes cannot all be known ("" when they can)."""

    classes: tuple[PyClass, ...]
    externals: frozenset[str]
    unknown: str = ""

    def attributes(self) -> dict[str, tuple[PyClass, int, str]]:
        """Every attribute the classes define: name -> (class, line, kind), nearest class first.
        Worked out once per hierarchy (the index keeps one per class, and the Python rules ask
        it for every `self.x` of the class): a dict not to be changed."""
        out = self.__dict__.get("_attributes")
        if out is None:
            out = {}
            for cls in self.classes:
                for name, line, kind in cls.members:
                    out.setdefault(name, (cls, line, kind))
                for name, line in cls.attributes:
                    out.setdefault(name, (cls, line, "attribute"))
            object.__setattr__(self, "_attributes", out)  # frozen: fields unchanged, one memo added
        return out

    @property
    def is_enum(self) -> bool:
        return bool(self.externals & ENUM_BASES)


def _key(cls: PyClass) -> tuple[str, str]:
    return cls.path, cls.name


class PythonIndex:
    def __init__(self, scopes: Iterable[PyModuleScope], classes: Iterable[PyClass], files: Iterable[str],
                 dirs: Iterable[str], symlinks: dict):
        self.scopes = {s.path: s for s in scopes}
        self.classes: dict[tuple[str, str], PyClass] = {}
        for cls in classes:
            self.classes.setdefault(_key(cls), cls)
        self.files = set(files)
        self.dirs = set(dirs)
        self.links = {path: link.target for path, link in symlinks.items() if link.target is not None}
        self.bindings: dict[str, dict[str, list[tuple]]] = {}
        for scope in self.scopes.values():
            names: dict[str, list[tuple]] = defaultdict(list)
            for row in scope.bindings:
                names[row[0]].append(row)
            self.bindings[scope.path] = names
        self.stored = frozenset(n for s in self.scopes.values() for n in s.stored)
        # setattr(obj, <computed name>, ...) somewhere: objects handed to other code may get any
        # attribute (minidom's defproperty(Attr, "localName", ...)).
        self.loose_setattr = any(s.loose_setattr for s in self.scopes.values())
        self.passed = frozenset(n for s in self.scopes.values() for n in s.passed)
        self.made_bases = frozenset(n for s in self.scopes.values() for n in s.made_bases)
        self._hierarchies: dict[tuple, Hierarchy] = {}
        self._children: dict[tuple[str, str], list[PyClass]] | None = None
        self._maybe_children: set[str] = set()
        self._real: dict[str, str] = {}  # every rule asks the same questions: answer each once
        self._modules: dict[tuple[str, str, int], Target] = {}  # by the importer's folder
        # (module path, folder) -> where the search upward from the folder finds it (see _upward)
        self._upward: dict[tuple[str, str], tuple[str | None, bool]] = {}
        self._names: frozenset[str] | None = None
        self._entries: frozenset[str] | None = None
        self._bases: dict[tuple[str, str, tuple[str, ...]], list[Target]] = {}
        self._dotted: dict[tuple[str, str], Target] = {}

    # -- files and modules ------------------------------------------------------------------
    def real(self, path: str) -> str:
        """The path with symbolic links inside the repository followed."""
        found = self._real.get(path)
        if found is None:
            found = self._real[path] = self._follow_links(path)
        return found

    def _follow_links(self, path: str) -> str:
        """The longest prefix of the path (whole folder names) that is a link is replaced by its
        target, again until none is: prefixes are cut at each `/`, longest first."""
        links = self.links
        if not links:
            return path
        for _ in range(MAX_DEPTH):
            end = len(path)
            while end >= 0:
                if path[:end] in links:
                    rest = path[end + 1:] if end < len(path) else None
                    path = (links[path[:end]] if rest is None else f"{links[path[:end]]}/{rest}").strip("/")
                    break
                end = path.rfind("/", 0, end)
            else:
                return path
        return path

    def _module_file(self, module: str) -> str | None:
        """The file of a module path (`shared/utils` -> `shared/utils/__init__.py`), if any."""
        for candidate in (f"{module}.py", f"{module}/__init__.py"):
            real = self.real(candidate)
            if real in self.files:
                return real
        return None

    def _is_dir(self, path: str) -> bool:
        real = self.real(path)
        return real in self.dirs or (real == "" and bool(self.files))

    def resolve_module(self, dotted: str, importer: str, level: int = 0) -> Target:
        """The module an import names, seen from the file `importer`."""
        key = (dotted, posixpath.dirname(importer), level)  # every importer in one folder shares the answer
        found = self._modules.get(key)
        if found is None:
            found = self._modules[key] = self._find_module(dotted, importer, level)
        return found

    def _find_module(self, dotted: str, importer: str, level: int) -> Target:
        rel = dotted.replace(".", "/")
        if level:
            package = posixpath.dirname(importer)
            for _ in range(level - 1):
                package = posixpath.dirname(package)
            module = "/".join(p for p in (package, rel) if p)
            return self.module_at(module) if module else Unknown("a relative import above the root")
        found, seen_first = self._search_upward(rel, posixpath.dirname(importer))
        if found is not None:
            return self.module_at(found)
        if seen_first:
            return Unknown(f"`{dotted}` is not a module of the project")
        return External(dotted)

    def _search_upward(self, rel: str, folder: str) -> tuple[str | None, bool]:
        """The first of folder/rel, its parent's /rel, ... up to the root that is a module (or
        None), and whether the module's first part exists in a folder on the way. Kept per
        folder: every importer below a folder shares what lies above it."""
        first = rel.split("/")[0]
        if first and first not in self._entry_names():  # `google.cloud`, `os`: no folder holds it
            return None, False
        upward = self._upward
        levels = []
        while (rel, folder) not in upward:
            levels.append(folder)
            if not folder:
                break
            folder = posixpath.dirname(folder)
        above = upward.get((rel, folder), (None, False)) if not levels or levels[-1] else (None, False)
        for folder in reversed(levels):
            if not self._holds(folder, first):  # nothing here can be the module, or its first part
                upward[(rel, folder)] = above
                continue
            module = f"{folder}/{rel}" if folder else rel
            if self._module_file(module) is not None or self._is_dir(module):
                above = (module, False)
            elif above[0] is None and not above[1]:
                top = f"{folder}/{first}" if folder else first
                above = (None, self._module_file(top) is not None or self._is_dir(top))
            upward[(rel, folder)] = above
        return above

    def _holds(self, folder: str, name: str) -> bool:
        """Whether the folder (its links followed) holds a folder, a link or a module `name`:
        else no module `name...` is found there, and its first part is not seen there."""
        if self._entries is None:
            self._entries = frozenset(self.dirs) | frozenset(self.links)
        base = self.real(folder) if folder else ""
        entry = f"{base}/{name}" if base else name
        return entry in self._entries or f"{entry}.py" in self.files or f"{entry}.py" in self.links

    def _entry_names(self) -> frozenset[str]:
        """The name of every file (a module's without `.py`), folder and link of the repository:
        a module whose first part is none of them is found in no folder, and most imports name
        one outside the project, so the search upward is not walked for them."""
        if self._names is None:
            names = set()
            for path in (*self.files, *self.dirs, *self.links):
                name = path.rpartition("/")[2]
                names.add(name[:-3] if name.endswith(".py") else name)
            self._names = frozenset(names)
        return self._names

    def module_at(self, module: str) -> Target:
        """The module at a root-relative path without extension (`shared/utils`)."""
        found = self._module_file(module)
        if found is None:
            if self._is_dir(module):
                return ModuleRef(self.real(module), namespace=True)
            return Unknown(f"no module file for `{module}`")
        if found not in self.scopes:
            return Unknown(f"{found} was not read (it does not parse)")
        return ModuleRef(found)

    # -- names ------------------------------------------------------------------------------
    def resolve_name(self, path: str, name: str, depth: int = 0) -> Target:
        """What the module-level name `name` of module `path` is bound to."""
        if depth > MAX_DEPTH:
            return Unknown("imports nest too deep")
        scope = self.scopes.get(path)
        if scope is None:
            return Unknown(f"{path} was not read")
        rows = self.bindings[path].get(name, [])
        if len(rows) > 1:
            # `try: from .base import B` / `except ImportError: from pkg.base import B`: one
            # class under two spellings is still that class.
            targets = {self._resolve_row(path, row, depth) for row in rows}
            if len(targets) == 1 and not isinstance(next(iter(targets)), Unknown):
                return targets.pop()
            return Unknown(f"`{name}` is bound more than once in {path}")
        if not rows:
            return self._unbound(path, name, depth)
        return self._resolve_row(path, rows[0], depth)

    def resolve_all(self, path: str, name: str, depth: int = 0) -> list[Target]:
        """What each binding of a module-level name is bound to (a fallback import gives two
        targets; most names one). For analyses that follow every binding, such as registries."""
        if depth > MAX_DEPTH or path not in self.scopes:
            return []
        rows = self.bindings[path].get(name, [])
        if not rows:
            return [self._unbound(path, name, depth)]
        return [self._resolve_row(path, row, depth) for row in rows]

    def _resolve_row(self, path: str, row: tuple, depth: int) -> Target:
        name, kind, module, member, level, _ = row
        if kind == "class":
            return ClassRef(self.classes[(path, name)])
        if kind == "import":
            target = self.resolve_module(module, path)
            if isinstance(target, External) and module != name:  # import a.b as c: c is a.b
                return target
            return target
        if kind == "from":
            source = self.resolve_module(module, path, level)
            if isinstance(source, External):
                return External(f"{source.name}.{member}")
            if isinstance(source, ModuleRef):
                return self.member(source, member, depth + 1)
            return source
        return Unknown(f"`{name}` is not a class or an import in {path}")

    def _unbound(self, path: str, name: str, depth: int) -> Target:
        for _, _, module, _, level, _ in self.bindings[path].get("*", []):
            source = self.resolve_module(module, path, level)
            if not isinstance(source, ModuleRef):
                return Unknown(f"a star import in {path} may bind `{name}`")
            found = self.resolve_name(source.path, name, depth + 1)
            if not (isinstance(found, Unknown) and found.reason.startswith("no binding")):
                return found
        if self.scopes[path].has_getattr:
            return Unknown(f"{path} has a module __getattr__")
        if hasattr(builtins, name):
            return External(f"builtins.{name}")
        return Unknown(f"no binding of `{name}` in {path}")

    def member(self, module: ModuleRef, name: str, depth: int = 0) -> Target:
        """`module.name`: what the module binds, else its submodule."""
        if module.namespace:
            return self.module_at(f"{module.path}/{name}")
        found = self.resolve_name(module.path, name, depth)
        if isinstance(found, Unknown) and found.reason.startswith("no binding") and module.path.endswith("__init__.py"):
            sub = self.module_at(f"{posixpath.dirname(module.path)}/{name}")
            if isinstance(sub, ModuleRef):
                return sub
        if isinstance(found, External) and found.name.startswith("builtins."):
            return Unknown(f"no binding of `{name}` in {module.path}")
        return found

    def resolve_dotted(self, path: str, dotted: str) -> Target:
        """What `dotted` (`name.attr...`) names in module `path`. Kept: the Python rules ask
        each (module, dotted name) about four times (every `self.x` of a class, every call)."""
        key = (path, dotted)
        found = self._dotted.get(key)
        if found is None:
            found = self._dotted[key] = self._resolve_dotted(path, dotted)
        return found

    def _resolve_dotted(self, path: str, dotted: str) -> Target:
        parts = dotted.split(".")
        target = self.resolve_name(path, parts[0])
        for part in parts[1:]:
            if isinstance(target, ModuleRef):
                target = self.member(target, part)
            elif isinstance(target, External):
                target = External(f"{target.name}.{part}")
            elif isinstance(target, ClassRef):
                return Unknown(f"`{dotted}` is an attribute of a class")
            else:
                return target
        return target

    # -- classes ----------------------------------------------------------------------------
    def bases(self, cls: PyClass) -> list[Target]:
        """What each base of a class names (a list not to be changed: it is kept for the next
        asker; init's names evidence asks for the same classes' bases hundreds of thousands of
        times)."""
        key = (cls.path, cls.name, cls.bases)
        found = self._bases.get(key)
        if found is None:
            found = self._bases[key] = self._resolve_bases(cls)
        return found

    def _resolve_bases(self, cls: PyClass) -> list[Target]:
        out = []
        for base in cls.bases:
            if base == "?" or base.endswith("()"):
                out.append(Unknown(f"a base of {cls.name} is an expression"))
                continue
            target = self.resolve_dotted(cls.path, base.removesuffix("[]"))
            out.append(target)
        return out

    def hierarchy(self, cls: PyClass, enum_ok: bool = False) -> Hierarchy:
        key = (_key(cls), enum_ok)
        if key not in self._hierarchies:
            self._hierarchies[key] = Hierarchy((), frozenset(), "the class derives from itself")
            self._hierarchies[key] = self._build(cls, enum_ok)
        return self._hierarchies[key]

    def _build(self, cls: PyClass, enum_ok: bool) -> Hierarchy:
        allowed = PLAIN_BASES | (ENUM_BASES | ENUM_MIXINS if enum_ok else frozenset())
        why = self._dynamic(cls)
        if why:
            return Hierarchy((cls,), frozenset(), why)
        parents: list[tuple[PyClass, ...]] = []
        externals: set[str] = set()
        for base, written in zip(self.bases(cls), cls.bases):
            if isinstance(base, ClassRef):
                parent = self.hierarchy(base.cls, enum_ok)
                if parent.unknown:
                    return Hierarchy((cls,), frozenset(), parent.unknown)
                parents.append(parent.classes)
                externals |= parent.externals
            elif isinstance(base, External) and base.name in allowed:
                externals.add(base.name)
            elif isinstance(base, Unknown):
                return Hierarchy((cls,), frozenset(), f"base `{written}` of {cls.name}: {base.reason}")
            else:
                shown = base.name if isinstance(base, External) else written
                return Hierarchy((cls,), frozenset(), f"{cls.name} derives from `{shown}`, outside the project")
        mro = c3_merge([(cls,), *parents, tuple(p[0] for p in parents)])
        if mro is None:
            return Hierarchy((cls,), frozenset(), f"{cls.name} has no consistent MRO")
        for member in mro:
            hooks = GETATTR_HOOKS & {m[0] for m in member.members}
            if hooks:
                return Hierarchy(tuple(mro), frozenset(externals), f"{member.name} defines {min(hooks)}")
        return Hierarchy(tuple(mro), frozenset(externals))

    def _dynamic(self, cls: PyClass) -> str:
        if cls.dynamic:
            return f"{cls.name}: {cls.dynamic}"
        if self.loose_setattr and (cls.escapes or cls.name in self.passed):
            return f"{cls.name} is passed to code that may set attributes on it"
        for decorator in cls.decorators:
            if decorator not in KEEPING_DECORATORS:
                return f"{cls.name} is decorated with @{decorator.removesuffix('()')}, which may replace it"
        for arg, value in cls.keywords:
            if not (arg == "metaclass" and value in ABC_METACLASSES):
                return f"{cls.name} has a class keyword `{arg}=`"
        return ""

    def is_abstract(self, cls: PyClass) -> bool:
        """An ABC or a class with methods left for subclasses (abstract or NotImplementedError)."""
        if any(b in ("ABC", "abc.ABC") for b in cls.bases) or any(v in ABC_METACLASSES for _, v in cls.keywords):
            return True
        hierarchy = self.hierarchy(cls)
        seen: set[str] = set()
        for member in hierarchy.classes:  # an abstract method not overridden nearer the class
            for name in member.abstract:
                if name not in seen:
                    return True
            seen |= {m[0] for m in member.members}
        return False

    def subclasses(self, cls: PyClass) -> tuple[list[PyClass], bool]:
        """(every project subclass, transitively; whether some class may derive from it through
        a base that does not resolve)."""
        if self._children is None:
            self._children = defaultdict(list)
            for other in self.classes.values():
                for base, written in zip(self.bases(other), other.bases):
                    if isinstance(base, ClassRef):
                        self._children[_key(base.cls)].append(other)
                    elif isinstance(base, Unknown):
                        self._maybe_children.add(written.removesuffix("[]").split(".")[-1])
        out, stack, seen = [], [cls], {_key(cls)}
        maybe = "?" in self.made_bases  # type(name, bases, ns) with bases not written out
        while stack:
            current = stack.pop()
            maybe = maybe or current.name in self._maybe_children or current.name in self.made_bases
            for child in self._children.get(_key(current), []):
                if _key(child) not in seen:
                    seen.add(_key(child))
                    out.append(child)
                    stack.append(child)
        return out, maybe

    def probed(self, path: str) -> frozenset[str]:
        scope = self.scopes.get(path)
        return frozenset(scope.probed) if scope else frozenset()


def c3_merge(sequences: list, lenient: bool = False) -> list | None:
    """C3 linearisation of the given sequences (a class, its bases' MROs, its bases). When there
    is none (Python raises TypeError at class creation): None, or with `lenient` whatever order
    is left."""
    seqs = [list(s) for s in sequences if s]
    out = []
    while seqs:
        for seq in seqs:
            head = seq[0]
            if not any(head in s[1:] for s in seqs):
                break
        else:
            if not lenient:
                return None
            head = seqs[0][0]
        out.append(head)
        seqs = [[c for c in s if c != head] for s in seqs]
        seqs = [s for s in seqs if s]
    return out


@shared_analysis("PF1", "PF4", "PF5")  # the names, BigQuery and Python families read it
def python_index(project) -> PythonIndex:
    """The index for a project (use through project.memo(python_index))."""
    return PythonIndex(project.facts(PyModuleScope), project.facts(PyClass), project.tree.files,
                       project.tree.dirs, project.symlinks)


# Attribute names every instance, class or enum has without defining them.
OBJECT_ATTRIBUTES = frozenset(dir(object))
TYPE_ATTRIBUTES = frozenset(dir(type))
ENUM_ATTRIBUTES = frozenset(dir(enum.Enum) + dir(enum.EnumMeta) + dir(enum.Flag) + dir(int) + dir(str) + dir(float)
                            + ["name", "value", "_name_", "_value_", "_missing_", "_ignore_", "_order_"])
