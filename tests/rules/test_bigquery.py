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


PUSH_SINK = {
    "preflight.toml": """
        [bigquery]
        default-project = "p"
        default-dataset = "analytics"
        sinks = [{function = "vendor.bq.push", api = "insert_rows_json", table = "table", rows = 0}]
        """,
    "schemas/events.sql": "CREATE TABLE `p.analytics.events` (event_id STRING);\n",
}


def test_configured_sink_and_default_dataset(tmp_path):
    write_repo(tmp_path, {
        **PUSH_SINK,
        "app/main.py": """
            from vendor.bq import push


            def record(event_id):
                push([{"event_id": event_id, "evt": 1}], table="events")  # expect: PF403
            """,
    })
    assert_marks(tmp_path, select=("PF4",))


def test_configured_sink_called_through_a_local_is_checked(tmp_path):
    # `pusher.push(...)`: its head is neither imported nor self, so the reader keeps the call apart
    # (BqLooseCall), and the analysis reads it because config names a sink called `push`.
    write_repo(tmp_path, {
        **PUSH_SINK,
        "app/main.py": """
            import logging

            logger = logging.getLogger(__name__)


            def record(event_id, pusher):
                logger.info("recording %s", event_id)
                pusher.push([{"event_id": event_id, "evt": 1}], table="events")  # expect: PF403
            """,
    })
    assert_marks(tmp_path, select=("PF4",))


def test_calls_no_project_function_or_api_sink_can_be_are_kept_apart():
    from gcp_preflight.validators.base import SourceText
    from gcp_preflight.validators.bigquery.facts import BqCall
    from gcp_preflight.validators.bigquery.python import extract

    text = (
        "import ast\nimport helpers\nfrom google.cloud import bigquery\n\nclient = bigquery.Client()\n\n\n"
        "def save(rows):\n    helpers.write(rows)\n    log.info(rows)\n    store(rows)\n    ast.dump(rows)\n\n\n"
        "def store(rows):\n    client.insert_rows_json('t', rows)\n    other.push(rows)\n\n\n"
        "class Writer:\n    def put(self, rows):\n        self.save(rows)\n        cls.save(rows)\n"
    )
    import ast as python_ast

    found = extract(python_ast.parse(text), SourceText("app/w.py", text))
    calls = [(type(f).__name__, f.callee, getattr(f, "after", None)) for f in found if isinstance(f, BqCall)]
    assert calls == [
        ("BqCall", "helpers.write", None), ("BqLooseCall", "log.info", 1), ("BqCall", "store", None),
        ("BqCall", "ast.dump", None), ("BqCall", "client.insert_rows_json", None),
        ("BqLooseCall", "other.push", 4), ("BqCall", "self.save", None), ("BqCall", "cls.save", None),
    ]


def test_no_loose_call_reaches_a_project_function_or_an_api_sink():
    # The reader's criterion (_loose_calls_apart) and the analysis's (Resolver._target) must
    # agree: a loose call the analysis could match would be a finding lost without config sinks.
    from pathlib import Path

    from gcp_preflight import config
    from gcp_preflight.project import Project
    from gcp_preflight.rules.bigquery.flow import Resolver, options
    from gcp_preflight.validators import default_validators
    from gcp_preflight.validators.bigquery.facts import BqLooseCall

    root = Path(__file__).resolve().parents[2] / "examples" / "pipeline"
    project = Project(root, config.load(root), default_validators(), use_cache=False)
    resolver = Resolver(project, options(project))
    loose = project.facts(BqLooseCall)
    assert (len(loose), options(project).sinks) == (42, ())
    assert [call for call in loose if resolver.target(call) is not None] == []


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


# Issue 12, cause 5 (corpus false pattern F11): a script creates its table with a schema declared in
# code; a stale DDL elsewhere declares the same table id with other columns.
CODE_SCHEMA = {
    "schemas/t.sql": "CREATE TABLE IF NOT EXISTS `p.ds.splits` (season_year INT64, k_per_9 NUMERIC);\n",
    "scripts/backfill.py": """
        from google.cloud import bigquery


        def main():
            client = bigquery.Client()
            table_id = 'p.ds.splits'
            schema = [bigquery.SchemaField('season', 'INT64'), bigquery.SchemaField('home_k_per_9', 'FLOAT64')]
            client.create_table(bigquery.Table(table_id, schema=schema), exists_ok=True)
            client.insert_rows_json(table_id, [{'season': 2025, 'home_k_per_9': 9.1, 'away': 1}])
        """,
}


