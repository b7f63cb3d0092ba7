"""PF101-PF108: name sources of every kind, every contract, exact codes, lines and messages."""

import pytest

from gcp_preflight.config import ConfigError, load
from tests.helpers import assert_marks, run, write_repo

WORKFLOWS = """
scrapers:
  bdl_box_scores:
    processor_name: "p2_bdl_box_scores"
  nbac_schedule:
    processor_name: "p2_nbacom_schedule"
  bdl_standings:
    processor_name: p2_bdl_standings
"""

SEED_CONFIG = """
from dataclasses import dataclass, field
from typing import List


@dataclass
class PhaseTransitionConfig:
    phase2_expected_processors: List[str] = field(default_factory=lambda: [
        'bdl_player_boxscores',
        'p2_nbacom_schedule',
    ])
"""


def pf1(root):
    return [(f.code, f"{f.location.path}:{f.location.line}", f.message) for f in run(root, ("PF1",))]


def test_seed_case_zero_config(tmp_path):
    write_repo(tmp_path, {"config/workflows.yaml": WORKFLOWS,
                          "shared/config/orchestration_config.py": SEED_CONFIG})
    findings = run(tmp_path, ("PF1",))
    assert [(f.code, str(f.location), f.message) for f in findings] == [
        ("PF101", "shared/config/orchestration_config.py:8:9",
         "'bdl_player_boxscores' in PhaseTransitionConfig.phase2_expected_processors is not declared by any "
         "processor_name in config/workflows.yaml; did you mean 'p2_bdl_box_scores'?")]
    assert [(str(r.location), r.message) for r in findings[0].related] == [
        ("config/workflows.yaml:3:21", "'p2_bdl_box_scores' is declared here")]
    write_repo(tmp_path, {"shared/config/orchestration_config.py": SEED_CONFIG.replace(
        "bdl_player_boxscores", "p2_bdl_box_scores")})
    assert run(tmp_path, ("PF1",)) == []


def test_identical_copies_reported_once_and_drifted_copy_on_its_own(tmp_path):
    write_repo(tmp_path, {
        "config/workflows.yaml": WORKFLOWS,
        "shared/config/orchestration_config.py": SEED_CONFIG,
        "orchestration/cloud_functions/phase2_to_phase3/shared/config/orchestration_config.py": SEED_CONFIG,
        "orchestration/cloud_functions/phase3_to_phase4/shared/config/orchestration_config.py": SEED_CONFIG,
        "orchestration/cloud_functions/old/shared/config/orchestration_config.py":
            SEED_CONFIG.replace("'bdl_player_boxscores'", "'p2_bdl_boxscore'"),
    })
    findings = run(tmp_path, ("PF1",))
    assert [(f.code, str(f.location)) for f in findings] == [
        ("PF101", "orchestration/cloud_functions/old/shared/config/orchestration_config.py:8:9"),
        ("PF101", "shared/config/orchestration_config.py:8:9"),
    ]
    assert findings[1].message.endswith("did you mean 'p2_bdl_box_scores'? (also in 2 identical copies)")
    assert [str(r.location) for r in findings[1].related] == [
        "config/workflows.yaml:3:21",
        "orchestration/cloud_functions/phase2_to_phase3/shared/config/orchestration_config.py:8:9",
        "orchestration/cloud_functions/phase3_to_phase4/shared/config/orchestration_config.py:8:9",
    ]


