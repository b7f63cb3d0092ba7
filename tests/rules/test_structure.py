"""PF001-PF005: unreadable input is a finding at the right place; the rest is still checked."""

from gcp_preflight.cli import main
from tests.helpers import found, write_repo

BROKEN = {
    "app/bad.py": "def handler(event, context)\n    return 1\n",
    "app/good.py": "import json  # preflight: ignore[PF002] stale\n",
    "config/broken.yaml": "scrapers:\n  a:\n    processor_name: [x,\n",
    "config/fine.yaml": "a: 1\n",
    "app/latin1.py": b"# ok\nNAME = 'caf\xe9'\n",
    "app/binary.py": b"\x00\x01\x02",
}


def test_structural_findings_at_exact_places(tmp_path):
    write_repo(tmp_path, BROKEN)
    assert found(tmp_path) == [
        ("PF002", "app/bad.py:1"),
        ("PF004", "app/binary.py:1"),
        ("PF001", "app/good.py:1"),
        ("PF004", "app/latin1.py:2"),
        ("PF003", "config/broken.yaml:3"),
    ]


def test_cli_exit_status_and_no_traceback(tmp_path, capsys):
    write_repo(tmp_path, BROKEN)
    assert main(["check", "--root", str(tmp_path), "--no-cache"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "app/bad.py:1:28: error PF002 syntax error: expected ':'",
        "app/binary.py:1:1: error PF004 binary content (NUL byte); not checked",
        "app/good.py:1:14: warning PF001 unused suppression: no PF002 finding on this line",
        "app/latin1.py:2:12: error PF004 not valid UTF-8 (byte 0xe9); not checked",
        "config/broken.yaml:3:24: error PF003 YAML syntax error: expected the node content, but found '<stream end>'",
        "Found 5 findings (4 errors, 1 warning).",
    ]


def test_suppression_with_reason_hides_finding(tmp_path):
    write_repo(tmp_path, {"app/bad.py": "def f(:  # preflight: ignore[PF002] parser fixture\n    pass\n"})
    assert found(tmp_path) == []


def test_required_reason(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": "require-suppression-reason = true\n",
        "app/bad.py": "def f(:  # preflight: ignore[PF002]\n    pass\n",
    })
    assert found(tmp_path) == [("PF005", "app/bad.py:1")]


def test_unused_suppression_not_reported_for_disabled_rule(tmp_path):
    write_repo(tmp_path, {"app/ok.py": "x = 1  # preflight: ignore[PF002] old\n"})
    assert found(tmp_path, ignore=("PF002",)) == []


def test_marker_inside_a_python_string_is_not_a_suppression(tmp_path):
    write_repo(tmp_path, {"app/doc.py": 'HELP = "write # preflight: ignore[PF301] reason on the line"\nx = (\n'})
    assert found(tmp_path) == [("PF002", "app/doc.py:2")]


def test_suppression_in_shell_and_yaml(tmp_path):
    write_repo(tmp_path, {
        "cfg/a.yaml": "a: [1,  # preflight: ignore[PF003] fixture\n",
        "app/ok.py": "x = 1  # preflight: ignore[PF002]\n",
    })
    assert found(tmp_path) == [("PF001", "app/ok.py:1")]


def test_a_utf16_requirements_file_is_read_as_pip_reads_it(tmp_path):
    # s25-team6-cama: `pip freeze > requirements.txt` in Windows PowerShell writes UTF-16 with a
    # BOM; pip decodes a requirements file by its BOM, so the function installs. A Python file in
    # UTF-16 stays unreadable: Python does not decode it.
    write_repo(tmp_path, {
        "fn/requirements.txt": "\ufefffunctions-framework==3.5.0\r\ngoogle-cloud-bigquery==3.25.0\r\n".encode("utf-16-le"),
        "fn/main.py": "import functions_framework\nfrom google.cloud import bigquery\nimport yaml\n\n"
                      "@functions_framework.http\ndef run(request):\n    return 'ok'\n",
        "fn/wide.py": "\ufeffX = 1\n".encode("utf-16-le"),
        "deploy.sh": "gcloud functions deploy run --gen2 --runtime python312 --source fn --trigger-http --memory 512MB\n",
    })
    assert found(tmp_path, select=("PF0", "PF2")) == [("PF203", "fn/main.py:3"), ("PF004", "fn/wide.py:1")]


def test_helm_and_jinja_templates_are_not_yaml_errors(tmp_path):
    # 1xves/gcp-data-platform (a Helm chart's templates/) and mozilla/docker-etl (Jinja templates
    # a script renders into CI config): not YAML until rendered. A GitHub Actions `${{ }}`
    # expression is YAML as written, so a broken workflow is still reported.
    write_repo(tmp_path, {
        "chart/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
        "chart/templates/hpa.yaml": "{{- if .Values.autoscaling.enabled }}\napiVersion: autoscaling/v2\n"
                                    "metadata:\n  name: {{ .Release.Name }}\n{{- end }}\n",
        "chart/templates/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                          "  name: {{ .Release.Name }}-config\n  labels:\n"
                                          "    {{- include \"api.labels\" . | nindent 4 }}\n",
        "templates/ci_job.template.yaml": "  build-{{ job_name }}:\n    needs: [lint-{{ job_name }}]\n"
                                          "{% if docker %}\n    runs-on: ubuntu-latest\n{% endif %}\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ${{ matrix.os }}\n"
                                    "    steps: [\n",
        "templates/cluster-wft.yml": "placement:\n  zoneUri: %%REGION%%-a\n",  # professional-services, sed fills it
        "src/main/resources/application.yaml": "spring:\n  profiles:\n    active: @spring.profiles.active@\n",  # Maven
    })
    assert found(tmp_path, select=("PF003",)) == [("PF003", ".github/workflows/ci.yml:5")]


def test_a_tab_that_separates_within_a_line_is_yaml(tmp_path):
    # minh-tran-dev/Apache_Beam_DV: `-   id:<TAB>check-json`. YAML allows a tab there (not in
    # indentation); PyYAML's Python scanner refuses it, libyaml (pre-commit's loader) reads it.
    # Too deep a nesting is not handed to libyaml, whose composer would crash the process.
    write_repo(tmp_path, {
        "cloudbuild.yaml": "steps:\n- name: python\n  args:\t[\"echo\", \"hi\"]\n",
        "indented.yaml": "a:\n\t- 1\n",
        "deep.yaml": "a:\t1\nb: " + "[" * 60_000 + "]" * 60_000 + "\n",
    })
    assert found(tmp_path, select=("PF003",)) == [("PF003", "deep.yaml:1"), ("PF003", "indented.yaml:2")]
