"""Issue 18: name contracts for registries as real code writes them. Each case of the issue in
its minimal form, with the exact findings."""

import re

import pytest

from gcp_preflight.config import ConfigError, load
from tests.helpers import run, write_repo


def config(sources: dict[str, dict], *contracts: dict) -> str:
    """preflight.toml text for sources and contracts given as dicts."""
    def value(v):
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"
        return repr(v) if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)
    lines = []
    for name, spec in sources.items():
        lines.append(f"[names.sources.{name}]")
        lines += [f"{k} = {value(v)}" for k, v in spec.items()]
    for contract in contracts:
        lines.append("[[names.contracts]]")
        lines += [f"{k} = {value(v)}" for k, v in contract.items()]
    return "\n".join(lines) + "\n"


def pf1(root):
    return [(f.code, f"{f.location.path}:{f.location.line}", f.message) for f in run(root, ("PF1",))]


SCRAPER_CONFIG = """
[names.sources.scrapers]
classes = "ScraperBase"

[names.sources.registry]
python = "scrapers/registry.py"
symbol = "SCRAPERS"

[[names.contracts]]
kind = "subset"
source = "registry"
target = "scrapers"
"""


def test_case1_subclasses_behind_a_fallback_import_alias_and_reexport(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": SCRAPER_CONFIG,
        "scrapers/__init__.py": "from .base import ScraperBase\n",
        "scrapers/base.py": "class ScraperBase:\n    pass\n",
        # relative first, absolute in the fallback: one class under two spellings
        "scrapers/nba/a.py": """
            try:
                from ..base import ScraperBase
            except ImportError:
                from scrapers.base import ScraperBase


            class AScraper(ScraperBase):
                pass
            """,
        # the fallback's module is not found from here: the binding that resolves still counts
        "scrapers/nba/b.py": """
            try:
                from ..base import ScraperBase
            except ImportError:
                from base import ScraperBase


            class BScraper(ScraperBase):
                pass
            """,
        "scrapers/nba/c.py": "from scrapers import ScraperBase as SB\n\n\nclass CScraper(SB):\n    pass\n",
        "scrapers/registry.py": 'SCRAPERS = ["AScraper", "BScraper", "CScraper", "DScraper"]\n',
    })
    assert pf1(tmp_path) == [
        ("PF101", "scrapers/registry.py:1",
         "'DScraper' in registry is not in scrapers (the names of subclasses of ScraperBase); "
         "did you mean 'AScraper' or 'BScraper' or 'CScraper'?")]


def test_case2_attributes_set_in_init(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """
            [names.sources.tables]
            classes = "ProcessorBase"
            attribute = "table_name"
            [names.sources.declared]
            python = "config.py"
            symbol = "TABLES"
            [[names.contracts]]
            kind = "subset"
            source = "tables"
            target = "declared"
            """,
        "config.py": 'RAW = "raw.schedule"\nTABLES = ["raw.gamebook", RAW]\n',
        "base.py": """
            class ProcessorBase:
                table_name = ""

                def __init__(self, table_name=None):
                    self.table_name = table_name  # a parameter: run-time data, not a declared name
            """,
        "procs.py": """
            from base import ProcessorBase
            from config import RAW


            class Gamebook(ProcessorBase):
                table_name = "stale.value"  # hidden by what __init__ sets

                def __init__(self):
                    super().__init__()
                    self.table_name = "raw.gamebook"


            class Schedule(ProcessorBase):
                def __init__(self):
                    self.table_name = RAW


            class Boxscore(ProcessorBase):
                def __init__(self):
                    self.table_name = "raw.boxscore"
            """,
    })
    assert pf1(tmp_path) == [
        ("PF101", "procs.py:20", "'raw.boxscore' in tables is not in declared (TABLES in config.py)")]