def test_zero_config_candidates(tmp_path):
    write_repo(tmp_path, {
        "config/workflows.yaml": WORKFLOWS,
        "shared/names.py": """
            PHASE2 = ["p2_bdl_standings"]
            EXPECTED_PROCESSORS = ["p2_bdl_box_scores", "p2_nbac_schedule"] + PHASE2  # expect: PF101
            PROCESSOR_MODULES = ["processors.bdl.box_scores"]  # shares no declared name: not a candidate
            SCRAPERS = ["p2_nope"]  # the name does not mention processors
            PROCESSOR_REGISTRY = {"p2_bdl_box_scores": 1, "nope": 2}  # a dict is not a list of names
            DUPLICATED_PROCESSORS = {"p2_bdl_box_scores", "p2_bdl_box_scores"}  # expect: PF104
            LOOKALIKE_PROCESSORS = ["p2_bdl_box_scores", "P2-BDL-Standings"]  # expect: PF105
            DYNAMIC_PROCESSORS = ["p2_bdl_box_scores"] + [n for n in PHASE2]  # expect: PF107
            """,
        "tests/test_names.py": 'EXPECTED_PROCESSORS = ["p2_bdl_box_scores", "bad"]\n',
    })
    assert_marks(tmp_path, ("PF1",))
    messages = {code: msg for code, _, msg in pf1(tmp_path)}
    assert messages["PF104"] == "'p2_bdl_box_scores' is listed twice in DUPLICATED_PROCESSORS (first at line 6)"
    assert messages["PF105"] == ("'P2-BDL-Standings' in LOOKALIKE_PROCESSORS differs from 'p2_bdl_standings' only by "
                                 "case and separators, declared by any processor_name in config/workflows.yaml")
    assert messages["PF107"] == ("not statically known: a list comprehension is not statically known; names from "
                                 "here in DYNAMIC_PROCESSORS are not checked")


def test_lookalike_fix_writes_declared_name(tmp_path):
    from gcp_preflight.cli import main
    write_repo(tmp_path, {"config/workflows.yaml": WORKFLOWS,
                          "shared/names.py": 'EXPECTED_PROCESSORS = ["p2_bdl_box_scores", "P2_BDL_Standings"]\n'})
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--fix"]) == 0
    assert (tmp_path / "shared/names.py").read_text() == \
        'EXPECTED_PROCESSORS = ["p2_bdl_box_scores", "p2_bdl_standings"]\n'


def test_names_through_imports_absolute_relative_and_module_attribute(tmp_path):
    write_repo(tmp_path, {
        "config/workflows.yaml": WORKFLOWS,
        "shared/__init__.py": "",
        "shared/config/__init__.py": "from .phase2 import PHASE2_NAMES\n",
        "shared/config/phase2.py": """
            BASE = ("p2_bdl_box_scores",)
            PHASE2_NAMES = list(BASE) + [
                "p2_bdl_standing",  # expect: PF101
            ]
            """,
        "shared/config/extra.py": 'EXTRA = frozenset({"p2_nbacom_schedul"})  # expect: PF101\n',
        "orchestration/main.py": """
            import shared.config.extra as extra
            from shared.config import PHASE2_NAMES
            from yaml import OUTSIDE

            EXPECTED_PROCESSORS = sorted(set(PHASE2_NAMES) | extra.EXTRA) + [OUTSIDE]  # expect: PF107
            """,
    })
    assert_marks(tmp_path, ("PF1",))
    assert [m for c, _, m in pf1(tmp_path) if c == "PF107"] == [
        "not statically known: OUTSIDE is not a constant of this module or of a project module; names from here "
        "in EXPECTED_PROCESSORS are not checked"]


