"""docs/integrations.md works as written: the pre-commit config is valid for pre-commit and pins
this release's tag at the project's URL; the workflows use the action's real inputs and outputs."""

import re
from pathlib import Path

import cfgv
import yaml
from pre_commit.clientlib import CONFIG_SCHEMA, load_manifest

from gcp_preflight import REPOSITORY_URL, __version__

PROJECT = Path(__file__).resolve().parent.parent
DOC = (PROJECT / "docs" / "integrations.md").read_text(encoding="utf-8")
ACTION = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
BLOCKS = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", DOC, re.S)]
TAG = f"v{__version__}"
ACTION_REF = f"{REPOSITORY_URL.removeprefix('https://github.com/')}@{TAG}"


def test_the_pre_commit_example_is_a_valid_config_pinning_this_release():
    config = BLOCKS[0]
    cfgv.validate(config, CONFIG_SCHEMA)
    (repo,) = config["repos"]
    assert (repo["repo"], repo["rev"]) == (REPOSITORY_URL, TAG)
    hooks = {h["id"] for h in load_manifest(str(PROJECT / ".pre-commit-hooks.yaml"))}
    assert {h["id"] for h in repo["hooks"]} <= hooks
    assert "tagged `v` + its version" in DOC


def _action_uses(block) -> list[dict]:
    steps = [s for job in block.get("jobs", {}).values() for s in job["steps"]] if "jobs" in block else block
    return [s for s in steps if str(s.get("uses", "")).startswith(ACTION_REF.split("@")[0])]


def test_the_workflow_examples_use_the_action_as_it_is():
    workflow, several = BLOCKS[1], BLOCKS[2]
    uses = _action_uses(workflow) + _action_uses(several)
    assert len(uses) == 3
    for step in uses:
        assert step["uses"] == ACTION_REF
        assert set(step["with"]) <= set(ACTION["inputs"])
    assert len({s["with"]["category"] for s in _action_uses(several)}) == 2
    referenced = set(re.findall(r"steps\.preflight\.outputs\.([\w-]+)", yaml.safe_dump(workflow)))
    assert referenced and referenced <= set(ACTION["outputs"])
    upload = next(s for s in workflow["jobs"]["preflight"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == _action_uses(workflow)[0]["with"]["sarif-file"]
