"""Steps using Google's deploy actions in, the equivalent DeployCommand facts out."""

import textwrap

import pytest

from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.deploy.facts import DeployCommand
from gcp_preflight.validators.deploy.actions import kv_for_gcloud, parse_kv, split_flags
from gcp_preflight.validators import validator
from tests.validators.command_summary import summary

PATH = ".github/workflows/deploy.yml"


def read(text, path=PATH):
    facts = validator("yaml").read(SourceText(path, textwrap.dedent(text).lstrip("\n")))
    return [f for f in facts if type(f).__name__ != "YamlDocument"]


def inputs(facts):
    """(sent_by, action, [(flag, input), ...]) of each deploy command."""
    return [(f.sent_by, f.action, [(x.name, x.input) for x in f.flags]) for f in facts if isinstance(f, DeployCommand)]


CLOUDRUN = """
    on: push
    env:
      MEM: 256Mi
    jobs:
      deploy:
        runs-on: ubuntu-latest
        steps:
          - uses: google-github-actions/deploy-cloudrun@v2
            with:
              service: api
              image: gcr.io/p/api:${{ github.sha }}
              env_vars: |
                A=1
                B=two
              env_vars_update_strategy: overwrite
              secrets: K=s:latest
              timeout: 300s
              project_id: ${{ vars.PROJECT }}
              flags: '--memory=${{ env.MEM }} --cpu 1 --max-instance 3 "--args=-X=1"'
          - uses: google-github-actions/deploy-cloudrun@v2.1.0
            with:
              job: nightly
              source: jobs/nightly
              secrets: K=s:latest
              timeout: 600s
              region: europe-west1
              gcloud_component: beta
"""


def test_deploy_cloudrun_service_and_job():
    facts = read(CLOUDRUN)
    assert summary(facts) == [
        ("deploy", 0, "run deploy", "", "run-service", "api", None,
         [("--image", "${{ github.sha }} is set by GitHub Actions when the workflow runs", f"{PATH}:11:18", None),
          ("--set-env-vars", "^,^A=1,B=two", f"{PATH}:15:37", None),
          ("--update-secrets", "^,^K=s:latest", f"{PATH}:16:20", None),
          ("--timeout", "300s", f"{PATH}:17:20", None),
          ("--region", "us-central1", f"{PATH}:8:15", None),
          ("--project", "${{ vars.PROJECT }} is set by GitHub Actions when the workflow runs", f"{PATH}:18:23", None),
          ("--memory", "256Mi", f"{PATH}:19:19", f"{PATH}:3:8"),
          ("--cpu", "1", f"{PATH}:19:43", None),
          ("--max-instance", "3", f"{PATH}:19:51", None),
          ("--args", "-X=1", f"{PATH}:19:69", None)], []),
        ("deploy", 1, "run jobs deploy", "beta", "run-job", "nightly", None,
         [("--source", "jobs/nightly", f"{PATH}:23:19", None),
          ("--set-secrets", "^,^K=s:latest", f"{PATH}:24:20", None),
          ("--region", "europe-west1", f"{PATH}:26:19", None)], []),
    ]
    assert inputs(facts) == [
        ("gcloud", "google-github-actions/deploy-cloudrun@v2",
         [("--image", "image"), ("--set-env-vars", "env_vars_update_strategy"), ("--update-secrets", "secrets"),
          ("--timeout", "timeout"), ("--region", "region"), ("--project", "project_id"), ("--memory", ""),
          ("--cpu", ""), ("--max-instance", ""), ("--args", "")]),
        ("gcloud", "google-github-actions/deploy-cloudrun@v2.1.0",
         [("--source", "source"), ("--set-secrets", "secrets"), ("--region", "region")]),
    ]
    env = facts[0].value("--set-env-vars")
    assert (env.raw, str(env.location), env.literal_at) == ("A=1\nB=two\n", f"{PATH}:12:21", None)
    memory = facts[0].value("--memory")
    assert (memory.literal_at.line, memory.literal_at.column) == (3, 8)  # a fix edits the env: value


def test_deploy_cloudrun_before_v2_always_merges_and_knows_no_jobs():
    facts = read("""
        jobs:
          d:
            steps:
              - uses: google-github-actions/deploy-cloudrun@v1
                with:
                  service: api
                  image: i
                  env_vars: A=1
                  env_vars_update_strategy: overwrite
              - uses: GoogleCloudPlatform/github-actions/deploy-cloudrun@master
                with: {service: old, image: i, secrets: "K=s:1"}
    """)
    assert [(f.name, f.value.text if f.value else None) for f in facts[0].flags] == [
        ("--image", "i"), ("--update-env-vars", "^,^A=1"), ("--region", "us-central1")]
    assert [(f.name, f.value.text if f.value else None) for f in facts[1].flags] == [
        ("--image", "i"), ("--update-secrets", "^,^K=s:1"), ("--region", "us-central1")]


