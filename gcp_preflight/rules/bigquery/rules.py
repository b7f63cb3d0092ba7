"""PF4xx: rows that BigQuery or its client library will reject, found at the write call.

Every rule reads the write sites of rules/bigquery/flow.py (computed once per run): the rows a
call passes to `insert_rows_json`, `insert_rows`, `load_table_from_json` or a project wrapper of
them, and the schema of the table those rows go to.
"""

from __future__ import annotations

import difflib
import functools
from typing import Iterable, Iterator

from gcp_preflight.model import Diagnostic, Location, Related, Severity
from gcp_preflight.rules.base import once, rule
from gcp_preflight.rules.bigquery.flow import JSON_APIS, Site, analyse
from gcp_preflight.validators.base import Problem
from gcp_preflight.validators.bigquery.facts import Entry, JsonDumps, Value
from gcp_preflight.validators.bigquery.schema import BqColumn

_TYPE_NAMES = {"date": "date", "datetime": "datetime", "time": "time", "decimal": "Decimal", "bytes": "bytes",
               "set": "set"}
_CONVERT = {"date": "call .isoformat()", "datetime": "call .isoformat()", "time": "call .isoformat()",
            "decimal": "pass str(value) (exact) or float(value)", "bytes": "base64-encode it (base64.b64encode(value).decode())",
            "set": "pass list(value)"}
# Column types whose values a query returns as objects json cannot encode.
_QUERY_TYPES = {"DATE": "date", "DATETIME": "datetime", "TIMESTAMP": "datetime", "TIME": "time",
                "NUMERIC": "decimal", "BIGNUMERIC": "decimal", "BYTES": "bytes"}
_SCALARS = {"str", "num", "bool", "converted"}


def _sites(project) -> list[Site]:
    return project.memo(analyse).sites


def _entries(site: Site) -> Iterator[tuple[Entry, BqColumn | None, str]]:
    """(entry, its column or None, the key path as shown) for every key of every row."""
    for row in site.rows.rows:
        yield from _walk(row.entries, site.columns, "")


def _walk(entries, columns: dict | None, prefix: str):
    for entry in entries:
        column = columns.get(entry.key.lower()) if columns is not None else None
        yield entry, column, prefix + entry.key
        if column is not None and column.type == "RECORD" and column.mode != "REPEATED" and entry.value.kind == "dict":
            yield from _walk(entry.value.entries, {c.name.lower(): c for c in column.fields}, f"{prefix}{entry.key}.")


def _via(site: Site) -> str:
    return f" (through {' -> '.join(site.chain)})" if site.chain else ""


def _schema_file(site: Site) -> tuple[str, ...]:
    """The file the table's schema is read from: the finding depends on it (a commit that only
    changes the schema is checked against it)."""
    return (site.schema_path,) if site.schema_path else ()


def _column_note(site: Site, column: BqColumn) -> tuple[Related, ...]:
    if not site.schema_path:
        return ()
    return (Related(Location(site.schema_path, column.line), f"`{column.name}` is declared {column.type}"
                    f"{' REPEATED' if column.mode == 'REPEATED' else ''} here"),)


def _bound(value: Value) -> tuple[Related, ...]:
    return (Related(value.origin, f"`{value.text}` is bound here"),) if value.origin else ()


def _table(site: Site) -> str:
    shown = f"`{site.table}`" if site.table else "the table"
    if site.assumes:  # the id is right only when the variables are not set
        names = " and ".join(f"${name}" for name in site.assumes)
        shown += f" (the id assumes the default of {names})"
    return f"the {site.for_class} table {shown}" if site.for_class else shown


def _schema_line(site: Site) -> int:
    line = site.schema_where.rsplit(":", 1)[-1]
    return int(line) if line.isdigit() else 1


def _unique(check):
    @functools.wraps(check)
    def unique(project):
        return once(check(project))  # one site per subclass: say what does not depend on it once
    return unique


@rule("PF400", "bigquery-schema-unparsable", Severity.ERROR)
def schema_unparsable(project):
    """A BigQuery table DDL statement or JSON schema file that cannot be read.

    ## What it does
    Reports, at its line, a `CREATE TABLE` / `ALTER TABLE` statement in a `.sql` file that
    BigQuery's SQL dialect does not parse (read with sqlglot), a JSON schema file that is not
    valid JSON, or a schema field with no name, an unknown type or an unknown mode.

    ## Why is this bad?
    The DDL would fail when run, and every write check against that table is blind: its columns
    are unknown.

    ## Example
    ```sql schemas/bigquery/analytics/events.sql
    CREATE TABLE IF NOT EXISTS `my-project.analytics.events` (
      event_id STRING NOT NULL,
      payload JSN
    );
    ```

    ## Fix
    Correct the statement.
    ```sql schemas/bigquery/analytics/events.sql
    CREATE TABLE IF NOT EXISTS `my-project.analytics.events` (
      event_id STRING NOT NULL,
      payload JSON
    );
    ```
    """
    for item in project.facts(Problem):
        if item.code == "PF400":
            yield item.diagnostic


