"""Facts: what validators read out of files, in a form that can be cached on disk.

Every fact type is a frozen dataclass registered with `@fact`, so the cache can rebuild it from
JSON without pickle (a cache must never be able to run code). Collections inside facts are
tuples; mappings are tuples of pairs.

The codec is compiled once per class from its field annotations: a field whose type is known
(`str`, `tuple[Location, ...]`, `Word | None`) is written positionally, with no type tag, and read
back by generated code that also checks every value's type. A field typed only as `tuple` or
`object` carries tags. Anything unexpected while reading raises `CacheShapeError`, so an entry
of the wrong shape is a cache miss, never a fact the rules trip over.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from typing import Any, Callable, TypeVar

from gcp_preflight.model import DeferredFix, Diagnostic, Finding, Fix, Location, Related, Severity, TextEdit

T = TypeVar("T")

_TYPES: dict[str, type] = {}
_DECODERS: dict[str, Callable[[Any], Any]] = {}  # registered type name -> its decoder, once used
_ENUMS: dict[str, type[enum.Enum]] = {"Severity": Severity}


class CacheShapeError(ValueError):
    """An encoded value does not have the shape its fact type declares."""


def fact(cls: type[T]) -> type[T]:
    """Register a frozen dataclass as a cacheable fact type."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} must be a dataclass")
    _TYPES[cls.__name__] = cls
    _DECODERS.pop(cls.__name__, None)  # a name registered again decodes as its new class
    return cls


def register_enum(cls: type[enum.Enum]) -> type[enum.Enum]:
    _ENUMS[cls.__name__] = cls
    return cls


for _cls in (Location, Related, TextEdit, Fix, DeferredFix, Diagnostic, Finding):
    fact(_cls)


# -- the generic form: for values whose type the annotation leaves open -------------------------
_PLAIN = (str, int, float, bool, type(None))


def encode(value: Any) -> Any:
    """Tagged JSON-ready form of any value (used where no annotation says the type)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple or kind is list:
        return [encode(v) for v in value]
    if kind.__name__ in _TYPES and _TYPES[kind.__name__] is kind:
        return {"$t": kind.__name__, "v": _codec(kind).encode(value)}
    if isinstance(value, enum.Enum):
        return {"$e": kind.__name__, "v": value.value}
    if isinstance(value, dict):
        return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (frozenset, set)):
        return {"$s": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, tuple):  # a NamedTuple
        return [encode(v) for v in value]
    raise TypeError(f"cannot cache a {kind.__name__}")


def decode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return tuple([decode(v) for v in value])
    if kind is dict:
        if "$t" in value:
            name = value["$t"]
            decoder = _DECODERS.get(name) if type(name) is str and len(value) == 2 else None
            if decoder is None:
                cls = _TYPES.get(name) if type(name) is str else None
                if cls is None or len(value) != 2:
                    raise CacheShapeError(f"unknown fact type {name!r}")
                decoder = _DECODERS[name] = _codec(cls).decode
            return decoder(value.get("v"))
        if "$e" in value:
            cls = _ENUMS.get(value["$e"])
            if cls is None:
                raise CacheShapeError("unknown enum")
            try:
                return cls(value.get("v"))
            except ValueError:
                raise CacheShapeError("unknown enum value") from None
        if "$m" in value and isinstance(value["$m"], list):
            out = {}
            for pair in value["$m"]:
                if type(pair) is not list or len(pair) != 2:
                    raise CacheShapeError("bad mapping")
                out[decode(pair[0])] = decode(pair[1])
            return out
        if "$s" in value and isinstance(value["$s"], list):
            return frozenset(decode(v) for v in value["$s"])
    raise CacheShapeError(f"unexpected {kind.__name__} in a cache entry")


# -- per-class codecs, generated from the annotations -------------------------------------------
class _Codec:
    def __init__(self, encode: Callable[[Any], list], decode: Callable[[Any], Any]):
        self.encode = encode
        self.decode = decode


_CODECS: dict[type, _Codec] = {}

# Equal strings decoded from the cache share one object: a path, a module or a receiver name is
# written in thousands of facts, and json makes a new string for each (on the largest corpus
# repository, facts decoded from the cache took 800 MB against 430 MB parsed fresh). Emptied
# by `forget_strings` once a run's facts are loaded.
_STRINGS: dict[str, str] = {}


def forget_strings() -> None:
    _STRINGS.clear()


_COMPILING: set[type] = set()


def _codec(cls: type) -> _Codec:
    codec = _CODECS.get(cls)
    if codec is None:
        _COMPILING.add(cls)
        try:
            codec = _CODECS[cls] = _compile(cls)
        finally:
            _COMPILING.discard(cls)
    return codec


def _decoder_of(cls: type) -> Callable[[Any], Any]:
    """The class's decode function itself (no lookup per value), or a late-bound one while the
    class is still being compiled (a type that contains itself)."""
    if cls in _COMPILING:
        return lambda v: _codec(cls).decode(v)
    return _codec(cls).decode


class _Source:
    """Generated code of one class's decoder, with the helpers it needs as globals."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.globals: dict[str, Any] = {"_Bad": CacheShapeError, "_decode": decode, "_tuple": tuple, "_list": list,
                                        "_str": str, "_int": int, "_float": float, "_bool": bool,
                                        "_share": _STRINGS.setdefault}
        self.counter = 0

    def name(self, value: Any, prefix: str = "_g") -> str:
        self.counter += 1
        key = f"{prefix}{self.counter}"
        self.globals[key] = value
        return key

    def temp(self) -> str:
        self.counter += 1
        return f"_v{self.counter}"


