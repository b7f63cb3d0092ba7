"""BigQuery DDL and JSON schema files in, BqSchema facts (and PF400 problems) out."""

from gcp_preflight.model import Diagnostic, Location
from gcp_preflight.validators.base import Problem, SourceText
from gcp_preflight.validators.bigquery.schema import BigQuerySchemaValidator, BqColumn, BqSchema


def read(path, text):
    return list(BigQuerySchemaValidator().read(SourceText(path, text)))


def test_ddl_create_alter_and_types():
    text = (
        "-- events; one row per phase\n"
        "CREATE OR REPLACE TABLE `p.ds.events` (\n"
        "  id STRING NOT NULL,\n"
        "  metadata JSON OPTIONS(description = 'a;b'),\n"
        "  tags ARRAY<STRING>,\n"
        "  stats STRUCT<pts INT64, games ARRAY<STRUCT<day DATE, amount NUMERIC(10, 2)>>>,\n"
        "  at DATETIME, ts TIMESTAMP, raw BYTES, big BIGNUMERIC, ok BOOL, f FLOAT64, g GEOGRAPHY\n"
        ")\n"
        "PARTITION BY DATE(ts)\n"
        "CLUSTER BY id\n"
        "OPTIONS (description = 'x');\n"
        "SELECT 1;\n"
        "ALTER TABLE ds.events ADD COLUMN IF NOT EXISTS source STRING, ADD COLUMN n INT64;\n"
    )
    games = BqColumn("games", "RECORD", "REPEATED",
                     (BqColumn("day", "DATE", "NULLABLE", (), 6), BqColumn("amount", "NUMERIC", "NULLABLE", (), 6)), 6)
    assert read("schemas/events.sql", text) == [
        BqSchema("schemas/events.sql", 2, "p.ds.events", (
            BqColumn("id", "STRING", "REQUIRED", (), 3),
            BqColumn("metadata", "JSON", "NULLABLE", (), 4),
            BqColumn("tags", "STRING", "REPEATED", (), 5),
            BqColumn("stats", "RECORD", "NULLABLE", (BqColumn("pts", "INTEGER", "NULLABLE", (), 6), games), 6),
            BqColumn("at", "DATETIME", "NULLABLE", (), 7),
            BqColumn("ts", "TIMESTAMP", "NULLABLE", (), 7),
            BqColumn("raw", "BYTES", "NULLABLE", (), 7),
            BqColumn("big", "BIGNUMERIC", "NULLABLE", (), 7),
            BqColumn("ok", "BOOLEAN", "NULLABLE", (), 7),
            BqColumn("f", "FLOAT", "NULLABLE", (), 7),
            BqColumn("g", "GEOGRAPHY", "NULLABLE", (), 7),
        ), "ddl"),
        BqSchema("schemas/events.sql", 13, "ds.events", (
            BqColumn("source", "STRING", "NULLABLE", (), 13),
            BqColumn("n", "INTEGER", "NULLABLE", (), 13),
        ), "alter"),
    ]


def test_bad_ddl_is_a_problem_at_its_line_and_the_rest_is_read():
    text = "CREATE TABLE a (\n  x STRNG\n);\nCREATE TABLE b (y STRING);\nCREATE VIEW v AS SELECT FROM;\n"
    assert read("s.sql", text) == [
        Problem("PF400", Diagnostic(Location("s.sql", 2, 5), "cannot parse this table DDL near 'STRNG': Expecting )")),
        BqSchema("s.sql", 4, "b", (BqColumn("y", "STRING", "NULLABLE", (), 4),), "ddl"),
    ]


def test_unterminated_string():
    assert read("s.sql", "SELECT 1;\nCREATE TABLE a (x STRING OPTIONS(description='oops));\n") == [
        Problem("PF400", Diagnostic(Location("s.sql", 2, 1),
                                    "cannot read this SQL file: a string or comment is not terminated")),
    ]


