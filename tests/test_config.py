"""Configuration: discovery, precedence, and one-line errors naming the file and key path."""

import pytest

from gcp_preflight.cli import main
from gcp_preflight.config import ConfigError, load
from gcp_preflight.rules.deploy.floors import floor_for
from tests.helpers import write_repo


def test_pyproject_section_is_read(tmp_path):
    write_repo(tmp_path, {"pyproject.toml": '[tool.gcp-preflight]\nignore = ["PF3"]\n'})
    config = load(tmp_path)
    assert (config.path, config.ignore) == ("pyproject.toml", ["PF3"])


def test_preflight_toml_wins(tmp_path):
    write_repo(tmp_path, {"pyproject.toml": '[tool.gcp-preflight]\nignore = ["PF3"]\n',
                          "preflight.toml": 'ignore = ["PF4"]\n'})
    assert load(tmp_path).ignore == ["PF4"]


@pytest.mark.parametrize("text, message", [
    ('[tool.gcp-preflight.memory.floors]\nx = "lots"\n',
     'pyproject.toml: tool.gcp-preflight.memory.floors.x: expected a memory size like "512MiB"'),
    ('[tool.gcp-preflight]\nselekt = ["PF1"]\n',
     "pyproject.toml: tool.gcp-preflight.selekt: unknown key (did you mean 'select'?)"),
    ('[tool.gcp-preflight]\nfail-on = "fatal"\n',
     "pyproject.toml: tool.gcp-preflight.fail-on: expected one of error, warning, info, got 'fatal'"),
    ('[tool.gcp-preflight]\nexclude = "build"\n',
     "pyproject.toml: tool.gcp-preflight.exclude: expected array, got str"),
    ('[tool.gcp-preflight\n', "pyproject.toml: invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 20)"),
])
def test_bad_config_is_one_line(tmp_path, text, message):
    write_repo(tmp_path, {"pyproject.toml": text})
    if "invalid TOML" in message:  # a broken pyproject has no tool section to find: name it explicitly
        with pytest.raises(ConfigError) as info:
            load(tmp_path, tmp_path / "pyproject.toml")
    else:
        with pytest.raises(ConfigError) as info:
            load(tmp_path)
    assert str(info.value) == message


def test_bad_config_exits_2_with_one_line(tmp_path, capsys):
    write_repo(tmp_path, {"preflight.toml": 'select = ["XX1"]\n'})
    assert main(["check", "--root", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "preflight: preflight.toml: select[0]: unknown rule code or prefix 'XX1'; `preflight rules` lists them\n"


def test_floors_are_byte_counts():
    assert floor_for("phase2-orchestrator", "function", {}).bytes == 512_000_000
    assert floor_for("svc", "run-service", {}).bytes == 512 * 2**20
    config = {"floors": {"*-orchestrator": "1GiB", "phase2-*": "768MiB"}, "function-floor": "256MiB"}
    assert floor_for("phase2-orchestrator", "function", config).source == 'floors."*-orchestrator"'
    assert floor_for("other", "function", config).text == "256MiB"


def test_a_valid_configuration_is_given_to_the_schema_once_until_it_changes(tmp_path, monkeypatch):
    import gcp_preflight.config as config

    cache = tmp_path / "cache"
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(cache))
    repo = tmp_path / "repo"
    write_repo(repo, {"preflight.toml": 'select = ["PF1"]\n'})
    asked = []
    validator = config._validator

    def counted():
        asked.append(1)
        return validator()

    monkeypatch.setattr(config, "_validator", counted)
    assert load(repo, remember=True).select == ["PF1"]
    assert load(repo, remember=True).select == ["PF1"]  # the kept verdict
    assert len(asked) == 1 and len(list((cache / "valid-configs").iterdir())) == 1
    assert load(repo).select == ["PF1"]  # not remembering: the schema is asked, nothing is kept
    assert len(asked) == 2 and len(list((cache / "valid-configs").iterdir())) == 1
    (repo / "preflight.toml").write_text('select = ["PF2"]\n', encoding="utf-8")
    assert load(repo, remember=True).select == ["PF2"]
    assert len(asked) == 3 and len(list((cache / "valid-configs").iterdir())) == 2


def test_an_invalid_configuration_is_never_remembered(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(cache))
    write_repo(tmp_path / "repo", {"preflight.toml": 'exclude = "build/"\n'})
    for _ in range(2):
        with pytest.raises(ConfigError, match=r"^preflight.toml: exclude: expected array, got str$"):
            load(tmp_path / "repo", remember=True)
    assert list((cache / "valid-configs").iterdir()) == []


def test_check_with_no_cache_neither_reads_nor_keeps_a_verdict(tmp_path, monkeypatch, capsys):
    cache = tmp_path / "cache"
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(cache))
    write_repo(tmp_path / "repo", {"preflight.toml": 'select = ["PF1"]\n'})
    assert main(["check", "--no-cache", "--root", str(tmp_path / "repo")]) == 0
    assert not (cache / "valid-configs").exists()
    assert main(["check", "--root", str(tmp_path / "repo")]) == 0
    assert len(list((cache / "valid-configs").iterdir())) == 1


def test_only_the_newest_verdicts_are_kept(tmp_path, monkeypatch):
    import os

    import gcp_preflight.config as config

    cache = tmp_path / "cache"
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(cache))
    (cache / "valid-configs").mkdir(parents=True, mode=0o700)
    os.chmod(cache, 0o700)
    for n in range(config.KEEP_VERDICTS + 5):  # older verdicts, oldest first
        old = cache / "valid-configs" / f"old{n:03d}"
        old.touch()
        os.utime(old, ns=(n * 10**9, n * 10**9))
    write_repo(tmp_path / "repo", {"preflight.toml": 'select = ["PF1"]\n'})
    load(tmp_path / "repo", remember=True)
    kept = sorted(p.name for p in (cache / "valid-configs").iterdir())
    olds = [name for name in kept if name.startswith("old")]
    assert olds == [f"old{n:03d}" for n in range(6, config.KEEP_VERDICTS + 5)]  # the 6 oldest went
    assert len(kept) == config.KEEP_VERDICTS and len(kept) - len(olds) == 1  # the new verdict stays
