"""`propose_names_config`: the contracts `preflight init` proposes from evidence, on two layouts;
written as config, they find exactly the seeded mistakes (`# expect:` marks)."""

import tomllib

from gcp_preflight.config import Config, validate
from gcp_preflight.rules.names.propose import propose_names_config
from gcp_preflight.project import Project
from gcp_preflight.validators import default_validators
from tests.helpers import assert_marks, write_repo

# The FIELD-GUIDE layout: processor_name in YAML, a config dataclass, a fallback copy in main.py,
# a class map, a scraper registry, scheduler payloads and storage paths routed by prefix.
PIPELINE = {
    "config/workflows.yaml": """
        scrapers:
          a: {processor_name: p2_a}
          b: {processor_name: p2_b}
          c: {processor_name: p2_c}
        """,
    "shared/config/orchestration_config.py": """
        from dataclasses import dataclass, field

        CLASS_TO_CONFIG_MAP = {"AProcessor": "p2_a", "BProcessor": "p2_b", "CProcesor": "p2_c"}  # expect: PF101
        CRITICAL_SCRAPERS = ["a_scraper", "b_scraper"]
        PHASE_ORDER = ("phase2", "phase3")  # agrees with nothing: no contract

        @dataclass
        class Cfg:
            phase2_expected_processors: list = field(default_factory=lambda: [
                "p2_a", "p2_b", "p2_c",
                "p2_d",  # expect: PF101
            ])
            phase2_required_processors: list = field(default_factory=lambda: ["p2_a", "p2_e"])  # expect: PF101
            phase2_optional_processors: list = field(default_factory=lambda: ["p2_c"])
        """,
    "orchestration/phase2/main.py": """
        try:
            from shared.config.orchestration_config import Cfg
            EXPECTED = Cfg().phase2_expected_processors  # expect: PF107
        except ImportError:
            EXPECTED = ["p2_a", "p2_b", "p2_c"]  # expect: PF102
        """,
    "processors/base.py": "class ProcessorBase:\n    pass\n",
    "processors/ab.py": """
        from processors.base import ProcessorBase

        class AProcessor(ProcessorBase):
            pass

        class BProcessor(ProcessorBase):
            pass

        class CProcessor(ProcessorBase):
            pass
        """,
    "scrapers/base.py": 'class ScraperBase:\n    gcs_path_template = ""\n',
    "scrapers/all.py": """
        from scrapers.base import ScraperBase

        class AScraper(ScraperBase):
            gcs_path_template = "src/a/{date}.json"

        class BScraper(ScraperBase):
            gcs_path_template = "src/b/{date}.json"

        class CScraper(ScraperBase):
            gcs_path_template = "src/cc/{date}.json"  # expect: PF109
        """,
    "scrapers/registry.py": """
        SCRAPER_REGISTRY = {
            "a_scraper": ("scrapers.all", "AScraper"),
            "b_scraper": ("scrapers.all", "BScraper"),
            "c_scraper": ("scrapers.all", "CScraper"),
        }
        ROUTES = {"src/a": "AProcessor", "src/b": "BProcessor", "src/c": "CProcessor"}
        """,
    "bin/schedule.sh": """
        #!/bin/bash
        gcloud scheduler jobs create pubsub a --message-body='{"scraper": "a_scraper"}'
        gcloud scheduler jobs create pubsub b --message-body='{"scraper": "b_scraper"}'
        gcloud scheduler jobs create pubsub c --message-body='{"scraper": "c_scrapper"}'  # expect: PF101
        """,
    "tests/test_config.py": 'EXPECTED = ["p2_a", "p2_b", "nope"]\n',  # tests are never sources
}

