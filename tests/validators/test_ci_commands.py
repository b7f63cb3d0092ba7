"""Cloud Build and GitHub Actions YAML in, command facts out."""

import textwrap

from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators import validator
from tests.validators.command_summary import summary


def read(path, text):
    facts = validator("yaml").read(SourceText(path, textwrap.dedent(text).lstrip("\n")))
    return summary(f for f in facts if type(f).__name__ != "YamlDocument")


def test_cloud_build_list_form_with_substitution_defaults():
    assert read("cloudbuild.yaml", """
        substitutions:
          _MEMORY: 256MB
          _REGION: "us-central1"
        steps:
          - name: 'gcr.io/cloud-builders/gcloud'
            args: ['functions', 'deploy', 'phase3-orchestrator', '--gen2', '--memory', '${_MEMORY}',
                   '--region=${_REGION}', '--set-env-vars=PROJECT=$PROJECT_ID,X=$$HOME']
          - name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim
            entrypoint: gcloud
            dir: services/api
            args:
              - run
              - services
              - update
              - api
              - --memory=${_UNSET}
    """) == [
        ("cmd", 0, "cloudbuild.yaml:5:11",
         ["gcloud", "functions", "deploy", "phase3-orchestrator", "--gen2", "--memory", "256MB",
          "--region=us-central1", None], "."),
        ("deploy", 0, "functions deploy", "", "function", "phase3-orchestrator", "gen2",
         [("--gen2", None, "cloudbuild.yaml:6:59", None),
          ("--memory", "256MB", "cloudbuild.yaml:6:69", "cloudbuild.yaml:2:12"),
          ("--region", "us-central1", "cloudbuild.yaml:7:13", "cloudbuild.yaml:3:13"),
          ("--set-env-vars", "$PROJECT_ID is set by Cloud Build when the build runs", "cloudbuild.yaml:7:36", None)],
         []),
        ("cmd", 1, "cloudbuild.yaml:9:17", ["gcloud", "run", "services", "update", "api", None], "services/api"),
        ("deploy", 1, "run services update", "", "run-service", "api", None,
         [("--memory", "${_UNSET} has no default under substitutions: (the trigger sets it)",
           "cloudbuild.yaml:16:9", None)], []),
    ]


def test_cloud_build_bash_c_and_script_blocks():
    assert read("deploy/cloudbuild-functions.yaml", """
        substitutions:
          _MEMORY: 256MB
        steps:
          - name: gcr.io/google.com/cloudsdktool/cloud-sdk
            entrypoint: bash
            args:
              - -c
              - |
                mkdir -p /workspace/deploy_pkg
                cp -r shared orchestration/cloud_functions/fn/* /workspace/deploy_pkg/
                gcloud functions deploy fn --gen2 --source /workspace/deploy_pkg \\
                  --memory ${_MEMORY} --set-env-vars HOME_DIR=$$HOME
          - name: gcr.io/google.com/cloudsdktool/cloud-sdk
            entrypoint: bash
            args: ['-c', 'gcloud run jobs deploy nightly --memory=$_MEMORY']
          - name: ubuntu
            script: |
              #!/usr/bin/env bash
              gcloud run deploy web --memory "${MEM:-1Gi}"
    """) == [
        ("cmd", 0, "deploy/cloudbuild-functions.yaml:9:9", ["mkdir", "-p", "/workspace/deploy_pkg"], "."),
        ("cmd", 1, "deploy/cloudbuild-functions.yaml:10:9",
         ["cp", "-r", "shared", "orchestration/cloud_functions/fn/*", "/workspace/deploy_pkg/"], "."),
        ("cmd", 2, "deploy/cloudbuild-functions.yaml:11:9",
         ["gcloud", "functions", "deploy", "fn", "--gen2", "--source", "/workspace/deploy_pkg", "--memory", "256MB",
          "--set-env-vars", None], "."),
        ("deploy", 2, "functions deploy", "", "function", "fn", "gen2",
         [("--gen2", None, "deploy/cloudbuild-functions.yaml:11:36", None),
          ("--source", "/workspace/deploy_pkg", "deploy/cloudbuild-functions.yaml:11:43", None),
          ("--memory", "256MB", "deploy/cloudbuild-functions.yaml:12:11", "deploy/cloudbuild-functions.yaml:2:12"),
          ("--set-env-vars", "$HOME is not set in this file", "deploy/cloudbuild-functions.yaml:12:31", None)], []),
        ("cmd", 3, "deploy/cloudbuild-functions.yaml:15:19",
         ["gcloud", "run", "jobs", "deploy", "nightly", "--memory=256MB"], "."),
        ("deploy", 3, "run jobs deploy", "", "run-job", "nightly", None,
         [("--memory", "256MB", "deploy/cloudbuild-functions.yaml:15:50", "deploy/cloudbuild-functions.yaml:2:12")],
         []),
        ("cmd", 4, "deploy/cloudbuild-functions.yaml:19:7", ["gcloud", "run", "deploy", "web", "--memory", "1Gi"], "."),
        ("deploy", 4, "run deploy", "", "run-service", "web", None,
         [("--memory", "1Gi", "deploy/cloudbuild-functions.yaml:19:29", None)], []),
    ]


def test_github_actions_run_blocks():
    assert read(".github/workflows/deploy.yml", """
        name: deploy
        on: push
        env:
          MEMORY: 128Mi
        jobs:
          deploy:
            runs-on: ubuntu-latest
            defaults:
              run:
                working-directory: services/api
            steps:
              - uses: actions/checkout@v4
              - name: Deploy
                env:
                  REGION: ${{ vars.REGION }}
                run: |
                  gcloud run jobs deploy nightly --memory "${{ env.MEMORY }}" --region "$REGION" \\
                    --set-env-vars "SHA=${{ github.sha }}"
              - name: Windows only
                shell: pwsh
                run: gcloud run deploy x --memory 1
    """) == [
        ("cmd", 0, ".github/workflows/deploy.yml:17:11",
         ["gcloud", "run", "jobs", "deploy", "nightly", "--memory", "128Mi", "--region", None, "--set-env-vars", None],
         "services/api"),
        ("deploy", 0, "run jobs deploy", "", "run-job", "nightly", None,
         [("--memory", "128Mi", ".github/workflows/deploy.yml:17:42", ".github/workflows/deploy.yml:4:11"),
          ("--region", "${{ vars.REGION }} is set by GitHub Actions when the workflow runs",
           ".github/workflows/deploy.yml:17:71", None),
          ("--set-env-vars", "${{ github.sha }} is set by GitHub Actions when the workflow runs",
           ".github/workflows/deploy.yml:18:13", None)], []),
    ]


def test_expression_columns_map_back_to_the_file():
    text = 'jobs:\n  d:\n    steps:\n      - run: gcloud run deploy "${{ inputs.name }}" --memory 1Gi\n'
    facts = list(validator("yaml").read(SourceText(".github/workflows/d.yml", text)))
    deploy = next(f for f in facts if type(f).__name__ == "DeployCommand")
    assert (deploy.name.raw, deploy.name.location.column) == ('"${{ inputs.name }}"', 32)
    memory = deploy.value("--memory")
    assert (memory.text, memory.location.column, memory.literal_at.column) == ("1Gi", 62, 62)


def test_other_yaml_has_no_commands():
    assert read("config/workflows.yaml", """
        steps:
          - id: a
        jobs:
          b: {}
    """) == []
