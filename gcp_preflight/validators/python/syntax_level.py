"""Grammar features newer than some Python versions, found in the text itself.

The host's `ast` only knows the host's grammar: Python 3.11 rejects a 3.12 f-string that 3.12
accepts. So the features that older hosts cannot parse (PEP 701 f-strings, `type` statements and
type parameters, `except*`) are found here by a small lexer that knows the string grammar of
every version, and `neutralize` rewrites exactly those spans into code every host from 3.10 on
parses (same length, same lines and columns). The Python validator always parses the neutral
text, so every host yields the same facts, and PF206 reports the features per unit runtime.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from gcp_preflight.facts import fact


@fact
@dataclass(slots=True, unsafe_hash=True)
class SyntaxFeature:
    """A construct that needs at least Python `version` ((3, 12) for PEP 701 f-strings)."""

    path: str
    version: tuple[int, int]
    line: int
    column: int
    feature: str


@dataclass(frozen=True)
class Span:
    """A feature found by the lexer, with the text span `neutralize` rewrites."""

    version: tuple[int, int]
    start: int  # where the feature is reported
    feature: str
    edit_start: int
    edit_end: int
    kind: str  # "fstring", "blank" (spaces, newlines kept) or "type-alias"
    reported: bool = True  # False for a part of a feature already reported


_PREFIXES = {"r", "u", "b", "br", "rb", "f", "fr", "rf"}
_PREFIX_LETTERS = frozenset("rRuUbBfF")
_NEXT = re.compile(r"[#'\"]")
_NAME = re.compile(r"[^\W\d]\w*")
_PLAIN_END = {  # unrolled loops: a string body is skipped by the regex engine in one pass
    q: re.compile(r"[^\\%s\n]*(?:\\[\s\S][^\\%s\n]*)*%s" % (q, q, q)) for q in ("'", '"')
} | {q: re.compile(r"[^\\%s]*(?:(?:\\[\s\S]|%s(?!%s))[^\\%s]*)*%s" % (q[0], q[0], q[:2], q[0], q))
     for q in ("'''", '"""')}


def _prefix(text: str, quote_at: int) -> str:
    """The string prefix (`f`, `rb`, ...) written right before a quote, lower-cased."""
    if not quote_at or text[quote_at - 1] not in _PREFIX_LETTERS:  # most strings: no prefix
        return ""
    for size in (2, 1):
        word = text[max(quote_at - size, 0):quote_at]
        before = text[quote_at - size - 1] if quote_at - size - 1 >= 0 else " "
        if len(word) == size and word.lower() in _PREFIXES and not (before.isalnum() or before == "_"):
            return word.lower()
    return ""


# What an f-string body can end or change at: its quote, a backslash, a line break, a brace.
_FSTRING_SPECIAL = {q: re.compile(r"[%s\\\n{]" % q) for q in ("'", '"')}


def _plain_end(text: str, pos: int, quote: str) -> int | None:
    """Where a string body starting at pos ends under the pre-3.12 lexer (None: unterminated)."""
    m = _PLAIN_END[quote].match(text, pos)
    return m.end() if m else None


