"""GitHub Actions output: annotation caps, escaping, the step summary (golden files)."""

from pathlib import Path

import pytest

from gcp_preflight.cli import main
from gcp_preflight.hooks.github import path_prefix, write_step_summary
from gcp_preflight.model import Finding, Location, Related, Severity
from gcp_preflight.report.github import render, render_summary, select_annotations
from tests.helpers import assert_golden, write_repo

GOLDEN = Path(__file__).parent.parent / "golden" / "github"


@pytest.fixture
def golden(update_goldens):
    return lambda name, text: assert_golden(GOLDEN / name, text, update_goldens)


def finding(code, severity, path, line, message, related=()):
    return Finding(code, Severity(severity), message, Location(path, line, 5, line, 9), tuple(related))


def many_findings():
    """13 errors, 11 warnings and 2 notices, in report order (by path and line)."""
    out = [finding("PF002", "error", f"app/m{i:02}.py", i, "syntax error: invalid syntax") for i in range(1, 14)]
    out += [finding("PF001", "warning", f"jobs/w{i:02}.py", i, "unused suppression: no PF301 finding on this line")
            for i in range(1, 12)]
    out[13] = finding("PF001", "warning", "jobs/w01.py", 1, "unused suppression: no PF301 finding on this line",
                      [Related(Location("bin/deploy.sh", 3), "the <PF301> finding\nwas here")])
    out += [finding("PF004", "info", "zz/notes.py", 1, "binary content (NUL byte); not checked"),
            finding("PF004", "info", "", 1, "live resource | declared nowhere")]
    return sorted(out, key=Finding.sort_key)


def test_few_findings_are_all_annotations_with_escaping(golden):
    findings = [
        finding("PF003", "error", "config/a,b:c.yaml", 3, "YAML syntax error: 100% broken\nsecond line",
                [Related(Location("config/workflows.yaml", 94), "declared here")]),
        finding("PF001", "warning", "app/main.py", 7, "unused suppression: no PF002 finding on this line"),
    ]
    golden("few.txt", render(findings))


def test_caps_put_the_most_severe_first_and_list_the_rest_without_commands(golden):
    findings = many_findings()
    shown, rest = select_annotations(findings)
    assert [f.severity.value for f in shown] == ["error"] * 10 + ["warning"] * 10 + ["info"] * 2
    assert [(f.code, f.location.path) for f in rest] == [("PF002", "app/m11.py"), ("PF002", "app/m12.py"),
                                                         ("PF002", "app/m13.py"), ("PF001", "jobs/w11.py")]
    golden("many.txt", render(findings))


def test_annotation_paths_take_the_prefix_of_the_root_in_the_workspace():
    findings = [finding("PF002", "error", "app/main.py", 2, "syntax error: invalid syntax",
                        [Related(Location("shared/x.py", 4), "imported here")])]
    assert render(findings, path_prefix="examples/pipeline") == (
        "::error file=examples/pipeline/app/main.py,line=2,col=5,endLine=2,endColumn=9,"
        "title=PF002 python-syntax-error::syntax error: invalid syntax%0Aexamples/pipeline/shared/x.py:4: imported here\n")


def test_summary_table_golden(golden):
    findings = many_findings()
    golden("summary.md", render_summary(findings, shown=22, path_prefix="repo"))


def test_summary_stays_under_its_byte_limit_and_says_what_it_left_out():
    findings = many_findings()
    full = render_summary(findings, shown=22)
    text = render_summary(findings, shown=22, limit=1500)
    assert len(text.encode()) <= 1500 < len(full.encode())
    listed = text.count("\n| ") - 1  # rows after the header row
    assert text.endswith(f"_{len(findings) - listed} more findings are not listed: the step summary is limited to 1 MiB. "
                         "`preflight check --format json` reports them all._\n")
    assert text.startswith(full[: len(text) - 200])


def test_path_prefix_comes_from_the_workspace(tmp_path):
    (tmp_path / "examples" / "pipeline").mkdir(parents=True)
    env = {"GITHUB_WORKSPACE": str(tmp_path)}
    assert path_prefix(tmp_path / "examples" / "pipeline", env) == "examples/pipeline"
    assert path_prefix(tmp_path, env) == ""
    assert path_prefix(tmp_path, {}) == ""
    assert path_prefix(Path("/"), env) == ""


def test_summary_is_written_only_when_annotations_are_not_enough(tmp_path):
    summary = tmp_path / "summary.md"
    few = many_findings()[:5]
    assert write_step_summary(few, {"GITHUB_STEP_SUMMARY": str(summary)}) is False
    assert not summary.exists()
    summary.write_text("earlier step output\n", encoding="utf-8")
    assert write_step_summary(many_findings(), {"GITHUB_STEP_SUMMARY": str(summary)}) is True
    assert summary.read_text(encoding="utf-8") == "earlier step output\n" + render_summary(many_findings(), shown=22)


def test_check_with_github_format_writes_annotations_and_summary(tmp_path, monkeypatch, capsys):
    repo = write_repo(tmp_path / "repo", {
        "preflight.toml": "",
        **{f"app/m{i:02}.py": "def f(:\n" for i in range(12)},
    })
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert main(["check", str(repo), "--format", "github", "--no-cache"]) == 1
    out = capsys.readouterr().out
    annotations = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 10
    assert annotations[0] == ("::error file=repo/app/m00.py,line=1,col=7,title=PF002 python-syntax-error::"
                              "syntax error: invalid syntax")
    assert "repo/app/m10.py:1:7: PF002 [error] syntax error: invalid syntax" in out.splitlines()
    table = summary.read_text(encoding="utf-8")
    assert table.startswith("## gcp-preflight: 12 findings (12 errors)\n")
    assert table.count("| error | PF002 python-syntax-error | <code>repo/app/m") == 12


@pytest.mark.parametrize("env", [{}, {"GITHUB_STEP_SUMMARY": ""}])
def test_no_summary_without_the_variable(env):
    assert write_step_summary(many_findings(), env) is False
