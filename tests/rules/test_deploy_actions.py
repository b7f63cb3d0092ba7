"""PF3xx and the packaging family on steps that use Google's deploy actions."""

from gcp_preflight.cli import main
from tests.helpers import assert_marks, found, run, write_repo

WF = ".github/workflows/deploy.yml"


def workflow(steps: str) -> str:
    return "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n" + steps


def test_pf301_on_a_low_memory_input_with_a_fix_in_the_workflow(tmp_path):
    write_repo(tmp_path, {WF: workflow("""\
      - uses: google-github-actions/deploy-cloud-functions@v3
        with:
          name: phase2-orchestrator
          runtime: python311
          memory: 256M
""")})
    [finding] = run(tmp_path, select=("PF301",))
    assert (str(finding.location), finding.message) == (
        f"{WF}:10:19",
        "memory: 256M is 244.1 MiB on a 2nd gen function (the action sends memory to the API as written: a bare "
        "number is bytes); the floor for function phase2-orchestrator is 512MB (488.3 MiB, default for functions)")
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--select", "PF301", "--fix", "--unsafe-fixes"]) == 0
    assert "          memory: 512M\n" in (tmp_path / WF).read_text()
    assert found(tmp_path, select=("PF301", "PF303")) == []


def test_memory_as_the_api_reads_it(tmp_path):
    write_repo(tmp_path, {WF: workflow("""\
      - uses: google-github-actions/deploy-cloud-functions@v3
        with: {name: a, runtime: python311, memory: 512M}
      - uses: google-github-actions/deploy-cloud-functions@v3
        with: {name: b, runtime: python311, memory: 512Mi}
      - uses: google-github-actions/deploy-cloud-functions@v3
        with: {name: c, runtime: python311, memory: "512"}  # expect: PF301
      - uses: google-github-actions/deploy-cloud-functions@v3
        with: {name: d, runtime: python311, memory: 512MB}  # expect: PF303
      - uses: google-github-actions/deploy-cloud-functions@v3  # expect: PF301
        with: {name: e, runtime: python311}
      - uses: google-github-actions/deploy-cloud-functions@v2  # expect: PF304
        with: {name: f, runtime: python39, memory_mb: 256}  # expect: PF301
      - uses: google-github-actions/deploy-cloud-functions@v2
        with: {name: g, runtime: python39, memory_mb: 1GB, env_vars: A=1}  # expect: PF303 PF304
""")})
    assert_marks(tmp_path, select=("PF301", "PF302", "PF303", "PF304"))
    messages = {f.location.line: f.message for f in run(tmp_path, select=("PF301", "PF303"))}
    assert messages[11].startswith('memory: 512 is 512 bytes on a 2nd gen function')
    assert messages[13] == ("memory: 512MB: the action sends memory to the Cloud Functions API as written, without "
                            "gcloud's unit correction, and the API documents only the units k, M, G, Mi and Gi "
                            "(512Mi, 1Gi)")
    assert messages[14] == ("memory (left out, so the action sends 256Mi) is 256 MiB on a 2nd gen function (the action "
                            "sends memory to the API as written: a bare number is bytes); the floor for function e is "
                            "512MB (488.3 MiB, default for functions)")
    assert messages[19] == ("memory_mb: 1GB: the action sends memory_mb to the API as a number of MB, and this is "
                            "not a whole number (no unit)")


