"""A Python value as plain data for a selector: lists, dicts, strings that keep their places,
numbers, booleans, None; names and imports followed as the Evaluator follows them. Whatever
cannot be known statically is an Opaque value with its reason, reported only if selected."""

from __future__ import annotations

from typing import Any

from gcp_preflight.rules.names.query import Opaque, placed_str, python_other
from gcp_preflight.rules.names.resolve import MAX_DEPTH, ClassTarget, PythonIndex, Unknown, local_scope
from gcp_preflight.validators.names.python import Expr, PyNameBinding

KEEPING = frozenset({"list", "tuple", "set", "frozenset", "sorted", "reversed", "copy"})


class DataBuilder:
    def __init__(self, index: PythonIndex):
        self.index = index
        self._local: tuple[str, str] | None = None

    def value(self, binding: PyNameBinding) -> Any:
        self._local = local_scope(binding)
        return self._data(binding.value, binding.path, frozenset({(binding.path, binding.symbol)}))

    def _data(self, expr: Expr, path: str, seen: frozenset) -> Any:
        kind = expr.kind
        if len(seen) > MAX_DEPTH:
            return _opaque("the value is defined too deep to follow", expr)
        if kind == "str":
            return placed_str(expr.text, expr.location)
        if kind == "other":
            return python_other(expr.text)
        if kind == "seq":
            return [self._data(i, path, seen) for i in expr.items]
        if kind == "dict":
            return self._dict(expr, path, seen)
        if kind == "ref":
            return self._ref(expr, path, seen)
        if kind == "call":
            return self._call(expr, path, seen)
        if kind == "op":
            return self._op(expr, path, seen)
        return _opaque(expr.text, expr)

    def _dict(self, expr: Expr, path: str, seen: frozenset) -> Any:
        out: dict = {}
        for key, value in expr.items:
            if key.kind == "splat":
                other = self._data(value, path, seen)
                if not isinstance(other, dict):
                    return _opaque("a ** entry that is not a known dict", value)
                out.update(other)
                continue
            k = self._data(key, path, seen)
            out[k if isinstance(k, str) else str(k)] = self._data(value, path, seen)
        return out

    def _ref(self, expr: Expr, path: str, seen: frozenset) -> Any:
        target = self.index.resolve_in(path, expr.text, self._local)
        if isinstance(target, PyNameBinding):
            key = (target.path, target.symbol)
            if key in seen:
                return _opaque(f"{expr.text} refers to itself", expr)
            return self._data(target.value, target.path, seen | {key})
        if isinstance(target, ClassTarget):  # a class in a registry stands for its name
            return placed_str(target.cls.name, expr.location)
        return _opaque(f"{expr.text} is not a constant of this module or of a project module", expr)

    def _call(self, expr: Expr, path: str, seen: frozenset) -> Any:
        inner = self._data(expr.items[0], path, seen)
        if isinstance(inner, Opaque):
            return inner
        if expr.text == "keys" or (expr.text in KEEPING - {"copy"} and isinstance(inner, dict)):
            return list(inner) if isinstance(inner, dict) else _opaque(".keys() of a value that is not a dict", expr)
        if expr.text == "values":
            return list(inner.values()) if isinstance(inner, dict) else _opaque(".values() of a non-dict", expr)
        if expr.text == "items":
            return [[k, v] for k, v in inner.items()] if isinstance(inner, dict) else _opaque(".items() of a non-dict", expr)
        if expr.text == "copy" or isinstance(inner, list):
            return inner
        return _opaque(f"{expr.text}() of a value that is not a collection", expr)

    def _op(self, expr: Expr, path: str, seen: frozenset) -> Any:
        left, right = (self._data(e, path, seen) for e in expr.items)
        for side in (left, right):
            if isinstance(side, Opaque):
                return side
        if isinstance(left, dict) and isinstance(right, dict) and expr.text == "|":
            return {**left, **right}
        left = list(left) if isinstance(left, dict) else left
        right = list(right) if isinstance(right, dict) else right
        if not (isinstance(left, list) and isinstance(right, list)):
            return _opaque(f"`{expr.text}` of values that are not collections", expr)
        if expr.text in ("+", "|"):
            return left + right
        other = {v for v in right if _hashable(v)}
        return [v for v in left if _hashable(v) and (v in other) == (expr.text == "&")]


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, type(None)))


def _opaque(reason: str, expr: Expr) -> Opaque:
    return Opaque(Unknown(reason, expr.location))
