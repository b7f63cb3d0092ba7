"""Units understood, or uncertain (issue 12 cause 2 and 4, issue 20 item 5; triage F5-F7)."""

from tests.helpers import assert_marks, run, write_repo

API = {
    "services/api/requirements.txt": "flask\ngunicorn\n",
    "services/api/main.py": "from flask import Flask\nfrom lib.util import x\napp = Flask(__name__)\n",
    "lib/util.py": "x = 1\n",
}
ARCHIVED = ("FROM python:3.11-slim\nWORKDIR /app\nCOPY services/api/ ./\nRUN pip install -r requirements.txt\n"
            "CMD exec gunicorn --bind :$PORT main:app\n")


def _codes(root, select=("PF2",)):
    return [(f.code, f"{f.location.path}:{f.location.line}") for f in run(root, select=select)]


def test_archived_and_documentation_folders_define_no_units(tmp_path):  # F5
    write_repo(tmp_path, {**API, "docs/archive/api.Dockerfile": ARCHIVED,
                          "old/deploy.sh": "gcloud run deploy api --source=services/api --region=r --memory=1Gi\n"})
    assert _codes(tmp_path) == []
    write_repo(tmp_path, {"preflight.toml": "[packaging]\narchived-folders = []\n"})
    assert _codes(tmp_path) == [("PF202", "services/api/main.py:2")] * 2  # the image and the source deploy


def test_a_dockerfile_copied_to_the_source_folder_before_deploy(tmp_path):  # F6a
    write_repo(tmp_path, {
        "docker/api.Dockerfile": "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"
                                 "CMD [\"python\", \"/app/api.py\"]\n",
        "requirements.txt": "flask\n",
        "api.py": "import flask\nimport yaml  # expect: PF203\nprint('serving')\n",
        "bin/deploy.sh": "cp docker/api.Dockerfile ./Dockerfile\n"
                         "gcloud run deploy api --source=. --region=us-west2 --memory=1Gi\n",
    })
    assert_marks(tmp_path, select=("PF2",))
    [finding] = run(tmp_path, select=("PF203",))
    assert "which service api does not install" in finding.message


def test_a_procfile_names_the_entry_module(tmp_path):  # F6b
    files = {
        "Procfile": "web: gunicorn --bind :$PORT services.api:app\n",
        "requirements.txt": "flask\ngunicorn\n",
        "services/__init__.py": "",
        "services/api.py": "from flask import Flask\napp = Flask(__name__)\n",
        "bin/deploy.sh": "gcloud run deploy api --source=. --region=us-west2 --memory=1Gi\n",
    }
    write_repo(tmp_path, files)
    assert _codes(tmp_path) == []
    write_repo(tmp_path, {"Procfile": "web: gunicorn --bind :$PORT services.api:application\n"})
    assert _codes(tmp_path) == [("PF205", "Procfile:1")]


def test_rm_in_a_branch_that_exits_and_touch(tmp_path):  # F6c
    write_repo(tmp_path, {
        "fn/main.py": "import pkg\ndef run(request): return 'ok'\n",
        "bin/deploy.sh": 'D=$(mktemp -d)\ncp fn/main.py "$D/"\nmkdir -p "$D/pkg"\ntouch "$D/pkg/__init__.py"\n'
                         'if [ "$1" = "--dry-run" ]; then rm -rf "$D"; exit 0; fi\n'
                         'gcloud functions deploy f --runtime=python311 --entry-point=run --trigger-http --memory=512MB '
                         '--source="$D"\n',
    })
    assert _codes(tmp_path, select=("PF2", "PF3")) == []


def test_a_cloud_build_substitution_in_the_package_step(tmp_path):  # F6d
    write_repo(tmp_path, {
        "functions/a/main.py": "def run(request): return 'ok'\n",
        "cloudbuild.yaml": """
            steps:
              - name: gcr.io/google.com/cloudsdktool/cloud-sdk
                entrypoint: bash
                args:
                  - -c
                  - |
                    mkdir -p /workspace/pkg
                    cp ${_SOURCE_DIR}/main.py /workspace/pkg/
                    gcloud functions deploy ${_FUNCTION_NAME} --gen2 --runtime python311 --source /workspace/pkg --entry-point ${_ENTRY_POINT} --trigger-http --memory 512MB
        """,
    })
    assert _codes(tmp_path) == [("PF208", "cloudbuild.yaml:8")]