def test_case2_no_attribute_set_says_how_many_subclasses_and_compares_nothing(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """
            [names.sources.tables]
            classes = "ProcessorBase"
            attribute = "table_name"
            [names.sources.declared]
            python = "config.py"
            symbol = "TABLES"
            [[names.contracts]]
            kind = "subset"
            source = "declared"
            target = "tables"
            """,
        "config.py": 'TABLES = ["raw.gamebook"]\n',
        "procs.py": "class ProcessorBase:\n    pass\n\n\nclass A(ProcessorBase):\n    pass\n\n\n"
                    "class B(ProcessorBase):\n    pass\n",
    })
    assert pf1(tmp_path) == [
        ("PF108", "preflight.toml:1",
         "names.sources.tables: none of the 2 subclasses of ProcessorBase sets table_name to a name")]


def test_case3_except_import_error_rebinding_each_binding_its_own_instance(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """
            [names.sources.handled]
            python = "handlers.py"
            symbol = "HANDLED"
            [names.sources.exports]
            python = "exports.py"
            symbol = "EXPORTS"
            [[names.contracts]]
            kind = "subset"
            source = "exports"
            target = "handled"
            """,
        "exports.py": 'EXPORTS = ["daily", "weekly"]\n',
        "handlers.py": """
            try:
                from config import names
                HANDLED = set(names.handled)
            except ImportError:
                HANDLED = set(["daily"])
            """,
    })
    # The first binding cannot be read: it says so once and is not compared as an empty list
    # (which would report 'daily' too); the fallback literal is checked.
    assert pf1(tmp_path) == [
        ("PF101", "exports.py:1", "'weekly' in exports is not in handled (HANDLED in handlers.py)"),
        ("PF107", "handlers.py:3", "not statically known: names.handled is not a constant of this module or of a "
                                   "project module; names from here in handled (line 3) are not checked"),
    ]


def test_case3_unknown_target_is_never_compared_as_empty(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """
            [names.sources.handled]
            python = "handlers.py"
            symbol = "HANDLED"
            [names.sources.exports]
            python = "exports.py"
            symbol = "EXPORTS"
            [[names.contracts]]
            kind = "subset"
            source = "exports"
            target = "handled"
            """,
        "exports.py": 'EXPORTS = ["daily", "weekly"]\n',
        "handlers.py": "from config import names\nHANDLED = set(names.handled)\n",
    })
    assert pf1(tmp_path) == [
        ("PF107", "handlers.py:2", "not statically known: names.handled is not a constant of this module or of a "
                                   "project module; names from here in handled are not checked")]


def test_case6_nested_values_selected_with_jmespath_in_yaml_and_python(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"jobs": {"yaml": "jobs.yaml", "select": "jobs[*].name"},
             "exporters": {"python": "export.py", "symbol": "Exporter.exporters", "select": "[*].key"},
             "pairs": {"python": "export.py", "symbol": "PAIRS", "select": "values(@)[][0]"},
             "known": {"python": "known.py", "symbol": "KNOWN"}},
            {"kind": "subset", "source": "jobs", "target": "known"},
            {"kind": "subset", "source": "exporters", "target": "known"},
            {"kind": "subset", "source": "pairs", "target": "known"}),
        "known.py": 'KNOWN = ["a", "b", "c"]\n',
        "jobs.yaml": "jobs:\n  - name: a\n    schedule: daily\n  - name: x\n    schedule: weekly\n",
        "export.py": """
            class Exporter:
                exporters = [{"key": "b", "path": "p"}, {"key": "y", "path": "q"}]


            PAIRS = {"one": [("c", 1), ("z", 2)]}
            """,
    })
    assert pf1(tmp_path) == [
        ("PF101", "export.py:2", "'y' in exporters is not in known (KNOWN in known.py)"),
        ("PF101", "export.py:5", "'z' in pairs is not in known (KNOWN in known.py)"),
        ("PF101", "jobs.yaml:4", "'x' in jobs is not in known (KNOWN in known.py)"),
    ]


