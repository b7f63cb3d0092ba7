"""Shell scripts and words written inside YAML scalars: where each character is in the file.

A literal block (`|`) and a one-line scalar keep a character-exact mapping; folded and multi-line
flow scalars are placed at their first line only (findings still point there, fixes are not
offered).
"""

from __future__ import annotations

import re
from typing import Callable

from gcp_preflight.model import Location
from gcp_preflight.validators.shell.positions import Mapper, Rewrite, block_mapper, inline_mapper
from gcp_preflight.validators.yaml.source import YamlNode


def scalar_mapper(node: YamlNode, lines: list[str]) -> tuple[Mapper, bool]:
    """How to place a scalar's text in the file, and whether that placement is exact."""
    value = node.value or ""
    row = node.line - 1
    line = lines[row] if row < len(lines) else ""
    start = node.column - 1
    lead = line[start:start + 1]
    if lead in ("|", ">"):
        if lead == ">":
            return inline_mapper(node.line, node.column, False), False
        body = [i for i in range(row + 1, len(lines)) if lines[i].strip()]
        if not body:
            return inline_mapper(node.line, node.column, False), False
        first = lines[body[0]]
        indent = len(first) - len(first.lstrip(" "))
        ok = all(not text or (row + 1 + k < len(lines) and lines[row + 1 + k][indent:] == text)
                 for k, text in enumerate(value.split("\n")))
        if ok:
            return block_mapper(node.line + 1, indent), True
        return inline_mapper(node.line, node.column, False), False
    if "\n" in value:
        return inline_mapper(node.line, node.column, False), False
    if lead in ("'", '"'):
        written = line[start + 1:start + 1 + len(value)]
        ok = written == value and lead not in value and "\\" not in value
        return inline_mapper(node.line, node.column + 1, ok), ok
    ok = line[start:start + len(value)] == value
    return inline_mapper(node.line, node.column, ok), ok


def scalar_span(path: str, node: YamlNode, lines: list[str]) -> tuple[Location, Location | None]:
    """(where the scalar is written, the exact span of its text or None)."""
    mapper, ok = scalar_mapper(node, lines)
    value = node.value or ""
    if not ok or "\n" in value:
        return Location(path, node.line, node.column), None
    line, column, _ = mapper(0, 0)
    text_span = Location(path, line, column, line, column + len(value))
    quoted = column != node.column
    whole = Location(path, node.line, node.column, node.line, column + len(value) + (1 if quoted else 0))
    return whole, text_span


def rewrite(text: str, pattern: re.Pattern, replace: Callable[[re.Match, int], str]) -> tuple[str, Rewrite]:
    """Replace same-line matches, remembering how to map new columns back to the old ones."""
    result = Rewrite()
    out_lines = []
    count = 0
    for row, line in enumerate(text.split("\n")):
        pieces, cursor, delta = [], 0, 0
        for match in pattern.finditer(line):
            new = replace(match, count)
            count += 1
            pieces.append(line[cursor:match.start()])
            pieces.append(new)
            cursor = match.end()
            delta += len(new) - (match.end() - match.start())
            result.shifts.setdefault(row, []).append((match.end() + delta, match.end()))
            if new != match.group(0) and len(new) > 1:
                result.restore[new] = match.group(0)
        pieces.append(line[cursor:])
        out_lines.append("".join(pieces))
    return "\n".join(out_lines), result