# Another layout: no processor_name anywhere, a Cloud Run app with its own words.
SERVICE = {
    "app/jobs.py": """
        JOB_REGISTRY = {"espn_scores": 1, "odds_lines": 2, "injuries": 3, "rosters": 4}
        HANDLERS = {"ScoresHandler": 1, "OddsHandler": 2}
        """,
    "app/settings.py": """
        NIGHTLY_JOBS = frozenset({"espn_scores", "odds_lines", "injurys"})  # expect: PF101
        TIMEZONES = ["UTC", "espn_scores"]  # half agree: not evidence
        """,
    "app/handlers/base.py": "class Handler:\n    pass\n",
    "app/handlers/scores.py": "from app.handlers.base import Handler\n\nclass ScoresHandler(Handler):\n    pass\n",
    "app/handlers/odds.py": "from app.handlers import base\n\nclass OddsHandler(base.Handler):\n    pass\n",
    "deploy/cron/jobs.sh": """
        #!/bin/bash
        gcloud scheduler jobs create http a --message-body '{"job": "espn_scores", "retries": "3"}'
        gcloud scheduler jobs create http b --message-body '{"job": "rosters"}'
        """,
}


def _project(root):
    return Project(root, Config(), default_validators(), use_cache=False)


def _contracts(text):
    names = tomllib.loads(text)["names"]
    return names["sources"], [(c["kind"], c["source"], c["target"]) for c in names["contracts"]]


def test_pipeline_layout_contracts(tmp_path):
    write_repo(tmp_path, PIPELINE)
    sources, contracts = _contracts(propose_names_config(_project(tmp_path), prefix=""))
    assert contracts == [
        ("subset", "phase2_required_processors", "phase2_expected_processors"),
        ("disjoint", "phase2_required_processors", "phase2_optional_processors"),
        ("equal", "phase2_expected", "phase2_expected_processors"),
        ("subset", "class_to_config_map", "processorbase_classes"),
        ("subset", "class_to_config_map_values", "declared"),
        ("subset", "critical_scrapers", "scraper_registry"),
        ("subset", "phase2_expected_processors", "declared"),
        ("subset", "phase2_optional_processors", "declared"),
        ("subset", "routes_values", "processorbase_classes"),
        ("subset", "scraper_registry_values_1", "scraperbase_classes"),
        ("subset", "scraper_payloads", "scraper_registry"),
        ("prefix", "scraperbase_gcs_path_template", "routes"),
    ]
    assert sources["declared"] == {"yaml": "config/workflows.yaml", "select": "**.processor_name"}
    assert sources["phase2_expected"] == {"python": "orchestration/phase2/main.py", "symbol": "EXPECTED"}
    assert sources["scraper_registry_values_1"] == {"python": "scrapers/registry.py", "symbol": "SCRAPER_REGISTRY",
                                                    "part": "values", "element": 1}
    assert sources["scraper_payloads"] == {"shell": "bin/schedule.sh", "pattern": '"scraper":\\s*"([^"]+)"'}
    assert sources["scraperbase_gcs_path_template"] == {"classes": "ScraperBase", "attribute": "gcs_path_template"}


def test_pipeline_layout_proposal_finds_the_mistakes(tmp_path):
    write_repo(tmp_path, PIPELINE)
    text = propose_names_config(_project(tmp_path))
    validate(tomllib.loads(text)["tool"]["gcp-preflight"], "pyproject.toml", "tool.gcp-preflight")
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    # No keys-cover: CProcesor leaves CProcessor without an entry, so the map covers 2 of 3
    # classes; PF103 would report the same mistake a second time.
    assert_marks(tmp_path, ("PF1",))


def test_service_layout_contracts_and_findings(tmp_path):
    write_repo(tmp_path, SERVICE)
    text = propose_names_config(_project(tmp_path), prefix="")
    sources, contracts = _contracts(text)
    assert contracts == [
        ("subset", "handlers", "handler_classes"),
        ("keys-cover", "handler_classes", "handlers"),
        ("subset", "nightly_jobs", "job_registry"),
        ("subset", "job_payloads", "job_registry"),
    ]
    assert sources["job_payloads"] == {"shell": "deploy/cron/jobs.sh", "pattern": '"job":\\s*"([^"]+)"'}
    assert "# 2 of 3 names in NIGHTLY_JOBS are keys of JOB_REGISTRY" in text.splitlines()
    (tmp_path / "preflight.toml").write_text(text, encoding="utf-8")
    assert_marks(tmp_path, ("PF1",))


