"""PF2xx: deployment units and their import closure, as small repositories with exact findings."""

import os

from gcp_preflight.model import Location
from gcp_preflight.validators.deploy.facts import DeployCommand, Flag, ShellCommand, Word
from tests.helpers import assert_marks, found, run, write_repo

UNIT = """
[[packaging.units]]
name = "ingest"
source = "functions/ingest"
entry-point = "handler"
runtime = "python311"
"""

SHARED = {
    "shared/__init__.py": "",
    "shared/utils/__init__.py": "from .dates import today\nfrom shared.config import BUCKET\n",
    "shared/utils/dates.py": "import datetime\n\ndef today():\n    return datetime.date.today()\n",
    "shared/config.py": "BUCKET = 'raw'\n",
}

LINKED = {
    "preflight.toml": UNIT,
    **SHARED,
    "functions/ingest/main.py": "from shared.utils import today, BUCKET\n\ndef handler(request):\n    return str(today())\n",
    "functions/ingest/requirements.txt": "functions-framework==3.*\n",
    "functions/ingest/shared/__init__.py": "-> ../../../shared/__init__.py",
    "functions/ingest/shared/utils": "-> ../../../shared/utils",
    "functions/ingest/shared/config.py": "-> ../../../shared/config.py",
}


def test_symlinked_shared_with_all_imports_present_is_clean(tmp_path):
    write_repo(tmp_path, LINKED)
    assert found(tmp_path, select=("PF2",)) == []


def test_deleting_a_link_target_reports_the_link_and_the_import(tmp_path):
    write_repo(tmp_path, LINKED)
    os.remove(tmp_path / "shared/config.py")
    findings = run(tmp_path, select=("PF2",))
    assert [(f.code, str(f.location), f.message) for f in findings] == [
        ("PF201", "functions/ingest/shared/config.py:1:1",
         "symlink `functions/ingest/shared/config.py` -> `../../../shared/config.py` points to nothing: "
         "unit ingest is uploaded without it"),
        ("PF202", "shared/utils/__init__.py:2:1",
         "`shared.config` cannot be imported in unit ingest: no such module in the deployed package; "
         "import chain: main.py:1 -> shared/utils/__init__.py:2 -> from shared.config import BUCKET"),
    ]
    assert [(r.location.path, r.message) for r in findings[1].related] == [("preflight.toml", "unit ingest is defined here")]


def test_incomplete_copy_of_shared(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": UNIT,
        **SHARED,
        "functions/ingest/main.py": "import shared.utils\n\ndef handler(request):\n    return 1\n",
        "functions/ingest/requirements.txt": "",
        "functions/ingest/shared/__init__.py": "",
        "functions/ingest/shared/utils/__init__.py": "from .dates import today  # expect: PF202\nfrom shared.config import BUCKET  # expect: PF202\n",
    })
    assert_marks(tmp_path, select=("PF2",))
    messages = [f.message for f in run(tmp_path, select=("PF202",))]
    assert messages[0] == ("`shared.utils.dates` cannot be imported in unit ingest: shared/utils/dates.py exists in the "
                           "repository but not in the deployed package; import chain: main.py:1 -> "
                           "shared/utils/__init__.py:1 -> from .dates import today")


FOUR_HOPS = {
    "preflight.toml": UNIT.replace('source = "functions/ingest"', 'source = "functions/ingest"\ninclude = ["shared"]'),
    "functions/ingest/main.py": "import json\n\nfrom shared.validation import validate\n\ndef handler(request):\n    return validate(json.loads(request))\n",
    "functions/ingest/requirements.txt": "functions-framework==3.*\ngoogle-cloud-bigquery==3.25.0\n",
    "shared/__init__.py": "",
    "shared/validation/__init__.py": "from shared.validation.rules import validate\n",
    "shared/validation/rules.py": "from shared.config.loader import settings\n\ndef validate(row):\n    return settings()\n",
    "shared/config/__init__.py": "from google.cloud import bigquery\n",
    "shared/config/loader.py": "import yaml  # expect: PF203\n\ndef settings():\n    return yaml.safe_load('a: 1')\n",
}


