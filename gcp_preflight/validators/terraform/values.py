"""Terraform expressions evaluated statically: literals, `var.*`, `local.*`, `each.*`,
`count.index`, `path.*`, string templates, operators, conditionals, `for` expressions and the
pure built-in functions. Anything known only when Terraform applies (another resource's
attributes, files, the clock) is Unknown, with the reason; a reference to another resource stays
a Ref, so the archive chain (archive_file -> bucket object -> function) can be followed.

Every value is a V: the data and, for a value written as a literal, the place where it is
written (so a finding can point at the literal a variable or a module argument carries).
Evaluation is bounded: a step budget per root module and size limits on strings and collections.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Callable

from gcp_preflight.model import Location
from gcp_preflight.validators.terraform.facts import HclExpr

MAX_STEPS = 400_000  # expression nodes evaluated for one root module and everything it calls
MAX_STRING = 1_000_000
MAX_ITEMS = 20_000
MAX_VALUE_PARTS = 200_000


class BudgetSpent(Exception):
    def __init__(self, where: Location | None, why: str):
        super().__init__(why)
        self.where = where
        self.why = why


class EvalError(Exception):
    """What Terraform itself would reject (an attribute of null, a missing key): `try()` and
    `can()` catch it; elsewhere the value becomes Unknown."""


@dataclass(frozen=True)
class Unknown:
    reason: str


@dataclass(frozen=True)
class Ref:
    """`google_storage_bucket_object.archive[0].name`: known only at apply time, but which
    resource it names is known. `module` is the module instance it was written in."""

    address: str  # "google_storage_bucket_object.archive", "data.archive_file.src"
    index: Any  # None, an int (count) or a str (for_each key)
    attr: tuple[str, ...]
    module: Any = None

    @property
    def type(self) -> str:
        parts = self.address.split(".")
        return parts[1] if parts[0] == "data" else parts[0]

    @property
    def name(self) -> str:
        return self.address.split(".")[-1]

    @property
    def data(self) -> bool:
        return self.address.startswith("data.")

    def describe(self) -> str:
        index = "" if self.index is None else f"[{self.index!r}]".replace("'", '"')
        return ".".join([self.address + index, *self.attr])


class V:
    """A value and, when it is written as a literal, where (`exact`: verbatim, so a fix can
    edit it there). `size` counts the parts of a list or map as if nothing were shared, so a
    value built by doubling (`concat(local.a, local.a)` thirty times) is stopped while it is
    still small in memory, and every walk over a value stays bounded."""

    __slots__ = ("data", "at", "exact", "size")

    def __init__(self, data: Any, at: Location | None = None, exact: bool = False):
        self.data = data
        self.at = at
        self.exact = exact
        if type(data) is list:
            self.size = 1 + sum(x.size for x in data)
        elif type(data) is dict:
            self.size = 1 + sum(x.size for x in data.values())
        elif type(data) is str:
            self.size = 1
            if len(data) > MAX_STRING:
                raise BudgetSpent(None, f"a string longer than {MAX_STRING:,} characters")
        else:
            self.size = 1
        if self.size > MAX_VALUE_PARTS:
            raise BudgetSpent(None, f"a value of more than {MAX_VALUE_PARTS:,} parts (built by doubling?)")

    @property
    def known(self) -> bool:
        return not isinstance(self.data, (Unknown, Ref))

    @property
    def reason(self) -> str:
        if isinstance(self.data, Unknown):
            return self.data.reason
        if isinstance(self.data, Ref):
            return f"{self.data.describe()} is known only when Terraform applies"
        return ""

    def __repr__(self) -> str:
        return f"V({self.data!r})"


def unknown(reason: str) -> V:
    return V(Unknown(reason))


def plain(v: V) -> Any:
    """The value as Python data (lists and dicts of plain values); Unknown/Ref stay as they are."""
    data = v.data
    if isinstance(data, list):
        return [plain(x) for x in data]
    if isinstance(data, dict):
        return {k: plain(x) for k, x in data.items()}
    return data


def fully_known(v: V) -> bool:
    data = v.data
    if isinstance(data, list):
        return all(fully_known(x) for x in data)
    if isinstance(data, dict):
        return all(fully_known(x) for x in data.values())
    return v.known


def first_unknown(v: V) -> V | None:
    data = v.data
    if isinstance(data, list):
        for x in data:
            found = first_unknown(x)
            if found is not None:
                return found
        return None
    if isinstance(data, dict):
        for x in data.values():
            found = first_unknown(x)
            if found is not None:
                return found
        return None
    return None if v.known else v


def text(v: V) -> str | None:
    """The value as Terraform turns it into a string (numbers without a trailing .0), or None
    when it is not a known primitive."""
    data = v.data
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, (int, float)):
        return _number_text(data)
    if isinstance(data, str):
        return data
    return None


def _number_text(n: float | int) -> str:
    if isinstance(n, float) and n.is_integer() and abs(n) < 1e15:
        return str(int(n))
    return str(n)


def _number(s: str) -> int | float:
    try:
        return int(s)
    except ValueError:
        return float(s)


class Scope:
    """Names an expression can see: its module instance (variables, locals, resources, paths)
    and the bindings of `each`, `count`, a `for` expression or a `dynamic` block iterator;
    `path` is the file the expression is written in."""

    def __init__(self, module, path: str, bindings: dict[str, V] | None = None):
        self.module = module
        self.path = path
        self.bindings = bindings or {}

    def bind(self, **names: V) -> "Scope":
        return Scope(self.module, self.path, {**self.bindings, **names})

    def at(self, expr: HclExpr) -> Location:
        return Location(self.path, expr.line, expr.column, expr.end_line, expr.end_column)


class Evaluator:
    def __init__(self) -> None:
        self.steps = 0

    def step(self, expr: HclExpr, scope: Scope) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise BudgetSpent(Location(scope.path, expr.line, expr.column),
                              f"evaluation stopped after {MAX_STEPS:,} steps (values that expand "
                              f"exponentially?)")

    # -- the entry point --------------------------------------------------------------------------
    def eval(self, expr: HclExpr | None, scope: Scope) -> V:
        if expr is None:
            return V(None)
        try:
            return self._eval(expr, scope)
        except EvalError as exc:
            return unknown(str(exc))
        except RecursionError:
            return unknown("nested too deeply to be evaluated")
        except BudgetSpent as exc:
            if exc.where is None:
                exc.where = scope.at(expr)
            raise

    def _eval(self, expr: HclExpr, scope: Scope) -> V:
        self.step(expr, scope)
        kind = expr.kind
        if kind == "string":
            return V(expr.value or "", scope.at(expr), expr.exact)
        if kind == "number":
            try:
                return V(_number(expr.value or "0"), scope.at(expr), True)
            except ValueError:
                return unknown(f"{expr.value!r} is not a number")
        if kind == "bool":
            return V(expr.value == "true", scope.at(expr), True)
        if kind == "null":
            return V(None, scope.at(expr))
        if kind == "template":
            return self._template(expr, scope)
        if kind == "ref":
            return self._ref(expr, scope)
        if kind == "call":
            return self._call(expr, scope)
        if kind == "tuple":
            items = [self._eval(i, scope) for i in expr.items]
            _check_items(len(items), expr, scope)
            return V(items)
        if kind == "object":
            out: dict[str, V] = {}
            for pair in expr.items:
                key = self._eval(pair.items[0], scope)
                if not key.known:
                    return unknown(f"an object key is not known ({key.reason})")
                k = text(key)
                if k is None:
                    raise EvalError("an object key is not a string")
                out[k] = self._eval(pair.items[1], scope)
            _check_items(len(out), expr, scope)
            return V(out)
        if kind == "cond":
            return self._cond(expr, scope)
        if kind == "binary":
            return self._binary(expr, scope)
        if kind == "unary":
            return self._unary(expr, scope)
        if kind == "for":
            return self._for(expr, scope)
        return unknown(expr.value or "an expression that is not evaluated")

    # -- templates ------------------------------------------------------------------------------
    def _template(self, expr: HclExpr, scope: Scope) -> V:
        items = expr.items
        if len(items) == 1 and items[0].kind != "string":  # "${x}" is x itself
            return self._eval(items[0], scope)
        parts = []
        size = 0
        for item in items:
            v = self._eval(item, scope)
            if not v.known:
                return V(v.data)
            t = text(v)
            if t is None:
                if v.data is None:
                    raise EvalError("a null value in a string template")
                raise EvalError("a list or map in a string template")
            size += len(t)
            if size > MAX_STRING:
                raise BudgetSpent(scope.at(expr), f"a string longer than {MAX_STRING:,} characters")
            parts.append(t)
        return V("".join(parts))

    # -- references -----------------------------------------------------------------------------
    def _ref(self, expr: HclExpr, scope: Scope) -> V:
        steps = list(expr.items)
        if expr.tag == "expr":  # (expression).steps
            base = self._eval(steps[0], scope)
            return self._steps(base, steps[1:], scope, "the value")
        root = expr.value or ""
        module = scope.module
        if root in scope.bindings:
            return self._steps(scope.bindings[root], steps, scope, root)
        if root in ("var", "local", "path", "module", "data", "terraform") or "_" in root or root in module.resource_types:
            if not steps or steps[0].kind != "attr":
                return unknown(f"`{root}` alone is not a value")
            name = steps[0].value or ""
            rest = steps[1:]
            if root == "var":
                return self._steps(module.variable(name, self), rest, scope, f"var.{name}")
            if root == "local":
                return self._steps(module.local(name, self), rest, scope, f"local.{name}")
            if root == "path":
                return self._steps(module.path_value(name), rest, scope, f"path.{name}")
            if root == "module":
                return self._steps(module.output_of(name, rest, self), (), scope, f"module.{name}")
            if root == "terraform":
                return unknown(f"terraform.{name} is known only when Terraform runs")
            if root == "data":
                if not rest or rest[0].kind != "attr":
                    return unknown("a data source reference without a name")
                address = f"data.{name}.{rest[0].value}"
                return self._resource_ref(address, rest[1:], scope)
            return self._resource_ref(f"{root}.{name}", rest, scope)
        if root in ("each", "count", "self"):
            return unknown(f"`{root}` is not available here")
        return unknown(f"`{root}` is not a name Terraform knows here")

    def _resource_ref(self, address: str, steps: list[HclExpr], scope: Scope) -> V:
        index = None
        if steps and steps[0].kind == "index":
            key = self._eval(steps[0].items[0], scope)
            if not key.known:
                return V(key.data)
            index = key.data
            steps = steps[1:]
        elif steps and steps[0].kind == "splat":
            return unknown(f"{address}[*] is known only when Terraform applies")
        attrs = []
        for s in steps:
            if s.kind != "attr":
                break
            attrs.append(s.value or "")
        return V(Ref(address, index, tuple(attrs), scope.module))

    def _steps(self, base: V, steps, scope: Scope, shown: str) -> V:
        v = base
        for s in steps:
            if not v.known:
                return v
            if s.kind == "attr":
                v = _get(v, s.value or "", shown)
                shown = f"{shown}.{s.value}"
            elif s.kind == "index":
                key = self._eval(s.items[0], scope)
                if not key.known:
                    return V(key.data)
                v = _index(v, key, shown)
                shown = f"{shown}[{text(key)}]"
            else:  # splat
                return unknown(f"a splat on {shown} is not evaluated")
        return v

    # -- operators ------------------------------------------------------------------------------
    def _cond(self, expr: HclExpr, scope: Scope) -> V:
        condition = self._eval(expr.items[0], scope)
        if condition.known:
            if not isinstance(condition.data, bool):
                if isinstance(condition.data, str) and condition.data in ("true", "false"):
                    return self._eval(expr.items[1 if condition.data == "true" else 2], scope)
                raise EvalError("a condition that is not a bool")
            return self._eval(expr.items[1 if condition.data else 2], scope)
        a, b = self._eval(expr.items[1], scope), self._eval(expr.items[2], scope)
        if fully_known(a) and fully_known(b) and plain(a) == plain(b):
            return V(a.data)
        return V(condition.data)

    def _unary(self, expr: HclExpr, scope: Scope) -> V:
        v = self._eval(expr.items[0], scope)
        if not v.known:
            return v
        if expr.value == "!":
            return V(not _bool(v))
        if expr.value == "-":
            return V(-_num(v))
        return unknown(f"the operator {expr.value} is not evaluated")

    def _binary(self, expr: HclExpr, scope: Scope) -> V:
        op = expr.value
        a = self._eval(expr.items[0], scope)
        if op in ("&&", "||"):
            if a.known:
                left = _bool(a)
                if op == "&&" and not left:
                    return V(False)
                if op == "||" and left:
                    return V(True)
                b = self._eval(expr.items[1], scope)
                return V(_bool(b)) if b.known else b
            b = self._eval(expr.items[1], scope)
            if b.known and ((op == "&&" and not _bool(b)) or (op == "||" and _bool(b))):
                return V(op == "||")
            return a
        b = self._eval(expr.items[1], scope)
        if op in ("==", "!="):
            if not (fully_known(a) and fully_known(b)):
                return a if not a.known else (b if not b.known else unknown("a comparison of values not known"))
            equal = _equal(plain(a), plain(b))
            return V(equal if op == "==" else not equal)
        if not a.known:
            return a
        if not b.known:
            return b
        x, y = _num(a), _num(b)
        if op == "+":
            return V(x + y)
        if op == "-":
            return V(x - y)
        if op == "*":
            return V(x * y)
        if op == "/":
            if y == 0:
                raise EvalError("division by zero")
            return V(x / y)
        if op == "%":
            if y == 0:
                raise EvalError("division by zero")
            return V(math.fmod(x, y) if isinstance(x, float) or isinstance(y, float) else int(math.fmod(x, y)))
        if op == "<":
            return V(x < y)
        if op == ">":
            return V(x > y)
        if op == "<=":
            return V(x <= y)
        if op == ">=":
            return V(x >= y)
        return unknown(f"the operator {op} is not evaluated")

    def _for(self, expr: HclExpr, scope: Scope) -> V:
        collection_expr, key_expr, value_expr, cond_expr = expr.items
        names = expr.tag.split(",") if expr.tag else []
        collection = self._eval(collection_expr, scope)
        if not collection.known:
            return V(collection.data)
        pairs = _pairs(collection)
        if pairs is None:
            raise EvalError("a for expression over a value that is not a collection")
        tuple_out: list[V] = []
        object_out: dict[str, V] = {}
        for k, v in pairs:
            if len(names) == 2:
                inner = scope.bind(**{names[0]: k, names[1]: v})
            else:
                inner = scope.bind(**{names[0]: v}) if names else scope
            if cond_expr is not None:
                c = self._eval(cond_expr, inner)
                if not c.known:
                    return V(c.data)
                if not _bool(c):
                    continue
            if expr.value == "tuple":
                tuple_out.append(self._eval(value_expr, inner))
                _check_items(len(tuple_out), expr, scope)
            else:
                key = self._eval(key_expr, inner)
                if not key.known:
                    return V(key.data)
                ks = text(key)
                if ks is None:
                    raise EvalError("a for expression key that is not a string")
                value = self._eval(value_expr, inner)
                if expr.exact:  # grouping: k => v...
                    object_out.setdefault(ks, V([])).data.append(value)
                elif ks in object_out:
                    raise EvalError(f"duplicate key {ks!r} in a for expression")
                else:
                    object_out[ks] = value
                _check_items(len(object_out), expr, scope)
        return V(tuple_out) if expr.value == "tuple" else V(object_out)

    # -- functions ------------------------------------------------------------------------------
    def _call(self, expr: HclExpr, scope: Scope) -> V:
        name = (expr.value or "").split("::")[-1]
        if name == "try":
            for arg in expr.items:
                try:
                    v = self._eval(arg, scope)
                except EvalError:
                    continue
                return v
            raise EvalError("no argument of try() can be evaluated")
        if name == "can":
            try:
                v = self._eval(expr.items[0], scope) if expr.items else V(None)
            except EvalError:
                return V(False)
            return V(True) if fully_known(v) else V(v.data if not v.known else Unknown("can() of a value not known"))
        args = [self._eval(a, scope) for a in expr.items]
        if expr.tag == "..." and args:
            last = args.pop()
            if not last.known:
                return V(last.data)
            if not isinstance(last.data, list):
                raise EvalError("only a list can be expanded into arguments")
            args.extend(last.data)
        fn = FUNCTIONS.get(name)
        if fn is None:
            reason = _NOT_STATIC.get(name, "is not evaluated by gcp-preflight")
            return unknown(f"{name}() {reason}")
        lazy = name in ("merge", "concat", "coalesce", "lookup", "element", "length", "keys", "values",
                        "flatten", "compact", "distinct", "toset", "tolist", "tomap", "contains", "one",
                        "setunion", "coalescelist", "zipmap")
        if not lazy:
            for a in args:
                u = first_unknown(a)
                if u is not None:
                    return V(u.data)
        try:
            return fn(*args)
        except EvalError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            raise EvalError(f"{name}() fails: {exc}") from None


def _check_items(n: int, expr: HclExpr, scope: Scope) -> None:
    if n > MAX_ITEMS:
        raise BudgetSpent(scope.at(expr), f"a collection of more than {MAX_ITEMS:,} items")


def _bool(v: V) -> bool:
    if isinstance(v.data, bool):
        return v.data
    if v.data in ("true", "false"):
        return v.data == "true"
    raise EvalError("not a bool")


def _num(v: V) -> int | float:
    data = v.data
    if isinstance(data, bool):
        raise EvalError("a bool is not a number")
    if isinstance(data, (int, float)):
        return data
    if isinstance(data, str):
        try:
            return _number(data.strip())
        except ValueError:
            raise EvalError(f"{data!r} is not a number") from None
    raise EvalError("not a number")


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, str) or isinstance(b, (int, float)) and isinstance(a, str):
        return False
    return a == b


def _get(v: V, name: str, shown: str) -> V:
    data = v.data
    if isinstance(data, dict):
        if name in data:
            return data[name]
        raise EvalError(f"{shown} has no attribute {name!r}")
    if data is None:
        raise EvalError(f"{shown} is null, so it has no attribute {name!r}")
    raise EvalError(f"{shown} is not an object, so it has no attribute {name!r}")


def _index(v: V, key: V, shown: str) -> V:
    data = v.data
    if isinstance(data, list):
        try:
            i = int(_num(key))
        except EvalError:
            raise EvalError(f"{shown} is a list, indexed by a string") from None
        if 0 <= i < len(data):
            return data[i]
        raise EvalError(f"{shown}[{i}] is out of range")
    if isinstance(data, dict):
        k = text(key)
        if k in data:
            return data[k]
        raise EvalError(f"{shown} has no key {k!r}")
    if data is None:
        raise EvalError(f"{shown} is null")
    raise EvalError(f"{shown} cannot be indexed")


def _pairs(v: V) -> list[tuple[V, V]] | None:
    data = v.data
    if isinstance(data, list):
        return [(V(i), x) for i, x in enumerate(data)]
    if isinstance(data, dict):
        return [(V(k), x) for k, x in sorted(data.items())]
    return None


# -- built-in functions ---------------------------------------------------------------------------
_NOT_STATIC = {
    "file": "reads a file when Terraform runs", "filebase64": "reads a file when Terraform runs",
    "templatefile": "renders a file when Terraform runs", "fileset": "lists files when Terraform runs",
    "filemd5": "hashes a file when Terraform runs", "filesha256": "hashes a file when Terraform runs",
    "timestamp": "is the time Terraform runs", "uuid": "is random", "md5": "hashes its argument",
    "sha256": "hashes its argument", "sha1": "hashes its argument", "base64sha256": "hashes its argument",
    "uuidv5": "hashes its argument", "abspath": "depends on where Terraform runs",
}


def _s(v: V) -> str:
    t = text(v)
    if t is None:
        raise EvalError("not a string")
    return t


def _list(v: V) -> list[V]:
    if isinstance(v.data, list):
        return v.data
    raise EvalError("not a list")


def _map(v: V) -> dict[str, V]:
    if isinstance(v.data, dict):
        return v.data
    raise EvalError("not a map or object")


def _format(fmt: V, *args: V) -> V:
    spec = _s(fmt)
    out, i, n = [], 0, 0
    while i < len(spec):
        ch = spec[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        m = re.match(r"%(?:\[(\d+)\])?([-+# 0]*)(\d*)(?:\.(\d+))?([%vdsqtfeEgGbxXo])", spec[i:])
        if not m:
            raise EvalError(f"format verb at {i} is not understood")
        verb = m.group(5)
        i += m.end()
        if verb == "%":
            out.append("%")
            continue
        if m.group(1):
            n = int(m.group(1)) - 1
        if n >= len(args):
            raise EvalError("not enough arguments for format()")
        arg = args[n]
        n += 1
        flags, width, precision = m.group(2), m.group(3), m.group(4)
        if verb == "d":
            value = _num(arg)
            if isinstance(value, float) and not value.is_integer():
                raise EvalError("%d of a fractional number")
            piece = str(int(value))
        elif verb in ("s", "v"):
            piece = _s(arg) if verb == "s" else (text(arg) if text(arg) is not None else json.dumps(plain(arg)))
        elif verb == "q":
            piece = json.dumps(_s(arg))
        elif verb == "t":
            piece = "true" if _bool(arg) else "false"
        elif verb in "feEgG":
            piece = ("%" + (f".{precision}" if precision else "") + verb) % float(_num(arg))
        elif verb in "xXob":
            value = int(_num(arg))
            piece = format(value, {"x": "x", "X": "X", "o": "o", "b": "b"}[verb])
        else:
            raise EvalError(f"format verb %{verb}")
        if width:
            w = int(width)
            piece = piece.ljust(w) if "-" in flags else piece.rjust(w, "0" if "0" in flags else " ")
        out.append(piece)
    return V("".join(out))


def _merge(*maps: V) -> V:
    out: dict[str, V] = {}
    for m in maps:
        if not m.known:
            return V(m.data)
        if m.data is None:
            continue
        out.update(_map(m))
    return V(out)


def _concat(*lists: V) -> V:
    out: list[V] = []
    for item in lists:
        if not item.known:
            return V(item.data)
        out.extend(_list(item))
    return V(out)


def _lookup(m: V, key: V, *default: V) -> V:
    if not m.known:
        return V(m.data)
    if not key.known:
        return V(key.data)
    data = _map(m)
    k = _s(key)
    if k in data:
        return data[k]
    if default:
        return default[0]
    raise EvalError(f"lookup() found no key {k!r}")


def _element(lst: V, index: V) -> V:
    if not lst.known:
        return V(lst.data)
    if not index.known:
        return V(index.data)
    items = _list(lst)
    if not items:
        raise EvalError("element() of an empty list")
    return items[int(_num(index)) % len(items)]


def _length(v: V) -> V:
    if not v.known:
        return V(v.data)
    if isinstance(v.data, (list, dict)):
        return V(len(v.data))
    return V(len(_s(v)))


def _keys(v: V) -> V:
    if not v.known:
        return V(v.data)
    return V([V(k) for k in sorted(_map(v))])


def _values(v: V) -> V:
    if not v.known:
        return V(v.data)
    data = _map(v)
    return V([data[k] for k in sorted(data)])


def _flatten(v: V) -> V:
    if not v.known:
        return V(v.data)
    out: list[V] = []

    def walk(x: V) -> None:
        if not x.known:
            raise _Unknown(x)
        if isinstance(x.data, list):
            for y in x.data:
                walk(y)
        else:
            out.append(x)
    try:
        walk(v)
    except _Unknown as exc:
        return V(exc.value.data)
    return V(out)


class _Unknown(Exception):
    def __init__(self, value: V):
        self.value = value


def _compact(v: V) -> V:
    if not v.known:
        return V(v.data)
    items = _list(v)
    for x in items:
        if not x.known:
            return V(x.data)
    return V([x for x in items if x.data not in (None, "")])


def _distinct(v: V) -> V:
    if not v.known:
        return V(v.data)
    seen, out = [], []
    for x in _list(v):
        if not fully_known(x):
            return V((first_unknown(x) or x).data)
        p = plain(x)
        if p not in seen:
            seen.append(p)
            out.append(x)
    return V(out)


def _toset(v: V) -> V:
    """A set of strings (what for_each takes), in Terraform's order (sorted)."""
    d = _distinct(v)
    if not d.known:
        return d
    items = d.data
    if all(isinstance(x.data, str) for x in items):
        items = sorted(items, key=lambda x: x.data)
    return V(items)


