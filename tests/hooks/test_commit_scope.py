"""What a commit can break: a finding counts for every file it depends on (requirements file,
.gcloudignore, the files declaring a name, the schema), and under pre-commit (or with
--tracked-only) a file git does not track is absent, as it is for a deploy from CI."""

import os
import shutil
import subprocess

import pytest

from gcp_preflight.cli import main
from tests.helpers import write_repo

UNIT = {
    "preflight.toml": "",
    "deploy.sh": "gcloud functions deploy fn --gen2 --runtime python311 --memory 512MB --source fn --entry-point fn\n",
    "fn/main.py": "import yaml\nfrom helpers import fmt\n\n\ndef fn(request):\n    return fmt(yaml.safe_load('a: 1'))\n",
    "fn/helpers.py": "def fmt(value):\n    return str(value)\n",
    "fn/requirements.txt": "requests==2.32.3\n",
}
PF203 = ("fn/main.py:1:1: error PF203 `yaml` needs the distribution PyYAML, which function fn does not install "
         "(not in fn/requirements.txt); import chain: main.py:1 -> import yaml")


def check(capsys, *args):
    status = main(["check", "--no-cache", "-q", "--select", "PF1,PF2", *args])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def test_a_requirements_file_alone_reports_what_it_breaks(tmp_path, monkeypatch, capsys):
    write_repo(tmp_path, UNIT)
    monkeypatch.chdir(tmp_path)
    status, lines, _ = check(capsys, "fn/requirements.txt")
    assert (status, lines[0]) == (1, PF203)
    assert check(capsys, "fn/helpers.py") == (0, [], "")


def test_an_ignore_file_alone_reports_what_it_breaks(tmp_path, monkeypatch, capsys):
    write_repo(tmp_path, dict(UNIT, **{"fn/requirements.txt": "PyYAML==6.0.2\n",
                                       "fn/.gcloudignore": ".gcloudignore\nhelpers.py\n"}))
    monkeypatch.chdir(tmp_path)
    status, lines, _ = check(capsys, "fn/.gcloudignore")
    assert status == 1
    assert lines[0].startswith("fn/main.py:2:1: error PF202 `helpers` cannot be imported in function fn: "
                               "fn/helpers.py exists in the repository but not in the deployed package")


def test_every_file_declaring_the_names_counts(tmp_path, monkeypatch, capsys):
    write_repo(tmp_path, {
        "preflight.toml": """
            [names.sources.declared]
            yaml = "config/*.yaml"
            select = "**.processor_name"
            [names.sources.used]
            python = "app/settings.py"
            symbol = "USED"
            [[names.contracts]]
            kind = "subset"
            source = "used"
            target = "declared"
            """,
        "config/a.yaml": "x:\n  processor_name: alpha\n",
        "config/b.yaml": "y:\n  processor_name: beta\n",
        "app/settings.py": 'USED = ["alpha", "gamma"]\n',
    })
    monkeypatch.chdir(tmp_path)
    status, lines, _ = check(capsys, "config/b.yaml")
    assert status == 1 and lines[0].startswith("app/settings.py:1:18: error PF101 'gamma' in used is not in declared")


def test_a_schema_file_alone_reports_the_writes_it_breaks(tmp_path, monkeypatch, capsys):
    write_repo(tmp_path, {
        "preflight.toml": "",
        "schemas/events.sql": "CREATE TABLE analytics.events (event_id STRING, tag STRING);\n",
        "app/main.py": """
            from google.cloud import bigquery

            client = bigquery.Client()


            def record(event_id):
                row = {"event_id": event_id, "tag": ["live", "final"]}
                client.insert_rows_json("analytics.events", [row])
            """,
    })
    monkeypatch.chdir(tmp_path)
    status = main(["check", "--no-cache", "-q", "--select", "PF4", "schemas/events.sql"])
    assert (status, capsys.readouterr().out.split(" ", 2)[:2]) == (1, ["app/main.py:7:41:", "error"])


# -- files git does not track -----------------------------------------------------------------
def _git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_AUTHOR_NAME="t",
                                   GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
                                   GIT_COMMITTER_EMAIL="t@example.com"))


@pytest.fixture
def untracked_helper(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    write_repo(tmp_path, dict(UNIT, **{"fn/requirements.txt": "PyYAML==6.0.2\n"}))
    assert _git(tmp_path, "init", "-q").returncode == 0
    assert _git(tmp_path, "add", "preflight.toml", "deploy.sh", "fn/main.py", "fn/requirements.txt").returncode == 0
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    return tmp_path


# An untracked module is absent: its import reads as a third-party one that nothing installs.
MISSING = ("fn/main.py:2:1: error PF203 `helpers` is provided by none of the distributions function fn installs "
           "(not in fn/requirements.txt); import chain: main.py:2 -> from helpers import fmt")


def test_tracked_only_treats_untracked_files_as_absent(untracked_helper, capsys):
    assert check(capsys) == (0, [], "")
    assert check(capsys, "--tracked-only") == (1, [MISSING, "    = deploy.sh:1: function fn is defined here"], "")


def test_under_pre_commit_untracked_files_are_absent(untracked_helper, capsys, monkeypatch):
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert check(capsys, "fn/main.py")[:2] == (1, [MISSING, "    = deploy.sh:1: function fn is defined here"])
    _git(untracked_helper, "add", "fn/helpers.py")
    assert check(capsys, "fn/main.py") == (0, [], "")


def test_a_tracked_file_a_gitignore_pattern_matches_is_there(tmp_path, monkeypatch, capsys):
    # tpximpact/GCP-Data-Pipelines-DX: `*.txt` in .gitignore, the requirements files committed
    # all the same. git ignores .gitignore for tracked files, and the deploy uploads them.
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    write_repo(tmp_path, dict(UNIT, **{".gitignore": "*.txt\nbuild/\n", "fn/requirements.txt": "PyYAML==6.0.2\n",
                                       "build/notes.txt": "not tracked\n"}))
    assert _git(tmp_path, "init", "-q").returncode == 0
    assert _git(tmp_path, "add", "-f", ".gitignore", "preflight.toml", "deploy.sh", "fn").returncode == 0
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    assert check(capsys, "--tracked-only") == (0, [], "")
    assert check(capsys) == (0, [], "")  # git is not run: its index is read (git_index.py)
    # with no repository, .gitignore decides: the requirements file is left out
    shutil.rmtree(tmp_path / ".git")
    status, lines, _ = check(capsys)
    assert (status, lines[0].split(" PF")[0]) == (1, "fn/main.py:1:1: error")


def test_outside_a_repository_it_says_so_and_checks_every_file(tmp_path, monkeypatch, capsys):
    write_repo(tmp_path / "repo", dict(UNIT, **{"fn/requirements.txt": "PyYAML==6.0.2\n"}))
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above either
    assert check(capsys, "--tracked-only") == (0, [], (
        "preflight: . is not in a git repository (or git is not installed), so files git does not track "
        "cannot be left out; checking every file\n"))
