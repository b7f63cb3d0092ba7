"""Python source in, BigQuery write facts out (the extractor wired up in validators/__init__.py)."""

import ast
import textwrap

from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.bigquery.facts import (
    Arg, BqCall, BqFunction, BqModule, BqTableDecl, Entry, JobConfig, JsonDumps, Piece, Row, Rows, Value,
)
from gcp_preflight.validators.bigquery.python import extract
from gcp_preflight.validators.bigquery.schema import BqColumn


def facts(text, path="app/writer.py"):
    text = textwrap.dedent(text).lstrip("\n")
    return list(extract(ast.parse(text), SourceText(path, text)))


def loc(line, col, end_line, end_col, path="app/writer.py"):
    return Location(path, line, col, end_line, end_col)


def test_wrapper_rows_in_loop_and_module_facts():
    assert facts("""
        from google.cloud import bigquery
        from .config import DATASET

        TABLE = f"{DATASET}.events"
        SCHEMA = [bigquery.SchemaField("id", "STRING", mode="REQUIRED")]


        def write(rows, table=TABLE, job_config=None):
            client.load_table_from_json(rows, table, job_config=job_config)


        def build(items):
            out = []
            for item in items:
                row = {"id": item}
                row["n"] = 1
                out.append(row)
            write(out)
        """) == [
        BqModule("app/writer.py", "app.writer", (("TABLE", (Piece("name", "DATASET"), Piece("lit", ".events"))),),
                 (("bigquery", "google.cloud", "bigquery"), ("DATASET", "app.config", "DATASET")),
                 (("SCHEMA", (BqColumn("id", "STRING", "REQUIRED", (), 5),)),), True, False, 1),
        BqFunction("app/writer.py", "write", ("rows", "table", "job_config"),
                   (("table", (Piece("name", "TABLE"),)), ("job_config", (Piece("none", ""),))), 8),
        BqCall("app/writer.py", "write", "client.load_table_from_json", loc(9, 5, 9, 68), (
            Arg(0, "", (Piece("param", "rows"),), param="rows"),
            Arg(1, "", (Piece("param", "table"),), param="table"),
            Arg(-1, "job_config", (Piece("param", "job_config"),), param="job_config"),
        )),
        BqFunction("app/writer.py", "build", ("items",), (), 12),
        BqCall("app/writer.py", "build", "write", loc(18, 5, 18, 15), (
            Arg(0, "", rows=Rows((Row(loc(15, 15, 15, 27), (
                Entry("id", Value("unknown", loc(15, 22, 15, 26), "item")),
                Entry("n", Value("num", loc(16, 20, 16, 21), "1")),
            )),))),
        )),
    ]


def test_value_kinds_query_rows_and_dumps():
    found = facts("""
        import datetime as dt
        import json
        from decimal import Decimal


        class Writer:
            def save(self, sql, payload):
                when = dt.datetime.now(dt.timezone.utc)
                for r in self.client.query_and_wait(sql):
                    self.client.insert_rows_json("ds.t", [{
                        "a": when, "b": when.isoformat(), "c": r["c"], "d": Decimal(1) + 1,
                        "e": json.dumps(payload), "f": {1, 2}, "g": b"x", "h": dict(r), "i": None,
                    }])
                return json.dumps(dict(r))
        """)
    call = next(f for f in found if isinstance(f, BqCall) and f.callee.endswith("insert_rows_json"))
    [row] = call.args[1].rows.rows
    assert [(e.key, e.value.kind, e.value.source) for e in row.entries] == [
        ("a", "datetime", "dt.datetime.now(dt.timezone.utc)"), ("b", "converted", ""),
        ("c", "query-field", "a query result row"), ("d", "decimal", "Decimal(1) + 1"), ("e", "dumps", ""),
        ("f", "set", "a set"), ("g", "bytes", "a bytes literal"), ("h", "dict", "a query result row"),
        ("i", "none", ""),
    ]
    assert row.entries[0].value.origin == loc(8, 16, 8, 48)
    assert call.function == "Writer.save" and call.args[0].text == (Piece("lit", "ds.t"),)
    assert [f for f in found if isinstance(f, JsonDumps)] == [
        JsonDumps(loc(14, 16, 14, 35), "dict(r)", False,
                  "it holds a query result row (NUMERIC comes back as Decimal, DATE as date)"),
    ]
    assert [f for f in found if isinstance(f, BqFunction)] == [
        BqFunction("app/writer.py", "Writer.save", ("self", "sql", "payload"), (), 7, True),
    ]


def test_table_declared_with_python_schema_and_load_job():
    found = facts("""
        from google.cloud import bigquery

        client.create_table(bigquery.Table("p.ds.t", schema=[
            bigquery.SchemaField("id", "INT64"),
            bigquery.SchemaField("tags", "STRING", mode="REPEATED"),
        ]))


        def load(rows):
            config = bigquery.LoadJobConfig(autodetect=True, ignore_unknown_values=True)
            client.load_table_from_json([{"id": 1}], "ds.t", job_config=config)
        """)
    assert [f for f in found if isinstance(f, BqTableDecl)] == [
        BqTableDecl("app/writer.py", loc(3, 21, 6, 3), (Piece("lit", "p.ds.t"),),
                    (BqColumn("id", "INTEGER", "NULLABLE", (), 4), BqColumn("tags", "STRING", "REPEATED", (), 5))),
    ]
    call = next(f for f in found if isinstance(f, BqCall))
    assert call.args[2] == Arg(-1, "job_config", job=JobConfig("autodetect", ignore_unknown=True))


def test_class_facts_keep_self_pieces_and_reasons():
    from gcp_preflight.validators.bigquery.facts import BqAttr, BqClass
    found = [f for f in facts("""
        import os


        class Base(shared.Root):
            dataset_id = "raw"

            def __init__(self, project_id=None):
                self.project_id = project_id or os.environ.get("P")

            @property
            def table_id(self):
                return f"{self.project_id}.{self.dataset_id}.t"
        """) if isinstance(f, BqClass)]
    assert found == [BqClass("app/writer.py", "Base", 4, ("shared.Root",), (
        BqAttr("dataset_id", "class", 5, "str", (Piece("lit", "raw"),), "", '"raw"'),
        BqAttr("__init__", "method", 7, "unknown", None, "`Base.__init__()` has no return statements"),
        BqAttr("table_id", "property", 11, "str", (Piece("attr", "project_id"), Piece("lit", "."),
                                                   Piece("attr", "dataset_id"), Piece("lit", ".t")),
               "", 'f"{self.project_id}.{self.dataset_id}.t"'),
        BqAttr("project_id", "instance", 8, "unknown", None,
               '`Base.__init__()` sets it to `project_id or os.environ.get("P")`, known only at run time',
               'project_id or os.environ.get("P")'),
    ))]
