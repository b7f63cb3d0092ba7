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
    """The ${{ }} expressions, and every `if:` (an expression without the braces)."""
    if isinstance(value, dict):
        conditions = [value["if"]] if isinstance(value.get("if"), str) else []
        return conditions + [e for k, v in value.items() if k != "if" for e in expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    return EXPRESSION.findall(value) if isinstance(value, str) else []


def test_is_a_composite_action_with_described_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] == "gcp-preflight"
    assert set(ACTION["inputs"]) == {"args", "python-version", "sarif", "sarif-file", "category", "cache"}
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
    assert read == set(check["env"]) - {"PREFLIGHT_PYTHON", "PREFLIGHT_CACHE_DIR"} == {
        "PREFLIGHT_ARGS", "PREFLIGHT_SARIF", "PREFLIGHT_SARIF_FILE", "PREFLIGHT_CATEGORY"}


def project_python(tmp_path: Path) -> Path:
    """A stand-in for the action's virtual environment: this checkout's code under `python -I`
    (an installed gcp-preflight elsewhere on the machine must not be the one tested)."""
    code = (f"import runpy, sys; sys.path.insert(0, {str(PROJECT)!r}); module = sys.argv[sys.argv.index('-m') + 1]; "
            "sys.argv = [module]; runpy.run_module(module, run_name='__main__', alter_sys=True)")
    wrapper = tmp_path / "venv-python"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I -c "{code}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper


def run_check_step(tmp_path: Path, repo: Path, inputs: dict[str, str]):
    """The check step's script under bash, with its env: expressions evaluated."""
    check = next(s for s in steps() if s.get("id") == "check")
    values = {f"inputs.{k}": inputs.get(k, spec.get("default", "")) for k, spec in ACTION["inputs"].items()}
    values["steps.install.outputs.python"] = str(project_python(tmp_path))
    values["steps.paths.outputs.facts"] = str(tmp_path / "facts")
    (tmp_path / "facts").mkdir(mode=0o700, exist_ok=True)
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
    assert outputs == ("sarif-file=out/preflight.sarif\nfindings=1\nerrors=1\nwarnings=0\ninfos=0\n"
                       "exit-code=1\n")
    log = json.loads((broken_repo / "out/preflight.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PF002"]


def test_check_step_passes_on_a_clean_selection_without_sarif(tmp_path, broken_repo):
    done, outputs = run_check_step(tmp_path, broken_repo, {"args": "app/ok.py"})
    assert (done.returncode, done.stdout, outputs) == (0, "", "findings=0\nerrors=0\nwarnings=0\ninfos=0\nexit-code=0\n")
    assert not (broken_repo / "gcp-preflight.sarif").exists()


def test_unbalanced_quotes_in_args_are_a_usage_error(tmp_path, broken_repo):
    done, outputs = run_check_step(tmp_path, broken_repo, {"args": "--select 'PF002"})
    assert (done.returncode, done.stderr) == (2, "preflight: the action's args input: No closing quotation\n")
    assert outputs == "exit-code=2\n"



def test_a_category_per_root_reaches_the_sarif(tmp_path, broken_repo):
    done, _ = run_check_step(tmp_path, broken_repo, {"sarif": "true", "category": "preflight/services-api"})
    assert done.returncode == 1, done.stderr
    log = json.loads((broken_repo / "gcp-preflight.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["automationDetails"] == {"id": "preflight/services-api/"}


def test_the_check_uses_the_cached_fact_folder(tmp_path, broken_repo):
    done, _ = run_check_step(tmp_path, broken_repo, {})
    assert done.returncode == 1, done.stderr
    assert sorted(p.name for p in (tmp_path / "facts").iterdir()) == ["facts-v4.sqlite3", "valid-configs"]


def test_pip_and_the_fact_cache_are_restored_and_saved_under_one_key():
    by_id = {s.get("id"): s for s in steps()}
    key = "${{ steps.paths.outputs.key }}"
    caches = [s for s in steps() if s.get("uses", "").startswith("actions/cache/")]
    assert [(s["uses"], s["with"]["path"]) for s in caches] == [
        ("actions/cache/restore@v4", "${{ steps.paths.outputs.pip }}"),
        ("actions/cache/restore@v4", "${{ steps.paths.outputs.facts }}"),
        ("actions/cache/save@v4", "${{ steps.paths.outputs.pip }}"),
        ("actions/cache/save@v4", "${{ steps.paths.outputs.facts }}"),
    ]
    assert all(s["with"]["key"].startswith(key) for s in caches)
    assert by_id["facts-cache"]["with"]["restore-keys"] == f"{key}-facts-"
    assert caches[-1]["if"].startswith("always()")  # saved when the gate fails too
    assert by_id["install"]["env"]["PIP_CACHE_DIR"] == "${{ steps.paths.outputs.pip }}"
    assert by_id["check"]["env"]["PREFLIGHT_CACHE_DIR"] == "${{ steps.paths.outputs.facts }}"


def test_the_cache_key_names_the_os_python_and_version_and_the_fact_folder_is_private(tmp_path):
    from gcp_preflight import __version__

    paths = next(s for s in steps() if s.get("id") == "paths")
    assert paths["env"] == {"PYTHON_VERSION": "${{ steps.python.outputs.python-version }}", "OS_NAME": "${{ runner.os }}"}
    output = tmp_path / "github_output"
    env = dict(os.environ, RUNNER_TEMP=str(tmp_path / "runner"), GITHUB_ACTION_PATH=str(PROJECT),
               GITHUB_OUTPUT=str(output), PYTHON_VERSION="3.12.4", OS_NAME="Linux")
    (tmp_path / "runner").mkdir()
    done = subprocess.run(["bash", "-c", paths["run"]], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    base = tmp_path / "runner" / "gcp-preflight-cache"
    assert output.read_text() == (f"pip={base}/pip\nfacts={base}/facts\n"
                                  f"key=gcp-preflight-Linux-py3.12.4-v{__version__}\n")
    assert (base / "facts").stat().st_mode & 0o777 == 0o700