CONFIGURED = """
[names.sources.declared]
yaml = "config/workflows.yaml"
select = "scrapers.*.processor_name"

[names.sources.scraper_ids]
yaml = "config/workflows.yaml"
select = "scrapers"

[names.sources.workflow_steps]
yaml = "config/workflows.yaml"
select = "workflows[*].steps[*]"

[names.sources.expected]
python = "**/orchestration_config.py"
symbol = "PhaseTransitionConfig.expected"

[names.sources.required]
python = "**/orchestration_config.py"
symbol = "PhaseTransitionConfig.required"

[names.sources.optional]
python = "**/orchestration_config.py"
symbol = "PhaseTransitionConfig.optional"

[names.sources.fallback]
python = "orchestration/*/main.py"
symbol = "EXPECTED"

[names.sources.class_map]
python = "shared/config/orchestration_config.py"
symbol = "CLASS_TO_CONFIG_MAP"

[names.sources.class_map_values]
python = "shared/config/orchestration_config.py"
symbol = "CLASS_TO_CONFIG_MAP"
part = "values"

[names.sources.registry_classes]
python = "scrapers/registry.py"
symbol = "SCRAPER_REGISTRY"
part = "values"
element = 1

[names.sources.processors]
classes = "ProcessorBase"

[names.sources.processor_tables]
classes = "ProcessorBase"
attribute = "processor_name"

[names.sources.scrapers]
classes = "ScraperBase"

[names.sources.payloads]
shell = "bin/**/*.sh"
pattern = '"scraper":\\s*"([^"]+)"'

[[names.contracts]]
kind = "subset"
source = "expected"
target = "declared"

[[names.contracts]]
kind = "subset"
source = "required"
target = "expected"

[[names.contracts]]
kind = "disjoint"
source = "required"
target = "optional"

[[names.contracts]]
kind = "equal"
source = "fallback"
target = "expected"

[[names.contracts]]
kind = "subset"
source = "class_map"
target = "processors"

[[names.contracts]]
kind = "keys-cover"
source = "processors"
target = "class_map"

[[names.contracts]]
kind = "subset"
source = "class_map_values"
target = "declared"

[[names.contracts]]
kind = "subset"
source = "processor_tables"
target = "declared"

[[names.contracts]]
kind = "subset"
source = "registry_classes"
target = "scrapers"

[[names.contracts]]
kind = "subset"
source = "payloads"
target = "scraper_ids"

[[names.contracts]]
kind = "subset"
source = "workflow_steps"
target = "scraper_ids"
"""

CONFIGURED_REPO = {
    "preflight.toml": CONFIGURED,
    "config/workflows.yaml": """
        scrapers:
          bdl_box_scores:
            processor_name: "p2_bdl_box_scores"
          nbac_schedule:
            processor_name: "p2_nbacom_schedule"
        workflows:
          - name: morning
            steps: [nbac_schedule, bdl_box_score]  # expect: PF101
        """,
    "shared/config/orchestration_config.py": """
        from dataclasses import dataclass, field

        CLASS_TO_CONFIG_MAP = {
            "ScheduleProcessor": "p2_nbacom_schedule",
            "BoxScoreProcessor": "p2_bdl_box_scores",  # expect: PF101
            "Scheduleрrocessor": "p2_nbacom_schedule",  # expect: PF105
        }


        @dataclass
        class PhaseTransitionConfig:
            expected: list = field(default_factory=lambda: ["p2_bdl_box_scores", "p2_nbacom_schedule"])
            required: list = field(default_factory=lambda: [
                "p2_bdl_box_scores",  # expect: PF106
                "p2_bdl_injuries",  # expect: PF101
            ])
            optional: list = field(default_factory=lambda: ["p2_bdl_box_scores"])
        """,
    "orchestration/phase2/main.py": """
        try:
            from shared.config.orchestration_config import PhaseTransitionConfig
        except ImportError:
            EXPECTED = ["p2_bdl_box_scores", "p2_bdl_standings"]  # expect: PF102
        """,
    "processors/base.py": """
        class ProcessorBase:
            processor_name = None
        """,
    "processors/nbacom.py": """
        from processors.base import ProcessorBase

        class NbacomProcessor(ProcessorBase):
            pass

        class ScheduleProcessor(NbacomProcessor):
            processor_name = "p2_nbacom_schedule"
        """,
    "processors/bdl.py": """
        from processors import base

        class BoxScoresProcessor(base.ProcessorBase):  # expect: PF103
            processor_name = "p2_bdl_boxscore"  # expect: PF101
        """,
    "scrapers/registry.py": """
        SCRAPER_REGISTRY = {
            "nbac_schedule": ("scrapers.nbacom.schedule", "ScheduleScraper"),
            "bdl_box_scores": ("scrapers.bdl.box_scores", "BoxScoresScrapr"),  # expect: PF101
        }
        """,
    "scrapers/base.py": """
        class ScraperBase:
            pass

        class ScheduleScraper(ScraperBase):
            pass

        class BoxScoresScraper(ScraperBase):
            pass
        """,
    "bin/scheduler/create_jobs.sh": """
        #!/bin/bash
        gcloud scheduler jobs create pubsub nbac-schedule --topic scrapers \\
          --message-body='{"scraper": "nbac_schedule"}'
        gcloud scheduler jobs create pubsub bdl --topic scrapers \\
          --message-body='{"scraper": "bdl_boxscore"}'  # expect: PF101
        """,
}


