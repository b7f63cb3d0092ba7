"""One selection language for structured values: JMESPath (https://jmespath.org), applied alike
to YAML documents and to Python literals, with every selected string keeping the place it is
written at.

Today's simple selectors (`scrapers.*.processor_name`, `workflows[*].steps[*]`, `**.name`) keep
their meaning: a selector in that grammar is read by yaml_select; anything else is JMESPath
(`signals[?status != 'removed'].tag`, `exporters[*].key`, `values(jobs)[][0]`).

Strings are wrapped in a `str` subclass carrying their Location, so JMESPath's projections and
filters hand back the very objects they were given; a string JMESPath builds (`join`) has no
place of its own and is reported at the value's place. A Python part that cannot be known
statically becomes an Opaque value: selected, it is reported (PF107), never guessed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from gcp_preflight.model import Location
from gcp_preflight.rules.names.resolve import NameItem, Unknown
from gcp_preflight.rules.names.yaml_select import SelectorError, parse
from gcp_preflight.validators.yaml.source import YamlNode, _scalar

# Characters only JMESPath gives a meaning to: a selector without them is in the simple grammar.
_JMESPATH_ONLY = re.compile(r"[?@|(){}'\"`&!<>=,:]")


def is_simple(selector: str) -> bool:
    """Dotted keys, `*`, `**`, `[*]`, `[N]`: the grammar selectors had before JMESPath."""
    if _JMESPATH_ONLY.search(selector):
        return False
    try:
        parse(selector)
    except SelectorError:
        return False
    return True


class QueryError(ValueError):
    pass


def compile_query(selector: str):
    """The compiled JMESPath expression; QueryError with JMESPath's own message if it does not
    parse. jmespath is imported here, when a configured selector needs it."""
    import jmespath
    from jmespath.exceptions import JMESPathError
    try:
        return jmespath.compile(selector)
    except JMESPathError as exc:
        first = str(exc).splitlines()[0].removeprefix("Invalid jmespath expression: ")
        first = first.split(": Parse error at", 1)[0].rstrip(":")
        column = getattr(exc, "lex_position", None)
        where = f" at column {column + 1}" if isinstance(column, int) else ""
        raise QueryError(f"not a valid JMESPath expression{where}: {first}") from None


def placed_str(text: str, location: Location) -> str:
    value = PlacedStr(text)
    value.location = location
    return value


class PlacedStr(str):
    """A string with the place it is written at."""

    location: Location


PlacedStr.__name__ = "str"  # JMESPath checks function argument types by type name


@dataclass(frozen=True, eq=False)
class Opaque:
    """A part of a Python value that cannot be known statically."""

    unknown: Unknown


def yaml_data(path: str, node: YamlNode) -> Any:
    """A YAML node as plain data; strings carry their places."""
    if node.kind == "map":
        return {_key(yaml_data(path, k)): yaml_data(path, v) for k, v in node.items}
    if node.kind == "seq":
        return [yaml_data(path, n) for n in node.items]
    value = _scalar(node.tag, node.value)
    if isinstance(value, str) and node.value is not None:
        return placed_str(value, Location(path, node.line, node.column, node.line, node.column + len(node.value)))
    return value


def _key(value: Any) -> Any:
    return value if isinstance(value, str) else str(value)


def python_other(text: str) -> Any:
    """A non-string Python literal as recorded (its repr): numbers, True, False, None."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


def _collect(value: Any, part: str, where: Location, items: list, unknowns: list, top: bool = False) -> None:
    """Names in a selected value: a string, the strings of a list (nested lists flattened), a
    selected mapping's keys or values; an Opaque part is reported."""
    if isinstance(value, Opaque):
        unknowns.append(value.unknown)
    elif isinstance(value, str):
        items.append(NameItem(str(value), getattr(value, "location", where)))
    elif isinstance(value, list):
        for v in value:
            _collect(v, part, where, items, unknowns)
    elif isinstance(value, dict) and top:
        for k, v in value.items():
            _collect(k if part == "keys" else v, part, where, items, unknowns)


def walk_simple(selector: str, data: Any) -> Any:
    """A simple selector over plain data, with its own meaning of `*` (values of a mapping or
    items of a list) and `**` (any depth): returns the selected values as a list."""
    nodes = [data]
    for step in _steps(selector):
        nodes = _step(nodes, step)
    return nodes


def _steps(selector: str) -> list[str]:
    steps: list[str] = []
    for segment in selector.split("."):
        key = re.match(r"^[^\[]*", segment).group(0)
        if key:
            steps.append(key)
        steps += re.findall(r"\[[^\]]*\]", segment)
    return steps


def _children(value: Any) -> list:
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, list) else []


def _descendants(value: Any) -> list:
    out, stack = [], [value]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(_children(current)))
    return out


def _step(nodes: list, step: str) -> list:
    out: list = []
    for node in nodes:
        if step == "**":
            out += _descendants(node)
        elif step == "*":
            out += _children(node)
        elif step == "[*]":
            out += node if isinstance(node, list) else []
        elif step.startswith("["):
            i = int(step[1:-1])
            if isinstance(node, list) and -len(node) <= i < len(node):
                out.append(node[i])
        elif isinstance(node, dict) and step in node:
            out.append(node[step])
    return out


def select_data(selector: str, data: Any, part: str, where: Location) -> tuple[list[NameItem], list[Unknown]]:
    """Names from data by a selector of either grammar."""
    items: list[NameItem] = []
    unknowns: list[Unknown] = []
    if is_simple(selector):
        for value in walk_simple(selector, data):
            _collect(value, part, where, items, unknowns, top=True)
        return items, unknowns
    from jmespath.exceptions import JMESPathError
    try:
        found = compile_query(selector).search(data)
    except JMESPathError as exc:  # a function given the wrong type of value, at run time
        unknowns.append(Unknown(f"the selector cannot be applied here: {str(exc).splitlines()[0]}", where))
        return items, unknowns
    _collect(found, part, where, items, unknowns, top=True)
    return items, unknowns

