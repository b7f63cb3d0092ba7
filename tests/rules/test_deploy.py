"""PF301-PF307 over small repositories: exact findings, messages, related locations and fixes."""

import pytest

from gcp_preflight.cli import main
from tests.helpers import assert_marks, found, run, write_repo

SEED = {
    "bin/orchestrators/deploy_phase2.sh": """\
        #!/bin/bash
        set -euo pipefail
        FUNCTION_NAME="phase2-to-phase3-orchestrator"
        SOURCE_DIR="orchestration/cloud_functions/phase2_to_phase3"
        MEMORY="256MB"
        gcloud functions deploy "$FUNCTION_NAME" --gen2 --runtime python311 \\
          --source "$SOURCE_DIR" --entry-point main --trigger-topic phase2-complete \\
          --memory $MEMORY --region us-central1
        """,
    "orchestration/cloud_functions/phase2_to_phase3/requirements.txt": "google-cloud-bigquery\ngoogle-cloud-firestore\n",
    "orchestration/cloud_functions/phase2_to_phase3/main.py": """\
        import json

        from google.cloud import bigquery, firestore


        def main(event, context):
            return json.dumps({})
        """,
}
# Tests of how a value is read, against fixed floors (configuration wins over evidence).
FIXED_FLOORS = '[memory]\nfunction-floor = "512MB"\nservice-floor = "512MiB"\n'


def test_seed_script_gives_pf301_at_the_assignment_with_the_flag_related(tmp_path):
    write_repo(tmp_path, SEED)
    [finding] = run(tmp_path, select=("PF301",))
    assert str(finding.location) == "bin/orchestrators/deploy_phase2.sh:5:9"
    assert finding.message == ("--memory 256MB is 244.1 MiB on a 2nd gen function, sent as 256M; the floor for "
                               "function phase2-to-phase3-orchestrator is 512MB (488.3 MiB, default for functions "
                               "that load a heavy client: google.cloud.bigquery, imported at "
                               "orchestration/cloud_functions/phase2_to_phase3/main.py:3)")
    assert [(str(r.location), r.message) for r in finding.related] == [
        ("bin/orchestrators/deploy_phase2.sh:8:3", "--memory $MEMORY uses it here"),
        ("orchestration/cloud_functions/phase2_to_phase3/main.py:3:1", "this import loads a heavy client")]


def test_the_seed_fix_512MB_satisfies_the_default_function_floor(tmp_path):
    write_repo(tmp_path, {**SEED, "bin/orchestrators/deploy_phase2.sh":
                          SEED["bin/orchestrators/deploy_phase2.sh"].replace('"256MB"', '"512MB"')})
    assert found(tmp_path, select=("PF301",)) == []


def test_fix_raises_the_literal_keeping_its_unit(tmp_path):
    write_repo(tmp_path, SEED)
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--select", "PF301", "--fix", "--unsafe-fixes"]) == 0
    text = (tmp_path / "bin/orchestrators/deploy_phase2.sh").read_text()
    assert 'MEMORY="512MB"' in text and "256MB" not in text


@pytest.mark.parametrize("line, flags, expected", [
    # 2nd gen: unit case-corrected, decimal M; a bare number means M
    ('MEMORY="512MB"', "--gen2", []),
    ('MEMORY="512mb"', "--gen2", []),
    ('MEMORY="511MB"', "--gen2", ["PF301"]),
    ('MEMORY="512"', "--gen2", []),
    ('MEMORY="488Mi"', "--gen2", ["PF301"]),
    ('MEMORY="489Mi"', "--gen2", []),
    ('MEMORY="1G"', "--gen2", []),
    ('MEMORY="1Gi"', "--gen2", []),
    # no generation flag: read as 2nd gen (the default for new functions)
    ('MEMORY="256MB"', "", ["PF301"]),
    # 1st gen: every unit binary and case-insensitive
    ('MEMORY="256MB"', "--no-gen2", ["PF301"]),
    ('MEMORY="512MB"', "--no-gen2", []),
    ('MEMORY="1GB"', "--no-gen2", []),
    ('MEMORY="1gb"', "--no-gen2", []),
    ('MEMORY="64MB"', "--no-gen2", ["PF301", "PF303"]),
    ('MEMORY="16384MB"', "--no-gen2", ["PF303"]),
    ('MEMORY="0.5Gi"', "--gen2", ["PF303"]),
])
def test_function_memory_units(tmp_path, line, flags, expected):
    write_repo(tmp_path, {"preflight.toml": FIXED_FLOORS,
                          "bin/d.sh": f"{line}\ngcloud functions deploy fn {flags} --memory $MEMORY\n"})
    assert [c for c, _ in found(tmp_path, select=("PF301", "PF303"))] == expected