def test_every_source_kind_and_contract(tmp_path):
    write_repo(tmp_path, CONFIGURED_REPO)
    assert_marks(tmp_path, ("PF1",))


def test_configured_messages(tmp_path):
    write_repo(tmp_path, CONFIGURED_REPO)
    by_place = {place: msg for _, place, msg in pf1(tmp_path)}
    assert by_place["shared/config/orchestration_config.py:5"] == (
        "'BoxScoreProcessor' in class_map is not in processors (the names of subclasses of ProcessorBase); "
        "did you mean 'BoxScoresProcessor'?")
    assert by_place["shared/config/orchestration_config.py:6"] == (
        "'Scheduleрrocessor' in class_map differs from 'ScheduleProcessor' only by lookalike characters "
        "(U+0440 CYRILLIC SMALL LETTER ER at position 9), in processors (the names of subclasses of ProcessorBase)")
    assert by_place["processors/bdl.py:3"] == (
        "'BoxScoresProcessor' (processors) has no entry in class_map (CLASS_TO_CONFIG_MAP in "
        "shared/config/orchestration_config.py); did you mean 'BoxScoreProcessor'?")
    assert by_place["orchestration/phase2/main.py:4"] == (
        "fallback must hold the same names as expected: fallback lacks 'p2_nbacom_schedule'; "
        "expected (shared/config/orchestration_config.py) lacks 'p2_bdl_standings'")
    assert by_place["shared/config/orchestration_config.py:14"] == "'p2_bdl_box_scores' is in both required and optional"
    assert by_place["bin/scheduler/create_jobs.sh:5"] == (
        "'bdl_boxscore' in payloads is not in scraper_ids (scrapers in config/workflows.yaml); "
        "did you mean 'bdl_box_scores'?")


def test_auto_is_off_once_contracts_are_configured(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": CONFIGURED,
        "config/workflows.yaml": WORKFLOWS,
        "shared/config/orchestration_config.py": SEED_CONFIG,
    })
    assert {c for c, _, _ in pf1(tmp_path)} == {"PF108"}  # sources missing; the seed list is not auto-checked


def test_config_problems(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """
            [names.sources.expected]
            python = "shared/config.py"
            symbol = "EXPECTED"
            [names.sources.steps]
            yaml = "config/*.yaml"
            select = "workflows[x]"
            [names.sources.payloads]
            shell = "bin/*.sh"
            pattern = "(unclosed"
            [[names.contracts]]
            kind = "subset"
            source = "expected"
            target = "declard"
            [[names.contracts]]
            kind = "subset"
            source = "expected"
            target = "expected"
            """,
        "shared/config.py": "OTHER = []\n",
    })
    assert [(c, p, m) for c, p, m in pf1(tmp_path)] == [
        ("PF108", "preflight.toml:1", "names.contracts[1].target: no source named 'declard'"),
        ("PF108", "preflight.toml:1", "names.sources.expected: no EXPECTED is assigned in a file matching shared/config.py"),
        ("PF108", "preflight.toml:1",
         "names.sources.payloads.pattern: not a valid regular expression: missing ), unterminated subpattern at position 0"),
        ("PF108", "preflight.toml:1", "names.sources.steps.select: cannot read selector segment 'workflows[x]' in 'workflows[x]'"),
    ]