def test_nothing_to_propose(tmp_path):
    write_repo(tmp_path, {"app/main.py": "X = 1\nNAMES = ['a', 'b']\n"})
    text = propose_names_config(_project(tmp_path))
    assert tomllib.loads(text) == {}
    assert "No name sets that mostly agree were found: nothing to propose." in text


def test_copies_share_one_glob(tmp_path):
    write_repo(tmp_path, dict(PIPELINE, **{
        "orchestration/cf/shared/config/orchestration_config.py": PIPELINE["shared/config/orchestration_config.py"]}))
    sources, _ = _contracts(propose_names_config(_project(tmp_path), prefix=""))
    assert sources["phase2_expected_processors"] == {"python": "**/shared/config/orchestration_config.py",
                                                     "symbol": "Cfg.phase2_expected_processors"}


def test_call_and_shell_function_arguments_are_proposed_when_they_name_a_registry(tmp_path):
    write_repo(tmp_path, {
        "workers/finder.py": 'WORKERS = {"BQWaiter": 1, "GAWaiter": 2, "Trainer": 3}\n',
        "workers/jobs.py": """
            class Job:
                def run(self):
                    self._enqueue("BQWaiter", {})
                    self._enqueue("GAWaiter", {})
                    self._enqueue("BqWaiterr", {})  # expect: PF101
                    self.log("not a worker", "at all")  # names nothing declared: no contract
            """,
        "bin/schedule.sh": """
            create_job Trainer
            create_job BQWaiter
            create_job GAWaiter
            create_job Traner  # expect: PF101
            """,
    })
    text = propose_names_config(_project(tmp_path), prefix="")
    sources, contracts = _contracts(text)
    assert contracts == [("subset", "_enqueue_arg0", "workers"), ("subset", "create_job_arg0", "workers")]
    assert sources["_enqueue_arg0"] == {"call": "*._enqueue", "argument": 0}
    assert sources["create_job_arg0"] == {"call": "create_job", "shell": "bin/schedule.sh", "argument": 0}
    assert "# 2 of 3 literals passed to *._enqueue() as argument 0 are keys of WORKERS" in text.splitlines()
    (tmp_path / "preflight.toml").write_text(text, encoding="utf-8")
    assert_marks(tmp_path, ("PF1",))


def test_a_partial_subset_whose_outliers_resemble_no_target_name_is_proposed_commented_out(tmp_path):
    # Corpus false pattern (nba): lists that share most names with a registry but also hold
    # names of another kind (team codes beside processor names); enforced, each is reported.
    write_repo(tmp_path, {
        "config/workflows.yaml": "a: {processor_name: p2_alpha}\nb: {processor_name: p2_beta}\nc: {processor_name: p2_gamma}\n",
        "app/phases.py": """
            PHASE2 = ["p2_alpha", "p2_beta", "p2_gamma", "p2_delta"]  # expect: PF101
            WATCHED = ["p2_alpha", "p2_beta", "p2_gamma", "LAL", "BOS"]
            """,
    })
    text = propose_names_config(_project(tmp_path), prefix="")
    sources, contracts = _contracts(text)
    assert contracts == [("subset", "phase2", "declared")]
    assert sorted(sources) == ["declared", "phase2"]
    blocks = text.split("\n\n")
    assert blocks[3].splitlines() == [
        "# names in WATCHED (5 names)", "# [names.sources.watched]", '# python = "app/phases.py"', '# symbol = "WATCHED"']
    assert blocks[-1].splitlines() == [
        "# 3 of 5 names in WATCHED are processor_name values in config/workflows.yaml; not enforced: 'BOS', 'LAL' "
        "resemble none of them, so they may be another kind of name.",
        "# Uncomment to enforce (and any of its sources commented out above; each such name is then reported):",
        "# [[names.contracts]]",
        '# kind = "subset"',
        '# source = "watched"',
        '# target = "declared"',
    ]
    (tmp_path / "preflight.toml").write_text(text, encoding="utf-8")
    assert_marks(tmp_path, ("PF1",))