@rule("PF401", "json-column-wrong-form", Severity.ERROR)
@_unique
def json_column_wrong_form(project):
    """A value in the wrong form for a JSON column, for the API that writes it.

    ## What it does
    Finds values written to a `JSON` column in the form the write API does not expect:

    - `insert_rows_json` (streaming, `tabledata.insertAll`) sends each row as is, and the API
      takes a JSON column's value as a JSON-encoded string: a dict or list must go through
      `json.dumps(...)`. The client library's own schema-aware path does exactly that for JSON
      fields (`_json_to_json` in google-cloud-bigquery, googleapis/python-bigquery#1756).
    - `insert_rows` (schema-aware) calls `json.dumps` on JSON values itself, so a value that is
      already `json.dumps(...)` is encoded twice and stored as a JSON string.
    - `load_table_from_json` with an explicit schema loads "the raw JSON values" into a JSON
      column (https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-json), so a
      `json.dumps(...)` value is stored as a JSON string scalar, not an object.
    - `load_table_from_json` without a schema (the client turns on autodetection) infers
      column types from the values (https://cloud.google.com/bigquery/docs/schema-detect): a
      `json.dumps(...)` value is detected as STRING and clashes with the JSON column.

    The table's schema comes from DDL, a JSON schema file, a SchemaField list, or the load job's
    own schema. See also https://cloud.google.com/bigquery/docs/json-data.

    ## Why is this bad?
    A streaming insert of a dict into a JSON column is rejected row by row (insert_rows_json
    returns the errors; code that ignores them loses the rows). Double-encoded JSON is worse: it
    is accepted, and every query of `metadata.key` returns NULL.

    ## Example
    ```sql schemas/events.sql
    CREATE TABLE analytics.events (event_id STRING, metadata JSON);
    ```
    ```python app/main.py
    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id, source):
        metadata = {"source": source}
        row = {"event_id": event_id, "metadata": metadata}
        client.insert_rows_json("analytics.events", [row])
    ```

    ## Fix
    Send the JSON text (`--fix` wraps the value and adds `import json`).
    ```python app/main.py
    import json
    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id, source):
        metadata = {"source": source}
        row = {"event_id": event_id, "metadata": json.dumps(metadata)}
        client.insert_rows_json("analytics.events", [row])
    ```
    """
    from gcp_preflight.rules.bigquery.fix import unwrap_dumps, wrap_in_dumps

    modules = project.memo(analyse).modules
    for site in _sites(project):
        for entry, column, key in _entries(site):
            if column is None or column.type != "JSON" or column.mode == "REPEATED":
                continue
            value = entry.value
            related = _column_note(site, column) + _bound(value)
            if site.api == "insert_rows_json" and value.kind in ("dict", "list", "tuple"):
                module = modules.get(value.where.path)
                fix = wrap_in_dumps(project.text(value.where.path) or "", value.where, not (module and module.has_json_import))
                yield Diagnostic(value.where, f"`{key}` is a JSON column of {_table(site)}: insert_rows_json{_via(site)} "
                                 f"needs a JSON string there, but gets a {value.kind} (`{value.text}`); wrap it in "
                                 f"json.dumps(...)", related, fix, inputs=_schema_file(site))
            elif value.kind == "dumps" and site.api == "insert_rows":
                yield Diagnostic(value.where, f"`{key}` is a JSON column of {_table(site)}: insert_rows{_via(site)} "
                                 f"encodes JSON values itself, so `{value.text}` is encoded twice and stored as a "
                                 f"JSON string; pass the value itself", related, unwrap_dumps(project.text(value.where.path) or "", value.where),
                                 inputs=_schema_file(site))
            elif value.kind == "dumps" and site.api == "load_table_from_json" and site.job is not None:
                if site.job.mode == "schema":
                    yield Diagnostic(value.where, f"`{key}` is a JSON column of {_table(site)}: a load job with a "
                                     f"schema{_via(site)} stores `{value.text}` as a JSON string, not an object; pass "
                                     f"the value itself", related, unwrap_dumps(project.text(value.where.path) or "", value.where),
                                     inputs=_schema_file(site))
                elif site.job.mode in ("absent", "autodetect"):
                    yield Diagnostic(value.where, f"`{key}` is a JSON column of {_table(site)}: this load job has no "
                                     f"schema{_via(site)}, so autodetection reads `{value.text}` as STRING, which "
                                     f"clashes with the JSON column; give the job the table's schema "
                                     f"(LoadJobConfig(schema=...)) and pass the value itself", related,
                                     inputs=_schema_file(site))


