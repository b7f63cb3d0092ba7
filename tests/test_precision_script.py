"""benchmarks/precision.py on a tiny run: findings joined with verdicts by code, path and line, a verdict
following its finding when lines moved, infos left out, unjudged findings and stale verdicts listed."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "precision.py"


def finding(code, path, line, severity="error", message="m"):
    return {"code": code, "severity": severity, "message": message, "path": path, "line": line, "column": 1}


def run(tmp_path, *extra):
    return subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "out"), "--verdicts",
                           str(tmp_path / "verdicts"), *extra], capture_output=True, text=True, check=False)


def write_run(tmp_path, reports: dict, verdicts: dict):
    (tmp_path / "out").mkdir()
    (tmp_path / "verdicts").mkdir()
    for repo, findings in reports.items():
        (tmp_path / "out" / f"{repo}.check.json").write_text(json.dumps({"findings": findings}))
    for repo, text in verdicts.items():
        (tmp_path / "verdicts" / f"{repo}.tsv").write_text(text)


def test_precision_joins_findings_with_verdicts(tmp_path):
    write_run(tmp_path, {
        "a+one": [finding("PF202", "fn/main.py", 3), finding("PF202", "fn/main.py", 3),
                  finding("PF301", "deploy.sh", 12, "warning"), finding("PF304", "deploy.sh", 20),
                  finding("PF208", "deploy.sh", 4, "info"), finding("PF502", "tests/t.py", 9, "warning", "no x")],
        "b+two": [finding("PF006", "run.sh", 5)],
    }, {
        "a+one": ("code\tpath\tline\tverdict\treason\n"
                  "# two findings on one line share one verdict\n"
                  "PF202\tfn/main.py\t3\ttrue\tshared/ not uploaded\n"
                  "PF301\tdeploy.sh\t10\tfalse\tsmall function (the finding moved from line 10 to 12)\n"
                  "PF304\tdeploy.sh\t20\ttrue-low\tsets the whole env on purpose\n"
                  "PF304\tdeploy.sh\t40\ttrue\tgone since\n"),
    })

    proc = run(tmp_path)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "| repository | errors + warnings | judged | true | true-low | false | precision | unjudged |",
        "|---|---|---|---|---|---|---|---|",
        "| a+one | 5 | 4 | 2 | 1 | 1 | 75.0% | 1 |",
        "| b+two | 1 | 0 | 0 | 0 | 0 | - | 1 |",
        "| **all** | 6 | 4 | 2 | 1 | 1 | 75.0% | 2 |",
        "",
        "| family | errors + warnings | judged | true | true-low | false | precision | unjudged |",
        "|---|---|---|---|---|---|---|---|",
        "| PF0xx | 1 | 0 | 0 | 0 | 0 | - | 1 |",
        "| PF2xx | 2 | 2 | 2 | 0 | 0 | 100.0% | 0 |",
        "| PF3xx | 2 | 2 | 0 | 1 | 1 | 50.0% | 0 |",
        "| PF5xx | 1 | 0 | 0 | 0 | 0 | - | 1 |",
        "",
        "| code | errors + warnings | judged | true | true-low | false | precision | unjudged |",
        "|---|---|---|---|---|---|---|---|",
        "| PF006 | 1 | 0 | 0 | 0 | 0 | - | 1 |",
        "| PF202 | 2 | 2 | 2 | 0 | 0 | 100.0% | 0 |",
        "| PF301 | 1 | 1 | 0 | 0 | 1 | 0.0% | 0 |",
        "| PF304 | 1 | 1 | 0 | 1 | 0 | 100.0% | 0 |",
        "| PF502 | 1 | 0 | 0 | 0 | 0 | - | 1 |",
        "",
        "## Unjudged (2)",
        "a+one\tPF502\ttests/t.py\t9\t?\twarning: no x",
        "b+two\tPF006\trun.sh\t5\t?\terror: m",
        "",
        "## Stale verdicts (1)",
        "a+one\tPF304\tdeploy.sh\t40\ttrue\tgone since",
    ]


def test_precision_filters_code_prefixes(tmp_path):
    write_run(tmp_path, {"a+one": [finding("PF402", "w.py", 1), finding("PF502", "s.py", 2),
                                   finding("PF511", "s.py", 3)]},
              {"a+one": "PF402\tw.py\t1\tfalse\tnot ours\nPF502\ts.py\t2\ttrue\tno such method\n"})

    lines = run(tmp_path, "--codes", "PF0,PF2,PF3,PF502").stdout.splitlines()

    assert lines[2:5] == ["| a+one | 1 | 1 | 1 | 0 | 0 | 100.0% | 0 |",
                          "| **all** | 1 | 1 | 1 | 0 | 0 | 100.0% | 0 |", ""]
    assert lines[-3:] == ["## Unjudged (0)", "", "## Stale verdicts (0)"]


def test_precision_rejects_a_malformed_verdict_line(tmp_path):
    write_run(tmp_path, {"a+one": []}, {"a+one": "PF202\tfn/main.py\tthree\ttrue\twhy\n"})

    proc = run(tmp_path)

    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (f"error: {tmp_path / 'verdicts' / 'a+one.tsv'}:1: expected code<TAB>path<TAB>line"
                           "<TAB>true|true-low|false<TAB>reason, got 'PF202\\tfn/main.py\\tthree\\ttrue\\twhy'\n")


def test_precision_reads_the_verdicts_of_another_run_by_their_own_suffix(tmp_path):
    write_run(tmp_path, {"a+one": [finding("PF101", "cfg.py", 3)]},
              {"a+one": "PF101\tcfg.py\t3\ttrue\tzero-config verdict\n"})
    (tmp_path / "out" / "a+one.check-init.json").write_text(json.dumps({"findings": [
        finding("PF101", "cfg.py", 3), finding("PF104", "paths.py", 7, "warning")]}))
    (tmp_path / "verdicts" / "a+one.init.tsv").write_text(
        "# judged with init's configuration\nPF101\tcfg.py\t3\tfalse\tnot a contract\n")

    init = run(tmp_path, "--suffix", ".check-init.json", "--verdict-suffix", ".init.tsv").stdout.splitlines()
    zero = run(tmp_path).stdout.splitlines()

    assert init[2:4] == ["| a+one | 2 | 1 | 0 | 0 | 1 | 0.0% | 1 |",
                         "| **all** | 2 | 1 | 0 | 0 | 1 | 0.0% | 1 |"]
    assert init[-4:] == ["## Unjudged (1)", "a+one\tPF104\tpaths.py\t7\t?\twarning: m", "",
                         "## Stale verdicts (0)"]
    assert zero[2:4] == ["| a+one | 1 | 1 | 1 | 0 | 0 | 100.0% | 0 |",
                         "| **all** | 1 | 1 | 1 | 0 | 0 | 100.0% | 0 |"]