@pytest.mark.parametrize("command", ["run deploy api --image i", "run jobs deploy job --image i"])
@pytest.mark.parametrize("memory, expected", [
    ("512Mi", []), ("1Gi", []), ("511Mi", ["PF301"]), ("512M", ["PF301"]), ("537M", []),
    ("512MB", ["PF303"]), ("1GB", ["PF303"]), ("64Gi", ["PF303"]),
])
def test_cloud_run_memory_units(tmp_path, command, memory, expected):
    write_repo(tmp_path, {"preflight.toml": FIXED_FLOORS, "bin/d.sh": f"gcloud {command} --memory {memory}\n"})
    assert [c for c, _ in found(tmp_path, select=("PF301", "PF303"))] == expected


def test_floors_by_glob_and_platform(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": '[memory]\nservice-floor = "1GiB"\nfloors = { "*-orchestrator" = "2GiB" }\n',
        "bin/d.sh": """\
            gcloud functions deploy a-orchestrator --gen2 --memory 1Gi  # expect: PF301
            gcloud functions deploy plain --gen2 --memory 512MB
            gcloud run deploy api --image i --memory 512Mi  # expect: PF301
            gcloud run jobs deploy nightly --image i --memory 512Mi
            """,
    })
    assert_marks(tmp_path, select=("PF301",))
    messages = [f.message for f in run(tmp_path, select=("PF301",))]
    assert messages[0].endswith('the floor for function a-orchestrator is 2GiB (2048 MiB, floors."*-orchestrator")')
    assert messages[1].endswith("the floor for Cloud Run service api is 1GiB (1024 MiB, service-floor)")


def test_default_expansion_and_sourced_file(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": FIXED_FLOORS,
        "bin/common.sh": 'MEMORY="${MEMORY:-256MB}"  # expect: PF301\n',
        "bin/a.sh": 'source "$(dirname "$0")/common.sh"\ngcloud functions deploy a-fn --gen2 --memory "$MEMORY"\n',
        "bin/b.sh": 'gcloud run deploy b --image i --memory "${MEM:-256Mi}"  # expect: PF301\n',
    })
    assert_marks(tmp_path, select=("PF301",))
    # the literal lives in another file than the command: no fix is offered
    by_path = {f.location.path: f.fix for f in run(tmp_path, select=("PF301",))}
    assert by_path["bin/common.sh"] is None and by_path["bin/b.sh"] is not None


def test_cloudbuild_list_form_and_bash_c_with_substitution_default(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": FIXED_FLOORS,
        "cloudbuild.yaml": """\
            substitutions:
              _MEMORY: 256MB  # expect: PF301
            steps:
              - name: gcr.io/cloud-builders/gcloud
                args: ['functions', 'deploy', 'fn', '--gen2', '--memory', '${_MEMORY}']
              - name: gcr.io/google.com/cloudsdktool/cloud-sdk
                entrypoint: bash
                args:
                  - -c
                  - |
                    gcloud run deploy api --image i \\
                      --memory=256Mi  # expect: PF301
            """,
    })
    assert_marks(tmp_path, select=("PF301",))
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--select", "PF301", "--fix", "--unsafe-fixes"]) == 0
    text = (tmp_path / "cloudbuild.yaml").read_text()
    assert "_MEMORY: 512MB  #" in text and "--memory=512Mi  #" in text


def test_github_actions_run_block(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": FIXED_FLOORS,
        ".github/workflows/deploy.yml": """\
            on: push
            jobs:
              deploy:
                runs-on: ubuntu-latest
                env:
                  MEMORY: 256Mi  # expect: PF301
                steps:
                  - run: gcloud run deploy api --image i --memory "$MEMORY" --set-env-vars A=1  # expect: PF304
            """,
    })
    assert_marks(tmp_path, select=("PF301", "PF304"))