@rule("PF402", "row-value-not-json-serializable", Severity.ERROR)
@_unique
def row_value_not_serializable(project):
    """A date, datetime, time, Decimal, bytes or set value in a row sent as JSON.

    ## What it does
    Finds row values known to be `date`, `datetime`, `time`, `Decimal`, `bytes` or a set
    (`datetime.now()`, `date.today()`, `.date()`, `Decimal(...)`, a name bound to one) written
    without conversion through `insert_rows_json` or `load_table_from_json`, directly or through
    a project wrapper. Values are followed through local names, list appends, dict updates and
    one level of a same-module helper's return value (`"at": _now()`). A field copied from a
    query result row (`row.amount`, `row["amount"]`, `row.get("amount")`) counts when it is
    DATE, DATETIME, TIMESTAMP, TIME, NUMERIC, BIGNUMERIC or BYTES: the client returns those as
    `date`, `datetime`, `time`, `Decimal` and `bytes`. Its type is read from the query when the
    query text is a literal (or built from constants): the column it selects, in the schema of
    the table it reads, or the type it is CAST to; otherwise from the destination column.

    `insert_rows` converts values by the table's schema and is not checked here.

    ## Why is this bad?
    Both methods serialise rows with `json.dumps`, which raises `TypeError: Object of type
    Decimal is not JSON serializable`: the whole batch is lost, at run time, usually on the
    first row that carries such a value.

    ## Example
    ```python app/main.py
    from datetime import datetime

    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id):
        row = {"event_id": event_id, "received_at": datetime.now()}
        client.insert_rows_json("analytics.events", [row])
    ```

    ## Fix
    Convert the value to its JSON form.
    ```python app/main.py
    from datetime import datetime

    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id):
        row = {"event_id": event_id, "received_at": datetime.now().isoformat()}
        client.insert_rows_json("analytics.events", [row])
    ```
    """
    queries = project.memo(analyse).queries
    for site in _sites(project):
        if site.api not in JSON_APIS:
            continue
        for entry, column, key in _entries(site):
            value = entry.value
            kind = value.kind
            if kind == "query-field":
                yield from _query_field(site, key, value, column, queries.of(value, site.call.path))
                continue
            if kind in _TYPE_NAMES:
                yield Diagnostic(value.where, f"`{key}` holds a {_TYPE_NAMES[kind]} (`{value.source or value.text}`), "
                                 f"which {site.api}{_via(site)} cannot serialise to JSON (\"Object of type "
                                 f"{_TYPE_NAMES[kind]} is not JSON serializable\"); {_CONVERT[kind]}", _bound(value),
                                 inputs=_schema_file(site))


def _query_field(site: Site, key: str, value: Value, column: BqColumn | None, source) -> Iterable[Diagnostic]:
    """A field copied from a query result row: typed by the query's own column or CAST when the
    query is known (issue 19), else by the destination column."""
    if source is not None:
        kind = _QUERY_TYPES.get(source.type, "")
        if kind and (source.column is None or source.column.mode != "REPEATED"):
            note = (Related(Location(source.schema_path, source.column.line), f"`{source.column.name}` is declared "
                            f"{source.column.type} here"),) if source.column is not None else ()
            yield Diagnostic(value.where, f"`{key}` copies `{value.text}` from a query result row, and "
                             f"{source.how}: the client returns such values as {_TYPE_NAMES[kind]}, which "
                             f"{site.api}{_via(site)} cannot serialise to JSON; {_CONVERT[kind]}", note,
                             inputs=(*_schema_file(site), *((source.schema_path,) if source.schema_path else ())))
        return  # the query says what the field is: the destination does not change it
    if column is not None and column.mode != "REPEATED":
        kind = _QUERY_TYPES.get(column.type, "")
        if kind:
            yield Diagnostic(value.where, f"`{key}` copies `{value.text}` from a query result row into "
                             f"{column.type} column `{column.name}`: the client returns such values as "
                             f"{_TYPE_NAMES[kind]}, which {site.api}{_via(site)} cannot serialise to JSON; "
                             f"{_CONVERT[kind]}", _column_note(site, column), inputs=_schema_file(site))