_PRIMITIVE_CHECK = {str: "_str", int: "_int", bool: "_bool"}


def _emit_decode(src: _Source, hint: Any, var: str, indent: str) -> None:
    """Code that checks `var` against `hint` and rebinds it to the decoded value."""
    origin = typing.get_origin(hint)
    if hint in _PRIMITIVE_CHECK:
        src.lines.append(f"{indent}if {var}.__class__ is not {_PRIMITIVE_CHECK[hint]}: raise _Bad({var!r})")
        if hint is str:
            src.lines.append(f"{indent}{var} = _share({var}, {var})")
        return
    if hint is float:
        src.lines.append(f"{indent}if {var}.__class__ is not _float and {var}.__class__ is not _int: raise _Bad({var!r})")
        return
    if hint is type(None):
        src.lines.append(f"{indent}if {var} is not None: raise _Bad({var!r})")
        return
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(hint)):
            src.lines.append(f"{indent}if {var} is not None:")
            _emit_decode(src, args[0], var, indent + "    ")
            return
        src.lines.append(f"{indent}{var} = _decode({var})")
        return
    if origin is tuple:
        args = typing.get_args(hint)
        src.lines.append(f"{indent}if {var}.__class__ is not _list: raise _Bad({var!r})")
        if len(args) == 2 and args[1] is Ellipsis:
            item = args[0]
            if item in _PRIMITIVE_CHECK:
                check = _PRIMITIVE_CHECK[item]
                src.lines.append(f"{indent}for _x in {var}:")
                src.lines.append(f"{indent}    if _x.__class__ is not {check}: raise _Bad({var!r})")
                if item is str:
                    src.lines.append(f"{indent}{var} = _tuple([_share(_x, _x) for _x in {var}])")
                else:
                    src.lines.append(f"{indent}{var} = _tuple({var})")
            elif dataclasses.is_dataclass(item):
                fn = src.name(_decoder_of(item), "_d")
                src.lines.append(f"{indent}{var} = _tuple([{fn}(_x) for _x in {var}])")
            else:
                fn = src.name(_item_decoder(item), "_d")
                src.lines.append(f"{indent}{var} = _tuple([{fn}(_x) for _x in {var}])")
            return
        src.lines.append(f"{indent}if len({var}) != {len(args)}: raise _Bad({var!r})")
        parts = []
        for index, item in enumerate(args):
            part = src.temp()
            src.lines.append(f"{indent}{part} = {var}[{index}]")
            _emit_decode(src, item, part, indent)
            parts.append(part)
        src.lines.append(f"{indent}{var} = ({', '.join(parts)}{',' if len(parts) == 1 else ''})")
        return
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        fn = src.name(_decoder_of(hint), "_d")
        src.lines.append(f"{indent}{var} = {fn}({var})")
        return
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        fn = src.name(_enum_decoder(hint), "_d")
        src.lines.append(f"{indent}{var} = {fn}({var})")
        return
    src.lines.append(f"{indent}{var} = _decode({var})")  # bare tuple, object, Any: tagged