def _tolist(v: V) -> V:
    if not v.known:
        return v
    return V(list(_list(v)))


def _tomap(v: V) -> V:
    if not v.known:
        return v
    return V(dict(_map(v)))


def _contains(lst: V, item: V) -> V:
    if not lst.known:
        return V(lst.data)
    items = _list(lst)
    if not fully_known(item) or not all(fully_known(x) for x in items):
        return unknown("contains() of values not known")
    return V(plain(item) in [plain(x) for x in items])


def _coalesce(*args: V) -> V:
    for a in args:
        if not a.known:
            return V(a.data)
        if a.data not in (None, ""):
            return a
    raise EvalError("coalesce() found no value that is not null or empty")


def _coalescelist(*args: V) -> V:
    for a in args:
        if not a.known:
            return V(a.data)
        if _list(a):
            return a
    raise EvalError("coalescelist() found no list that is not empty")


def _one(v: V) -> V:
    if not v.known:
        return V(v.data)
    items = _list(v)
    if len(items) > 1:
        raise EvalError("one() of more than one element")
    return items[0] if items else V(None)


def _zipmap(ks: V, vs: V) -> V:
    if not ks.known:
        return V(ks.data)
    if not vs.known:
        return V(vs.data)
    keys, values = _list(ks), _list(vs)
    for k in keys:
        if not k.known:
            return V(k.data)
    return V({_s(k): v for k, v in zip(keys, values)})


