"""Terraform files in, the deploy facts (and notices) they make out, compared whole."""

from pathlib import Path

from gcp_preflight.config import load
from gcp_preflight.project import Project
from gcp_preflight.validators import default_validators, validator
from gcp_preflight.validators.base import Problem, SourceText
from gcp_preflight.validators.deploy.facts import DeployCommand
from gcp_preflight.validators.terraform.facts import ArchivedSource, HclFile
from tests.helpers import write_repo


def at(location):
    return None if location is None else f"{location.path}:{location.line}:{location.column}"


def project(root: Path, files: dict) -> Project:
    write_repo(root, dict({"preflight.toml": ""}, **files))
    return Project(root, load(root), default_validators(), use_cache=False)


def deploys(p: Project) -> list:
    """(address, platform, command, name, [(flag, input, text or reason, at, origin)])."""
    out = []
    for c in p.facts(DeployCommand):
        if c.origin not in ("terraform", "cloud-run-yaml"):
            continue
        flags = [(f.name, f.input, None if f.value is None else (f.value.text if f.value.known else "?" + f.value.unknown_reason),
                  at(f.value.location) if f.value is not None else at(f.location),
                  at(f.value.origin) if f.value is not None else None) for f in c.flags]
        out.append((c.action, c.platform, c.command, c.name.text if c.name else None, at(c.location), flags))
    return out


def notices(p: Project) -> list:
    return [(x.code, at(x.diagnostic.location), x.diagnostic.message) for x in p.facts(Problem)]


GEN1 = """
resource "google_cloudfunctions_function" "fn" {
  name                  = "ingest"
  region                = "europe-west1"
  runtime               = "python311"
  entry_point           = "handle"
  available_memory_mb   = 256
  timeout               = 120
  max_instances         = 3
  source_archive_bucket = "b"
  source_archive_object = "fn.zip"
  environment_variables = {
    DATASET = "raw"
    MODE    = "full"
  }
  secret_environment_variables {
    key     = "TOKEN"
    secret  = "token"
    version = "2"
  }
  event_trigger {
    event_type = "google.pubsub.topic.publish"
    resource   = "projects/p/topics/t"
  }
}

resource "google_cloudfunctions_function" "defaults" {
  name                = "small"
  runtime             = "python311"
  trigger_http        = true
}
"""


def test_gen1_function(tmp_path):
    p = project(tmp_path, {"infra/main.tf": GEN1})
    assert deploys(p) == [
        ("google_cloudfunctions_function.fn", "function", "functions deploy", "ingest", "infra/main.tf:1:1", [
            ("--no-gen2", "", None, "infra/main.tf:1:1", None),
            ("--region", "region", "europe-west1", "infra/main.tf:3:28", None),
            ("--runtime", "runtime", "python311", "infra/main.tf:4:28", None),
            ("--entry-point", "entry_point", "handle", "infra/main.tf:5:28", None),
            ("--memory", "available_memory_mb", "256", "infra/main.tf:6:27", None),
            ("--timeout", "timeout", "120", "infra/main.tf:7:27", None),
            ("--max-instances", "max_instances", "3", "infra/main.tf:8:27", None),
            ("--set-env-vars", "environment_variables", "DATASET=raw,MODE=full", "infra/main.tf:11:27", None),
            ("--set-secrets", "secret_environment_variables", "TOKEN=token:2", "infra/main.tf:15:3", None),
            ("--trigger-event", "event_trigger.event_type", "google.pubsub.topic.publish", "infra/main.tf:21:19", None),
            ("--trigger-resource", "event_trigger.resource", "projects/p/topics/t", "infra/main.tf:22:19", None),
            ("--source", "source_archive_object", "?no google_storage_bucket_object here is named 'fn.zip'",
             "infra/main.tf:10:3", None)]),
        ("google_cloudfunctions_function.defaults", "function", "functions deploy", "small", "infra/main.tf:26:1", [
            ("--no-gen2", "", None, "infra/main.tf:26:1", None),
            ("--runtime", "runtime", "python311", "infra/main.tf:28:26", None),
            ("--memory", "available_memory_mb", "256", "infra/main.tf:26:1", None),
            ("--trigger-http", "trigger_http", None, "infra/main.tf:29:3", None),
            ("--source", "source", "?no source_archive_object or source_repository is given", "infra/main.tf:26:1",
             None)]),
    ]
    assert [c.sent_by for c in p.facts(DeployCommand)] == ["api", "api"]


