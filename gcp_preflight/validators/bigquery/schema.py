"""BigQuery table schemas: DDL (.sql, parsed with sqlglot's BigQuery dialect) and JSON schema files.

Both give BqSchema facts: a table id as written and its columns in BigQuery's own terms
(legacy type names, NULLABLE / REQUIRED / REPEATED). Python schemas (SchemaField lists) come from
validators/bigquery/python.py. A DDL statement or schema file that does not parse is a PF400
problem at its line; statements other than CREATE TABLE / ALTER TABLE are none of our business.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import fact
from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.templates import TAGS


@fact(shared=("name", "type"))
@dataclass(slots=True, unsafe_hash=True)
class BqColumn:
    name: str
    type: str  # STRING, INTEGER, FLOAT, NUMERIC, BIGNUMERIC, BOOLEAN, TIMESTAMP, DATE, TIME, DATETIME, BYTES, JSON, RECORD, ...
    mode: str = "NULLABLE"  # NULLABLE, REQUIRED or REPEATED
    fields: tuple[BqColumn, ...] = ()  # for RECORD
    line: int = 1


@fact
@dataclass(slots=True, unsafe_hash=True)
class BqSchema:
    """The columns of one table, from one place. `origin` is "ddl", "alter" (ADD COLUMN: columns
    added to a table declared elsewhere), "json" (a schema file, table named after the file) or
    "python" (a SchemaField list attached to a table id)."""

    path: str
    line: int
    table: str  # as written: "project.dataset.table", "dataset.table" or "table"
    columns: tuple[BqColumn, ...]
    origin: str


# Type names as the client library and the REST API spell them.
_ALIASES = {
    "INT64": "INTEGER", "INT": "INTEGER", "SMALLINT": "INTEGER", "BIGINT": "INTEGER", "TINYINT": "INTEGER",
    "BYTEINT": "INTEGER", "FLOAT64": "FLOAT", "BOOL": "BOOLEAN", "STRUCT": "RECORD", "DECIMAL": "NUMERIC",
    "BIGDECIMAL": "BIGNUMERIC",
}
KNOWN_TYPES = frozenset({
    "STRING", "BYTES", "INTEGER", "FLOAT", "NUMERIC", "BIGNUMERIC", "BOOLEAN", "TIMESTAMP", "DATE", "TIME",
    "DATETIME", "GEOGRAPHY", "JSON", "RECORD", "INTERVAL", "RANGE",
})


def canonical_type(name: str) -> str:
    upper = name.strip().upper()
    upper = re.sub(r"[<(].*", "", upper).strip()  # NUMERIC(10, 2), STRING(20), RANGE<DATE>
    return _ALIASES.get(upper, upper)


# -- DDL ------------------------------------------------------------------------------------

_DDL_ANYWHERE = re.compile(r"\b(CREATE\s+(OR\s+REPLACE\s+)?(TEMP(ORARY)?\s+)?TABLE|ALTER\s+TABLE)\b", re.I)
_DDL_START = re.compile(r"^\s*(CREATE\s+(OR\s+REPLACE\s+)?(TEMP(ORARY)?\s+)?TABLE|ALTER\s+TABLE)\b", re.I)
# `CLUSTER BY a, b DESC`: BigQuery's clustering list takes column names only. Some sqlglot
# versions accept the sort order and some fall back to an opaque command, so it is read here.
_CLUSTER_ORDER = re.compile(r"\bCLUSTER\s+BY\s+[\w`.,\s]*?\b(ASC|DESC)\b", re.I)
# `CREATE TABLE t (...) WITH CONNECTION DEFAULT OPTIONS (table_format = 'ICEBERG', ...)`: a BigLake
# table for Apache Iceberg, which sqlglot reads only as an opaque command. The clause names where
# the data lives, not its columns, so it is blanked (same length) before parsing.
_WITH_CONNECTION = re.compile(r"\bWITH\s+CONNECTION\s+(?:DEFAULT\b|`[^`]*`|[\w.-]+)", re.I)
# An ALTER TABLE that sqlglot reads only as an opaque command declares columns only if it adds some
# (`ALTER COLUMN x SET OPTIONS (...)`, `SET OPTIONS`, `RENAME TO`, ... declare none).
_ADD_COLUMN = re.compile(r"\bADD\s+COLUMN\b", re.I)
# What no BigQuery script holds, outside comments: PostgreSQL, MySQL, SQL Server, Spanner and Hive
# types, clauses and statements (and, checked apart, Jinja tags). A .sql file with any of them is another
# database's (or not SQL until rendered), and none of its tables is BigQuery's to check. (Not CREATE INDEX: BigQuery schema files are seen holding one beside their tables.)
_OTHER_DIALECT = re.compile(
    r"\b(?:BIG)?SERIAL\b|\bTIMESTAMPTZ\b|\bJSONB\b|\bROW\s+LEVEL\s+SECURITY\b|\bOWNER\s+TO\b|\bAUTO_INCREMENT\b"
    r"|\bENGINE\s*=|\bCREATE\s+EXTENSION\b|\bgen_random_uuid\s*\("
    r"|\bCREATE\s+TABLE\s+#|\bIDENTITY\s*\(|\bSET\s+NOCOUNT\b|\bNVARCHAR\b|\[dbo\]|^\s*GO\s*$"
    r"|\bINTERLEAVE\s+IN\s+PARENT\b|\)\s*PRIMARY\s+KEY\s*\("  # Spanner
    r"|\bSTORED\s+AS\b|\bROW\s+FORMAT\b|\bMAP\s*<", re.I | re.M)  # Hive
# sqlglot names a token by its repr in some messages: `<Token token_type: TokenType.L_PAREN, text: (, line: 2, ...>`
_TOKEN_REPR = re.compile(r"<Token token_type: [\w.]+, text: (.*?), line: \d+[^>]*>")
# A cheap first look (plain words, on the lowered text), before the exact markers above, which cost
# about a fifth of a second per MB: most files hold none of these words.
_OTHER_DIALECT_HINT = re.compile(r"serial|timestamptz|jsonb|security|owner|auto_increment|engine|extension|gen_random"
                                 r"|#|identity|nocount|nvarchar|dbo|\n[ \t]*go|interleave|\)\s*primary|stored\s|row\s+format|map\s*<")
_SQL_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


def _statements(text: str):
    """(statement text, first line) for each `;`-separated statement, using sqlglot's tokenizer
    so semicolons inside strings and comments do not split."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType

    start = None
    for token in Dialect.get_or_raise("bigquery").tokenize(text):
        if token.token_type == TokenType.SEMICOLON:
            if start is not None:
                yield text[start[0]:token.start], start[1]
            start = None
        elif start is None:
            start = (token.start, token.line)
    if start is not None:
        yield text[start[0]:], start[1]


