"""The real client libraries (REST) against the fake of the four list APIs on 127.0.0.1:
pages, regions, both function generations, services and jobs, and every way a listing fails."""

import datetime

import google.auth.credentials
import pytest
from google.auth.credentials import AnonymousCredentials

from gcp_preflight.validators.gcp_inventory.api import Connection, Limits, list_live
from gcp_preflight.validators.gcp_inventory.facts import Listed
from tests.fake_gcp import FakeGcp, function_v1, function_v2, run_job, run_service

FAST = Limits(timeout=0.6, initial_backoff=0.02)
REGIONS = ["us-central1", "europe-west1"]


class TokenCredentials(google.auth.credentials.Credentials):
    """Refreshable test credentials (anonymous ones cannot take a 401 path)."""

    def refresh(self, request):
        self.token = "fake-token"
        self.expiry = datetime.datetime.utcnow() + datetime.timedelta(hours=1)


@pytest.fixture
def fake():
    server = FakeGcp(page_size=2)
    server.add(function_v2("orchestrator", memory="256M"), function_v2("loader", memory="1Gi", env={"DATASET": "raw"}),
               function_v2("legacy", gen="GEN_1", memory="256M", runtime="python39"),
               function_v2("reporter", region="europe-west1", memory="512Mi"),
               run_service("orchestrator"), run_service("loader"), run_service("reporter", region="europe-west1"),
               run_service("coordinator", memory="1Gi", min_i=1), run_service("api", region="europe-west1", memory="256Mi"),
               run_service("web", region="europe-west1"),
               run_job("backfill", memory="2Gi", timeout="3600s"), run_job("compact", region="europe-west1"))
    server.add(function_v1("legacy", memory_mb=128), ver="v1")
    yield server
    server.close()


def live(fake, regions=REGIONS, credentials=None, limits=FAST):
    return list_live("demo", regions, Connection(credentials or AnonymousCredentials(), fake.endpoint), limits)


def test_lists_every_page_of_every_region_once(fake):
    inventory = live(fake)
    assert [(r.kind, r.region, r.name, r.generation, r.memory) for r in inventory.resources] == [
        ("function", "europe-west1", "reporter", "gen2", "512Mi"),
        ("function", "us-central1", "legacy", "gen1", "128MB"),  # the v1 API's exact 1st gen memory
        ("function", "us-central1", "loader", "gen2", "1Gi"),
        ("function", "us-central1", "orchestrator", "gen2", "256M"),
        ("run-job", "europe-west1", "compact", None, "512Mi"),
        ("run-job", "us-central1", "backfill", None, "2Gi"),
        ("run-service", "europe-west1", "api", None, "256Mi"),
        ("run-service", "europe-west1", "web", None, "512Mi"),
        ("run-service", "us-central1", "coordinator", None, "1Gi"),
    ]  # the Cloud Run services behind 2nd gen functions are the functions themselves
    assert inventory.problems == []
    assert sorted(inventory.listed, key=repr) == sorted(
        [Listed("function", r, project="demo") for r in REGIONS]
        + [Listed(kind, r, project="demo") for kind in ("run-service", "run-job") for r in REGIONS], key=repr)
    assert [(path, query.get("pageToken", [""])[0]) for path, query in sorted(fake.requests, key=lambda r: (r[0], r[1].get("pageToken", [""])))] == [
        ("/v1/projects/demo/locations/-/functions", ""),
        ("/v2/projects/demo/locations/-/functions", ""), ("/v2/projects/demo/locations/-/functions", "2"),
        ("/v2/projects/demo/locations/europe-west1/jobs", ""),
        ("/v2/projects/demo/locations/europe-west1/services", ""), ("/v2/projects/demo/locations/europe-west1/services", "2"),
        ("/v2/projects/demo/locations/us-central1/jobs", ""),
        ("/v2/projects/demo/locations/us-central1/services", ""), ("/v2/projects/demo/locations/us-central1/services", "2"),
    ]
    assert {query["pageSize"][0] for _, query in fake.requests} == {"500"}


def test_normalised_fields_from_the_api(fake):
    inventory = live(fake, regions=["us-central1"])
    loader = next(r for r in inventory.resources if r.name == "loader")
    coordinator = next(r for r in inventory.resources if r.name == "coordinator")
    backfill = next(r for r in inventory.resources if r.name == "backfill")
    assert (loader.memory_bytes, loader.runtime, loader.entry_point, loader.timeout_s, loader.min_instances,
            loader.max_instances, loader.env_names, loader.state, loader.ready, loader.update_time) == (
        2**30, "python311", "main", 60, 0, 100, ("DATASET",), "ACTIVE", True, "2024-05-01T10:00:00Z")
    assert (coordinator.memory_bytes, coordinator.cpu, coordinator.timeout_s, coordinator.min_instances,
            coordinator.max_instances, coordinator.state) == (2**30, "1", 300, 1, 10, "CONDITION_SUCCEEDED")
    assert (backfill.timeout_s, backfill.min_instances, backfill.max_instances) == (3600, None, None)