def test_pf302_missing_or_unresolved_memory(tmp_path):
    write_repo(tmp_path, {
        "bin/d.sh": """\
            gcloud run deploy api --image i  # expect: PF302
            gcloud run deploy web --image i --memory "$(cat mem.txt)"  # expect: PF302
            gcloud run deploy job --image i --memory 1Gi
            """,
    })
    assert_marks(tmp_path, select=("PF302",))
    assert [f.message for f in run(tmp_path, select=("PF302",))] == [
        "no --memory for Cloud Run service api: a first deploy gets 512Mi, a redeploy keeps whatever is live",
        "--memory \"$(cat mem.txt)\" for Cloud Run service web is not checked against the floor: "
        "the output of $(cat mem.txt)",
    ]


def test_pf302_is_quiet_on_an_update_that_leaves_the_memory_alone(tmp_path):
    """`gcloud run services|jobs update` never creates a resource and changes only what it names: without
    --memory the live memory stays, so there is no first-deploy default to warn about (nba-stats-scraper:
    17 such infos on env and image updates)."""
    write_repo(tmp_path, {
        "bin/d.sh": """\
            gcloud run services update api --update-env-vars A=1
            gcloud run jobs update nightly --image i
            gcloud run jobs create nightly2 --image i  # expect: PF302
            """,
    })
    assert_marks(tmp_path, select=("PF302",))
    assert [f.message for f in run(tmp_path, select=("PF302",))] == [
        "no --memory for Cloud Run job nightly2: a first deploy gets 512Mi, a redeploy keeps whatever is live",
    ]


def test_pf303_cpu_and_timeouts(tmp_path):
    write_repo(tmp_path, {
        "bin/d.sh": """\
            gcloud run deploy api --image i --memory 9Gi --cpu 2  # expect: PF303
            gcloud run deploy ok --image i --memory 8Gi --cpu 4 --timeout 3600s
            gcloud run deploy slow --image i --memory 1Gi --timeout 61m  # expect: PF303
            gcloud functions deploy ev --gen2 --memory 1Gi --trigger-topic t --timeout 600s  # expect: PF303
            gcloud functions deploy http --gen2 --memory 1Gi --trigger-http --timeout 600s
            gcloud functions deploy old --no-gen2 --memory 1GB --trigger-http --timeout 10m  # expect: PF303
            gcloud run jobs deploy j --image i --memory 1Gi --task-timeout 24h
            gcloud run deploy half --image i --memory 1Gi --cpu 0.25  # expect: PF303
            gcloud run deploy bad --image i --memory 1Gi --timeout soon  # expect: PF303
            """,
    })
    assert_marks(tmp_path, select=("PF303",))
    messages = [f.message for f in run(tmp_path, select=("PF303",))]
    assert messages[0] == "--memory 9Gi (9216 MiB) needs at least 4 CPU on a Cloud Run service; --cpu 2 gives 2"
    assert messages[-1] == "--timeout soon: not a duration: 'soon' (expected seconds, or a value like 540s, 9m, 1h)"


def test_pf304_destructive_flags(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": '[deploy]\nallow-replace = ["legacy-*"]\n',
        "bin/d.sh": """\
            gcloud functions deploy a --gen2 --memory 1Gi --set-env-vars A=1  # expect: PF304
            gcloud run deploy b --image i --memory 1Gi --env-vars-file env.yaml  # expect: PF304
            gcloud run services update c --clear-env-vars  # expect: PF304
            gcloud run jobs deploy d --image i --memory 1Gi --set-secrets K=s:latest  # expect: PF304
            gcloud run jobs update e --clear-secrets  # expect: PF304
            gcloud run jobs create f --image i --memory 1Gi --set-env-vars A=1
            gcloud run deploy legacy-api --image i --memory 1Gi --set-env-vars A=1
            gcloud run deploy g --image i --memory 1Gi --update-env-vars A=1 --update-secrets K=s:1
            gcloud run deploy h --image i --memory 1Gi --set-env-vars A=1 --set-env-vars B=2  # expect: PF304 (once)
            """,
    })
    assert_marks(tmp_path, select=("PF304",))
    assert run(tmp_path, select=("PF304",))[0].message == (
        "--set-env-vars replaces every environment variable already set on function a; use --update-env-vars "
        "(and --remove-env-vars) to change only the keys given")


