"""Extract BigQuery write facts from one parsed Python module (an extractor of validators/python/source.py).

Each function is walked once, statement by statement, with a small abstract environment: what
each local name holds (a dict being built, a list of rows, a query result, a date, a string
built from constants). Calls are recorded with their arguments as that environment sees them at
the call. Only what one file can tell is decided here; wrappers and constants that cross modules
are resolved by rules/bigquery/flow.py.

Followed: assignments in order (the last one wins, branches are walked in sequence), `row["k"] =
v`, `row.update(...)`, `row.setdefault(...)`, `rows.append/extend/insert`, `rows += [...]`, for
loops and comprehensions (their targets bound to the iterated rows or query rows), `dict(...)`
and `{**x}` merges; `self.X` in a method is kept as an attribute piece, resolved per class by
rules/bigquery/flow.py from the class facts of validators/bigquery/classes.py. Not followed: values returned
from other functions, attributes of other objects, globals mutated elsewhere, aliasing through
containers.
"""

from __future__ import annotations

import ast
from collections import ChainMap
from typing import Iterable

from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.bigquery.facts import (
    Arg, BqCall, BqFunction, BqLooseCall, BqModule, BqTableDecl, Entry, JobConfig, JsonDumps, Piece, QuerySource,
    Row, Rows, Value,
)
from gcp_preflight.validators.bigquery.classes import class_facts, decorator_names
from gcp_preflight.validators.bigquery.schema import BqColumn, canonical_type
from gcp_preflight.validators.bigquery.values import (
    RISKY, UNKNOWN, ADict, AJob, AList, AParam, AQuery, AQueryRow, ASchema, AVal, LazyText, _concat, _const_str, _constant, _is_text, _kind,
    _merge, _text_pieces, _unencodable, dotted,
)
from gcp_preflight.validators.python.segments import SourceMap
from gcp_preflight.validators.python.nodes import children
from gcp_preflight.validators.python.tree_index import tree_index

SINKS = frozenset({"insert_rows_json", "insert_rows", "load_table_from_json"})

_DATETIME_CTORS = {"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp", "fromisoformat", "strptime", "combine"}
_DATE_CTORS = {"today", "fromtimestamp", "fromisoformat", "fromordinal"}
_STR_METHODS = {"isoformat", "strftime", "hex", "decode", "format", "upper", "lower", "strip", "join", "title",
                "replace_str"}
_BUILTIN_KINDS = {"str": "converted", "repr": "converted", "int": "converted", "float": "converted",
                  "round": "num", "len": "num", "bool": "bool", "bytes": "bytes", "bytearray": "bytes",
                  "set": "set", "frozenset": "set", "list": "list", "tuple": "tuple", "sorted": "list"}
_QUERY_METHODS = {"query_and_wait", "list_rows"}
_ENV_READS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
_DECIMAL_METHODS = {"quantize", "normalize", "copy_abs", "copy_negate", "to_integral_value", "to_integral",
                    "sqrt", "exp", "ln", "log10", "scaleb", "max", "min", "fma", "remainder_near"}
_COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})
_SCOPES = frozenset({ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
# How deeply one expression is followed. `a + b + c ...` and `x.f().g()...` nest one level per
# operator or call without any bracket (the parser limits brackets, not these), so a chain of
# thousands must not exhaust the stack; deeper parts are unknown values.
MAX_DEPTH = 64


# -- per-file context --------------------------------------------------------------------

class ModuleContext:
    def __init__(self, tree: ast.Module, source: SourceText):
        self.source = source
        self.path = source.path
        self._map: SourceMap | None = None
        self.index = tree_index(tree)
        self.module = module_name(source.path)
        self.aliases: dict[str, str] = {}  # local name -> canonical dotted ("datetime.datetime")
        self.imports: list[tuple[str, str, str]] = []
        self.imports_bigquery = False
        self.has_json_import = False
        self.schemas: dict[str, tuple] = {}
        self.constants: dict[str, tuple] = {}
        self.facts: list[object] = []
        self.walks = None  # _Walks, once the functions are walked
        self._read_imports(tree)

    def _read_imports(self, tree: ast.Module) -> None:
        top = {id(stmt) for stmt in tree.body}
        for node in self.index.imports:  # every import, as ast.walk meets them
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.aliases[local] = alias.name if alias.asname else alias.name.split(".")[0]
                    self.imports.append((local, alias.name if alias.asname else local, ""))
                    if alias.name == "json" and id(node) in top:
                        self.has_json_import = True
                    self.imports_bigquery |= alias.name.startswith("google.cloud.bigquery")
            elif isinstance(node, ast.ImportFrom):
                base = absolute_module(self.module, self.path, node.module or "", node.level)
                for alias in node.names:
                    local = alias.asname or alias.name
                    self.aliases[local] = f"{base}.{alias.name}" if base else alias.name
                    self.imports.append((local, base, alias.name))
                    if base == "google.cloud" and alias.name == "bigquery" or base.startswith("google.cloud.bigquery"):
                        self.imports_bigquery = True

    def canonical(self, node: ast.AST) -> str:
        """Dotted name of a callee with its first part mapped through the imports."""
        return self.canonical_name(dotted(node))

    def canonical_name(self, name: str) -> str:
        if not name:
            return ""
        head, _, rest = name.partition(".")
        base = self.aliases.get(head, head)
        return f"{base}.{rest}" if rest else base

    def loc(self, node: ast.AST) -> Location:
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        return Location(self.path, line, self._col(line, getattr(node, "col_offset", 0)),
                        end_line, self._col(end_line, getattr(node, "end_col_offset", 0) or 0))

    @property
    def map(self) -> SourceMap:
        """Built on first use: many modules yield no fact that needs a position."""
        if self._map is None:
            self._map = SourceMap(self.source.text)
        return self._map

    def _col(self, line: int, byte_offset: int) -> int:
        """ast columns count UTF-8 bytes; findings and edits count characters."""
        return self.map.column(line, byte_offset) + 1

    def text(self, node: ast.AST) -> str:
        """The expression as written, whitespace collapsed, at most 60 characters."""
        return self.map.short(node, 60)

    def text_later(self, node: ast.AST) -> LazyText:
        """`text(node)`, read only if a message or a fact asks for it (most values never reach one)."""
        return LazyText(self.text, node)


def module_name(path: str) -> str:
    stem = path[:-3] if path.endswith(".py") else path
    parts = stem.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def absolute_module(current: str, path: str, target: str, level: int) -> str:
    if not level:
        return target
    package = current.split(".") if path.endswith("__init__.py") else current.split(".")[:-1]
    package = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*package, target] if target else package)


