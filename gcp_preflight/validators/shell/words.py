"""Shell words as the static evaluator expands them: quoting, parameter expansion and its
operators (`${VAR:-default}`, `${VAR%%.*}`, `${arr[@]}`), the few command substitutions whose
output the text determines, integer arithmetic, and word splitting. `ShellEvaluator` (in
eval.py) adds statements, assignments and commands to this.
"""

from __future__ import annotations

import codecs
import fnmatch
import posixpath
import re
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.model import Location
from gcp_preflight.validators.shell.values import (
    EMPTY, Piece, Value, concat, exact, known, merge, unknown, via,
)

_SPECIAL = {"?": "the exit status $?", "$": "the process id $$", "!": "a background process id $!",
            "-": "the shell options $-"}


@dataclass(frozen=True)
class Var:
    value: Value | None  # None: explicitly unset
    items: tuple[Value, ...] | None = None  # an array
    at: Location | None = None  # the assignment


@dataclass(frozen=True)
class Field:
    """One argument after expansion and word splitting."""

    value: Value
    raw: str
    location: Location
    many: bool = False  # an unquoted unknown expansion: may be any number of words


def _simple(segments) -> tuple[list[Piece], Location | None] | None:
    """The pieces of a word made only of literal text and quoted known values (nothing split,
    no array, nothing unknown), with where the first quoted variable was assigned; else None."""
    pieces: list[Piece] = []
    assigned = None
    for kind, payload in segments:
        if kind == "lit":
            pieces.append(payload)
        elif kind == "q" and payload.pieces is not None:
            pieces.extend(payload.pieces)
            assigned = assigned or payload.assigned
        else:
            return None
    return (pieces, assigned) if segments else None