def _setunion(*sets: V) -> V:
    out: list[V] = []
    for s in sets:
        if not s.known:
            return V(s.data)
        out.extend(_list(s))
    return _toset(V(out))


def _replace(s: V, old: V, new: V) -> V:
    pattern = _s(old)
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        return unknown("replace() with a regular expression is not evaluated")
    return V(_s(s).replace(pattern, _s(new)))


def _split(sep: V, s: V) -> V:
    return V([V(x) for x in _s(s).split(_s(sep))])


def _join(sep: V, *lists: V) -> V:
    parts = []
    for lst in lists:
        for x in _list(lst):
            if not x.known:
                return V(x.data)
            parts.append(_s(x))
    return V(_s(sep).join(parts))


def _substr(s: V, offset: V, length: V) -> V:
    text_ = _s(s)
    start, n = int(_num(offset)), int(_num(length))
    if start < 0:
        start += len(text_)
    return V(text_[start:] if n < 0 else text_[start:start + n])


def _tostring(v: V) -> V:
    if v.data is None:
        return v
    t = text(v)
    if t is None:
        raise EvalError("tostring() of a collection")
    return V(t, v.at, v.exact and isinstance(v.data, str))


def _tonumber(v: V) -> V:
    if v.data is None:
        return v
    return V(_num(v), v.at, v.exact and not isinstance(v.data, str))


