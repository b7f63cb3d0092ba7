"""Values of shell words as the static evaluator knows them, and where their text is written.

A value is a sequence of pieces; a piece whose text is written verbatim in a file carries that
place (`origin`), so a fix can edit the literal and a finding can point at the assignment. A
value whose text cannot be known (a command substitution, a variable set only at run time) has
no pieces and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight.model import Location


@dataclass(frozen=True)
class Piece:
    text: str
    # The exact single-line span where `text` is written verbatim, or None.
    origin: Location | None = None
    # Whether the text came through a variable (or a substitution) rather than being written in
    # the word itself.
    via_variable: bool = False

    def slice(self, start: int, end: int | None = None) -> "Piece":
        end = len(self.text) if end is None else end
        origin = None
        if self.origin is not None and start < end:
            origin = Location(self.origin.path, self.origin.line, self.origin.column + start,
                              self.origin.line, self.origin.column + end)
        return Piece(self.text[start:end], origin, self.via_variable)


def exact(origin: Location | None, text: str) -> Location | None:
    """An origin is kept only when it spans exactly `text` on one line."""
    if origin is None or origin.end_line != origin.line or origin.end_column is None:
        return None
    return origin if origin.end_column - origin.column == len(text) and "\n" not in text else None


@dataclass(frozen=True)
class Value:
    pieces: tuple[Piece, ...] | None  # None: unknown
    reason: str = ""  # why it is unknown
    # Where an argument was written when it reaches us through "$@" or "$1" (a function call).
    written: Location | None = None
    # Where the variable that holds it was assigned (for messages and related locations).
    assigned: Location | None = None
    written_raw: str | None = None  # the text at `written`

    @property
    def known(self) -> bool:
        return self.pieces is not None

    @property
    def text(self) -> str | None:
        return None if self.pieces is None else "".join(p.text for p in self.pieces)

    @property
    def literal(self) -> Piece | None:
        """The one piece that makes up the whole text, when it is written verbatim somewhere."""
        if self.pieces is None:
            return None
        solid = [p for p in self.pieces if p.text]
        if len(solid) == 1 and solid[0].origin is not None:
            return solid[0]
        return None

    def slice(self, start: int) -> "Value":
        """The value from character `start` on (the part after `--flag=`)."""
        if self.pieces is None:
            return self
        out, offset = [], 0
        for p in self.pieces:
            lo, hi = offset, offset + len(p.text)
            if hi > start:
                out.append(p.slice(max(start - lo, 0)))
            offset = hi
        return Value(tuple(out), self.reason, None, self.assigned)

    def at(self, written: Location, raw: str) -> "Value":
        """The same value, remembered as the argument written at `written`."""
        return Value(self.pieces, self.reason, written, self.assigned, raw)


def known(text: str, origin: Location | None = None, via_variable: bool = False) -> Value:
    return Value((Piece(text, exact(origin, text), via_variable),))


def unknown(reason: str) -> Value:
    return Value(None, reason)


EMPTY = Value(())


def merge(pieces) -> tuple[Piece, ...]:
    """Drop empty pieces and join neighbours written side by side (`europe` + `-west1`)."""
    out: list[Piece] = []
    for p in pieces:
        if not p.text:
            continue
        last = out[-1] if out else None
        if (last is not None and last.origin is not None and p.origin is not None
                and last.via_variable == p.via_variable and last.origin.path == p.origin.path
                and last.origin.line == p.origin.line and last.origin.end_column == p.origin.column):
            o = last.origin
            out[-1] = Piece(last.text + p.text, Location(o.path, o.line, o.column, o.line, p.origin.end_column),
                            p.via_variable)
        else:
            out.append(p)
    return tuple(out)


# A value longer than this is not followed (`V="$V$V"` thirty times is 8 GB): it becomes
# unknown, and says why, like any other value the text does not determine.
MAX_VALUE_CHARS = 100_000
MAX_VALUE_PIECES = 2_000


def concat(values: list[Value]) -> Value:
    pieces: list[Piece] = []
    assigned = None
    chars = 0
    for v in values:
        if v.pieces is None:
            return v
        pieces.extend(v.pieces)
        chars += sum(len(p.text) for p in v.pieces)
        if chars > MAX_VALUE_CHARS or len(pieces) > MAX_VALUE_PIECES:
            return unknown(f"a value longer than {MAX_VALUE_CHARS:,} characters is not followed")
        assigned = assigned or v.assigned
    return Value(merge(pieces), "", None, assigned)


def via(value: Value, assigned: Location | None) -> Value:
    """The value as read through a variable assigned at `assigned`."""
    if value.pieces is None:
        return value
    return Value(tuple(Piece(p.text, p.origin, True) for p in value.pieces), value.reason, value.written,
                 assigned or value.assigned, value.written_raw)