@rule("PF403", "row-key-not-a-column", Severity.ERROR)
@_unique
def row_key_not_a_column(project):
    """A row key that is not a column of the table written to.

    ## What it does
    Compares the keys of each row with the columns of the resolved table (names compared
    without regard to case, as BigQuery does), nested RECORD keys included, and suggests the
    closest column. Writes with `ignore_unknown_values=True` are skipped. The rows are those
    built at the write or passed to it through wrappers; for a base-class writer of `self.X`
    (`insert_rows_json(f"{self.dataset_id}.{self.table_name}", self.transformed_data)`), those
    each concrete class's own methods build into `self.X` or return, against that class's table.

    ## Why is this bad?
    BigQuery rejects the row ("no such field"); a streaming insert returns the error per row,
    and code that does not check the returned errors loses the data silently.

    ## Example
    ```sql schemas/events.sql
    CREATE TABLE analytics.events (event_id STRING, received_at TIMESTAMP);
    ```
    ```python app/main.py
    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id, when):
        client.insert_rows_json("analytics.events", [{"event_id": event_id, "recieved_at": when}])
    ```

    ## Fix
    Use the column's name.
    ```python app/main.py
    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id, when):
        client.insert_rows_json("analytics.events", [{"event_id": event_id, "received_at": when}])
    ```
    """
    for site in _sites(project):
        if site.columns is None or site.ignore_unknown or site.job is not None and site.job.ignore_unknown:
            continue
        for row in site.rows.rows:
            yield from _unknown_keys(site, row.entries, site.columns, "")


def _unknown_keys(site: Site, entries, columns: dict, prefix: str) -> Iterable[Diagnostic]:
    names = [c.name for c in columns.values()]
    for entry in entries:
        column = columns.get(entry.key.lower())
        if column is None:
            close = difflib.get_close_matches(entry.key, names, n=1, cutoff=0.6)
            hint = f"; did you mean `{prefix}{close[0]}`?" if close else ""
            where = f"{_table(site)}" if not prefix else f"RECORD `{prefix.rstrip('.')}` of {_table(site)}"
            yield Diagnostic(entry.value.where, f"`{prefix}{entry.key}` is not a column of {where}{_via(site)}{hint}",
                             (Related(Location(site.schema_path, _schema_line(site)), f"schema of {_table(site)}"),)
                             if site.schema_path else (), inputs=_schema_file(site))
        elif column.type == "RECORD" and column.mode != "REPEATED" and entry.value.kind == "dict" and column.fields:
            yield from _unknown_keys(site, entry.value.entries, {c.name.lower(): c for c in column.fields},
                                     f"{prefix}{entry.key}.")


@rule("PF404", "repeated-mismatch", Severity.ERROR)
@_unique
def repeated_mismatch(project):
    """A list for a column that is not REPEATED, or a single value for one that is.

    ## What it does
    Reports a Python list or tuple (literal, or a name bound to one) written to a column whose
    mode is not REPEATED (JSON columns aside), and a string, number or boolean written to a
    REPEATED column.

    ## Why is this bad?
    BigQuery rejects the row: "Array specified for non-repeated field" or "Repeated field must
    be imported as a JSON array".

    ## Example
    ```sql schemas/events.sql
    CREATE TABLE analytics.events (event_id STRING, tag STRING, players ARRAY<STRING>);
    ```
    ```python app/main.py
    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id, player):
        row = {"event_id": event_id, "tag": ["live", "final"], "players": player}
        client.insert_rows_json("analytics.events", [row])
    ```

    ## Fix
    Match the column's mode.
    ```python app/main.py
    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id, player):
        row = {"event_id": event_id, "tag": "live,final", "players": [player]}
        client.insert_rows_json("analytics.events", [row])
    ```
    """
    for site in _sites(project):
        for entry, column, key in _entries(site):
            if column is None or column.type == "JSON":
                continue
            value = entry.value
            if value.kind in ("list", "tuple") and column.mode != "REPEATED":
                yield Diagnostic(value.where, f"`{key}` gets a {value.kind} (`{value.text}`), but column `{column.name}` "
                                 f"of {_table(site)} is not REPEATED", _column_note(site, column) + _bound(value),
                                 inputs=_schema_file(site))
            elif value.kind in _SCALARS and column.mode == "REPEATED":
                yield Diagnostic(value.where, f"`{key}` gets a single value (`{value.text}`), but column "
                                 f"`{column.name}` of {_table(site)} is REPEATED: pass a list",
                                 _column_note(site, column) + _bound(value), inputs=_schema_file(site))