# -- schemas written in Python ----------------------------------------------------------------

def schema_columns(ctx: ModuleContext, node: ast.AST) -> tuple | None:
    """Columns of a list of `SchemaField(...)` calls; None when it is not one."""
    if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
        return None
    columns = []
    for elt in node.elts:
        if not (isinstance(elt, ast.Call) and ctx.canonical(elt.func).endswith("SchemaField")):
            return None
        args = {i: a for i, a in enumerate(elt.args)}
        kw = {k.arg: k.value for k in elt.keywords if k.arg}
        name, kind = args.get(0, kw.get("name")), args.get(1, kw.get("field_type"))
        mode = args.get(2, kw.get("mode"))
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            return None
        type_name = canonical_type(kind.value) if isinstance(kind, ast.Constant) and isinstance(kind.value, str) else "UNKNOWN"
        mode_name = mode.value.upper() if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else "NULLABLE"
        subs = schema_columns(ctx, kw["fields"]) if "fields" in kw else None
        columns.append(BqColumn(name.value, type_name, mode_name, subs or (), elt.lineno))
    return tuple(columns)


# -- the walk ---------------------------------------------------------------------------------

class _Env:
    """On the scan's stack: the environment of the nodes pushed above it."""

    __slots__ = ("env",)

    def __init__(self, env):
        self.env = env


