"""PF1xx: a name used in one place must be declared in another.

The analysis (rules/names/) runs once per check; each rule reports its own code.
"""

from __future__ import annotations

from gcp_preflight.model import Severity
from gcp_preflight.rules.names.check import analyse
from gcp_preflight.rules.base import rule


def _found(project, code):
    return (diag for c, diag in project.memo(analyse) if c == code)


@rule("PF101", "undeclared-name", Severity.ERROR)
def undeclared_name(project):
    """A name that is not declared where it must be.

    ## What it does
    For a `subset` contract, reports each name of the source that the target does not hold, at
    the name's own line, with the closest declared name as a did-you-mean. With no
    configuration it checks the common layout: Python lists, sets and dataclass fields whose
    names mention processors must name only `processor_name` values declared in YAML.

    ## Why is this bad?
    An orchestrator waiting for `bdl_player_boxscores` while the processor publishes
    `p2_bdl_box_scores` never sees it complete: phase 2 reports 1 of 6 done and the pipeline
    stalls, with no error anywhere.

    ## Example
    ```yaml config/workflows.yaml
    scrapers:
      bdl_box_scores:
        processor_name: "p2_bdl_box_scores"
      nbac_schedule:
        processor_name: "p2_nbacom_schedule"
    ```
    ```python shared/config/orchestration_config.py
    from dataclasses import dataclass, field

    @dataclass
    class PhaseTransitionConfig:
        phase2_expected_processors: list = field(default_factory=lambda: [
            "bdl_player_boxscores",
            "p2_nbacom_schedule",
        ])
    ```

    ## Fix
    Use the declared name (or declare the new one).
    ```python shared/config/orchestration_config.py
    from dataclasses import dataclass, field

    @dataclass
    class PhaseTransitionConfig:
        phase2_expected_processors: list = field(default_factory=lambda: [
            "p2_bdl_box_scores",
            "p2_nbacom_schedule",
        ])
    ```
    """
    return _found(project, "PF101")


@rule("PF102", "lists-differ", Severity.ERROR)
def lists_differ(project):
    """Two lists that must hold the same names do not.

    ## What it does
    For an `equal` contract, compares each copy of the source list with the target list (the
    one in the same file, else the nearest copy) and names what each side lacks.

    ## Why is this bad?
    A fallback copy of the expected-processor list in an orchestrator's `main.py` is what runs
    when the shared config cannot be imported. When it drifts, the orchestrator waits for the
    wrong set exactly when things already went wrong.

    ## Example
    ```toml preflight.toml
    [names.sources.expected]
    python = "shared/config.py"
    symbol = "EXPECTED_PROCESSORS"
    [names.sources.fallback]
    python = "orchestrator/main.py"
    symbol = "EXPECTED_PROCESSORS"
    [[names.contracts]]
    kind = "equal"
    source = "fallback"
    target = "expected"
    ```
    ```python shared/config.py
    EXPECTED_PROCESSORS = ["p2_bdl_box_scores", "p2_nbacom_schedule"]
    ```
    ```python orchestrator/main.py
    EXPECTED_PROCESSORS = ["p2_bdl_box_scores"]
    ```

    ## Fix
    Bring the copy in line (or import the list instead of copying it).
    ```python orchestrator/main.py
    EXPECTED_PROCESSORS = ["p2_bdl_box_scores", "p2_nbacom_schedule"]
    ```
    """
    return _found(project, "PF102")


@rule("PF103", "class-without-entry", Severity.ERROR)
def class_without_entry(project):
    """A class (or other name) that has no entry in the map that must cover it.

    ## What it does
    For a `keys-cover` contract, reports each name of the source, typically the subclasses of a
    base class, that is not a key of the target map, at the class definition.

    ## Why is this bad?
    A map such as `CLASS_TO_CONFIG_MAP` normalises class names to processor names. A processor
    class without an entry (or whose entry key is misspelled) is never matched: its completion
    is never counted.

    ## Example
    ```toml preflight.toml
    [names.sources.processors]
    classes = "ProcessorBase"
    [names.sources.class_map]
    python = "shared/config.py"
    symbol = "CLASS_TO_CONFIG_MAP"
    [[names.contracts]]
    kind = "keys-cover"
    source = "processors"
    target = "class_map"
    ```
    ```python shared/config.py
    CLASS_TO_CONFIG_MAP = {"ScheduleProcessor": "p2_nbacom_schedule"}
    ```
    ```python processors/base.py
    class ProcessorBase:
        pass
    ```
    ```python processors/boxscores.py
    from processors.base import ProcessorBase

    class ScheduleProcessor(ProcessorBase):
        pass

    class BoxscoresProcessor(ProcessorBase):
        pass
    ```

    ## Fix
    Add the entry.
    ```python shared/config.py
    CLASS_TO_CONFIG_MAP = {
        "ScheduleProcessor": "p2_nbacom_schedule",
        "BoxscoresProcessor": "p2_bdl_box_scores",
    }
    ```
    """
    return _found(project, "PF103")