ARCHIVED = """
resource "google_cloudfunctions2_function" "orch" {
  name     = "orchestrator"
  location = "us-central1"
  build_config {
    runtime     = "python312"
    entry_point = "main"
    environment_variables = { GOOGLE_PIP = "1" }
    source {
      storage_source {
        bucket = google_storage_bucket.src.name
        object = google_storage_bucket_object.zip.name
      }
    }
  }
  service_config {
    available_memory      = "256M"
    available_cpu         = "1"
    timeout_seconds       = 540
    min_instance_count    = 1
    max_instance_count    = 5
    environment_variables = { DATASET = var.dataset }
    secret_environment_variables {
      key        = "API_KEY"
      project_id = "p"
      secret     = "api-key"
      version    = "latest"
    }
  }
  event_trigger {
    trigger_region = "us-central1"
    event_type     = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic   = google_pubsub_topic.t.id
    retry_policy   = "RETRY_POLICY_RETRY"
  }
}

variable "dataset" {
  default = "raw"
}

data "archive_file" "src" {
  type        = "zip"
  source_dir  = "${path.module}/../functions/orchestrator"
  output_path = "${path.module}/orchestrator.zip"
  excludes    = ["tests", "**/*.pyc"]
}

resource "google_storage_bucket_object" "zip" {
  name   = "orchestrator-${data.archive_file.src.output_md5}.zip"
  bucket = google_storage_bucket.src.name
  source = data.archive_file.src.output_path
}
"""


def test_gen2_function_and_the_archive_chain(tmp_path):
    p = project(tmp_path, {"infra/fn.tf": ARCHIVED})
    assert deploys(p) == [
        ("google_cloudfunctions2_function.orch", "function", "functions deploy", "orchestrator", "infra/fn.tf:1:1", [
            ("--gen2", "", None, "infra/fn.tf:1:1", None),
            ("--region", "location", "us-central1", "infra/fn.tf:3:15", None),
            ("--runtime", "build_config.runtime", "python312", "infra/fn.tf:5:20", None),
            ("--entry-point", "build_config.entry_point", "main", "infra/fn.tf:6:20", None),
            ("--set-build-env-vars", "build_config.environment_variables", "GOOGLE_PIP=1", "infra/fn.tf:7:29", None),
            ("--memory", "service_config.available_memory", "256M", "infra/fn.tf:16:30", None),
            ("--cpu", "service_config.available_cpu", "1", "infra/fn.tf:17:30", None),
            ("--timeout", "service_config.timeout_seconds", "540", "infra/fn.tf:18:29", None),
            ("--min-instances", "service_config.min_instance_count", "1", "infra/fn.tf:19:29", None),
            ("--max-instances", "service_config.max_instance_count", "5", "infra/fn.tf:20:29", None),
            ("--set-env-vars", "service_config.environment_variables", "DATASET=raw", "infra/fn.tf:21:29", None),
            ("--set-secrets", "secret_environment_variables", "API_KEY=api-key:latest", "infra/fn.tf:22:5", None),
            ("--trigger-topic", "event_trigger.pubsub_topic",
             "?google_pubsub_topic.t.id is known only when Terraform applies", "infra/fn.tf:32:22", None),
            ("--trigger-location", "event_trigger.trigger_region", "us-central1", "infra/fn.tf:30:23", None),
            ("--retry", "event_trigger.retry_policy", None, "infra/fn.tf:33:5", None),
            ("--source", "build_config.source.storage_source.object", "functions/orchestrator", "infra/fn.tf:43:17",
             None)]),
    ]
    assert p.facts(ArchivedSource) == (ArchivedSource("infra/fn.tf", 0, "functions/orchestrator", ("tests", "**/*.pyc")),)
    assert notices(p) == []


