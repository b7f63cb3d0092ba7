"""The pre-commit hooks: the manifest, excludes for files passed explicitly, and a real commit
refused and then accepted through pre-commit installing this repository as a hook."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pre_commit.clientlib import load_manifest

from gcp_preflight.cli import main
from tests.helpers import write_repo

PROJECT = Path(__file__).resolve().parents[2]


def test_manifest_declares_the_three_hooks():
    hooks = {h["id"]: h for h in load_manifest(str(PROJECT / ".pre-commit-hooks.yaml"))}
    assert sorted(hooks) == ["preflight", "preflight-audit", "preflight-repo"]
    check = hooks["preflight"]
    assert (check["entry"], check["language"], check["require_serial"], check["pass_filenames"]) == (
        "preflight check --no-resolve", "python", True, True)  # never the exact mode on pre-commit
    assert check["types_or"] == ["text", "symlink"]
    assert (hooks["preflight-repo"]["pass_filenames"], hooks["preflight-repo"]["require_serial"]) == (False, True)
    audit = hooks["preflight-audit"]
    assert (audit["entry"], audit["stages"], audit["pass_filenames"]) == ("preflight audit", ["manual"], False)


def test_files_passed_explicitly_still_honour_excludes(tmp_path, monkeypatch, capsys):
    write_repo(tmp_path, {
        "preflight.toml": 'exclude = ["vendor/"]\n',
        "vendor/broken.py": "def f(:\n",
        "app/broken.py": "def g(:\n",
        "app/ok.py": "x = 1\n",
    })
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "vendor/broken.py", "app/ok.py"]) == 0
    assert capsys.readouterr().out == "No findings.\n"
    assert main(["check", "--no-cache", "vendor/broken.py", "app/broken.py"]) == 1
    assert capsys.readouterr().out == "app/broken.py:1:7: error PF002 syntax error: invalid syntax\nFound 1 finding (1 error).\n"


# -- a real commit through pre-commit ---------------------------------------------------------
def _git(cwd: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _hook_repository(tmp_path: Path, env: dict) -> tuple[Path, str]:
    """This project's files as they are now (committed or not) in a fresh git repository, so
    pre-commit clones and installs exactly the code under test, through its real manifest."""
    listed = _git(PROJECT, "ls-files", "-z", "--cached", "--others", "--exclude-standard", env=env)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: the hook repository is made from `git ls-files`")
    shadow = tmp_path / "hook-repo"
    for rel in filter(None, listed.stdout.split("\0")):
        source = PROJECT / rel
        if rel.startswith(("examples/", "tests/", "benchmarks/")) or not source.is_file():
            continue
        (shadow / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, shadow / rel)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-qm", "hook under test")):
        assert _git(shadow, *args, env=env).returncode == 0
    return shadow, _git(shadow, "rev-parse", "HEAD", env=env).stdout.strip()


CONFIG_MODULE = """from dataclasses import dataclass, field


@dataclass
class PhaseTransitionConfig:
    phase2_expected_processors: list = field(default_factory=lambda: [
        {names}
    ])