def test_case7_filters(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"signals": {"yaml": "signals.yaml", "select": "signals[?status != 'removed'].tag"},
             "enabled": {"python": "jobs.py", "symbol": "JOBS", "select": "[?enabled].name"},
             "known": {"python": "known.py", "symbol": "KNOWN"}},
            {"kind": "subset", "source": "signals", "target": "known"},
            {"kind": "subset", "source": "enabled", "target": "known"}),
        "known.py": 'KNOWN = ["a", "b"]\n',
        "signals.yaml": "signals:\n  - {tag: a, status: live}\n  - {tag: old, status: removed}\n"
                        "  - {tag: x}\n",
        "jobs.py": 'JOBS = [{"name": "b", "enabled": True}, {"name": "off", "enabled": False},\n'
                   '        {"name": "y", "enabled": True}]\n',
    })
    assert pf1(tmp_path) == [
        ("PF101", "jobs.py:2", "'y' in enabled is not in known (KNOWN in known.py)"),
        ("PF101", "signals.yaml:4", "'x' in signals is not in known (KNOWN in known.py)"),
    ]


def test_selected_unknown_part_is_reported_and_an_invalid_query_is_pf108(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"jobs": {"python": "jobs.py", "symbol": "JOBS", "select": "[*].name"},
             "bad": {"yaml": "x.yaml", "select": "jobs[?name =="},
             "known": {"python": "known.py", "symbol": "KNOWN"}},
            {"kind": "subset", "source": "jobs", "target": "known"}),
        "known.py": 'KNOWN = ["a"]\n',
        "jobs.py": 'import os\nJOBS = [{"name": "a", "fn": os.getcwd}, {"name": os.environ["JOB"]}]\n',
    })
    # `os.getcwd` is not selected, so it is not reported; the selected subscript is.
    assert pf1(tmp_path) == [
        ("PF107", "jobs.py:2", "not statically known: a subscript is not statically known; names from here in "
                               "jobs are not checked"),
        ("PF108", "preflight.toml:1", "names.sources.bad.select: not a valid JMESPath expression at column 14: "
                                      "Incomplete expression"),
    ]


def test_case8_several_targets_ignore_with_reasons_and_where_in(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"paths": {"classes": "ScraperBase", "attribute": "gcs_path", "where": {"in": "registered"}},
             "registered": {"python": "registry.py", "symbol": "REGISTERED"},
             "routes": {"python": "registry.py", "symbol": "ROUTES"},
             "skipped": {"python": "registry.py", "symbol": "SKIPPED"}},
            {"kind": "prefix", "source": "paths", "target": ["routes", "skipped"],
             "ignore": [{"name": "retired/x/{date}.json", "reason": "retired in 2024, files kept"}]}),
        "registry.py": """
            REGISTERED = ["A", "B", "C", "D"]
            ROUTES = {"nba/schedule": "p1"}
            SKIPPED = ["nba/odds"]
            """,
        "scrapers.py": """
            class ScraperBase:
                gcs_path = ""


            class A(ScraperBase):
                gcs_path = "nba/schedule/{date}.json"


            class B(ScraperBase):
                gcs_path = "nba/odds/{date}.json"


            class C(ScraperBase):
                gcs_path = "retired/x/{date}.json"


            class D(ScraperBase):
                gcs_path = "nba/gamebook/{date}.json"


            class Unregistered(ScraperBase):
                gcs_path = "tmp/debug.json"  # not in REGISTERED: not checked
            """,
    })
    assert pf1(tmp_path) == [
        ("PF109", "scrapers.py:18",
         "'nba/gamebook/{date}.json' in paths starts with no prefix in routes (ROUTES in registry.py) or skipped "
         "(SKIPPED in registry.py) followed by '/'")]


def test_ignore_needs_a_reason(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config({"b": {"python": "a.py", "symbol": "B"}},
                                 {"kind": "subset", "source": "b", "target": "b", "ignore": [{"name": "x"}]}),
    })
    with pytest.raises(ConfigError, match=re.escape(
            'preflight.toml: names.contracts.0.ignore.0: expected {name = "...", reason = "..."}')):
        load(tmp_path)


