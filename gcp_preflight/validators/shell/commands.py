"""Simple commands of shell scripts with their literal arguments: `create_job some_scraper`.

A line reader like literals.py, not a shell parser: each line (comments dropped, `\\` line
continuations joined) is cut at `;`, `&&`, `||` and `|`, and each part split into words as a POSIX
shell would (shlex). A word that expands something (`$`, a backtick) is not literal and is left
out; the names family reads the literal arguments of a function or command named in its config.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.model import Location

COMMAND_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]*$")
SEPARATORS = re.compile(r"&&|\|\||[;|]")
# Builtins and keywords whose arguments are never a registry's names: not recorded.
SKIPPED = frozenset("""echo printf cd export local readonly declare typeset set unset if then else elif fi for in do
done while until case esac return exit shift source test eval exec trap read function time sleep""".split())
MAX_LINE = 2_000  # a longer line is data (an inlined JSON body), not a command to read


@fact(shared=("name",))
@dataclass(slots=True, unsafe_hash=True)
class ShellCallArgs:
    """`name arg1 arg2`: args are (text, location) of the literal arguments, with their
    positions (0 = the first argument) in `positions`."""

    path: str
    name: str
    location: Location
    args: tuple[tuple[str, Location], ...]
    positions: tuple[int, ...]


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """(first line number, text) per line, continuations joined by a newline kept in place of
    the backslash so offsets map back to physical lines."""
    start, parts = 0, []
    for number, line in enumerate(text.split("\n"), start=1):
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1] + "\n")
            continue
        parts.append(line)
        yield start, "".join(parts)
        parts = []


def commands(path: str, text: str) -> Iterable[ShellCallArgs]:
    for line_number, line in _logical_lines(text):
        if len(line) > MAX_LINE or "=" in line.split(" ", 1)[0]:
            continue
        offset = 0
        for part in SEPARATORS.split(line):
            found = _command(path, line_number, line, part, line.find(part, offset))
            offset += len(part)
            if found is not None:
                yield found


# What makes shlex's split differ from str.split: quotes, escapes, comments, and whitespace that
# str.split cuts at but a shell does not (form feed, vertical tab, the ASCII separators).
_NOT_PLAIN = re.compile(r"[\"'\\#\x0b\x0c\x1c-\x1f]")


def _words(part: str) -> list[str] | None:
    """The words of a command as shlex splits them (a POSIX shell's words, but for a `#` inside
    a word, which shlex takes for a comment); None for an unclosed quote."""
    if part.isascii() and _NOT_PLAIN.search(part) is None:
        return part.split()  # most parts: shlex would give the same words, 30x slower
    try:
        lexer = shlex.shlex(part, posix=True, punctuation_chars=False)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        return list(lexer)
    except ValueError:  # an unclosed quote: a string spread over lines, not a command
        return None


def _command(path: str, line_number: int, line: str, part: str, start: int) -> ShellCallArgs | None:
    words = _words(part)
    if words is None:
        return None
    if len(words) < 2 or not COMMAND_NAME.match(words[0]) or words[0] in SKIPPED:
        return None
    args, positions, cursor = [], [], max(start, 0) + part.find(words[0]) + len(words[0])
    for position, word in enumerate(words[1:]):
        at = line.find(word, cursor)
        if at >= 0:
            cursor = at + len(word)
        if "$" in word or "`" in word or at < 0:
            continue
        row = line_number + line.count("\n", 0, at)
        column = at - line.rfind("\n", 0, at)
        args.append((word, Location(path, row, column, row, column + len(word))))
        positions.append(position)
    if not args:
        return None
    where = Location(path, line_number, max(start, 0) + part.find(words[0]) + 1)
    return ShellCallArgs(path, words[0], where, tuple(args), tuple(positions))
