"""`preflight audit` and `preflight validate-all` end to end: inventories in gcloud's shape,
the fake APIs, every output format for findings without a file, exit statuses, and the
promise that a static check never imports the Google libraries."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from google.auth.credentials import AnonymousCredentials

from gcp_preflight.cli import main
from gcp_preflight.validators.gcp_inventory import api
from tests.fake_gcp import FakeGcp, function_v2, run_job, run_service
from tests.helpers import SARIF_SCHEMA, write_repo

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "inventory"

INVENTORY_FINDINGS = [
    "(live): error PF901 deployed Cloud Run service `coordinator` (us-central1) has 256Mi (256 MiB), below the floor of 512MiB (512 MiB, default for Cloud Run services)",
    "(live): error PF901 deployed function `phase2-to-phase3` (us-central1) has 256M (244.1 MiB), below the floor of 512MB (488.3 MiB, default for functions)",
    "(live): error PF901 deployed function `upload_listener` (us-central1) has 256MB (256 MiB), below the floor of 512MB (488.3 MiB, default for functions)",
    "(live): error PF904 deployed function `report-builder` (europe-west1) is not ready (state FAILED): Container Healthcheck failed. The user-provided container failed to start and listen on the port.",
]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)
    root = write_repo(tmp_path / "repo", {
        "preflight.toml": '[audit]\nmanaged-elsewhere = ["*"]\n',
        "app/main.py": "def main(event, context):\n    return 'ok'\n",
    })
    for name in ("functions.json", "services.json", "jobs.json"):
        shutil.copy(FIXTURES / name, root / name)
    return root


def run(capsys, *argv):
    status = main([*argv, "--no-cache"])
    out, err = capsys.readouterr()
    return status, out, err


def inventory_args(root):
    return [a for name in ("functions.json", "services.json", "jobs.json") for a in ("--inventory", str(root / name))]


def test_audit_gcloud_inventories_text(repo, capsys):
    status, out, err = run(capsys, "audit", "--root", str(repo), *inventory_args(repo))
    assert status == 1
    assert out.splitlines() == INVENTORY_FINDINGS + ["Found 4 findings (4 errors)."]
    assert err == "Live audit: 5 deployed resources from functions.json, services.json, jobs.json.\n"


def test_findings_without_a_file_in_every_format(repo, capsys):
    args = ["audit", "--root", str(repo), "--select", "PF904", *inventory_args(repo)]
    _, out, _ = run(capsys, *args, "--format", "json")
    finding = json.loads(out)["findings"][0]
    assert (finding["code"], finding["path"], finding["line"]) == ("PF904", "", 1)
    _, out, _ = run(capsys, *args, "--format", "github")
    assert out.startswith("::error title=PF904 deployed-not-ready::deployed function `report-builder` (europe-west1) is not ready")
    _, out, _ = run(capsys, *args, "--format", "sarif")
    log = json.loads(out)
    if SARIF_SCHEMA.exists():  # ../shared beside the checkout; test_formats says when it is absent
        jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    run_ = log["runs"][0]
    assert run_["results"] == []
    assert [(n["level"], n["associatedRule"]["id"]) for n in run_["invocations"][0]["toolExecutionNotifications"]] == [("error", "PF904")]
    assert run_["automationDetails"] == {"id": "preflight/audit/"}


def test_audit_select_outside_pf9_selects_nothing(repo, capsys):
    status, out, _ = run(capsys, "audit", "--root", str(repo), "--select", "PF0", *inventory_args(repo))
    assert (status, out) == (0, "No findings.\n")


def test_audit_without_project_or_inventory_is_a_usage_error(repo, capsys):
    status, out, err = run(capsys, "audit", "--root", str(repo))
    assert (status, out) == (2, "")
    assert err == ("preflight: no project to audit: pass --project ID, set `project` under [audit] in the configuration, "
                   "or give --inventory FILE (from `gcloud functions list --format=json`)\n")
    status, _, err = run(capsys, "audit", "--root", str(repo), "--inventory", "missing.json")
    assert (status, err) == (2, "preflight: --inventory missing.json: no such file\n")


def test_validate_all_skips_the_audit_without_a_project(repo, capsys):
    status, out, err = run(capsys, "validate-all", str(repo))
    assert (status, out) == (0, "No findings.\n")
    assert err == "Live audit skipped: no project configured and no inventory given (--require-live makes this fail).\n"
    status, out, err = run(capsys, "validate-all", str(repo), "--require-live")
    assert status == 2 and err.startswith("preflight: no project to audit")
    status, out, err = run(capsys, "validate-all", str(repo), "--offline", *inventory_args(repo))
    assert (status, out, err) == (0, "No findings.\n", "Live audit skipped (--offline).\n")


def test_validate_all_one_report_one_status(repo, capsys):
    (repo / "app" / "broken.py").write_text("def f(:\n")
    (repo / "preflight.toml").write_text('[audit]\ninventory = ["functions.json"]\nmanaged-elsewhere = ["*"]\n')
    status, out, err = run(capsys, "validate-all", str(repo))
    assert status == 1
    assert out.splitlines() == [
        INVENTORY_FINDINGS[1], INVENTORY_FINDINGS[2], INVENTORY_FINDINGS[3],
        "repo/app/broken.py:1:7: error PF002 syntax error: invalid syntax",
        "Found 4 findings (4 errors).",
    ]
    assert err == "Live audit: 3 deployed resources from functions.json.\n"


@pytest.fixture
def fake(monkeypatch):
    server = FakeGcp(page_size=2)
    server.add(function_v2("orchestrator", memory="256M"), run_service("orchestrator"),
               run_service("api", region="europe-west1", memory="1Gi", state="CONDITION_FAILED", message="Revision api-00003 failed."),
               run_job("backfill"))
    monkeypatch.setattr(api, "adc_connection", lambda: api.Connection(AnonymousCredentials(), server.endpoint))
    yield server
    server.close()


def test_audit_against_the_apis_then_from_the_saved_snapshot(repo, fake, capsys):
    (repo / "preflight.toml").write_text("[audit]\nproject = \"demo\"\nregions = [\"us-central1\", \"europe-west1\"]\n")
    snapshot = repo / "snapshot.json"
    status, out, err = run(capsys, "audit", "--root", str(repo), "--save-inventory", str(snapshot))
    expected = [
        "(live): error PF901 deployed function `orchestrator` (us-central1) has 256M (244.1 MiB), below the floor of 512MB (488.3 MiB, default for functions)",
        "(live): error PF904 deployed Cloud Run service `api` (europe-west1) is not ready (state CONDITION_FAILED): Revision api-00003 failed.",
        "(live): info PF905 deployed Cloud Run job `backfill` (us-central1) is declared by no deploy command in this repository",
        "(live): info PF905 deployed Cloud Run service `api` (europe-west1) is declared by no deploy command in this repository",
        "(live): info PF905 deployed function `orchestrator` (us-central1) is declared by no deploy command in this repository",
    ]
    assert (status, out.splitlines()) == (1, expected + ["Found 5 findings (2 errors, 3 infos)."])
    assert err == (f"Saved the inventory (3 resources) to {snapshot}.\n"
                   "Live audit: 3 deployed resources from project demo.\n")
    requests = len(fake.requests)
    status, out, _ = run(capsys, "audit", "--root", str(repo), "--inventory", str(snapshot))
    assert (status, out.splitlines()) == (1, expected + ["Found 5 findings (2 errors, 3 infos)."])
    assert len(fake.requests) == requests  # offline


def test_a_failing_region_is_a_finding_and_the_rest_is_audited(repo, fake, capsys):
    fake.fail("permission", coll="services", location="europe-west1")
    status, out, _ = run(capsys, "audit", "--root", str(repo), "--project", "demo", "--region", "us-central1",
                         "--region", "europe-west1", "--select", "PF900,PF901")
    assert (status, out.splitlines()) == (1, [
        "(live): warning PF900 Cloud Run services in europe-west1: permission denied: the caller lacks run.services.list in project demo (a role such as roles/run.viewer grants it)",
        "(live): error PF901 deployed function `orchestrator` (us-central1) has 256M (244.1 MiB), below the floor of 512MB (488.3 MiB, default for functions)",
        "Found 2 findings (1 error, 1 warning).",
    ])


def test_no_credentials_one_line_not_a_traceback(repo, monkeypatch, capsys):
    from google.auth.exceptions import DefaultCredentialsError

    def missing():
        raise DefaultCredentialsError("Your default credentials were not found. To set up Application Default Credentials, see https://cloud.google.com/docs/authentication/external/set-up-adc for more information.")

    monkeypatch.setattr(api, "adc_connection", missing)
    message = ("no Google credentials (Your default credentials were not found): run `gcloud auth application-default login`, "
               "set GOOGLE_APPLICATION_CREDENTIALS to a key file, or audit an exported inventory with --inventory FILE")
    status, out, err = run(capsys, "audit", "--root", str(repo), "--project", "demo")
    assert (status, out, err) == (2, "", f"preflight: {message}\n")
    (repo / "app" / "broken.py").write_text("def f(:\n")
    status, out, err = run(capsys, "validate-all", str(repo), "--project", "demo", "--exit-zero")
    assert status == 2  # --exit-zero never hides an audit that could not run
    assert out.splitlines() == ["repo/app/broken.py:1:7: error PF002 syntax error: invalid syntax", "Found 1 finding (1 error)."]
    assert err == f"preflight: live audit failed: {message}\n"


def test_static_check_and_offline_audit_never_import_google(repo):
    code = ("import sys\nfrom gcp_preflight.cli import main\n"
            "main(sys.argv[1:])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('google', 'grpc', 'requests')))")
    for argv in (["check", str(repo), "--no-cache"],
                 ["validate-all", str(repo), "--no-cache", "--inventory", str(repo / "functions.json")]):
        done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parents[1])
        assert done.stdout.splitlines()[-1] == "[]", done.stderr


def test_progress_only_on_a_terminal(monkeypatch):
    import io

    from gcp_preflight.audit import terminal_progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert terminal_progress(io.StringIO()) is None
    stream = Tty()
    show = terminal_progress(stream)
    show(1, 2, "Cloud Run jobs in us-central1")
    show(2, 2, "Cloud Functions")
    assert stream.getvalue() == "\r\033[Kpreflight: listed Cloud Run jobs in us-central1 (1/2)\r\033[K"
    monkeypatch.setenv("CI", "true")
    assert terminal_progress(Tty()) is None
