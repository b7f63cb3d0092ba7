"""A typo in a code or prefix is an error (exit 2, one line, did-you-mean), never a selector
that silently matches nothing; `ALL` stays valid."""

import pytest

from gcp_preflight.cli import main
from tests.helpers import write_repo

BROKEN = {"app/main.py": "def f(:\n"}


@pytest.mark.parametrize("args, message", [
    (["--select", "PF3O1"], "--select: unknown rule code or prefix 'PF3O1' (did you mean 'PF301'?)"),
    (["--select", "XYZ"], "--select: unknown rule code or prefix 'XYZ'; `preflight rules` lists them"),
    (["--select", "PF999"], "--select: unknown rule code or prefix 'PF999' (did you mean 'PF900'?)"),
    (["--ignore", "PF2,PF99"], "--ignore: unknown rule code or prefix 'PF99' (did you mean 'PF90'?)"),
])
def test_unknown_code_on_the_command_line(tmp_path, capsys, args, message):
    write_repo(tmp_path, dict(BROKEN, **{"preflight.toml": ""}))
    assert main(["check", "--root", str(tmp_path), "--no-cache", *args]) == 2
    assert capsys.readouterr() == ("", f"preflight: {message}\n")


@pytest.mark.parametrize("config, message", [
    ('select = ["PF999"]\n', "select[0]: unknown rule code or prefix 'PF999' (did you mean 'PF900'?)"),
    ('ignore = ["PF1", "PF3O1"]\n', "ignore[1]: unknown rule code or prefix 'PF3O1' (did you mean 'PF301'?)"),
    ('[per-file-ignores]\n"tests/*" = ["PF40"]\n"app/*" = ["PF77"]\n',
     "per-file-ignores.\"app/*\"[0]: unknown rule code or prefix 'PF77'; `preflight rules` lists them"),
    ('[severity]\nPF399 = "error"\n', "severity.PF399: unknown rule code 'PF399' (did you mean 'PF301'?)"),
])
def test_unknown_code_in_the_config(tmp_path, capsys, config, message):
    write_repo(tmp_path, dict(BROKEN, **{"preflight.toml": config}))
    assert main(["check", "--root", str(tmp_path), "--no-cache"]) == 2
    assert capsys.readouterr() == ("", f"preflight: preflight.toml: {message}\n")


def test_pyproject_names_the_full_key_path(tmp_path, capsys):
    write_repo(tmp_path, dict(BROKEN, **{"pyproject.toml": '[tool.gcp-preflight]\nselect = ["PF3O1"]\n'}))
    assert main(["check", "--root", str(tmp_path), "--no-cache"]) == 2
    assert capsys.readouterr().err == ("preflight: pyproject.toml: tool.gcp-preflight.select[0]: unknown rule code "
                                       "or prefix 'PF3O1' (did you mean 'PF301'?)\n")


def test_all_and_real_prefixes_stay_valid(tmp_path, capsys):
    write_repo(tmp_path, dict(BROKEN, **{"preflight.toml": 'select = ["ALL"]\nignore = ["PF3", "PF30", "PF301"]\n'}))
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--select", "ALL,PF0", "--ignore", "PF9"]) == 1
    assert capsys.readouterr().out.startswith("app/main.py:1:7: ")