class FunctionWalk:
    def __init__(self, ctx: ModuleContext, qualname: str, params: tuple[str, ...], self_name: str = ""):
        self.ctx = ctx
        self.qualname = qualname
        self.params = set(params)
        self.self_name = self_name  # the first parameter of a method: `self.X` is an attribute of the instance
        self.env: dict[str, object] = {}
        self.origins: dict[str, ast.AST] = {}  # name -> the expression last bound to it
        self.self_assigned: list[tuple[str, object, ast.AST]] = []  # `self.X = value`, in order
        self.self_appended: list[tuple[str, object]] = []  # `self.X.append(value)` (extend: each item)
        self.returns: list[object] = []
        self.return_nodes: list[ast.Return] = []
        # Within one statement, until it binds or changes anything, evaluating is pure: each
        # (expression, environment) is evaluated once however many enclosing calls (and then
        # the statement itself) ask. (node id, env id) -> (env, value), the env held so its id
        # stays unique; None outside a statement.
        self.memo: dict | None = None
        self.inner_memo: dict | None = None
        self.depth = 0  # of nested eval calls, bounded by MAX_DEPTH
        self.running = False  # while its body is walked (a helper asked for meanwhile is recursive)
        self.cut = 0  # evaluations MAX_DEPTH cut short: such results are not memoised

    # statements -----------------------------------------------------------------------
    def run(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        kind = stmt.__class__
        if kind in _OWN_SCOPES:
            return  # walked as their own scopes
        self.memo, self.inner_memo = {}, {}
        try:
            header = _HEADERS.get(kind)
            if header is None:
                self.scan_calls(stmt)
            else:
                for expr in header(stmt):
                    self.scan_calls(expr)
            effect = _EFFECTS.get(kind)
            if effect is not None:
                effect(self, stmt)
        finally:
            self.changed()

    def changed(self) -> None:
        """The environment is about to change: what was evaluated may no longer hold."""
        self.memo = self.inner_memo = None

    # what each kind of statement binds or changes, and the blocks it runs (see _EFFECTS)
    def _assign(self, stmt: ast.Assign | ast.AnnAssign) -> None:
        if stmt.value is not None:
            value = self.eval(stmt.value)
            targets = stmt.targets if stmt.__class__ is ast.Assign else [stmt.target]
            for target in targets:
                self.bind(target, value, stmt.value)

    def _return(self, stmt: ast.Return) -> None:
        self.returns.append(self.eval(stmt.value) if stmt.value is not None else AVal("none", stmt))
        self.return_nodes.append(stmt)

    def _aug_assign(self, stmt: ast.AugAssign) -> None:
        if self.is_self(stmt.target):
            self.self_assigned.append((stmt.target.attr, UNKNOWN, stmt))
        elif stmt.target.__class__ is ast.Name:
            current = self.env.get(stmt.target.id)
            added = self.eval(stmt.value)
            if isinstance(current, AList) and isinstance(added, AList):
                self.changed()
                current.items.extend(added.items)

    def _expression(self, stmt: ast.Expr) -> None:
        if stmt.value.__class__ is ast.Call:
            self.mutation(stmt.value)

    def _loop(self, stmt: ast.For | ast.AsyncFor) -> None:
        self.bind_loop(stmt.target, self.eval(stmt.iter))
        self.run(stmt.body)
        self.run(stmt.orelse)

    def _branches(self, stmt: ast.If | ast.While) -> None:
        self.run(stmt.body)
        self.run(stmt.orelse)

    def _with(self, stmt: ast.With | ast.AsyncWith) -> None:
        for item in stmt.items:
            if item.optional_vars is not None:
                self.bind(item.optional_vars, self.eval(item.context_expr), item.context_expr)
        self.run(stmt.body)

    def _try(self, stmt: ast.Try) -> None:
        self.run(stmt.body)
        for handler in stmt.handlers:
            self.run(handler.body)
        self.run(stmt.orelse)
        self.run(stmt.finalbody)

    def _match(self, stmt: ast.Match) -> None:
        for case in stmt.cases:
            self.run(case.body)

    def bind(self, target: ast.AST, value: object, node: ast.AST) -> None:
        self.changed()
        if isinstance(target, ast.Name):
            self.env[target.id] = value
            self.origins[target.id] = node
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            holder = self.env.get(target.value.id)
            key = _const_str(target.slice)
            if isinstance(holder, ADict):
                if key is None:
                    holder.open = True
                else:
                    holder.entries[key] = (value, node)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.bind(elt, UNKNOWN, node)
        elif self.is_self(target):
            self.self_assigned.append((target.attr, value, node))
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            holder = self.env.get(target.value.id)
            if isinstance(holder, AJob):
                self.job_attribute(holder, target.attr, node)

    def is_self(self, node: ast.AST) -> bool:
        """`self.X`, with `self` the method's own first parameter (not rebound)."""
        return bool(self.self_name) and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id == self.self_name and self.self_name not in self.env

    def bind_loop(self, target: ast.AST, iterable: object) -> None:
        self.changed()
        element: object = UNKNOWN
        if isinstance(iterable, AQuery):
            element = AQueryRow(iterable)
        elif isinstance(iterable, AList) and len(iterable.items) == 1:
            element = iterable.items[0]
        if isinstance(target, ast.Name):
            self.env[target.id] = element
        else:
            self.bind(target, UNKNOWN, target)

    def job_attribute(self, job: AJob, attr: str, node: ast.AST) -> None:
        if attr == "schema":
            job.mode, job.columns, job.schema_name = self.schema_value(node)
        elif attr == "autodetect" and isinstance(node, ast.Constant) and node.value is True and job.mode != "schema":
            job.mode = "autodetect"
        elif attr == "ignore_unknown_values" and isinstance(node, ast.Constant):
            job.ignore_unknown = bool(node.value)

    def schema_value(self, node: ast.AST, env: dict | None = None) -> tuple[str, tuple | None, str]:
        """A schema as written (a SchemaField list, a name bound to one here or at module level)."""
        if isinstance(node, ast.Constant) and node.value is None:
            return "absent", None, ""
        value = self.eval(node, env)
        if isinstance(value, ASchema):
            return "schema", value.columns, value.name
        return "schema", None, dotted(node)

    def mutation(self, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and self.is_self(func.value) and func.attr in ("append", "insert", "extend"):
            self.self_mutation(func.value.attr, func.attr, call)
            return
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        holder = self.env.get(func.value.id)
        if isinstance(holder, AList):  # one evaluation, then the change
            if func.attr == "append" and call.args:
                value = self.eval(call.args[0])
                self.changed()
                holder.items.append(value)
            elif func.attr == "insert" and len(call.args) == 2:
                value = self.eval(call.args[1])
                self.changed()
                holder.items.append(value)
            elif func.attr == "extend" and call.args:
                added = self.eval(call.args[0])
                self.changed()
                if isinstance(added, AList):
                    holder.items.extend(added.items)
        elif isinstance(holder, ADict):
            self.changed()  # evaluations and changes interleave
            if func.attr == "update":
                for arg in call.args:
                    holder.absorb(self.eval(arg))
                holder.absorb_keywords(call.keywords, self.eval)
            elif func.attr == "setdefault" and len(call.args) == 2:
                key = _const_str(call.args[0])
                if key is not None and key not in holder.entries:
                    holder.entries[key] = (self.eval(call.args[1]), call.args[1])

    def self_mutation(self, attr: str, method: str, call: ast.Call) -> None:
        """`self.rows.append(row)`: a row the instance holds, for the writes of its class (issue 19)."""
        if method == "insert" and len(call.args) == 2:
            self.self_appended.append((attr, self.eval(call.args[1])))
        elif method == "append" and call.args:
            self.self_appended.append((attr, self.eval(call.args[0])))
        elif method == "extend" and call.args:
            added = self.eval(call.args[0])
            for item in added.items if isinstance(added, AList) else ():
                self.self_appended.append((attr, item))

    # expressions ------------------------------------------------------------------------
    def eval(self, node: ast.AST, env: dict | None = None) -> object:
        env = self.env if env is None else env
        memo = self.memo
        if memo is not None:
            # Most expressions are evaluated in the statement's own environment: keyed by the
            # node alone; those inside comprehensions by (node, environment).
            key = id(node) if env is self.env else (id(node), id(env))
            hit = memo.get(key)
            if hit is not None:
                return hit[1]
        if self.depth >= MAX_DEPTH:
            self.cut += 1
            return UNKNOWN
        cut = self.cut
        self.depth += 1
        try:
            evaluate = _EVALUATE.get(type(node))
            value = evaluate(self, node, env) if evaluate is not None else UNKNOWN
        finally:
            self.depth -= 1
        if memo is not None and cut == self.cut:
            memo[key] = (env, value)
        return value

    def eval_name(self, node: ast.Name, env: dict) -> object:
        if node.id in env:
            return env[node.id]
        if node.id in self.params:
            return AParam(node.id)
        if node.id in self.ctx.schemas:
            return ASchema(self.ctx.schemas[node.id], node.id)
        return AVal("unknown", node, pieces=(Piece("name", node.id),))

    def eval_sequence(self, node: ast.List | ast.Tuple, env: dict) -> object:
        first = node.elts[0] if node.elts else None
        if first.__class__ is ast.Call and self.ctx.canonical(first.func).endswith("SchemaField"):
            columns = schema_columns(self.ctx, node)
            if columns is not None:
                return ASchema(columns)
        items = [self.eval(e, env) for e in node.elts if not isinstance(e, ast.Starred)]
        return AList(node, items, "list" if isinstance(node, ast.List) else "tuple")

    def eval_comprehension(self, node: ast.ListComp | ast.GeneratorExp, env: dict) -> AList:
        inner = self.comprehension_env(node, env)
        return AList(node, [self.eval(node.elt, inner)])

    def eval_subscript(self, node: ast.Subscript, env: dict) -> object:
        base = self.eval(node.value, env)
        if isinstance(base, AQueryRow):
            return _query_field(base, node, _const_str(node.slice))
        if isinstance(base, AQuery):
            return AQueryRow(base)
        return UNKNOWN

    def eval_attribute(self, node: ast.Attribute, env: dict) -> object:
        if self.is_self(node):
            return AVal("self-attr", node, source=self.ctx.text_later(node), inner=node.attr, pieces=(Piece("attr", node.attr),))
        base = self.eval(node.value, env)
        if isinstance(base, AQueryRow):
            return _query_field(base, node, node.attr)
        if isinstance(node.value, ast.Name) and node.value.id not in env and node.value.id not in self.params:
            return AVal("unknown", node, pieces=(Piece("name", dotted(node)),))
        return UNKNOWN

    def eval_boolop(self, node: ast.BoolOp, env: dict) -> object:
        values = [self.eval(v, env) for v in node.values]
        merged = values[0]
        for value in values[1:]:
            merged = _merge(merged, value)
        return merged

    def eval_dict(self, node: ast.Dict, env: dict) -> ADict:
        result = ADict(node)
        for key, value in zip(node.keys, node.values):
            if key is None:  # {**other}
                result.absorb(self.eval(value, env))
                continue
            name = _const_str(key)
            if name is None:
                result.open = True
            else:
                result.entries[name] = (self.eval(value, env), value)
        return result

    def comprehension_env(self, node: ast.AST, env: dict) -> dict:
        memo = self.inner_memo
        if memo is not None:
            hit = memo.get((id(node), id(env)))
            if hit is not None:
                return hit[1]
        # The comprehension's own names over the enclosing ones, without copying those.
        inner = env.new_child() if isinstance(env, ChainMap) else ChainMap({}, env)
        for index, gen in enumerate(node.generators):
            # The first iterable sees exactly the enclosing names: evaluated there, it shares
            # the memo with the scan of the enclosing expression.
            iterable = self.eval(gen.iter, env if index == 0 else inner)
            element: object = UNKNOWN
            if isinstance(iterable, AQuery):
                element = AQueryRow(iterable)
            elif isinstance(iterable, AList) and len(iterable.items) == 1:
                element = iterable.items[0]
            if isinstance(gen.target, ast.Name):
                inner[gen.target.id] = element
            else:
                for name in ast.walk(gen.target):
                    if isinstance(name, ast.Name):
                        inner[name.id] = UNKNOWN
        if memo is not None:
            memo[(id(node), id(env))] = (env, inner)
        return inner

    def eval_binop(self, node: ast.BinOp, env: dict) -> object:
        left, right = self.eval(node.left, env), self.eval(node.right, env)
        if isinstance(node.op, ast.Add) and _is_text(left) and _is_text(right):
            known_str = any(isinstance(v, AVal) and v.kind == "str" for v in (left, right))
            return AVal("str" if known_str else "unknown", node, pieces=_concat(left, right))
        if isinstance(left, AVal) and left.kind in ("date", "datetime") and isinstance(node.op, (ast.Add, ast.Sub)):
            return AVal(left.kind, node, source=left.source)
        if any(isinstance(v, AVal) and v.kind == "decimal" for v in (left, right)) and \
                isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            return AVal("decimal", node, source=self.ctx.text_later(node))  # Decimal arithmetic stays Decimal
        if isinstance(left, AVal) and left.kind in ("str", "converted") and isinstance(node.op, (ast.Mod, ast.Add)):
            return AVal("converted", node)
        return UNKNOWN

    def eval_call(self, node: ast.Call, env: dict) -> object:
        name = self.ctx.canonical(node.func)
        func = node.func
        last = name.rsplit(".", 1)[-1] if name else (func.attr if isinstance(func, ast.Attribute) else "")
        if self.is_self(func) and not node.args and not node.keywords:  # `self.table_id()`
            return AVal("self-attr", node, source=self.ctx.text_later(node), inner=f"{func.attr}()",
                        pieces=(Piece("attr", f"{func.attr}()"),))
        if name == "json.dumps":
            arg = self.eval(node.args[0], env) if node.args else UNKNOWN
            has_default = any(k.arg in ("default", "cls") for k in node.keywords)
            return AVal("dumps", node, inner=_kind(arg), has_default=has_default)
        if name in ("datetime.datetime", "datetime.date", "datetime.time", "decimal.Decimal"):
            kind = {"datetime.datetime": "datetime", "datetime.date": "date", "datetime.time": "time",
                    "decimal.Decimal": "decimal"}[name]
            return AVal(kind, node, source=self.ctx.text_later(node))
        if name.startswith("datetime.datetime.") and last in _DATETIME_CTORS:
            return AVal("datetime", node, source=self.ctx.text_later(node))
        if name.startswith("datetime.date.") and last in _DATE_CTORS:
            return AVal("date", node, source=self.ctx.text_later(node))
        if name in _ENV_READS:
            return self.eval_env_default(node, env)
        if name == "dict":
            return self.eval_dict_call(node, env)
        walks = self.ctx.walks
        if func.__class__ is ast.Name and walks is not None and name in walks.helpers and name not in env \
                and name not in self.params:
            return self.ctx.walks.returned(name)
        if name in _BUILTIN_KINDS and name not in self.ctx.aliases:
            kind = _BUILTIN_KINDS[name]
            if kind in ("list", "tuple") and node.args:
                inner = self.eval(node.args[0], env)
                if isinstance(inner, AParam):
                    return inner  # `rows = list(rows)` still forwards the parameter
                if isinstance(inner, (AList, AQuery)):
                    return inner if isinstance(inner, AQuery) else AList(node, list(inner.items), kind)
            return AVal(kind, node, source=self.ctx.text_later(node)) if kind != "list" else AList(node, [], kind)
        if isinstance(func, ast.Attribute):
            receiver = self.eval(func.value, env)
            if func.attr in _STR_METHODS:
                return AVal("converted", node)
            if func.attr == "date" and not node.args:
                return AVal("date", node, source=self.ctx.text_later(node))
            if func.attr == "time" and not node.args and not (isinstance(func.value, ast.Name) and self.ctx.aliases.get(func.value.id) == "time"):
                return AVal("time", node, source=self.ctx.text_later(node))
            if func.attr == "encode" and _certainly_str(func.value, receiver):  # str.encode, not any .encode()
                return AVal("bytes", node, source=self.ctx.text_later(node))
            if isinstance(receiver, AVal) and receiver.kind == "datetime" and func.attr in ("replace", "astimezone"):
                return AVal("datetime", node, source=receiver.source)
            if isinstance(receiver, AVal) and receiver.kind == "decimal" and func.attr in _DECIMAL_METHODS:
                return AVal("decimal", node, source=self.ctx.text_later(node))
            if isinstance(receiver, AQueryRow) and func.attr == "get":
                return _query_field(receiver, node, _const_str(node.args[0]) if node.args else None)
            if isinstance(receiver, AQuery) and func.attr == "result":
                return receiver
            if func.attr in _QUERY_METHODS or (func.attr == "query" and self.ctx.imports_bigquery):
                return self.eval_query(node, func.attr, env)
            if isinstance(receiver, ADict) and func.attr == "copy":
                return ADict(node, dict(receiver.entries), receiver.open, receiver.from_query)
            if func.attr in ("get_table", "table") or name.endswith(".Table"):
                return self.table_reference(node, func, env)
        if name.endswith("LoadJobConfig"):
            return self.eval_job(node)
        return UNKNOWN

    def eval_query(self, node: ast.Call, method: str, env: dict) -> AQuery:
        """`client.query(sql)`, `query_and_wait(sql)`, `list_rows(table)`: the text or table, when
        built statically, so the types of the fields read from its rows can be looked up."""
        first = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("query", "table")), None)
        value = self.eval(first, env) if first is not None else UNKNOWN
        if not _is_text(value) or isinstance(value, AParam):
            return AQuery()
        pieces = tuple(_text_pieces(value))
        return AQuery(table=pieces) if method == "list_rows" else AQuery(sql=pieces)

    def eval_env_default(self, node: ast.Call, env: dict) -> object:
        """`os.environ.get("X", "default")`: the default, marked as assumed (an "env" piece)."""
        default = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg in ("default", "value")), None)
        variable = _const_str(node.args[0]) if node.args else None
        value = self.eval(default, env) if default is not None and variable else UNKNOWN
        pieces = _text_pieces(value) if _is_text(value) and not isinstance(value, AParam) else ()
        if not pieces or any(p.kind != "lit" for p in pieces):
            return UNKNOWN  # only a default written out is assumed
        return AVal("str", node, pieces=(Piece("env", f"{variable}={''.join(p.value for p in pieces)}"),))

    def eval_dict_call(self, node: ast.Call, env: dict) -> ADict:
        result = ADict(node)
        for arg in node.args:
            result.absorb(self.eval(arg, env))
        result.absorb_keywords(node.keywords, lambda value: self.eval(value, env))
        return result

    def table_reference(self, node: ast.Call, func: ast.Attribute, env: dict) -> object:
        """`client.get_table(X)`, `bigquery.Table(X)`, `client.dataset(D).table(T)`: the id X."""
        first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("table", "table_ref", "table_id")), None)
        if first is None:
            return UNKNOWN
        value = self.eval(first, env)
        if func.attr == "table" and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Attribute) \
                and func.value.func.attr == "dataset" and func.value.args:
            dataset = self.eval(func.value.args[0], env)
            if _is_text(dataset) and _is_text(value):
                return AVal("str", node, pieces=_concat(_concat(dataset, AVal("str", pieces=(Piece("lit", "."),))), value))
        if func.attr == "table" and not (isinstance(func.value, ast.Call) or dotted(func).endswith("bigquery.Table")):
            return UNKNOWN
        return value if _is_text(value) or isinstance(value, AParam) else UNKNOWN

    def eval_job(self, node: ast.Call) -> AJob:
        job = AJob()
        for kw in node.keywords:
            if kw.arg:
                self.job_attribute(job, kw.arg, kw.value)
        return job

    def pieces(self, node: ast.JoinedStr, env: dict) -> tuple:
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(Piece("lit", str(part.value)))
            elif isinstance(part, ast.FormattedValue) and part.format_spec is None and part.conversion in (-1, 115):
                out.extend(_text_pieces(self.eval(part.value, env)))
            else:
                out.append(Piece("unknown", "formatted value"))
        return tuple(out)

    # calls ----------------------------------------------------------------------------------
    def scan_calls(self, expr: ast.AST) -> None:
        """Record the calls an expression makes, outer before inner and left to right; inside a
        comprehension its targets are bound. Walked with a stack (expressions nest deeply); an
        _Env entry on it switches the environment for the nodes above it. Only the parts with a
        call in them are entered (the module's walk marked them)."""
        leads = self.ctx.index.calls_under
        if id(expr) not in leads:
            return
        env = self.env
        stack: list = [expr]
        pop, extend = stack.pop, stack.extend
        while stack:
            node = pop()
            kind = type(node)
            if kind is _Env:
                env = node.env
                continue
            if kind in _SCOPES:
                continue
            if kind is ast.Call:
                self.record_call(node, env)
            elif kind in _COMPREHENSIONS:
                inner = self.comprehension_env(node, env)
                outer, within = _Env(env), _Env(inner)
                parts: list = []
                for gen in node.generators:
                    parts += [outer, gen.iter, within, *gen.ifs]
                parts += [within, node.key, node.value] if kind is ast.DictComp else [within, node.elt]
                parts.append(outer)
                parts.reverse()
                extend([part for part in parts if part.__class__ is _Env or id(part) in leads])
                continue
            extend([child for child in reversed(children(node)) if id(child) in leads])

    def record_call(self, node: ast.Call, env: dict) -> None:
        callee = dotted(node.func)
        if not callee:
            return
        # Imports map only a name's first part: json.dumps is written `x.dumps` or a bare name.
        if (callee.endswith(".dumps") or "." not in callee) and self.ctx.canonical_name(callee) == "json.dumps":
            self.record_dumps(node, env)
        # Recorded when it writes (a sink) or passes its own parameters or rows on; only the
        # arguments that may be such are evaluated to decide, the rest only for a recorded call.
        func = node.func
        last = func.attr if func.__class__ is ast.Attribute else func.id  # callee's last part
        if node.args and (last == "Table" or func.__class__ is ast.Name and self.ctx.aliases.get(last, "").endswith(".Table")):
            self.record_table(node, env)
        interesting = last in SINKS
        if not interesting and not node.keywords and not any(a.__class__ in _MAY_PASS for a in node.args):
            return  # nothing passed can be a parameter or rows
        passed = []
        for position, arg_node in enumerate(node.args):
            if arg_node.__class__ is ast.Starred:
                break
            passed.append((position, "", arg_node))
        passed += [(-1, kw.arg, kw.value) for kw in node.keywords if kw.arg is not None]
        for *_, arg_node in passed:
            if interesting:
                break
            if arg_node.__class__ in _MAY_PASS:
                value = self.eval(arg_node, env)
                interesting = isinstance(value, AParam) or isinstance(value, AList) \
                    and any(isinstance(i, ADict) for i in value.items) or bool(_self_rows(value)[0])
        if interesting:
            args = tuple(self.arg(*each, self.eval(each[2], env)) for each in passed)
            self.ctx.facts.append(BqCall(self.ctx.path, self.qualname, callee, self.ctx.loc(node), args))

    def record_table(self, node: ast.Call, env: dict) -> None:
        """`bigquery.Table(table_id, schema=...)`: a schema declared in code for a table id, both
        read in the environment of the call (locals, module constants)."""
        if not self.ctx.canonical(node.func).endswith("bigquery.Table"):
            return
        schema = next((k.value for k in node.keywords if k.arg == "schema"), node.args[1] if len(node.args) > 1 else None)
        if schema is None:
            return
        table = self.eval(node.args[0], env)
        if not _is_text(table) or isinstance(table, AParam):
            return
        _, columns, name = self.schema_value(schema, env)
        self.ctx.facts.append(BqTableDecl(self.ctx.path, self.ctx.loc(node), tuple(_text_pieces(table)), columns, name))

    def arg(self, position: int, keyword: str, node: ast.AST, value: object) -> Arg:
        literal = repr(node.value) if isinstance(node, ast.Constant) and node.value in (True, False, None) else ""
        param = value.name if isinstance(value, AParam) else ""
        rows = None
        if isinstance(value, AList) and any(isinstance(i, ADict) for i in value.items):
            rows = Rows(tuple(self.freeze_row(i) for i in value.items if isinstance(i, ADict)))
        job = JobConfig(value.mode, value.columns, value.schema_name, value.ignore_unknown) if isinstance(value, AJob) else None
        text = tuple(_text_pieces(value)) if _is_text(value) else None
        attr, wrapped = _self_rows(value) if rows is None else ("", False)
        return Arg(position, keyword, text, rows, job, literal, param, attr, wrapped)

    def freeze_row(self, row: ADict) -> Row:
        entries = tuple(Entry(key, self.freeze_value(value, node)) for key, (value, node) in row.entries.items())
        return Row(self.ctx.loc(row.node), entries, row.open)

    def freeze_value(self, value: object, node: ast.AST, depth: int = 0) -> Value:
        where = self.ctx.loc(node)
        bound = self.origins.get(node.id) if isinstance(node, ast.Name) else None
        origin = self.ctx.loc(bound) if bound is not None else None
        text = self.ctx.text(node)
        if isinstance(value, ADict):
            entries = ()
            if depth < 4:
                entries = tuple(Entry(k, self.freeze_value(v, n, depth + 1)) for k, (v, n) in value.entries.items())
            return Value("dict", where, text, origin, entries, source="a query result row" if value.from_query else "")
        if isinstance(value, AList):
            return Value(value.kind, where, text, origin)
        if isinstance(value, AQueryRow):
            return Value("query-row", where, text, origin, source="a query result row")
        if isinstance(value, AVal) and value.query is not None and value.inner:
            query = QuerySource(value.inner, value.query.sql or (), value.query.table or ())
            return Value(value.kind, where, text, origin, source=str(value.source), query=query)
        if isinstance(value, AVal):
            return Value(value.kind, where, text, origin, inner=value.inner, has_default=value.has_default,
                         source=str(value.source))
        return Value("unknown", where, text, origin)

    def record_dumps(self, node: ast.Call, env: dict) -> None:
        if any(k.arg in ("default", "cls") for k in node.keywords) or not node.args:
            return
        why = _unencodable(self.eval(node.args[0], env), 0)
        if why:
            certain, reason = why
            self.ctx.facts.append(JsonDumps(self.ctx.loc(node), self.ctx.text(node.args[0]), certain, reason))