class _FString:
    """Scan one f-string with the 3.12 grammar; record what older grammars reject."""

    def __init__(self, text: str):
        self.text = text
        self.found: list[tuple[int, str]] = []

    def body(self, pos: int, quote: str) -> int | None:
        text = self.text
        special = _FSTRING_SPECIAL[quote[0]].search  # the regex engine skips plain text
        i = pos
        while True:
            m = special(text, i)
            if m is None:
                return None
            i = m.start()
            c = text[i]
            if c == quote[0]:
                if text.startswith(quote, i):
                    return i + len(quote)
                i += 1  # one quote inside a triple-quoted string
            elif c == "\\":
                i += 2
            elif c == "\n":
                if len(quote) == 1:
                    return None
                i += 1
            elif text.startswith("{{", i):
                i += 2
            else:
                i = self.field(i + 1, quote)
                if i is None:
                    return None

    def field(self, pos: int, quote: str) -> int | None:
        """A replacement field after its `{`; returns the index after its `}`."""
        text, n = self.text, len(self.text)
        i, depth = pos, 0
        while i < n:
            c = text[i]
            if c in "([{":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif c == "}":
                if depth == 0:
                    return i + 1
                depth -= 1
            elif c == "#":
                self.found.append((i, "a comment inside an f-string replacement field"))
                i = text.find("\n", i)
                if i < 0:
                    return None
                continue
            elif c == "\\":
                self.found.append((i, "a backslash inside an f-string replacement field"))
                i += 2
                continue
            elif c == "\n" and len(quote) == 1:
                self.found.append((i, "a line break inside a single-quoted f-string replacement field"))
            elif c == "!" and depth == 0 and not text.startswith("!=", i):
                i += 1
                continue
            elif c == ":" and depth == 0:
                return self.spec(i + 1, quote)
            elif c in "'\"" or c.isalpha() or c == "_":
                end = self.nested(i)
                if end is None:
                    return None
                i = end
                continue
            i += 1
        return None

    def spec(self, pos: int, quote: str) -> int | None:
        text, n = self.text, len(self.text)
        i = pos
        while i < n:
            c = text[i]
            if c == "}":
                return i + 1
            if c == "{":
                i = self.field(i + 1, quote)
                if i is None:
                    return None
                continue
            if text.startswith(quote, i) or (c == "\n" and len(quote) == 1):
                return None
            i += 1
        return None

    def nested(self, i: int) -> int | None:
        """A name, or a string literal (with its prefix) inside an expression."""
        text = self.text
        m = _NAME.match(text, i)
        prefix = ""
        if m:
            if m.group().lower() not in _PREFIXES or not text.startswith(("'", '"'), m.end()):
                return m.end()
            prefix, i = m.group().lower(), m.end()
        quote = text[i:i + 3] if text[i:i + 3] in ("'''", '"""') else text[i]
        start = i + len(quote)
        if "f" in prefix:
            return self.body(start, quote)
        end = _plain_end(text, start, quote)
        if end is not None and "\\" in text[start:end]:
            self.found.append((start + text[start:end].index("\\"), "a backslash inside an f-string replacement field"))
        return end


def scan(text: str) -> tuple[list[Span], str]:
    """The newer-grammar spans of a module, and the text with strings and comments blanked
    (blanked only when a statement-level feature may be present; otherwise "")."""
    spans: list[Span] = []
    hidden: list[tuple[int, int]] = []  # string bodies and comments
    pos, n = 0, len(text)
    while pos < n:
        m = _NEXT.search(text, pos)  # the regex engine skips code; Python only sees strings
        if m is None:
            break
        start, pos = m.start(), m.end()
        if m.group() == "#":
            end = text.find("\n", pos)
            pos = n if end < 0 else end
            hidden.append((start, pos))
            continue
        quote = text[start:start + 3] if text.startswith(("'''", '"""'), start) else m.group()
        pos = start + len(quote)
        prefix = _prefix(text, start)
        start -= len(prefix)
        old_end = _plain_end(text, pos, quote)
        if "f" in prefix:
            lexer = _FString(text)
            new_end = lexer.body(pos, quote)
            if new_end is not None:
                found = list(lexer.found)
                if old_end != new_end:
                    where = (old_end - len(quote)) if old_end is not None else text.find("\n", pos)
                    found.append((where, "the enclosing quote reused inside an f-string replacement field"
                                  if old_end is not None else "a line break inside a single-quoted f-string replacement field"))
                if found:
                    where, what = min(found)
                    spans.append(Span((3, 12), where, what, start, new_end, "fstring"))
                hidden.append((pos, new_end - len(quote)))
                pos = new_end
                continue
        if old_end is None:  # unterminated: the parser reports it
            hidden.append((pos, n))
            break
        hidden.append((pos, old_end - len(quote)))
        pos = old_end
    code = ""
    if _maybe_statement(text):
        code = _blanked(text, hidden)
        spans.extend(_statement_features(code))
    return sorted(spans, key=lambda s: s.start), code


