"""What a call site calls, resolved across the project (one project.memo analysis), for the call
rules (PF520-PF522).

A callee is known only when certain: a module-level function bound once, a method whose nearest
definition in a known hierarchy is one `def` that no instance attribute can shadow, or a class
whose constructor is one `__init__`, a dataclass's written `__init__`, or `object`'s.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from gcp_preflight.rules.python.index import ClassRef, ModuleRef, PythonIndex, python_index
from gcp_preflight.validators.python.calls import PyCallSite, PyDataclass, PySignature
from gcp_preflight.validators.python.classes import PyClass

MAX_DEPTH = 30
# Decorators that leave the function's signature as it is, or pass every argument through.
KEEPING = frozenset({
    "staticmethod", "classmethod", "abstractmethod", "abc.abstractmethod", "override", "typing.override",
    "typing_extensions.override", "functools.cache", "cache", "functools.lru_cache", "lru_cache",
    "functools.lru_cache()", "lru_cache()", "functools.wraps()", "wraps()",
})


@dataclass(frozen=True)
class Callee:
    """What a call runs: `signature` (None: object's __init__, which takes nothing), `bound`
    (leading parameters Python fills: self or cls), `shown` (how the message names it), `cls`
    (the class, for a constructor or method)."""

    signature: PySignature | None
    bound: int
    shown: str
    cls: PyClass | None = None


class Callables:
    def __init__(self, project):
        self.index: PythonIndex = project.memo(python_index)
        self.signatures: dict[tuple[str, str, str], list[PySignature]] = defaultdict(list)
        for sig in project.facts(PySignature):
            self.signatures[(sig.path, sig.owner, sig.name)].append(sig)
        self.dataclasses = {(d.path, d.name): d for d in project.facts(PyDataclass)}
        self._targets: dict[tuple[str, str], object] = {}  # many calls name the same callee
        # (id of the class, method, instance) -> (the class, its Callee): kept, as every call of
        # `self.save(...)` in a class asks again (the class is held, so its id stays its own)
        self._methods: dict[tuple[int, str, bool], tuple[PyClass, Callee | None]] = {}


    # -- names --------------------------------------------------------------------------------
    def target(self, path: str, dotted: str):
        """A module-level function (path, name), a ClassRef, (ClassRef, method name) for
        `Class.method`, or None."""
        key = (path, dotted)
        if key not in self._targets:
            self._targets[key] = self._target(path, dotted)
        return self._targets[key]

    def _target(self, path: str, dotted: str):
        parts = dotted.split(".")
        if len(parts) == 1:
            return self._member(path, parts[0], 0)
        container = self.index.resolve_dotted(path, ".".join(parts[:-1]))
        if isinstance(container, ModuleRef) and not container.namespace:
            return self._member(container.path, parts[-1], 0)
        if isinstance(container, ClassRef):
            return container, parts[-1]
        return None

    def _member(self, path: str, name: str, depth: int):
        found = self.binding(path, name, depth)
        if found is None:
            return None
        path, name, kind = found
        if kind == "def":
            return path, name
        return ClassRef(self.index.classes[(path, name)]) if kind == "class" else None

    def binding(self, path: str, name: str, depth: int = 0) -> tuple[str, str, str] | None:
        """(module, name, kind) of the one binding a module-level name leads to through
        from-imports: kind "def", "class" or "other"."""
        rows = self.index.bindings.get(path, {}).get(name, [])
        if len(rows) != 1 or depth > MAX_DEPTH:
            return None
        _, kind, module, member, level, _ = rows[0]
        if kind in ("def", "class", "other"):
            return path, name, kind
        if kind == "from":
            source = self.index.resolve_module(module, path, level)
            if isinstance(source, ModuleRef) and not source.namespace:
                return self.binding(source.path, member, depth + 1)
        return None

    def site_class(self, site: PyCallSite) -> PyClass | None:
        """The class of the receiver of a self/cls/local call."""
        if site.kind in ("self", "cls"):
            return self.index.classes.get((site.path, site.owner))
        found = self.target(site.path, site.owner) if site.kind == "local" else None
        return found.cls if isinstance(found, ClassRef) else None

    # -- callees ------------------------------------------------------------------------------
    def callee(self, site: PyCallSite) -> Callee | None:
        if site.kind == "name":
            found = self.target(site.path, site.owner)
            if isinstance(found, ClassRef):
                return self.constructor(found.cls)
            if isinstance(found, tuple) and isinstance(found[0], ClassRef):
                return self.method(found[0].cls, found[1], instance=False)
            if isinstance(found, tuple):
                sig = self._one(found[0], "", found[1])
                return Callee(sig, 0, f"{found[1]}()") if sig is not None else None
            return None
        cls = self.site_class(site)
        return self.method(cls, site.name, instance=site.kind != "cls") if cls is not None else None

    def _one(self, path: str, owner: str, name: str) -> PySignature | None:
        found = self.signatures.get((path, owner, name), [])
        if len(found) != 1 or not all(d in KEEPING or self._passes_through(path, d) for d in found[0].decorators):
            return None
        return found[0]

    def _passes_through(self, path: str, decorator: str) -> bool:
        """A project decorator (or factory) whose wrapper hands every argument on (functools.wraps)."""
        found = self.target(path, decorator.removesuffix("()")) if decorator != "?" else None
        if not (isinstance(found, tuple) and isinstance(found[0], str)):
            return False
        sigs = self.signatures.get((found[0], "", found[1]), [])
        return len(sigs) == 1 and sigs[0].passthrough

    def method(self, cls: PyClass, name: str, instance: bool) -> Callee | None:
        """The method `name` as `instance.name` (or `Class.name`) finds it."""
        key = (id(cls), name, instance)
        hit = self._methods.get(key)
        if hit is None or hit[0] is not cls:
            hit = self._methods[key] = (cls, self._method(cls, name, instance))
        return hit[1]

    def _method(self, cls: PyClass, name: str, instance: bool) -> Callee | None:
        hierarchy = self.index.hierarchy(cls)
        if hierarchy.unknown or name in self.index.stored:
            return None
        if any(name in (a for a, _ in c.attributes) for c in hierarchy.classes):
            return None  # an instance attribute of that name may shadow the method
        for owner in hierarchy.classes:
            kinds = [kind for member, _, kind in owner.members if member == name]
            if not kinds:
                continue
            sig = self._one(owner.path, owner.name, name) if kinds == ["method"] else None
            if sig is None:
                return None
            decorators = {d.rsplit(".", 1)[-1] for d in sig.decorators}
            bound = 0 if "staticmethod" in decorators else 1 if instance or "classmethod" in decorators else 0
            return Callee(sig, bound, f"{owner.name}.{name}()", cls)
        return None

    def constructor(self, cls: PyClass) -> Callee | None:
        """`cls(...)`: the nearest `__init__`, a dataclass's written one, or object's."""
        hierarchy = self.index.hierarchy(cls)
        if hierarchy.unknown:
            return None
        for owner in hierarchy.classes:
            names = {m[0] for m in owner.members}
            if "__new__" in names:
                return None
            data = self.dataclasses.get((owner.path, owner.name))
            if "__init__" in names:
                found = self.method(owner, "__init__", instance=True)
                return Callee(found.signature, 1, f"{cls.name}()", cls) if found is not None else None
            if data is not None and data.init:
                sig = self._dataclass_init(hierarchy.classes[hierarchy.classes.index(owner):])
                return Callee(sig, 0, f"{cls.name}()", cls) if sig is not None else None
        return Callee(None, 0, f"{cls.name}()", cls)

    def _dataclass_init(self, mro) -> PySignature | None:
        """The __init__ @dataclass writes: the fields of every dataclass in the MRO, bases first."""
        fields: dict[str, tuple[bool, bool, bool]] = {}
        for owner in reversed(mro):
            data = self.dataclasses.get((owner.path, owner.name))
            if data is None:
                continue
            if not data.known:
                return None
            for name, default, init, kw_only in data.fields:
                fields[name] = (default, init, kw_only)
        positional = [n for n, (d, init, kw) in fields.items() if init and not kw]
        with_default = [fields[n][0] for n in positional]
        defaults = len(with_default) - with_default.index(True) if True in with_default else 0
        if not all(with_default[len(with_default) - defaults:]):
            return None  # a field without a default after one with: the class itself fails
        kwonly = tuple(n for n, (d, init, kw) in fields.items() if init and kw)
        first = mro[0]
        return PySignature(first.path, first.name, "__init__", first.location, tuple(positional), 0, defaults, kwonly,
                           tuple(n for n in kwonly if fields[n][0]), False, False, ("dataclass",), "")


def callables(project) -> Callables:
    return Callables(project)


def mismatch(callee: Callee, positional: int, keywords: tuple[str, ...]) -> tuple[str, str | None] | None:
    """(what is wrong, the name the call may have meant) when the call cannot bind, as Python
    checks it; None when it binds."""
    sig = callee.signature
    if sig is None:
        if positional or keywords:
            return "takes no arguments (its class and bases define no __init__)", None
        return None
    params = sig.params[callee.bound:]
    posonly = max(0, sig.posonly - callee.bound)
    if positional > len(params) and not sig.varargs:
        # Counted as Python's own message counts them: with self (the one @dataclass writes too).
        shift = callee.bound + (1 if sig.decorators == ("dataclass",) else 0)
        most, least = len(params) + shift, max(0, len(sig.params) - sig.defaults - callee.bound) + shift
        takes = _count(most, "positional argument") if least == most else f"from {least} to {most} positional arguments"
        return f"takes {takes} but {positional + shift} {_were(positional + shift)} given", None
    filled = set(params[:positional])
    keyword_names = [*params[posonly:], *sig.kwonly]
    for name in keywords:
        if name in params[posonly:]:
            if name in filled:
                return f"got multiple values for argument `{name}`", None
            filled.add(name)
        elif name not in sig.kwonly and not sig.varkw:
            close = difflib.get_close_matches(name, keyword_names, n=1, cutoff=0.6)
            return f"got an unexpected keyword argument `{name}`", close[0] if close else None
    required = [p for p in sig.params[:len(sig.params) - sig.defaults]][callee.bound:]
    missing = [p for p in required if p not in filled]
    if missing:
        return f"is missing {_count(len(missing), 'required positional argument')}: {_names(missing)}", None
    missing_kw = [k for k in sig.kwonly if k not in sig.kw_defaults and k not in keywords]
    if missing_kw:
        return f"is missing {_count(len(missing_kw), 'required keyword-only argument')}: {_names(missing_kw)}", None
    return None


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def _names(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def written(sig: PySignature | None) -> str:
    """The signature as a `def` line would show it."""
    if sig is None:
        return "()"
    parts = list(sig.params)
    if sig.posonly:
        parts.insert(sig.posonly, "/")
    for i in range(len(sig.params) - sig.defaults, len(sig.params)):
        parts[parts.index(sig.params[i])] = f"{sig.params[i]}=..."
    if sig.varargs:
        parts.append("*args")
    elif sig.kwonly:
        parts.append("*")
    parts += [f"{k}=..." if k in sig.kw_defaults else k for k in sig.kwonly]
    if sig.varkw:
        parts.append("**kwargs")
    return f"({', '.join(parts)})"
