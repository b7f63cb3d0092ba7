"""End to end: the bundled example pipeline gives exactly its expected findings.

examples/pipeline/INCIDENTS.md lists the seeded incidents; examples/pipeline-expected.txt is the
exact report. Regenerate it with `python -m pytest tests/test_example_pipeline.py --update-goldens`
and review the diff: every line must be a seeded incident.
"""

from pathlib import Path


from gcp_preflight.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "pipeline"
EXPECTED = REPO / "examples" / "pipeline-expected.txt"


def test_example_pipeline_findings_are_exactly_the_expected_ones(capsys, monkeypatch, update_goldens):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(EXAMPLE)  # text paths are shown from the working directory
    status = main(["check", str(EXAMPLE), "--no-cache"])
    out = capsys.readouterr().out
    if update_goldens:
        EXPECTED.write_text(out, encoding="utf-8")
    assert out == EXPECTED.read_text(encoding="utf-8")
    assert status == 1


# The live incidents (INCIDENTS.md L1-L9) point at deploy commands read from the shell scripts,
# the Cloud Build config and a Cloud Run manifest; the Terraform function matches what is deployed.
LIVE_EXPECTED = [
    ("PF901", ""), ("PF905", ""), ("PF905", ""),
    ("PF902", "bin/orchestrators/deploy_phase2_to_phase3.sh:33"),
    ("PF901", "bin/orchestrators/deploy_phase3_to_phase4.sh:24"),
    ("PF902", "bin/orchestrators/deploy_phase3_to_phase4.sh:27"),
    ("PF903", "bin/orchestrators/deploy_phase4_to_phase5.sh:23"),
    ("PF904", "bin/orchestrators/deploy_phase5_to_phase6.sh:25"),
    ("PF905", "bin/deploy/deploy_export_job.sh:10"),
    ("PF902", "cloudbuild/deploy_functions.yaml:19"),
    ("PF902", "cloudbuild/deploy_functions.yaml:23"),
    ("PF901", "services/grader/service.yaml:29"),
]


def test_example_pipeline_live_audit_from_the_shipped_inventory(capsys):
    import json

    status = main(["validate-all", str(EXAMPLE), "--no-cache", "--select", "PF9", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    got = [(f["code"], f"{f['path']}:{f['line']}" if f["path"] else "") for f in findings]
    assert sorted(got) == sorted(LIVE_EXPECTED)
    assert status == 1