"""


@pytest.fixture(scope="module")
def hooks(tmp_path_factory):
    """(env, hook repository, rev): one hook repository and one PRE_COMMIT_HOME for the module,
    so pre-commit installs the hook's environment once."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("hooks")
    env = dict(os.environ, PRE_COMMIT_HOME=str(base / "pre-commit-home"), GIT_CONFIG_GLOBAL=os.devnull,
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PRE_COMMIT", None)
    hook_repo, rev = _hook_repository(base, env)
    return env, hook_repo, rev


def _work_repository(path: Path, hooks, files: dict) -> Path:
    """A scratch repository using the hook under test, with pre-commit installed, `files` committed."""
    env, hook_repo, rev = hooks
    work = write_repo(path, dict(files, **{".pre-commit-config.yaml": f"""
        repos:
          - repo: {hook_repo.as_uri()}
            rev: {rev}
            hooks:
              - id: preflight
        """}))
    assert _git(work, "init", "-q", env=env).returncode == 0
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=work, env=env,
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert _git(work, "add", "-A", env=env).returncode == 0
    first = _git(work, "commit", "-m", "initial", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    return work


@pytest.mark.integration
def test_commit_is_refused_with_the_finding_then_accepted(tmp_path, hooks):
    env = hooks[0]
    started = time.perf_counter()
    work = _work_repository(tmp_path / "work", hooks, {
        "preflight.toml": "",
        "config/workflows.yaml": """
            scrapers:
              bdl_box_scores:
                processor_name: "p2_bdl_box_scores"
              nbac_schedule:
                processor_name: "p2_nbacom_schedule"
            """,
        "shared/config/orchestration_config.py": CONFIG_MODULE.format(names='"p2_nbacom_schedule",'),
    })

    config = work / "shared/config/orchestration_config.py"
    config.write_text(CONFIG_MODULE.format(names='"p2_nbacom_schedule",\n        "bdl_player_boxscores",'), encoding="utf-8")
    _git(work, "add", "-A", env=env)
    refused = _git(work, "commit", "-m", "expect the box scores processor", env=env)
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr  # git shows the hook's output on stderr
    assert "gcp-preflight" in output and "Failed" in output
    assert ("shared/config/orchestration_config.py:8:9: error PF101 'bdl_player_boxscores' in "
            "PhaseTransitionConfig.phase2_expected_processors is not declared by any processor_name in "
            "config/workflows.yaml; did you mean 'p2_bdl_box_scores'?\n"
            "    = config/workflows.yaml:3: 'p2_bdl_box_scores' is declared here\n") in output
    assert _git(work, "log", "--oneline", env=env).stdout.count("\n") == 1

    config.write_text(CONFIG_MODULE.format(names='"p2_nbacom_schedule",\n        "p2_bdl_box_scores",'), encoding="utf-8")
    _git(work, "add", "-A", env=env)
    accepted = _git(work, "commit", "-m", "expect the box scores processor, by its name", env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr
    print(f"pre-commit install + 3 commits: {time.perf_counter() - started:.1f} s")


FUNCTION = {
    "preflight.toml": "",
    "deploy.sh": "gcloud functions deploy fn --gen2 --runtime python311 --memory 512MB --source fn --entry-point fn\n",
    "fn/main.py": "import yaml\n\n\ndef fn(request):\n    return yaml.safe_load('a: 1')\n",
    "fn/requirements.txt": "PyYAML==6.0.2\n",
}


@pytest.mark.integration
def test_the_hook_checks_what_the_commit_holds(tmp_path, hooks):
    """A commit of only the requirements file that drops PyYAML breaks fn/main.py; an import of a
    module left untracked breaks the deploy from CI: both are refused, naming the finding."""
    env = hooks[0]
    work = _work_repository(tmp_path / "work", hooks, FUNCTION)

    (work / "fn/requirements.txt").write_text("requests==2.32.3\n", encoding="utf-8")
    _git(work, "add", "fn/requirements.txt", env=env)
    refused = _git(work, "commit", "-m", "drop PyYAML", env=env)
    assert refused.returncode != 0
    assert ("fn/main.py:1:1: error PF203 `yaml` needs the distribution PyYAML, which function fn does not install "
            "(not in fn/requirements.txt); import chain: main.py:1 -> import yaml\n") in refused.stdout + refused.stderr
    _git(work, "checkout", "HEAD", "--", "fn/requirements.txt", env=env)

    (work / "fn/main.py").write_text("from helpers import fmt\n\n\ndef fn(request):\n    return fmt(1)\n",
                                     encoding="utf-8")
    (work / "fn/helpers.py").write_text("def fmt(value):\n    return str(value)\n", encoding="utf-8")
    _git(work, "add", "fn/main.py", env=env)  # fn/helpers.py left untracked
    refused = _git(work, "commit", "-m", "use a helper", env=env)
    assert refused.returncode != 0
    assert "fn/main.py:1:1: error PF203 `helpers` is provided by none of the distributions" in refused.stdout + refused.stderr

    _git(work, "add", "fn/helpers.py", env=env)
    accepted = _git(work, "commit", "-m", "use a helper, committed", env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_files_of_several_configured_roots_are_checked_each_with_its_own_config(tmp_path, monkeypatch, capsys):
    """pre-commit passes every changed file at once; a nested project keeps its own config."""
    write_repo(tmp_path, {
        "preflight.toml": "",
        "app/broken.py": "def g(:\n",
        "examples/pipeline/preflight.toml": 'ignore = ["PF003"]\n',
        "examples/pipeline/app/broken.py": "def f(:\n",
        "examples/pipeline/config/bad.yaml": "a: [\n",
    })
    monkeypatch.chdir(tmp_path)
    paths = ["examples/pipeline/app/broken.py", "app/broken.py", "examples/pipeline/config/bad.yaml"]
    assert main(["check", "--no-cache", *paths]) == 1
    assert capsys.readouterr().out == (
        "app/broken.py:1:7: error PF002 syntax error: invalid syntax\nFound 1 finding (1 error).\n"
        "examples/pipeline/app/broken.py:1:7: error PF002 syntax error: invalid syntax\nFound 1 finding (1 error).\n")
    assert main(["check", "--no-cache", "--format", "json", *paths]) == 2
    assert capsys.readouterr().err == ("preflight: the paths belong to several configured roots (., examples/pipeline); "
                                       "pass --root, or run once per root\n")