def test_where_in_names_a_configured_source(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"a": {"python": "a.py", "symbol": "A", "where": {"in": "bb"}},
             "b": {"python": "a.py", "symbol": "B"}},
            {"kind": "subset", "source": "b", "target": "b"}),
        "a.py": "A = ['x']\nB = ['x']\n",
    })
    assert pf1(tmp_path) == [
        ("PF108", "preflight.toml:1", "names.sources.a.where.in: no source named 'bb' (did you mean 'b'?)")]


def test_case4_function_local_symbols(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"handler_map": {"python": "main.py", "symbol": "handle.processor_map"},
             "method_map": {"python": "main.py", "symbol": "Router.route.table"},
             "known": {"python": "known.py", "symbol": "KNOWN"}},
            {"kind": "subset", "source": "handler_map", "target": "known"},
            {"kind": "subset", "source": "method_map", "target": "known"}),
        "known.py": 'KNOWN = ["a", "b"]\n',
        "main.py": """
            def handle(event):
                extra = ["x"]
                processor_map = {"a": 1, **{"b": 2}}
                processor_map = dict(processor_map)  # computed rebinding: its own instance
                return processor_map


            class Router:
                def route(self, path):
                    base = ["b"]
                    table = base + ["y"]
                    return table
            """,
    })
    assert pf1(tmp_path) == [
        ("PF107", "main.py:4", "not statically known: the result of dict(...) is not statically known; names from "
                               "here in handler_map (line 4) are not checked"),
        ("PF101", "main.py:11", "'y' in method_map is not in known (KNOWN in known.py)"),
    ]


def test_case5_call_arguments_in_python_and_shell_functions(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"paths": {"call": "get_path", "python": "**/*.py"},
             "tags": {"call": "*.register", "keyword": "tag", "argument": 1},
             "jobs": {"call": "create_job", "shell": "bin/*.sh"},
             "known": {"python": "known.py", "symbol": "KNOWN"}},
            {"kind": "subset", "source": "paths", "target": "known"},
            {"kind": "subset", "source": "tags", "target": "known"},
            {"kind": "subset", "source": "jobs", "target": "known"}),
        "known.py": 'KNOWN = ["a", "b", "c"]\n',
        "app.py": """
            from paths import get_path
            import registry

            A = get_path("a")
            X = get_path("x")
            registry.register(object, "b")
            registry.register(object, tag="y")
            registry.register("not-a-tag")  # position 0: not the argument configured
            """,
        "bin/deploy.sh": """
            #!/bin/bash
            create_job() { gcloud scheduler jobs create http "$1"; }
            create_job c
            create_job z --schedule "0 * * * *"
            echo create_job w
            """,
    })
    assert pf1(tmp_path) == [
        ("PF101", "app.py:5", "'x' in paths is not in known (KNOWN in known.py)"),
        ("PF101", "app.py:7", "'y' in tags is not in known (KNOWN in known.py)"),
        ("PF101", "bin/deploy.sh:4", "'z' in jobs is not in known (KNOWN in known.py)"),
    ]


def test_call_arguments_in_test_files_count_only_when_python_names_them(tmp_path):
    # Corpus false pattern (nba tests/scrapers/unit/test_registry.py): a test passes an unknown
    # name on purpose (`get_scraper_instance("nonexistent_scraper")` must raise).
    files = {
        "known.py": 'KNOWN = ["a", "b"]\n',
        "app.py": 'from lookup import get\n\nA = get("a")\nX = get("x")\n',
        "tests/test_lookup.py": 'from lookup import get\n\ndef test_unknown():\n    get("nonexistent")\n',
    }
    write_repo(tmp_path, {**files, "preflight.toml": config(
        {"gets": {"call": "get"}, "known": {"python": "known.py", "symbol": "KNOWN"}},
        {"kind": "subset", "source": "gets", "target": "known"})})
    assert pf1(tmp_path) == [("PF101", "app.py:4", "'x' in gets is not in known (KNOWN in known.py)")]
    write_repo(tmp_path, {"preflight.toml": config(
        {"gets": {"call": "get", "python": "**.py"}, "known": {"python": "known.py", "symbol": "KNOWN"}},
        {"kind": "subset", "source": "gets", "target": "known"})})
    assert pf1(tmp_path) == [
        ("PF101", "app.py:4", "'x' in gets is not in known (KNOWN in known.py)"),
        ("PF101", "tests/test_lookup.py:4", "'nonexistent' in gets is not in known (KNOWN in known.py)"),
    ]


