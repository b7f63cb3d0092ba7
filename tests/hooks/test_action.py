"""action.yml: a composite action whose every input is used, passed through env: only, and
whose check step really gates (run here with bash, as the runner would)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import write_repo

PROJECT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
RUNNER_VARIABLES = {"RUNNER_TEMP", "GITHUB_ACTION_PATH", "GITHUB_OUTPUT"}


def steps():
    return ACTION["runs"]["steps"]


def expressions(value) -> list[str]:
    if isinstance(value, dict):
        return [e for v in value.values() for e in expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    return EXPRESSION.findall(value) if isinstance(value, str) else []


def test_is_a_composite_action_with_described_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] == "gcp-preflight"
    assert set(ACTION["inputs"]) == {"args", "python-version", "sarif", "sarif-file"}
    for name, spec in ACTION["inputs"].items():
        assert spec["description"].strip(), name
        assert isinstance(spec.get("default", ""), str), name


def test_every_input_is_used_and_nothing_undeclared_is_referenced():
    used = {m.group(1) for e in expressions(ACTION["runs"]) + expressions(ACTION["outputs"])
            for m in re.finditer(r"\binputs\.([\w-]+)", e)}
    assert used == set(ACTION["inputs"])
    ids = {s.get("id") for s in steps()}
    for e in expressions(ACTION["runs"]) + expressions(ACTION["outputs"]):
        for step_id in re.findall(r"\bsteps\.([\w-]+)\.outputs\.", e):
            assert step_id in ids, e


def test_run_scripts_take_inputs_from_env_only():
    for step in steps():
        if "run" not in step:
            continue
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], step["run"]
        variables = set(re.findall(r"\$\{?([A-Z_][A-Z0-9_]*)", step["run"]))
        assert variables <= set(step.get("env", {})) | RUNNER_VARIABLES, step["id"]


def test_the_gate_reads_the_variables_the_check_step_sets():
    gate_source = (PROJECT / "gcp_preflight/hooks/gate.py").read_text(encoding="utf-8")
    check = next(s for s in steps() if s.get("id") == "check")
    read = set(re.findall(r'"(PREFLIGHT_[A-Z_]+)"', gate_source))
    assert read == set(check["env"]) - {"PREFLIGHT_PYTHON"} == {"PREFLIGHT_ARGS", "PREFLIGHT_SARIF", "PREFLIGHT_SARIF_FILE"}


def run_check_step(tmp_path: Path, repo: Path, inputs: dict[str, str]):
    """The check step's script under bash, with its env: expressions evaluated."""
    check = next(s for s in steps() if s.get("id") == "check")
    values = {f"inputs.{k}": inputs.get(k, spec.get("default", "")) for k, spec in ACTION["inputs"].items()}
    values["steps.install.outputs.python"] = sys.executable
    output = tmp_path / "github_output"
    env = dict(os.environ, PYTHONPATH=str(PROJECT), GITHUB_OUTPUT=str(output), GITHUB_WORKSPACE=str(repo))
    env.pop("GITHUB_STEP_SUMMARY", None)
    for key, value in check["env"].items():
        env[key] = EXPRESSION.sub(lambda m: values[m.group(1)], value)
    done = subprocess.run(["bash", "-c", check["run"]], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    return done, output.read_text(encoding="utf-8") if output.exists() else ""


@pytest.fixture
def broken_repo(tmp_path):
    return write_repo(tmp_path / "repo", {"preflight.toml": "", "app/main.py": "def f(:\n", "app/ok.py": "x = 1\n"})


def test_check_step_annotates_writes_sarif_and_fails(tmp_path, broken_repo):
    done, outputs = run_check_step(tmp_path, broken_repo, {"sarif": "true", "sarif-file": "out/preflight.sarif",
                                                           "args": "--select 'PF002' ."})
    assert done.returncode == 1, done.stderr
    assert done.stdout == ("::error file=app/main.py,line=1,col=7,title=PF002 python-syntax-error::"
                           "syntax error: invalid syntax\n")
    assert outputs == "sarif-file=out/preflight.sarif\n"
    log = json.loads((broken_repo / "out/preflight.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PF002"]


def test_check_step_passes_on_a_clean_selection_without_sarif(tmp_path, broken_repo):
    done, outputs = run_check_step(tmp_path, broken_repo, {"args": "app/ok.py"})
    assert (done.returncode, done.stdout, outputs) == (0, "", "")
    assert not (broken_repo / "gcp-preflight.sarif").exists()


def test_unbalanced_quotes_in_args_are_a_usage_error(tmp_path, broken_repo):
    done, _ = run_check_step(tmp_path, broken_repo, {"args": "--select 'PF002"})
    assert (done.returncode, done.stderr) == (2, "preflight: the action's args input: No closing quotation\n")