@pytest.mark.parametrize("text, message", [
    ('[names.sources.a]\npython = "x.py"\n',
     "preflight.toml: names.sources.a: a source needs exactly one of: python + symbol, yaml + select, "
     "classes (+ attribute), shell + pattern"),
    ('[names.sources.a]\nclasses = "Base"\npart = "both"\n',
     "preflight.toml: names.sources.a.part: expected one of keys, values, got 'both'"),
    ('[[names.contracts]]\nkind = "superset"\nsource = "a"\ntarget = "b"\n',
     "preflight.toml: names.contracts.0.kind: expected one of subset, equal, disjoint, keys-cover, prefix, got 'superset'"),
    ('[names]\nautomatic = true\n',
     "preflight.toml: names.automatic: unknown key (did you mean 'auto'?)"),
])
def test_bad_names_config_is_one_line(tmp_path, text, message):
    write_repo(tmp_path, {"preflight.toml": text})
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert str(info.value) == message


def test_fallback_bound_twice_uses_the_literal_list(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """
            [names.sources.expected]
            python = "shared/config.py"
            symbol = "Cfg.expected"
            [names.sources.fallback]
            python = "orchestration/*/main.py"
            symbol = "EXPECTED"
            [[names.contracts]]
            kind = "equal"
            source = "fallback"
            target = "expected"
            """,
        "shared/config.py": "class Cfg:\n    expected = ['p3_a', 'p3_b']\n",
        "orchestration/phase3/main.py": """
            try:
                from shared.config import Cfg
                EXPECTED = Cfg().expected
            except ImportError:
                EXPECTED = ["p3_a"]  # expect: PF102
            """,
    })
    assert_marks(tmp_path, ("PF1",))


PREFIX_REPO = {
    "preflight.toml": """
        [names.sources.gcs_paths]
        classes = "ScraperBase"
        attribute = "gcs_path_template"
        [names.sources.routes]
        python = "processors/registry.py"
        symbol = "PROCESSOR_REGISTRY"
        [names.sources.topics]
        python = "processors/registry.py"
        symbol = "TOPICS"
        [names.sources.topic_prefixes]
        python = "processors/registry.py"
        symbol = "TOPIC_PREFIXES"
        [[names.contracts]]
        kind = "prefix"
        source = "gcs_paths"
        target = "routes"
        [[names.contracts]]
        kind = "prefix"
        source = "topics"
        target = "topic_prefixes"
        separator = "-"
        """,
    "scrapers/base.py": """
        class ScraperBase:
            gcs_path_template = ""
        """,
    "scrapers/nbacom.py": """
        from scrapers.base import ScraperBase

        class NbaComScraper(ScraperBase):  # intermediate: inherits the empty placeholder
            pass

        class ScheduleScraper(NbaComScraper):
            gcs_path_template = "nba-com/schedule/{date}.json"

        class GamebookScraper(NbaComScraper):
            gcs_path_template = "nba-com/gamebook/{date}.json"  # expect: PF109

        class RostersScraper(NbaComScraper):
            gcs_path_template = "nba-com/player-list/{date}.json"  # expect: PF109

        class UnsetScraper(NbaComScraper):  # inherits "": no name, nothing to check
            pass
        """,
    "scrapers/bdl.py": """
        import scrapers.base

        class BoxScoresScraper(scrapers.base.ScraperBase):
            gcs_path_template = "ball-dont-lie/boxscores/{date}.json"

        class ExactScraper(scrapers.base.ScraperBase):
            gcs_path_template = "ball-dont-lie/boxscores"  # expect: PF109
        """,
    "processors/registry.py": """
        PROCESSOR_REGISTRY = {
            "nba-com/schedule": "ScheduleProcessor",
            "nba-com/gamebooks-data": "GamebookProcessor",
            "ball-dont-lie/boxscores": "BoxScoresProcessor",
        }
        TOPIC_PREFIXES = ["nba-phase2", "nba-phase3"]
        TOPICS = ["nba-phase2-complete", "nba-phase3-complete", "nba-phase4-complete"]  # expect: PF109
        """,
}


