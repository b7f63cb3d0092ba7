"""A progress line on stderr for long runs on a terminal.

Silent for the first two seconds (most runs end before), and never on a pipe, in CI, for JSON,
SARIF or GitHub output, or under --quiet: the command decides with `enabled` and the readers and
the engine just call `step()`, which costs nothing when no line is shown.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import Iterator, TextIO

DELAY_S = 2.0


class _Line:
    def __init__(self, stream: TextIO):
        self.stream = stream
        self.started = time.monotonic()
        self.shown = False
        self.last = 0.0

    def step(self, what: str, done: int | None, total: int | None) -> None:
        now = time.monotonic()
        if now - self.started < DELAY_S or now - self.last < 0.1:
            return
        self.last = now
        count = f" {done:,}/{total:,}" if done is not None and total else ""
        self.stream.write(f"\r\033[Kpreflight: {what}{count}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


_current: _Line | None = None


def step(what: str, done: int | None = None, total: int | None = None) -> None:
    if _current is not None:
        _current.step(what, done, total)


def done() -> None:
    """Clear the line and show no more: the report is about to be written."""
    global _current
    if _current is not None:
        _current.clear()
        _current = None


def silence() -> None:
    """No line from this process (a forked child: its parent's line is the only one)."""
    global _current
    _current = None


def wanted(stream: TextIO | None = None) -> bool:
    """Whether a progress line may be shown on this stream at all."""
    stream = stream or sys.stderr
    return stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


@contextlib.contextmanager
def shown(enabled: bool, stream: TextIO | None = None) -> Iterator[None]:
    """Show progress (after two seconds) while the block runs, and leave no trace after it."""
    global _current
    if not enabled:
        yield
        return
    _current = _Line(stream or sys.stderr)
    try:
        yield
    finally:
        _current.clear()
        _current = None