@rule("PF104", "duplicate-name", Severity.WARNING)
def duplicate_name(project):
    """The same name twice in one list, set or dict.

    ## What it does
    Reports the second occurrence of a name inside one Python literal (a list, tuple, set or
    dict's keys) that is a name source, pointing back at the first.

    ## Why is this bad?
    A count-based completion check (`len(done) == len(expected)`) never completes when a name
    is listed twice; a duplicate dict key silently drops the first entry; a duplicate in a set
    usually means another name was meant.

    ## Example
    ```yaml config/workflows.yaml
    scrapers:
      bdl_box_scores:
        processor_name: "p2_bdl_box_scores"
    ```
    ```python shared/config.py
    EXPECTED_PROCESSORS = ["p2_bdl_box_scores", "p2_bdl_box_scores"]
    ```

    ## Fix
    Remove the duplicate, or write the name that was meant.
    ```python shared/config.py
    EXPECTED_PROCESSORS = ["p2_bdl_box_scores"]
    ```
    """
    return _found(project, "PF104")


@rule("PF105", "lookalike-name", Severity.ERROR)
def lookalike_name(project):
    """A name with non-ASCII or invisible characters, or one that differs from a declared name
    only by case or separators.

    ## What it does
    Reports names that read like another name but are not equal to it: a Cyrillic `р` for a
    Latin `p`, a zero-width space, `P2_Bdl_Box_Scores` or `p2-bdl-box-scores` where
    `p2_bdl_box_scores` is declared. When the declared name is known, `--fix` writes it.

    ## Why is this bad?
    String comparison sees different names where a reviewer sees the same one: a map keyed by
    `Scheduleрrocessor` (with a Cyrillic letter) never matches the class `ScheduleProcessor`,
    and nobody can see why.

    ## Example
    ```yaml config/workflows.yaml
    scrapers:
      bdl_box_scores:
        processor_name: "p2_bdl_box_scores"
      nbac_schedule:
        processor_name: "p2_nbacom_schedule"
    ```
    ```python shared/config.py
    EXPECTED_PROCESSORS = ["p2_nbacom_schedule", "P2_BDL_Box_Scores"]
    ```

    ## Fix
    Write the declared name exactly.
    ```python shared/config.py
    EXPECTED_PROCESSORS = ["p2_nbacom_schedule", "p2_bdl_box_scores"]
    ```
    """
    return _found(project, "PF105")


@rule("PF106", "name-in-both-lists", Severity.ERROR)
def name_in_both_lists(project):
    """A name in two lists that must not share names.

    ## What it does
    For a `disjoint` contract (required versus optional processors, say), reports each name of
    the source that the target also holds.

    ## Why is this bad?
    A processor both required and optional makes the phase's completion rule ambiguous: one
    code path waits for it, another does not.

    ## Example
    ```toml preflight.toml
    [names.sources.required]
    python = "shared/config.py"
    symbol = "REQUIRED"
    [names.sources.optional]
    python = "shared/config.py"
    symbol = "OPTIONAL"
    [[names.contracts]]
    kind = "disjoint"
    source = "required"
    target = "optional"
    ```
    ```python shared/config.py
    REQUIRED = ["p2_bdl_box_scores", "p2_nbacom_schedule"]
    OPTIONAL = ["p2_nbacom_schedule"]
    ```

    ## Fix
    Keep the name in one list only.
    ```python shared/config.py
    REQUIRED = ["p2_bdl_box_scores", "p2_nbacom_schedule"]
    OPTIONAL = []
    ```
    """
    return _found(project, "PF106")