def test_case9_routes_misroute_ambiguous_dead_and_normalize(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"paths": {"python": "paths.py", "symbol": "PATHS"},
             "router": {"python": "router.py", "symbol": "ROUTES"},
             "tables": {"python": "paths.py", "symbol": "TABLES"},
             "prefixes": {"python": "router.py", "symbol": "PREFIXES"}},
            {"kind": "routes", "source": "paths", "target": "router", "match": "substring",
             "normalize": {"leading_slash": True}},
            {"kind": "dead-routes", "source": "paths", "target": "router", "match": "substring",
             "normalize": {"leading_slash": True},
             "ignore": [{"name": "legacy", "reason": "kept for the 2023 backfill"}]},
            # `raw.` stripped and `{season}` read as any segment: both tables reach `nba/{}`
            {"kind": "routes", "source": "tables", "target": "prefixes",
             "normalize": {"strip": ["raw."], "placeholders": True}}),
        "paths.py": """
            PATHS = [
                "/odds/{date}.json",
                "odds-history/{date}.json",
                "box/team-player/x.json",
                "nowhere/x.json",
            ]
            TABLES = ["raw.nba/{season}/games", "nba/2024/teams"]
            """,
        "router.py": """
            ROUTES = {
                "odds": "OddsProcessor",
                "odds-history": "OddsHistoryProcessor",
                "team": "TeamProcessor",
                "play": "PlayerProcessor",
                "injuries": "InjuryProcessor",
                "legacy": "LegacyProcessor",
            }
            PREFIXES = ["nba/{}"]
            """,
    })
    assert pf1(tmp_path) == [
        ("PF110", "paths.py:3", "'odds-history/{date}.json' in paths is routed to 'odds' (the first route that "
                                "matches) though 'odds-history' matches it more closely"),
        ("PF110", "paths.py:4", "'box/team-player/x.json' in paths matches 'team' and 'play' equally; only their "
                                "order decides where it goes"),
        ("PF110", "paths.py:5", "'nowhere/x.json' in paths reaches no route in router (ROUTES in router.py)"),
        ("PF111", "router.py:3", "no name of paths reaches the route 'odds-history' in router (ROUTES in router.py)"),
        ("PF111", "router.py:5", "no name of paths reaches the route 'play' in router (ROUTES in router.py)"),
        ("PF111", "router.py:6", "no name of paths reaches the route 'injuries' in router (ROUTES in router.py)"),
    ]


def big_tree(subclasses: int = 100, modules: int = 2000) -> dict[str, str]:
    """A registry of `subclasses` scraper classes, each imported through a fallback import,
    among `modules` modules in all; the registry names every class but lists one wrong name."""
    files = {
        "preflight.toml": SCRAPER_CONFIG,
        "scrapers/__init__.py": "",
        "scrapers/base.py": "class ScraperBase:\n    pass\n",
        "scrapers/registry.py": "SCRAPERS = [\n" + "".join(f'    "S{i}Scraper",\n' for i in range(subclasses))
                                + '    "Unregistered",\n]\n',
    }
    for i in range(subclasses):
        files[f"scrapers/group{i % 10}/s{i}.py"] = (
            "try:\n    from ...scrapers.base import ScraperBase\nexcept ImportError:\n"
            f"    from scrapers.base import ScraperBase\n\n\nclass S{i}Scraper(ScraperBase):\n    name = 's{i}'\n")
    for i in range(modules - subclasses - 3):
        files[f"lib/part{i % 40}/m{i}.py"] = (
            f"import os\nfrom lib.part0 import m0\n\n\nclass Helper{i}:\n    value = {i}\n\n\n"
            f"class Sub{i}(Helper{i}):\n    pass\n")
    return files