@rule("PF405", "dict-for-string-column", Severity.ERROR)
@_unique
def dict_for_string_column(project):
    """A dict written to a STRING column.

    ## What it does
    Reports a dict (literal, or a name bound to one) written to a column of type STRING.

    ## Why is this bad?
    BigQuery rejects an object for a STRING field ("This field: x is not a record"); the
    intent is usually to store the object's JSON text.

    ## Example
    ```sql schemas/events.sql
    CREATE TABLE analytics.events (event_id STRING, context STRING);
    ```
    ```python app/main.py
    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id, user):
        row = {"event_id": event_id, "context": {"user": user}}
        client.insert_rows_json("analytics.events", [row])
    ```

    ## Fix
    Store the JSON text (or make the column JSON).
    ```python app/main.py
    import json

    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id, user):
        row = {"event_id": event_id, "context": json.dumps({"user": user})}
        client.insert_rows_json("analytics.events", [row])
    ```
    """
    for site in _sites(project):
        for entry, column, key in _entries(site):
            if column is not None and column.type == "STRING" and column.mode != "REPEATED" and entry.value.kind == "dict":
                yield Diagnostic(entry.value.where, f"`{key}` gets a dict (`{entry.value.text}`), but column "
                                 f"`{column.name}` of {_table(site)} is STRING; store json.dumps(...) of it, or make "
                                 f"the column JSON", _column_note(site, column) + _bound(entry.value),
                                 inputs=_schema_file(site))


@rule("PF406", "json-dumps-without-default", Severity.INFO)
def json_dumps_without_default(project):
    """`json.dumps` without `default=` on a value that may hold Decimal or datetime values.

    ## What it does
    Reports `json.dumps(x)` with neither `default=` nor `cls=` where `x` holds a `date`,
    `datetime`, `time`, `Decimal`, `bytes` or set value, or a query result row (or its fields),
    whose NUMERIC and DATE columns come back as `Decimal` and `date`.

    ## Why is this bad?
    `json.dumps` raises `TypeError: Object of type Decimal is not JSON serializable` on the
    first such value, at run time.

    ## Example
    ```python app/report.py
    import json

    from google.cloud import bigquery

    client = bigquery.Client()


    def export(sql):
        rows = client.query(sql).result()
        return [json.dumps(dict(row)) for row in rows]
    ```

    ## Fix
    Say how to encode what json does not know.
    ```python app/report.py
    import json

    from google.cloud import bigquery

    client = bigquery.Client()


    def export(sql):
        rows = client.query(sql).result()
        return [json.dumps(dict(row), default=str) for row in rows]
    ```
    """
    for item in project.facts(JsonDumps):
        certainty = "will" if item.certain else "may"
        yield Diagnostic(item.where, f"json.dumps(`{item.text}`) has no default=: {item.why}, so it {certainty} raise "
                         "TypeError (not JSON serializable); pass default=str or convert the values first")


@rule("PF407", "write-table-unresolved", Severity.INFO)
def write_table_unresolved(project):
    """A BigQuery write whose table or schema the tool could not find (checked without a schema).

    ## What it does
    Reports a write site (a call of `insert_rows_json`, `insert_rows`, `load_table_from_json`
    or a wrapper) whose table id cannot be resolved statically, or whose table has no schema in
    the repository, and says why. Such a site is still checked for values json cannot encode
    (PF402), but not for columns (PF401, PF403 to PF405).

    ## Why is this bad?
    It is information, not a defect: it tells you which writes the column checks cover. Set
    `[bigquery] default-project` / `default-dataset`, keep the table's DDL or JSON schema in the
    repository, or build the table id from module constants to bring the site in.

    ## Example
    ```python app/main.py
    import os

    from google.cloud import bigquery

    client = bigquery.Client()


    def record(event_id):
        client.insert_rows_json(os.environ["TABLE"], [{"event_id": event_id}])
    ```

    ## Fix
    Build the id from constants and keep the schema in the repository.
    ```python app/main.py
    from google.cloud import bigquery

    client = bigquery.Client()
    TABLE = "analytics.events"


    def record(event_id):
        client.insert_rows_json(TABLE, [{"event_id": event_id}])
    ```
    ```sql schemas/events.sql
    CREATE TABLE analytics.events (event_id STRING);
    ```
    """
    by_call: dict[Location, list[Site]] = {}
    for site in _sites(project):
        by_call.setdefault(site.call.location, []).append(site)
    for where, sites in by_call.items():
        blind = [s for s in sites if s.columns is None]
        if not blind:
            continue
        site = blind[0]
        if site.for_class:  # one finding for the subclasses whose table is not found
            reasons = "; ".join(f"for {s.for_class}, {_blind_reason(s)}" for s in blind)
            yield Diagnostic(where, f"this {site.api} write{_via(site)} runs for each subclass; {reasons}: "
                             f"{'their' if len(blind) > 1 else 'its'} rows are checked without a schema")
        elif site.table is None:
            yield Diagnostic(where, f"the table of this {site.api} write{_via(site)} is not known statically "
                             f"({site.table_why}); its rows are checked without a schema")
        else:
            yield Diagnostic(where, f"{site.schema_why}; this {site.api} write{_via(site)} is checked without a schema")