def test_schema_declared_in_code_wins_over_a_ddl_elsewhere(tmp_path):
    write_repo(tmp_path, CODE_SCHEMA)
    assert [(f.code, f.location.path, f.location.line, f.message) for f in run(tmp_path, select=("PF4",))] == [
        ("PF408", "scripts/backfill.py", 8,
         "`p.ds.splits` is declared here and in schemas/t.sql:1 with different columns (only here: `season`, "
         "`home_k_per_9`; only there: `season_year`, `k_per_9`); the writes in this file are checked against "
         "this one"),
        ("PF403", "scripts/backfill.py", 9, "`away` is not a column of `p.ds.splits`"),
    ]
    [notice] = run(tmp_path, select=("PF408",))
    assert [(r.location.path, r.location.line) for r in notice.related] == [("schemas/t.sql", 1)]
    assert notice.location.column == 25


def test_a_write_in_another_file_is_checked_against_neither_declaration(tmp_path):
    # Corpus false pattern: ml/experiments/*.py wrote rows for the DDL's layout of ml_experiments
    # while ml/experiment_registry.py, in the folder above, creates it with its own schema.
    write_repo(tmp_path, {
        **CODE_SCHEMA,
        "scripts/loader.py": """
            from google.cloud import bigquery


            def load(client):
                client.insert_rows_json('p.ds.splits', [{'season_year': 2025, 'k_per_9': 1.0}])
            """,
    })
    assert [(f.code, f.location.path, f.location.line, f.message) for f in run(tmp_path, select=("PF403", "PF407"))] == [
        ("PF403", "scripts/backfill.py", 9, "`away` is not a column of `p.ds.splits`"),
        ("PF407", "scripts/loader.py", 5, "several different schemas match `p.ds.splits` (schemas/t.sql:1, "
                                          "scripts/backfill.py:8); this insert_rows_json write is checked without a "
                                          "schema"),
    ]
    assert found(tmp_path, select=("PF408",)) == [("PF408", "scripts/backfill.py:8")]


def test_code_schema_from_a_module_constant_and_agreeing_declarations_are_silent(tmp_path):
    write_repo(tmp_path, {
        "schemas/t.sql": "CREATE TABLE `p.ds.splits` (season INT64, home_k_per_9 FLOAT64);\n",
        "scripts/backfill.py": """
            from google.cloud import bigquery

            TABLE = 'p.ds.splits'
            SCHEMA = [bigquery.SchemaField('season', 'INT64'), bigquery.SchemaField('home_k_per_9', 'FLOAT64')]


            def main(client):
                client.create_table(bigquery.Table(TABLE, schema=SCHEMA), exists_ok=True)
                client.insert_rows_json(TABLE, [{'season': 2025, 'home_k_per_9': 9.1}])
            """,
    })
    assert run(tmp_path, select=("PF4",)) == []


def test_equally_near_declarations_that_disagree_leave_the_write_unchecked(tmp_path):
    write_repo(tmp_path, {
        "schemas/a.sql": "CREATE TABLE `p.ds.splits` (season INT64);\n",
        "schemas/b.sql": "CREATE TABLE `p.ds.splits` (season_year INT64);\n",
        "app/main.py": """
            from google.cloud import bigquery


            def main(client):
                client.insert_rows_json('p.ds.splits', [{'other': 1}])
            """,
    })
    assert [(f.code, f.message) for f in run(tmp_path, select=("PF4",))] == [
        ("PF407", "several different schemas match `p.ds.splits` (schemas/a.sql:1, schemas/b.sql:1); this "
                  "insert_rows_json write is checked without a schema")]


# Issue 12, cause 11: the phase logger's table id is built from environment defaults.
ENV_DEFAULTS = {
    "schemas/log.sql": "CREATE TABLE nba_orchestration.phase_execution_log (phase_name STRING, metadata JSON);\n",
    "shared/utils/bigquery_utils.py": """
        from google.cloud import bigquery

        client = bigquery.Client()


        def insert_bigquery_rows(table_id, rows):
            return client.insert_rows_json(table_id, rows)
        """,
}


