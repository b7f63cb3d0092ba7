"""The existing rules on deploys declared in Terraform and in Cloud Run manifests: memory floors,
invalid values, the packaging closure of an archived folder, drift against what is deployed."""

import json

from gcp_preflight.cli import main
from tests.helpers import assert_marks, found, offline_audit, run, write_repo

SELECT = ("PF0", "PF2", "PF3")


def test_memory_rules_on_every_resource_type(tmp_path):
    write_repo(tmp_path, {"preflight.toml": "", "infra/main.tf": """
        resource "google_cloudfunctions_function" "small" {
          name                = "small"
          runtime             = "python311"
          available_memory_mb = 128  # expect: PF301
          trigger_http        = true
          source_repository {
            url = "https://source.developers.google.com/projects/p/repos/r/moveable-aliases/main/paths/fn"
          }
        }

        resource "google_cloudfunctions_function" "left_out" {  # expect: PF301
          name         = "left-out"
          runtime      = "python311"
          trigger_http = true
          source_repository {
            url = "https://source.developers.google.com/projects/p/repos/r/moveable-aliases/main/paths/fn"
          }
        }

        resource "google_cloudfunctions2_function" "decimal" {
          name     = "decimal"
          location = "us-central1"
          build_config {
            runtime = "python312"
            source {
              repo_source {
                repo_name = "r"
              }
            }
          }
          service_config {
            available_memory = "512M"
          }
        }

        resource "google_cloudfunctions2_function" "bytes" {
          name     = "bytes"
          location = "us-central1"
          build_config {
            runtime = "python312"
            source {
              repo_source {
                repo_name = "r"
              }
            }
          }
          service_config {
            available_memory = "536870912"
          }
        }

        resource "google_cloudfunctions2_function" "megabytes" {
          name     = "megabytes"
          location = "us-central1"
          build_config {
            runtime = "python312"
            source {
              repo_source {
                repo_name = "r"
              }
            }
          }
          service_config {
            available_memory = "512MB"  # expect: PF303
          }
        }

        resource "google_cloud_run_service" "web" {
          name     = "web"
          location = "us-central1"
          template {
            spec {
              containers {
                image = "gcr.io/p/web"
                resources {
                  limits = {
                    memory = "256Mi"  # expect: PF301
                  }
                }
              }
            }
          }
        }

        resource "google_cloud_run_v2_service" "api" {  # expect: PF302
          name     = "api"
          location = "us-central1"
          template {
            containers {
              image = "gcr.io/p/api"
              env {
                name  = "A"
                value = "1"
              }
            }
          }
        }

        resource "google_cloud_run_v2_job" "big" {
          name     = "big"
          location = "us-central1"
          template {
            template {
              containers {
                image = "gcr.io/p/big"
                resources {
                  limits = { memory = "16Gi", cpu = "2" }  # expect: PF303
                }
              }
            }
          }
        }
        """})
    assert_marks(tmp_path, select=("PF0", "PF3"))  # the repo_source functions are PF208 notices
    messages = {f.location.line: f.message for f in run(tmp_path, select=("PF0", "PF3"))}
    assert messages[4] == ("available_memory_mb: 128 is 128 MiB on a 1st gen function (Terraform sends "
                           "available_memory_mb to the API as a number of MB); the floor for function small is 512MB "
                           "(488.3 MiB, default for functions)")
    assert messages[11] == ("available_memory_mb (left out, so Terraform sends 256) is 256 MiB on a 1st gen function "
                            "(Terraform sends available_memory_mb to the API as a number of MB); the floor for function "
                            "left-out is 512MB (488.3 MiB, default for functions)")
    assert messages[64] == ("service_config.available_memory: 512MB is not a size a 2nd gen function (Terraform sends "
                            "available_memory to the API as written: a bare number is bytes) accepts (a Kubernetes "
                            "quantity such as 512Mi or 1Gi; MB and GB suffixes are not)")
    assert messages[85] == ("no memory size for Cloud Run service api: a first deploy gets 512Mi, a redeploy keeps "
                            "whatever is live")
    assert messages[107] == ("resources.limits.memory: 16Gi (16384 MiB) needs at least 4 CPU on a Cloud Run job; "
                             "resources.limits.cpu: 2 gives 2")