def test_third_party_four_hops_away(tmp_path):
    write_repo(tmp_path, FOUR_HOPS)
    assert_marks(tmp_path, select=("PF2",))
    [finding] = run(tmp_path, select=("PF203",))
    assert finding.message == (
        "`yaml` needs the distribution PyYAML, which unit ingest does not install (not in "
        "functions/ingest/requirements.txt); import chain: main.py:3 -> shared/validation/__init__.py:1 -> "
        "shared/validation/rules.py:1 -> shared/config/loader.py:1 -> import yaml")


def test_import_name_overrides_and_provided(tmp_path):
    files = dict(FOUR_HOPS)
    files["shared/config/loader.py"] = "import yaml\nimport our_lib\n\ndef settings():\n    return 1\n"
    files["functions/ingest/requirements.txt"] = "google-cloud-bigquery\nour-yaml-fork\ninternal-lib\n"
    files["preflight.toml"] += '\n[packaging]\nimport-names = {yaml = "our-yaml-fork", our_lib = "internal-lib"}\n'
    write_repo(tmp_path, files)
    assert found(tmp_path, select=("PF2",)) == []


WHEN = {
    "preflight.toml": UNIT,
    "functions/ingest/requirements.txt": "",
    "functions/ingest/main.py": """
        from typing import TYPE_CHECKING
        try:
            import ujson as json
        except ImportError:
            import json
        if TYPE_CHECKING:
            from google.cloud import bigquery
        if __name__ == "__main__":
            import click

        def handler(request):
            import requests  # expect: PF203
            return json.dumps({})
    """,
}


def test_optional_type_checking_and_function_level_imports(tmp_path):
    write_repo(tmp_path, WHEN)
    assert_marks(tmp_path, select=("PF2",))
    [finding] = run(tmp_path, select=("PF203",))
    assert finding.message == ("`requests` needs the distribution requests, which unit ingest does not install "
                               "(not in functions/ingest/requirements.txt); import chain: main.py:12 (in handler()) "
                               "-> import requests; reached only when handler() runs")


NAMES = {
    "preflight.toml": UNIT,
    "functions/ingest/requirements.txt": "",
    "functions/ingest/main.py": """
        from pkg import helper, CONSTANT, sub, Missing  # expect: PF204
        from pkg.star_user import from_star
        from nspkg import mod
        from nspkg import absent  # expect: PF202
        from . import sibling  # expect: PF202

        def handler(request):
            return helper
    """,
    "functions/ingest/pkg/__init__.py": "from .impl import helper\nfrom .consts import *\n",
    "functions/ingest/pkg/impl.py": "def helper():\n    return 1\n",
    "functions/ingest/pkg/consts.py": "CONSTANT = 1\n_PRIVATE = 2\n",
    "functions/ingest/pkg/sub.py": "",
    "functions/ingest/pkg/star_user.py": "from pkg.consts import *\nfrom_star = CONSTANT\n",
    "functions/ingest/nspkg/mod.py": "",
}


def test_names_submodules_star_imports_namespace_packages(tmp_path):
    write_repo(tmp_path, NAMES)
    assert_marks(tmp_path, select=("PF2",))
    by_code = {f.code: f.message for f in run(tmp_path, select=("PF2",))}
    assert by_code["PF204"] == "`pkg` (functions/ingest/pkg/__init__.py) defines no `Missing`"


def test_entry_point_not_defined(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": UNIT,
        "functions/ingest/requirements.txt": "",
        "functions/ingest/main.py": "def handle(request):\n    return 'ok'\n",
    })
    [finding] = run(tmp_path, select=("PF2",))
    assert (finding.code, str(finding.location), finding.message) == (
        "PF205", "preflight.toml:1:1", "entry point `handler` is not defined in main.py of unit ingest (did you mean `handle`?)")


