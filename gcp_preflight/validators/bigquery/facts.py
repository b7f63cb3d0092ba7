"""Facts about BigQuery writes in Python code, as the per-file extractor sees them.

What one file can tell: each call that may write rows (a sink, or a call passing rows or its own
parameters on), with its arguments already followed through the enclosing function (names bound
earlier, `row["k"] = v`, `rows.append(...)` in loops, comprehensions); module constants and
imports, so table ids can be resolved across modules; and functions with their parameters, so the
rule family can find wrappers across modules (rules/bigquery/flow.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight.facts import fact
from gcp_preflight.model import Location
from gcp_preflight.validators.bigquery.schema import BqColumn


@fact
@dataclass(slots=True, unsafe_hash=True)
class Piece:
    """Part of a string built statically: "lit" (text), "name" (a module constant or an imported
    name, maybe dotted: `config.DATASET`), "param" (a parameter of the enclosing function),
    "attr" (`self.X`, or `self.X()` with value "X()", of the enclosing method's instance),
    "env" (an environment variable read with a literal default, value "NAME=default":
    `os.environ.get("X", "d")`), "unknown" (value says why)."""

    kind: str
    value: str


@fact
@dataclass(slots=True, unsafe_hash=True)
class QuerySource:
    """Where a query-field value is read from: field `field` of the rows of a query whose text
    (`sql`) or table (`table`, for `list_rows`) is built statically."""

    field: str
    sql: tuple[Piece, ...] = ()
    table: tuple[Piece, ...] = ()


@fact(shared=("text",))
@dataclass(slots=True, unsafe_hash=True)
class Value:
    """What a value in a row is known to be. `where` is the expression as written in the row;
    `origin` is where a name used there was bound."""

    kind: str  # dict list tuple set str num bool none bytes date datetime time decimal dumps
    #            converted query-field query-row self-attr unknown
    where: Location
    text: str
    origin: Location | None = None
    entries: tuple[Entry, ...] = ()  # for a dict
    inner: str = ""  # dumps: the kind of the dumped value; self-attr: the attribute ("X" or "X()")
    has_default: bool = False  # dumps: default= or cls= given
    source: str = ""  # how the kind is known, for messages ("datetime.now()", "query result row")
    query: QuerySource | None = None  # a query-field: the query it comes from


@fact
@dataclass(slots=True, unsafe_hash=True)
class Entry:
    key: str
    value: Value


@fact
@dataclass(slots=True, unsafe_hash=True)
class Row:
    where: Location
    entries: tuple[Entry, ...]
    open: bool = False  # keys may exist that are not listed (`**x`, `row.update(unknown)`)


@fact
@dataclass(slots=True, unsafe_hash=True)
class Rows:
    rows: tuple[Row, ...] = ()
    param: str = ""  # the rows are this parameter of the enclosing function


@fact
@dataclass(slots=True, unsafe_hash=True)
class JobConfig:
    mode: str  # "absent" (no job_config: autodetect), "schema", "autodetect", "unknown", "param"
    columns: tuple[BqColumn, ...] | None = None  # an explicit schema written inline
    schema_name: str = ""  # an explicit schema given by name (resolved later when possible)
    ignore_unknown: bool = False
    param: str = ""


@fact
@dataclass(slots=True, unsafe_hash=True)
class Arg:
    position: int  # -1 for a keyword argument
    keyword: str
    text: tuple[Piece, ...] | None = None
    rows: Rows | None = None
    job: JobConfig | None = None
    literal: str = ""  # repr of a True/False/None constant
    param: str = ""  # the argument is exactly this parameter of the enclosing function
    attr: str = ""  # the rows are `self.X` ("X"), or what `self.X()` returns ("X()"), of the method's instance
    attr_wrapped: bool = False  # `[self.X]`: the attribute is one row


@fact(shared=("callee",))
@dataclass(slots=True, unsafe_hash=True)
class BqCall:
    path: str
    function: str  # qualified name of the enclosing function ("" at module level)
    callee: str  # as written, dotted ("client.insert_rows_json", "bq.write_rows", "self._write")
    location: Location
    args: tuple[Arg, ...]


@fact(shared=("callee",))
@dataclass(slots=True, unsafe_hash=True)
class BqLooseCall(BqCall):
    """A call that can reach no project function and is no API sink (its head is not imported
    in its file nor `self`/`cls` in a method, and it names no function of the file): it matters
    only to a sink named in config, so it is a type of its own, decoded only then. `after`: how
    many of its file's BqCall facts precede it."""

    after: int = 0


@fact
@dataclass(slots=True, unsafe_hash=True)
class BqFunction:
    path: str
    qualname: str  # "write_rows" or "Writer.write"
    params: tuple[str, ...]
    defaults: tuple[tuple[str, tuple[Piece, ...]], ...]
    line: int
    is_method: bool = False


@fact
@dataclass(slots=True, unsafe_hash=True)
class BqModule:
    path: str
    module: str  # dotted name from the path
    constants: tuple[tuple[str, tuple[Piece, ...]], ...]
    imports: tuple[tuple[str, str, str], ...]  # (local name, module, imported name or "")
    schemas: tuple[tuple[str, tuple[BqColumn, ...]], ...]  # module-level SchemaField lists
    imports_bigquery: bool
    has_json_import: bool  # a top-level `import json`
    import_line: int  # where a new top-level import goes (after docstring and __future__)


@fact
@dataclass(slots=True, unsafe_hash=True)
class BqTableDecl:
    """`bigquery.Table(table_id, schema=...)`: a Python schema attached to a table id."""

    path: str
    location: Location
    table: tuple[Piece, ...]
    columns: tuple[BqColumn, ...] | None
    schema_name: str = ""


@fact
@dataclass(slots=True, unsafe_hash=True)
class JsonDumps:
    """`json.dumps(x)` without `default=`/`cls=` where x may hold values json cannot encode."""

    where: Location
    text: str
    certain: bool  # x holds such a value for sure (else: values from a query result)
    why: str


@fact(shared=("name",))
@dataclass(slots=True, unsafe_hash=True)
class BqAttr:
    """A name a class defines, as `self.X` would find it."""

    name: str
    how: str  # "class" (class body), "property", "method", "init" (`self.X = ...` in __init__)
    line: int
    kind: str = "unknown"  # the Value kind of what it holds (of what it returns, for a property/method)
    text: tuple[Piece, ...] | None = None  # the string it holds or returns, when built statically
    why: str = ""  # why it cannot be known statically, when it cannot
    source: str = ""  # the expression, for messages


@fact
@dataclass(slots=True, unsafe_hash=True)
class AttrRows:
    """Rows a method of a class leaves in `self.X` (`self.rows = [...]`, `self.rows.append({...})`)
    or returns (attr "X()"); `single`: a dict, one row (`self.row = {...}`, `return {...}`)."""

    attr: str
    method: str
    rows: Rows
    single: bool = False


@fact
@dataclass(slots=True, unsafe_hash=True)
class BqClass:
    path: str
    qualname: str
    line: int
    bases: tuple[str, ...]  # dotted, as written; "" for a base that is not a name (`Generic[T]`)
    attrs: tuple[BqAttr, ...]
    rows: tuple[AttrRows, ...] = ()  # rows its methods build into attributes or return