def test_a_registry_of_2000_modules_resolves_every_subclass(tmp_path):
    write_repo(tmp_path, big_tree())
    assert pf1(tmp_path) == [
        ("PF101", "scrapers/registry.py:102",
         "'Unregistered' in registry is not in scrapers (the names of subclasses of ScraperBase)")]


def test_test_files_are_no_registry_members(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"workers": {"classes": "Worker"}, "mapped": {"python": "finder.py", "symbol": "MAPPING"}},
            {"kind": "keys-cover", "source": "workers", "target": "mapped"}),
        "finder.py": "class Worker:\n    pass\n\n\nclass A(Worker):\n    pass\n\n\nclass B(Worker):\n    pass\n\n\n"
                     "MAPPING = {'A': A}\n",
        "tests/test_workers.py": "from finder import Worker\n\n\nclass MockWorker(Worker):\n    pass\n",
    })
    assert pf1(tmp_path) == [
        ("PF103", "finder.py:9", "'B' (workers) has no entry in mapped (MAPPING in finder.py)")]


def test_a_class_attribute_of_every_subclass_through_a_selector(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"keys": {"classes": "ScraperBase", "attribute": "exporters", "select": "[?type=='gcs'].key"},
             "bad": {"python": "known.py", "symbol": "KNOWN", "select": "[?starts_with(@, `1`)]"},
             "known": {"python": "known.py", "symbol": "KNOWN"}},
            {"kind": "subset", "source": "keys", "target": "known"},
            {"kind": "subset", "source": "bad", "target": "known"}),
        "known.py": 'KNOWN = ["nba/a", "nba/b"]\n',
        "scrapers.py": """
            class ScraperBase:
                exporters = []


            class A(ScraperBase):
                exporters = [{"type": "gcs", "key": "nba/a"}, {"type": "file", "key": "/tmp/a"}]


            class B(ScraperBase):
                exporters = [{"type": "gcs", "key": "nba/bb"}]
            """,
    })
    assert pf1(tmp_path) == [
        ("PF107", "known.py:1", "not statically known: the selector cannot be applied here: In function "
                                "starts_with(), invalid type for value: 1, expected one of: ['string'], "
                                "received: \"number\"; names from here in bad are not checked"),
        ("PF101", "scrapers.py:10", "'nba/bb' in keys is not in known (KNOWN in known.py); did you mean 'nba/b'?"),
    ]


def test_json_files_are_sources_like_yaml(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"steps": {"yaml": "pipelines/*.json", "select": "jobs[*].worker_class"},
             "workers": {"python": "finder.py", "symbol": "WORKERS"}},
            {"kind": "subset", "source": "steps", "target": "workers"}),
        "finder.py": 'WORKERS = {"BQWaiter": 1, "Trainer": 2}\n',
        "pipelines/train.json": '{\n  "jobs": [\n    {"worker_class": "Trainer"},\n    {"worker_class": "BQWaitr"}\n  ]\n}\n',
        "pipelines/broken.json": '{"jobs": [\n',
        "other/ignored.json": '{"jobs": [{"worker_class": "Nope"}]}\n',
    })
    assert pf1(tmp_path) == [
        ("PF107", "pipelines/broken.json:2", "not statically known: pipelines/broken.json is not valid JSON "
                                             "(expected the node content, but found '<stream end>'); its names are "
                                             "not read"),
        ("PF101", "pipelines/train.json:4", "'BQWaitr' in steps is not in workers (WORKERS in finder.py); "
                                            "did you mean 'BQWaiter'?"),
    ]