def test_syntax_newer_than_runtime_once_not_pf002(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": UNIT + UNIT.replace('"ingest"', '"ingest312"').replace("python311", "python312"),
        "functions/ingest/requirements.txt": "",
        "functions/ingest/main.py": 'def handler(request):\n    row = {"a": 1}\n    return f"{row["a"]}"  # expect: PF206\n',
    })
    assert_marks(tmp_path)
    [finding] = run(tmp_path, select=("PF206",))
    assert finding.message == ("the enclosing quote reused inside an f-string replacement field needs Python 3.12, "
                               "but unit ingest runs python311: a SyntaxError at import")


def test_dockerfile_without_copy_of_imported_package(tmp_path):
    write_repo(tmp_path, {
        "services/api/Dockerfile": """
            FROM python:3.11-slim
            WORKDIR /app
            COPY services/api/requirements.txt .
            RUN pip install --no-cache-dir -r requirements.txt
            COPY services/api/ ./services/api/
            ENV PYTHONPATH=/app/services/api
            CMD exec gunicorn --bind :$PORT --workers 1 main:app
        """,
        "services/api/requirements.txt": "flask\ngunicorn\n",
        "services/api/main.py": "from flask import Flask\nfrom shared.db import client  # expect: PF202\napp = Flask(__name__)\n",
        "shared/__init__.py": "",
        "shared/db.py": "client = None\n",
    })
    assert_marks(tmp_path, select=("PF2",))
    [finding] = run(tmp_path, select=("PF202",))
    assert finding.message == ("`shared.db` cannot be imported in image services/api/Dockerfile: shared/db.py exists "
                               "in the repository but not in the image; import chain: app/services/api/main.py:2 -> "
                               "from shared.db import client")
    assert [(str(r.location), r.message) for r in finding.related] == [
        ("services/api/Dockerfile:7:1", "image services/api/Dockerfile is defined here")]


def test_dockerfile_module_and_entry(tmp_path):
    write_repo(tmp_path, {
        "svc/Dockerfile": """
            FROM python:3.12-slim
            WORKDIR /srv
            COPY . .
            RUN pip install flask==3.0 gunicorn
            CMD ["gunicorn", "-b", ":8080", "app.server:application"]
        """,
        "svc/app/__init__.py": "",
        "svc/app/server.py": "from flask import Flask\napp = Flask(__name__)\n",
    })
    findings = run(tmp_path, select=("PF2",))
    assert [(f.code, str(f.location), f.message) for f in findings] == [
        ("PF205", "svc/Dockerfile:5:1", "entry point `application` is not defined in srv/app/server.py of image "
                                        "svc/Dockerfile")]


def _word(text, line, col=1, path="bin/deploy.sh"):
    return Word(text, text or "$X", Location(path, line, col))


def _command(seq, line, *words, cwd="."):
    return ShellCommand("bin/deploy.sh", seq, Location("bin/deploy.sh", line), tuple(_word(w, line) for w in words), cwd)


def _deploy(seq, line, source, entry="handler"):
    flags = (Flag("--source", _word(source, line, 40), Location("bin/deploy.sh", line, 31)),
             Flag("--entry-point", _word(entry, line, 60), Location("bin/deploy.sh", line, 47)),
             Flag("--runtime", _word("python311", line, 80), Location("bin/deploy.sh", line, 70)))
    return DeployCommand("bin/deploy.sh", seq, Location("bin/deploy.sh", line), "function", "functions deploy", "",
                         _word("ingest", line, 26), flags, "shell")


BUILD_REPO = {
    **SHARED,
    "shared/validation.py": "import yaml\n",
    "bin/deploy.sh": "# facts are given by hand in these tests\n",
    "functions/ingest/main.py": "from shared.utils import today\nimport shared.validation\n\ndef handler(request):\n    return 1\n",
    "functions/ingest/requirements.txt": "functions-framework\nPyYAML\n",
    "functions/ingest/shared": "-> ../../shared",
}


def test_build_folder_replayed(tmp_path):
    write_repo(tmp_path, BUILD_REPO)
    facts = [
        _command(1, 2, "mkdir", "-p", "/tmp/build"),
        _command(2, 3, "rsync", "-aL", "--exclude", "__pycache__", "functions/ingest/", "/tmp/build/"),
        _deploy(3, 4, "/tmp/build"),
    ]
    assert found(tmp_path, select=("PF2",), extra_facts=facts) == []


