"""Fixes for PF401: wrap a value in `json.dumps(...)` (adding `import json`), or unwrap one.

The edits are built with libcst, which is imported only when the edits are asked for (by
`--fix`, or a report that prints them), so a plain check never loads it: the run cache keeps a
fix not yet built as its recipe (DeferredFix), and builds it again only when asked. libcst finds the exact
expression at the finding's span and the place for the import; only that text changes, so the
rest of the file keeps its formatting.
"""

from __future__ import annotations

from gcp_preflight.lazyfix import LazyFix
from gcp_preflight.model import DeferredFix, Location, TextEdit


def _expression_at(text: str, where: Location):
    """(module, node) for the expression that spans exactly `where`, or (module, None)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(cst.parse_module(text))
    positions = wrapper.resolve(PositionProvider)
    for node, span in positions.items():
        if not isinstance(node, cst.BaseExpression):
            continue
        if (span.start.line, span.start.column + 1, span.end.line, span.end.column + 1) == \
                (where.line, where.column, where.end_line, where.end_column):
            return wrapper.module, node
    return wrapper.module, None


def _import_edit(text: str, path: str, module) -> TextEdit:
    """`import json` before the first top-level import after the docstring (or after it)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(module)
    positions = wrapper.resolve(PositionProvider)
    line = 1
    for index, stmt in enumerate(wrapper.module.body):
        small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and stmt.body else None
        is_doc = index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString)
        is_future = isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name) and small.module.value == "__future__"
        if is_doc or is_future:
            line = positions[stmt].end.line + 1
            continue
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            line = positions[stmt].start.line
        break
    return TextEdit(path, line, 1, line, 1, "import json\n")


DESCRIPTIONS = {"wrap": "wrap the value in json.dumps(...)", "unwrap": "pass the value itself, not json.dumps(value)"}


def wrap_in_dumps(text: str, where: Location, needs_import: bool) -> LazyFix:
    recipe = DeferredFix("wrap", where, needs_import)
    return LazyFix(DESCRIPTIONS["wrap"], lambda: build_edits(recipe, text), recipe)


def unwrap_dumps(text: str, where: Location) -> LazyFix:
    recipe = DeferredFix("unwrap", where)
    return LazyFix(DESCRIPTIONS["unwrap"], lambda: build_edits(recipe, text), recipe)


def build_edits(recipe: DeferredFix, text: str) -> tuple[TextEdit, ...]:
    """The edits a recipe makes in the file's text (none when the expression is not found)."""
    import libcst as cst

    where = recipe.where
    module, node = _expression_at(text, where)
    if recipe.kind == "wrap":
        if node is None:
            return ()
        edits = [TextEdit(where.path, where.line, where.column, where.end_line, where.end_column,
                          f"json.dumps({module.code_for_node(node)})")]
        if recipe.needs_import:
            edits.append(_import_edit(text, where.path, module))
        return tuple(edits)
    if not (isinstance(node, cst.Call) and len(node.args) == 1 and node.args[0].keyword is None
            and not node.args[0].star):
        return ()
    inner = module.code_for_node(node.args[0].value)
    return (TextEdit(where.path, where.line, where.column, where.end_line, where.end_column, inner),)
