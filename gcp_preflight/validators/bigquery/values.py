"""Abstract values for the walk in bigquery/python.py: what a local name is known to hold.

A dict being built (its keys and values), a list of rows, a query result and its rows, a function
parameter, a load job configuration, or a plain value of a known kind (a date, a Decimal, a string
built from constants). They are mutable while one function is walked and frozen into facts at
each call.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from gcp_preflight.validators.bigquery.facts import Piece

RISKY = frozenset({"date", "datetime", "time", "decimal", "bytes", "set"})


@dataclass
class ADict:
    node: ast.AST
    entries: dict = field(default_factory=dict)  # key -> (AVal-like, value node)
    open: bool = False
    from_query: bool = False

    def absorb(self, other: object) -> None:
        """Take the entries of `other`: `{**other}`, `dict(other)`, `row.update(other)`."""
        if isinstance(other, ADict):
            self.entries.update(other.entries)
            self.open |= other.open
            self.from_query |= other.from_query
        else:
            self.open = True
            self.from_query |= isinstance(other, AQueryRow)

    def absorb_keywords(self, keywords: list[ast.keyword], evaluate) -> None:
        for kw in keywords:
            if kw.arg is None:
                self.open = True
            else:
                self.entries[kw.arg] = (evaluate(kw.value), kw.value)


@dataclass
class AList:
    node: ast.AST
    items: list = field(default_factory=list)
    kind: str = "list"


class LazyText:
    """The text of an expression, read from the source only when it is first shown."""

    __slots__ = ("read", "node", "text")

    def __init__(self, read, node: ast.AST):
        self.read, self.node, self.text = read, node, None

    def __str__(self) -> str:
        if self.text is None:
            self.text = self.read(self.node)
        return self.text

    def __bool__(self) -> bool:
        return bool(str(self))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


@dataclass
class AVal:
    kind: str
    node: ast.AST | None = None
    source: str | LazyText = ""  # how the kind is known, for messages
    inner: str = ""
    has_default: bool = False
    pieces: tuple | None = None  # for strings built from constants and parameters


@dataclass
class AQuery:
    """A query result: iterating it gives rows whose fields come back typed (DATE as date...)."""


@dataclass
class AQueryRow:
    pass


@dataclass
class AParam:
    name: str


@dataclass
class AJob:
    mode: str = "absent"
    columns: tuple | None = None
    schema_name: str = ""
    ignore_unknown: bool = False


UNKNOWN = AVal("unknown")



def _const_str(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _constant(node: ast.Constant) -> AVal:
    value = node.value
    if isinstance(value, str):
        return AVal("str", node, pieces=(Piece("lit", value),))
    if isinstance(value, bytes):
        return AVal("bytes", node, source="a bytes literal")
    if isinstance(value, bool):
        return AVal("bool", node)
    if value is None:
        return AVal("none", node)
    return AVal("num", node)


def _kind(value: object) -> str:
    if isinstance(value, ADict):
        return "dict"
    if isinstance(value, AList):
        return value.kind
    if isinstance(value, AVal):
        return value.kind
    if isinstance(value, AQueryRow):
        return "query-row"
    return "unknown"


def _merge(a: object, b: object) -> object:
    """`x if c else y`, `x or y`: a kind both agree on (None aside), else unknown."""
    ka, kb = _kind(a), _kind(b)
    if ka == "none":
        return b
    if kb == "none" or ka == kb:
        return a
    return UNKNOWN


def _is_text(value: object) -> bool:
    return isinstance(value, AVal) and value.pieces is not None or isinstance(value, AParam)


def _text_pieces(value: object) -> list[Piece]:
    if isinstance(value, AParam):
        return [Piece("param", value.name)]
    if isinstance(value, AVal) and value.pieces is not None:
        return list(value.pieces)
    return [Piece("unknown", "a value computed at run time")]


def _concat(a: object, b: object) -> tuple:
    return tuple(_text_pieces(a) + _text_pieces(b))


def _unencodable(value: object, depth: int) -> tuple[bool, str] | None:
    """(certain, why) when json.dumps of this value may fail on Decimal/date values."""
    if depth > 4:
        return None
    if isinstance(value, AVal) and value.kind in RISKY:
        name = {"decimal": "Decimal"}.get(value.kind, value.kind)
        return True, f"it holds a {name} (`{value.source}`)" if value.source else f"it holds a {name}"
    if isinstance(value, AVal) and value.kind == "query-field":
        return False, "it holds a field of a query result row (NUMERIC comes back as Decimal, DATE as date)"
    if isinstance(value, AQueryRow) or isinstance(value, ADict) and value.from_query:
        return False, "it holds a query result row (NUMERIC comes back as Decimal, DATE as date)"
    children = []
    if isinstance(value, ADict):
        children = [v for v, _ in value.entries.values()]
    elif isinstance(value, AList):
        children = value.items
    found = None
    for child in children:
        why = _unencodable(child, depth + 1)
        if why and (found is None or why[0] and not found[0]):
            found = why
    return found


def dotted(node: ast.AST) -> str:
    """`a.b.c` for a name or attribute chain, "" for anything else (a call, a subscript)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""
