"""Simple commands of shell scripts with their literal arguments: `create_job some_scraper`.

A line reader like literals.py, not a shell parser: each line (comments dropped, `\\` line
continuations joined) is cut at `;`, `&&`, `||` and `|`, and each part split into words as shlex
splits them (`_words`). A word that expands something (`$`, a backtick) is not literal and is
left out; the names family reads the literal arguments of a function or command named in its config.
"""

from __future__ import annotations

import re
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


# shlex's POSIX split (whitespace_split, `#` comments), as one regex over the segments of a word:
# shlex reads a character at a time through a file-like object, which made it most of the
# shell reader's cost. Exact: compared with shlex on 550k command parts (every script of the scale-1
# tree and of the corpus, and 300k fuzzed ones).
_SEGMENT = re.compile(r"""
    (?P<space>[ \t\r\n]+)
  | (?P<comment>\#[^\n]*\n?)            # to the end of the line; it ends a word too
  | (?P<plain>[^ \t\r\n'"\\\#]+)
  | '(?P<single>[^']*)'
  | "(?P<double>(?:[^"\\]|\\.)*)"
  | \\(?P<escaped>.)
""", re.X | re.S)
_IN_DOUBLE = re.compile(r'\\([\\"])')  # inside double quotes only these two are escaped


def _words(part: str) -> list[str] | None:
    """The words of a command as shlex splits them (a POSIX shell's words, but for a `#` inside
    a word, which shlex takes for a comment); None for an unclosed quote or a trailing `\\`."""
    words: list[str] = []
    word: list[str] = []
    quoted = False  # `''` is a word, and so is `""`
    position, end, match = 0, len(part), _SEGMENT.match
    while position < end:
        found = match(part, position)
        if found is None:  # an unclosed quote or an escape at the end: shlex raises ValueError
            return None
        position = found.end()
        kind = found.lastgroup
        if kind == "space" or kind == "comment":
            if word or quoted:
                words.append("".join(word))
                word, quoted = [], False
        elif kind == "double":
            word.append(_IN_DOUBLE.sub(r"\1", found.group("double")))
            quoted = True
        elif kind == "single":
            word.append(found.group("single"))
            quoted = True
        else:
            word.append(found.group(kind))
    if word or quoted:
        words.append("".join(word))
    return words


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