def _is_table_ddl(statement: str) -> bool:
    """A CREATE TABLE that declares columns, as opposed to CREATE TABLE ... AS SELECT / LIKE / COPY."""
    head = statement.split("(", 1)[0]
    return "(" in statement and not re.search(r"\b(AS|LIKE|COPY|CLONE)\b", head, re.I)


_QUIETED = False


def _quiet_sqlglot() -> None:
    """sqlglot logs "Falling back to parsing as a 'Command'" to stderr; PF400 says it instead."""
    global _QUIETED
    if not _QUIETED:
        import logging

        logger = logging.getLogger("sqlglot")
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
        _QUIETED = True


def _column_from_sql(coldef, line_offset: int) -> BqColumn:
    from sqlglot import exp

    line = (coldef.this.meta.get("line") or 1) + line_offset if isinstance(coldef.this, exp.Expression) else 1
    mode = "NULLABLE"
    if any(isinstance(c.kind, exp.NotNullColumnConstraint) for c in coldef.args.get("constraints") or ()):
        mode = "REQUIRED"
    kind = coldef.args.get("kind")
    type_name, fields = _type_from_sql(kind, line_offset)
    if type_name == "ARRAY":
        mode = "REPEATED"
        element = kind.expressions[0] if kind is not None and kind.expressions else None
        type_name, fields = _type_from_sql(element, line_offset)
    return BqColumn(coldef.name, type_name, mode, fields, line)


def _type_from_sql(kind, line_offset: int) -> tuple[str, tuple]:
    from sqlglot import exp

    if kind is None:
        return "UNKNOWN", ()
    if kind.this == exp.DataType.Type.ARRAY:
        return "ARRAY", ()
    if kind.this == exp.DataType.Type.STRUCT:
        subs = tuple(_column_from_sql(e, line_offset) for e in kind.expressions if isinstance(e, exp.ColumnDef))
        return "RECORD", subs
    return canonical_type(kind.sql(dialect="bigquery")), ()


