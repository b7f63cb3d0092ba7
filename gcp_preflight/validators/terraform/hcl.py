"""HCL (Terraform's language) parsed with tree-sitter-hcl into HclFile facts.

Tree-sitter gives every node its exact place and stays linear on any input; the grammar is
imported only when a Terraform file is read. A file that does not parse is one PF011 finding at
the first place the grammar gave up, and none of its blocks are read (Terraform refuses the
whole configuration too). Deep nesting and very large files are cut at budgets: the part past
the budget becomes an "unknown" value and one PF008 notice says where.
"""

from __future__ import annotations

import bisect
import re

from gcp_preflight.validators.base import Problem, problem
from gcp_preflight.validators.shell.positions import Positions
from gcp_preflight.validators.templates import is_template
from gcp_preflight.validators.terraform.facts import HclAttribute, HclBlock, HclExpr, HclFile

MAX_NODES = 300_000  # expressions and blocks of one file
MAX_DEPTH = 64  # nested expressions or blocks; Terraform configurations rarely pass 10
MAX_RAW = 200

_PARSER = None


def parser():
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_hcl

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    return _PARSER


# Top-level blocks Terraform knows (https://developer.hashicorp.com/terraform/language/syntax/configuration)
TOP_LEVEL = frozenset({"resource", "data", "variable", "locals", "output", "module", "provider", "terraform",
                       "moved", "import", "check", "removed", "ephemeral"})

_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        s = m.group(0)
        if s == "$${":
            return "${"
        if s == "%%{":
            return "%{"
        if s[1] in "uU":
            try:
                return chr(int(s[2:], 16))
            except ValueError:
                return s
        return _SIMPLE_ESCAPES.get(s[1], s)
    return _ESCAPE.sub(one, text)


class _Budget(Exception):
    pass