def test_prefix_contract(tmp_path):
    write_repo(tmp_path, PREFIX_REPO)
    assert_marks(tmp_path, ("PF1",))
    findings = {f"{f.location.path}:{f.location.line}": f for f in run(tmp_path, ("PF1",))}
    gamebook = findings["scrapers/nbacom.py:10"]
    assert gamebook.message == (
        "'nba-com/gamebook/{date}.json' in gcs_paths starts with no prefix in routes (PROCESSOR_REGISTRY in "
        "processors/registry.py) followed by '/'; did you mean the prefix 'nba-com/gamebooks-data'?")
    assert [(str(r.location), r.message) for r in gamebook.related] == [
        ("processors/registry.py:3:5", "'nba-com/gamebooks-data' is declared here")]
    assert findings["scrapers/nbacom.py:13"].message == (
        "'nba-com/player-list/{date}.json' in gcs_paths starts with no prefix in routes (PROCESSOR_REGISTRY in "
        "processors/registry.py) followed by '/'")
    assert [(str(r.location), r.message) for r in findings["scrapers/nbacom.py:13"].related] == [
        ("processors/registry.py:1:1", "the names of source 'routes' are read from here")]
    assert findings["processors/registry.py:7"].message == (
        "'nba-phase4-complete' in topics starts with no prefix in topic_prefixes (TOPIC_PREFIXES in "
        "processors/registry.py) followed by '-'")  # phase4 is no misspelling of phase2


def test_prefix_fixed_and_separator_only_on_prefix_contracts(tmp_path):
    write_repo(tmp_path, PREFIX_REPO)
    write_repo(tmp_path, {
        "scrapers/nbacom.py": PREFIX_REPO["scrapers/nbacom.py"].replace("gamebook/", "gamebooks-data/")
        .replace("player-list", "schedule").replace("  # expect: PF109", ""),
        "scrapers/bdl.py": PREFIX_REPO["scrapers/bdl.py"].replace('boxscores"  # expect: PF109', 'boxscores/x"'),
        "processors/registry.py": PREFIX_REPO["processors/registry.py"].replace("  # expect: PF109", "").replace(
            '"nba-phase4-complete"', '"nba-phase3-failed"'),
        "preflight.toml": PREFIX_REPO["preflight.toml"] + '[[names.contracts]]\nkind = "subset"\n'
                                                          'source = "topics"\ntarget = "topic_prefixes"\nseparator = "."\n',
    })
    assert pf1(tmp_path) == [("PF108", "preflight.toml:1",
                              "names.contracts[3].separator: only a prefix contract has a separator")]


def test_did_you_mean_keeps_the_words_in_order_and_shows_ties(tmp_path):
    """issue 12 cause 10: `p2_nbacom_boxscores` is as close to the player box score as to the
    team one (a word inserted either way); both are offered, each with its place."""
    write_repo(tmp_path, {
        "config/workflows.yaml": """
            phase2:
              - processor_name: p2_nbacom_team_boxscore
              - processor_name: p2_nbacom_player_boxscore
              - processor_name: p2_bdl_box_scores
            """,
        "shared/config/orchestration_config.py": SEED_CONFIG.replace(
            "'bdl_player_boxscores',\n        'p2_nbacom_schedule',", "'p2_nbacom_boxscores',\n        'p2_bdl_box_scores',"),
    })
    findings = run(tmp_path, ("PF101",))
    assert [(f.location.line, f.message.split("; ", 1)[1], [(r.location.line, r.message) for r in f.related])
            for f in findings] == [
        (8, "did you mean 'p2_nbacom_team_boxscore' or 'p2_nbacom_player_boxscore'?",
         [(2, "'p2_nbacom_team_boxscore' is declared here"), (3, "'p2_nbacom_player_boxscore' is declared here")]),
    ]