def _table_name(table) -> str:
    return ".".join(part.name for part in table.parts)


def _other_dialect(text: str) -> bool:
    """Another database's DDL, or a Jinja template rendered before it runs (templates.TAGS)."""
    code = _SQL_COMMENT.sub(" ", text)
    if TAGS.search(code):
        return True
    return _OTHER_DIALECT_HINT.search("\n" + code.lower()) is not None and _OTHER_DIALECT.search(code) is not None


def read_ddl(source: SourceText) -> Iterable[object]:
    import sqlglot
    from sqlglot import exp

    try:
        statements = list(_statements(source.text))
    except sqlglot.errors.SqlglotError:  # an unterminated string or comment
        match = _DDL_ANYWHERE.search(source.text)
        if match:
            line = source.text.count("\n", 0, match.start()) + 1
            yield problem("PF400", source.path, line, 1,
                          "cannot read this SQL file: a string or comment is not terminated")
        return
    if _other_dialect(source.text):
        return  # another database's DDL (a PostgreSQL migration, ...): not BigQuery's to check
    _quiet_sqlglot()
    for statement, line in statements:
        if not _DDL_START.match(statement):
            continue
        connection = _WITH_CONNECTION.search(statement)
        if connection is not None:
            blank = re.sub(r"[^\n]", " ", connection.group())
            statement = statement[:connection.start()] + blank + statement[connection.end():]
        # Parse the statement alone (linear in the file: no padding); its tokens count lines from
        # 1, so every line it reports is shifted by `offset` to the file's lines.
        offset = line - 1
        ordered = _CLUSTER_ORDER.search(statement)
        if ordered:
            yield problem("PF400", source.path, line + statement.count("\n", 0, ordered.start()), 1,
                          f"CLUSTER BY takes column names only, not a sort order ({ordered.group(1).upper()}): "
                          "BigQuery rejects this statement, so its columns are not checked")
            continue
        try:
            parsed = sqlglot.parse_one(statement, read="bigquery")
        except sqlglot.errors.ParseError as exc:
            err = exc.errors[0] if exc.errors else {}
            near = (err.get("highlight") or "").strip()
            column = max((err.get("col") or 1) - len(near) + 1, 1)  # sqlglot points at the token's end
            near = f" near {near!r}" if near else ""
            why = _TOKEN_REPR.sub(lambda m: repr(m.group(1)), str(err.get("description") or exc))
            yield problem("PF400", source.path, (err.get("line") or 1) + offset, column,
                          f"cannot parse this table DDL{near}: {why}")
            continue
        except sqlglot.errors.SqlglotError as exc:  # tokenizer errors and the like
            yield problem("PF400", source.path, line, 1, f"cannot parse this table DDL: {exc}")
            continue
        except RecursionError:
            yield problem("PF400", source.path, line, 1, "cannot parse this table DDL: nested too deeply")
            continue
        if isinstance(parsed, exp.Create) and isinstance(parsed.this, exp.Schema):
            cols = tuple(_column_from_sql(c, offset) for c in parsed.this.expressions if isinstance(c, exp.ColumnDef))
            yield from _unknown_types(source.path, cols)
            yield BqSchema(source.path, line, _table_name(parsed.this.this), cols, "ddl")
        elif isinstance(parsed, exp.Alter) and isinstance(parsed.this, exp.Table):
            cols = tuple(_column_from_sql(c, offset) for c in parsed.args.get("actions") or () if isinstance(c, exp.ColumnDef))
            yield from _unknown_types(source.path, cols)
            if cols:
                yield BqSchema(source.path, line, _table_name(parsed.this), cols, "alter")
        elif isinstance(parsed, exp.Command) and statement.lstrip()[:5].upper() == "ALTER" \
                and not _ADD_COLUMN.search(statement):
            continue  # changes options or names, declares no column
        elif isinstance(parsed, exp.Command) or (isinstance(parsed, exp.Create) and parsed.args.get("expression") is None
                                                 and _is_table_ddl(statement)):
            # (a Create with an expression is CREATE TABLE ... AS SELECT, whose OPTIONS(...) may
            # come before the AS: understood, and it declares no columns)
            # sqlglot fell back to an opaque command: the table's columns are unknown, so say so
            # here rather than let the table look declared by no schema.
            yield problem("PF400", source.path, line, 1, "cannot parse this table DDL: its syntax is not understood "
                          "(sqlglot read it only as an opaque command), so its columns are not checked")