def test_pf305_conflicts_and_repeated_keys(tmp_path):
    write_repo(tmp_path, {
        "bin/d.sh": """\
            gcloud run deploy a --image i --memory 1Gi \\
              --set-env-vars A=1 \\
              --update-env-vars B=2  # expect: PF305
            gcloud run deploy b --image i --memory 1Gi --update-env-vars B=2 --remove-env-vars C
            gcloud run deploy c --source . --image i --memory 1Gi  # expect: PF305
            gcloud run deploy d --image i --memory 1Gi --set-env-vars A=1 --set-env-vars A=2,B=3  # expect: PF305
            gcloud run deploy e --image i --memory 1Gi --set-env-vars A=1 --set-env-vars B=3
            """,
    })
    assert_marks(tmp_path, select=("PF305",))
    first = run(tmp_path, select=("PF305",))[0]
    assert first.message == ("gcloud rejects --update-env-vars together with --set-env-vars (at most one of: "
                             "--clear-env-vars | --env-vars-file | --set-env-vars | --remove-env-vars + --update-env-vars)")
    assert [str(r.location) for r in first.related] == ["bin/d.sh:2:3"]


def test_a_flag_whose_value_may_split_is_still_given(tmp_path):
    # An unquoted `--name=...$UNSET` splits into words no one can see, but its first word starts
    # with the literal `--name=`: the flag is given (stop 28 triage, syduc993/etl-api-bigquery)
    write_repo(tmp_path, {
        "bin/d.sh": """\
            gcloud run deploy a --image i --memory 1Gi --update-env-vars=A=1 --set-env-vars=B=$X  # expect: PF305
            gcloud run deploy b --image i --memory=$MEM
            """,
    })
    assert_marks(tmp_path, select=("PF305",))
    assert [(f.code, str(f.location)) for f in run(tmp_path, select=("PF302", "PF304"))] == [
        ("PF304", "bin/d.sh:1:66"), ("PF302", "bin/d.sh:2:40")]
    assert "is not checked against the floor" in run(tmp_path, select=("PF302",))[0].message


def test_pf306_unknown_flags(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": '[deploy]\nextra-flags = ["--brand-new"]\n',
        "bin/d.sh": """\
            gcloud run jobs deploy j --image i --memory 1Gi --timeout 600s  # expect: PF306
            gcloud functions deploy f --gen2 --memory 1Gi --entrypoint main  # expect: PF306
            gcloud run deploy s --image i --memory 1Gi --brand-new --project p --quiet
            gcloud beta run deploy s --image i --memory 1Gi --mesh m
            gcloud alpha run deploy s --image i --memory 1Gi --anything-goes  # expect: PF306
            gcloud run deploy s --image i --memory 1Gi --scaling-cpu-target 60  # expect: PF306
            gcloud run services update s --memory 1Gi --allow-unauthenticated  # expect: PF306
            gcloud run deploy s --image i --memory 1Gi --memmory 2Gi --memmory 3Gi  # expect: PF306
            """,
    })
    assert_marks(tmp_path, select=("PF306",))
    sdk = "in Cloud SDK 578.0.0"
    assert [(f.location.line, f.severity.value, f.message) for f in run(tmp_path, select=("PF306",))] == [
        (1, "warning", f"gcloud run jobs deploy does not accept --timeout {sdk}; it is a flag of gcloud run deploy; "
                       "did you mean --task-timeout?"),
        (2, "warning", f"gcloud functions deploy does not accept --entrypoint {sdk}; did you mean --entry-point?"),
        (5, "info", f"gcloud alpha run deploy does not accept --anything-goes {sdk}, the release the flag tables "
                    "describe; a newer gcloud may accept it (if so, list it under [deploy] extra-flags), else it is "
                    "misspelt"),
        (6, "info", f"gcloud run deploy does not accept --scaling-cpu-target {sdk}: in that release only gcloud beta "
                    "run deploy accepts it (beta and alpha); a newer release may accept it here too, else add `beta` "
                    "after gcloud"),
        (7, "warning", f"gcloud run services update does not accept --allow-unauthenticated {sdk}; it is a flag of "
                       "gcloud run deploy"),
        (8, "warning", f"gcloud run deploy does not accept --memmory {sdk}; did you mean --memory?"),
    ]


