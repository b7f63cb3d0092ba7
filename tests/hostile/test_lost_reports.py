"""Hostile checkouts, lost reports: one reader's failure is one finding (or, for the command's own
inputs, one line and exit 2), never an internal error that loses the whole report."""

import json

import pytest

from gcp_preflight.cli import main
from tests.helpers import write_repo

DEEP_JSON = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_json_does_not_stop_init(hostile):
    outcome = hostile({"schemas/deep.json": DEEP_JSON, "schemas/t.json": '{"schema": [{"name": "a", "type": "STRING"}]}'},
                      command="init")
    assert outcome.status == 0, outcome.err
    assert outcome.out.startswith("# gcp-preflight configuration, proposed by `preflight init`")


def test_deeply_nested_inventory_is_one_finding(hostile):
    outcome = hostile({"inv.json": DEEP_JSON, "preflight.toml": '[audit]\ninventory = ["inv.json"]\n'},
                      "--select", "PF900,PF301", command="validate-all")
    assert outcome.findings("PF900") == ["inv.json:1:1: warning PF900 inventory inv.json is nested too deeply to be a gcloud list"]
    assert outcome.planted


@pytest.mark.parametrize("name", [".gitignore", "fn/.gcloudignore", "fn/.dockerignore"])
def test_an_invalid_ignore_pattern_is_a_finding_at_its_line(hostile, name):
    outcome = hostile({name: "# comment\n!\n\\\nbuild/\n"}, "--select", "PF007,PF301")  # `!` and `\` alone
    assert outcome.findings("PF007") == [
        f"{name}:2:1: warning PF007 ignore pattern `!` not used: Invalid git pattern: '!'",
        f"{name}:3:1: warning PF007 ignore pattern `\\` not used: Invalid git pattern: '\\\\'",
    ]
    assert outcome.planted


def test_an_invalid_exclude_pattern_is_one_configuration_error(hostile):
    outcome = hostile({"preflight.toml": 'exclude = ["build/", "!"]\n'})
    assert (outcome.status, outcome.out) == (2, "")
    assert outcome.err == "preflight: preflight.toml: exclude[1]: pattern '!' cannot be used: Invalid git pattern: '!'\n"


@pytest.mark.parametrize("text, message", [
    ("tool = 5\n", "pyproject.toml: tool: expected a table, got an integer"),
    ('tool = "gcp-preflight"\n', "pyproject.toml: tool: expected a table, got a string"),
    ('[tool]\ngcp-preflight = ["x"]\n', "pyproject.toml: tool.gcp-preflight: expected a table, got an array"),
])
def test_a_pyproject_whose_tool_is_not_a_table_is_one_line(tmp_path, capsys, text, message):
    root = write_repo(tmp_path, {"pyproject.toml": text, "app.py": "x = 1\n"})
    assert main(["check", "--root", str(root), "--config", str(root / "pyproject.toml"), "--no-cache"]) == 2
    assert capsys.readouterr().err == f"preflight: {message}\n"


def test_a_pyproject_with_a_scalar_tool_is_simply_not_a_configuration(tmp_path, capsys):
    root = write_repo(tmp_path, {"pyproject.toml": "tool = 5\n", ".git/HEAD": "ref: x\n", "app.py": "def f(:\n"})
    assert main(["check", "--root", str(root), "--no-cache"]) == 1
    assert capsys.readouterr().out.startswith("app.py:1:7: error PF002 syntax error")


def test_inventory_items_of_any_shape_are_findings_and_the_rest_is_audited(hostile):
    function = {"name": "projects/p/locations/us-central1/functions/fn", "serviceConfig": {"availableMemory": "128Mi"},
                "state": "ACTIVE"}
    broken = [
        "a string", 5, None, [1],
        {"name": "projects/p/locations/r/functions/f2", "serviceConfig": "x"},
        {"name": "projects/p/locations/r/functions/f3", "buildConfig": [1]},
        {"name": "projects/p/locations/r/services/s1", "template": {"containers": [{"resources": 7}]}},
        {"name": "projects/p/locations/r/jobs/j1", "template": {"template": "t"}},
        {"apiVersion": "serving.knative.dev/v1", "kind": "Service", "metadata": {"name": "k", "labels": []}},
    ]
    outcome = hostile({"inv.json": json.dumps(broken), "good.json": json.dumps([function]),
                       "preflight.toml": '[audit]\ninventory = ["good.json", "inv.json"]\n'},
                      "--select", "PF900,PF901", command="validate-all")
    assert outcome.findings("PF900") == [
        "inv.json:1:1: warning PF900 item 1 of inv.json skipped: expected an object, got str",
        "inv.json:1:1: warning PF900 item 2 of inv.json skipped: expected an object, got int",
        "inv.json:1:1: warning PF900 item 3 of inv.json skipped: expected an object, got NoneType",
        "inv.json:1:1: warning PF900 item 4 of inv.json skipped: expected an object, got list",
        "inv.json:1:1: warning PF900 item 5 of inv.json skipped: serviceConfig: expected an object, got a string",
        "inv.json:1:1: warning PF900 item 6 of inv.json skipped: buildConfig: expected an object, got an array",
        "inv.json:1:1: warning PF900 item 7 of inv.json skipped: containers[0].resources: expected an object, got a number",
        "inv.json:1:1: warning PF900 item 8 of inv.json skipped: template.template: expected an object, got a string",
        "inv.json:1:1: warning PF900 item 9 of inv.json skipped: metadata.labels: expected an object, got an array",
    ]
    assert [line.split(" has ")[0] for line in outcome.findings("PF901")] == [
        "deploy.sh:1:88: error PF901 deployed function `fn` (us-central1)"]


def test_an_inventory_folder_on_the_command_line_says_what_is_wrong(tmp_path, capsys):
    root = write_repo(tmp_path, {"preflight.toml": "", "inventory/functions.json": "[]"})
    assert main(["audit", "--root", str(root), "--inventory", str(root / "inventory"), "--no-cache"]) == 2
    assert capsys.readouterr().err == f"preflight: --inventory {root / 'inventory'}: is a folder; name the JSON files in it\n"