def test_json_schema_file():
    text = ('[\n  {"name": "id", "type": "STRING", "mode": "REQUIRED"},\n'
            '  {"name": "players", "type": "RECORD", "mode": "REPEATED",\n'
            '   "fields": [{"name": "name", "type": "STRING"}, {"name": "pts", "type": "INT64"}]},\n'
            '  {"name": "bad", "type": "TEXT"}\n]\n')
    assert read("schemas/nba/games.json", text) == [
        Problem("PF400", Diagnostic(Location("schemas/nba/games.json", 5, 1), "field 'bad' has unknown type 'TEXT'")),
        BqSchema("schemas/nba/games.json", 1, "games", (
            BqColumn("id", "STRING", "REQUIRED", (), 2),
            BqColumn("players", "RECORD", "REPEATED",
                     (BqColumn("name", "STRING", "NULLABLE", (), 4), BqColumn("pts", "INTEGER", "NULLABLE", (), 4)), 3),
            BqColumn("bad", "TEXT", "NULLABLE", (), 5),
        ), "json"),
    ]


def test_which_json_files_are_read():
    validator = BigQuerySchemaValidator()
    assert validator.wants("schemas/a.json", "[\n") and validator.wants("x.sql", "")
    assert not validator.wants("package.json", "{\n")
    assert read("data/list.json", '[1, 2, 3]') == []
    assert read("data/rows.json", '[{"name": "x"}]') == []  # no "type": not a schema
    # flowtom/aicp-to-bigquery: name and type, but JSON Schema's keys (items, properties): it
    # describes JSON documents, not a table
    assert read("models/schemas/budget_list_schema.json",
                '[{"name": "id", "type": "string"},\n {"name": "items", "type": "array",\n'
                '  "items": {"type": "object", "properties": {"id": {"type": "string"}}}}]') == []
    assert read("data/broken.json", '[1, 2') == []
    assert read("schemas/broken.json", '[1, 2') == [
        Problem("PF400", Diagnostic(Location("schemas/broken.json", 1, 6), "invalid JSON: Expecting ',' delimiter")),
    ]


def test_create_table_as_select_with_options_before_as_is_understood():
    # Corpus false pattern (nba fix_duplicate_predictions.sql): PARTITION BY, CLUSTER BY and
    # OPTIONS (...) come before the AS of a CREATE TABLE ... AS SELECT; it declares no columns.
    text = ("CREATE OR REPLACE TABLE `p.ds.deduped`\nPARTITION BY game_date\nCLUSTER BY player_lookup\n"
            "OPTIONS (\n  require_partition_filter=TRUE\n)\nAS\nSELECT * EXCEPT(row_num) FROM (SELECT *, 1 AS row_num FROM "
            "`p.ds.grades`)\nWHERE row_num = 1;\n")
    assert read("s.sql", text) == []


def test_clustering_with_a_sort_order_is_not_bigquery_ddl():
    # Corpus (nba schemas/bigquery/predictions/*.sql): `CLUSTER BY a, b DESC`; BigQuery's clustering
    # column list takes column names only, so the statement fails and its columns are unknown.
    assert read("s.sql", "CREATE TABLE IF NOT EXISTS `p.ds.t` (\n  a STRING,\n  b DATE\n)\nCLUSTER BY a, b DESC;\n") == [
        Problem("PF400", Diagnostic(Location("s.sql", 5, 1), "CLUSTER BY takes column names only, not a sort order "
                                    "(DESC): BigQuery rejects this statement, so its columns are not checked")),
    ]


def test_ddl_bigquery_accepts_that_sqlglot_reads_as_a_command():
    # triage of stop 28: ALTER COLUMN ... SET OPTIONS declares no column; a BigLake Iceberg table's
    # WITH CONNECTION clause names where its data lives, and its columns are read
    text = ("CREATE TABLE IF NOT EXISTS `p.a.events` (\n  event_id STRING NOT NULL\n);\n\n"
            "ALTER TABLE `p.a.events`\n  ALTER COLUMN event_id SET OPTIONS (description = 'the id');\n"
            "ALTER TABLE `p.a.events` SET OPTIONS (description = 'events');\n"
            "CREATE TABLE a.ice (\n  id STRING,\n  n INT64\n)\nWITH CONNECTION `p.us.lake`\n"
            "OPTIONS (file_format = 'PARQUET', table_format = 'ICEBERG', storage_uri = 'gs://b/ice');\n")
    assert read("sql/events.sql", text) == [
        BqSchema("sql/events.sql", 1, "p.a.events", (BqColumn("event_id", "STRING", "REQUIRED", (), 2),), "ddl"),
        BqSchema("sql/events.sql", 8, "a.ice", (BqColumn("id", "STRING", "NULLABLE", (), 9),
                                                BqColumn("n", "INTEGER", "NULLABLE", (), 10)), "ddl"),
    ]
    # an ALTER TABLE that adds columns in a form sqlglot does not read is still said
    assert [p.diagnostic.location.line for p in read("sql/alter.sql", "ALTER TABLE `p.a.events` ADD COLUMN c STRING, "
                                                     "ALTER COLUMN event_id SET OPTIONS (description = 'x');\n")] == [1]


