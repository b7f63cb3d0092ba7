"""Facts: what validators read out of files, in a form that can be cached on disk.

Every fact type is a frozen dataclass registered with `@fact`, so the cache can rebuild it from
JSON without pickle (a cache inside an untrusted checkout must never run code). Collections
inside facts are tuples; mappings are tuples of pairs.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any, TypeVar

from gcp_preflight.model import Diagnostic, Fix, Location, Related, Severity, TextEdit

T = TypeVar("T")

_TYPES: dict[str, type] = {}


def fact(cls: type[T]) -> type[T]:
    """Register a frozen dataclass as a cacheable fact type."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} must be a dataclass")
    _TYPES[cls.__name__] = cls
    return cls


for _cls in (Location, Related, TextEdit, Fix, Diagnostic):
    fact(_cls)


_PLAIN = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # most values: answer before any other test
        return value
    if kind is tuple or kind is list:
        return [encode(v) for v in value]
    if isinstance(value, enum.Enum):
        return {"$e": kind.__name__, "v": value.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"$t": kind.__name__}
        for name in _field_names(kind):
            out[name] = encode(getattr(value, name))
        return out
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (frozenset, set)):
        return {"$s": sorted((encode(v) for v in value), key=repr)}
    return value


_ENUMS = {"Severity": Severity}


def decode(value: Any) -> Any:
    kind = type(value)
    if kind is list:
        return tuple([decode(v) for v in value])
    if kind is dict:
        if "$t" in value:
            cls = _TYPES[value["$t"]]  # KeyError: unknown type, the cache entry is discarded
            return cls(**{k: decode(v) for k, v in value.items() if k != "$t"})
        if "$e" in value:
            return _ENUMS[value["$e"]](value["v"])
        if "$m" in value:
            return {decode(k): decode(v) for k, v in value["$m"]}
        if "$s" in value:
            return frozenset(decode(v) for v in value["$s"])
        raise ValueError("unknown encoded mapping")
    return value


def register_enum(cls: type[enum.Enum]) -> type[enum.Enum]:
    _ENUMS[cls.__name__] = cls
    return cls


def dumps(values: Any) -> str:
    return json.dumps(encode(values), separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> Any:
    return decode(json.loads(text))