MODULES = {
    "infra/main.tf": """
        provider "google" {
          region = var.region
        }

        variable "region" {
          default = "us-central1"
        }

        variable "memory" {
          default = "256Mi"
        }

        variable "enabled" {
          type = bool
        }

        locals {
          services = {
            api    = { memory = "1Gi", image = "gcr.io/p/api" }
            worker = { memory = var.memory, image = "gcr.io/p/worker" }
          }
        }

        module "run" {
          source   = "./modules/run"
          for_each = local.services
          name     = "svc-${each.key}"
          memory   = each.value.memory
          image    = each.value.image
        }

        resource "google_cloud_run_v2_job" "nightly" {
          count    = var.enabled ? 1 : 0
          name     = "nightly"
          location = "us-central1"
          template {
            template {
              containers {
                image = "gcr.io/p/job"
              }
            }
          }
        }
        """,
    "infra/modules/run/main.tf": """
        variable "name" {}
        variable "memory" {}
        variable "image" {}
        variable "cpu" {
          default = "1"
        }

        resource "google_cloud_run_v2_service" "this" {
          name = var.name
          template {
            scaling {
              min_instance_count = 0
              max_instance_count = 10
            }
            timeout = "300s"
            containers {
              image = var.image
              env {
                name  = "MODE"
                value = "prod"
              }
              env {
                name = "TOKEN"
                value_source {
                  secret_key_ref {
                    secret  = "token"
                    version = "latest"
                  }
                }
              }
              resources {
                limits = {
                  memory = var.memory
                  cpu    = var.cpu
                }
              }
            }
          }
        }
        """,
    "infra/terraform.tfvars": 'memory = "512Mi"\n',
}


def _service(key, name, image, image_at, memory, memory_at):
    m = "infra/modules/run/main.tf"
    return (f'module.run["{key}"].google_cloud_run_v2_service.this', "run-service", "run deploy", name, f"{m}:8:1", [
        ("--min-instances", "template.scaling.min_instance_count", "0", f"{m}:12:28", None),
        ("--max-instances", "template.scaling.max_instance_count", "10", f"{m}:13:28", None),
        ("--timeout", "template.timeout", "300s", f"{m}:15:16", None),
        ("--image", "image", image, f"{m}:17:15", image_at),
        ("--memory", "resources.limits.memory", memory, f"{m}:32:18", memory_at),
        ("--cpu", "resources.limits.cpu", "1", f"{m}:32:18", f"{m}:5:14"),
        ("--set-env-vars", "env", "MODE=prod", f"{m}:18:7", None),
        ("--set-secrets", "env.value_source", "TOKEN=(secret)", f"{m}:18:7", None),
        ("--region", "provider region", "us-central1", "infra/main.tf:2:12", "infra/main.tf:6:14")])


def test_a_module_called_for_each_key_of_a_map_with_tfvars_over_a_default(tmp_path):
    """One service per key, named after it; module arguments reach the module's variables (their
    literals are the origin); terraform.tfvars overrides var.memory's default; a count that
    depends on a variable nobody sets is said once, and that job is not read."""
    p = project(tmp_path, MODULES)
    assert deploys(p) == [
        _service("api", "svc-api", "gcr.io/p/api", "infra/main.tf:19:41", "1Gi", "infra/main.tf:19:26"),
        _service("worker", "svc-worker", "gcr.io/p/worker", "infra/main.tf:20:46", "512Mi", "infra/terraform.tfvars:1:11"),
    ]
    assert notices(p) == [
        ("PF012", "infra/main.tf:33:3", "count of google_cloud_run_v2_job.nightly cannot be resolved statically "
                                        "(var.enabled has no default and no .tfvars file sets it), so the Cloud Run job "
                                        "it deploys is not checked")]


RUN = """
resource "google_cloud_run_service" "web" {
  name     = "web"
  location = "europe-west1"
  template {
    metadata {
      annotations = {
        "autoscaling.knative.dev/minScale" = "1"
        "autoscaling.knative.dev/maxScale" = "4"
      }
    }
    spec {
      container_concurrency = 40
      timeout_seconds       = 120
      containers {
        image   = "gcr.io/p/web:1"
        command = ["gunicorn"]
        args    = ["-b", ":8080", "app:app"]
        env {
          name  = "MODE"
          value = "prod"
        }
        resources {
          limits = {
            memory = "512M"
            cpu    = "1000m"
          }
        }
      }
    }
  }
}

resource "google_cloud_run_v2_job" "load" {
  count    = 2
  name     = "load-${count.index}"
  location = "europe-west1"
  template {
    task_count  = 4
    parallelism = 2
    template {
      timeout     = "3600s"
      max_retries = 1
      containers {
        image = "gcr.io/p/load"
        resources {
          limits = { memory = "2Gi", cpu = "1" }
        }
      }
    }
  }
}
"""


