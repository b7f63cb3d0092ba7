"""The command-line contract: rules listing, rule docs, stubs, module entry point."""

import json
import subprocess
import sys

from gcp_preflight.cli import main
from gcp_preflight.rules import ALL_RULES
from tests.helpers import REPO


def test_rules_json_lists_every_rule(capsys):
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in data] == sorted(r.code for r in ALL_RULES)
    assert data[0] == {"code": "PF001", "name": "unused-suppression", "severity": "warning",
                       "summary": "An inline `preflight: ignore[...]` comment that suppresses nothing."}


def test_rule_prints_its_documentation(capsys):
    assert main(["rule", "pf002"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PF002 python-syntax-error (error)\n\nA Python file that does not parse.\n\n## What it does\n")
    assert "## Fix\n" in out


def test_no_command_is_usage_error(capsys):
    assert main([]) == 2


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "gcp_preflight", "--version"], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (0, "gcp-preflight 0.1.0\n")


def test_gcp_preflight_checks_itself_clean(capsys):
    from tests.helpers import REPO

    assert main(["check", "--root", str(REPO), "--no-cache"]) == 0
    assert capsys.readouterr().out == "No findings.\n"


def test_a_summary_is_the_docstrings_whole_first_paragraph(capsys):
    """PF105's summary wraps over two lines of its docstring; the listing shows all of it."""
    assert main(["rules", "--format", "json"]) == 0
    pf105 = next(r for r in json.loads(capsys.readouterr().out) if r["code"] == "PF105")
    assert pf105["summary"] == ("A name with non-ASCII or invisible characters, or one that differs from a "
                                "declared name only by case or separators.")


def test_every_subcommand_help_has_a_description():
    from gcp_preflight.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    assert sorted(subparsers) == ["audit", "check", "init", "rule", "rules", "validate-all"]
    for name, sub in subparsers.items():
        assert sub.description and sub.description.strip(), name


def test_sarif_rules_link_their_documentation():
    from gcp_preflight import REPOSITORY_URL
    from gcp_preflight.model import Finding, Location, Severity
    from gcp_preflight.report import render

    log = json.loads(render("sarif", [Finding("PF301", Severity.ERROR, "m", Location("a.sh", 1, 1))]))
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["helpUri"] == f"{REPOSITORY_URL}/blob/main/docs/rules.md#pf301"
    assert "\n## PF301\n" in (REPO / "docs" / "rules.md").read_text(encoding="utf-8")


def test_progress_line_only_after_two_seconds_and_cleared(monkeypatch):
    """issue 11: a long run on a terminal shows what it is doing on stderr; nothing stays behind."""
    import io

    from gcp_preflight import progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    clock = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    stream = Terminal()
    with progress.shown(True, stream):
        progress.step("reading files", 1, 10)
        clock[0] += 2.5
        progress.step("reading files", 5, 10)
        clock[0] += 0.05
        progress.step("reading files", 6, 10)  # too soon after the last line: not redrawn
        clock[0] += 0.5
        progress.step("checking PF301")
    assert stream.getvalue() == ("\r\033[Kpreflight: reading files 5/10"
                                 "\r\033[Kpreflight: checking PF301" + "\r\033[K")
    quiet = Terminal()
    with progress.shown(False, quiet):
        clock[0] += 10
        progress.step("reading files", 1, 2)
    assert quiet.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    assert progress.wanted(Terminal()) is False