def test_table_id_from_environment_defaults(tmp_path):
    write_repo(tmp_path, {**ENV_DEFAULTS, "shared/utils/phase_logger.py": """
        import os

        from shared.utils.bigquery_utils import insert_bigquery_rows


        def log_phase(phase_name, metadata):
            dataset = os.environ.get("ORCHESTRATION_DATASET", "nba_orchestration")
            table = os.getenv("PHASE_EXECUTION_LOG_TABLE", default="phase_execution_log")
            row = {"phase_name": phase_name, "metadata": metadata, "duration": 1.5}
            insert_bigquery_rows(f"{dataset}.{table}", [row])
        """})
    assert [(f.code, f.location.line, f.message) for f in run(tmp_path, select=("PF4",))] == [
        ("PF403", 9, "`duration` is not a column of `nba_orchestration.phase_execution_log` (the id assumes the "
                     "default of $ORCHESTRATION_DATASET and $PHASE_EXECUTION_LOG_TABLE) (through "
                     "insert_bigquery_rows())"),
    ]


def test_environment_default_in_a_module_constant_and_setdefault(tmp_path):
    write_repo(tmp_path, {**ENV_DEFAULTS, "shared/utils/phase_logger.py": """
        import os

        from shared.utils.bigquery_utils import insert_bigquery_rows

        DATASET = os.environ.setdefault("ORCHESTRATION_DATASET", "nba_orchestration")


        def log_phase(phase_name):
            insert_bigquery_rows(f"{DATASET}.phase_execution_log", [{"phase_name": phase_name, "x": 1}])  # expect: PF403
        """})
    assert_marks(tmp_path, select=("PF4",))
    [finding] = run(tmp_path, select=("PF403",))
    assert "(the id assumes the default of $ORCHESTRATION_DATASET)" in finding.message


def test_environment_reads_without_a_literal_default_stay_unknown(tmp_path):
    write_repo(tmp_path, {**ENV_DEFAULTS, "shared/utils/phase_logger.py": """
        import os

        from shared.utils.bigquery_utils import insert_bigquery_rows


        def log_phase(phase_name, fallback):
            first = os.environ.get("DATASET")
            second = os.environ.get("DATASET", fallback)
            third = os.environ["DATASET"]
            insert_bigquery_rows(f"{first}.phase_execution_log", [{"x": 1}])
            insert_bigquery_rows(f"{second}.phase_execution_log", [{"x": 1}])
            insert_bigquery_rows(f"{third}.phase_execution_log", [{"x": 1}])
        """})
    unknown = ("the table of this insert_rows_json write (through insert_bigquery_rows()) is not known statically "
               "(part of it is a value computed at run time); its rows are checked without a schema")
    assert [(f.code, f.location.line, f.message) for f in run(tmp_path, select=("PF4",))] == [
        ("PF407", 10, unknown), ("PF407", 11, unknown), ("PF407", 12, unknown)]


# Issue 19, item 5: date, datetime and Decimal values followed through locals, lists, dict updates
# and one level of a same-module helper's return value.
VALUES_DDL = {"schemas/events.sql": "CREATE TABLE analytics.events (event_id STRING, at TIMESTAMP, day DATE, amount FLOAT64);\n"}


def test_datetime_through_a_local_a_list_a_dict_update_and_a_helper(tmp_path):
    write_repo(tmp_path, {**VALUES_DDL, "app/main.py": """
        from datetime import date, datetime
        from decimal import Decimal

        from google.cloud import bigquery

        client = bigquery.Client()


        def _stamp():
            if client is None:
                return None
            return datetime.now()


        def record(event_id):
            when = datetime.now()
            row = {"event_id": event_id, "at": when}
            rows = []
            rows.append(row)
            row.update(amount=Decimal("1.5"))
            rows.append({"event_id": event_id, "at": _stamp()})
            client.insert_rows_json("analytics.events", rows)
        """})
    assert [(f.location.line, f.location.column, f.message) for f in run(tmp_path, select=("PF4",))] == [
        (17, 40, "`at` holds a datetime (`datetime.now()`), which insert_rows_json cannot serialise to JSON "
                 "(\"Object of type datetime is not JSON serializable\"); call .isoformat()"),
        (20, 23, "`amount` holds a Decimal (`Decimal(\"1.5\")`), which insert_rows_json cannot serialise to JSON "
                 "(\"Object of type Decimal is not JSON serializable\"); pass str(value) (exact) or float(value)"),
        (21, 46, "`at` holds a datetime (`_stamp() returns datetime.now()`), which insert_rows_json cannot "
                 "serialise to JSON (\"Object of type datetime is not JSON serializable\"); call .isoformat()"),
    ]
    [first, *_] = run(tmp_path, select=("PF402",))
    assert [(r.location.line, r.message) for r in first.related] == [(16, "`when` is bound here")]