def test_source_from_a_variable_another_script_sets(tmp_path):  # F6e
    write_repo(tmp_path, {
        "pipeline/cf_check/main.py": "def main(data, context): return 1\n",
        "pipeline/deploy-00-env.sh": "export SOURCE_ROOT=https://source.developers.google.com/projects/p/repos/r/"
                                     "moveable-aliases/main/paths\n",
        "pipeline/deploy-01-check.sh": "gcloud functions deploy check-$STAGE --entry-point main --runtime python37 "
                                       "--trigger-topic t --memory 512MB --source=$SOURCE_ROOT/pipeline/cf_check\n",
    })
    assert [c for c, _ in _codes(tmp_path)] == ["PF208"]


def test_a_loop_with_pushd_and_a_flags_file(tmp_path):  # F6f
    write_repo(tmp_path, {
        "functions/hello/main.py": "def main(request): return 'ok'\n",
        "functions/hello/deploy-flags.yml": "--entry-point: main\n--runtime: python311\n--memory: 512MB\n--trigger-http:\n",
        "ci/deploy-functions.sh": 'for d in functions/*; do\n  pushd "$d"\n  name=$(basename "$d")\n'
                                  '  gcloud functions deploy "$name" --flags-file=deploy-flags.yml\n  popd\ndone\n',
    })
    # the only deploy-flags.yml is read (validators/deploy/flags_file.py): it tells where the
    # command runs and gives the entry point, so the unit is understood and lacks nothing
    assert _codes(tmp_path) == []
    # with two function folders the file cannot be told apart: the unit is uncertain
    write_repo(tmp_path, {"functions/bye/main.py": "def main(request): return 'bye'\n",
                          "functions/bye/deploy-flags.yml": "--entry-point: main\n--memory: 512MB\n"})
    assert [c for c, _ in _codes(tmp_path)] == ["PF208"]


def test_cd_dash(tmp_path):  # F6g
    deploy = "gcloud functions deploy {0} --source=. --entry-point=run --runtime=python311 --trigger-http --memory=512MB\n"
    write_repo(tmp_path, {
        "functions/a/main.py": "def run(request): return 'a'\n",
        "functions/b/main.py": "def run(request): return 'b'\n",
        "deploy.sh": "cd functions/a\n" + deploy.format("a") + "cd - > /dev/null\ncd functions/b\n" + deploy.format("b")
                     + "cd - > /dev/null\n",
    })
    assert _codes(tmp_path) == []


def test_copy_a_file_into_the_workdir_without_a_slash(tmp_path):  # F7
    write_repo(tmp_path, {
        "svc/requirements.txt": "flask\ngunicorn\n",
        "svc/main.py": "from flask import Flask\napp = Flask(__name__)\n",
        "svc/Dockerfile": "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
                          "COPY main.py .\nCMD [\"gunicorn\", \"-b\", \":8080\", \"main:app\"]\n",
    })
    assert _codes(tmp_path) == []


def test_dockerignore_and_copy_of_an_unresolved_variable(tmp_path):
    files = {
        "svc/requirements.txt": "flask\ngunicorn\n",
        "svc/main.py": "from flask import Flask\nimport helpers  # expect: PF202\napp = Flask(__name__)\n",
        "svc/helpers.py": "X = 1\n",
        "svc/.dockerignore": "helpers.py\n",
        "svc/Dockerfile": "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
                          "CMD [\"gunicorn\", \"-b\", \":8080\", \"main:app\"]\n",
    }
    write_repo(tmp_path, files)
    assert_marks(tmp_path, select=("PF2",))
    write_repo(tmp_path, {"svc/main.py": "from flask import Flask\nimport helpers\napp = Flask(__name__)\n",
                          "svc/.dockerignore": "",
                          "svc/Dockerfile": "FROM python:3.11-slim\nARG SRC\nWORKDIR /app\nCOPY requirements.txt .\n"
                                            "RUN pip install -r requirements.txt\nCOPY ${SRC}/ .\nCOPY main.py .\n"
                                            "CMD [\"gunicorn\", \"-b\", \":8080\", \"main:app\"]\n"})
    assert _codes(tmp_path) == []  # ${SRC} may hold helpers.py: the image is uncertain


def test_units_named_by_a_variable_take_their_folder(tmp_path):  # issue 20 item 5
    write_repo(tmp_path, {
        "functions/ingest/main.py": "def run(request): return 'ok'\n",
        "functions/ingest/requirements.txt": "requests\n",
        "bin/deploy.sh": 'gcloud functions deploy "$FUNCTION_NAME" --runtime=python311 --entry-point=handler '
                         "--trigger-http --memory=512MB --source=functions/ingest\n",
    })
    [finding] = run(tmp_path, select=("PF2",))
    assert finding.message == "entry point `handler` is not defined in main.py of function functions/ingest/"