def test_build_folder_missing_copy_and_copied_link(tmp_path):
    write_repo(tmp_path, BUILD_REPO)
    facts = [
        _command(1, 2, "mkdir", "$BUILD"[:0] + "build"),
        _command(2, 3, "cp", "functions/ingest/main.py", "functions/ingest/requirements.txt", "build/"),
        _command(3, 4, "mkdir", "build/shared"),
        _command(4, 5, "cp", "-r", "shared/utils", "shared/__init__.py", "build/shared/"),
        _command(5, 6, "cp", "-r", "functions/ingest/shared", "build/linked"),
        _deploy(6, 7, "build"),
    ]
    findings = run(tmp_path, select=("PF2",), extra_facts=facts)
    assert [(f.code, str(f.location)) for f in findings] == [
        ("PF201", "bin/deploy.sh:6:1"),
        ("PF202", "functions/ingest/main.py:2:1"),
        ("PF202", "shared/utils/__init__.py:2:1"),
    ]
    assert findings[0].message == ("this step places `functions/ingest/shared` in the package as a link to "
                                   "`../../shared`, which points to nothing there: function ingest is uploaded "
                                   "without it (copy with -L to follow links)")
    assert findings[1].message == ("`shared.validation` cannot be imported in function ingest: shared/validation.py "
                                   "exists in the repository but not in the deployed package; import chain: "
                                   "main.py:2 -> import shared.validation")
    assert [str(r.location) for r in findings[1].related] == ["bin/deploy.sh:7:1"]


def test_entry_point_from_deploy_flag(tmp_path):
    write_repo(tmp_path, BUILD_REPO)
    findings = run(tmp_path, select=("PF205",), extra_facts=[_deploy(1, 3, "functions/ingest", entry="main")])
    assert [(str(f.location), f.message) for f in findings] == [
        ("bin/deploy.sh:3:60", "entry point `main` is not defined in main.py of function ingest")]


# -- end to end: the shell and Cloud Build reader defines the units ---------------------------

SCRIPT = '''#!/bin/bash
set -euo pipefail
FUNCTION_NAME=ingest
SOURCE_DIR="functions/ingest"
BUILD_DIR=$(mktemp -d)
rsync -aL --exclude '__pycache__' "$SOURCE_DIR/" "$BUILD_DIR/"
mkdir -p "$BUILD_DIR/shared"
cp -r shared/utils "$BUILD_DIR/shared/"
cp shared/__init__.py "$BUILD_DIR/shared/"
gcloud functions deploy $FUNCTION_NAME --gen2 --runtime python311 \\
  --source "$BUILD_DIR" --entry-point handler --trigger-topic raw
'''


def test_script_building_a_package_misses_one_shared_module(tmp_path):
    write_repo(tmp_path, {**SHARED, "bin/deploy_ingest.sh": SCRIPT,
                          "functions/ingest/main.py": "from shared.utils import today\n\ndef handler(event, context):\n    return today()\n",
                          "functions/ingest/requirements.txt": "functions-framework\n"})
    findings = run(tmp_path, select=("PF2",))
    assert [(f.code, str(f.location), f.message, [str(r.location) for r in f.related]) for f in findings] == [
        ("PF202", "shared/utils/__init__.py:2:1",
         "`shared.config` cannot be imported in function ingest: shared/config.py exists in the repository but not "
         "in the deployed package; import chain: main.py:1 -> shared/utils/__init__.py:2 -> from shared.config import BUCKET",
         ["bin/deploy_ingest.sh:10:1"]),
    ]
    fixed = SCRIPT.replace('cp shared/__init__.py "$BUILD_DIR/shared/"', 'cp shared/__init__.py shared/config.py "$BUILD_DIR/shared/"')
    write_repo(tmp_path, {"bin/deploy_ingest.sh": fixed})
    assert found(tmp_path, select=("PF2",)) == []


