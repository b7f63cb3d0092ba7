"""Where a node of a parsed script is in the file the user sees.

Tree-sitter counts columns in bytes; findings count characters. A script embedded in YAML (a
Cloud Build `bash -c` string, a GitHub Actions `run:` block) also has to be placed back in the
YAML file, and text rewritten before parsing (`$$` in Cloud Build, `${{ }}` in Actions) has to be
mapped back to its original columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from gcp_preflight.lines import LineTable
from gcp_preflight.model import Location

# (row, column) in the script text, both 0-based characters -> (line, column, exact) in the file.
Mapper = Callable[[int, int], tuple[int, int, bool]]


@dataclass
class Rewrite:
    """Same-line replacements made to a script before parsing, to map columns back."""

    # row -> [(new_column, old_column)] at the end of each replacement, in order
    shifts: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # placeholder -> original text, to show raw words as written
    restore: dict[str, str] = field(default_factory=dict)

    def column(self, row: int, column: int) -> int:
        old = column
        for new_end, old_end in self.shifts.get(row, ()):
            if column >= new_end:
                old = old_end + (column - new_end)
        return old

    def raw(self, text: str) -> str:
        for placeholder, original in self.restore.items():
            text = text.replace(placeholder, original)
        return text


class Positions:
    """Tree-sitter's (row, byte column) to the file's (line, character column). Each row's
    character offsets are worked out once, so placing a node costs the same on a 3 MB line as on
    a short one. Tree-sitter counts rows at "\\n" only; where the text has a lone "\\r" (which
    editors and every other reader here count as a line break, lines.py) the place is mapped
    through the file's own line table instead."""

    def __init__(self, path: str, source: bytes, mapper: Mapper | None = None, rewrite: Rewrite | None = None):
        self.path = path
        self.source = source
        self.lines = source.split(b"\n")
        self.mapper = mapper
        self.rewrite = rewrite
        self._ascii: dict[int, bool] = {}
        self._chars: dict[int, list[int]] = {}  # row -> character count before each byte (non-ASCII rows)
        self._table = None
        if mapper is None and re.search(rb"\r(?!\n)", source):
            self._table = _FileTable(self.lines)
        # Most scripts are ASCII text of their own: a byte column is the character column, and
        # rows are lines (a check places some 400k words at scale 1; the general path is half
        # of the cost of placing them).
        self._direct = mapper is None and rewrite is None and self._table is None and source.isascii()

    def char_column(self, row: int, byte_column: int) -> int:
        ascii_row = self._ascii.get(row)
        if ascii_row is None:
            line = self.lines[row] if row < len(self.lines) else b""
            ascii_row = self._ascii[row] = line.isascii()
        if ascii_row:
            return byte_column
        counts = self._chars.get(row)
        if counts is None:
            counts = self._chars[row] = _char_counts(self.lines[row])
        return counts[min(byte_column, len(counts) - 1)]

    def place(self, row: int, byte_column: int) -> tuple[int, int, bool]:
        column = self.char_column(row, byte_column)
        if self.rewrite is not None:
            column = self.rewrite.column(row, column)
        if self.mapper is not None:
            return self.mapper(row, column)
        if self._table is not None:
            line, column = self._table.position(row, column)
            return line, column, True
        return row + 1, column + 1, True

    def span(self, start: tuple[int, int], end: tuple[int, int]) -> Location:
        l1, c1, e1 = self.place(*start)
        l2, c2, e2 = self.place(*end)
        if e1 and e2:
            return Location(self.path, l1, c1, l2, c2)
        return Location(self.path, l1, c1)

    def node(self, node) -> Location:
        if self._direct:
            start, end = node.start_point, node.end_point
            return Location(self.path, start.row + 1, start.column + 1, end.row + 1, end.column + 1)
        return self.span((node.start_point.row, node.start_point.column),
                         (node.end_point.row, node.end_point.column))

    def text(self, node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def raw(self, node) -> str:
        text = self.text(node)
        return self.rewrite.raw(text) if self.rewrite else text


def _char_counts(line: bytes) -> list[int]:
    """For each byte offset of a UTF-8 line (and its end), the number of characters before it."""
    counts, chars = [], 0
    for byte in line:
        counts.append(chars)
        if byte & 0xC0 != 0x80:  # not a continuation byte: a character starts here
            chars += 1
    counts.append(chars)
    # a continuation byte belongs to the character that started before it
    return [c - 1 if i < len(line) and line[i] & 0xC0 == 0x80 else c for i, c in enumerate(counts)]


class _FileTable:
    """Rows of "\\n"-separated text to the file's lines, where lone "\\r" also ends a line."""

    def __init__(self, rows: list[bytes]):
        self.row_starts: list[int] = []
        offset = 0
        texts = []
        for raw in rows:
            text = raw.decode("utf-8", "replace")
            self.row_starts.append(offset)
            offset += len(text) + 1
            texts.append(text)
        self.table = LineTable("\n".join(texts))

    def position(self, row: int, column: int) -> tuple[int, int]:
        start = self.row_starts[row] if row < len(self.row_starts) else self.row_starts[-1]
        return self.table.position(start + column)


def block_mapper(first_line: int, indent: int) -> Mapper:
    """A YAML literal block (`|`): script row r is file line first_line + r, shifted by indent."""
    return lambda row, column: (first_line + row, indent + column + 1, True)


def inline_mapper(line: int, column: int, exact: bool) -> Mapper:
    """A one-line quoted or plain YAML scalar starting at (line, column) (its first character)."""
    if exact:
        return lambda row, col: (line, column + col, True) if row == 0 else (line, column, False)
    return lambda row, col: (line, column, False)