def _item_decoder(hint: Any) -> Callable[[Any], Any]:
    src = _Source()
    src.lines.append("def _item(_x):")
    _emit_decode(src, hint, "_x", "    ")
    src.lines.append("    return _x")
    namespace: dict[str, Any] = {}
    exec("\n".join(src.lines), src.globals, namespace)  # our own annotations, never input data
    return namespace["_item"]


def _enum_decoder(cls: type[enum.Enum]) -> Callable[[Any], Any]:
    def decode_enum(value: Any) -> Any:
        try:
            return cls(value)
        except ValueError:
            raise CacheShapeError(f"not a {cls.__name__}") from None
    return decode_enum


def _emit_encode(hint: Any) -> Callable[[Any], Any] | None:
    """How to write a value of `hint` (None: it is JSON as it is)."""
    origin = typing.get_origin(hint)
    if hint in (str, int, bool, float, type(None)):
        return None
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(hint)):
            inner = _emit_encode(args[0])
            if inner is None:
                return None
            return lambda v: None if v is None else inner(v)
        return encode
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            inner = _emit_encode(args[0])
            if inner is None:
                return list
            return lambda v: [inner(x) for x in v]
        inners = [_emit_encode(a) or (lambda x: x) for a in args]
        return lambda v: [f(x) for f, x in zip(inners, v)]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda v: _codec(hint).encode(v)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return lambda v: v.value
    return encode


def _compile(cls: type) -> _Codec:
    hints = typing.get_type_hints(cls)
    fields = [f.name for f in dataclasses.fields(cls)]
    encoders = [(name, _emit_encode(hints[name])) for name in fields]

    def encode_fields(value: Any) -> list:
        return [getattr(value, name) if fn is None else fn(getattr(value, name)) for name, fn in encoders]

    src = _Source()
    cls_name = src.name(cls, "_cls")
    src.globals["_new"] = object.__new__
    src.globals["_set"] = object.__setattr__
    args = [f"_f{i}" for i in range(len(fields))]
    src.lines.append("def _decode_fields(_v):")
    src.lines.append(f"    if _v.__class__ is not _list or len(_v) != {len(fields)}: raise _Bad({cls.__name__!r})")
    if args:
        src.lines.append(f"    {', '.join(args)}{',' if len(args) == 1 else ''} = _v")
    for var, name in zip(args, fields):
        _emit_decode(src, hints[name], var, "    ")
    src.lines.append(f"    _o = _new({cls_name})")
    mapping = ", ".join(f"{name!r}: {var}" for name, var in zip(fields, args))
    src.lines.append(f"    _set(_o, '__dict__', {{{mapping}}})")
    src.lines.append("    return _o")
    namespace: dict[str, Any] = {}
    exec("\n".join(src.lines), src.globals, namespace)  # our own annotations, never input data
    return _Codec(encode_fields, namespace["_decode_fields"])


# -- a file's facts ------------------------------------------------------------------------------
def dumps(values: Any) -> str:
    """A sequence of facts (of any registered types) as one JSON text."""
    out = []
    for value in values:
        kind = type(value)
        if _TYPES.get(kind.__name__) is not kind:
            raise TypeError(f"{kind.__name__} is not a registered fact type")
        out.append([kind.__name__, _codec(kind).encode(value)])
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> tuple:
    """The facts `dumps` wrote; CacheShapeError (or ValueError) for anything else."""
    data = json.loads(text)
    if type(data) is not list:
        raise CacheShapeError("a cache entry is a list")
    out = []
    for item in data:
        if type(item) is not list or len(item) != 2 or type(item[0]) is not str:
            raise CacheShapeError("bad fact")
        decoder = _DECODERS.get(item[0])
        if decoder is None:
            cls = _TYPES.get(item[0])
            if cls is None:
                raise CacheShapeError(f"unknown fact type {item[0]!r}")
            decoder = _DECODERS[item[0]] = _codec(cls).decode
        out.append(decoder(item[1]))
    return tuple(out)

