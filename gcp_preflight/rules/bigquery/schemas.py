"""The table schemas a repository declares, looked up by table id.

Declarations come from DDL (`CREATE TABLE`, `ALTER TABLE ... ADD COLUMN`), JSON schema files (which
name only the table) and code (`bigquery.Table(table_id, schema=[SchemaField(...)])`, their ids
resolved by rules/bigquery/flow.py). A lookup takes the most specific matching declarations; when
they disagree, one in the writing file wins and the disagreement is kept for PF408 (issue 12,
cause 5), else the write is checked against none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight.model import Location
from gcp_preflight.validators.bigquery.schema import BqColumn, BqSchema


def split_id(table: str, opts) -> tuple[str | None, str | None, str]:
    """(project, dataset, table) of an id; the parts it leaves out come from the options' defaults."""
    parts = table.strip("`").replace(":", ".").split(".")
    if len(parts) >= 3:
        return parts[-3], parts[-2], parts[-1]
    if len(parts) == 2:
        return opts.default_project, parts[0], parts[1]
    return opts.default_project, opts.default_dataset, parts[0]


@dataclass(frozen=True)
class Declaration:
    """One place that declares a table's columns."""

    parts: tuple  # (project, dataset, table), None where the declaration does not say
    origin: str  # ddl, alter, json, python
    location: Location
    columns: tuple[BqColumn, ...]

    @property
    def where(self) -> str:
        return f"{self.location.path}:{self.location.line}"


@dataclass(frozen=True)
class Disagreement:
    """Declarations of one table with different columns; `chosen` won for the writes in its file."""

    table: str
    chosen: Declaration
    others: tuple[Declaration, ...]


class SchemaIndex:
    def __init__(self, project, opts, in_code: list[tuple[str, Location, tuple[BqColumn, ...]]]):
        """`in_code`: (table id, where, columns) of each table declared in Python, its id resolved."""
        self.opts = opts
        self.entries: list[Declaration] = []
        self.disagreements: dict[tuple[str, str], Disagreement] = {}  # (table, chosen where) -> ...
        for schema in project.facts(BqSchema):
            parts = split_id(schema.table, opts)
            if schema.origin == "json":
                parts = (None, None, schema.table)  # a schema file says only the table's name
            self.entries.append(Declaration(parts, schema.origin, Location(schema.path, schema.line), schema.columns))
        for table, where, columns in in_code:
            self.entries.append(Declaration(split_id(table, opts), "python", where, columns))
        self._by_name: dict[object, list[Declaration]] = {}  # by table name: a lookup reads only its own
        for entry in self.entries:
            self._by_name.setdefault(entry.parts[2], []).append(entry)

    def lookup(self, want: tuple, table: str, near: str = "", note: bool = True) -> tuple[dict | None, str, str]:
        """(lower-cased name -> column, "path:line" of the declaration, why none). When declarations
        of the table disagree, one in the writing file `near` wins and the disagreement is kept
        for one notice (PF408); with none there, the write is not checked against either."""
        matches = [e for e in self._by_name.get(want[2], ()) if _compatible(want, e.parts)]
        bases = [e for e in matches if e.origin != "alter"]
        if not bases:
            return None, "", f"no schema in the repository declares `{table}`"
        best = max(_specificity(want, e.parts) for e in bases)
        bases = [e for e in bases if _specificity(want, e.parts) == best]
        added = [c for e in matches if e.origin == "alter" for c in e.columns]
        if len({_shape(e, added) for e in bases}) > 1:
            closest = max(_nearness(near, e.location.path) for e in bases)
            nearest = [e for e in bases if _nearness(near, e.location.path) == closest]
            if len({_shape(e, added) for e in nearest}) > 1:
                where = ", ".join(sorted(e.where for e in bases))
                return None, "", f"several different schemas match `{table}` ({where})"
            chosen = nearest[0]
            others = tuple(sorted((e for e in bases if _shape(e, added) != _shape(chosen, added)), key=lambda e: e.where))
            if note:
                self.disagreements.setdefault((table, chosen.where), Disagreement(table, chosen, others))
            bases = [chosen]
        columns = {c.name.lower(): c for c in bases[0].columns}
        columns.update({c.name.lower(): c for c in added})
        return columns, bases[0].where, ""


def _shape(decl: Declaration, added: list[BqColumn]) -> frozenset:
    """The column names a declaration gives the table, columns added by ALTER TABLE included."""
    return frozenset(c.name.lower() for c in (*decl.columns, *added))


def _nearness(near: str, path: str) -> int:
    """How close a declaration is to the writing file: only the same file counts (a script that
    creates the table it writes). Sharing folders says nothing: in the corpus, scripts beside a
    module that creates a table with its own schema wrote rows for the DDL's layout."""
    return 1 if near == path else 0


def _compatible(a: tuple, b: tuple) -> bool:
    return a[2] == b[2] and all(x is None or y is None or x == y for x, y in zip(a[:2], b[:2]))


def _specificity(a: tuple, b: tuple) -> int:
    return sum(1 for x, y in zip(a[:2], b[:2]) if x is not None and x == y)