def test_a_value_that_cannot_be_resolved_is_said_once_and_makes_no_finding(tmp_path):
    write_repo(tmp_path, {"preflight.toml": "", "main.tf": """
        variable "memory" {
          type = string
        }

        variable "replicas" {
          type = number
        }

        resource "google_cloud_run_v2_service" "api" {
          name     = "api"
          location = "us-central1"
          template {
            containers {
              image = "gcr.io/p/api"
              resources {
                limits = { memory = var.memory }  # expect: PF302
              }
            }
          }
        }

        resource "google_cloud_run_v2_service" "many" {
          count    = var.replicas  # expect: PF012
          name     = "many-${count.index}"
          location = "us-central1"
          template {
            containers {
              image = "gcr.io/p/api"
              resources {
                limits = { memory = "128Mi" }
              }
            }
          }
        }
        """})
    assert_marks(tmp_path, select=SELECT)
    assert [(f.code, f.severity.value, f.message) for f in run(tmp_path, select=SELECT)] == [
        ("PF302", "info", "resources.limits.memory: var.memory for Cloud Run service api is not checked against the "
                          "floor: var.memory has no default and no .tfvars file sets it"),
        ("PF012", "info", "count of google_cloud_run_v2_service.many cannot be resolved statically (var.replicas has "
                          "no default and no .tfvars file sets it), so the Cloud Run service it deploys is not checked"),
    ]


ORCHESTRATOR = {
    "preflight.toml": "",
    "terraform/main.tf": """
        data "archive_file" "orchestrator" {
          type        = "zip"
          source_dir  = "${path.module}/../functions/orchestrator"
          output_path = "${path.module}/build/orchestrator.zip"
          excludes    = ["tests"]
        }

        resource "google_storage_bucket_object" "orchestrator" {
          name   = "orchestrator.zip"
          bucket = "p-functions"
          source = data.archive_file.orchestrator.output_path
        }

        resource "google_cloudfunctions2_function" "orchestrator" {
          name     = "orchestrator"
          location = "us-central1"
          build_config {
            runtime     = "python311"
            entry_point = "handle"
            source {
              storage_source {
                bucket = "p-functions"
                object = google_storage_bucket_object.orchestrator.name
              }
            }
          }
          service_config {
            available_memory = "512Mi"
          }
        }
        """,
    "functions/orchestrator/main.py": """
        from shared.config import DATASET  # expect: PF202


        def handle(request):
            return DATASET
        """,
    "functions/orchestrator/requirements.txt": "functions-framework==3.*\n",
    "functions/orchestrator/tests/test_main.py": "import pytest\n",
    "shared/config.py": "DATASET = 'raw'\n",
}


def test_the_archive_chain_makes_a_unit_whose_missing_shared_import_is_reported(tmp_path):
    """archive_file -> bucket object -> function: the zipped folder is the unit, with the
    function's runtime and entry point; `excludes` leaves tests/ out (its pytest import is not
    judged); shared/ is not in the folder, so the import fails at cold start."""
    write_repo(tmp_path, ORCHESTRATOR)
    assert_marks(tmp_path, select=SELECT)
    [finding] = run(tmp_path, select=("PF202",))
    assert finding.message == ("`shared.config` cannot be imported in function orchestrator: shared/config.py exists "
                               "in the repository but not in the deployed package; import chain: main.py:1 -> from "
                               "shared.config import DATASET")


def test_the_entry_point_is_checked_in_the_archived_folder(tmp_path):
    files = dict(ORCHESTRATOR, **{"functions/orchestrator/main.py": "def main(request):\n    return 'ok'\n"})
    write_repo(tmp_path, files)
    assert found(tmp_path, select=("PF205",)) == [("PF205", "terraform/main.tf:19")]


def test_fix_raises_a_terraform_literal(tmp_path):
    write_repo(tmp_path, {"preflight.toml": "", "main.tf": """
        resource "google_cloud_run_v2_service" "api" {
          name     = "api"
          location = "us-central1"
          template {
            containers {
              image = "gcr.io/p/api"
              resources {
                limits = { memory = "256Mi" }
              }
            }
          }
        }
        """})
    assert found(tmp_path, select=("PF301",)) == [("PF301", "main.tf:8")]
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--select", "PF301", "--fix", "--unsafe-fixes"]) == 0
    assert 'limits = { memory = "512Mi" }' in (tmp_path / "main.tf").read_text()