# The kinds of expression whose value can be a parameter (AParam) or rows (an AList of ADict):
# a name, a call (`list(rows)`), a list, tuple or comprehension, `a if c else b`, `a or b`,
# `await x`. Every other kind evaluates to a plain value, a dict or unknown (see _EVALUATE).
_MAY_PASS = frozenset({ast.Name, ast.Call, ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp, ast.IfExp,
                       ast.BoolOp, ast.Await, ast.Attribute})  # and `self.X`, rows the instance holds

# The kinds of expression whose value can be a string built statically (see _is_text).
_MAY_BE_TEXT = frozenset({ast.Name, ast.Constant, ast.JoinedStr, ast.Attribute, ast.BinOp, ast.Call, ast.IfExp,
                          ast.BoolOp, ast.Await})

# What each kind of expression evaluates to (any other kind: unknown).
_EVALUATE = {
    ast.Name: FunctionWalk.eval_name,
    ast.Constant: lambda walk, node, env: _constant(node),
    ast.JoinedStr: lambda walk, node, env: AVal("str", node, pieces=walk.pieces(node, env)),
    ast.Dict: FunctionWalk.eval_dict,
    ast.List: FunctionWalk.eval_sequence,
    ast.Tuple: FunctionWalk.eval_sequence,
    ast.Set: lambda walk, node, env: AVal("set", node, source="a set"),
    ast.SetComp: lambda walk, node, env: AVal("set", node, source="a set"),
    ast.ListComp: FunctionWalk.eval_comprehension,
    ast.GeneratorExp: FunctionWalk.eval_comprehension,
    ast.DictComp: lambda walk, node, env: ADict(node, open=True),
    ast.Call: FunctionWalk.eval_call,
    ast.Subscript: FunctionWalk.eval_subscript,
    ast.Attribute: FunctionWalk.eval_attribute,
    ast.BinOp: FunctionWalk.eval_binop,
    ast.IfExp: lambda walk, node, env: _merge(walk.eval(node.body, env), walk.eval(node.orelse, env)),
    ast.BoolOp: FunctionWalk.eval_boolop,
    ast.Await: lambda walk, node, env: walk.eval(node.value, env),
}


