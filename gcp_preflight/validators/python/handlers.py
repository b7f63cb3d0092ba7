"""What catches an exception around a node: the `try` bodies of a scope and what their handlers
catch, `with pytest.raises(...)` bodies, and `if __name__ == "__main__":` blocks (which run only
when the file is run as a script). Shared by the call and lookup readers."""

from __future__ import annotations

import ast
from typing import Iterable

from gcp_preflight.validators.names.python import dotted


def last(name: str) -> str:
    """The last part of a dotted name."""
    return name.rsplit(".", 1)[-1]


def _caught(handler: ast.ExceptHandler) -> list[str]:
    if handler.type is None:
        return ["*"]
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [last(dotted(t) or "?") for t in types]


RAISES_CONTEXTS = frozenset({"raises", "assertRaises", "assertRaisesRegex"})


def _expected(node: ast.AST) -> list[str]:
    """What `with pytest.raises(X):` / `with self.assertRaises(X):` expects ([] for other withs)."""
    out = []
    for item in node.items:
        call = item.context_expr
        if isinstance(call, ast.Call) and call.args and last(dotted(call.func) or "") in RAISES_CONTEXTS:
            types = call.args[0].elts if isinstance(call.args[0], ast.Tuple) else [call.args[0]]
            out += [last(dotted(t) or "?") for t in types]
    return out


_BLOCKS = frozenset({ast.Try, getattr(ast, "TryStar", ast.Try), ast.With, ast.AsyncWith})
_MAIN_BLOCKS = frozenset({ast.If})


class Handlers:
    """The try bodies of one scope and what their handlers catch (and the bodies of
    `with pytest.raises(...)`; with `main`, the `if __name__ == "__main__":` blocks, as
    "__main__"), asked by position."""

    def __init__(self, nodes: Iterable[ast.AST], main: bool = False):
        self.spans: list[tuple[tuple[int, int], tuple[int, int], tuple[str, ...]]] = []
        kinds = _MAIN_BLOCKS if main else _BLOCKS
        for node in nodes:
            kind = node.__class__
            if kind not in kinds:
                continue
            if kind is ast.If:
                caught = ["__main__"] if is_main_test(node.test) else []
            elif kind is ast.With or kind is ast.AsyncWith:
                caught = _expected(node)
            else:
                caught = [c for h in node.handlers for c in _caught(h)]
            if caught and node.body:
                first, last = node.body[0], node.body[-1]
                self.spans.append(((first.lineno, first.col_offset), (last.end_lineno, last.end_col_offset),
                                   tuple(sorted(set(caught)))))

    def around(self, node: ast.AST) -> tuple[str, ...]:
        pos = (node.lineno, node.col_offset)
        return tuple(sorted({c for start, end, caught in self.spans if start <= pos < end for c in caught}))


def is_main_test(test: ast.AST) -> bool:
    """`__name__ == "__main__"` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    return {x.id if isinstance(x, ast.Name) else getattr(x, "value", None) for x in sides} == {"__name__", "__main__"}
