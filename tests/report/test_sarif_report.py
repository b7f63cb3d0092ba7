"""SARIF for code scanning: fingerprints that survive moved lines, URIs inside the workspace."""

import json
from pathlib import Path

import pytest

from gcp_preflight.cli import main
from tests.helpers import write_repo

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def sarif(root: Path, capsys) -> dict:
    assert main(["check", str(root), "--format", "sarif", "--no-cache", "--exit-zero"]) == 0
    return json.loads(capsys.readouterr().out)


def results(log: dict) -> list[tuple[str, str, int, str]]:
    return [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["partialFingerprints"]["primaryLocationLineHash"]) for r in log["runs"][0]["results"]]


def test_fingerprints_do_not_move_with_lines(tmp_path, capsys):
    repo = write_repo(tmp_path / "repo", {"preflight.toml": "", "app/main.py": "import os\ndef f(:\n"})
    before = results(sarif(repo, capsys))
    (repo / "app/main.py").write_text("import os\nimport sys\n\n\ndef f(:\n", encoding="utf-8")
    after = results(sarif(repo, capsys))
    assert [(code, uri, line) for code, uri, line, _ in before] == [("PF002", "app/main.py", 2)]
    assert [(code, uri, line) for code, uri, line, _ in after] == [("PF002", "app/main.py", 5)]
    assert before[0][3] == after[0][3] and len(before[0][3]) == 20


def test_uris_are_relative_to_the_workspace(tmp_path, capsys, monkeypatch):
    repo = write_repo(tmp_path / "examples" / "pipeline", {"preflight.toml": "", "app/main.py": "def f(:\n"})
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    log = sarif(repo, capsys)
    assert [uri for _, uri, _, _ in results(log)] == ["examples/pipeline/app/main.py"]
    if not SCHEMA.exists():
        pytest.skip("the SARIF 2.1.0 schema is kept beside the project, at ../shared/schemas")
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