# -- helpers ----------------------------------------------------------------------------------

_TRY_STAR = getattr(ast, "TryStar", None)  # Python 3.11 and later
_OWN_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})

# The expressions a compound statement evaluates itself (not those of its blocks); any other
# statement is evaluated whole.
_HEADERS = {
    ast.For: lambda s: [s.iter], ast.AsyncFor: lambda s: [s.iter],
    ast.If: lambda s: [s.test], ast.While: lambda s: [s.test],
    ast.With: lambda s: [item.context_expr for item in s.items],
    ast.AsyncWith: lambda s: [item.context_expr for item in s.items],
    ast.Try: lambda s: [], ast.Match: lambda s: [s.subject],
    **({_TRY_STAR: lambda s: []} if _TRY_STAR else {}),
}

# What a statement binds or changes, and the blocks it runs, by its kind.
_EFFECTS = {
    ast.Assign: FunctionWalk._assign, ast.AnnAssign: FunctionWalk._assign,
    ast.Return: FunctionWalk._return, ast.AugAssign: FunctionWalk._aug_assign,
    ast.Expr: FunctionWalk._expression,
    ast.For: FunctionWalk._loop, ast.AsyncFor: FunctionWalk._loop,
    ast.If: FunctionWalk._branches, ast.While: FunctionWalk._branches,
    ast.With: FunctionWalk._with, ast.AsyncWith: FunctionWalk._with,
    ast.Try: FunctionWalk._try, **({_TRY_STAR: FunctionWalk._try} if _TRY_STAR else {}),
    ast.Match: FunctionWalk._match,
}