def test_deploy_cloudrun_unknown_strategy_is_opaque_and_metadata_is_not_a_deploy():
    facts = read("""
        jobs:
          d:
            steps:
              - uses: google-github-actions/deploy-cloudrun@v2
                with:
                  service: api
                  image: i
                  env_vars: A=1
                  env_vars_update_strategy: ${{ inputs.strategy }}
                  flags: ${{ vars.EXTRA_FLAGS }}
              - uses: google-github-actions/deploy-cloudrun@v2
                with:
                  metadata: service.yaml
              - uses: actions/checkout@v4
    """)
    assert summary(facts) == [
        ("deploy", 0, "run deploy", "", "run-service", "api", None,
         [("--image", "i", f"{PATH}:7:18", None), ("--region", "us-central1", f"{PATH}:4:15", None)],
         ["${{ vars.EXTRA_FLAGS }}", "${{ inputs.strategy }}"]),
    ]


FUNCTIONS = """
    jobs:
      d:
        steps:
          - run: mkdir -p build && cp -r functions/ingest/* build/
          - uses: 'google-github-actions/deploy-cloud-functions@v3'
            with:
              name: ingest
              runtime: python311
              source_dir: build
              entry_point: handler
              environment_variables: '{}'
              max_instance_count: 5
              event_trigger_type: google.cloud.pubsub.topic.v1.messagePublished
              event_trigger_pubsub_topic: projects/p/topics/raw
          - uses: google-github-actions/deploy-cloud-functions@v3.0.1
            with:
              name: api
              runtime: python312
              memory: 512MB
              service_timeout: 120s
              environment_variables: A=1,B=2
          - uses: google-github-actions/deploy-cloud-functions@v2
            with:
              name: legacy
              runtime: python39
              memory_mb: 256
"""


def test_deploy_cloud_functions_v3_and_v2():
    facts = read(FUNCTIONS)
    assert summary(facts)[2:] == [
        ("deploy", 2, "functions deploy", "", "function", "ingest", "gen2",
         [("--gen2", None, f"{PATH}:5:15", None),
          ("--region", "us-central1", f"{PATH}:5:15", None),
          ("--source", "build", f"{PATH}:9:23", None),
          ("--runtime", "python311", f"{PATH}:8:20", None),
          ("--entry-point", "handler", f"{PATH}:10:24", None),
          ("--memory", "256Mi", f"{PATH}:5:15", None),
          ("--clear-env-vars", None, f"{PATH}:11:35", None),
          ("--max-instances", "5", f"{PATH}:12:31", None),
          ("--timeout", "60s", f"{PATH}:5:15", None),
          ("--trigger-topic", "projects/p/topics/raw", f"{PATH}:14:39", None)], []),
        ("deploy", 3, "functions deploy", "", "function", "api", "gen2",
         [("--gen2", None, f"{PATH}:15:15", None),
          ("--region", "us-central1", f"{PATH}:15:15", None),
          ("--runtime", "python312", f"{PATH}:18:20", None),
          ("--memory", "512MB", f"{PATH}:19:19", None),
          ("--set-env-vars", "^,^A=1,B=2", f"{PATH}:21:34", None),
          ("--timeout", "120s", f"{PATH}:20:28", None),
          ("--trigger-http", None, f"{PATH}:15:15", None)], []),
        ("deploy", 4, "functions deploy", "", "function", "legacy", "gen1",
         [("--no-gen2", None, f"{PATH}:22:15", None),
          ("--region", "us-central1", f"{PATH}:22:15", None),
          ("--runtime", "python39", f"{PATH}:25:20", None),
          ("--memory", "256", f"{PATH}:26:22", None),
          ("--clear-env-vars", None, f"{PATH}:22:15", None),
          ("--trigger-http", None, f"{PATH}:22:15", None)], []),
    ]
    assert [(f.sent_by, f.cwd) for f in facts if isinstance(f, DeployCommand)] == [("api", ".")] * 3
    default = facts[2].value("--memory")
    assert (default.raw, default.literal_at) == ("", None)
    assert [f.input for f in facts[2].flags] == [
        "environment", "region", "source_dir", "runtime", "entry_point", "memory", "environment_variables",
        "max_instance_count", "service_timeout", "event_trigger_pubsub_topic"]


@pytest.mark.parametrize("text, tokens", [
    ("--memory=1Gi --cpu 2", ["--memory", "1Gi", "--cpu", "2"]),
    ('--add-cloudsql-instances=a:b:c "--args=-X=123"', ["--add-cloudsql-instances", "a:b:c", "--args=-X=123"]),
    ("--set-tags='a=b c'\n--no-traffic", ["--set-tags", "a=b c", "--no-traffic"]),
    ("--labels=a=b", ["--labels", "a=b"]),
    ("x=y --a", ["x=y", "--a"]),
    ("--env=${{ env.X }} --b", ["--env", "${{ env.X }}", "--b"]),
])
def test_split_flags_as_parse_flags_does(text, tokens):
    assert [text[lo:hi] for lo, hi in split_flags(text)] == tokens


def test_split_flags_unterminated_quote():
    assert split_flags('--a "b') is None


@pytest.mark.parametrize("text, pairs, joined", [
    ("A=1,B=2", {"A": "1", "B": "2"}, "^,^A=1,B=2"),
    ("A=1\n B = two \n", {"A": "1", "B": "two"}, "^,^A=1,B=two"),
    (r"A=x\,y,B=c=d", {"A": "x,y", "B": "c=d"}, "^.^A=x,y.B=c=d"),
    ("{}", {}, None),
    ("", {}, None),
])
def test_kv_as_the_actions_parse_and_join_it(text, pairs, joined):
    assert (parse_kv(text), kv_for_gcloud(text)) == (pairs, joined)