def _job(index):
    return (f"google_cloud_run_v2_job.load[{index}]", "run-job", "run jobs deploy", f"load-{index}", "run.tf:33:1", [
        ("--region", "location", "europe-west1", "run.tf:36:15", None),
        ("--tasks", "template.task_count", "4", "run.tf:38:19", None),
        ("--parallelism", "template.parallelism", "2", "run.tf:39:19", None),
        ("--task-timeout", "template.template.timeout", "3600s", "run.tf:41:22", None),
        ("--max-retries", "template.template.max_retries", "1", "run.tf:42:21", None),
        ("--image", "image", "gcr.io/p/load", "run.tf:44:18", None),
        ("--memory", "resources.limits.memory", "2Gi", "run.tf:46:32", None),
        ("--cpu", "resources.limits.cpu", "1", "run.tf:46:45", None)])


def test_cloud_run_v1_service_and_a_counted_v2_job(tmp_path):
    p = project(tmp_path, {"run.tf": RUN})
    assert deploys(p) == [
        ("google_cloud_run_service.web", "run-service", "run deploy", "web", "run.tf:1:1", [
            ("--region", "location", "europe-west1", "run.tf:3:15", None),
            ("--min-instances", 'annotations."autoscaling.knative.dev/minScale"', "1", "run.tf:7:47", None),
            ("--max-instances", 'annotations."autoscaling.knative.dev/maxScale"', "4", "run.tf:8:47", None),
            ("--timeout", "template.spec.timeout_seconds", "120", "run.tf:13:31", None),
            ("--concurrency", "template.spec.container_concurrency", "40", "run.tf:12:31", None),
            ("--image", "image", "gcr.io/p/web:1", "run.tf:15:20", None),
            ("--command", "command", "gunicorn", "run.tf:16:19", None),
            ("--args", "args", "-b,:8080,app:app", "run.tf:17:19", None),
            ("--memory", "resources.limits.memory", "512M", "run.tf:24:23", None),
            ("--cpu", "resources.limits.cpu", "1000m", "run.tf:25:23", None),
            ("--set-env-vars", "env", "MODE=prod", "run.tf:18:9", None)]),
        _job(0), _job(1)]


VAR_FILES = """
variable "memory" {
  default = "256Mi"
}

resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "us-central1"
  template {
    containers {
      image = "gcr.io/p/api"
      resources {
        limits = { memory = var.memory }
      }
    }
  }
}
"""


def _memory(p):
    [command] = [c for c in p.facts(DeployCommand) if c.origin == "terraform"]
    word = command.value("--memory")
    return word.text if word.known else word.unknown_reason


def test_var_files(tmp_path):
    """terraform.tfvars, then *.auto.tfvars (alphabetical) override a default; one other .tfvars
    is the -var-file used; several that disagree leave the value unknown."""
    assert _memory(project(tmp_path / "a", {"main.tf": VAR_FILES, "terraform.tfvars": 'memory = "1Gi"\n',
                                            "b.auto.tfvars": 'memory = "2Gi"\n'})) == "2Gi"
    assert _memory(project(tmp_path / "b", {"main.tf": VAR_FILES, "prod.tfvars": 'memory = "4Gi"\n'})) == "4Gi"
    assert _memory(project(tmp_path / "c", {"main.tf": VAR_FILES, "prod.tfvars": 'memory = "4Gi"\n',
                                            "dev.tfvars": 'memory = "512Mi"\n'})) == \
        "var.memory depends on the -var-file used (dev.tfvars, prod.tfvars set it differently)"
    assert _memory(project(tmp_path / "d", {"main.tf": VAR_FILES, "prod.tfvars": 'memory = "4Gi"\n',
                                            "dev.tfvars": 'memory = "4Gi"\n'})) == "4Gi"