def test_a_value_nested_past_the_interpreters_limit_is_unknown_not_a_traceback(tmp_path):
    # 39 modules, each nesting the next one's value 60 lists deep: past Python's recursion limit
    chain = {f"m{i}.py": f"from m{i + 1} import V{i + 1}\nV{i} = " + "[" * 60 + f"V{i + 1}" + "]" * 60 + "\n"
             for i in range(39)}
    chain["m39.py"] = "V39 = ['deep']\n"
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"deep": {"python": "m0.py", "symbol": "V0", "select": "[]"},
             "known": {"python": "known.py", "symbol": "KNOWN"}},
            {"kind": "subset", "source": "deep", "target": "known"}),
        "known.py": "KNOWN = ['deep']\n",
        **chain,
    })
    assert pf1(tmp_path) == [
        ("PF107", "m0.py:2", "not statically known: the value is nested too deeply to select from; names from here "
                             "in deep are not checked")]

    # the same without a selector
    write_repo(tmp_path, {"preflight.toml": config(
        {"deep": {"python": "m0.py", "symbol": "V0"}, "known": {"python": "known.py", "symbol": "KNOWN"}},
        {"kind": "subset", "source": "deep", "target": "known"})})
    assert pf1(tmp_path) == [
        ("PF107", "m0.py:2", "not statically known: the value is nested too deeply to follow; names from here "
                             "in deep are not checked")]


def test_where_key_in_keeps_the_entries_another_source_names(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"used_keys": {"classes": "ScraperBase", "attribute": "PATH_KEY"},
             "templates": {"python": "paths.py", "symbol": "TEMPLATES", "part": "values",
                           "where": {"key_in": "used_keys"}},
             "routes": {"python": "router.py", "symbol": "ROUTES"},
             "bad": {"yaml": "x.yaml", "select": "a", "where": {"key_in": "used_keys"}}},
            {"kind": "prefix", "source": "templates", "target": "routes"}),
        "paths.py": 'TEMPLATES = {\n    "a": "nba/a/x.json",\n    "b": "nba/zz/x.json",\n    "unused": "tmp/x.json",\n}\n',
        "router.py": 'ROUTES = ["nba/a", "nba/b"]\n',
        "scrapers.py": "class ScraperBase:\n    PATH_KEY = ''\n\n\nclass A(ScraperBase):\n    PATH_KEY = 'a'\n\n\n"
                       "class B(ScraperBase):\n    PATH_KEY = 'b'\n",
    })
    # "tmp/x.json" is no registered scraper's template: not checked
    assert pf1(tmp_path) == [
        ("PF109", "paths.py:3", "'nba/zz/x.json' in templates starts with no prefix in routes (ROUTES in router.py) "
                                "followed by '/'"),
        ("PF108", "preflight.toml:1", "names.sources.bad.where.key_in: only a python source's dict has keys to "
                                      "filter"),
    ]


def test_regex_routes_an_invalid_route_and_where_in_several_sources(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": config(
            {"paths": {"python": "paths.py", "symbol": "PATHS", "where": {"in": ["nba", "mlb"]}},
             "nba": {"python": "paths.py", "symbol": "NBA"},
             "mlb": {"python": "paths.py", "symbol": "MLB"},
             "router": {"python": "router.py", "symbol": "ROUTES"}},
            {"kind": "routes", "source": "paths", "target": "router", "match": "regex"}),
        "paths.py": 'NBA = ["nba/2024/a"]\nMLB = ["mlb/x"]\nPATHS = ["nba/2024/a", "mlb/x", "tmp/unlisted"]\n',
        "router.py": 'ROUTES = [r"^nba/\\d+/", r"^mlb/(", r"^mlb/"]\n',
    })
    assert pf1(tmp_path) == [
        ("PF108", "router.py:1", "route '^mlb/(' in router is not a regular expression RE2 runs (invalid, or a "
                                 "backreference or lookaround); it is not checked")]