def test_pf306_flags_accepted_by_the_current_sdk(tmp_path):
    # issue 12, cause 1: GA `run jobs create` takes the update/remove/clear env and secret flags
    # since Cloud SDK 517.0.0; `run jobs deploy` takes --update-env-vars and --update-secrets.
    write_repo(tmp_path, {
        "bin/d.sh": """\
            gcloud run jobs create j --image i --memory 1Gi --update-env-vars A=1 --remove-env-vars B
            gcloud run jobs create j --image i --memory 1Gi --update-secrets S=s:1 --remove-secrets T
            gcloud run jobs create j --image i --memory 1Gi --clear-env-vars --clear-secrets
            gcloud run jobs deploy j --image i --memory 1Gi --update-env-vars A=1 --update-secrets S=s:1
            gcloud run jobs update j --memory 1Gi --update-env-vars A=1 --remove-secrets T
            gcloud beta run jobs create j --image i --memory 1Gi --update-env-vars A=1
            """,
    })
    assert run(tmp_path, select=("PF306",)) == []


def test_pf307_policy(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """\
            [deploy.policy."*-orchestrator"]
            min-instances = { at-least = 1 }
            max-instances = { at-most = 10 }
            timeout = { at-most = "540s" }
            """,
        "bin/d.sh": """\
            MIN=0
            gcloud functions deploy a-orchestrator --gen2 --memory 1Gi --min-instances $MIN --timeout 540s
            gcloud functions deploy b-orchestrator --gen2 --memory 1Gi --min-instances 1 --max-instances 50  # expect: PF307
            gcloud functions deploy c-orchestrator --gen2 --memory 1Gi --timeout 9m1s  # expect: PF307
            gcloud functions deploy other --gen2 --memory 1Gi --min-instances 0
            """,
    })
    got = found(tmp_path, select=("PF307",))
    assert got == [("PF307", "bin/d.sh:1"), ("PF307", "bin/d.sh:3"), ("PF307", "bin/d.sh:4")]
    findings = run(tmp_path, select=("PF307",))
    assert findings[0].message == ('--min-instances 0 for function a-orchestrator is below 1, the least '
                                   'deploy.policy."*-orchestrator" allows')
    assert [str(r.location) for r in findings[0].related] == ["bin/d.sh:2:60"]
    assert findings[2].message == ('--timeout 9m1s for function c-orchestrator is above 540s, the most '
                                   'deploy.policy."*-orchestrator" allows')


def test_unknown_values_are_not_guessed(tmp_path):
    write_repo(tmp_path, {
        "bin/d.sh": """\
            if [ "$ENV" = prod ]; then MEMORY=1Gi; else MEMORY=256Mi; fi
            gcloud run deploy api --image i --memory "$MEMORY"  # expect: PF302
            """,
    })
    assert_marks(tmp_path, select=("PF301", "PF302", "PF303"))
    assert run(tmp_path, select=("PF302",))[0].message.endswith("$MEMORY depends on which branch runs (line 1)")


def test_function_body_reported_for_each_deployed_name(tmp_path):
    write_repo(tmp_path, {
        "bin/d.sh": """\
            deploy() {
              gcloud run deploy "$1" --image i --memory 1Gi --set-env-vars A=1  # expect: PF304 PF304
            }
            deploy api
            deploy web
            """,
    })
    assert_marks(tmp_path, select=("PF304",))


# -- memory floors that follow evidence (issue 12, cause 8; corpus F10) ------------------------------
SMALL = {"fn/requirements.txt": "google-cloud-storage\nrequests\n",
         "fn/main.py": "from google.cloud import storage\nimport requests\n\n\ndef run(request):\n    return 'ok'\n"}


def test_a_small_function_at_256MB_is_fine(tmp_path):
    write_repo(tmp_path, {**SMALL, "deploy.sh": (
        "gcloud functions deploy freshness-monitor --gen2 --runtime python311 --trigger-http --entry-point run "
        "--source fn --memory 256MB\n")})
    assert run(tmp_path, select=("PF301",)) == []


