"""What type a field of a query result row has, when the query's text (or table) is known.

`row.amount` from `client.query("SELECT amount FROM ds.payments").result()` is a Decimal when
`amount` is NUMERIC in the schema of `ds.payments`: the client returns NUMERIC as Decimal, DATE
as date, TIMESTAMP as datetime. The query text is read with sqlglot (BigQuery dialect), and only
its simplest shape is trusted: one SELECT (no WITH, no UNION), the field a column of a table of
its FROM or JOINs (by qualifier, or the only table), `*` over the only table, or a CAST. Anything
else is unknown, and the field is judged by the destination column as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight.rules.bigquery.schemas import split_id
from gcp_preflight.validators.bigquery.facts import Value
from gcp_preflight.validators.bigquery.schema import BqColumn, canonical_type


@dataclass(frozen=True)
class FieldType:
    type: str  # BigQuery type name (NUMERIC, DATE, ...)
    how: str  # for messages: "the query casts it to NUMERIC", "`amount` of `ds.payments` is NUMERIC"
    column: BqColumn | None = None  # the source column, when read from a schema
    schema_path: str = ""


class QueryTypes:
    def __init__(self, resolver, schemas, opts):
        self.resolver, self.schemas, self.opts = resolver, schemas, opts
        self._parsed: dict[str, object] = {}  # query text -> its sqlglot tree (None: not one SELECT)

    def of(self, value: Value, near: str) -> FieldType | None:
        """The type of a query-field value, or None when its query or column is not known."""
        source = value.query
        if source is None or not source.field:
            return None
        from gcp_preflight.rules.bigquery.flow import tag

        if source.table:  # list_rows(table): the table's own columns
            table = self.resolver.text(tag(source.table, value.where.path), {})
            return self._column(split_id(table, self.opts), table, source.field, near) if table else None
        sql = self.resolver.text(tag(source.sql, value.where.path), {})
        if not sql:
            return None
        return self._from_select(self._parse(sql), source.field, near)

    def _parse(self, sql: str):
        if sql not in self._parsed:
            self._parsed[sql] = _select(sql)
        return self._parsed[sql]

    def _from_select(self, select, field: str, near: str) -> FieldType | None:
        if select is None:
            return None
        from sqlglot import exp

        tables = _tables(select)
        wanted = field.lower()
        for projection in select.expressions:
            if isinstance(projection, exp.Star):
                if len(tables) == 1:
                    found = self._table_column(next(iter(tables.values())), wanted, near)
                    if found is not None:
                        return found
                continue
            if projection.alias_or_name.lower() != wanted:
                continue
            inner = projection.this if isinstance(projection, exp.Alias) else projection
            if isinstance(inner, exp.Cast) and inner.args.get("to") is not None:
                kind = canonical_type(inner.args["to"].sql(dialect="bigquery"))
                return FieldType(kind, f"the query casts it to {kind}")
            if isinstance(inner, exp.Column) and isinstance(inner.this, exp.Identifier):
                table = tables.get(inner.table.lower()) if inner.table else (
                    next(iter(tables.values())) if len(tables) == 1 else None)
                return self._table_column(table, inner.name.lower(), near) if table is not None else None
            return None  # an expression: its type is not worked out here
        return None

    def _table_column(self, table, column: str, near: str) -> FieldType | None:
        parts = [p for p in (table.catalog, table.db, table.name) if p]
        shown = ".".join(parts)
        return self._column(split_id(shown, self.opts), shown, column, near)

    def _column(self, parts: tuple, table: str, field: str, near: str) -> FieldType | None:
        columns, where, _ = self.schemas.lookup(parts, table, near, note=False)
        column = columns.get(field.lower()) if columns else None
        if column is None:
            return None
        return FieldType(column.type, f"the query reads {column.type} column `{column.name}` of `{table}`", column,
                         where.rsplit(":", 1)[0])


def _select(sql: str):
    """The one plain SELECT the text is, else None (a syntax error, WITH, UNION, several statements)."""
    from gcp_preflight.validators.bigquery.schema import _quiet_sqlglot

    _quiet_sqlglot()
    import sqlglot
    from sqlglot import exp

    try:
        statements = sqlglot.parse(sql, read="bigquery")
    except Exception:  # sqlglot raises many kinds; any of them means "not understood"
        return None
    if len(statements) != 1 or not isinstance(statements[0], exp.Select):
        return None
    select = statements[0]
    if select.args.get("with_") or select.args.get("with"):
        return None
    return select


def _tables(select) -> dict:
    """The tables of the FROM and JOINs by the name a column may qualify them with; a subquery
    anywhere there makes the qualifiers unknown, so none is returned."""
    from sqlglot import exp

    found = select.args.get("from_") or select.args.get("from")
    sources = [found.this] if found is not None else []
    sources += [join.this for join in select.args.get("joins") or ()]
    if not all(isinstance(s, exp.Table) for s in sources):
        return {}
    return {s.alias_or_name.lower(): s for s in sources}