def _import_line(tree: ast.Module) -> int:
    """The line before which a new top-level import goes: after the docstring and __future__."""
    line = 1
    for index, stmt in enumerate(tree.body):
        is_doc = index == 0 and isinstance(stmt, ast.Expr) and isinstance(getattr(stmt, "value", None), ast.Constant) \
            and isinstance(stmt.value.value, str)
        if is_doc or isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            line = (stmt.end_lineno or stmt.lineno) + 1
            continue
        break
    return line


def _module_constants(ctx: ModuleContext, tree: ast.Module, walker: FunctionWalk) -> None:
    for stmt in tree.body:
        target, value = None, None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        if not isinstance(target, ast.Name):
            continue
        columns = schema_columns(ctx, value)
        if columns is not None:
            ctx.schemas[target.id] = columns
            continue
        if value.__class__ not in _MAY_BE_TEXT:
            continue  # a list or dict of any size: never a string
        evaluated = walker.eval(value, {})
        if _is_text(evaluated):
            ctx.constants[target.id] = tuple(_text_pieces(evaluated))


def _functions(tree: ast.Module) -> Iterable[tuple[str, ast.AST, str]]:
    """(qualified name, node, qualified name of the class it is a method of, or "")."""
    def visit(body, prefix, owner):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{node.name}"
                yield name, node, owner
                yield from visit(node.body, f"{name}.", "")
            elif isinstance(node, ast.ClassDef):
                yield from visit(node.body, f"{prefix}{node.name}.", f"{prefix}{node.name}")
    yield from visit(tree.body, "", "")


