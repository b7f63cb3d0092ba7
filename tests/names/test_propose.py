"""`propose_names_config`: the snippet `preflight init` writes, and that it works as config."""

import tomllib

from gcp_preflight.config import Config, validate
from gcp_preflight.names.propose import propose_names_config
from gcp_preflight.project import Project
from gcp_preflight.validators import default_validators
from tests.helpers import found, write_repo

REPO = {
    "config/workflows.yaml": """
        scrapers:
          a: {processor_name: p2_a}
          b: {processor_name: p2_b}
        """,
    "shared/config/orchestration_config.py": """
        from dataclasses import dataclass, field

        CLASS_TO_CONFIG_MAP = {"AProcessor": "p2_a", "BProcessor": "p2_b"}

        @dataclass
        class Cfg:
            phase2_required_processors: list = field(default_factory=lambda: ["p2_a"])
            phase2_optional_processors: list = field(default_factory=lambda: ["p2_b"])
            phase2_expected_processors: list = field(default_factory=lambda: ["p2_a", "p2_b"])
        """,
    "orchestration/phase2/main.py": 'phase2_expected_processors = ["p2_a", "p2_b"]\n',
    "processors/base.py": "class ProcessorBase:\n    pass\n",
    "processors/a.py": "from processors.base import ProcessorBase\nclass AProcessor(ProcessorBase):\n    pass\n",
}


def _project(root):
    return Project(root, Config(), default_validators(), use_cache=False)


def test_proposal_text(tmp_path):
    write_repo(tmp_path, REPO)
    text = propose_names_config(_project(tmp_path), prefix="")
    body = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert body == [
        "[names.sources.declared]", 'yaml = "config/workflows.yaml"', 'select = "**.processor_name"',
        "[names.sources.phase2_expected_processors]", 'python = "shared/config/orchestration_config.py"',
        'symbol = "Cfg.phase2_expected_processors"',
        "[names.sources.phase2_optional_processors]", 'python = "shared/config/orchestration_config.py"',
        'symbol = "Cfg.phase2_optional_processors"',
        "[names.sources.phase2_required_processors]", 'python = "shared/config/orchestration_config.py"',
        'symbol = "Cfg.phase2_required_processors"',
        "[names.sources.phase2_expected_processors_fallback]", 'python = "orchestration/phase2/main.py"',
        'symbol = "phase2_expected_processors"',
        "[names.sources.class_to_config_map]", 'python = "shared/config/orchestration_config.py"',
        'symbol = "CLASS_TO_CONFIG_MAP"',
        "[names.sources.processorbase_classes]", 'classes = "ProcessorBase"',
        "[names.sources.class_to_config_map_values]", 'python = "shared/config/orchestration_config.py"',
        'symbol = "CLASS_TO_CONFIG_MAP"', 'part = "values"',
        *[line for kind, source, target in [
            ("subset", "phase2_expected_processors", "declared"),
            ("subset", "phase2_optional_processors", "declared"),
            ("subset", "phase2_required_processors", "declared"),
            ("subset", "phase2_expected_processors_fallback", "declared"),
            ("equal", "phase2_expected_processors_fallback", "phase2_expected_processors"),
            ("subset", "phase2_required_processors", "phase2_expected_processors"),
            ("disjoint", "phase2_required_processors", "phase2_optional_processors"),
            ("subset", "class_to_config_map", "processorbase_classes"),
            ("keys-cover", "processorbase_classes", "class_to_config_map"),
            ("subset", "class_to_config_map_values", "declared")]
          for line in ("[[names.contracts]]", f'kind = "{kind}"', f'source = "{source}"', f'target = "{target}"')],
    ]


def test_proposal_is_valid_config_and_finds_what_it_should(tmp_path):
    write_repo(tmp_path, REPO)
    text = propose_names_config(_project(tmp_path))
    data = tomllib.loads(text)
    validate(data["tool"]["gcp-preflight"], "pyproject.toml", "tool.gcp-preflight")
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    # BProcessor is mapped but not defined: the proposed contracts catch it.
    assert found(tmp_path, ("PF1",)) == [("PF101", "shared/config/orchestration_config.py:3")]


def test_nothing_to_propose(tmp_path):
    write_repo(tmp_path, {"app/main.py": "X = 1\n"})
    text = propose_names_config(_project(tmp_path))
    assert tomllib.loads(text) == {}
    assert "No YAML file declares processor_name values" in text


def test_copies_share_one_glob(tmp_path):
    write_repo(tmp_path, dict(REPO, **{
        "orchestration/cf/shared/config/orchestration_config.py": REPO["shared/config/orchestration_config.py"]}))
    text = propose_names_config(_project(tmp_path))
    assert 'python = "**/shared/config/orchestration_config.py"' in text.splitlines()
