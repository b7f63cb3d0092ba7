"""Source segments and character columns of one Python file, in time proportional to the answer.

`ast` positions are lines and UTF-8 byte columns. `ast.get_source_segment` splits the whole file
into lines on every call, which made the readers quadratic on large modules; here the line starts
are found once per file (gcp_preflight.lines: the one line numbering, "\\r\\n", "\\n" or a lone
"\\r", as the tokenizer counts) and a segment is a slice of the text.
"""

from __future__ import annotations

import ast
import bisect
import re
from itertools import accumulate

from gcp_preflight.lines import LineTable

_WIDE = re.compile(r"[^\x00-\x7f]")


class SourceMap:
    """One file's text with its line table; build one per file."""

    def __init__(self, text: str):
        self.text = text
        if "\r" in text:
            self.starts = LineTable(text).starts
        else:  # the same starts, summed from the lines' lengths (faster than a regex's matches)
            self.starts = list(accumulate([len(line) + 1 for line in text.split("\n")], initial=0))[:-1]
        self.ascii = text.isascii()
        self._wide: dict[int, tuple[list[int], list[int]]] = {}

    def _line_end(self, index: int) -> int:
        """Where line `index` (0-based) ends, before its line break."""
        if index + 1 < len(self.starts):
            end = self.starts[index + 1] - 1
            return end - 1 if self.text[end] == "\n" and end > self.starts[index] and self.text[end - 1] == "\r" else end
        return len(self.text)

    def column(self, line: int, byte_offset: int) -> int:
        """The 0-based character column of a UTF-8 byte column on a 1-based line, clamped to the
        line's text (0 for a line that does not exist)."""
        starts = self.starts
        if not 0 < line <= len(starts) or byte_offset <= 0:
            return 0
        start = starts[line - 1]
        # Inside the line for sure (its break takes at most 2 characters): no clamping to do.
        inside = line < len(starts) and byte_offset <= starts[line] - start - 2
        length = byte_offset if inside else self._line_end(line - 1) - start
        if self.ascii:
            return min(byte_offset, length)
        wide = self._wide.get(line)
        if wide is None:
            wide = self._wide[line] = self._wide_chars(start, self._line_end(line - 1))
        wide_starts, extras = wide
        if not wide_starts:
            return min(byte_offset, length)
        # The wide characters that start before the byte offset add their extra bytes to it.
        before = bisect.bisect_left(wide_starts, byte_offset)
        return min(byte_offset - (extras[before - 1] if before else 0), self._line_end(line - 1) - start)

    def _wide_chars(self, start: int, end: int) -> tuple[list[int], list[int]]:
        """Byte columns of the line's non-ASCII characters and the extra bytes up to each."""
        starts, extras, extra = [], [], 0
        for m in _WIDE.finditer(self.text, start, end):
            starts.append(m.start() - start + extra)
            extra += len(m.group().encode("utf-8", "surrogatepass")) - 1
            extras.append(extra)
        return starts, extras

    def offset(self, line: int, byte_offset: int) -> int:
        """The text offset of (1-based line, UTF-8 byte column)."""
        index = min(max(line, 1), len(self.starts)) - 1
        return self.starts[index] + self.column(line, byte_offset)

    def span(self, node: ast.AST) -> tuple[int, int] | None:
        """Text offsets of a node, as `ast.get_source_segment` would cut them (None without
        an end position)."""
        end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
        line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
        if end_line is None or end_col is None or line is None or col is None:
            return None
        return self.offset(line, col), self.offset(end_line, end_col)

    def segment(self, node: ast.AST) -> str | None:
        span = self.span(node)
        return None if span is None else self.text[span[0]:span[1]]

    def short(self, node: ast.AST, limit: int = 60) -> str:
        """The node's text with runs of whitespace collapsed, cut to `limit` characters ("..."
        ending a longer one). Only as much text is read as the answer needs: collapsing a prefix
        of the segment gives a prefix of the collapsed segment."""
        span = self.span(node)
        if span is None:
            return ""
        start, end = span
        size = 2 * limit + 16
        while True:
            words = " ".join(self.text[start:min(end, start + size)].split())
            if start + size >= end:
                return words if len(words) <= limit else words[:limit - 3] + "..."
            if len(words) > limit:
                return words[:limit - 3] + "..."
            size *= 4