def test_another_databases_ddl_is_not_read():
    # 1xves/gcp-data-platform: a PostgreSQL (Supabase) migration beside the BigQuery code
    text = ("-- applied with psql\nCREATE TABLE IF NOT EXISTS public.users (\n"
            "  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),\n  n SERIAL,\n  email TEXT NOT NULL\n);\n"
            "ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;\n")
    assert read("database/migrations/001_users.sql", text) == []
    assert read("db/mysql.sql", "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;\n") == []
    # waqar-ahmed-malik/GCP-ETL: SQL Server's temporary tables
    assert read("ams/sql/ledger.sql", "SET NOCOUNT ON;\nCREATE TABLE #items (\n  id INT IDENTITY(1, 1),\n"
                                      "  amount MONEY NOT NULL\n);\n") == []
    # a BigQuery file that names them in a comment, or holds an index statement BigQuery would
    # refuse beside its table (nba-stats-scraper), is still read
    text = ("-- not a SERIAL: ids come from the scraper\nCREATE TABLE d.runs (\n  id STRING\n);\n"
            "-- Create index for staleness queries\nCREATE INDEX IF NOT EXISTS idx_runs ON d.runs(id);\n")
    assert read("schemas/runs.sql", text) == [BqSchema("schemas/runs.sql", 2, "d.runs",
                                                       (BqColumn("id", "STRING", "NULLABLE", (), 3),), "ddl")]


def test_a_parse_error_names_the_token_by_its_text():
    assert read("a.sql", "CREATE TABLE (\n  id INT64\n);\n") == [
        Problem("PF400", Diagnostic(Location("a.sql", 1, 14), "cannot parse this table DDL near '(': "
                                                               "Expected table name but got '('")),
    ]


def test_spanner_hive_and_jinja_sql_are_not_bigquery():
    # professional-services (Spanner, Hive test DDL), gps_building_blocks and bigquery-etl
    # (Jinja templates rendered before they run): none of their tables is BigQuery's
    spanner = ("CREATE TABLE Singers (\n  SingerId INT64 NOT NULL\n) PRIMARY KEY (SingerId);\n"
               "CREATE TABLE Albums (\n  SingerId INT64 NOT NULL\n) PRIMARY KEY (SingerId),\n"
               "  INTERLEAVE IN PARENT Singers ON DELETE CASCADE;\n")
    hive = "USE DEFAULT;\nCREATE TABLE IF NOT EXISTS events (id INT, tags MAP<STRING,INT>) STORED AS ORC;\n"
    jinja = ("CREATE TEMP TABLE Features AS (\n  SELECT *, {% for c in cols %} MAX({{ c }}) AS m_{{ c }}, {% endfor %}\n"
             "  FROM `{{ source_table }}`\n);\nCREATE OR REPLACE TABLE `{{ output_table }}` (id STRING);\n")
    assert [read("db/spanner.sql", spanner), read("hive/t.sql", hive), read("templates/f.sql", jinja)] == [[], [], []]


def test_a_list_of_names_and_types_none_of_them_bigquery_is_no_schema():
    # professional-services: Cloud DNS record sets in a test's data folder
    records = '[{"name": "www.example.com.", "type": "A", "ttl": 300}, {"name": "example.com.", "type": "MX"}]'
    assert read("tests/data/dns-records.json", records) == []
    # one BigQuery type is enough to read the list as a schema, and report the others
    assert [p.diagnostic.message for p in read("schemas/a.json", '[{"name": "id", "type": "STRING"},\n'
                                                                 ' {"name": "bad", "type": "TEXT"}]')
            if isinstance(p, Problem)] == ["field 'bad' has unknown type 'TEXT'"]