def test_helpers_that_convert_disagree_recurse_or_are_two_levels_deep_are_silent(tmp_path):
    write_repo(tmp_path, {**VALUES_DDL, "app/main.py": """
        from datetime import date, datetime

        from google.cloud import bigquery
        from app.clock import imported_now

        client = bigquery.Client()


        def converted():
            return datetime.now().isoformat()


        def mixed(flag):
            if flag:
                return date.today()
            return "2024-01-01"


        def recursive(n):
            return recursive(n - 1)


        def stamp():
            return datetime.now()


        def two_levels():
            return stamp()


        def record(event_id, shadowed):
            rows = [{"event_id": event_id, "at": converted(), "day": mixed(True), "amount": recursive(1)},
                    {"event_id": event_id, "at": two_levels(), "day": shadowed(), "amount": imported_now()}]
            client.insert_rows_json("analytics.events", rows)


        def shadowed():
            return date.today()
        """})
    assert run(tmp_path, select=("PF4",)) == []


def test_a_helper_defined_after_its_caller_and_one_asked_for_twice(tmp_path):
    write_repo(tmp_path, {**VALUES_DDL, "app/main.py": """
        from google.cloud import bigquery

        client = bigquery.Client()


        def record(event_id):
            client.insert_rows_json("analytics.events", [{"event_id": event_id, "day": today()}])  # expect: PF402
            client.insert_rows_json("analytics.events", [{"event_id": event_id, "day": today()}])  # expect: PF402


        def today():
            import datetime
            return datetime.date.today()
        """})
    assert_marks(tmp_path, select=("PF4",))


# Issue 19, item 5: a value read from a query result is typed by the query's own table schema
# when the query text is a literal.
QUERY_SCHEMAS = {
    "schemas/payments.sql": "CREATE TABLE ds.payments (id STRING, amount NUMERIC, paid_on DATE, note STRING);\n",
    "schemas/summary.sql": "CREATE TABLE ds.summary (id STRING, amount FLOAT64, paid_on STRING, note STRING);\n",
}


def test_query_result_fields_typed_by_the_query_table(tmp_path):
    write_repo(tmp_path, {**QUERY_SCHEMAS, "app/main.py": """
        from google.cloud import bigquery

        client = bigquery.Client()
        SQL = "SELECT p.id, p.amount, CAST(p.note AS DATE) AS day FROM ds.payments AS p WHERE p.id = @id"


        def summarise():
            rows = []
            for row in client.query("SELECT id, amount, paid_on, note FROM `ds.payments`").result():
                rows.append({"id": row.id, "amount": row.amount, "paid_on": row["paid_on"], "note": row.get("note")})
            for row in client.query(SQL):
                rows.append({"id": row.id, "amount": row.amount, "paid_on": row.day})
            for row in client.list_rows("ds.payments"):
                rows.append({"amount": row.amount})
            client.insert_rows_json("ds.summary", rows)
        """})
    assert [(f.location.line, f.location.column, f.message) for f in run(tmp_path, select=("PF4",))] == [
        (10, 46, "`amount` copies `row.amount` from a query result row, and the query reads NUMERIC column `amount` "
                 "of `ds.payments`: the client returns such values as Decimal, which insert_rows_json cannot "
                 "serialise to JSON; pass str(value) (exact) or float(value)"),
        (10, 69, "`paid_on` copies `row[\"paid_on\"]` from a query result row, and the query reads DATE column "
                 "`paid_on` of `ds.payments`: the client returns such values as date, which insert_rows_json cannot "
                 "serialise to JSON; call .isoformat()"),
        (12, 46, "`amount` copies `row.amount` from a query result row, and the query reads NUMERIC column `amount` "
                 "of `ds.payments`: the client returns such values as Decimal, which insert_rows_json cannot "
                 "serialise to JSON; pass str(value) (exact) or float(value)"),
        (12, 69, "`paid_on` copies `row.day` from a query result row, and the query casts it to DATE: the client "
                 "returns such values as date, which insert_rows_json cannot serialise to JSON; call .isoformat()"),
        (14, 32, "`amount` copies `row.amount` from a query result row, and the query reads NUMERIC column `amount` "
                 "of `ds.payments`: the client returns such values as Decimal, which insert_rows_json cannot "
                 "serialise to JSON; pass str(value) (exact) or float(value)"),
    ]
    first = run(tmp_path, select=("PF402",))[0]
    assert [(r.location.path, r.location.line, r.message) for r in first.related] == [
        ("schemas/payments.sql", 1, "`amount` is declared NUMERIC here")]