def test_a_unit_named_by_a_workflow_matrix_value(tmp_path):
    write_repo(tmp_path, {
        "functions/ingest/main.py": "import yaml  # expect: PF203\ndef run(request): return 'ok'\n",
        "functions/ingest/requirements.txt": "requests\n",
        ".github/workflows/deploy.yml": """
            on: push
            jobs:
              deploy:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    fn: [ingest-a, ingest-b]
                steps:
                  - run: gcloud functions deploy ${{ matrix.fn }} --runtime=python311 --entry-point=run --trigger-http --memory=512MB --source=functions/ingest
        """,
    })
    assert_marks(tmp_path, select=("PF2",))
    [finding] = run(tmp_path, select=("PF203",))
    assert "which function functions/ingest/ does not install" in finding.message


def test_modules_copied_into_the_repository_source_folder_before_deploy(tmp_path):
    write_repo(tmp_path, {
        "orchestration/live/main.py": "def run(request):\n    from data_processors.publishing.live import export\n"
                                      "    from shared.utils import helper\n    return export()\n",
        "data_processors/publishing/live.py": "def export(): return 1\n",
        "shared/utils/__init__.py": "def helper(): return 1\n",
        "bin/deploy.sh": 'SRC="orchestration/live"\nmkdir -p "$SRC/data_processors" "$SRC/shared"\n'
                         'rsync -aL data_processors/publishing "$SRC/data_processors/"\n'
                         'touch "$SRC/data_processors/__init__.py"\n'
                         'gcloud functions deploy live --runtime=python311 --entry-point=run --trigger-http '
                         '--memory=512MB --source="$SRC"\n',
    })
    assert [(f.code, f"{f.location.path}:{f.location.line}") for f in run(tmp_path, select=("PF2",))] == [
        ("PF202", "orchestration/live/main.py:3")]  # shared/ was not copied


def test_a_service_script_run_from_its_own_folder_builds_its_dockerfile(tmp_path):
    # factored-datathon-2024-ariteam: cloud_run/bq-functions/setup.sh builds and deploys the
    # folder it lies in (`docker build .`, `gcloud run deploy --source .`); the app is app/main.py
    write_repo(tmp_path, {
        "cloud_run/bq/setup.sh": "docker build -t bq .\ngcloud run deploy bq --source . --region us-east1 --memory 4Gi\n",
        "cloud_run/bq/Dockerfile": "FROM python:3.12\nWORKDIR /code\nCOPY ./requirements.txt /code/requirements.txt\n"
                                   "RUN pip install -r /code/requirements.txt\nCOPY ./app /code/app\n"
                                   'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8080"]\n',
        "cloud_run/bq/requirements.txt": "fastapi\nuvicorn\n",
        "cloud_run/bq/app/__init__.py": "",
        "cloud_run/bq/app/main.py": "from fastapi import FastAPI\nimport yaml  # expect: PF203\napp = FastAPI()\n",
        "dataflow/pipeline.py": "print('not deployed by the script')\n",
    })
    assert_marks(tmp_path, select=("PF2",))
    [finding] = run(tmp_path, select=("PF203",))
    assert "which image cloud_run/bq/Dockerfile does not install" in finding.message


def test_a_redeploy_without_source_of_a_function_terraform_declares(tmp_path):
    # aa-tt/gcp-data-pipeline: Terraform creates the function from a Cloud Storage object; a
    # workflow redeploys it by name, without --source or --runtime. gcloud then leaves the
    # function's source as it is: the current folder is not what runs.
    write_repo(tmp_path, {
        "functions/ingest/main.py": "def ingest(request):\n    return 'ok'\n",
        "scripts/redeploy.sh": "gcloud functions deploy ingest-prod --gen2 --region=us-central1 --trigger-http --memory 512MB\n",
        "tf/main.tf": """
            variable "environment" {
              default = "dev"
            }

            resource "google_cloudfunctions2_function" "ingest" {
              name     = "ingest-${var.environment}"
              location = "us-central1"
              build_config {
                runtime     = "python311"
                entry_point = "ingest"
                source {
                  storage_source {
                    bucket = "my-bucket"
                    object = "ingest.zip"
                  }
                }
              }
              service_config {
                available_memory = "512Mi"
              }
            }
            """,
    })
    # (the declared name holds a variable: `ingest-prod` is one of its values)
    assert _codes(tmp_path) == [("PF208", "scripts/redeploy.sh:1"), ("PF208", "tf/main.tf:14")]
    # a function no declaration names: the command's folder is uploaded (first deploy or not)
    write_repo(tmp_path, {"scripts/redeploy.sh": "gcloud functions deploy other --gen2 --region=us-central1 "
                                                 "--trigger-http --memory 512MB\n"})
    assert _codes(tmp_path) == [("PF205", "scripts/redeploy.sh:1"), ("PF208", "tf/main.tf:14")]