class WordExpander:
    """Expansion of words against the evaluator's state (env, positional, cwd, pos)."""

    # -- words ----------------------------------------------------------------------------
    def word(self, node) -> Value:
        """A word as one value, without field splitting (assignments, `case` words)."""
        return _joined(self.segments(node, quoted=True))

    def fields(self, nodes: Iterable) -> list[Field]:
        out: list[Field] = []
        for group in self._glued(list(nodes)):
            segments = [seg for node in group for seg in self.segments(node, quoted=False)]
            node = group[0] if len(group) == 1 else _Glued(group[0], group[-1])
            out.extend(self._assemble(node, segments))
        return out

    def _glued(self, nodes: list) -> list[list]:
        """Nodes joined by a bare backslash-newline are one word (`A=1,\\<newline>B=2`), which
        the grammar splits in two."""
        groups: list[list] = []
        for node in nodes:
            if groups and self.pos.source[groups[-1][-1].end_byte:node.start_byte] == b"\\\n":
                groups[-1].append(node)
            else:
                groups.append([node])
        return groups

    def _assemble(self, node, segments) -> list[Field]:
        location, raw = self.pos.node(node), self.pos.raw(node)
        simple = _simple(segments)
        if simple is not None:  # most words: literal text and quoted known text, one field
            return [Field(Value(merge(simple[0]), "", None, simple[1]), raw, location)]
        fields: list[Field] = []
        current: list[Piece] = []
        state = {"present": False, "unknown": None, "many": False, "written": None}

        def flush() -> None:
            if state["unknown"] is not None:
                fields.append(Field(state["unknown"], raw, location, state["many"]))
            elif current or state["present"]:
                written = state["written"]
                value = Value(merge(current), "", None, assigned[0])
                if written is not None:
                    fields.append(Field(value, written.written_raw or value.text, written.written))
                else:
                    fields.append(Field(value, raw, location))
            current.clear()
            state.update(present=False, unknown=None, many=False, written=None)

        def split(value: Value) -> None:
            if value.pieces is None:
                state["unknown"], state["many"] = state["unknown"] or value, True
                return
            for piece in value.pieces:
                start = 0
                text = piece.text
                for i, ch in enumerate(text + " "):
                    if ch in " \t\n":
                        if i > start:
                            current.append(piece.slice(start, i))
                            state["present"] = True
                        if i < len(text):
                            flush()
                        start = i + 1

        solo = sum(1 for k, p in segments if not (k == "lit" and not p.text)) == 1
        assigned = [next((p.assigned for k, p in segments if k in ("q", "exp") and p.assigned), None)]
        for kind, payload in segments:
            if kind == "lit":
                current.append(payload)
                state["present"] = True
            elif kind == "q":
                if payload.pieces is None:
                    state["unknown"] = state["unknown"] or payload
                else:
                    current.extend(payload.pieces)
                state["present"] = True
            elif kind == "exp":
                split(payload)
            elif kind == "arr":
                items, quoted = payload
                if items is None:
                    state["unknown"], state["many"] = unknown("an array whose items are unknown"), True
                    continue
                for index, item in enumerate(items):
                    if quoted:
                        if index:
                            flush()
                        if solo and item.written is not None:
                            state["written"] = item
                        if item.pieces is None:
                            state["unknown"] = item
                        else:
                            current.extend(item.pieces)
                        state["present"] = True
                    else:
                        split(item)
                        flush()
        flush()
        return fields

    def segments(self, node, quoted: bool) -> list[tuple[str, object]]:
        kind = node.type
        if kind in ("word", "number", "extglob_pattern", "regex", "variable_name", "special_variable_name"):
            text = self.pos.text(node)
            if kind == "word" and "\\" in text:
                return [("lit", Piece(_unescape(text)))]
            return [("lit", Piece(text, exact(self.pos.node(node), text)))]
        if kind == "raw_string":
            text = self.pos.text(node)[1:-1]
            loc = self.pos.node(node)
            origin = Location(loc.path, loc.line, loc.column + 1, loc.end_line, (loc.end_column or 1) - 1)
            return [("lit", Piece(text, exact(origin, text)))]
        if kind == "ansi_c_string":
            return [("lit", Piece(_ansi_c(self.pos.text(node)[2:-1])))]
        if kind in ("string", "translated_string"):
            return self._string(node)
        if kind == "concatenation":
            return self._spanned(node, node.children, quoted)
        if kind in ("simple_expansion", "expansion"):
            value = self.expansion(node, quoted)
            if isinstance(value, tuple):
                return [("arr", (value[0], quoted))]
            return [("q" if quoted else "exp", value)]
        if kind == "command_substitution":
            return [("q" if quoted else "exp", self.substitute(node))]
        if kind == "arithmetic_expansion":
            return [("q" if quoted else "exp", self._arithmetic(node))]
        if kind == "command_name":
            return self._spanned(node, node.children, quoted)
        if kind == "brace_expression":
            return [("lit", Piece(self.pos.text(node)))]
        return [("q" if quoted else "exp", unknown(f"cannot evaluate {self.pos.raw(node)!r}"))]

    def _arithmetic(self, node) -> Value:
        """$(( ... )) over integers and variables that hold integers."""
        raw = self.pos.raw(node)
        inner = self.pos.text(node)[3:-2]

        def value_of(match: re.Match) -> str:
            text = self.lookup(match.group(1)).text
            return text if text is not None and re.fullmatch(r"-?\d+", text.strip()) else "?"

        def based(match: re.Match) -> str:  # BASE#DIGITS, the digits written or expanded
            base, digits = int(match.group(1)), match.group(2)
            name = re.fullmatch(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", digits)
            if name:
                digits = self.lookup(name.group(1)).text
            try:
                return str(int((digits or "").strip(), base)) if 2 <= base <= 36 else "?"
            except ValueError:
                return "?"

        inner = re.sub(r"\b(\d+)#(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|[0-9A-Za-z]+)", based, inner)
        expression = re.sub(r"\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?", value_of, inner)
        result = _integer_arithmetic(expression) if "?" not in expression else None
        return known(str(result)) if result is not None else unknown(f"the arithmetic {raw}")

    def _spanned(self, node, children, quoted: bool) -> list:
        """Segments of children, with any text between them kept as literal text."""
        out: list = []
        cursor = node.start_byte
        point = node.start_point
        for child in children:
            if child.start_byte > cursor:
                out.append(("lit", self._gap(cursor, child.start_byte, point)))
            out.extend(self.segments(child, quoted))
            cursor, point = child.end_byte, child.end_point
        if node.end_byte > cursor:
            out.append(("lit", self._gap(cursor, node.end_byte, point)))
        return out

    def _gap(self, start: int, end: int, point) -> Piece:
        raw = self.pos.source[start:end].decode("utf-8", "replace")
        if "\n" in raw or "\\" in raw:
            return Piece(raw.replace("\\\n", ""))
        loc = self.pos.span((point.row, point.column), (point.row, point.column + end - start))
        return Piece(raw, exact(loc, raw))

    def _string(self, node) -> list:
        inner = [c for c in node.children if c.type != '"']
        start = node.children[0] if node.children and node.children[0].type == '"' else None
        out: list = [("lit", Piece(""))]  # "" is still a word
        cursor = start.end_byte if start is not None else node.start_byte
        point = start.end_point if start is not None else node.start_point
        end_byte = node.end_byte - 1 if node.children and node.children[-1].type == '"' else node.end_byte
        for child in inner:
            if child.start_byte > cursor:
                out.append(("lit", self._gap(cursor, child.start_byte, point)))
            if child.type == "string_content":
                text = self.pos.text(child)
                if "\\" in text:
                    out.append(("lit", Piece(_unescape(text, '"\\$`\n'))))
                else:
                    out.append(("lit", Piece(text, exact(self.pos.node(child), text))))
            elif child.type == "$":
                out.append(("lit", Piece("$")))
            else:
                out.extend(self.segments(child, quoted=True))
            cursor, point = child.end_byte, child.end_point
        if end_byte > cursor:
            out.append(("lit", self._gap(cursor, end_byte, point)))
        return out

    # -- expansions -----------------------------------------------------------------------
    def lookup(self, name: str) -> Value:
        if name.isdigit():
            if name == "0":
                return known(self.script_path) if self.script_path else unknown("$0 of an inline script")
            if self.positional is None:
                what = "the function's" if self.depth else "the script's"
                return unknown(f"${name} is {what} argument {name}")
            index = int(name) - 1
            return self.positional[index] if index < len(self.positional) else EMPTY
        if name in _SPECIAL:
            return unknown(_SPECIAL[name])
        if name == "#":
            return known(str(len(self.positional))) if self.positional is not None else unknown("$# (the argument count)")
        if name == "BASH_SOURCE":
            path = self.pos.path if self.script_path else None
            return known(path) if path else unknown("$BASH_SOURCE of an inline script")
        var = self.env.get(name)
        if var is None:
            return unknown(self._unset_reason(name))
        if var.value is None:
            return EMPTY
        return via(var.value, var.at)

    def _unset_reason(self, name: str) -> str:
        reason = f"${name} is not set in this file"
        if self.unread_sources:
            s = self.unread_sources[-1]
            reason += f" (it may come from {s.target or s.raw}, sourced at line {s.location.line})"
        return reason

    def _absent(self, name: str) -> bool:
        if name.isdigit():
            return name != "0" and (self.positional is None or int(name) > len(self.positional))
        return name not in self.env and name not in _SPECIAL and name not in ("#", "BASH_SOURCE")

    def _array(self, name: str) -> tuple[Value, ...] | None:
        if name in ("@", "*"):
            return self.positional
        var = self.env.get(name)
        if var is None or var.value is None:
            return () if var is not None else None
        if var.items is not None:
            return tuple(via(v, var.at) for v in var.items)
        return (via(var.value, var.at),) if var.value.known else None

    def expansion(self, node, quoted: bool):
        """A Value, or (items,) for an array expansion ("$@", "${arr[@]}")."""
        if node.type == "simple_expansion":
            name_node = next((c for c in node.named_children), None)
            name = self.pos.text(name_node) if name_node is not None else ""
            if name in ("@", "*"):
                return (self._array(name),) if name == "@" or not quoted else _join(self._array(name))
            return self.lookup(name)
        children = [c for c in node.children if c.type not in ("${", "}")]
        if not children:
            return unknown("empty ${}")
        first = children[0]
        if first.type == "#" and len(children) == 2:  # ${#X} / ${#arr[@]}
            target = children[1]
            if target.type == "subscript":
                items = self._array(self.pos.text(target.child_by_field_name("name")))
                return known(str(len(items))) if items is not None else unknown("the length of an unknown array")
            value = self.lookup(self.pos.text(target))
            return known(str(len(value.text))) if value.known else value
        if first.type == "!":
            return unknown(f"indirect expansion {self.pos.raw(node)}")
        if first.type == "subscript":
            name = self.pos.text(first.child_by_field_name("name"))
            index = first.child_by_field_name("index")
            index_text = self.pos.text(index) if index is not None else ""
            items = self._array(name)
            if len(children) > 1:
                return unknown(f"cannot evaluate {self.pos.raw(node)}")
            if index_text in ("@", "*"):
                if items is None:
                    return (None,)
                return (items,) if index_text == "@" or not quoted else _join(items)
            if index_text.isdigit():
                if name == "BASH_SOURCE" and index_text == "0":
                    return self.lookup("BASH_SOURCE")
                if items is None:
                    return unknown(f"${{{name}[{index_text}]}} is not known")
                i = int(index_text)
                return items[i] if i < len(items) else EMPTY
            return unknown(f"cannot evaluate {self.pos.raw(node)}")
        if first.type not in ("variable_name", "special_variable_name"):
            return unknown(f"cannot evaluate {self.pos.raw(node)}")
        name = self.pos.text(first)
        if name in ("@", "*"):
            return unknown(f"cannot evaluate {self.pos.raw(node)}")
        if len(children) == 1:
            return self.lookup(name)
        op = children[1].type
        operands = children[2:]
        if op in (":-", "-", ":=", "=", ":+", "+", ":?", "?"):
            return self._default(node, name, op, operands)
        value = self.lookup(name)
        if not value.known:
            return value
        text = value.text
        if op in ("#", "##", "%", "%%"):
            pattern = self._operand(node, children[1], operands)
            if pattern.text is None:
                return unknown(f"cannot evaluate {self.pos.raw(node)}")
            return known(_trim(text, op, pattern.text))
        if op in ("^^", ",,", "^", ","):
            return known({"^^": text.upper(), ",,": text.lower(), "^": text[:1].upper() + text[1:],
                          ",": text[:1].lower() + text[1:]}[op])
        if op in ("/", "//"):
            parts = [c for c in operands if c.type != "/"]
            pattern = self.word(parts[0]).text if parts else None
            replacement = self.word(parts[1]).text if len(parts) > 1 else ""
            if pattern is None or replacement is None or any(ch in pattern for ch in "*?["):
                return unknown(f"cannot evaluate {self.pos.raw(node)}")
            return known(text.replace(pattern, replacement) if op == "//" else text.replace(pattern, replacement, 1))
        if op == ":":
            numbers = [self.pos.text(c) for c in operands if c.type != ":"]
            try:
                start = int(numbers[0])
                length = int(numbers[1]) if len(numbers) > 1 else None
            except (ValueError, IndexError):
                return unknown(f"cannot evaluate {self.pos.raw(node)}")
            return known(text[start:] if length is None else text[start:start + length])
        return unknown(f"cannot evaluate {self.pos.raw(node)}")

    def _operand(self, node, operator, operands) -> Value:
        end = node.children[-1]
        if not operands:
            return EMPTY
        # the operand is everything between the operator and the closing brace
        fake = _Span(operator.end_byte, end.start_byte if end.type == "}" else node.end_byte, operator.end_point)
        return _joined(self._spanned(fake, operands, quoted=True))

    def _default(self, node, name: str, op: str, operands) -> Value:
        operator = next(c for c in node.children if c.type == op)
        absent = self._absent(name)
        current = None if absent else self.lookup(name)
        null_counts = op.startswith(":")
        is_unset = absent or (name in self.env and self.env[name].value is None)
        empty = current is not None and current.known and current.text == ""
        use_operand = is_unset or (null_counts and empty)
        if op in (":+", "+"):
            if current is not None and not current.known:
                return current
            return EMPTY if use_operand else self._operand(node, operator, operands)
        if current is not None and not current.known and not is_unset:
            return current
        if not use_operand:
            return current
        if op in (":?", "?"):
            return unknown(f"${name} must be given (the script stops without it)")
        value = self._operand(node, operator, operands)
        if op in (":=", "=") and not name.isdigit():
            self.env[name] = Var(value, None, self.pos.node(node))
        return value

    def substitute(self, node) -> Value:
        """$(...): a few pure commands are understood (dirname, basename, pwd, cd && pwd,
        realpath, git rev-parse --show-toplevel, mktemp); anything else is unknown."""
        raw = self.pos.raw(node)
        body = [c for c in node.named_children if c.type != "comment"]
        if len(body) != 1:
            return unknown(f"the output of {raw}")
        part = body[0]
        commands = [part]
        if part.type == "list":
            commands = [c for c in part.named_children if c.type == "command"]
            if len(commands) != 2 or self.pos.text(commands[0].child_by_field_name("name") or commands[0]) != "cd":
                return unknown(f"the output of {raw}")
        if any(c.type != "command" for c in commands):
            return unknown(f"the output of {raw}")
        saved = (self.cwd, list(self.dirs))
        try:
            result = None
            for command in commands:
                name = command.child_by_field_name("name")
                args = [c for i, c in enumerate(command.children) if command.field_name_for_child(i) == "argument"]
                words = [f.value.text for f in self.fields([name] + args)]
                result = self._pure(words, command)
                if result is not None and not result.known:
                    return unknown(f"the output of {raw}")
            return result if result is not None else unknown(f"the output of {raw}")
        finally:
            self.cwd, self.dirs = saved

    def _pure(self, words: list[str | None], command) -> Value | None:
        if not words or words[0] is None:
            return None
        head, args = words[0], [w for w in words[1:] if w is None or not w.startswith("-")]
        flags = [w for w in words[1:] if w is not None and w.startswith("-")]
        if head == "cd":
            self._cd([Field(known(a) if a is not None else unknown("?"), "", Location("")) for a in args])
            return EMPTY
        if head == "pwd":
            return known(self.cwd) if self.cwd is not None else unknown("pwd after an unknown cd")
        if head in ("dirname", "basename", "realpath", "readlink") and args and all(a is not None for a in args):
            if head == "dirname":
                return known(posixpath.dirname(args[0].rstrip("/")) or ".")
            if head == "basename":
                base = posixpath.basename(args[0].rstrip("/"))
                if len(args) > 1 and base.endswith(args[1]) and base != args[1]:
                    base = base[: -len(args[1])]
                return known(base)
            if head == "readlink" and "-f" not in flags:
                return None
            path = args[0] if args[0].startswith("/") or self.cwd is None else posixpath.join(self.cwd, args[0])
            return known(posixpath.normpath(path)) if (args[0].startswith("/") or self.cwd is not None) else None
        if head == "git" and words[1:] == ["rev-parse", "--show-toplevel"]:
            return known(".")
        if head == "mktemp" and "-d" in flags:
            # a fresh directory: give it a stable name so later uses of it can be matched
            return known(f"/tmp/mktemp-line{self.pos.node(command).line}")
        return None


def _integer_arithmetic(expression: str) -> int | None:
    """+ - * / % and parentheses over integers, as bash computes them; None for anything else."""
    import ast

    if not re.fullmatch(r"[\d\s+\-*/%()]+", expression):
        return None
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return None

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = walk(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)) and right:
                quotient = abs(left) // abs(right) * (1 if (left >= 0) == (right >= 0) else -1)
                return quotient if not isinstance(node.op, ast.Mod) else left - right * quotient
        raise ValueError

    try:
        return walk(tree)
    except (ValueError, RecursionError):
        return None