def test_query_results_whose_type_is_not_known_stay_silent(tmp_path):
    write_repo(tmp_path, {**QUERY_SCHEMAS, "app/main.py": """
        from google.cloud import bigquery

        client = bigquery.Client()


        def summarise(sql):
            rows = []
            for row in client.query(sql):  # the text is a parameter
                rows.append({"amount": row.amount})
            for row in client.query("SELECT SUM(amount) AS amount, CAST(paid_on AS STRING) AS paid_on FROM ds.payments"):
                rows.append({"amount": row.amount, "paid_on": row.paid_on})  # an expression; cast to STRING
            for row in client.query("WITH t AS (SELECT * FROM ds.payments) SELECT amount FROM t"):
                rows.append({"amount": row.amount})
            for row in client.query("SELECT a.amount FROM ds.payments a UNION ALL SELECT b.amount FROM ds.payments b"):
                rows.append({"amount": row.amount})
            for row in client.query("SELECT amount FROM ds.payments JOIN ds.summary USING (id)"):
                rows.append({"amount": row.amount})  # which table: not said
            for row in client.query("SELECT id, note FROM ds.payments"):
                rows.append({"amount": row.note, "id": float(row.id)})
            for row in client.query("SELECT amount FROM ds.unknown_table"):
                rows.append({"amount": row.amount})
            for row in client.query("SELEC amount FROM"):
                rows.append({"amount": row.amount})
            client.insert_rows_json("ds.summary", rows)
        """})
    assert run(tmp_path, select=("PF4",)) == []


def test_project_from_an_environment_default_matches_any_project(tmp_path):
    write_repo(tmp_path, {
        "schemas/log.sql": "CREATE TABLE `prod-project.ops.log` (phase_name STRING);\n",
        "app/main.py": """
            import os

            from google.cloud import bigquery

            PROJECT = os.environ.get("GCP_PROJECT", "dev-project")
            client = bigquery.Client()


            def log(phase):
                dataset = os.environ.get("OPS_DATASET", "ops")
                client.insert_rows_json(f"{PROJECT}.{dataset}.log", [{"phase_name": phase, "phase": 1}])
            """,
    })
    assert [(f.code, f.location.line, f.message) for f in run(tmp_path, select=("PF4",))] == [
        ("PF403", 11, "`phase` is not a column of `{PROJECT}.ops.log` (the id assumes the default of $OPS_DATASET); "
                      "did you mean `phase_name`?"),
    ]


def test_an_environment_default_that_spans_dataset_and_table(tmp_path):
    write_repo(tmp_path, {
        "schemas/p.sql": "CREATE TABLE `prod.mlb_predictions.pitcher_strikeouts` (game_id STRING);\n",
        "app/worker.py": """
            import os

            from google.cloud import bigquery

            PROJECT_ID = os.environ.get('GCP_PROJECT_ID', 'dev')
            PREDICTIONS_TABLE = os.environ.get('MLB_PREDICTIONS_TABLE', 'mlb_predictions.pitcher_strikeouts')


            def save(client, game_id):
                client.insert_rows_json(f"{PROJECT_ID}.{PREDICTIONS_TABLE}", [{"game_id": game_id, "gameid": 1}])
            """,
    })
    assert [(f.code, f.location.line, f.message) for f in run(tmp_path, select=("PF4",))] == [
        ("PF403", 10, "`gameid` is not a column of `{PROJECT_ID}.mlb_predictions.pitcher_strikeouts` (the id "
                      "assumes the default of $MLB_PREDICTIONS_TABLE); did you mean `game_id`?"),
    ]


# Issue 19, item 4: a base class writes `self.transformed_data` to f"{self.dataset_id}.{self.table_name}";
# each concrete processor sets the table and builds the rows in its own methods.
PROCESSORS = {
    "schemas/raw.sql": """
        CREATE TABLE nba_raw.games (game_id STRING, game_date DATE, metadata JSON);
        CREATE TABLE nba_raw.players (player_id STRING, team STRING);
        """,
    "shared/processors/base.py": """
        from google.cloud import bigquery


        class ProcessorBase:
            dataset_id = "nba_raw"
            table_name = ""

            def __init__(self):
                self.bq_client = bigquery.Client()
                self.transformed_data = []

            def transform_data(self):
                raise NotImplementedError

            def save_data(self):
                table_id = f"{self.dataset_id}.{self.table_name}"
                rows = self.transformed_data
                self.bq_client.insert_rows_json(table_id, rows)
        """,
    "processors/games.py": """
        from shared.processors.base import ProcessorBase


        class GamesProcessor(ProcessorBase):
            table_name = "games"

            def transform_data(self):
                rows = []
                for game in self.raw_data:
                    row = {"game_id": game["id"], "game_date": game["date"]}
                    row["metadata"] = {"source": "nba.com"}  # expect: PF401
                    rows.append(row)
                self.transformed_data = rows
        """,
    "processors/players.py": """
        from shared.processors.base import ProcessorBase


        class PlayersProcessor(ProcessorBase):
            def __init__(self):
                super().__init__()
                self.table_name = "players"

            def transform_data(self):
                for player in self.raw_data:
                    self.transformed_data.append({"player_id": player["id"], "teem": player["team"]})  # expect: PF403
        """,
}