class _Converter:
    def __init__(self, path: str, data: bytes):
        self.path = path
        self.data = data
        self.positions = Positions(path, data)
        self.nodes = 0
        self.cut: tuple[int, int, str] | None = None  # the first place a budget stopped reading
        self.row_starts: list[int] | None = None

    # -- places ---------------------------------------------------------------------------------
    def start(self, node) -> tuple[int, int]:
        line, column, _ = self.positions.place(node.start_point.row, node.start_point.column)
        return line, column

    def end(self, node) -> tuple[int, int]:
        line, column, _ = self.positions.place(node.end_point.row, node.end_point.column)
        return line, column

    def text(self, node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def expr(self, kind: str, node, value=None, items=(), tag="", exact=False) -> HclExpr:
        (l1, c1), (l2, c2) = self.start(node), self.end(node)
        return HclExpr(kind, l1, c1, l2, c2, value, tuple(items), tag, exact)

    def count(self, node, depth: int) -> bool:
        """False (and the place noted once) when a budget is spent."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.cut is None:
                line, column = self.start(node)
                self.cut = (line, column, f"more than {MAX_NODES:,} expressions and blocks in this file")
            raise _Budget
        if depth > MAX_DEPTH:
            if self.cut is None:
                line, column = self.start(node)
                self.cut = (line, column, f"expressions nested more than {MAX_DEPTH} deep")
            return False
        return True

    # -- bodies -------------------------------------------------------------------------------------
    def body(self, node, depth: int) -> tuple[list[HclAttribute], list[HclBlock]]:
        attributes, blocks = [], []
        for child in node.named_children:
            if child.type == "attribute":
                attributes.append(self.attribute(child, depth))
            elif child.type == "block":
                block = self.block(child, depth)
                if block is not None:
                    blocks.append(block)
        return attributes, blocks

    def attribute(self, node, depth: int) -> HclAttribute:
        name_node = node.named_children[0]
        value = node.named_children[-1]
        line, column = self.start(name_node)
        raw = self.text(value)
        if len(raw) > MAX_RAW:
            raw = raw[:MAX_RAW] + "..."
        return HclAttribute(self.text(name_node), line, column, self.expression(value, depth + 1), raw)

    def block(self, node, depth: int) -> HclBlock | None:
        if not self.count(node, depth):
            return None
        kind, labels, body = "", [], None
        for child in node.named_children:
            if child.type == "identifier" and not kind:
                kind = self.text(child)
            elif child.type == "identifier":
                labels.append(self.text(child))
            elif child.type == "string_lit":
                labels.append(unescape(self._literal_text(child)))
            elif child.type == "body":
                body = child
        attributes, blocks = self.body(body, depth + 1) if body is not None else ([], [])
        (line, column), (end_line, _) = self.start(node), self.end(node)
        return HclBlock(kind, tuple(labels), line, column, end_line, tuple(attributes), tuple(blocks))

    def _literal_text(self, node) -> str:
        """The raw text between a string literal's quotes."""
        parts = [c for c in node.children if c.type == "template_literal"]
        if not parts:
            return ""
        return self.data[parts[0].start_byte:parts[-1].end_byte].decode("utf-8", "replace")

    # -- expressions ----------------------------------------------------------------------------
    def expression(self, node, depth: int) -> HclExpr:
        if not self.count(node, depth):
            return self.expr("unknown", node, "nested too deeply to be read")
        kind = node.type
        if kind in ("expression", "operation", "literal_value", "collection_value", "for_expr"):
            named = node.named_children
            if kind == "expression" and named and named[0].type in ("variable_expr", "function_call") \
                    or kind == "expression" and len(named) > 1:
                return self.traversal(node, depth)
            if len(named) == 1:
                return self.expression(named[0], depth)
            if not named:
                return self.expr("unknown", node, "an empty expression")
            # ( expr ) : the parentheses are anonymous children
            return self.expression(named[0], depth)
        method = getattr(self, "_" + kind, None)
        if method is None:
            return self.expr("unknown", node, f"a {kind.replace('_', ' ')} is not evaluated")
        return method(node, depth)

    def _numeric_lit(self, node, depth):
        return self.expr("number", node, self.text(node))

    def _bool_lit(self, node, depth):
        return self.expr("bool", node, self.text(node))

    def _null_lit(self, node, depth):
        return self.expr("null", node)

    def _string_lit(self, node, depth):
        raw = self._literal_text(node)
        text = unescape(raw)
        parts = [c for c in node.children if c.type == "template_literal"]
        if parts:  # the place of the text itself, inside the quotes
            (l1, c1), (l2, c2) = self.start(parts[0]), self.end(parts[-1])
        else:
            (l1, c1), _ = self.end(node.children[0]), None
            l2, c2 = l1, c1
        return HclExpr("string", l1, c1, l2, c2, text, (), "", text == raw and l1 == l2)

    def _template_expr(self, node, depth):
        return self.expression(node.named_children[0], depth) if node.named_children else \
            self.expr("unknown", node, "an empty template")

    def _quoted_template(self, node, depth):
        return self._template(node, depth, heredoc=False)

    def _heredoc_template(self, node, depth):
        return self._template(node, depth, heredoc=True)

    def _template(self, node, depth, heredoc: bool) -> HclExpr:
        """Literal parts are read from the source between the pieces (tree-sitter leaves
        whitespace out of them)."""
        children = node.children
        pieces = [c for c in children if c.type in ("template_interpolation", "template_directive")]
        if heredoc:
            idents = [c for c in children if c.type == "heredoc_identifier"]
            if len(idents) < 2:
                return self.expr("unknown", node, "an unterminated heredoc")
            first_newline = self.data.find(b"\n", idents[0].end_byte)
            start = first_newline + 1 if first_newline >= 0 else idents[0].end_byte
            stop = self.data.rfind(b"\n", 0, idents[-1].start_byte) + 1
            strip = any(c.type == "heredoc_start" and self.text(c).startswith("<<-") for c in children)
        else:
            start = children[0].end_byte
            stop = children[-1].start_byte if children[-1].type == "quoted_template_end" else children[-1].end_byte
            strip = False
        items: list[HclExpr] = []
        cursor = start
        for piece in pieces:
            if piece.start_byte > cursor:
                items.append(self._gap(cursor, piece.start_byte, heredoc))
            if piece.type == "template_interpolation":
                inner = [c for c in piece.named_children if c.type not in (
                    "template_interpolation_start", "template_interpolation_end", "strip_marker")]
                items.append(self.expression(inner[0], depth + 1) if inner else self.expr("unknown", piece, "empty"))
            else:
                items.append(self.expr("unknown", piece, "a %{ } template directive is not evaluated"))
            cursor = piece.end_byte
        if stop > cursor:
            items.append(self._gap(cursor, stop, heredoc))
        if strip:
            items = _strip_indent(items)
        if len(items) == 1 and items[0].kind == "string" and not heredoc:
            return items[0]
        return self.expr("template", node, None, items)

    def _gap(self, lo: int, hi: int, heredoc: bool) -> HclExpr:
        raw = self.data[lo:hi].decode("utf-8", "replace")
        text = raw if heredoc else unescape(raw)
        l1, c1, _ = self._at(lo)
        l2, c2, _ = self._at(hi)
        return HclExpr("string", l1, c1, l2, c2, text, (), "", text == raw and l1 == l2)

    def _at(self, offset: int) -> tuple[int, int, bool]:
        if self.row_starts is None:
            self.row_starts = [0] + [m.end() for m in re.finditer(b"\n", self.data)]
        row = bisect.bisect_right(self.row_starts, offset) - 1
        return self.positions.place(row, offset - self.row_starts[row])

    def _variable_expr(self, node, depth):
        return self.expr("ref", node, self.text(node.named_children[0]))

    def traversal(self, node, depth) -> HclExpr:
        return self.traversal_of(node.named_children, node, depth)

    def traversal_of(self, named, node, depth) -> HclExpr:
        """A head (a name, a call, a literal) and the steps after it (`.x`, `[k]`, `[*]`)."""
        head = named[0]
        if head.type == "variable_expr":
            base = self.expr("ref", head, self.text(head.named_children[0]))
        else:
            base = self.expression(head, depth + 1)
        steps = []
        for step in named[1:]:
            if step.type == "get_attr":
                ident = step.named_children[-1]
                steps.append(self.expr("attr", step, self.text(ident)))
            elif step.type == "index":
                inner = step.named_children[0] if step.named_children else None
                if inner is not None and inner.type == "new_index" and inner.named_children:
                    steps.append(self.expr("index", step, None, (self.expression(inner.named_children[0], depth + 1),)))
                elif inner is not None and inner.type == "legacy_index":  # var.list.0
                    digits = self.text(inner).lstrip(".")
                    steps.append(self.expr("index", step, None, (self.expr("number", inner, digits),)))
                else:
                    steps.append(self.expr("splat", step))
            elif step.type == "splat":
                steps.append(self.expr("splat", step))
            else:
                return self.expr("unknown", node, f"a {step.type.replace('_', ' ')} is not evaluated")
        if not steps:
            return base
        (l1, c1), (l2, c2) = self.start(named[0]), self.end(named[-1])
        if base.kind != "ref" or base.items:
            # an expression followed by steps: (expr).x, f(a)[0]
            return HclExpr("ref", l1, c1, l2, c2, "", (base,) + tuple(steps), "expr")
        return HclExpr("ref", l1, c1, l2, c2, base.value, tuple(steps))

    def operands(self, node, depth) -> tuple[list[HclExpr], list[str]]:
        """The operands of an operation, split at its operator tokens (an operand may be a bare
        traversal: `!var.x` has `var` and `.x` as children of the operation itself)."""
        groups: list[list] = [[]]
        operators: list[str] = []
        for child in node.children:
            if child.is_named and child.type != "comment":
                groups[-1].append(child)
            elif not child.is_named and child.type not in ("(", ")"):
                operators.append(self.text(child))
                groups.append([])
        out = []
        for group in groups:
            if not group:
                continue
            if len(group) == 1:
                out.append(self.expression(group[0], depth + 1))
            else:
                out.append(self.traversal_of(group, group[0], depth + 1))
        return out, operators

    def _function_call(self, node, depth):
        named = node.named_children
        name = self.text(named[0])
        args, expand = [], ""
        for child in named[1:]:
            if child.type == "function_arguments":
                for arg in child.named_children:
                    if arg.type == "expand_final" or arg.type == "ellipsis":
                        expand = "..."
                    else:
                        args.append(self.expression(arg, depth + 1))
                if any(c.type in ("...", "ellipsis") for c in child.children):
                    expand = "..."
        return self.expr("call", node, name, args, expand)

    def _tuple(self, node, depth):
        return self.expr("tuple", node, None, [self.expression(c, depth + 1) for c in node.named_children
                                               if c.type not in ("tuple_start", "tuple_end")])

    def _object(self, node, depth):
        pairs = []
        for elem in node.named_children:
            if elem.type != "object_elem":
                continue
            parts = [c for c in elem.named_children]
            if len(parts) < 2:
                continue
            key_node, value_node = parts[0], parts[-1]
            key = self._object_key(key_node, depth)
            pairs.append(self.expr("pair", elem, None, (key, self.expression(value_node, depth + 1))))
        return self.expr("object", node, None, pairs)

    def _object_key(self, node, depth) -> HclExpr:
        """A bare name key (`memory = ...`) is the string itself, not a variable."""
        named = node.named_children
        if node.type == "expression" and len(named) == 1 and named[0].type == "variable_expr":
            ident = named[0].named_children[0]
            return self.expr("string", ident, self.text(ident), (), "", True)
        return self.expression(node, depth + 1)

    def _conditional(self, node, depth):
        parts, _ = self.operands(node, depth)
        if len(parts) != 3:
            return self.expr("unknown", node, "an incomplete conditional")
        return self.expr("cond", node, None, parts)

    def _binary_operation(self, node, depth):
        parts, operators = self.operands(node, depth)
        if len(parts) != 2 or len(operators) != 1:
            return self.expr("unknown", node, "an incomplete operation")
        return self.expr("binary", node, operators[0], parts)

    def _unary_operation(self, node, depth):
        parts, operators = self.operands(node, depth)
        if len(parts) != 1 or len(operators) != 1:
            return self.expr("unknown", node, "an incomplete operation")
        return self.expr("unary", node, operators[0], parts)

    def _for_tuple_expr(self, node, depth):
        return self._for(node, depth, "tuple")

    def _for_object_expr(self, node, depth):
        return self._for(node, depth, "object")

    def _for(self, node, depth, shape: str) -> HclExpr:
        intro = next((c for c in node.named_children if c.type == "for_intro"), None)
        if intro is None:
            return self.expr("unknown", node, "an incomplete for expression")
        names = [self.text(c) for c in intro.named_children if c.type == "identifier"]
        collection = next((c for c in intro.named_children if c.type == "expression"), None)
        bodies = [c for c in node.named_children if c.type == "expression"]
        cond = next((c for c in node.named_children if c.type == "for_cond"), None)
        if collection is None or not bodies or (shape == "object" and len(bodies) < 2):
            return self.expr("unknown", node, "an incomplete for expression")
        key = self.expression(bodies[0], depth + 1) if shape == "object" else None
        value = self.expression(bodies[-1], depth + 1)
        condition = None
        if cond is not None and cond.named_children:
            condition = self.expression(cond.named_children[-1], depth + 1)
        grouping = shape == "object" and any(c.type == "ellipsis" or self.text(c) == "..." for c in node.children)
        return self.expr("for", node, shape, (self.expression(collection, depth + 1), key, value, condition),
                         ",".join(names), grouping)


def _strip_indent(items: list[HclExpr]) -> list[HclExpr]:
    """`<<-EOT`: the least indentation of the literal lines is removed from every line."""
    text_lines = [line for item in items if item.kind == "string" for line in (item.value or "").split("\n")[1:]]
    first = [items[0].value.split("\n")[0]] if items and items[0].kind == "string" else []
    candidates = [ln for ln in first + text_lines if ln.strip()]
    indent = min((len(ln) - len(ln.lstrip(" \t")) for ln in candidates), default=0)
    if not indent:
        return items
    out = []
    for index, item in enumerate(items):
        if item.kind != "string":
            out.append(item)
            continue
        lines = (item.value or "").split("\n")
        start = 0 if index == 0 else 1
        lines = lines[:start] + [ln[indent:] if ln[:indent].strip() == "" else ln.lstrip(" \t") for ln in lines[start:]]
        if index == 0:
            lines[0] = lines[0][indent:] if lines[0][:indent].strip() == "" else lines[0]
        out.append(HclExpr("string", item.line, item.column, item.end_line, item.end_column, "\n".join(lines)))
    return out


_OPENERS = {"block": "block", "object": "object", "tuple": "list", "function_call": "function call",
            "quoted_template": "string", "string_lit": "string", "template_expr": "string"}


def _first_error(root):
    """The first ERROR or MISSING node, in document order."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def read_hcl(path: str, text: str) -> tuple[HclFile | None, list[Problem]]:
    """The file's facts, or None and the problems that stopped reading it."""
    data = text.encode("utf-8")
    tree = parser().parse(data)
    root = tree.root_node
    converter = _Converter(path, data)
    if root.has_error and is_template(text):
        return None, []  # a sample a script fills in (`pypi_packages = %%PYPI_PACKAGES%%`): not HCL yet
    if root.has_error:
        bad = _first_error(root) or root
        line, column = converter.start(bad)
        snippet = converter.text(bad).split("\n", 1)[0].strip()
        what = f"`{snippet[:40]}`, which " if snippet and not bad.is_missing else "something "
        detail = f"{what}the HCL grammar does not accept here"
        if bad.is_missing:
            closer = {"}": "}", "]": "]", ")": ")", "quoted_template_end": '"'}.get(bad.type)
            opened = bad.parent
            while opened is not None and opened.type not in _OPENERS:
                opened = opened.parent
            if closer is not None and opened is not None:
                line, column = converter.start(opened)
                detail = f"this {_OPENERS[opened.type]} is never closed (no `{closer}` before the end)"
            else:
                detail = "an expression is incomplete here"
        return None, [problem("PF011", path, line, column,
                              f"Terraform syntax error: {detail}; nothing in this file is read")]
    body = next((c for c in root.named_children if c.type == "body"), None)
    problems: list[Problem] = []
    try:
        attributes, blocks = converter.body(body, 0) if body is not None else ([], [])
    except _Budget:
        line, column, why = converter.cut
        return None, [problem("PF008", path, line, column, f"{why}; nothing in this file is read")]
    if converter.cut is not None:
        line, column, why = converter.cut
        problems.append(problem("PF008", path, line, column, f"{why}; the values past this point are not read"))
    is_vars = path.endswith(".tfvars")
    if is_vars and blocks:
        b = blocks[0]
        problems.append(problem("PF011", path, b.line, b.column,
                                f"a `{b.type}` block in a variable definitions file, which holds only `name = value` "
                                f"lines; Terraform refuses it"))
        blocks = []
    if not is_vars:
        for a in attributes:
            problems.append(problem("PF011", path, a.line, a.column,
                                    f"an argument `{a.name}` outside any block; Terraform refuses it"))
            break
        attributes = []
        for b in blocks:
            if b.type not in TOP_LEVEL:
                problems.append(problem("PF011", path, b.line, b.column,
                                        f"Terraform does not know a top-level `{b.type}` block "
                                        f"(unsupported block type); it refuses the configuration"))
        blocks = [b for b in blocks if b.type in TOP_LEVEL]
    return HclFile(path, tuple(blocks), tuple(attributes)), problems
