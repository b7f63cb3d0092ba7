"""Hostile checkouts, security: the tool never runs the checkout's code, never writes through a
link the checkout planted, never lets a cache or a config from the checkout decide findings or
read files elsewhere. Each case plants one ordinary finding (PF301, a 128MB function) and
asserts it is still reported."""

import json
import os
import pickle
import sqlite3
from pathlib import Path

import pytest

from gcp_preflight.cli import main
from gcp_preflight.fixes import apply_fixes
from gcp_preflight.model import Finding, Fix, Location, Severity, TextEdit
from tests.helpers import write_repo

DEPLOY = "gcloud functions deploy fn --gen2 --runtime python311 --region us-central1 --source fn --memory 128MB --trigger-http\n"
PLANTED = {"preflight.toml": "", "deploy.sh": DEPLOY, "fn/requirements.txt": "google-cloud-bigquery\n",
           "fn/main.py": "from google.cloud import bigquery\n\n\ndef handler(request):\n    return 'ok'\n"}
PLANTED_LINE = "deploy.sh:1:97: error PF301"


def check(capsys, root, *extra):
    status = main(["check", "--root", str(root), "--select", "PF301", *extra])
    out, err = capsys.readouterr()
    return status, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.txt").write_text("precious\n")
    return folder


# -- 1. the GitHub Action never imports from the checkout ----------------------------------------
def test_the_action_gate_does_not_import_modules_of_the_checkout(tmp_path):
    from tests.hooks.test_action import run_check_step

    marker = tmp_path / "ran"
    payload = f"open({str(marker)!r}, 'w').write(__name__)\n"
    repo = write_repo(tmp_path / "repo", dict(PLANTED, **{
        "shlex.py": payload, "json.py": payload, "argparse.py": payload, "os.py": payload,
        "gcp_preflight/__init__.py": payload, "gcp_preflight/hooks/__init__.py": payload,
        "gcp_preflight/hooks/gate.py": payload,
    }))
    done, _ = run_check_step(tmp_path, repo, {"args": "--select PF301"})
    assert not marker.exists(), marker.read_text()
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=deploy.sh,line=1,col=97,endLine=1,endColumn=102,title=PF301 memory-below-floor::")


# -- 2. nothing written through links -------------------------------------------------------------
def test_a_cache_folder_link_in_the_checkout_is_never_written(tmp_path, capsys, outside):
    repo = write_repo(tmp_path / "repo", dict(PLANTED, **{".preflight_cache": f"-> {outside}"}))
    before = snapshot(outside)
    status, out, _ = check(capsys, repo)
    assert (status, out.splitlines()[0][:len(PLANTED_LINE)]) == (1, PLANTED_LINE)
    assert snapshot(outside) == before


def test_cache_marker_and_temporary_names_planted_as_links_are_never_written(tmp_path, capsys, outside):
    victim = outside / "victim.txt"
    repo = write_repo(tmp_path / "repo", dict(PLANTED, **{
        ".preflight_cache/.gitignore": f"-> {outside / 'created.txt'}",
        ".preflight_cache/facts/00/planted.123.tmp": f"-> {victim}",
    }))
    status, out, _ = check(capsys, repo)
    assert (status, out.splitlines()[0][:len(PLANTED_LINE)]) == (1, PLANTED_LINE)
    assert snapshot(outside) == {"victim.txt": b"precious\n"}


def test_fixes_outside_the_root_or_through_links_are_refused(tmp_path, capsys, outside):
    repo = write_repo(tmp_path / "repo", {"inside.sh": "echo hi\n", "linked": f"-> {outside}",
                                          "link.txt": f"-> {outside / 'victim.txt'}"})

    def edit(path):
        fix = Fix("replace", (TextEdit(path, 1, 1, 1, 3, "XX"),))
        return Finding("PF301", Severity.ERROR, "m", Location(path, 1, 1), fix=fix)

    paths = ["../outside/victim.txt", str(outside / "victim.txt"), "linked/victim.txt", "link.txt"]
    assert apply_fixes(repo, [edit(p) for p in paths]) == 0
    assert snapshot(outside) == {"victim.txt": b"precious\n"}
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "preflight: fix not written: '../outside/victim.txt' is outside the project root",
        f"preflight: fix not written: {str(outside / 'victim.txt')!r} is outside the project root",
        f"preflight: fix not written: {repo / 'link.txt'}: is a symbolic link; refusing to write through it",
        f"preflight: fix not written: {repo / 'linked/victim.txt'}: {repo / 'linked'} is a symbolic link; refusing to write through it",
    ]
    assert apply_fixes(repo, [edit("inside.sh")]) == 1
    assert (repo / "inside.sh").read_text() == "XXho hi\n"


def test_init_refuses_a_pyproject_link_and_a_dangling_config_link(tmp_path, capsys, outside):
    repo = write_repo(tmp_path / "repo", {"deploy.sh": DEPLOY, "pyproject.toml": f"-> {outside / 'victim.txt'}"})
    assert main(["init", str(repo)]) == 2
    assert capsys.readouterr().err == (f"preflight: {repo / 'pyproject.toml'}: is a symbolic link; "
                                       "refusing to write through it\n")
    other = write_repo(tmp_path / "other", {"deploy.sh": DEPLOY, "preflight.toml": f"-> {outside / 'new.toml'}"})
    assert main(["init", str(other)]) == 2
    assert capsys.readouterr().err == (f"preflight: {other / 'preflight.toml'}: is a symbolic link; "
                                       "refusing to write through it\n")
    assert snapshot(outside) == {"victim.txt": b"precious\n"}


