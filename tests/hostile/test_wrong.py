"""Hostile checkouts, wrong output: one line numbering for every reader, the report and the fixer;
fixes that change only the edit; file names that cannot forge output; nothing skipped silently."""

import os
import stat

import pytest

from gcp_preflight import discovery
from gcp_preflight.cli import main
from tests.helpers import write_repo

DEPLOY = ("gcloud functions deploy fn --gen2 --runtime python311 --region us-central1 --source fn "
          "--memory 128MB --trigger-http")


def test_odd_line_endings_number_lines_as_editors_do(hostile):
    # a lone CR ends a line (as in every editor and YAML); a form feed and U+2028 do not
    script = f"echo a\rX=1\x0c\necho b\u2028\n# note\x0c# preflight: ignore[PF301] old\n{DEPLOY}\n"
    outcome = hostile({"d2.sh": script}, "--select", "PF001,PF301", "--show-source")
    assert outcome.findings("PF001") == ["d2.sh:4:8: warning PF001 unused suppression: no PF301 finding on this line"]
    pf301 = outcome.out.split("d2.sh:5:97: error PF301 ", 1)[1].splitlines()
    assert pf301[1:3] == [f"    {DEPLOY}", " " * 100 + "^^^^^"]


def test_a_suppression_after_a_form_feed_suppresses_its_own_line_only(hostile):
    outcome = hostile({"d2.sh": f"# note\x0c# preflight: ignore[PF301] on purpose\n{DEPLOY}\n"}, "--select", "PF0,PF301")
    assert outcome.findings("PF301")[0].startswith("d2.sh:2:97: error PF301")
    assert outcome.findings("PF001") == ["d2.sh:1:8: warning PF001 unused suppression: no PF301 finding on this line"]


def test_fix_changes_only_the_edit_and_keeps_line_endings(tmp_path, capsys):
    original = "\r\n".join(["#!/bin/bash", "# deploy", DEPLOY, "echo done", ""]).encode()
    root = write_repo(tmp_path, {"preflight.toml": "", "fn/main.py": "def fn(request):\n    return 1\n",
                                 "deploy.sh": original})
    assert main(["check", "--root", str(root), "--no-cache", "--select", "PF301", "--fix", "--unsafe-fixes"]) == 0
    assert (root / "deploy.sh").read_bytes() == original.replace(b"--memory 128MB", b"--memory 512MB")
    assert capsys.readouterr().out == "No findings. Fixed 1.\n"


def test_file_names_with_control_characters_cannot_forge_a_finding(hostile):
    outcome = hostile({"fn/\x1b[31mred\nPF999 fake.py": "def f(:\n"}, "--select", "PF002,PF301")
    assert outcome.findings("PF002") == ["fn/\\x1b[31mred\\x0aPF999 fake.py:1:7: error PF002 syntax error: invalid syntax"]
    assert not any(line.startswith("PF999") for line in outcome.out.splitlines())
    assert outcome.planted


def test_a_folder_that_cannot_be_listed_is_said(hostile, monkeypatch):
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("/secret"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    outcome = hostile({"secret/x.py": "x = 1\n"}, "--select", "PF004,PF301")
    assert outcome.findings("PF004") == ["secret:1:1: error PF004 cannot list folder: Permission denied; its files are not checked"]
    assert outcome.planted


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder; the monkeypatched case above stands in")
def test_an_unreadable_folder_on_disk_is_said(tmp_path, capsys):
    root = write_repo(tmp_path, {"preflight.toml": "", "secret/x.py": "x = 1\n"})
    os.chmod(root / "secret", 0)
    try:
        assert main(["check", "--root", str(root), "--no-cache", "--select", "PF004"]) == 1
        assert capsys.readouterr().out.startswith("secret:1:1: error PF004 cannot list folder: Permission denied")
    finally:
        os.chmod(root / "secret", stat.S_IRWXU)


def test_a_folder_nested_too_deep_is_said(hostile):
    deep = "/".join(["d"] * 70)
    outcome = hostile({f"{deep}/deploy.sh": DEPLOY + "\n"}, "--select", "PF004,PF301")
    assert outcome.findings("PF004") == [f"{'/'.join(['d'] * 65)}:1:1: error PF004 folder nested more than 64 levels deep; not checked"]
    assert outcome.planted


def test_a_python_file_with_a_latin1_coding_cookie_is_read(hostile):
    outcome = hostile({"app/cookie.py": b"# -*- coding: latin-1 -*-\nNAMES = ['caf\xe9']\n",
                       "app/plain.py": b"NAMES = ['caf\xe9']\n"}, "--select", "PF004,PF301")
    assert outcome.findings("PF004") == ["app/plain.py:1:14: error PF004 not valid UTF-8 (byte 0xe9); not checked"]
    assert outcome.planted
