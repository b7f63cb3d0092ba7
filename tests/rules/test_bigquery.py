"""PF400-PF407: BigQuery writes checked against the table's schema, at the exact line."""

from gcp_preflight.cli import main
from tests.helpers import assert_marks, found, run, write_repo

DDL = """
CREATE TABLE IF NOT EXISTS `nba-props.nba_orchestration.pipeline_events` (
  event_id STRING NOT NULL,
  event_type STRING,
  metadata JSON,
  tags ARRAY<STRING>,
  stats STRUCT<points INT64, game_date DATE>,
  amount NUMERIC,
  created_at TIMESTAMP
)
PARTITION BY DATE(created_at)
OPTIONS (description = "events; one per phase");
ALTER TABLE `nba-props.nba_orchestration.pipeline_events` ADD COLUMN IF NOT EXISTS source STRING;
"""

# The seed's case: a row dict with "metadata": metadata passed to a wrapper of a wrapper of
# insert_rows_json, the table id an f-string over constants imported from a config module.
SEED = {
    "schemas/bigquery/nba_orchestration/pipeline_events.sql": DDL,
    "shared/config/settings.py": 'PROJECT_ID = "nba-props"\nDATASET = "nba_orchestration"\n',
    "shared/utils/bigquery_utils.py": """
        \"\"\"BigQuery helpers.\"\"\"
        from google.cloud import bigquery

        _client = bigquery.Client()


        def insert_bigquery_rows(table_id, rows):
            errors = _client.insert_rows_json(table_id, rows)
            return not errors
        """,
    "shared/utils/events.py": """
        from shared.utils import bigquery_utils


        def log_event(rows, table=None):
            return bigquery_utils.insert_bigquery_rows(table, rows)
        """,
    "orchestration/main.py": """
        \"\"\"Phase transition.\"\"\"
        from shared.config.settings import DATASET, PROJECT_ID
        from shared.utils.events import log_event

        TABLE = "pipeline_events"


        def record(event_id, processors):
            metadata = {"processors": processors, "count": len(processors)}
            row = {
                "event_id": event_id,
                "metadata": metadata,  # expect: PF401
            }
            log_event([row], table=f"{PROJECT_ID}.{DATASET}.{TABLE}")
        """,
}


def test_seed_case_through_two_wrappers(tmp_path):
    write_repo(tmp_path, SEED)
    assert_marks(tmp_path, select=("PF4",))
    [finding] = run(tmp_path, select=("PF401",))
    assert finding.message == (
        "`metadata` is a JSON column of `nba-props.nba_orchestration.pipeline_events`: insert_rows_json "
        "(through log_event() -> insert_bigquery_rows()) needs a JSON string there, but gets a dict "
        "(`metadata`); wrap it in json.dumps(...)")
    assert [(r.location.path, r.location.line, r.message) for r in finding.related] == [
        ("schemas/bigquery/nba_orchestration/pipeline_events.sql", 4, "`metadata` is declared JSON here"),
        ("orchestration/main.py", 9, "`metadata` is bound here"),
    ]
    assert (finding.location.column, finding.location.end_column) == (21, 29)


def test_fix_wraps_value_and_adds_import(tmp_path, capsys):
    write_repo(tmp_path, SEED)
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--fix", "--select", "PF4"]) == 0
    assert "Fixed 1." in capsys.readouterr().out
    assert (tmp_path / "orchestration/main.py").read_text().splitlines()[:13] == [
        '"""Phase transition."""',
        "import json",
        "from shared.config.settings import DATASET, PROJECT_ID",
        "from shared.utils.events import log_event",
        "",
        'TABLE = "pipeline_events"',
        "",
        "",
        "def record(event_id, processors):",
        '    metadata = {"processors": processors, "count": len(processors)}',
        "    row = {",
        '        "event_id": event_id,',
        '        "metadata": json.dumps(metadata),  # expect: PF401',
    ]
    assert found(tmp_path, select=("PF4",)) == []


