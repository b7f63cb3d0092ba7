"""Golden files for each output format, plus schema validation of JSON and SARIF."""

import json
from pathlib import Path

import jsonschema
import pytest

from gcp_preflight.model import Finding, Fix, Location, Related, Severity, TextEdit
from gcp_preflight.report import render
from tests.helpers import SARIF_SCHEMA

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
REPORT_SCHEMA = Path(__file__).resolve().parents[2] / "gcp_preflight" / "schemas" / "report.schema.json"

FINDINGS = [
    Finding("PF002", Severity.ERROR, "syntax error: expected ':'", Location("app/main.py", 3, 28),
            fingerprint="0f3c1d2e4b5a69788796"),
    Finding("PF001", Severity.WARNING, "unused suppression: no PF002 finding on this line",
            Location("config/workflows.yaml", 12, 20, 12, 47),
            related=(Related(Location("config/workflows.yaml", 3, 5), "declared here, with a 100% \"quoted\", comma"),),
            fix=Fix("remove the comment", (TextEdit("config/workflows.yaml", 12, 18, 12, 47, ""),)),
            fingerprint="aa11bb22cc33dd44ee55"),
    Finding("PF003", Severity.INFO, "multi-line\nmessage: with 50% odd, characters", Location("", 1, 1),
            fingerprint="ffffeeeeddddccccbbbb"),
]


def _source(path, line):
    return {("app/main.py", 3): "def handler(event, context)",
            ("config/workflows.yaml", 12): "    processor_name: x  # preflight: ignore[PF101]"}.get((path, line), "")


@pytest.mark.parametrize("fmt, kwargs", [
    ("text", {}),
    ("text-source", {"source": _source}),
    ("json", {"files": 7, "duration_s": 0.25}),
    ("sarif", {}),
    ("github", {}),
])
def test_golden(fmt, kwargs, update_goldens):
    out = render(fmt.split("-")[0], FINDINGS, **kwargs)
    golden = GOLDEN / f"report.{fmt}.txt"
    if update_goldens:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_text_colour_only_when_asked():
    plain = render("text", FINDINGS[:1])
    coloured = render("text", FINDINGS[:1], colour=True)
    assert "\033[" not in plain
    assert coloured.startswith("\033[1mapp/main.py:3:28:\033[0m \033[31merror\033[0m PF002 ")


def test_json_matches_report_schema():
    report = json.loads(render("json", FINDINGS, files=7, duration_s=0.25))
    jsonschema.validate(report, json.loads(REPORT_SCHEMA.read_text()))


def test_sarif_validates_against_oasis_schema():
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"the OASIS SARIF schema is not at {SARIF_SCHEMA} (../shared is not beside this checkout)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(render("sarif", FINDINGS))
    jsonschema.validators.validator_for(schema)(schema).validate(log)


def test_sarif_has_what_github_upload_requires():
    log = json.loads(render("sarif", FINDINGS))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gcp-preflight" and driver["version"]
    for rule in driver["rules"]:
        assert rule["id"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert len(rule["fullDescription"]["text"]) <= 1024
    ids = [r["id"] for r in driver["rules"]]
    for result in run["results"]:
        assert result["message"]["text"]
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["partialFingerprints"]["primaryLocationLineHash"]
        for loc in result.get("locations", []):
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            assert "://" not in uri and not uri.startswith("/")
            assert loc["physicalLocation"]["region"]["startLine"] >= 1
    # a finding without a file is a notification, not a result: code scanning needs a location
    assert [len(r["locations"]) for r in run["results"]] == [1, 1]
    assert [(n["associatedRule"]["id"], n["level"]) for n in run["invocations"][0]["toolExecutionNotifications"]] == [("PF003", "note")]
    assert run["automationDetails"]["id"] == "preflight/check/"