@rule("PF107", "name-not-statically-known", Severity.INFO)
def name_not_statically_known(project):
    """Part of a name source that cannot be read without running the code.

    ## What it does
    Reports each part of a checked list that is built by something other than literals, names
    of constants (in the module or imported from a project module), class attributes and
    `+ | - &`, `list() tuple() set() frozenset() sorted() reversed()`, `.keys() .values()
    .copy()`: a function call, a comprehension, an f-string, a name from outside the project.
    The names it would produce are not checked; nothing is guessed.

    ## Why is this bad?
    It is not wrong in itself, but the contract cannot vouch for those names. Info only: it
    says where checking stops.

    ## Example
    ```yaml config/workflows.yaml
    scrapers:
      bdl_box_scores:
        processor_name: "p2_bdl_box_scores"
    ```
    ```python shared/config.py
    import os

    EXPECTED_PROCESSORS = ["p2_bdl_box_scores"] + os.environ["EXTRA"].split(",")
    ```

    ## Fix
    Write the names as literals, or accept the finding (it is info).
    ```python shared/config.py
    EXPECTED_PROCESSORS = ["p2_bdl_box_scores"]
    ```
    """
    return _found(project, "PF107")


@rule("PF108", "names-config-problem", Severity.ERROR)
def names_config_problem(project):
    """A names source or contract in the configuration that cannot work.

    ## What it does
    Reports a contract that names an undefined source, a YAML selector or pattern that does not
    parse, and a source that matches nothing (the file, symbol or base class is not there).

    ## Why is this bad?
    A contract over a source that matches nothing checks nothing, silently: after a rename of
    the config module the consistency check would pass forever.

    ## Example
    ```toml preflight.toml
    [names.sources.expected]
    python = "shared/config.py"
    symbol = "EXPECTED_PROCESORS"
    [names.sources.declared]
    yaml = "config/workflows.yaml"
    select = "scrapers.*.processor_name"
    [[names.contracts]]
    kind = "subset"
    source = "expected"
    target = "declared"
    ```
    ```python shared/config.py
    EXPECTED_PROCESSORS = ["p2_bdl_box_scores"]
    ```
    ```yaml config/workflows.yaml
    scrapers:
      bdl_box_scores:
        processor_name: "p2_bdl_box_scores"
    ```

    ## Fix
    Name the symbol as the code spells it.
    ```toml preflight.toml
    [names.sources.expected]
    python = "shared/config.py"
    symbol = "EXPECTED_PROCESSORS"
    [names.sources.declared]
    yaml = "config/workflows.yaml"
    select = "scrapers.*.processor_name"
    [[names.contracts]]
    kind = "subset"
    source = "expected"
    target = "declared"
    ```
    """
    return _found(project, "PF108")


@rule("PF109", "unmatched-prefix", Severity.ERROR)
def unmatched_prefix(project):
    """A path or name that starts with none of the prefixes that route it.

    ## What it does
    For a `prefix` contract, reports each name of the source that does not start with a name of
    the target followed by the separator (`/` by default), at the name's own line, with the
    closest prefix as a did-you-mean. Typical: the `gcs_path_template` of every scraper class
    against the keys of a registry that routes stored files to processors by path prefix.

    ## Why is this bad?
    A scraper that writes under `nba-com/player-list/` while the router only knows
    `nba-com/schedule` and `nba-com/gamebooks-data` stores files that no processor ever loads:
    the scraper succeeds, the phase never completes, and no error is logged anywhere.

    ## Example
    ```toml preflight.toml
    [names.sources.gcs_paths]
    classes = "ScraperBase"
    attribute = "gcs_path_template"
    [names.sources.routes]
    python = "processors/registry.py"
    symbol = "PROCESSOR_REGISTRY"
    [[names.contracts]]
    kind = "prefix"
    source = "gcs_paths"
    target = "routes"
    ```
    ```python scrapers/base.py
    class ScraperBase:
        gcs_path_template = ""
    ```
    ```python scrapers/nbacom.py
    from scrapers.base import ScraperBase

    class ScheduleScraper(ScraperBase):
        gcs_path_template = "nba-com/schedule/{date}/{timestamp}.json"

    class GamebookScraper(ScraperBase):
        gcs_path_template = "nba-com/gamebook/{date}/{timestamp}.json"
    ```
    ```python processors/registry.py
    PROCESSOR_REGISTRY = {
        "nba-com/schedule": "ScheduleProcessor",
        "nba-com/gamebooks-data": "GamebookProcessor",
    }
    ```

    ## Fix
    Write under a routed prefix (or add a route for the new one).
    ```python scrapers/nbacom.py
    from scrapers.base import ScraperBase

    class ScheduleScraper(ScraperBase):
        gcs_path_template = "nba-com/schedule/{date}/{timestamp}.json"

    class GamebookScraper(ScraperBase):
        gcs_path_template = "nba-com/gamebooks-data/{date}/{timestamp}.json"
    ```
    """
    return _found(project, "PF109")


RULES = (undeclared_name, lists_differ, class_without_entry, duplicate_name, lookalike_name,
         name_in_both_lists, name_not_statically_known, names_config_problem, unmatched_prefix)
