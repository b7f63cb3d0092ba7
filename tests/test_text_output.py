"""The text report as ruff users read it: severity on every line, `[*]` on what `--fix` fixes,
the fixable codes in the summary, `--statistics`, `--quiet`, `--diff`, unsafe fixes behind
`--unsafe-fixes`, and paths shown from the working directory."""

import json

import pytest

from gcp_preflight.cli import main
from tests.helpers import write_repo

DEPLOY = "gcloud functions deploy fn --gen2 --memory 256MB --source fn --entry-point fn\n"
FILES = {
    "preflight.toml": "",
    "config/workflows.yaml": """
        scrapers:
          bdl_box_scores:
            processor_name: "p2_bdl_box_scores"
          nbac_schedule:
            processor_name: "p2_nbacom_schedule"
        """,
    "shared/config.py": 'EXPECTED_PROCESSORS = ["p2_nbacom_schedule", "P2_BDL_Box_Scores"]\n',
    "fn/main.py": "def fn(request):\n    return 1\n",
    "bin/deploy.sh": DEPLOY,
}
PF301 = ("bin/deploy.sh:1:44: error PF301 --memory 256MB is 244.1 MiB on a 2nd gen function, sent as 256M; "
         "the floor for function fn is 512MB (488.3 MiB, default for functions)")
PF105 = ("shared/config.py:1:46: error PF105 [*] 'P2_BDL_Box_Scores' in EXPECTED_PROCESSORS differs from "
         "'p2_bdl_box_scores' only by case, declared by any processor_name in config/workflows.yaml")
RELATED = "    = config/workflows.yaml:3: 'p2_bdl_box_scores' is declared here"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = write_repo(tmp_path / "repo", FILES)
    monkeypatch.chdir(root)
    return root


def run(capsys, *args):
    status = main(["check", "--no-cache", *args])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def test_severity_on_every_line_fixable_marked_and_fixable_codes_summarised(repo, capsys):
    assert run(capsys) == (1, [PF301, PF105, RELATED, "Found 2 findings (2 errors).",
                               "[*] 1 fixable with --fix (PF105); 1 more with --fix --unsafe-fixes (PF301)."], "")
    status, lines, _ = run(capsys, "--unsafe-fixes")
    assert lines[0] == PF301.replace("PF301", "PF301 [*]")
    assert lines[-1] == "[*] 2 fixable with --fix --unsafe-fixes (PF105, PF301)."


def test_quiet_prints_the_findings_only(repo, capsys):
    assert run(capsys, "-q") == (1, [PF301, PF105, RELATED], "")
    (repo / "bin/deploy.sh").write_text("")
    (repo / "shared/config.py").write_text("")
    assert run(capsys, "--quiet") == (0, [], "")


def test_statistics_count_per_code(repo, capsys):
    (repo / "bin/again.sh").write_text(DEPLOY.replace("256MB", "128MB"))
    assert run(capsys, "--statistics") == (1, [
        "2\tPF301\t[ ] memory-below-floor",
        "1\tPF105\t[*] lookalike-name",
        "Found 3 findings (3 errors).",
        "[*] 1 fixable with --fix (PF105); 2 more with --fix --unsafe-fixes (PF301).",
    ], "")


def test_diff_shows_every_fix_writes_nothing_and_exits_1(repo, capsys):
    before = {p: (repo / p).read_bytes() for p in ("bin/deploy.sh", "shared/config.py")}
    status, lines, err = run(capsys, "--diff")
    assert status == 1
    assert lines == [
        "--- bin/deploy.sh", "+++ bin/deploy.sh", "@@ -1 +1 @@",
        "-" + DEPLOY.rstrip("\n"), "+" + DEPLOY.rstrip("\n").replace("256MB", "512MB"),
        "--- shared/config.py", "+++ shared/config.py", "@@ -1 +1 @@",
        '-EXPECTED_PROCESSORS = ["p2_nbacom_schedule", "P2_BDL_Box_Scores"]',
        '+EXPECTED_PROCESSORS = ["p2_nbacom_schedule", "p2_bdl_box_scores"]',
    ]
    assert err == "Would fix 2 findings. 1 of them unsafe (PF301): --fix applies those only with --unsafe-fixes.\n"
    assert {p: (repo / p).read_bytes() for p in before} == before
    (repo / "bin/deploy.sh").write_text("")
    (repo / "shared/config.py").write_text("")
    assert run(capsys, "--diff") == (0, [], "No fixes.\n")


def test_unsafe_fixes_are_applied_only_when_asked(repo, capsys):
    status, lines, _ = run(capsys, "--fix")
    assert (status, lines) == (1, [PF301, "Found 1 finding (1 error). Fixed 1.",
                                   "1 fixable with --fix --unsafe-fixes (PF301)."])
    assert (repo / "bin/deploy.sh").read_text() == DEPLOY
    assert run(capsys, "--fix", "--unsafe-fixes") == (0, ["No findings. Fixed 1."], "")
    assert (repo / "bin/deploy.sh").read_text() == DEPLOY.replace("256MB", "512MB")


def test_json_says_which_fixes_are_safe(repo, capsys):
    status, lines, _ = run(capsys, "--format", "json")
    fixes = {f["code"]: f["fix"]["safe"] for f in json.loads("\n".join(lines))["findings"]}
    assert fixes == {"PF105": True, "PF301": False}


def test_paths_are_shown_from_the_working_directory_json_stays_root_relative(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "bin")
    status, lines, _ = run(capsys, "-q")
    assert lines == [PF301.replace("bin/deploy.sh", "deploy.sh"), "../" + PF105, RELATED.replace("= config/", "= ../config/")]
    status, lines, _ = run(capsys, "--format", "json")
    assert [f["path"] for f in json.loads("\n".join(lines))["findings"]] == ["bin/deploy.sh", "shared/config.py"]
    monkeypatch.chdir(repo.parent)  # the root below the working directory
    status, lines, _ = run(capsys, "-q", "repo")
    assert lines[0] == "repo/" + PF301
