"""What CPython's compiler rejects in a module that parses (PF002).

`ast.parse` accepts `f(a=1, a=2)`, `return` at module level, `await` in a plain function,
duplicate parameters, a name used before its `global` declaration, `nonlocal` without a binding:
the symbol table and code generator raise these as SyntaxError when the module is imported.
`compile(tree, path, "exec")` runs those passes on the tree already parsed and executes nothing.

These errors are the same on every CPython from 3.8 on (none is tied to a grammar version), so
the host's compiler answers for every deployment runtime; lines rewritten for an older host's
parser (syntax_level.neutralize) are left out, since the tree there is not the code's own.
"""

from __future__ import annotations

import ast
import warnings
from typing import Iterable

from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.python import syntax_level


def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings ("is" with a literal) are not errors
        try:
            compile(tree, source.path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            line = exc.lineno or 1
            if _rewritten(source.text, line):
                return
            yield problem("PF002", source.path, line, exc.offset or 1,
                          f"syntax error: {exc.msg} (the compiler rejects it when the module is imported, "
                          f"though it parses)")
        except (RecursionError, MemoryError, ValueError, TypeError):
            return  # too deep or not a tree the compiler takes: the parser's reader reports what it can


def _rewritten(text: str, line: int) -> bool:
    """Whether the line holds a construct rewritten for the host's parser (scanned again only
    when the compiler complains, which is rare)."""
    spans, _ = syntax_level.scan(text)
    if not spans:
        return False
    where = syntax_level.Positions(text)
    return any(where.at(s.edit_start)[0] <= line <= where.at(max(s.edit_end - 1, s.edit_start))[0] for s in spans)