def _tobool(v: V) -> V:
    if v.data is None:
        return v
    return V(_bool(v))


def _jsonencode(v: V) -> V:
    if not fully_known(v):
        return V((first_unknown(v) or v).data)
    return V(json.dumps(plain(v), separators=(",", ":"), sort_keys=True))


def _range(*args: V) -> V:
    nums = [_num(a) for a in args]
    if len(nums) == 1:
        start, stop, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, stop, step = nums[0], nums[1], 1
    else:
        start, stop, step = nums
    if step == 0:
        raise EvalError("range() with a step of 0")
    count = max(0, math.ceil((stop - start) / step))
    if count > MAX_ITEMS:
        raise EvalError(f"range() of more than {MAX_ITEMS:,} numbers")
    return V([V(start + i * step) for i in range(count)])


def _sort(v: V) -> V:
    items = _list(v)
    return V(sorted(items, key=lambda x: _s(x)))


FUNCTIONS: dict[str, Callable[..., V]] = {
    "format": _format,
    "formatlist": lambda fmt, *lists: V([_format(fmt, *row) for row in zip(*[_list(x) for x in lists])]),
    "join": _join,
    "split": _split,
    "concat": _concat,
    "merge": _merge,
    "lookup": _lookup,
    "element": _element,
    "length": _length,
    "keys": _keys,
    "values": _values,
    "flatten": _flatten,
    "compact": _compact,
    "distinct": _distinct,
    "toset": _toset,
    "tolist": _tolist,
    "tomap": _tomap,
    "contains": _contains,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "one": _one,
    "zipmap": _zipmap,
    "setunion": _setunion,
    "lower": lambda s: V(_s(s).lower()),
    "upper": lambda s: V(_s(s).upper()),
    "title": lambda s: V(_s(s).title()),
    "trimspace": lambda s: V(_s(s).strip()),
    "trim": lambda s, chars: V(_s(s).strip(_s(chars))),
    "trimprefix": lambda s, p: V(_s(s)[len(_s(p)):] if _s(s).startswith(_s(p)) else _s(s)),
    "trimsuffix": lambda s, p: V(_s(s)[:-len(_s(p))] if _s(p) and _s(s).endswith(_s(p)) else _s(s)),
    "startswith": lambda s, p: V(_s(s).startswith(_s(p))),
    "endswith": lambda s, p: V(_s(s).endswith(_s(p))),
    "strcontains": lambda s, p: V(_s(p) in _s(s)),
    "replace": _replace,
    "substr": _substr,
    "basename": lambda s: V(posixpath.basename(_s(s))),
    "dirname": lambda s: V(posixpath.dirname(_s(s)) or "."),
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "jsonencode": _jsonencode,
    "min": lambda *a: V(min(_num(x) for x in a)),
    "max": lambda *a: V(max(_num(x) for x in a)),
    "abs": lambda x: V(abs(_num(x))),
    "ceil": lambda x: V(math.ceil(_num(x))),
    "floor": lambda x: V(math.floor(_num(x))),
    "range": _range,
    "sort": _sort,
    "reverse": lambda v: V(list(reversed(_list(v)))),
}