@dataclass(frozen=True)
class _Glued:
    """The extent of several nodes that form one word, as positions read it."""

    first: object
    last: object

    @property
    def start_byte(self) -> int:
        return self.first.start_byte

    @property
    def end_byte(self) -> int:
        return self.last.end_byte

    @property
    def start_point(self):
        return self.first.start_point

    @property
    def end_point(self):
        return self.last.end_point


@dataclass(frozen=True)
class _Span:
    start_byte: int
    end_byte: int
    start_point: object


def _joined(segments) -> Value:
    """Segments as one value, without word splitting."""
    parts = []
    for kind, payload in segments:
        if kind == "arr":
            parts.append(_join(payload[0]))
        elif kind == "lit":
            parts.append(Value((payload,)))
        else:
            parts.append(payload)
    return concat(parts)


def _join(items) -> Value:
    if items is None:
        return unknown("an array whose items are unknown")
    parts: list[Value] = []
    for i, item in enumerate(items):
        if i:
            parts.append(known(" "))
        parts.append(item)
    return concat(parts) if parts else EMPTY


def _trim(text: str, op: str, pattern: str) -> str:
    if op in ("#", "##"):
        ends = range(len(text) + 1) if op == "#" else range(len(text), -1, -1)
        for i in ends:
            if fnmatch.fnmatchcase(text[:i], pattern):
                return text[i:]
        return text
    starts = range(len(text), -1, -1) if op == "%" else range(len(text) + 1)
    for i in starts:
        if fnmatch.fnmatchcase(text[i:], pattern):
            return text[:i]
    return text


def _unescape(text: str, escapable: str | None = None) -> str:
    """Backslash removal: any character unquoted (escapable None), only `"\\$` and newline
    inside double quotes; a backslash-newline joins lines."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and (escapable is None or text[i + 1] in escapable):
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _ansi_c(text: str) -> str:
    try:
        return codecs.decode(text.replace("\\'", "'").encode("latin-1", "backslashreplace"), "unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return text
