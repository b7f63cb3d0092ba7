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
    status = main(["check", str(EXAMPLE), "--no-cache"])
    out = capsys.readouterr().out
    if update_goldens:
        EXPECTED.write_text(out, encoding="utf-8")
    assert out == EXPECTED.read_text(encoding="utf-8")
    assert status == 1