def test_a_partial_subset_of_a_registry_no_import_ties_to_is_proposed_commented_out(tmp_path):
    # Corpus false pattern (nba): a monitoring script's table list shares most names with a
    # registry in a module it never imports; its other names are not misspellings of any key.
    # A list whose only outlier is a misspelling is enforced without an import.
    write_repo(tmp_path, {
        "app/registry.py": 'TABLES = {"raw_games": 1, "raw_players": 2, "raw_teams": 3}\n',
        "tools/canary.py": 'CHECKED = ["raw_games", "raw_players", "raw_teams", "raw_injuries_log"]\n',
        "tools/backfill.py": 'TODO = ["raw_games", "raw_players", "raw_temas"]  # expect: PF101\n',
        "app/monitor.py": """
            from app.registry import TABLES

            WATCHED = ["raw_games", "raw_players", "raw_odds"]  # expect: PF101
            """,
    })
    text = propose_names_config(_project(tmp_path), prefix="")
    _, contracts = _contracts(text)
    assert contracts == [("subset", "todo", "tables"), ("subset", "watched", "tables")]
    assert ("# 3 of 4 names in CHECKED are keys of TABLES; not enforced: 'raw_injuries_log' would be reported, "
            "and no import ties the two sets.") in text.splitlines()
    (tmp_path / "preflight.toml").write_text(text, encoding="utf-8")
    assert_marks(tmp_path, ("PF1",))


def test_a_list_that_differs_from_the_list_its_module_imports_is_a_variant_not_enforced(tmp_path):
    # Corpus false pattern (nba ml/): an experiment's feature list beside the import of the
    # model's list shares most names by design; a main.py's fallback copy is still a copy.
    write_repo(tmp_path, {
        "ml/features.py": 'FEATURES = ["points_avg", "minutes_avg", "usage_rate", "pace"]\n',
        "ml/experiment.py": """
            from ml.features import FEATURES

            TRIED = ["points_avg", "minutes_avg", "usage_rate", "pace", "rest_days"]
            """,
    })
    text = propose_names_config(_project(tmp_path), prefix="")
    assert tomllib.loads(text) == {}  # the sources too are left commented out
    assert ("# TRIED in ml/experiment.py is a copy of FEATURES (4 names in common); not enforced: 'rest_days' "
            "would be reported, and a list beside an import may be a variant.") in text.splitlines()


def test_a_main_py_list_is_a_copy_only_of_a_list_it_imports_and_blank_strings_are_no_names(tmp_path):
    # Corpus false patterns (nba): a Cloud Function's main.py list shares most names with a
    # maintenance script it never imports; a dataclass default `("", "")` matched a base class's
    # `table_name = ""`, and applied, PF104 reported '' listed twice.
    write_repo(tmp_path, {
        "bin/reconcile.py": 'NAMES = ["games", "players", "teams", "nba_analytics"]\n',
        "functions/phase3/main.py": 'REQUIRED = ["games", "players", "teams"]\n',
        "app/base.py": 'class Base:\n    table_name = ""\n',
        "app/a.py": 'from app.base import Base\n\nclass A(Base):\n    table_name = ""\n',
        "app/b.py": 'from app.base import Base\n\nclass B(Base):\n    table_name = ""\n',
        "app/model.py": 'from dataclasses import dataclass\n\n@dataclass\nclass M:\n    span: tuple = ("", "")\n',
    })
    text = propose_names_config(_project(tmp_path), prefix="")
    assert tomllib.loads(text) == {}
    assert [line for line in text.splitlines() if "not enforced" in line] == [
        "# REQUIRED in functions/phase3/main.py is a copy of NAMES (3 names in common); not enforced: "
        "'nba_analytics' would be reported, and no import ties the two sets."]
    assert "M.span" not in text