@pytest.mark.parametrize("option", ["--output", "--write-baseline"])
def test_reports_and_baselines_are_not_written_through_a_link(tmp_path, capsys, outside, option):
    repo = write_repo(tmp_path / "repo", dict(PLANTED, **{"gcp-preflight.sarif": f"-> {outside / 'victim.txt'}"}))
    status, _, err = check(capsys, repo, "--format", "sarif", option, str(repo / "gcp-preflight.sarif"))
    assert status == 2
    assert err.count("\n") == 1 and "is a symbolic link; refusing to write through it" in err
    assert snapshot(outside) == {"victim.txt": b"precious\n"}


# -- 3. the cache does not decide findings ---------------------------------------------------------
def test_a_cache_shipped_in_the_checkout_is_ignored(tmp_path, capsys):
    forged = json.dumps([])  # "no facts" for every file, in the old per-file layout
    files = {f".preflight_cache/facts/{i:02x}/{i:02x}{'0' * 62}.json": forged for i in range(4)}
    repo = write_repo(tmp_path / "repo", dict(PLANTED, **files))
    status, out, _ = check(capsys, repo)
    assert (status, out.splitlines()[0][:len(PLANTED_LINE)]) == (1, PLANTED_LINE)


@pytest.mark.parametrize("forged", [
    b"cos\nsystem\n(S'touch ran-by-the-cache'\ntR.",  # os.system(...)
    pickle.dumps([Location("a.py", 1, 1)]),  # a list, not a tuple of facts
    pickle.dumps(("a.py",)),  # a tuple of something else
    pickle.dumps(()),  # no facts: a shape the tool itself writes
    '[["Location", ["a.py", 1, 1]]]',  # an entry of the old JSON store
    b"not a pickle",
], ids=["calls os.system", "a list", "not facts", "no facts", "json", "garbage"])
def test_cache_entries_of_the_wrong_shape_are_misses(tmp_path, capsys, monkeypatch, forged):
    store = tmp_path / "cache"
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(store))
    monkeypatch.chdir(tmp_path)
    repo = write_repo(tmp_path / "repo", PLANTED)
    first = check(capsys, repo)
    db = sqlite3.connect(store / "facts-v4.sqlite3")
    with db:
        count = db.execute("UPDATE facts SET value = ?", (forged,)).rowcount
        runs = db.execute("UPDATE runs SET value = ?", (forged,)).rowcount  # the whole-run result too
    db.close()
    assert (count, runs) == (3, 1)  # one entry per file read (deploy.sh, fn/main.py, fn/requirements.txt), one per run
    second = check(capsys, repo)
    if forged == pickle.dumps(()):  # a valid entry: "no facts" for every file
        assert second[0] == 0
    else:
        assert second == first
    assert not (tmp_path / "ran-by-the-cache").exists()


def test_a_cache_folder_that_is_a_link_or_shared_is_not_used(tmp_path, capsys, monkeypatch, outside):
    link = tmp_path / "cache-link"
    link.symlink_to(outside)
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(link))
    repo = write_repo(tmp_path / "repo", PLANTED)
    status, out, _ = check(capsys, repo)
    assert (status, out.splitlines()[0][:len(PLANTED_LINE)]) == (1, PLANTED_LINE)
    assert snapshot(outside) == {"victim.txt": b"precious\n"}
    shared = tmp_path / "shared-cache"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(shared))
    assert check(capsys, repo)[0] == 1
    assert list(shared.iterdir()) == []


# -- 4. a repository's config reads nothing outside it ---------------------------------------------
@pytest.mark.parametrize("inventory", ["../outside/secret.json", "{abs}", "inv.json"])
def test_configured_inventories_stay_inside_the_root(tmp_path, capsys, outside, inventory):
    secret = outside / "secret.json"
    secret.write_text('[{"name": "TOP-SECRET-VALUE"}]')
    inventory = inventory.replace("{abs}", str(secret))
    repo = write_repo(tmp_path / "repo", dict(PLANTED, **{
        "preflight.toml": f'[audit]\ninventory = ["{inventory}"]\n', "inv.json": f"-> {secret}"}))
    status = main(["validate-all", str(repo), "--no-cache"])
    out, err = capsys.readouterr()
    assert status == 2
    assert "TOP-SECRET-VALUE" not in out + err
    assert err.count("\n") == 1 and "outside the repository" in err


def test_a_config_file_linked_from_outside_is_not_read(tmp_path, capsys, outside):
    (outside / "cfg.toml").write_text('select = ["PF0"]\n')
    repo = write_repo(tmp_path / "repo", {"deploy.sh": DEPLOY, "preflight.toml": f"-> {outside / 'cfg.toml'}"})
    status, out, err = check(capsys, repo)
    assert (status, out) == (2, "")
    assert err == "preflight: preflight.toml: a link to a file outside the repository; not read (pass --config to use it)\n"