def _blanked(text: str, hidden: list[tuple[int, int]]) -> str:
    parts, last = [], 0
    for start, end in hidden:
        parts.append(text[last:start])
        parts.append(re.sub(r"[^\r\n]", " ", text[start:end]))
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


# Quick tests on the raw text (a superset of what _statement_features finds in the blanked text);
# each starts with a literal, which the regex engine searches for fast (one alternation of
# them, or a leading `^` or `\\b`, made it test every position).
_MAYBE_EXCEPT_STAR = re.compile(r"except\s*\*")
_MAYBE_TYPE_ALIAS = re.compile(r"type[ \t]+[^\W\d]\w*[ \t]*[\[=]")
_MAYBE_TYPE_PARAMS = (re.compile(r"def[ \t]+[^\W\d]\w*[ \t]*\["), re.compile(r"class[ \t]+[^\W\d]\w*[ \t]*\["))


def _maybe_statement(text: str) -> bool:
    if _MAYBE_EXCEPT_STAR.search(text) or any(p.search(text) for p in _MAYBE_TYPE_PARAMS):
        return True
    for m in _MAYBE_TYPE_ALIAS.finditer(text):  # at the start of a line, after blanks only
        line_start = max(text.rfind("\n", 0, m.start()), text.rfind("\r", 0, m.start())) + 1
        if not text[line_start:m.start()].strip(" \t"):
            return True
    return False
_EXCEPT_STAR = re.compile(r"\bexcept(\s*)\*")
_TYPE_ALIAS = re.compile(r"^[ \t]*(type)[ \t]+([^\W\d]\w*)[ \t]*(?=[\[=])", re.M)
_TYPE_PARAMS = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+[^\W\d]\w*[ \t]*(\[)", re.M)


def _statement_features(code: str):
    for m in _EXCEPT_STAR.finditer(code):
        star = m.end() - 1
        yield Span((3, 11), m.start(), "except* (exception groups)", star, star + 1, "blank")
    for m in _TYPE_ALIAS.finditer(code):
        yield Span((3, 12), m.start(1), "a type alias statement", m.start(1), m.end(2), "type-alias")
        if code[m.end()] == "[":
            yield from _params(code, m.end())
    for m in _TYPE_PARAMS.finditer(code):
        yield from _params(code, m.start(1), report=True)


def _params(code: str, open_at: int, report: bool = False):
    depth, i = 0, open_at
    default = None
    while i < len(code):
        c = code[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                break
        elif c == "=" and depth == 1 and default is None:
            default = i
        i += 1
    else:
        return
    yield Span((3, 12), open_at, "type parameters", open_at, i + 1, "blank", reported=report)
    if default is not None:
        yield Span((3, 13), default, "a type parameter default", default, default, "blank")


def neutralize(text: str, spans: list[Span]) -> str:
    """The text with every newer-grammar span rewritten for a 3.10 parser, positions kept."""
    chars = list(text)
    for s in sorted(spans, key=lambda s: -s.edit_start):  # from the end: an edit may change lengths
        if s.kind == "fstring":  # a plain string of the same extent; `\\` keeps its line breaks
            inner = "".join("\\\n" if c == "\n" else " " for c in text[s.edit_start + 1:s.edit_end - 1])
            chars[s.edit_start:s.edit_end] = ['"', inner, '"']
        elif s.kind.startswith("blank"):
            _blank(chars, s.edit_start, s.edit_end)
        elif s.kind == "type-alias":  # `type X` -> `X     ` keeps the statement an assignment
            name = text[s.edit_start:s.edit_end].split()[-1]
            chars[s.edit_start:s.edit_end] = name + " " * (s.edit_end - s.edit_start - len(name))
    return "".join(chars)


class Positions:
    """Offsets to 1-based lines and columns."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def features(path: str, text: str, spans: list[Span]) -> list[SyntaxFeature]:
    """One fact per reported span (a type alias's own brackets are part of its statement)."""
    where = Positions(text)
    return [SyntaxFeature(path, s.version, *where.at(s.start), s.feature) for s in spans if s.reported]