def test_base_class_writer_with_two_concrete_processors_writing_two_tables(tmp_path):
    write_repo(tmp_path, PROCESSORS)
    assert_marks(tmp_path, select=("PF4",))
    assert [(f.code, f.location.path, f.location.line, f.message) for f in run(tmp_path, select=("PF4",))] == [
        ("PF401", "processors/games.py", 11, "`metadata` is a JSON column of the GamesProcessor table "
                                             "`nba_raw.games`: insert_rows_json needs a JSON string there, but gets a "
                                             "dict (`{\"source\": \"nba.com\"}`); wrap it in json.dumps(...)"),
        ("PF403", "processors/players.py", 11, "`teem` is not a column of the PlayersProcessor table "
                                               "`nba_raw.players`; did you mean `team`?"),
    ]


def test_rows_a_method_returns_and_a_single_row_attribute(tmp_path):
    write_repo(tmp_path, {
        "schemas/raw.sql": PROCESSORS["schemas/raw.sql"],
        "shared/processors/base.py": """
            from google.cloud import bigquery

            client = bigquery.Client()


            class Base:
                table_id = ""

                def build_rows(self):
                    return []

                def save(self):
                    client.insert_rows_json(self.table_id, self.build_rows())
                    client.insert_rows_json(self.table_id, [self.summary])
            """,
        "processors/players.py": """
            from shared.processors.base import Base


            class Players(Base):
                table_id = "nba_raw.players"

                def __init__(self):
                    self.summary = {"player_id": "all", "count": 0}  # expect: PF403

                def build_rows(self):
                    return [{"player_id": p, "club": None} for p in self.ids] + [{"player_id": "x", "tm": 1}]
            """,
    })
    # `[...] + [...]` is not followed: only rows a method returns as they are.
    assert_marks(tmp_path, select=("PF4",))


def test_rows_of_an_overridden_method_or_an_unrelated_class_are_not_used(tmp_path):
    write_repo(tmp_path, {
        **PROCESSORS,
        "processors/games.py": """
            from shared.processors.base import ProcessorBase


            class GamesProcessor(ProcessorBase):
                table_name = "games"

                def transform_data(self):
                    self.transformed_data = [{"game_id": "1", "bogus": 1}]


            class LiveGamesProcessor(GamesProcessor):
                def transform_data(self):
                    self.transformed_data = [{"game_id": "1", "game_date": "2024-01-01"}]


            class Unrelated:
                table_name = "games"

                def transform_data(self):
                    self.transformed_data = [{"game_id": "1", "other": 1}]
            """,
        "processors/players.py": """
            from shared.processors.base import ProcessorBase


            class PlayersProcessor(ProcessorBase):
                table_name = "players"

                def transform_data(self):
                    self.transformed_data = [{key: value for key, value in self.raw.items()}]
            """,
    })
    # GamesProcessor has a subclass, so it is taken as abstract: only LiveGamesProcessor's rows are
    # written; PlayersProcessor's keys are not known; Unrelated has no writer.
    assert run(tmp_path, select=("PF4",)) == []


def test_a_query_field_through_a_local_and_a_dict_update(tmp_path):
    write_repo(tmp_path, {**QUERY_SCHEMAS, "app/main.py": """
        from google.cloud import bigquery

        client = bigquery.Client()


        def summarise():
            result = client.query("SELECT id, paid_on FROM ds.payments").result()
            for row in result:
                day = row.paid_on
                out = {"id": row.id}
                out.update(note=day)  # expect: PF402
                out.setdefault("paid_on", day.isoformat())
                client.insert_rows_json("ds.summary", [out])
        """})
    assert_marks(tmp_path, select=("PF4",))