def test_pf304_on_overwrite_strategy_and_job_secrets(tmp_path):
    write_repo(tmp_path, {WF: workflow("""\
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: api
          image: gcr.io/p/api
          env_vars: A=1
          env_vars_update_strategy: overwrite  # expect: PF304
          secrets: K=s:latest
          flags: --memory=1Gi
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          job: nightly
          image: gcr.io/p/job
          env_vars: A=1
          secrets: K=s:latest  # expect: PF304
          flags: --memory=1Gi
      - uses: google-github-actions/deploy-cloud-functions@v3
        with:
          name: ingest
          runtime: python311
          memory: 1Gi
          environment_variables: A=1  # expect: PF304
""")})
    assert_marks(tmp_path, select=("PF304",))
    assert [f.message for f in run(tmp_path, select=("PF304",))] == [
        "env_vars_update_strategy: overwrite makes google-github-actions/deploy-cloudrun@v2 pass --set-env-vars, "
        "which replaces every environment variable already set on Cloud Run service api; use "
        "env_vars_update_strategy: merge (the default), which passes --update-env-vars",
        "secrets makes google-github-actions/deploy-cloudrun@v2 pass --set-secrets, which replaces every secret "
        "already mounted on Cloud Run job nightly; deploy-cloudrun passes --set-secrets for every job, whatever "
        "secrets_update_strategy says; list every secret the job needs here, or update it with gcloud run jobs "
        "update --update-secrets",
        "environment_variables makes google-github-actions/deploy-cloud-functions@v3 pass --set-env-vars, which "
        "replaces every environment variable already set on function ingest; the action sends the function's whole "
        "set to the API and has no merge mode: list every variable the function needs here",
    ]


def test_flags_input_is_checked_as_gcloud_flags(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": '[deploy.policy."*"]\nmax-instances = { at-most = 10 }\n',
        WF: workflow("""\
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: api
          image: gcr.io/p/api
          flags: |
            --memory=512MB --cpu=1
            --max-instance=3 --concurrency 80
      - uses: google-github-actions/deploy-cloud-functions@v3
        with:
          name: fn
          runtime: python311
          memory: 1Gi
          max_instance_count: 50  # expect: PF307
"""),
    })
    got = found(tmp_path, select=("PF303", "PF306", "PF307"))
    assert got == [("PF303", f"{WF}:11"), ("PF306", f"{WF}:12"), ("PF307", f"{WF}:18")]
    by_code = {f.code: f for f in run(tmp_path, select=("PF303", "PF306", "PF307"))}
    assert (str(by_code["PF306"].location), by_code["PF306"].message) == (
        f"{WF}:12:13", "gcloud run deploy does not accept --max-instance; did you mean --max-instances?")
    assert by_code["PF303"].message.startswith("--memory 512MB is not a size a Cloud Run service accepts")
    assert by_code["PF307"].message == ('max_instance_count: 50 for function fn is above 10, the most '
                                        'deploy.policy."*" allows')


def test_packaging_closure_of_a_source_dir_function(tmp_path):
    write_repo(tmp_path, {
        WF: workflow("""\
      - uses: actions/checkout@v4
      - run: |
          mkdir -p build
          cp -r functions/ingest/* build/
      - uses: google-github-actions/deploy-cloud-functions@v3
        with:
          name: ingest
          runtime: python311
          source_dir: build
          entry_point: handler
          memory: 1Gi
      - uses: google-github-actions/deploy-cloud-functions@v3
        with: {name: direct, runtime: python311, source_dir: functions/ingest, entry_point: handle, memory: 1Gi}
      - run: mkdir -p build3 && cp -r functions/ingest/* shared build3/
      - uses: google-github-actions/deploy-cloud-functions@v3
        with: {name: complete, runtime: python311, source_dir: build3, entry_point: handler, memory: 1Gi}
"""),
        "functions/ingest/main.py": "from shared.utils import fmt\n\n\ndef handler(event, context):\n    return fmt(event)\n",
        "functions/ingest/requirements.txt": "",
        "shared/__init__.py": "",
        "shared/utils.py": "def fmt(x):\n    return x\n",
    })
    findings = run(tmp_path, select=("PF2",))
    assert [(f.code, str(f.location), f.message) for f in findings] == [
        ("PF205", f"{WF}:18:93", "entry point `handle` is not defined in main.py of function direct "
                                 "(did you mean `handler`?)"),
        ("PF202", "functions/ingest/main.py:1:1",
         "`shared.utils` cannot be imported in function direct: shared/utils.py exists in the repository but not in "
         "the deployed package; import chain: main.py:1 -> from shared.utils import fmt"),
        ("PF202", "functions/ingest/main.py:1:1",
         "`shared.utils` cannot be imported in function ingest: shared/utils.py exists in the repository but not in "
         "the deployed package; import chain: main.py:1 -> from shared.utils import fmt"),
    ]
    assert [str(r.location) for r in findings[2].related] == [f"{WF}:10:15"]