def test_a_deploy_whose_source_folder_is_gone_says_nothing_about_memory(tmp_path):
    write_repo(tmp_path, {**SMALL, "deploy.sh": (
        "gcloud functions deploy freshness-monitor --gen2 --runtime python311 --trigger-http --entry-point run "
        "--source orchestration/cloud_functions/gone --memory 256MB\n")})
    assert run(tmp_path, select=("PF301",)) == []


def test_heavy_clients_anywhere_in_the_closure_give_the_512MB_floor(tmp_path):
    write_repo(tmp_path, {
        "fn/requirements.txt": "google-cloud-bigquery\n",
        "fn/main.py": "from shared.alerts import send\n\n\ndef run(request):\n    return send()\n",
        "fn/shared/__init__.py": "",
        "fn/shared/alerts.py": "def send():\n    from shared import store\n    return store.save()\n",
        "fn/shared/store.py": "from google.cloud import bigquery\n\n\ndef save():\n    return bigquery.Client()\n",
        "deploy.sh": "gcloud functions deploy alerts --gen2 --runtime python311 --trigger-http --entry-point run "
                     "--source fn --memory 256MB  # expect: PF301\n",
    })
    assert_marks(tmp_path, select=("PF301",))
    [finding] = run(tmp_path, select=("PF301",))
    assert finding.message == (
        "--memory 256MB is 244.1 MiB on a 2nd gen function, sent as 256M; the floor for function alerts is 512MB "
        "(488.3 MiB, default for functions that load a heavy client: google.cloud.bigquery, imported at "
        "fn/shared/store.py:1)")
    assert [(str(r.location), r.message) for r in finding.related] == [
        ("fn/shared/store.py:1:1", "this import loads a heavy client")]


def test_imports_that_never_run_or_may_be_absent_are_no_evidence(tmp_path):
    write_repo(tmp_path, {
        "fn/requirements.txt": "requests\n",
        "fn/main.py": """\
            from typing import TYPE_CHECKING
            try:
                import pandas
            except ImportError:
                pandas = None
            if TYPE_CHECKING:
                from google.cloud import bigquery


            def run(request):
                return 'ok'
            """,
        "deploy.sh": "gcloud functions deploy small --gen2 --runtime python311 --trigger-http --entry-point run "
                     "--source fn --memory 256MB\n",
    })
    assert run(tmp_path, select=("PF301",)) == []


def test_an_import_in_try_except_counts_when_the_requirements_install_it(tmp_path):
    write_repo(tmp_path, {
        "fn/requirements.txt": "-r requirements-base.txt\n",
        "fn/requirements-base.txt": "google-cloud-bigquery==3.*\n",
        "fn/main.py": """\
            def check():
                try:
                    from google.cloud import bigquery
                    return bigquery.Client().query('SELECT 1').result()
                except Exception:
                    return None


            def run(request):
                return check()
            """,
        "deploy.sh": "gcloud functions deploy live-freshness-monitor --no-gen2 --runtime python311 --trigger-http "
                     "--entry-point run --source fn --memory 256MB  # expect: PF301\n",
    })
    assert_marks(tmp_path, select=("PF301",))


def test_platform_minimums_without_evidence(tmp_path):
    write_repo(tmp_path, {**SMALL, "deploy.sh": """\
        gcloud functions deploy tiny --gen2 --runtime python311 --trigger-http --entry-point run --source fn --memory 100MB  # expect: PF301
        gcloud functions deploy old --no-gen2 --runtime python311 --trigger-http --entry-point run --source fn --memory 128MB
        gcloud run deploy api --image gcr.io/p/api --memory 256Mi
        gcloud run deploy api2 --image gcr.io/p/api --memory 256Mi --execution-environment gen2  # expect: PF301
        gcloud run jobs deploy nightly --image gcr.io/p/job --memory 256Mi  # expect: PF301
        """})
    assert_marks(tmp_path, select=("PF301",))
    assert [f.message.split("; ", 1)[1] for f in run(tmp_path, select=("PF301",))] == [
        "the floor for function tiny is 128MB (122.1 MiB, the platform minimum for functions: its imports load no "
        "heavy client)",
        "the floor for Cloud Run service api2 is 512MiB (512 MiB, the minimum of the 2nd gen execution environment)",
        "the floor for Cloud Run job nightly is 512MiB (512 MiB, the minimum for Cloud Run jobs, which run in the "
        "2nd gen execution environment)",
    ]