MANIFESTS = {
    "preflight.toml": "",
    "deploy/service.yaml": """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: api
          labels:
            cloud.googleapis.com/location: us-central1
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/maxScale: '10'
            spec:
              containers:
              - image: gcr.io/p/api:${TAG}
                env:
                - name: MODE
                  value: prod
                resources:
                  limits:
                    memory: 256Mi  # expect: PF301
                    cpu: '1'
        """,
    "deploy/job.yaml": """
        apiVersion: run.googleapis.com/v1
        kind: Job
        metadata:
          name: nightly
        spec:
          template:
            spec:
              taskCount: 1
              template:
                spec:
                  timeoutSeconds: '600'
                  containers:
                  - image: gcr.io/p/nightly
                    resources:
                      limits:
                        memory: 1GB  # expect: PF303
        """,
    "deploy/templated.yaml": """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: templated
        spec:
          template:
            spec:
              containers:
              - image: gcr.io/p/t
                resources:
                  limits:
                    memory: ${MEMORY}
        """,
    "k8s/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: not-cloud-run
        spec:
          template:
            spec:
              containers:
              - image: gcr.io/p/x
                resources:
                  limits:
                    memory: 64Mi
        """,
}


def test_cloud_run_manifests(tmp_path):
    write_repo(tmp_path, MANIFESTS)
    assert_marks(tmp_path, select=("PF301", "PF303", "PF304", "PF306"))
    messages = [f.message for f in run(tmp_path, select=("PF301", "PF302", "PF303"))]
    assert messages == [
        "resources.limits.memory: 1GB is not a size a Cloud Run job accepts (a Kubernetes quantity such as 512Mi or "
        "1Gi; MB and GB suffixes are not)",
        "resources.limits.memory: 256Mi is 256 MiB on a Cloud Run service; the floor for Cloud Run service api is "
        "512MiB (512 MiB, default for Cloud Run services)",
        "resources.limits.memory: ${MEMORY} for Cloud Run service templated is not checked against the floor: "
        "${MEMORY} is filled in before the manifest is applied",
    ]


def test_terraform_templates_are_not_yaml_errors(tmp_path):
    write_repo(tmp_path, {"preflight.toml": "", "infra/main.tf": """
        locals {
          rendered = templatefile("${path.module}/config.yaml", { users = ["a"] })
        }
        """,
        "infra/config.yaml": "users:\n%{ for u in users ~}\n  - ${u}\n%{ endfor ~}\n",
        "infra/other.yaml": "a: [1, 2\n",
        "infra/named.yaml": "- ${x}\n  bad: [\n"})
    write_repo(tmp_path, {"infra/main.tf": """
        locals {
          rendered = templatefile("${path.module}/config.yaml", { users = ["a"] })
          named    = templatefile("${path.module}/named.yaml", {})
        }
        """})
    assert found(tmp_path, select=("PF003",)) == [("PF003", "infra/other.yaml:1")]


def test_live_drift_of_a_terraform_function(tmp_path):
    inventory = [{"name": "projects/demo/locations/us-central1/functions/orchestrator", "environment": "GEN_2",
                  "state": "ACTIVE", "buildConfig": {"runtime": "python311", "entryPoint": "handle"},
                  "serviceConfig": {"availableMemory": "256M", "timeoutSeconds": 60}}]
    files = dict(ORCHESTRATOR, **{
        "preflight.toml": '[audit]\ninventory = ["inventory/functions.json"]\n',
        "inventory/functions.json": json.dumps(inventory),
        "functions/orchestrator/main.py": "def handle(request):\n    return 'ok'\n"})
    write_repo(tmp_path, files)
    findings = run(tmp_path, select=("PF9",), extra_facts=offline_audit(tmp_path))
    assert [(f.code, str(f.location), f.message) for f in findings] == [
        ("PF901", "terraform/main.tf:28:5", "deployed function `orchestrator` (us-central1) has 256M (244.1 MiB), "
                                            "below the floor of 512MB (488.3 MiB, default for functions)"),
        ("PF902", "terraform/main.tf:28:5", "deployed function `orchestrator` (us-central1) has memory 256M "
                                            "(244.1 MiB); this Terraform resource declares "
                                            "service_config.available_memory: 512Mi (512 MiB)"),
    ]


def test_a_declared_service_without_an_image_is_not_a_unit_of_the_repository(tmp_path):
    write_repo(tmp_path, {"preflight.toml": "", "main.py": "import missing_module\n", "main.tf": """
        resource "google_cloud_run_v2_service" "api" {
          name     = "api"
          location = "us-central1"
          template {
            containers {
              resources {
                limits = { memory = "1Gi" }
              }
            }
          }
        }
        """})
    assert found(tmp_path, select=("PF2",)) == []
