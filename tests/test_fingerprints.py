"""Fingerprints come from line-free parts only: two comment lines added on top of every file of
the example pipeline change no fingerprint (JSON, SARIF) and no baseline match."""

import json
import shutil
from collections import Counter
from pathlib import Path

from gcp_preflight.cli import main
from gcp_preflight.engine import without_line_numbers

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "pipeline"


def shift_every_file(root: Path) -> int:
    """Two lines on top of each file, as comments where the format has them (after a shebang)."""
    shifted = 0
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":  # no comments: blank lines after the opening bracket
            path.write_text(text[:1] + "\n\n" + text[1:], encoding="utf-8")
            shifted += 1
            continue
        if path.suffix == ".sql":
            head = "-- moved\n-- down\n"
        else:
            head = "# moved\n# down\n"
        if text.startswith("#!"):
            first, _, rest = text.partition("\n")
            text = f"{first}\n{head}{rest}"
        else:
            text = head + text
        path.write_text(text, encoding="utf-8")
        shifted += 1
    return shifted


def _report(capsys, root: Path, fmt: str, *extra: str):
    main(["check", str(root), "--no-cache", "--format", fmt, *extra])
    return json.loads(capsys.readouterr().out)


def _fingerprints(capsys, root: Path):
    findings = _report(capsys, root, "json")["findings"]
    sarif = _report(capsys, root, "sarif")["runs"][0]["results"]
    return (Counter((f["code"], f["path"], f["fingerprint"]) for f in findings),
            Counter((r["ruleId"], json.dumps(r["partialFingerprints"], sort_keys=True)) for r in sarif),
            [(f["code"], f["path"], f["line"]) for f in findings])


def test_shifting_every_line_keeps_every_fingerprint_and_the_baseline(tmp_path, capsys):
    root = tmp_path / "pipeline"
    shutil.copytree(EXAMPLE, root, symlinks=True)
    before, sarif_before, places_before = _fingerprints(capsys, root)
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(root), "--no-cache", "--write-baseline", str(baseline)]) == 0
    assert shift_every_file(root) > 50
    after, sarif_after, places_after = _fingerprints(capsys, root)
    assert [line for _, _, line in places_after] != [line for _, _, line in places_before]  # the lines did move
    assert after == before
    assert sarif_after == sarif_before
    capsys.readouterr()
    assert main(["check", str(root), "--no-cache", "--baseline", str(baseline)]) == 0
    assert capsys.readouterr().out == "No findings.\n"


def test_line_numbers_are_taken_out_of_messages_and_keys():
    assert without_line_numbers("'x' is listed twice in y (first at line 76)") == "'x' is listed twice in y (first at line #)"
    assert without_line_numbers("import chain: main.py:16 -> shared/config/settings.py:8 -> import yaml; "
                                "app/Dockerfile:3:2") == (
        "import chain: main.py:# -> shared/config/settings.py:# -> import yaml; app/Dockerfile:#")
    assert without_line_numbers("Location(path='a.py', line=8, column=1)") == "Location(path='a.py', line=#, column=#)"
    assert without_line_numbers("FROM python:3.11 --memory 256MB") == "FROM python:3.11 --memory 256MB"