def test_a_service_built_from_its_dockerfile_is_judged_by_the_image_imports(tmp_path):
    write_repo(tmp_path, {
        "svc/requirements.txt": "flask\ngunicorn\ngoogle-cloud-bigquery\n",
        "svc/main.py": "from flask import Flask\nfrom google.cloud import bigquery\n\napp = Flask(__name__)\n",
        "svc/Dockerfile": "FROM python:3.11-slim\nWORKDIR /app\nCOPY . ./\nRUN pip install -r requirements.txt\n"
                          "CMD exec gunicorn --bind :$PORT main:app\n",
        "deploy.sh": "gcloud run deploy api --source svc --region us-central1 --memory 256Mi  # expect: PF301\n",
    })
    assert_marks(tmp_path, select=("PF301",))


def test_configured_floors_win_over_evidence(tmp_path):
    write_repo(tmp_path, {**SMALL, "preflight.toml": '[memory]\nfunction-floor = "512MB"\n', "deploy.sh": (
        "gcloud functions deploy freshness-monitor --gen2 --runtime python311 --trigger-http --entry-point run "
        "--source fn --memory 256MB  # expect: PF301\n")})
    assert_marks(tmp_path, select=("PF301",))


# -- --flags-file (corpus F6f) ----------------------------------------------------------------------
FLAGS_LOOP = """\
    for d in functions/*; do
      pushd "$d"
      name=$(basename "$d")
      gcloud functions deploy "$name" --flags-file=deploy-flags.yml
      popd
    done
    """


def test_flags_file_in_the_repository_is_read_where_the_command_runs(tmp_path):
    write_repo(tmp_path, {
        "functions/hello/main.py": "from google.cloud import bigquery\n\n\ndef main(request):\n    return 'ok'\n",
        "functions/hello/requirements.txt": "google-cloud-bigquery\n",
        "functions/hello/deploy-flags.yml": """\
            --entry-point: main
            --runtime: python311
            --memory: 256MB  # expect: PF301
            --trigger-http:
            --memmory: 1GB  # expect: PF306
            """,
        "ci/deploy-functions.sh": FLAGS_LOOP,
    })
    assert_marks(tmp_path, select=("PF301", "PF302", "PF306"))
    [finding] = run(tmp_path, select=("PF301",))
    assert finding.message.startswith("--memory 256MB is 244.1 MiB on a 2nd gen function (the default for new "
                                      "functions), sent as 256M; the floor for this function is 512MB (488.3 MiB, default for functions that load a heavy "
                                      "client: google.cloud.bigquery, imported at functions/hello/main.py:1)")


def test_flags_file_sets_the_memory_so_pf302_is_quiet(tmp_path):
    write_repo(tmp_path, {
        "functions/hello/main.py": "def main(request):\n    return 'ok'\n",
        "functions/hello/deploy-flags.yml": "--entry-point: main\n--runtime: python311\n--memory: 512MB\n--trigger-http:\n",
        "ci/deploy.sh": "cd functions/hello\ngcloud functions deploy hello --flags-file=deploy-flags.yml\n",
    })
    assert run(tmp_path, select=("PF301", "PF302", "PF306")) == []


def test_flags_file_that_cannot_be_told_apart_or_found_makes_the_memory_unknown(tmp_path):
    write_repo(tmp_path, {
        "functions/a/deploy-flags.yml": "--memory: 512MB\n",
        "functions/b/deploy-flags.yml": "--memory: 1GB\n",
        "ci/deploy-functions.sh": FLAGS_LOOP,
        "ci/other.sh": "gcloud functions deploy x --flags-file=gone.yml  # expect: PF302\n",
    })
    assert [(str(f.location), f.message) for f in run(tmp_path, select=("PF302",))] == [
        ("ci/deploy-functions.sh:4:35", "--memory for this function is not known: its flags come from "
         "--flags-file=deploy-flags.yml, and deploy-flags.yml is one of 2 files of that name "
         "(functions/a/deploy-flags.yml, functions/b/deploy-flags.yml); which one depends on the directory the "
         "command runs in, which is not known here"),
        ("ci/other.sh:1:27", "--memory for function x is not known: its flags come from --flags-file=gone.yml, and "
         "gone.yml is not in the repository"),
    ]
