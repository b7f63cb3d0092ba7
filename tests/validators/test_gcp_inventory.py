"""Inventory shapes in, normalised LiveResource facts out: gcloud's list output, the REST
shapes, snapshots, and files that are not what they should be."""

import json
from pathlib import Path

from gcp_preflight.validators.gcp_inventory.facts import AccessProblem, Listed, LiveResource
from gcp_preflight.validators.gcp_inventory.files import read_file, write_snapshot
from gcp_preflight.validators.gcp_inventory.inventory import assemble
from tests import fake_gcp

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "inventory"

PHASE2 = LiveResource(
    name="phase2-to-phase3", kind="function", region="us-central1", project="demo-pipeline", generation="gen2",
    memory="256M", memory_bytes=256_000_000, cpu="0.1666", runtime="python311", entry_point="orchestrate",
    timeout_s=540, min_instances=0, max_instances=10, env_names=("DATASET", "LOG_EXECUTION_ID", "SLACK_WEBHOOK_URL"),
    secret_env_names=("API_TOKEN",), state="ACTIVE", ready=True, update_time="2024-05-01T10:00:00.123456789Z",
    source="functions.json")
REPORT = LiveResource(
    name="report-builder", kind="function", region="europe-west1", project="demo-pipeline", generation="gen2",
    memory="1Gi", memory_bytes=2**30, runtime="python311", entry_point="main", timeout_s=60, min_instances=0,
    max_instances=3, state="FAILED", ready=False,
    state_detail="Container Healthcheck failed. The user-provided container failed to start and listen on the port.",
    update_time="2024-05-04T08:30:00Z", source="functions.json")
UPLOAD = LiveResource(
    name="upload_listener", kind="function", region="us-central1", project="demo-pipeline", generation="gen1",
    memory="256MB", memory_bytes=256 * 2**20, runtime="python39", entry_point="handle_upload", timeout_s=60,
    min_instances=0, max_instances=5, env_names=("BUCKET",), state="ACTIVE", ready=True,
    update_time="2023-01-14T23:34:56.221Z", source="functions.json")


def test_gcloud_functions_list_both_generations():
    inventory = read_file(FIXTURES / "functions.json", "functions.json")
    assert inventory.resources == [REPORT, PHASE2, UPLOAD]
    assert inventory.listed == [Listed("function", "-", "functions.json")]
    assert inventory.problems == []


def test_gcloud_run_services_list_knative_shape():
    inventory = read_file(FIXTURES / "services.json", "services.json")
    assert inventory.resources == [LiveResource(
        name="coordinator", kind="run-service", region="us-central1", project="123456789012", memory="256Mi",
        memory_bytes=256 * 2**20, cpu="1000m", timeout_s=300, min_instances=1, max_instances=20,
        env_names=("DATASET",), secret_env_names=("API_TOKEN",), state="Ready=True", ready=True,
        source="services.json")]  # the function-managed service is the function, not a second resource
    assert inventory.listed == [Listed("run-service", "-", "services.json")]


def test_gcloud_run_jobs_list_knative_shape():
    inventory = read_file(FIXTURES / "jobs.json", "jobs.json")
    assert inventory.resources == [LiveResource(
        name="nightly-backfill", kind="run-job", region="us-central1", project="123456789012", memory="512Mi",
        memory_bytes=512 * 2**20, cpu="1000m", timeout_s=3600, env_names=("SEASON",), state="Ready=True",
        ready=True, source="jobs.json")]


def test_rest_shapes_gen1_listed_by_both_apis_counted_once_with_v1_memory():
    items = [(fake_gcp.function_v2("legacy", gen="GEN_1", memory="256M", runtime="python39"), "api"),
             (fake_gcp.function_v1("legacy", memory_mb=512), "api"),
             (fake_gcp.function_v2("orch", env={}), "api"),
             (fake_gcp.run_service("orch"), "api"),  # the Cloud Run service behind the 2nd gen function
             (fake_gcp.run_service("api", state="CONDITION_FAILED", message="Revision api-00002 is not ready."), "api"),
             (fake_gcp.run_job("etl", timeout="1200s"), "api")]
    inventory = assemble(items)
    assert [(r.kind, r.name, r.generation, r.memory, r.ready, r.state_detail) for r in inventory.resources] == [
        ("function", "legacy", "gen1", "512MB", True, ""),
        ("function", "orch", "gen2", "256M", True, ""),
        ("run-job", "etl", None, "512Mi", True, ""),
        ("run-service", "api", None, "512Mi", False, "Revision api-00002 is not ready."),
    ]
    assert inventory.resources[2].timeout_s == 1200


def test_snapshot_round_trip_keeps_resources_and_coverage(tmp_path):
    source = assemble([(fake_gcp.function_v2("orch"), "api"), (fake_gcp.run_job("etl"), "api")],
                      [Listed("function", "-", project="demo"), Listed("run-job", "us-central1", project="demo")])
    write_snapshot(tmp_path / "snap.json", source, "demo")
    data = json.loads((tmp_path / "snap.json").read_text())
    assert data["gcp-preflight-inventory"] == 1 and data["project"] == "demo"
    assert data["listed"] == [{"kind": "function", "region": "-"}, {"kind": "run-job", "region": "us-central1"}]
    again = read_file(tmp_path / "snap.json", "snap.json")
    assert [r.name for r in again.resources] == ["orch", "etl"]
    assert again.listed == [Listed("function", "-", "snap.json", "demo"), Listed("run-job", "us-central1", "snap.json", "demo")]


def test_files_that_are_not_inventories(tmp_path):
    cases = {
        "truncated.json": '[{"name": "projects/p/locations/r/functions/f",',
        "object.json": '{"kind": "something else"}',
        "version.json": '{"gcp-preflight-inventory": 99}',
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "odd.json").write_text('[{"name": "fn-without-path"}, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}}]')
    assert [read_file(tmp_path / n, n).problems for n in (*cases, "odd.json")] == [
        [AccessProblem("truncated.json", "malformed",
                       "inventory truncated.json is not JSON: Expecting property name enclosed in double quotes (line 1, column 48)")],
        [AccessProblem("object.json", "malformed",
                       "inventory object.json is neither a gcloud list (a JSON array) nor a preflight snapshot")],
        [AccessProblem("version.json", "malformed",
                       "inventory version.json is snapshot version 99; this preflight reads version 1")],
        [AccessProblem("odd.json", "malformed",
                       "item 1 of odd.json skipped: no resource name like projects/P/locations/R/functions/N: 'fn-without-path'"),
         AccessProblem("odd.json", "malformed",
                       "item 2 of odd.json skipped: kind 'Pod' is not a Cloud Run Service or Job")],
    ]
