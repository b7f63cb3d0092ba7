"""The exact mode (`--resolve`, issue 20 item 3): requirements resolved by pip from a folder of small
wheels built here (`--no-index --find-links`), no network, no configuration of the machine."""

import os
import zipfile

import pytest

from gcp_preflight import engine
from gcp_preflight.config import load
from tests.helpers import write_repo

DEPLOY = ("gcloud functions deploy fn --runtime python312 --trigger-http --entry-point run "
          "--source fn --memory 512MB\n")


def _wheel(folder, name, version, files, requires=()):
    dist = name.replace("-", "_")
    path = folder / f"{dist}-{version}-py3-none-any.whl"
    info = f"{dist}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    entries = {**files, f"{info}/METADATA": meta,
               f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    entries[f"{info}/RECORD"] = "".join(f"{n},,\n" for n in entries) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for rel, text in entries.items():
            archive.writestr(rel, text)


@pytest.fixture
def index(tmp_path, monkeypatch):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(wheels, "acme-api-modules", "1.0", {"acme/api/__init__.py": "", "acme/api/client.py": ""},
           requires=["helper-lib>=2"])
    _wheel(wheels, "helper-lib", "2.1", {"hlp/__init__.py": "", "hlp_compat.py": ""})
    _wheel(wheels, "functions-framework", "3.8.0", {"functions_framework/__init__.py": ""})
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # the machine's pip.conf is not this test's
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    return wheels


def _check(root, resolve=True):
    result, project = engine.check(root, load(root), use_cache=False, resolve=resolve)
    found = [(f.code, f"{f.location.path}:{f.location.line}") for f in result.findings if f.code.startswith("PF2")]
    return found, project


def test_a_transitive_import_is_found_and_a_missing_one_still_reported(tmp_path, index):
    root = write_repo(tmp_path / "repo", {
        "deploy.sh": DEPLOY,
        "fn/requirements.txt": "acme-api-modules==1.0\n",
        "fn/main.py": "from acme.api import client\nimport hlp\nimport hlp_compat\nimport yaml\n"
                      "def run(request): return 'ok'\n",
    })
    assert _check(root, resolve=False)[0] == [("PF209", "fn/requirements.txt:1")]  # without the resolver
    found, project = _check(root)
    assert found == [("PF203", "fn/main.py:4")]
    assert project.resolver.runs == 1


def test_an_unresolvable_requirement_is_reported_on_its_line(tmp_path, index):
    root = write_repo(tmp_path / "repo", {
        "deploy.sh": DEPLOY,
        "fn/requirements.txt": "acme-api-modules==1.0\nno-such-thing==9.9\n",
        "fn/main.py": "import hlp\ndef run(request): return 'ok'\n",
    })
    result, _ = engine.check(root, load(root), use_cache=False, resolve=True)
    [finding] = [f for f in result.findings if f.code == "PF210"]
    assert (str(finding.location), finding.severity.value) == ("fn/requirements.txt:2:1", "error")
    assert finding.message == ("pip cannot resolve the requirements of function fn: no release of `no-such-thing` "
                               "that the requirements allow has a wheel for Python 3.12 on Linux (source "
                               "distributions are not built here)")


def test_the_second_run_resolves_nothing(tmp_path, index):
    root = write_repo(tmp_path / "repo", {
        "deploy.sh": DEPLOY,
        "fn/requirements.txt": "acme-api-modules\n",
        "fn/main.py": "import hlp\ndef run(request): return 'ok'\n",
    })
    assert _check(root)[0] == []
    found, project = _check(root)
    assert found == [] and project.resolver.runs == 0
    assert list((tmp_path / "cache" / "resolve").glob("*.json"))


def test_paths_and_urls_are_never_given_to_pip(tmp_path, index):
    root = write_repo(tmp_path / "repo", {
        "deploy.sh": DEPLOY,
        "fn/requirements.txt": "./vendor/acme\nacme-api-modules\n",
        "fn/vendor/acme/setup.py": "raise SystemExit('never run')\n",
        "fn/main.py": "import hlp\nimport vendored_thing\ndef run(request): return 'ok'\n",
    })
    assert _check(root)[0] == [("PF209", "fn/requirements.txt:1")]


def test_config_turns_it_on_but_never_under_pre_commit(tmp_path, index, monkeypatch):
    root = write_repo(tmp_path / "repo", {
        "preflight.toml": "[packaging]\nresolve = true\n",
        "deploy.sh": DEPLOY,
        "fn/requirements.txt": "acme-api-modules\n",
        "fn/main.py": "import hlp\ndef run(request): return 'ok'\n",
    })
    assert _check(root, resolve=None)[1].resolver is not None
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert _check(root, resolve=None)[1].resolver is None


def test_modules_of_a_wheel_file_list():
    from gcp_preflight.resolve import modules_of

    assert modules_of(["google/cloud/bigquery/__init__.py", "google/cloud/bigquery/client.py",
                       "six.py", "_cffi_backend.cpython-311-x86_64-linux-gnu.so", "x-1.0.dist-info/RECORD",
                       "nsonly/part/mod.py"]) == ("_cffi_backend", "google.cloud.bigquery", "nsonly.part.mod", "six")