def test_syntax_errors_are_one_finding_each_and_the_rest_is_read(tmp_path):
    p = project(tmp_path, {
        "infra/broken.tf": 'resource "google_cloud_run_v2_service" "a" {\n  name = "a"\n  template {\n',
        "infra/unknown.tf": 'resourse "google_cloud_run_v2_service" "b" {\n  name = "b"\n}\n',
        "infra/stray.tf": 'name = "c"\n',
        "infra/vars.tfvars": 'variable "x" {}\n',
        # a sample a script fills in (professional-services): not HCL until then, not reported
        "infra/sample.tfvars": 'project = "p"\npypi_packages = %%PYPI_PACKAGES%%\n',
        "infra/ok.tf": RUN,
    })
    assert notices(p) == [
        ("PF011", "infra/broken.tf:3:3", "Terraform syntax error: this block is never closed (no `}` before the end); "
                                         "nothing in this file is read"),
        ("PF011", "infra/stray.tf:1:1", "an argument `name` outside any block; Terraform refuses it"),
        ("PF011", "infra/unknown.tf:1:1", "Terraform does not know a top-level `resourse` block (unsupported block "
                                          "type); it refuses the configuration"),
        ("PF011", "infra/vars.tfvars:1:1", "a `variable` block in a variable definitions file, which holds only "
                                           "`name = value` lines; Terraform refuses it"),
    ]
    assert [d[0] for d in deploys(p)] == ["google_cloud_run_service.web", "google_cloud_run_v2_job.load[0]",
                                          "google_cloud_run_v2_job.load[1]"]


def test_hcl_facts_keep_every_place():
    [hcl] = [f for f in validator("terraform").read(SourceText("a.tf", 'locals {\n  a = "x-${var.b}"\n}\n'))]
    assert isinstance(hcl, HclFile)
    [block] = hcl.blocks
    [attribute] = block.attributes
    assert (attribute.name, attribute.line, attribute.column, attribute.raw) == ("a", 2, 3, '"x-${var.b}"')
    expr = attribute.expr
    assert (expr.kind, expr.line, expr.column, expr.end_column) == ("template", 2, 7, 19)
    assert [(i.kind, i.value, i.column) for i in expr.items] == [("string", "x-", 8), ("ref", "var", 12)]


def test_cloud_run_manifests_as_deploy_facts(tmp_path):
    p = project(tmp_path, {"deploy/all.yaml": """
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
                autoscaling.knative.dev/minScale: '1'
            spec:
              containerConcurrency: 80
              timeoutSeconds: 300
              containers:
              - image: gcr.io/p/api:${TAG}
                env:
                - name: A
                  value: b
                - name: S
                  valueFrom:
                    secretKeyRef: {name: s, key: latest}
                resources:
                  limits:
                    memory: 256Mi
                    cpu: '1'
        ---
        apiVersion: run.googleapis.com/v1
        kind: Job
        metadata:
          name: nightly
        spec:
          template:
            spec:
              taskCount: 2
              template:
                spec:
                  timeoutSeconds: '600'
                  maxRetries: 3
                  containers:
                  - image: gcr.io/p/job
                    resources:
                      limits:
                        memory: 512MB
        """})
    y = "deploy/all.yaml"
    assert deploys(p) == [
        ("Service manifest", "run-service", "run deploy", "api", f"{y}:1:1", [
            ("--min-instances", "annotations.autoscaling.knative.dev/minScale", "1", f"{y}:11:43", None),
            ("--timeout", "timeoutSeconds", "300", f"{y}:14:23", None),
            ("--concurrency", "containerConcurrency", "80", f"{y}:13:29", None),
            ("--image", "image", "?gcr.io/p/api:${TAG} is filled in before the manifest is applied", f"{y}:16:16", None),
            ("--memory", "resources.limits.memory", "256Mi", f"{y}:25:21", None),
            ("--cpu", "resources.limits.cpu", "1", f"{y}:26:18", None),
            ("--set-env-vars", "env", "A=b", f"{y}:18:11", None),
            ("--set-secrets", "env.valueFrom", "S=(secret)", f"{y}:18:11", None),
            ("--region", "cloud.googleapis.com/location", "us-central1", f"{y}:6:36", None)]),
        ("Job manifest", "run-job", "run jobs deploy", "nightly", f"{y}:28:1", [
            ("--tasks", "taskCount", "2", f"{y}:35:18", None),
            ("--task-timeout", "timeoutSeconds", "600", f"{y}:38:27", None),
            ("--max-retries", "maxRetries", "3", f"{y}:39:23", None),
            ("--image", "image", "gcr.io/p/job", f"{y}:41:20", None),
            ("--memory", "resources.limits.memory", "512MB", f"{y}:44:25", None)]),
    ]
    assert {c.sent_by for c in p.facts(DeployCommand)} == {"api"}
