"""Run a shell script in the head: follow assignments, defaults, `source`, `cd` and functions, and
list every simple command with its arguments resolved as far as the text allows.

Nothing is executed. A value the text does not determine (a command substitution, a `read`, a
variable set differently on two branches of an `if`) is unknown and carries the reason.
Assumptions, stated once: the script runs from the repository root (so `$0` is its path from the
root), a variable the file never sets comes from the environment (unknown, unless a `${VAR:-x}`
default applies), loop bodies run once with the loop variable unknown, and a function runs where
it is called (one never called runs once at the end, its arguments unknown).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from gcp_preflight.model import Location
from gcp_preflight.validators.shell.positions import Positions
from gcp_preflight.validators.shell.values import EMPTY, Value, concat, known, unknown
from gcp_preflight.validators.shell.words import Field, Var, WordExpander

_PARSER = None
# tree-sitter-bash reads `10#08` in arithmetic as one number, but not a base prefix before an
# expansion (`$((10#$month))`, valid bash): it leaves `10#` as an ERROR node.
_BASE_PREFIX = re.compile(rb"[0-9]+#")


def parse(source: bytes):
    """The syntax tree of a script. Grammar gaps are worked around on a copy of the same length
    (so every node keeps its bytes, rows and columns in `source`): a base prefix the grammar
    cannot read before an expansion, a here-document with no command (a block comment) and a line
    continuation that ends the script are blanked, and the script parsed again."""
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_bash

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    tree = _PARSER.parse(source)
    if tree.root_node.has_error:
        patched = _blank_gaps(source, tree.root_node)
        if patched is not None:
            tree = _PARSER.parse(patched)
    return tree


def _blank_gaps(source: bytes, root) -> bytes | None:
    """`source` with what the parser could not read, of two kinds, turned into spaces (newlines
    kept); None when there is none.
    - A base prefix before an expansion (an ERROR node that is exactly `N#` right before a `$`).
      The arithmetic keeps its value: words.py reads the prefix from the original text.
    - A here-document that starts a line with no command (`<<COMMENT` ... `COMMENT`, a block
      comment): the grammar wants a command before it. Nothing reads its body, so nothing in it
      runs; blanked whole, its body is not read as commands after the error.
    - A line continuation that ends the script.
    And `for name do` gets the semicolon the grammar wants before `do`, and a lone `-` operand
    in a test another word."""
    spans = []
    stack = [root]
    while stack:
        node = stack.pop()
        text = source[node.start_byte:node.end_byte]
        if node.type == "ERROR" and _BASE_PREFIX.fullmatch(text) and source[node.end_byte:node.end_byte + 1] == b"$":
            spans.append((node.start_byte, node.end_byte))
        elif node.type == "ERROR" and text == b"<" and (span := _bare_heredoc(source, node.start_byte)) is not None:
            spans.append(span)
        elif node.has_error:
            stack.extend(node.children)
    tail = _trailing_continuation(source)
    if tail is not None:
        spans.append(tail)
    # `for arg do` (POSIX: over "$@", as in every gradlew): `for arg;do`, the form the grammar reads
    semicolons = [found.start(1) for found in _FOR_WITHOUT_IN.finditer(source)]
    # `[ "$1" = - ]`: a lone `-` operand, which the grammar takes for an unfinished test operator;
    # any other word parses the same (the evaluator reads each word's text from the script)
    dashes = [found.start() for found in _DASH_OPERAND.finditer(source)]
    if not spans and not semicolons and not dashes:
        return None
    patched = bytearray(source)
    for start, end in spans:
        patched[start:end] = bytes(b if b == 0x0A else 0x20 for b in source[start:end])
    for at in semicolons:
        patched[at] = 0x3B
    for at in dashes:
        patched[at] = 0x5F
    return bytes(patched)


_DASH_OPERAND = re.compile(rb"(?<=[ \t]=[ \t])-(?=[ \t]+\])|(?<=[ \t]==[ \t])-(?=[ \t]+\])")


_FOR_WITHOUT_IN = re.compile(rb"\bfor[ \t]+[A-Za-z_][A-Za-z0-9_]*( )do\b")


_TRAILING_CONTINUATION = re.compile(rb"\\(\r?\n)?\Z")


def _trailing_continuation(source: bytes) -> tuple[int, int] | None:
    """The backslash of a line continuation that ends the script (`--date 2024-01-01 \\` on its
    last line): bash joins it with nothing and ends the command; the grammar wants a next line."""
    found = _TRAILING_CONTINUATION.search(source)
    return (found.start(), found.start() + 1) if found is not None else None


_BARE_HEREDOC = re.compile(rb"<<(-?)[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2[ \t]*(?:#[^\n]*)?\n")


def _bare_heredoc(source: bytes, start: int) -> tuple[int, int] | None:
    """The bytes of a here-document with no command that starts at `start` (only blanks before it
    on its line), through its closing line (or the end of the script, as bash reads it)."""
    line_start = source.rfind(b"\n", 0, start) + 1
    found = _BARE_HEREDOC.match(source, start)
    if found is None or source[line_start:start].strip(b" \t"):
        return None
    delimiter, strip_tabs = found.group(3), found.group(1) == b"-"
    position = found.end()
    while position < len(source):
        end = source.find(b"\n", position)
        end = len(source) if end < 0 else end
        line = source[position:end]
        if (line.lstrip(b"\t") if strip_tabs else line) == delimiter:
            return start, end
        position = end + 1
    return start, len(source)


def _unreadable(node) -> list:
    """The innermost ERROR and missing nodes under a node, in text order."""
    if not (node.has_error or node.is_missing):
        return []
    found, stack = [], [node]
    while stack:
        node = stack.pop()
        inner_error = node.type == "ERROR" and any(c.has_error for c in node.children)
        if (node.type == "ERROR" and not inner_error) or node.is_missing:
            found.append(node)
        elif node.has_error:
            stack.extend(reversed(node.children))
    return found


@dataclass(frozen=True)
class Invocation:
    fields: tuple[Field, ...]
    location: Location
    cwd: str | None  # None: a `cd` could not be followed
    # Inside a branch that ends with `exit`: what follows the branch runs only when it did not.
    exits: bool = False


@dataclass(frozen=True)
class SourcedFile:
    location: Location
    raw: str
    target: str | None  # the path as resolved, or None
    candidates: tuple[str, ...]  # repository paths it may name, most likely first
    read: bool  # whether its text was evaluated in place


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    column: int
    message: str


@dataclass
class _Function:
    body: object
    positions: Positions
    called: bool = False


_WRAPPERS = {"time", "exec", "command", "nohup", "builtin", "noglob"}
REGION_GAP = 2  # lines: unparsable statements closer than this are one region (PF006 once)
MAX_CALL_DEPTH = 8
MAX_SOURCE_DEPTH = 8
# Budgets: evaluation is linear in what a script says, not in what it would do. A script that
# runs past them (functions calling each other in a fan, giant arrays) is read up to that point
# and the place is said once (PF008); nothing after it is guessed.
MAX_STEPS = 20_000  # the largest of 563 real scripts measured takes 1,402
MAX_ARRAY_ITEMS = 10_000


class _OutOfBudget(Exception):
    def __init__(self, node, why: str):
        super().__init__(why)
        self.node, self.why = node, why


class ShellEvaluator(WordExpander):
    def __init__(self, script_path: str | None, env: dict[str, Var] | None = None,
                 load: Callable[[str], bytes | None] | None = None, cwd: str | None = ".",
                 parsed: dict | None = None):
        self.script_path = script_path  # None for scripts embedded in YAML
        self.parsed = parsed if parsed is not None else {}  # sourced path -> (Positions, tree), shared by a run
        self.env: dict[str, Var] = dict(env or {})
        self.cwd = cwd
        self.oldpwd: str | None = None  # for `cd -`
        self.dirs: list[str | None] = []
        self.positional: tuple[Value, ...] | None = None
        self.load = load
        self.functions: dict[str, _Function] = {}
        self.locals: list[dict[str, Var | None]] = []
        self.depth = 0
        self.sourcing: list[str] = []
        self.unread_sources: list[SourcedFile] = []
        self.invocations: list[Invocation] = []
        self.sources: list[SourcedFile] = []
        self.problems: list[SyntaxProblem] = []
        self.notices: list[SyntaxProblem] = []  # where a budget stopped the evaluation
        self.steps = 0
        self.pos: Positions | None = None

    # -- entry points ---------------------------------------------------------------------
    def run(self, positions: Positions, tree) -> None:
        self.pos = positions
        self._problems(tree.root_node)
        top = None  # the statement of this script being run (a budget may run out in a sourced file)
        try:
            for top in tree.root_node.children:
                self.statement(top)
            self._uncalled()
        except _OutOfBudget as stop:
            self.pos = positions
            node = top or stop.node  # the script's own statement, not a line inside a function it calls
            line, column, _ = positions.place(node.start_point.row, node.start_point.column) if node else (1, 1, True)
            self.notices.append(SyntaxProblem(line, column, stop.why))

    def _uncalled(self) -> None:
        for name, fn in list(self.functions.items()):
            if not fn.called:
                fn.called = True
                self.call(fn, None)

    def _problems(self, root) -> None:
        """One problem per unparsable region: the places the parser could not read inside one
        top-level statement, or in top-level statements that start at most REGION_GAP lines after
        the region's last one ends, are one region, reported at its first place. (Error recovery
        makes one mistake, such as Python pasted into a script, into dozens of ERROR nodes.)"""
        if not root.has_error:
            return
        regions: list[list] = []  # [places, first row, last row]
        for top in root.children:
            places = _unreadable(top)
            if not places:
                continue
            # Readable lines between unreadable ones (foreign code pasted in parses in part)
            # do not end a region; a gap of more than REGION_GAP lines does.
            if regions and top.start_point.row - regions[-1][2] <= REGION_GAP:
                regions[-1][0].extend(places)
                regions[-1][2] = max(regions[-1][2], top.end_point.row)
            else:
                regions.append([places, top.start_point.row, top.end_point.row])
        for places, first, last in regions:
            node = places[0]
            line, column, _ = self.pos.place(node.start_point.row, node.start_point.column)
            what = f"expected {node.type!r}" if node.is_missing else "cannot parse the shell here"
            if len(places) > 1:
                start, _, _ = self.pos.place(first, 0)
                end, _, _ = self.pos.place(last, 0)
                what += (f" ({len(places)} places in the statement of lines {start}-{end} could not be read; "
                         f"this is the first)")
            self.problems.append(SyntaxProblem(line, column, what))

    # -- statements -----------------------------------------------------------------------
    def block(self, nodes: Iterable) -> None:
        for node in nodes:
            self.statement(node)

    def statement(self, node) -> None:
        kind = node.type
        if kind in ("comment", ";", ";;", "&", "\n") or not node.is_named:
            return
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _OutOfBudget(None, f"evaluation stopped in this statement after {MAX_STEPS:,} steps (functions that "
                                     "call each other many times?); the commands from here on are not checked")
        handler = getattr(self, "_st_" + kind, None)
        if handler is not None:
            handler(node)
        elif kind == "ERROR":  # what did parse inside still runs; PF006 reports the rest
            self.block(c for c in node.children if c.is_named)
        elif kind in ("test_command", "heredoc_body", "word", "string"):
            return
        else:
            self.block(node.named_children)

    def _st_command(self, node) -> None:
        name = node.child_by_field_name("name")
        prefix = [c for c in node.children if c.type == "variable_assignment"]
        if name is None:
            for assignment in prefix:
                self.assign(assignment)
            return
        args = [c for i, c in enumerate(node.children) if node.field_name_for_child(i) == "argument"]
        fields = self.fields([name] + args)
        self.invoke(fields, self.pos.node(name))

    def _st_variable_assignment(self, node) -> None:
        self.assign(node)

    def _st_variable_assignments(self, node) -> None:
        for child in node.named_children:
            if child.type == "variable_assignment":
                self.assign(child)

    def _st_declaration_command(self, node) -> None:
        keyword = node.children[0].type if node.children else ""
        is_local = keyword == "local" or (keyword in ("declare", "typeset") and self.locals)
        for child in node.named_children:
            if child.type == "variable_assignment":
                name = self._assigned_name(child)
                if is_local and name:
                    self._save_local(name)
                self.assign(child)
            elif child.type == "variable_name":
                name = self.pos.text(child)
                if is_local:
                    self._save_local(name)
                    self.env[name] = Var(None, None, self.pos.node(child))

    def _st_unset_command(self, node) -> None:
        for child in node.named_children:
            if child.type in ("variable_name", "word"):
                name = self.pos.text(child)
                if not name.startswith("-"):
                    self.env[name] = Var(None, None, self.pos.node(child))

    def _st_function_definition(self, node) -> None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is not None and body is not None:
            self.functions[self.pos.text(name)] = _Function(body, self.pos)

    def _st_redirected_statement(self, node) -> None:
        body = node.child_by_field_name("body")
        if body is not None:
            self.statement(body)

    def _st_subshell(self, node) -> None:
        saved = self._snapshot()
        self.block(node.named_children)
        self._restore(saved)

    def _st_pipeline(self, node) -> None:
        # every part of a pipeline runs in a subshell: its assignments and cd do not persist
        for child in node.named_children:
            saved = self._snapshot()
            self.statement(child)
            self._restore(saved)

    def _st_list(self, node) -> None:
        children = [c for c in node.children if c.type != "comment"]
        if len(children) < 3:
            self.block(children)
            return
        left, op, right = children[0], children[1].type, children[-1]
        self.statement(left)
        test = _emptiness_test(left, self.pos)
        if test is not None and ((op == "&&") == test[1]):
            # `[ -z "$X" ] && X=...`: a default for X
            state = self._state(test[0])
            if state == "empty-or-absent":
                self.statement(right)
            elif state == "unknown":
                self._branches([lambda: self.statement(right)], may_skip=True, line=right)
            return
        self._branches([lambda: self.statement(right)], may_skip=True, line=right)

    def _st_if_statement(self, node) -> None:
        conditions = [c for i, c in enumerate(node.children)
                      if node.field_name_for_child(i) == "condition" and c.is_named]
        for condition in conditions:
            self.statement(condition)
        then_body, clauses, seen_then = [], [], False
        for child in node.children:
            if child.type == "then":
                seen_then = True
            elif child.type in ("elif_clause", "else_clause"):
                clauses.append(child)
            elif seen_then and child.is_named and child.type != "comment":
                then_body.append(child)
        has_else = any(c.type == "else_clause" for c in clauses)
        test = _emptiness_test(conditions[0], self.pos) if len(conditions) == 1 and not clauses else None
        if test is not None and test[1]:
            state = self._state(test[0])
            if state == "empty-or-absent":
                self.block(then_body)
                return
            if state == "set":
                return
        bodies = [lambda: self.block(then_body)] + [lambda c=c: self._clause(c) for c in clauses]
        self._branches(bodies, may_skip=not has_else, line=node)

    def _clause(self, clause) -> None:
        if clause.type == "else_clause":
            self.block(clause.named_children)
            return
        parts, seen_then = [], False
        for child in clause.children:
            if child.type == "then":
                seen_then = True
            elif child.is_named and child.type != "comment":
                if seen_then:
                    parts.append(child)
                else:
                    self.statement(child)  # the elif condition
        self.block(parts)

    def _st_case_statement(self, node) -> None:
        items = [c for c in node.named_children if c.type == "case_item"]
        catch_all = False
        bodies = []
        for item in items:
            values = [c for i, c in enumerate(item.children) if item.field_name_for_child(i) == "value"]
            if any(self.pos.text(v) == "*" for v in values):
                catch_all = True
            body = [c for i, c in enumerate(item.children)
                    if c.is_named and item.field_name_for_child(i) != "value" and c.type != "comment"]
            bodies.append(lambda body=body: self.block(body))
        self._branches(bodies, may_skip=not catch_all, line=node)

    def _loop(self, node, variable: str | None, values: list) -> None:
        body = node.child_by_field_name("body")
        if variable:
            words = [f.value.text for f in self.fields(values)] if values else []
            listed = ", ".join(w for w in words[:4] if w is not None)
            reason = f"${variable} is a loop variable" + (f" ({listed}{', ...' if len(words) > 4 else ''})" if listed else "")
            self.env[variable] = Var(unknown(reason), None, self.pos.node(node))
        for i, child in enumerate(node.children):
            if node.field_name_for_child(i) == "condition":
                self.statement(child)
        if body is not None:
            self._branches([lambda: self.statement(body)], may_skip=True, line=node)

    def _st_for_statement(self, node) -> None:
        variable = node.child_by_field_name("variable")
        values = [c for i, c in enumerate(node.children) if node.field_name_for_child(i) == "value"]
        self._loop(node, self.pos.text(variable) if variable else None, values)

    def _st_while_statement(self, node) -> None:
        self._loop(node, None, [])

    def _st_c_style_for_statement(self, node) -> None:
        self._loop(node, None, [])

    def _st_negated_command(self, node) -> None:
        self.block(node.named_children)

    def _st_compound_statement(self, node) -> None:
        self.block(node.named_children)

    def _st_do_group(self, node) -> None:
        self.block(node.named_children)

    # -- branches -------------------------------------------------------------------------
    def _snapshot(self):
        return dict(self.env), self.cwd, list(self.dirs)

    def _restore(self, snapshot) -> None:
        env, self.cwd, dirs = snapshot
        self.env, self.dirs = dict(env), list(dirs)

    def _branches(self, bodies: list[Callable[[], None]], may_skip: bool, line) -> None:
        start = self._snapshot()
        ends = []
        for body in bodies:
            self._restore(start)
            first = len(self.invocations)
            body()
            ends.append(self._snapshot())
            last = self.invocations[-1] if len(self.invocations) > first else None
            if last is not None and last.fields and last.fields[0].value.text == "exit":
                for i in range(first, len(self.invocations)):
                    self.invocations[i] = replace(self.invocations[i], exits=True)
        if may_skip:
            ends.append(start)
        where = self.pos.node(line).line
        env: dict[str, Var] = {}
        for name in {n for e in ends for n in e[0]}:
            values = [e[0].get(name) for e in ends]
            if all(v == values[0] for v in values):
                env[name] = values[0]
            else:
                at = next((v.at for v in values if v is not None and v.at is not None), None)
                env[name] = Var(unknown(f"${name} depends on which branch runs (line {where})"), None, at)
        cwds = {e[1] for e in ends}
        self.env = env
        self.cwd = cwds.pop() if len(cwds) == 1 else None
        self.dirs = ends[0][2]

    def _state(self, name: str) -> str:
        var = self.env.get(name)
        if var is None or var.value is None:
            return "empty-or-absent"
        if var.value.text == "":
            return "empty-or-absent"
        return "set" if var.value.known else "unknown"

    # -- commands -------------------------------------------------------------------------
    def invoke(self, fields: list[Field], location: Location) -> None:
        fields = _strip_wrappers(fields)
        if not fields:
            return
        head = fields[0].value.text
        if head is None:
            self._record(fields, location)
            return
        if head in self.functions and self.depth < MAX_CALL_DEPTH:
            fn = self.functions[head]
            fn.called = True
            args = fields[1:]
            self.call(fn, None if any(f.many for f in args) else tuple(f.value.at(f.location, f.raw) for f in args))
            return
        self._record(fields, location)
        args = fields[1:]
        if head in ("source", ".") and args:
            self.source(args[0], location)
        elif head == "cd":
            self._cd(args)
        elif head == "pushd":
            self.dirs.append(self.cwd)
            self._cd(args)
        elif head == "popd":
            self.cwd = self.dirs.pop() if self.dirs else None
        elif head in ("read", "mapfile", "readarray", "getopts"):
            for f in args:
                name = f.value.text
                if name and not name.startswith("-") and name.replace("_", "").isalnum():
                    self.env[name] = Var(unknown(f"${name} is read at run time (line {location.line})"), None, location)
        elif head == "printf" and len(args) >= 2 and args[0].value.text == "-v":
            self._printf_v(args[1].value.text, args[2:], location)
        elif head == "shift":
            count = args[0].value.text if args else "1"
            if self.positional is not None and count and count.isdigit():
                self.positional = self.positional[int(count):]
        elif head == "set" and args and args[0].value.text == "--":
            self.positional = tuple(f.value for f in args[1:])

    def _printf_v(self, name: str | None, args: list[Field], location: Location) -> None:
        """`printf -v VAR FORMAT ARGS`: %s and %d formats of known arguments are followed."""
        if not name:
            return
        texts = [a.value.text for a in args]
        value = unknown(f"${name} is formatted by printf at line {location.line}")
        if texts and all(t is not None for t in texts) and re.fullmatch(r"(?:[^%]|%%|%[sd])*", texts[0]):
            count = len(re.findall(r"%[sd]", texts[0]))
            if count == len(texts) - 1:
                try:
                    rendered = texts[0].replace("%d", "%s") % tuple(texts[1:])
                    value = known(rendered)
                except (TypeError, ValueError):
                    pass
        self.env[name] = Var(value, None, location)

    def _record(self, fields: list[Field], location: Location) -> None:
        self.invocations.append(Invocation(tuple(fields), location, self.cwd))

    def _cd(self, args: list[Field]) -> None:
        args = [a for a in args if not (a.value.text or "").startswith("-") or a.value.text == "-"]
        target = args[0].value.text if args else None
        previous = self.cwd
        if target == "-":
            self.cwd, self.oldpwd = self.oldpwd, previous
            return
        self.oldpwd = previous
        if target is None or target == "~" or target.startswith("~") or self.cwd is None and not target.startswith("/"):
            self.cwd = None
        elif target.startswith("/"):
            self.cwd = posixpath.normpath(target)
        else:
            self.cwd = posixpath.normpath(posixpath.join(self.cwd, target))

    def call(self, fn: _Function, positional: tuple[Value, ...] | None) -> None:
        saved_positional, saved_pos = self.positional, self.pos
        self.positional = positional
        self.locals.append({})
        self.depth += 1
        self.pos = fn.positions
        try:
            self.statement(fn.body)
        finally:
            self.depth -= 1
            self.pos = saved_pos
            frame = self.locals.pop()
            for name, old in frame.items():
                if old is None:
                    self.env.pop(name, None)
                else:
                    self.env[name] = old
            self.positional = saved_positional

    def _save_local(self, name: str) -> None:
        if self.locals and name not in self.locals[-1]:
            self.locals[-1][name] = self.env.get(name)

    def source(self, arg: Field, location: Location) -> None:
        target = arg.value.text
        candidates: tuple[str, ...] = ()
        if target is not None and not target.startswith(("/", "~")):
            options = []
            if self.cwd is not None:
                options.append(posixpath.normpath(posixpath.join(self.cwd, target)))
            if self.script_path is not None:
                options.append(posixpath.normpath(posixpath.join(posixpath.dirname(self.script_path), target)))
            candidates = tuple(dict.fromkeys(p for p in options if not p.startswith("..")))
        text, chosen = None, None
        if self.load is not None and len(self.sourcing) < MAX_SOURCE_DEPTH:
            for candidate in candidates:
                if candidate in self.sourcing:
                    break
                text = self.load(candidate)
                if text is not None:
                    chosen = candidate
                    break
        record = SourcedFile(location, arg.raw, target, candidates, text is not None)
        self.sources.append(record)
        if text is None:
            self.unread_sources.append(record)
            return
        saved_pos = self.pos
        self.sourcing.append(chosen)
        try:
            if chosen not in self.parsed:  # each sourced file is parsed once per run, however often it is sourced
                self.parsed[chosen] = (Positions(chosen, text), parse(text))
            positions, tree = self.parsed[chosen]
            self.pos = positions
            self.block(tree.root_node.children)
        finally:
            self.sourcing.pop()
            self.pos = saved_pos

    # -- assignments ----------------------------------------------------------------------
    def _assigned_name(self, node) -> str | None:
        name = node.child_by_field_name("name")
        if name is None:
            return None
        if name.type == "subscript":
            inner = name.child_by_field_name("name")
            return self.pos.text(inner) if inner is not None else None
        return self.pos.text(name)

    def assign(self, node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        value_node = node.child_by_field_name("value")
        append = any(c.type == "+=" for c in node.children)
        at = self.pos.node(node)
        if name_node.type == "subscript":  # arr[i]=x: the array is no longer known item by item
            name = self._assigned_name(node)
            if name:
                self.env[name] = Var(unknown(f"${name} has elements set one by one"), None, at)
            return
        name = self.pos.text(name_node)
        if value_node is not None and value_node.type == "array":
            if value_node.named_child_count > MAX_ARRAY_ITEMS:
                self.env[name] = Var(unknown(f"${name} has more than {MAX_ARRAY_ITEMS:,} elements; not followed"), None, at)
                return
            fields = self.fields(value_node.named_children)
            items = tuple(f.value.at(f.location, f.raw) for f in fields)
            if any(f.many for f in fields):
                self.env[name] = Var(unknown(f"${name} has elements that cannot be counted"), None, at)
                return
            old = self.env.get(name)
            if append and old is not None and old.items is not None:
                items = old.items + items
            elif append:
                self.env[name] = Var(unknown(f"${name} is appended to before it is known"), None, at)
                return
            self.env[name] = Var(items[0] if items else EMPTY, items, at)
            return
        value = self.word(value_node) if value_node is not None else EMPTY
        if append:
            old = self.env.get(name)
            base = old.value if old is not None and old.value is not None else (EMPTY if old is not None else None)
            value = concat([base, value]) if base is not None else unknown(f"${name} is appended to before it is known")
        self.env[name] = Var(value, None, at)

def _strip_wrappers(fields: list[Field]) -> list[Field]:
    """`time gcloud ...`, `env A=1 gcloud ...`, `timeout 600 gcloud ...` run gcloud."""
    while fields:
        head = fields[0].value.text
        if head in _WRAPPERS:
            fields = fields[1:]
        elif head == "env":
            fields = fields[1:]
            while fields and fields[0].value.text is not None and ("=" in fields[0].value.text
                                                                   or fields[0].value.text.startswith("-")):
                fields = fields[1:]
        elif head == "timeout":
            fields = fields[1:]
            while fields and fields[0].value.text is not None and fields[0].value.text.startswith("-"):
                fields = fields[1:]
            fields = fields[1:]
        else:
            return fields
    return fields


def _emptiness_test(node, positions: Positions) -> tuple[str, bool] | None:
    """`[ -z "$X" ]` -> ("X", True); `[ -n "$X" ]` -> ("X", False); None for anything else."""
    if node.type != "test_command":
        if node.type == "command":
            name = node.child_by_field_name("name")
            if name is not None and positions.text(name) in ("[", "test"):
                args = [positions.text(c) for i, c in enumerate(node.children)
                        if node.field_name_for_child(i) == "argument"]
                args = [a for a in args if a != "]"]
                if len(args) == 2 and args[0] in ("-z", "-n"):
                    name_text = _variable_in(args[1])
                    return (name_text, args[0] == "-z") if name_text else None
        return None
    inner = [c for c in node.named_children]
    if len(inner) != 1 or inner[0].type != "unary_expression":
        return None
    parts = inner[0].children
    if len(parts) != 2:
        return None
    op = positions.text(parts[0])
    if op not in ("-z", "-n"):
        return None
    name = _variable_in(positions.text(parts[1]))
    return (name, op == "-z") if name else None


def _variable_in(text: str) -> str | None:
    text = text.strip('"')
    if text.startswith("${") and text.endswith("}"):
        inner = text[2:-1]
        for op in (":-", "-"):
            if op in inner:
                inner, rest = inner.split(op, 1)
                if rest:
                    return None
        return inner if inner.replace("_", "a").isalnum() else None
    if text.startswith("$") and text[1:].replace("_", "a").isalnum():
        return text[1:]
    return None
