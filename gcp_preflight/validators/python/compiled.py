"""What CPython's compiler rejects in a module that parses (PF002).

`ast.parse` accepts `f(a=1, a=2)`, `return` at module level, `await` in a plain function,
duplicate parameters, a name used before its `global` declaration, `nonlocal` without a binding:
the symbol table and code generator raise these as SyntaxError when the module is imported.
`compile(tree, path, "exec")` runs those passes on the tree already parsed and executes nothing.

These errors are the same on every CPython from 3.8 on (none is tied to a grammar version), so
the host's compiler answers for every deployment runtime; lines rewritten for an older host's
parser (syntax_level.neutralize) are left out, since the tree there is not the code's own.

Compiling costs about half as much as parsing, so only a module holding a construct that can
fail there is compiled, as the one walk of tree_index found them: `global`, `nonlocal`, `:=`,
`await`, `yield`, `async for`/`with`, a `return` outside every def, a `break` or `continue`
outside every loop, a call repeating a keyword, a def repeating a parameter, a `from __future__`
import after other statements or of an unknown feature, a star import below module level. (Rarer
compiler errors, such as two starred targets or an assignment to `__debug__`, are not looked for.)
"""

from __future__ import annotations

import ast
import warnings
from typing import Iterable

from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.python import syntax_level
from gcp_preflight.validators.python.scopes import Intervals
from gcp_preflight.validators.python.tree_index import tree_index

FUTURE_FEATURES = frozenset({"nested_scopes", "generators", "division", "absolute_import", "with_statement",
                             "print_function", "unicode_literals", "barry_as_FLUFL", "generator_stop",
                             "annotations"})


def extract(tree: ast.Module, source: SourceText) -> Iterable[object]:
    if not _may_fail(tree):
        return
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


def _span(node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
    return (node.lineno, node.col_offset), (node.end_lineno or node.lineno, node.end_col_offset or 0)


def _may_fail(tree: ast.Module) -> bool:
    index = tree_index(tree)
    found = index.found
    loops = found("loops")
    if index.globals or index.nonlocals or index.walruses or found("async") \
            or any(node.__class__ is ast.AsyncFor for _, node in loops):
        return True
    jumps = found("jumps")
    if jumps:
        defs = Intervals(_span(node) for _, node in found("defs") if node.__class__ is not ast.Lambda)
        loop_spans = Intervals(_span(node) for _, node in loops)
        for _, node in jumps:
            where = (node.lineno, node.col_offset)
            if where not in (defs if node.__class__ is ast.Return else loop_spans):
                return True
    for _, call in found("calls"):
        keywords = [k.arg for k in call.keywords if k.arg is not None]
        if len(keywords) > 1 and len(set(keywords)) < len(keywords):
            return True
    for _, node in (*found("defs"), *found("lambdas")):
        args = node.args
        names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a]
        if len(set(names)) < len(names):
            return True
    return _imports_may_fail(tree, found("imports"))


def _imports_may_fail(tree: ast.Module, imports: list) -> bool:
    leading = 0
    for i, stmt in enumerate(tree.body):  # a docstring, then the __future__ imports
        is_doc = i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        if not (is_doc or isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
            break
        leading += 1
    firsts = {id(stmt) for stmt in tree.body[:leading]}
    for depth, node in imports:
        if node.__class__ is not ast.ImportFrom:
            continue
        if node.module == "__future__" and (id(node) not in firsts
                                            or any(a.name not in FUTURE_FEATURES for a in node.names)):
            return True
        if depth > 1 and any(a.name == "*" for a in node.names):
            return True
    return False
