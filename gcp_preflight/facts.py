"""Facts: what validators read out of files, in a form that can be cached on disk.

Every fact type is a dataclass with slots registered with `@fact`: a value, never changed once
made (model.py says why it is not declared frozen; the test suite freezes it). Collections
inside facts are tuples; mappings are tuples of pairs.

A file's facts are cached as one entry of per-type pickles (`dumps_by_type`: a run decodes only
the types its rules ask for), read back by a loader that builds registered fact types (and the
enums of their modules) and plain values, nothing else. Pickle's C loader builds
objects several times faster than a decoder written in Python (a warm check of the scale-1
benchmark loads about 870,000 objects), and the restriction keeps the cache from running code.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import operator
import pickle
import sys
from typing import Any, Callable, TypeVar

from gcp_preflight.model import DeferredFix, Diagnostic, Finding, Fix, Location, Related, TextEdit

T = TypeVar("T")

_TYPES: dict[str, type] = {}
_REGISTERED: set[type] = set()  # _TYPES's values: an entry's types are checked as one set (C speed)
_FOUND: dict[tuple[str, str], type] = {}  # what the loader allowed, by (module, name): every entry asks again
_SHARED: dict[str, str] = {}  # the one copy of each value of a shared field (see `fact`)


class CacheShapeError(ValueError):
    """A cache entry is not one this code wrote: not a tuple of facts, or naming another type."""


def fact(cls: type[T] | None = None, *, shared: tuple[str, ...] = ()) -> Any:
    """Register a dataclass (with slots, see the module's docstring) as a cacheable fact type.

    shared: `str` fields whose values repeat across files (an unknown value's reason, a callee,
    a module name). Each distinct value of such a field is held once, however many files' cache
    entries hold it (pickle shares equal objects only within one entry): about 25 MB of the
    290 MB of facts of the scale-1 benchmark. Sharing costs a call per field when a fact is
    made, so only the fields that save the most are named."""

    def register(cls: type[T]) -> type[T]:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} must be a dataclass")
        if shared:
            cls.__init__ = _sharing_init(cls, shared)  # type: ignore[misc]
        _REGISTERED.discard(_TYPES.get(cls.__name__))  # a name registered again: its new class only
        _TYPES[cls.__name__] = cls
        _REGISTERED.add(cls)
        _FOUND.clear()  # a name registered again loads as its new class
        if _FROZEN:
            cls.__setattr__ = _set_once  # type: ignore[method-assign]
        cls.__reduce__ = _reducer(cls)  # type: ignore[method-assign]
        return cls

    return register(cls) if cls is not None else register


_FACTORY = object()  # marks a parameter whose default is made by a default_factory


def _sharing_init(cls: type, shared: tuple[str, ...]) -> Callable[..., None]:
    """The dataclass's __init__ (same parameters and defaults), with each shared field set to
    the one copy of its value. Generated as dataclasses generates __init__: the loader calls
    the class, so this adds no call but the sharing itself."""
    fields = dataclasses.fields(cls)
    names = [f.name for f in fields]
    wrong = [name for name in shared if name not in names or _field_type(cls, name) != "str"]
    if wrong:
        raise TypeError(f"{cls.__name__}: shared fields must be str fields: {', '.join(wrong)}")
    space: dict[str, Any] = {"one": _SHARED.setdefault, "FACTORY": _FACTORY}
    params, body = ["self"], []
    for f in fields:
        if f.default is not dataclasses.MISSING:
            space[f"default_{f.name}"] = f.default
            params.append(f"{f.name}=default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            space[f"factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=FACTORY")
            body.append(f"    if {f.name} is FACTORY: {f.name} = factory_{f.name}()")
        else:
            params.append(f.name)
        body.append(f"    self.{f.name} = one({f.name}, {f.name})" if f.name in shared else f"    self.{f.name} = {f.name}")
    exec(f"def __init__({', '.join(params)}):\n" + "\n".join(body), space)  # noqa: S102 - our own field names
    init = space["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _field_type(cls: type, name: str) -> str:
    kind = next(f.type for f in dataclasses.fields(cls) if f.name == name)
    return kind if isinstance(kind, str) else getattr(kind, "__name__", "")


def freeze_for_tests() -> None:
    """Make every registered fact type (and those registered later) refuse a change to a field
    already set, as a frozen dataclass would: the test suite runs with this, so no rule can
    change a fact another rule reads. Not for production: it costs a Python call per field."""
    global _FROZEN
    _FROZEN = True
    for cls in _TYPES.values():
        cls.__setattr__ = _set_once  # type: ignore[method-assign]


_FROZEN = False


def _set_once(self: Any, name: str, value: Any) -> None:
    try:
        getattr(self, name)
    except AttributeError:  # an empty slot: the constructor filling it
        object.__setattr__(self, name, value)
        return
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r} of a {type(self).__name__}: facts are values")


def _reducer(cls: type) -> Any:
    """Pickled as the class and its field values: loading calls the class (a compact object
    with slots), not object.__new__ plus a __dict__ to fill (pickle's default, 40% larger)."""
    names = [f.name for f in dataclasses.fields(cls)]
    if len(names) > 1:
        values = operator.attrgetter(*names)  # a tuple of the values
    else:
        values = lambda self: tuple(getattr(self, name) for name in names)  # noqa: E731

    def __reduce__(self: Any) -> tuple:
        return cls, values(self)

    return __reduce__


for _cls in (Location, Related, TextEdit, Fix, DeferredFix, Diagnostic, Finding):
    fact(_cls)


# -- a file's facts ------------------------------------------------------------------------------
# The modules that define fact types. A reader's module is imported only when a file it reads
# exists (Terraform's, for one), so an entry may name a type before it is registered: the loader
# imports the module then, from this list only (tests/test_facts_codec.py keeps it complete).
FACT_MODULES = frozenset({
    "gcp_preflight.model", "gcp_preflight.discovery", "gcp_preflight.engine", "gcp_preflight.suppressions",
    "gcp_preflight.validators.base", "gcp_preflight.validators.bigquery.facts",
    "gcp_preflight.validators.bigquery.schema", "gcp_preflight.validators.deploy.facts",
    "gcp_preflight.validators.gcp_inventory.facts", "gcp_preflight.validators.names.python",
    "gcp_preflight.validators.packaging.dockerfile", "gcp_preflight.validators.packaging.ignore_files",
    "gcp_preflight.validators.packaging.projects", "gcp_preflight.validators.packaging.python",
    "gcp_preflight.validators.packaging.requirements", "gcp_preflight.validators.python.calls",
    "gcp_preflight.validators.python.classes", "gcp_preflight.validators.python.free_names",
    "gcp_preflight.validators.python.lookups", "gcp_preflight.validators.python.name_lists",
    "gcp_preflight.validators.python.scopes", "gcp_preflight.validators.python.source",
    "gcp_preflight.validators.python.syntax_level", "gcp_preflight.validators.python.testing",
    "gcp_preflight.validators.shell.commands", "gcp_preflight.validators.shell.literals",
    "gcp_preflight.validators.shell.source",
    "gcp_preflight.validators.terraform.facts", "gcp_preflight.validators.yaml.source",
})


def _allowed(module: str, name: str) -> Any:
    """The class an entry names, if it is a registered fact type or an enum of a fact module;
    None for anything else (a function, os.system, a class of another package)."""
    if module not in FACT_MODULES or "." in name:
        return None
    loaded = sys.modules.get(module)
    if loaded is None:
        import importlib

        loaded = importlib.import_module(module)  # one of our own modules, from the list above
    value = getattr(loaded, name, None)
    if isinstance(value, type) and (_TYPES.get(name) is value or (issubclass(value, enum.Enum)
                                                                   and value.__module__ == module)):
        return value
    return None


class _Loader(pickle.Unpickler):
    """pickle, restricted to fact types (the "Restricting Globals" recipe of the pickle docs):
    an entry can build facts and plain values, never call anything else."""

    def find_class(self, module: str, name: str) -> Any:
        value = _FOUND.get((module, name))
        if value is None:
            value = _allowed(module, name)
            if value is None:
                raise CacheShapeError(f"{module}.{name} is not a fact type")
            _FOUND[(module, name)] = value
        return value


def dumps(values: Any) -> bytes:
    """A sequence of facts (of any registered types) as one cache entry."""
    values = tuple(values)
    stranger = _first_stranger(values)
    if stranger is not None:
        raise TypeError(f"{stranger.__name__} is not a registered fact type")
    try:
        return pickle.dumps(values, protocol=5)
    except (pickle.PicklingError, AttributeError) as exc:  # a value no pickle can hold
        raise TypeError(str(exc)) from None


def loads(data: bytes) -> tuple:
    """The facts `dumps` wrote; CacheShapeError for anything else.

    The store is a private folder (cache.py) and entries are keyed by this code's fingerprint,
    so an entry is what this code wrote; the loader still refuses to build anything but facts,
    so even a forged entry cannot run code, and a top-level value that is not a tuple of facts
    is a miss."""
    out = _unpickled(data)
    if type(out) is not tuple:
        raise CacheShapeError("a cache entry is a tuple")
    stranger = _first_stranger(out)
    if stranger is not None:
        raise CacheShapeError(f"{stranger.__name__} is not a fact type")
    return out


def _unpickled(data: bytes) -> Any:
    if type(data) is not bytes:
        raise CacheShapeError("a cache entry is bytes")
    try:
        return _Loader(io.BytesIO(data)).load()
    except CacheShapeError:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed pickle (EOFError, UnpicklingError, ...)
        raise CacheShapeError(f"not a cache entry: {type(exc).__name__}") from None


def dumps_by_type(values: Any) -> bytes:
    """A file's facts as one cache entry of per-type groups, so that a run decodes only the
    types its rules read (project.py): pairs of a type's name and `dumps` of that type's facts,
    in the order the types first appear (each type's facts keep their order)."""
    groups: dict[type, list] = {}
    for value in values:
        groups.setdefault(type(value), []).append(value)
    encoded = tuple((kind.__name__, dumps(items)) for kind, items in groups.items())
    return pickle.dumps(encoded, protocol=5)


def loads_by_type(data: bytes) -> tuple[tuple[str, bytes], ...]:
    """The (type name, encoded facts) pairs `dumps_by_type` wrote, still encoded; CacheShapeError
    for anything else (the loader builds no class at all here)."""
    out = _unpickled(data)
    if type(out) is not tuple or not all(type(pair) is tuple and len(pair) == 2 and type(pair[0]) is str
                                         and type(pair[1]) is bytes for pair in out):
        raise CacheShapeError("a cache entry is a tuple of (type name, facts) pairs")
    return out


def loads_of_type(kind: type, data: bytes) -> tuple:
    """One group of an entry of `dumps_by_type`: a tuple of facts of the registered type `kind`
    only (one check of the group's types, which `loads` would also check against every type)."""
    out = _unpickled(data)
    if type(out) is not tuple:
        raise CacheShapeError("a cache entry is a tuple")
    if out and set(map(type, out)) != {kind}:
        raise CacheShapeError(f"facts of another type than {kind.__name__}")
    return out


def _first_stranger(values: tuple) -> type | None:
    """The type of the first value that is not a registered fact, if any (a warm check asks
    this of some 430,000 facts: the common answer is found as one set of types)."""
    if set(map(type, values)) <= _REGISTERED:
        return None
    return next(type(v) for v in values if type(v) not in _REGISTERED)