class _Walks:
    """Walks each function of the module once, in order, or earlier when a function of the module
    asks what a helper returns (`row = {"at": _now()}`, issue 19). Each function's facts stay
    in the module's order whichever walk ran first."""

    def __init__(self, ctx: ModuleContext, tree: ast.Module, module_walk: FunctionWalk):
        self.ctx, self.module_walk = ctx, module_walk
        self.functions = list(_functions(tree))
        self.helpers = {q: (q, n, o) for q, n, o in self.functions if "." not in q}  # called by bare name
        self.walks: dict[str, FunctionWalk] = {}
        self.facts: dict[str, list] = {}
        self.nesting = 0

    def run(self) -> dict[str, FunctionWalk]:
        for each in self.functions:
            if each[0] not in self.walks:
                self.walk(*each)
        return self.walks

    def ordered_facts(self) -> list:
        return [fact for qualname, _, _ in self.functions for fact in self.facts.get(qualname, ())]

    def returned(self, name: str) -> object:
        """What module function `name` returns, one level deep: a date, datetime, time, Decimal,
        bytes or set value all its return statements agree on (None aside), else unknown."""
        if name not in self.walks:
            if self.nesting >= MAX_HELPER_NESTING:
                return UNKNOWN
            self.walk(*self.helpers[name])
        walk = self.walks[name]
        if walk.running:
            return UNKNOWN  # recursion
        kinds = {_kind(value) for value in walk.returns} - {"none"}
        values = [value for value in walk.returns if _kind(value) != "none"]
        if len(kinds) != 1 or not kinds <= RISKY or any(getattr(value, "via", "") for value in values):
            return UNKNOWN  # not one kind, not one that json rejects, or itself from a helper (one level)
        first = values[0]
        return AVal(first.kind, None, source=f"{name}() returns {first.source or 'one'}", via=name)

    def walk(self, qualname: str, node: ast.AST, owner: str) -> None:
        ctx, module_walk = self.ctx, self.module_walk
        args = node.args
        params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
        positional = [*args.posonlyargs, *args.args]
        defaults = []
        for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
            defaults.append((arg.arg, default))
        defaults += [(a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        self_name = positional[0].arg if owner and positional and "staticmethod" not in decorator_names(node) else ""
        walk = FunctionWalk(ctx, qualname, params, self_name)
        self.walks[qualname] = walk
        frozen_defaults = tuple((name, (Piece("none", ""),) if isinstance(d, ast.Constant) and d.value is None
                                 else tuple(_text_pieces(module_walk.eval(d, {}))))
                                for name, d in defaults
                                if _is_text(module_walk.eval(d, {})) or isinstance(d, ast.Constant) and d.value is None)
        outer, ctx.facts = ctx.facts, [BqFunction(ctx.path, qualname, params, frozen_defaults, node.lineno, bool(owner))]
        self.nesting += 1
        walk.running = True
        try:
            walk.run(node.body)
        finally:
            walk.running = False
            self.nesting -= 1
            self.facts[qualname], ctx.facts = ctx.facts, outer


# How many helpers deep a walk may start another (a helper of a helper...), so that a long chain
# of them does not exhaust the stack; a helper beyond is unknown where it is asked for early.
MAX_HELPER_NESTING = 4


def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    """The extractor registered in validators/__init__.py."""
    ctx = ModuleContext(tree, source)
    module_walk = FunctionWalk(ctx, "", ())
    _module_constants(ctx, tree, module_walk)
    module = BqModule(source.path, ctx.module, tuple(sorted(ctx.constants.items())), tuple(ctx.imports),
                      tuple(sorted(ctx.schemas.items())), ctx.imports_bigquery, ctx.has_json_import, _import_line(tree))
    ctx.walks = _Walks(ctx, tree, module_walk)
    walks = ctx.walks.run()
    module_walk.run([s for s in tree.body])
    facts = [*ctx.walks.ordered_facts(), *ctx.facts]
    facts.extend(class_facts(ctx, tree, walks, FunctionWalk))
    return [module, *_loose_calls_apart(facts, {name for name, _, _ in ctx.imports})]


def _loose_calls_apart(facts: list, imported: set[str]) -> list:
    """Each call no project function or API sink can be (rules/bigquery/flow.py, `_target`) as
    a BqLooseCall: two thirds of the calls at the benchmark's scale 1, read only when config
    names a sink."""
    functions = {f.qualname for f in facts if type(f) is BqFunction}
    out, kept = [], 0
    for item in facts:
        if type(item) is BqCall:
            parts = item.callee.split(".")
            if (parts[-1] in SINKS or parts[0] in imported or item.callee in functions
                    or len(parts) > 1 and parts[0] in ("self", "cls") and "." in item.function):
                kept += 1
            else:
                item = BqLooseCall(item.path, item.function, item.callee, item.location, item.args, kept)
        out.append(item)
    return out


def _self_rows(value: object) -> tuple[str, bool]:
    """("X", False) for `self.X` (or "X()" for `self.X()`): rows the instance holds or a method
    returns; ("X", True) for `[self.X]`, one row. ("", False) otherwise."""
    if isinstance(value, AVal) and value.kind == "self-attr":
        return value.inner, False
    if isinstance(value, AList) and value.kind == "list" and len(value.items) == 1:
        item = value.items[0]
        if isinstance(item, AVal) and item.kind == "self-attr":
            return item.inner, True
    return "", False


def _query_field(row: AQueryRow, node: ast.AST, field: str | None) -> AVal:
    """A field of a query result row; named when the query is known (to look its type up)."""
    query = row.query if row.query is not None and (row.query.sql or row.query.table) else None
    return AVal("query-field", node, source="a query result row", inner=field or "" if query else "", query=query)


def _certainly_str(node: ast.expr, value: object) -> bool:
    """Whether an expression is certainly a str: a string literal, an f-string, or a value the
    walk knows to be one."""
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return True
    return isinstance(value, AVal) and value.kind == "str"