ROWS = {
    "schemas/events.sql": DDL,
    "app/writer.py": """
        import json
        from datetime import date, datetime
        from decimal import Decimal

        from google.cloud import bigquery

        PROJECT = "nba-props"
        TABLE = f"{PROJECT}.nba_orchestration.pipeline_events"
        client = bigquery.Client()


        def literal_in_call(event_id):
            client.insert_rows_json(TABLE, [{"event_id": event_id, "metadata": {"a": 1}}])  # expect: PF401


        def bound_names(event_id, points):
            stats = {"points": points, "game_date": date.today()}  # expect: PF402
            when = datetime.now()
            row = {"event_id": event_id, "stats": stats, "created_at": when}  # expect: PF402
            row["amount"] = Decimal("1.5")  # expect: PF402
            row["tags"] = "final"  # expect: PF404
            row.update({"event_type": {"kind": "x"}}, source=["a"])  # expect: PF405, PF404
            row["evnt_type"] = "typo"  # expect: PF403
            rows = [row]
            client.insert_rows_json(TABLE, rows)


        def comprehension(items):
            rows = [{"event_id": i.id, "metadata": json.dumps(i.meta), "tags": list(i.tags)} for i in items]
            client.insert_rows_json(TABLE, rows)


        def appended(items):
            rows = []
            for item in items:
                row = {"event_id": item.id, "stats": {"pointz": 1}}  # expect: PF403
                row.setdefault("metadata", [1, 2])  # expect: PF401
                rows.append(row)
            client.insert_rows_json(TABLE, rows)


        def converted(event_id):
            rows = [{"event_id": event_id, "created_at": datetime.now().isoformat(), "amount": str(Decimal(1))}]
            client.insert_rows_json(TABLE, rows, ignore_unknown_values=True)
        """,
}


def test_rows_built_each_way(tmp_path):
    write_repo(tmp_path, ROWS)
    assert_marks(tmp_path, select=("PF4",))


def test_messages_name_column_and_suggestion(tmp_path):
    write_repo(tmp_path, ROWS)
    messages = {(f.code, f.location.line): f.message for f in run(tmp_path, select=("PF4",))}
    assert messages[("PF403", 23)] == (
        "`evnt_type` is not a column of `nba-props.nba_orchestration.pipeline_events`; did you mean `event_type`?")
    assert messages[("PF403", 36)] == (
        "`stats.pointz` is not a column of RECORD `stats` of `nba-props.nba_orchestration.pipeline_events`; "
        "did you mean `stats.points`?")
    assert messages[("PF402", 20)] == (
        "`amount` holds a Decimal (`Decimal(\"1.5\")`), which insert_rows_json cannot serialise to JSON "
        "(\"Object of type Decimal is not JSON serializable\"); pass str(value) (exact) or float(value)")
    assert messages[("PF404", 21)] == (
        "`tags` gets a single value (`\"final\"`), but column `tags` of "
        "`nba-props.nba_orchestration.pipeline_events` is REPEATED: pass a list")


JSON_SCHEMA = """[
  {"name": "game_id", "type": "STRING", "mode": "REQUIRED"},
  {"name": "game_date", "type": "DATE"},
  {"name": "points", "type": "NUMERIC"},
  {"name": "note", "type": "STRING"},
  {"name": "players", "type": "RECORD", "mode": "REPEATED", "fields": [{"name": "name", "type": "STRING"}]}
]
"""


def test_query_rows_against_json_schema(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": '[bigquery]\ndefault-dataset = "nba"\n',
        "schemas/bigquery/nba/daily_games.json": JSON_SCHEMA,
        "app/daily.py": """
            from google.cloud import bigquery

            client = bigquery.Client()


            def copy_games(sql):
                out = []
                for r in client.query(sql).result():
                    out.append({
                        "game_id": r["game_id"],
                        "game_date": r["game_date"],  # expect: PF402
                        "points": r.points,  # expect: PF402
                        "note": r.get("note"),
                        "players": r["players"],
                    })
                client.load_table_from_json(out, "daily_games")
            """,
    })
    assert_marks(tmp_path, select=("PF4",))
    [first, _] = run(tmp_path, select=("PF402",))
    assert first.message == (
        "`game_date` copies `r[\"game_date\"]` from a query result row into DATE column `game_date`: the client "
        "returns such values as date, which load_table_from_json cannot serialise to JSON; call .isoformat()")


LOADS = {
    "schemas/events.sql": "CREATE TABLE analytics.events (event_id STRING, metadata JSON);\n",
    "app/load.py": """
        import json

        from google.cloud import bigquery

        client = bigquery.Client()
        SCHEMA = [bigquery.SchemaField("event_id", "STRING"), bigquery.SchemaField("metadata", "JSON")]


        def with_schema(event_id, meta):
            config = bigquery.LoadJobConfig(schema=SCHEMA)
            rows = [{"event_id": event_id, "metadata": json.dumps(meta)}]  # expect: PF401
            client.load_table_from_json(rows, "analytics.events", job_config=config)


        def with_raw_object(event_id, meta):
            config = bigquery.LoadJobConfig()
            config.schema = SCHEMA
            client.load_table_from_json([{"event_id": event_id, "metadata": meta}], "analytics.events",
                                        job_config=config)


        def autodetected(event_id, meta):
            rows = [{"event_id": event_id, "metadata": json.dumps(meta)}]  # expect: PF401
            client.load_table_from_json(rows, "analytics.events")


        def schema_aware(event_id, meta):
            client.insert_rows("analytics.events", [{"event_id": event_id, "metadata": json.dumps(meta)}])  # expect: PF401


        def streaming_done_right(event_id, meta):
            client.insert_rows_json("analytics.events", [{"event_id": event_id, "metadata": json.dumps(meta)}])
        """,
}