def test_symlinked_function_deployed_by_script(tmp_path):
    write_repo(tmp_path, {**LINKED, "preflight.toml": "",
                          "bin/deploy.sh": "gcloud functions deploy ingest --runtime python312 --source functions/ingest "
                                           "--entry-point handler --trigger-http\n"})
    assert found(tmp_path, select=("PF2",)) == []
    os.remove(tmp_path / "shared/utils/dates.py")
    assert found(tmp_path, select=("PF2",)) == [("PF202", "shared/utils/__init__.py:1")]


CLOUDBUILD = '''steps:
- name: gcr.io/google.com/cloudsdktool/cloud-sdk
  entrypoint: bash
  args:
  - -c
  - |
    mkdir -p /workspace/deploy_pkg
    cp functions/ingest/main.py functions/ingest/requirements.txt /workspace/deploy_pkg/
    cp -r shared /workspace/deploy_pkg/
    gcloud functions deploy ingest --runtime python311 --source /workspace/deploy_pkg --entry-point handle
'''


def test_cloudbuild_package(tmp_path):
    write_repo(tmp_path, {**SHARED, "cloudbuild.yaml": CLOUDBUILD,
                          "functions/ingest/main.py": "from shared.utils import today\n\ndef handler(request):\n    return today()\n",
                          "functions/ingest/requirements.txt": "functions-framework\n"})
    findings = run(tmp_path, select=("PF2",))
    assert [(f.code, str(f.location), f.message) for f in findings] == [
        ("PF205", "cloudbuild.yaml:10:101", "entry point `handle` is not defined in main.py of function ingest (did you mean `handler`?)")]


def test_step_not_understood_withholds_missing_modules(tmp_path):
    write_repo(tmp_path, {**SHARED, "bin/deploy.sh": SCRIPT.replace("cp shared/__init__.py", "tar -xzf shared.tgz -C \"$BUILD_DIR/shared\"\ncp shared/__init__.py"),
                          "functions/ingest/main.py": "from shared.utils import today\n\ndef handler(event, context):\n    return today()\n",
                          "functions/ingest/requirements.txt": "functions-framework\n"})
    findings = run(tmp_path, select=("PF2",))
    assert [(f.code, str(f.location), f.message) for f in findings] == [
        ("PF208", "bin/deploy.sh:9:1",
         "package step not understood: `tar -xzf shared.tgz -C /tmp/mktemp-line5/shared` changes the package folder")]


def test_rsync_folder_without_slash_and_ln_s(tmp_path):
    write_repo(tmp_path, BUILD_REPO)
    facts = [
        _command(1, 2, "mkdir", "-p", "/tmp/b"),
        _command(2, 3, "rsync", "-a", "functions/ingest/main.py", "functions/ingest/requirements.txt", "/tmp/b/"),
        _command(3, 4, "rsync", "-a", "shared", "/tmp/b"),  # no slash: the folder itself lands in /tmp/b/shared
        _command(4, 5, "ln", "-s", "shared/utils", "/tmp/b/utils_link"),
        _deploy(5, 6, "/tmp/b"),
    ]
    assert found(tmp_path, select=("PF2",), extra_facts=facts) == []


def test_packaging_config_errors_are_one_line(tmp_path):
    import pytest

    from gcp_preflight.config import ConfigError, load

    write_repo(tmp_path, {"preflight.toml": '[[packaging.units]]\nsource = "fn"\nruntime = "py3"\n'})
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert str(info.value) == 'preflight.toml: packaging.units.0.runtime: expected a runtime like "python311"'


def test_commands_that_upload_no_source_define_no_unit(tmp_path):
    write_repo(tmp_path, {"bin/tune.sh": """
        #!/bin/bash
        gcloud run services update coordinator --region us-west2 --memory 1Gi --cpu 1
        gcloud run jobs update backfill --region us-west2 --memory 1Gi
    """})
    assert found(tmp_path, select=("PF2",)) == []


