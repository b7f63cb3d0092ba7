"""One line numbering for every reader, the report and the fixer.

A line ends at "\\r\\n", "\\n" or a lone "\\r", as Python's tokenizer, YAML, GitHub and editors
count them; nothing else ends a line (form feed, "\\x1c", U+2028 are characters inside one,
although `str.splitlines` would split there and shift every later line number).
"""

from __future__ import annotations

import bisect
import re

_BREAK = re.compile(r"\r\n?|\n")


def line_starts(text: str) -> list[int]:
    """The offset of the first character of each line (line 1 starts at 0)."""
    return [0] + [m.end() for m in _BREAK.finditer(text)]


def split_lines(text: str) -> list[str]:
    """The lines without their line endings (a final line ending starts no extra line)."""
    lines = _BREAK.split(text)
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines


class LineTable:
    """Offsets to (line, column), both 1-based, in O(log n) per question."""

    def __init__(self, text: str):
        self.starts = line_starts(text)

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        return (self.starts[line - 1] if 0 < line <= len(self.starts) else self.starts[-1]) + column - 1