def test_json_column_per_api(tmp_path):
    write_repo(tmp_path, LOADS)
    assert_marks(tmp_path, select=("PF4",))
    fixable = {f.location.line: bool(f.fix) for f in run(tmp_path, select=("PF401",))}
    assert fixable == {11: True, 23: False, 28: True}


def test_unwrap_fix(tmp_path):
    write_repo(tmp_path, LOADS)
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--fix", "--select", "PF401", "--exit-zero"]) == 0
    lines = (tmp_path / "app/load.py").read_text().splitlines()
    assert lines[10] == '    rows = [{"event_id": event_id, "metadata": meta}]  # expect: PF401'
    assert lines[22] == '    rows = [{"event_id": event_id, "metadata": json.dumps(meta)}]  # expect: PF401'
    assert found(tmp_path, select=("PF401",)) == [("PF401", "app/load.py:23")]


def test_unresolved_table_is_checked_without_schema_and_says_so(tmp_path):
    write_repo(tmp_path, {
        "schemas/events.sql": "CREATE TABLE analytics.events (event_id STRING, metadata JSON);\n",
        "app/main.py": """
            import os
            from datetime import datetime

            from google.cloud import bigquery

            client = bigquery.Client()


            def record(event_id):
                client.insert_rows_json(os.environ["TABLE"], [{"event_id": event_id, "metadata": {}, "at": datetime.now()}])
                client.insert_rows_json("analytics.other", [{"event_id": event_id}])
            """,
    })
    assert found(tmp_path, select=("PF4",)) == [("PF407", "app/main.py:10"), ("PF402", "app/main.py:10"),
                                                ("PF407", "app/main.py:11")]
    messages = [f.message for f in run(tmp_path, select=("PF407",))]
    assert messages == [
        "the table of this insert_rows_json write is not known statically (the table argument is not a string "
        "the tool can follow); its rows are checked without a schema",
        "no schema in the repository declares `analytics.other`; this insert_rows_json write is checked without "
        "a schema",
    ]


def test_other_libraries_insert_rows_is_not_a_sink(tmp_path):
    write_repo(tmp_path, {
        "schemas/events.sql": "CREATE TABLE sheet (a STRING);\n",
        "app/sheet.py": """
            import gspread


            def add(ws):
                ws.insert_rows([{"b": ["x"]}], 1)
            """,
    })
    assert found(tmp_path, select=("PF4",)) == []


def test_configured_sink_and_default_dataset(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """
            [bigquery]
            default-project = "p"
            default-dataset = "analytics"
            sinks = [{function = "vendor.bq.push", api = "insert_rows_json", table = "table", rows = 0}]
            """,
        "schemas/events.sql": "CREATE TABLE `p.analytics.events` (event_id STRING);\n",
        "app/main.py": """
            from vendor.bq import push


            def record(event_id):
                push([{"event_id": event_id, "evt": 1}], table="events")  # expect: PF403
            """,
    })
    assert_marks(tmp_path, select=("PF4",))


def test_dumps_without_default(tmp_path):
    write_repo(tmp_path, {
        "app/report.py": """
            import json
            from datetime import date

            from google.cloud import bigquery

            client = bigquery.Client()


            def export(sql):
                rows = client.query(sql).result()
                first = json.dumps([dict(r) for r in rows])  # expect: PF406
                second = json.dumps({"day": date.today()})  # expect: PF406
                third = json.dumps({"day": date.today()}, default=str)
                return first, second, third, json.dumps({"n": 1})
            """,
    })
    assert_marks(tmp_path, select=("PF4",))
    messages = [f.message for f in run(tmp_path, select=("PF406",))]
    assert messages == [
        "json.dumps(`[dict(r) for r in rows]`) has no default=: it holds a query result row (NUMERIC comes back as "
        "Decimal, DATE as date), so it may raise TypeError (not JSON serializable); pass default=str or convert the "
        "values first",
        "json.dumps(`{\"day\": date.today()}`) has no default=: it holds a date (`date.today()`), so it will raise "
        "TypeError (not JSON serializable); pass default=str or convert the values first",
    ]


