"""Which local names may be bound when each statement of a function starts (PF504 across branches).

A name a function binds anywhere is local to the whole function, so a use on a path where no
binding has run raises UnboundLocalError even when the binding comes earlier in the text:

    if fresh:
        from datetime import datetime
        return datetime.now()
    return datetime.now()          # the import's branch returned: never bound here

The analysis is a forward "may be bound" pass over the statement structure, erring toward
"bound": a loop's body and what follows it see every name bound anywhere in the loop, a handler
and a `finally` see every name bound anywhere in the `try`, a `with` body's names count after it
even when the body returns (a context manager may swallow the exception), `del` does not unbind.
A statement no path reaches has no state, and nothing is reported there.
"""

from __future__ import annotations

import ast
import bisect
from typing import Callable, Iterable

_Positions = Callable[[ast.AST], frozenset]
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))
_ENDS = (ast.Return, ast.Raise, ast.Break, ast.Continue)


def _union(*states: frozenset | None) -> frozenset | None:
    live = [s for s in states if s is not None]
    return frozenset().union(*live) if live else None


class MayBound:
    """`entry[id(statement)]`: the tracked names that may be bound when the statement (or, for
    a compound statement, its header) runs; absent for statements no path reaches."""

    def __init__(self, body: list[ast.stmt], bound_in: _Positions):
        self.entry: dict[int, frozenset] = {}
        self._bound_in = bound_in  # the tracked names bound anywhere in a node's extent, in this scope
        self._run(body, frozenset())

    def _run(self, body: list, state: frozenset | None) -> frozenset | None:
        for stmt in body:
            if state is None:
                return None
            state = self._step(stmt, state)
        return state

    def _step(self, stmt: ast.stmt, state: frozenset) -> frozenset | None:
        entry = self.entry
        kind = stmt.__class__
        if kind is ast.If:
            entry[id(stmt)] = state
            return _union(self._run(stmt.body, state), self._run(stmt.orelse, state))
        if kind in _LOOPS:
            inner = state | self._bound_in(stmt)  # an earlier iteration may have bound them
            entry[id(stmt)] = inner if kind is ast.While else state
            self._run(stmt.body, inner)
            self._run(stmt.orelse, inner)
            return inner
        if kind in _TRIES:
            entry[id(stmt)] = state
            done = self._run(stmt.body, state)
            anywhere = state | _union(*(self._bound_in(s) for s in stmt.body)) if stmt.body else state
            handled = []
            for handler in stmt.handlers:
                entry[id(handler)] = anywhere
                caught = anywhere | self._bound_in(handler) if handler.name else anywhere
                handled.append(self._run(handler.body, caught))
            after = _union(self._run(stmt.orelse, done) if done is not None else None, *handled)
            if stmt.finalbody:
                final = self._run(stmt.finalbody, state | self._bound_in(stmt))
                return None if final is None or after is None else after | final
            return after
        if kind in (ast.With, ast.AsyncWith):
            inner = state | self._bound_in(stmt)  # its targets (and, erring toward bound, its body's)
            entry[id(stmt)] = inner
            return None if self._run(stmt.body, inner) is None else inner
        if kind is ast.Match:
            entry[id(stmt)] = state
            return _union(state, *(self._run(case.body, state | self._bound_in(case)) for case in stmt.cases))
        entry[id(stmt)] = state
        if kind in _ENDS:
            return None
        return state | self._bound_in(stmt)


class Extents:
    """The tracked names bound within a node's extent, from the bindings' positions (one sorted
    list per function, asked by bisection)."""

    def __init__(self, bindings: Iterable[tuple[tuple[int, int], str]]):
        ordered = sorted(bindings)
        self.positions = [p for p, _ in ordered]
        self.names = [n for _, n in ordered]

    def __call__(self, node: ast.AST) -> frozenset:
        if isinstance(node, ast.match_case):
            last = node.body[-1]
            start = (node.pattern.lineno, node.pattern.col_offset)
            end = (last.end_lineno or last.lineno, last.end_col_offset or 0)
        else:
            start = (node.lineno, node.col_offset)
            end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
        i = bisect.bisect_left(self.positions, start)
        j = bisect.bisect_left(self.positions, end, lo=i)
        return frozenset(self.names[i:j])