def _unknown_types(path: str, columns) -> Iterable[object]:
    for col in columns:
        if col.type not in KNOWN_TYPES:
            yield problem("PF400", path, col.line, 1, f"column {col.name!r} has unknown type {col.type!r}")
        yield from _unknown_types(path, col.fields)


# -- JSON schema files ----------------------------------------------------------------------

def _json_line(text: str, name: str, after: int) -> tuple[int, int]:
    """The line of `"name": "<name>"` at or after offset `after` (json gives no positions)."""
    match = re.compile(r'"name"\s*:\s*' + re.escape(json.dumps(name))).search(text, after)
    if not match:
        return 1, after
    return text.count("\n", 0, match.start()) + 1, match.end()


def _json_columns(items, source: SourceText, cursor: list[int], where: str):
    columns, problems = [], []
    for index, item in enumerate(items):
        name = item.get("name") if isinstance(item, dict) else None
        kind = item.get("type") if isinstance(item, dict) else None
        if not isinstance(name, str) or not isinstance(kind, str):
            line = source.text.count("\n", 0, cursor[0]) + 1
            problems.append(problem("PF400", source.path, line, 1,
                                    f"{where}field {index + 1} needs string \"name\" and \"type\" keys"))
            continue
        line, cursor[0] = _json_line(source.text, name, cursor[0])
        type_name = canonical_type(kind)
        mode = str(item.get("mode") or "NULLABLE").upper()
        if type_name not in KNOWN_TYPES or mode not in ("NULLABLE", "REQUIRED", "REPEATED"):
            bad = f"type {kind!r}" if type_name not in KNOWN_TYPES else f"mode {item.get('mode')!r}"
            problems.append(problem("PF400", source.path, line, 1, f"field {name!r} has unknown {bad}"))
        subs: tuple = ()
        if isinstance(item.get("fields"), list):
            found, more = _json_columns(item["fields"], source, cursor, f"{name}: ")
            subs, problems = tuple(found), problems + more
        columns.append(BqColumn(name, type_name, mode, subs, line))
    return columns, problems


# Keys of JSON Schema (and OpenAPI) that no BigQuery field has: a list of such objects with
# "name" and "type" describes JSON documents, not a table.
_JSON_SCHEMA_KEYS = frozenset(("items", "properties", "$schema", "$ref", "additionalProperties", "enum"))


def looks_like_schema(data) -> bool:
    """A list whose first item is an object with "name" and "type": BigQuery's schema format,
    unless an item uses JSON Schema's keys, or no item has a BigQuery type (a list of DNS
    records has names and types `A`, `MX`)."""
    return (isinstance(data, list) and bool(data) and isinstance(data[0], dict) and "name" in data[0]
            and "type" in data[0] and not any(isinstance(item, dict) and not _JSON_SCHEMA_KEYS.isdisjoint(item)
                                              for item in data)
            and any(isinstance(item, dict) and isinstance(item.get("type"), str)
                    and canonical_type(item["type"]) in KNOWN_TYPES for item in data))


def read_json_schema(source: SourceText) -> Iterable[object]:
    try:
        data = json.loads(source.text)
    except ValueError as exc:
        if "schema" in source.path.lower():  # a broken schema file must not pass silently
            line = getattr(exc, "lineno", 1)
            yield problem("PF400", source.path, line, getattr(exc, "colno", 1), f"invalid JSON: {getattr(exc, 'msg', exc)}")
        return
    if not looks_like_schema(data):
        return
    columns, problems = _json_columns(data, source, [0], "")
    yield from problems
    stem = source.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    yield BqSchema(source.path, 1, stem, tuple(columns), "json")


class BigQuerySchemaValidator:
    name = "bigquery-schema"

    def wants(self, path: str, head: str) -> bool:
        if path.endswith(".sql"):
            return True
        # Only JSON files that open with a list can be schemas; package.json and friends are skipped.
        return path.endswith(".json") and head.lstrip().startswith("[")

    def read(self, source: SourceText) -> Iterable[object]:
        if source.path.endswith(".sql"):
            yield from read_ddl(source)
        else:
            yield from read_json_schema(source)