def test_encode_is_bytes_only_on_a_str(tmp_path):
    """`codec.encode(v)` is any object's method; only `"text".encode()` or an f-string's is bytes."""
    write_repo(tmp_path, {
        "app/dump.py": """
            import json


            def dump(codec, value, name):
                fine = json.dumps([codec.encode(value)])
                label = f"{name}"
                broken = json.dumps({"raw": "x".encode(), "label": label.encode()})  # expect: PF406
                return fine, broken
            """,
    })
    assert_marks(tmp_path, select=("PF4",))


def test_unreadable_schemas(tmp_path):
    write_repo(tmp_path, {
        "schemas/a.sql": "SELECT 1;\nCREATE TABLE t (\n  a STRNG\n);\n",
        "schemas/b.json": '[{"name": "a", "type": "STRING"},\n {"name": "b", "type": "TEXT"}]\n',
        "schemas/c_schema.json": '[{"name": "a", "type": "STRING"\n',
        "data/rows.json": '[1, 2,\n',
    })
    assert found(tmp_path, select=("PF4",)) == [("PF400", "schemas/a.sql:3"), ("PF400", "schemas/b.json:2"),
                                                ("PF400", "schemas/c_schema.json:2")]


# -- `self.X` table ids: class attributes, inherited properties, subclasses, __init__ ----------

CLASSES = {
    "schemas/raw.sql": """
        CREATE TABLE raw.games (game_id STRING, game_date DATE, tags ARRAY<STRING>, note STRING);
        CREATE TABLE raw.players (player_id STRING, team STRING);
        CREATE TABLE analytics.summary (game_id STRING, points INT64);
        """,
    "shared/utils.py": """
        from google.cloud import bigquery

        client = bigquery.Client()


        def write_rows(table_id, rows):
            return client.insert_rows_json(table_id, rows)
        """,
    "shared/processors/__init__.py": "from .base import Base\n",
    "shared/processors/base.py": """
        import os

        from shared.utils import write_rows


        class Base:
            dataset_id = "raw"
            table_name = ""

            def __init__(self, project_id=None):
                self.project_id = project_id or os.environ.get("GCP_PROJECT", "p")

            @property
            def table_id(self):
                return f"{self.project_id}.{self.dataset_id}.{self.table_name}"
        """,
    "app/games.py": """
        from shared.processors import Base
        from shared.utils import write_rows

        GAMES = "games"


        class Games(Base):
            table_name = GAMES
            tags = "playoffs"

            def process(self, game_id):
                write_rows(self.table_id, [{"game_id": game_id, "gmae_date": "2024-01-01",  # expect: PF403
                                            "tags": self.tags, "note": self.table_name}])  # expect: PF404


        class Summary(Base):
            dataset_id = "analytics"


        class PointsSummary(Summary):
            table_name = "summary"

            def process(self, game_id, points):
                write_rows(self.table_id, [{"game_id": game_id, "points": points, "pts": points}])  # expect: PF403
        """,
}


def test_table_from_class_attribute_and_inherited_property(tmp_path):
    write_repo(tmp_path, CLASSES)
    assert_marks(tmp_path, select=("PF4",))
    messages = {(f.code, f.location.line): f.message for f in run(tmp_path, select=("PF4",))}
    assert messages == {
        ("PF403", 12): "`gmae_date` is not a column of `{self.project_id}.raw.games` (through write_rows()); "
                       "did you mean `game_date`?",
        ("PF404", 13): "`tags` gets a single value (`self.tags`), but column `tags` of `{self.project_id}.raw.games` "
                       "is REPEATED: pass a list",
        ("PF403", 24): "`pts` is not a column of `{self.project_id}.analytics.summary` (through write_rows()); "
                       "did you mean `points`?",
    }
    [pf404] = run(tmp_path, select=("PF404",))
    assert [(r.location.path, r.location.line, r.message) for r in pf404.related] == [
        ("schemas/raw.sql", 1, "`tags` is declared STRING REPEATED here"),
        ("app/games.py", 9, "`self.tags` is bound here"),
    ]