def problems(inventory):
    return [(p.scope, p.reason, p.message) for p in inventory.problems]


def test_permission_denied_in_one_region_the_others_still_audited(fake):
    fake.fail("permission", coll="services", location="europe-west1")
    inventory = live(fake)
    assert problems(inventory) == [(
        "Cloud Run services in europe-west1", "permission",
        "Cloud Run services in europe-west1: permission denied: the caller lacks run.services.list in project demo "
        "(a role such as roles/run.viewer grants it)")]
    assert Listed("run-service", "europe-west1", project="demo") not in inventory.listed
    assert [r.name for r in inventory.resources if r.kind == "run-service"] == ["coordinator"]
    assert [r.name for r in inventory.resources if r.kind == "run-job"] == ["compact", "backfill"]


def test_api_disabled_names_the_api_and_the_command(fake):
    fake.fail("disabled", coll="functions")
    inventory = live(fake, regions=["us-central1"])
    message = ("the cloudfunctions.googleapis.com API is not enabled in project demo; "
               "enable it with `gcloud services enable cloudfunctions.googleapis.com --project demo`")
    assert problems(inventory) == [
        ("Cloud Functions", "api-disabled", f"Cloud Functions: {message}"),
        ("Cloud Functions (1st gen, v1 API)", "api-disabled", f"Cloud Functions (1st gen, v1 API): {message}"),
    ]
    # without the functions listing, the services behind 2nd gen functions cannot be told apart
    assert [(r.kind, r.name) for r in inventory.resources] == [
        ("run-job", "backfill"), ("run-service", "coordinator"), ("run-service", "loader"), ("run-service", "orchestrator")]
    assert not any(item.kind == "function" for item in inventory.listed)


def test_rate_limited_then_success_is_retried(fake):
    fake.fail("429", coll="jobs", location="us-central1", times=1)
    inventory = live(fake, regions=["us-central1"])
    assert problems(inventory) == []
    assert [r.name for r in inventory.resources if r.kind == "run-job"] == ["backfill"]
    assert [p for p, _ in fake.requests].count("/v2/projects/demo/locations/us-central1/jobs") == 2


def test_server_error_gives_up_at_the_deadline(fake):
    fake.fail("500", coll="jobs", location="us-central1")
    inventory = live(fake, regions=["us-central1"])
    assert problems(inventory) == [(
        "Cloud Run jobs in us-central1", "api-error",
        "Cloud Run jobs in us-central1: API error 500: Internal error encountered. (still failing after retries for 0.6s)")]
    assert [p for p, _ in fake.requests].count("/v2/projects/demo/locations/us-central1/jobs") > 2


def test_timeout(fake):
    fake.fail("slow", coll="services", location="us-central1", delay=1.5)
    inventory = live(fake, regions=["us-central1"], limits=Limits(timeout=0.3, initial_backoff=0.02))
    assert problems(inventory) == [("Cloud Run services in us-central1", "timeout",
                                    "Cloud Run services in us-central1: no reply within 0.3s")]


def test_malformed_reply_on_a_later_page(fake):
    fake.fail("malformed", coll="functions", ver="v2", location="-")
    inventory = live(fake, regions=["us-central1"])
    assert problems(inventory) == [("Cloud Functions", "malformed",
                                    "Cloud Functions: the API's reply could not be read (not the JSON it should be)")]
    assert [r.name for r in inventory.resources if r.kind == "function"] == ["legacy"]  # from the v1 API
    assert not any(item.kind == "function" for item in inventory.listed)  # the v2 API decides coverage


def test_unreachable_region_is_reported_and_not_covered(fake):
    fake.unreachable = ["europe-west1"]
    inventory = live(fake)
    assert problems(inventory) == [
        ("Cloud Functions", "unreachable", "Cloud Functions: region europe-west1 was unreachable; its functions are not audited"),
        ("Cloud Functions (1st gen, v1 API)", "unreachable",
         "Cloud Functions (1st gen, v1 API): region europe-west1 was unreachable; its functions are not audited"),
    ]
    assert [item.region for item in inventory.listed if item.kind == "function"] == ["us-central1"]


def test_rejected_credentials(fake):
    fake.fail("401", coll="jobs")
    inventory = live(fake, regions=["us-central1"], credentials=TokenCredentials())
    assert problems(inventory) == [(
        "Cloud Run jobs in us-central1", "credentials",
        "Cloud Run jobs in us-central1: the credentials were rejected: run `gcloud auth application-default login` "
        "(or set GOOGLE_APPLICATION_CREDENTIALS to a key file)")]