def test_a_declared_name_with_variables_matches_each_of_their_values():
    from gcp_preflight.rules.packaging.units import _fits

    cases = [(["ingest-", ""], "ingest-prod", True), (["ingest-", ""], "ingest-", False),
             (["a", "b", "c"], "axbyc", True), (["a", "b", "c"], "abc", False), (["a", "b", "c"], "axbc", False),
             (["", "-fn"], "x-fn", True), (["a", "a"], "aa", False), (["a", "a"], "aXa", True)]
    assert [_fits(parts, name) for parts, name, _ in cases] == [want for _, _, want in cases]


def test_a_stage_built_on_an_earlier_stage_has_its_files(tmp_path):
    # airqo-platform/AirQo-api: `FROM base AS job` after a `base` stage that copied the context
    write_repo(tmp_path, {
        "svc/Dockerfile": "FROM python:3.11-slim AS base\nWORKDIR /app\nCOPY . /app\n"
                          "RUN pip install -r requirements.txt\n\nFROM base AS job\nCMD [\"python\", \"job.py\"]\n",
        "svc/job.py": "import yaml  # expect: PF203\nprint('run')\n",
        "svc/requirements.txt": "requests\n",
        # a stage built on an image, not on the earlier stage, has none of its files
        "other/Dockerfile": "FROM python:3.11-slim AS build\nCOPY . /src\n\nFROM python:3.11-slim\n"
                            "CMD [\"python\", \"/src/tool.py\"]\n",
        "other/tool.py": "print('x')\n",
    })
    assert _codes(tmp_path) == [("PF202", "other/Dockerfile:5"), ("PF203", "svc/job.py:1")]


def test_an_import_in_an_import_error_fallback(tmp_path):
    # bigquery-utils gcs_ocn_bq_ingest: `try: from common import x` for the deployed layout,
    # `except ModuleNotFoundError: from .common import x` for the package's; one of the two fails
    write_repo(tmp_path, {
        "fn/main.py": "try:\n    from common import constants\nexcept ModuleNotFoundError:\n"
                      "    from .common import constants\n\n\ndef handle(request):\n    return constants.X\n",
        "fn/common/__init__.py": "",
        "fn/common/constants.py": "X = 1\n",
        "deploy.sh": "gcloud functions deploy ingest --gen2 --runtime python311 --source fn --entry-point handle "
                     "--trigger-http --memory 512MB\n",
    })
    assert _codes(tmp_path) == []


def test_start_commands_from_outside_the_image_files(tmp_path):
    # professional-services: a base image that sets its own WORKDIR (/app in
    # gcr.io/google-appengine/python); bigquery-utils: `python -m pytest`, pytest installed by pip
    write_repo(tmp_path, {
        "metric/Dockerfile": "FROM gcr.io/google-appengine/python\nADD requirements.txt /app/requirements.txt\n"
                             "RUN pip install -r /app/requirements.txt\nADD . /app\nENTRYPOINT [\"python\", \"main.py\"]\n",
        "metric/main.py": "print('metric')\n",
        "metric/requirements.txt": "requests\n",
        "ci/Dockerfile": "FROM python:3.11\nWORKDIR /ci\nCOPY requirements-dev.txt ./\nRUN pip install -r requirements-dev.txt\n"
                         "ENTRYPOINT [\"python\", \"-m\", \"pytest\"]\n",
        "ci/requirements-dev.txt": "pytest\n",
        # an official image starts in /, and an image that installs nothing has only its files
        "api/Dockerfile": "FROM python:3.11\nWORKDIR /app\nCOPY main.py .\nCMD [\"python\", \"-m\", \"app.server\"]\n",
        "api/main.py": "print('api')\n",
    })
    assert _codes(tmp_path) == [("PF202", "api/Dockerfile:4")]