def test_write_in_base_class_method_is_resolved_per_subclass(tmp_path):
    write_repo(tmp_path, {
        **CLASSES,
        "shared/processors/base.py": """
            from datetime import datetime

            from shared.utils import write_rows


            class Base:
                project_id = "p"
                dataset_id = "raw"

                @property
                def table_id(self):
                    return f"{self.project_id}.{self.dataset_id}.{self.table_name}"

                def save(self, game_id):
                    write_rows(self.table_id, [{"game_id": game_id, "when": datetime.now()}])
            """,
        "app/games.py": """
            from shared.processors.base import Base


            class Games(Base):
                table_name = "games"


            class Players(Base):
                table_name = "players"


            class Odds(Base):
                table_name = "odds"


            class OwnSave(Base):
                table_name = "players"

                def save(self, game_id):
                    pass
            """,
    })
    assert [(f.code, f.location.line, f.message) for f in run(tmp_path, select=("PF4",))] == [
        ("PF407", 15, "this insert_rows_json write (through write_rows()) runs for each subclass; for Odds, no schema "
                      "in the repository declares `p.raw.odds`: its rows are checked without a schema"),
        ("PF403", 15, "`game_id` is not a column of the Players table `p.raw.players` (through write_rows()); "
                      "did you mean `player_id`?"),
        ("PF402", 15, "`when` holds a datetime (`datetime.now()`), which insert_rows_json (through write_rows()) "
                      "cannot serialise to JSON (\"Object of type datetime is not JSON serializable\"); call "
                      ".isoformat()"),
        ("PF403", 15, "`when` is not a column of the Games table `p.raw.games` (through write_rows())"),
        ("PF403", 15, "`when` is not a column of the Players table `p.raw.players` (through write_rows())"),
    ]
    related = {f.message: [(r.location.path, r.location.line) for r in f.related] for f in run(tmp_path, select=("PF403",))}
    assert list(related.values()) == [[("schemas/raw.sql", 2)], [("schemas/raw.sql", 1)], [("schemas/raw.sql", 2)]]


def test_method_and_init_attribute_forms(tmp_path):
    write_repo(tmp_path, {
        **CLASSES,
        "app/games.py": """
            from shared.utils import write_rows

            DATASET = "raw"


            class Loader:
                def __init__(self):
                    self.dataset = DATASET

                def table(self):
                    return self.dataset + ".games"

                def run(self, game_id):
                    write_rows(self.table(), [{"game_id": game_id, "points": 1}])  # expect: PF403
            """,
    })
    assert_marks(tmp_path, select=("PF4",))
    [finding] = run(tmp_path, select=("PF403",))
    assert finding.message == "`points` is not a column of `raw.games` (through write_rows())"


def test_unresolvable_self_attributes_say_why(tmp_path):
    write_repo(tmp_path, {
        **CLASSES,
        "app/games.py": """
            from external import Plugin
            from shared.utils import write_rows


            class FromArgument:
                def __init__(self, name):
                    self.table = "raw." + name

                def run(self, game_id):
                    write_rows(self.table, [{"game_id": game_id}])


            class Reassigned:
                def __init__(self):
                    self.table = "raw.games"

                def reset(self):
                    self.table = "raw.players"

                def run(self, game_id):
                    write_rows(self.table, [{"game_id": game_id}])


            class Undefined(Plugin):
                def run(self, game_id):
                    write_rows(f"raw.{self.table_name}", [{"game_id": game_id}])


            class TwoReturns:
                @property
                def table_id(self):
                    if self.live:
                        return "raw.games"
                    return "raw.players"

                def run(self, game_id):
                    write_rows(self.table_id, [{"game_id": game_id}])
            """,
    })
    unknown = "the table of this insert_rows_json write (through write_rows()) is not known statically ({}); its " \
              "rows are checked without a schema"
    assert [(f.code, f.location.line, f.message) for f in run(tmp_path, select=("PF4",))] == [
        ("PF407", 10, unknown.format("part of it is the `name` argument of `FromArgument.__init__()`")),
        ("PF407", 21, unknown.format("`self.table` of Reassigned: assigned in `Reassigned.reset()`, not only in "
                                     "__init__")),
        ("PF407", 26, unknown.format("`self.table_name` of Undefined: no project class in its hierarchy defines it "
                                     "(a base class outside the project may)")),
        ("PF407", 37, unknown.format("`self.table_id` of TwoReturns: `TwoReturns.table_id()` has 2 return "
                                     "statements")),
    ]


def test_wrapper_reexported_by_package_init(tmp_path):
    write_repo(tmp_path, {
        **CLASSES,
        "shared/__init__.py": "from .utils import write_rows\n",
        "app/main.py": """
            from shared import write_rows


            def record(game_id):
                write_rows("raw.players", [{"player_id": game_id, "teem": "x"}])  # expect: PF403
            """,
    })
    assert_marks(tmp_path, select=("PF4",))