def test_source_folder_missing_from_the_repository_is_noted_not_guessed(tmp_path):
    write_repo(tmp_path, {"bin/deploy.sh": """
        #!/bin/bash
        gcloud run deploy proxy --source services/proxy --region us-west2 --memory 512Mi
    """})
    findings = run(tmp_path, select=("PF2",))
    assert [(f.code, f"{f.location.path}:{f.location.line}", f.message) for f in findings] == [
        ("PF208", "bin/deploy.sh:2", "package step not understood: the source folder `services/proxy` is not in the "
                                     "repository (built elsewhere?), so the package of this deploy is not checked")]


def test_units_of_other_languages_are_not_checked(tmp_path):
    write_repo(tmp_path, {
        "sync/deploy.sh": """
            #!/bin/bash
            gcloud functions deploy sync --gen2 --runtime=nodejs20 --source=sync --entry-point=run --memory=1GB
            gcloud run deploy api --source=api --region=us-west2 --memory=1Gi
        """,
        "sync/package.json": "{}\n",
        "api/package.json": "{}\n",
        "api/index.js": "\n",
    })
    assert found(tmp_path, select=("PF2",)) == []


def test_source_dot_in_a_per_function_script_is_the_script_folder(tmp_path):
    write_repo(tmp_path, {
        "functions/tokens/deploy.sh": """
            #!/bin/bash
            gcloud functions deploy register-token --gen2 --runtime=python312 --source=. \\
              --entry-point=register_tokn --memory=512MB
        """,
        "functions/tokens/main.py": "def register_token(request):\n    return 'ok'\n",
        "functions/tokens/requirements.txt": "functions-framework\n",
    })
    assert found(tmp_path, select=("PF2",)) == [("PF205", "functions/tokens/deploy.sh:3")]


def test_namespace_import_names_the_submodule_that_decides_the_distribution(tmp_path):
    write_repo(tmp_path, {
        "fn/deploy.sh": "#!/bin/bash\ngcloud functions deploy load --gen2 --runtime=python311 --source=fn "
                        "--entry-point=load --memory=512MB\n",
        "fn/main.py": "from google.cloud import bigquery\nfrom yaml import safe_load\n\n\ndef load(request):\n    return 1\n",
    })
    assert [f.message.split(";")[0] for f in run(tmp_path, select=("PF203",))] == [
        "`google.cloud.bigquery` needs the distribution google-cloud-bigquery, which function load does not "
        "install (it has no requirements.txt)",
        "`yaml` needs the distribution PyYAML, which function load does not install (it has no requirements.txt)",
    ]


def test_dockerfile_env_variables_and_a_module_left_out_of_the_image(tmp_path):
    write_repo(tmp_path, {
        "svc/Dockerfile": """
            FROM python:3.11-slim
            ARG SRC=backend
            ENV APP_HOME /app
            WORKDIR $APP_HOME
            COPY requirements.txt ./
            RUN pip install -r requirements.txt
            COPY ${SRC}/app.py ./
            COPY main.py ./
            CMD exec gunicorn --bind :$PORT "main:app"
        """,
        "svc/requirements.txt": "flask\ngunicorn\n",
        "svc/main.py": "from flask import Flask\nimport app as backend\nimport auth\n\napp = Flask(__name__)\n",
        "svc/backend/app.py": "X = 1\n",
        "svc/backend/auth.py": "Y = 1\n",
    })
    assert [f"{f.code} {f.location.path}:{f.location.line} {f.message}" for f in run(tmp_path, select=("PF2",))] == [
        "PF202 svc/main.py:3 `auth` cannot be imported in image svc/Dockerfile: svc/backend/auth.py exists in the "
        "repository but not in the image; import chain: app/main.py:3 -> import auth"]


def test_did_you_mean_prefers_public_names_then_names_holding_every_word():
    from gcp_preflight.rules.packaging.closure import _did_you_mean

    names = {"_client", "get_bigquery_client", "insert_rows", "_insert"}
    assert _did_you_mean("get_client", names) == ["get_bigquery_client"]
    assert _did_you_mean("insert_row", names) == ["insert_rows"]
    assert _did_you_mean("_clients", names) == ["_client"]
    assert _did_you_mean("delete_table", names) == []