@rule("PF408", "table-schemas-disagree", Severity.INFO)
def table_schemas_disagree(project):
    """Two declarations of one table with different columns (code and DDL, say): the one in the writing file is used.

    ## What it does
    A table's columns can be declared in a DDL file, a JSON schema file, or in code
    (`bigquery.Table(table_id, schema=[SchemaField(...), ...])`, as a script that creates its own
    table with `create_table(..., exists_ok=True)` does). When declarations of a table that is
    written to name different columns, a write in the file of one of them is checked against
    that one, and this notice says so once, at that declaration, with the columns on which they
    differ. Writes elsewhere are not checked against either (PF407 says so).

    ## Why is this bad?
    One of them is stale. `exists_ok=True` does not change a table that exists: if the DDL's table
    was created first, the code's rows do not match it and BigQuery rejects them; if the code's
    was, the DDL no longer describes the table and whoever reads it is misled.

    ## Example
    ```sql schemas/splits.sql
    CREATE TABLE IF NOT EXISTS `p.ds.splits` (season_year INT64, k_per_9 FLOAT64);
    ```
    ```python scripts/backfill.py
    from google.cloud import bigquery


    def main():
        client = bigquery.Client()
        table_id = "p.ds.splits"
        schema = [bigquery.SchemaField("season", "INT64"), bigquery.SchemaField("home_k_per_9", "FLOAT64")]
        client.create_table(bigquery.Table(table_id, schema=schema), exists_ok=True)
        client.insert_rows_json(table_id, [{"season": 2025, "home_k_per_9": 9.1}])
    ```

    ## Fix
    Keep one declaration of the table, the one that matches the live table.
    ```sql schemas/splits.sql
    CREATE TABLE IF NOT EXISTS `p.ds.splits` (season INT64, home_k_per_9 FLOAT64);
    ```
    ```python scripts/backfill.py
    from google.cloud import bigquery


    def main():
        client = bigquery.Client()
        table_id = "p.ds.splits"
        client.insert_rows_json(table_id, [{"season": 2025, "home_k_per_9": 9.1}])
    ```
    """
    for item in sorted(project.memo(analyse).disagreements, key=lambda d: (d.chosen.where, d.table)):
        chosen = {c.name.lower(): c.name for c in item.chosen.columns}
        others = {c.name.lower(): c.name for other in item.others for c in other.columns}
        here = [name for key, name in chosen.items() if key not in others]
        there = [name for key, name in others.items() if key not in chosen]
        where = ", ".join(other.where for other in item.others)
        yield Diagnostic(item.chosen.location, f"`{item.table}` is declared here and in {where} with different columns "
                         f"(only here: {_names(here)}; only there: {_names(there)}); the writes in this file are "
                         f"checked against this one",
                         tuple(Related(other.location, f"another declaration of `{item.table}`") for other in item.others),
                         inputs=tuple(other.location.path for other in item.others))


def _names(names: list[str], most: int = 4) -> str:
    if not names:
        return "none"
    shown = ", ".join(f"`{n}`" for n in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _blind_reason(site: Site) -> str:
    if site.table is None:
        return f"the table is not known statically ({site.table_why})"
    return site.schema_why


RULES = (schema_unparsable, json_column_wrong_form, row_value_not_serializable, row_key_not_a_column,
         repeated_mismatch, dict_for_string_column, json_dumps_without_default, write_table_unresolved,
         table_schemas_disagree)
