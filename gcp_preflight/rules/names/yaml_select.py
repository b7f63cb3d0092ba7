"""Select names from a YAML document with a path: `scrapers.*.processor_name`,
`workflows[*].steps[*]`, `**.processor_name`, `scrapers` (its keys).

Segments are separated by dots. `key` follows a mapping key, `*` every value of a mapping or
item of a sequence, `[*]` every item of a sequence, `[N]` one item, `**` any depth (zero or more
levels). The selected nodes give names: a scalar its text, a sequence its scalar items, a
mapping its keys (part "keys") or its scalar values (part "values").
"""

from __future__ import annotations

import re
from typing import Iterable

from gcp_preflight.model import Location
from gcp_preflight.rules.names.resolve import NameItem
from gcp_preflight.validators.yaml.source import YamlDocument, YamlNode

SEGMENT = re.compile(r"^(?P<key>[^\[\]]*)(?P<index>(\[(\*|-?\d+)\])*)$")


class SelectorError(ValueError):
    pass


def parse(selector: str) -> list[str]:
    """The steps of a selector: keys, "*", "**", "[*]" and "[N]"."""
    steps: list[str] = []
    for segment in selector.split("."):
        match = SEGMENT.match(segment)
        if not match or (not match.group("key") and not match.group("index")):
            raise SelectorError(f"cannot read selector segment {segment!r} in {selector!r}")
        if match.group("key"):
            steps.append(match.group("key"))
        steps += re.findall(r"\[[^\]]*\]", match.group("index"))
    return steps


def _children(node: YamlNode) -> Iterable[YamlNode]:
    if node.kind == "map":
        return [v for _, v in node.items]
    if node.kind == "seq":
        return list(node.items)
    return []


def _descendants(node: YamlNode) -> Iterable[YamlNode]:
    yield node
    for child in _children(node):
        yield from _descendants(child)


def _step(nodes: list[YamlNode], step: str) -> list[YamlNode]:
    out: list[YamlNode] = []
    for node in nodes:
        if step == "**":
            out += list(_descendants(node))
        elif step == "*":
            out += list(_children(node))
        elif step == "[*]":
            out += list(node.items) if node.kind == "seq" else []
        elif step.startswith("["):
            i = int(step[1:-1])
            if node.kind == "seq" and -len(node.items) <= i < len(node.items):
                out.append(node.items[i])
        else:
            found = node.get(step)
            if found is not None:
                out.append(found)
    return out


def _item(path: str, node: YamlNode) -> NameItem | None:
    if node.kind != "scalar" or node.value is None or node.tag.endswith(":null"):
        return None
    loc = Location(path, node.line, node.column, node.line, node.column + len(node.value))
    return NameItem(node.value, loc)


def select(doc: YamlDocument, selector: str, part: str = "keys") -> list[NameItem]:
    nodes = [doc.root]
    for step in parse(selector):
        nodes = _step(nodes, step)
    items: list[NameItem | None] = []
    for node in nodes:
        if node.kind == "scalar":
            items.append(_item(doc.path, node))
        elif node.kind == "seq":
            items += [_item(doc.path, n) for n in node.items]
        else:
            items += [_item(doc.path, k if part == "keys" else v) for k, v in node.items]
    return [i for i in items if i is not None]
