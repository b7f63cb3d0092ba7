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
}


def test_seed_script_gives_pf301_at_the_assignment_with_the_flag_related(tmp_path):
    write_repo(tmp_path, SEED)
    [finding] = run(tmp_path, select=("PF301",))
    assert str(finding.location) == "bin/orchestrators/deploy_phase2.sh:5:9"
    assert finding.message == ("--memory 256MB is 244.1 MiB on a 2nd gen function, sent as 256M; the floor for "
                               "function phase2-to-phase3-orchestrator is 512MB (488.3 MiB, default for functions)")
    assert [(str(r.location), r.message) for r in finding.related] == [
        ("bin/orchestrators/deploy_phase2.sh:8:3", "--memory $MEMORY uses it here")]


def test_the_seed_fix_512MB_satisfies_the_default_function_floor(tmp_path):
    write_repo(tmp_path, {"bin/d.sh": SEED["bin/orchestrators/deploy_phase2.sh"].replace('"256MB"', '"512MB"')})
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
    write_repo(tmp_path, {"bin/d.sh": f"{line}\ngcloud functions deploy fn {flags} --memory $MEMORY\n"})
    assert [c for c, _ in found(tmp_path, select=("PF301", "PF303"))] == expected


@pytest.mark.parametrize("command", ["run deploy api --image i", "run jobs deploy job --image i"])
@pytest.mark.parametrize("memory, expected", [
    ("512Mi", []), ("1Gi", []), ("511Mi", ["PF301"]), ("512M", ["PF301"]), ("537M", []),
    ("512MB", ["PF303"]), ("1GB", ["PF303"]), ("64Gi", ["PF303"]),
])
def test_cloud_run_memory_units(tmp_path, command, memory, expected):
    write_repo(tmp_path, {"bin/d.sh": f"gcloud {command} --memory {memory}\n"})
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


def test_pf306_unknown_flags(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": '[deploy]\nextra-flags = ["--brand-new"]\n',
        "bin/d.sh": """\
            gcloud run jobs deploy j --image i --memory 1Gi --timeout 600s  # expect: PF306
            gcloud functions deploy f --gen2 --memory 1Gi --entrypoint main  # expect: PF306
            gcloud run deploy s --image i --memory 1Gi --brand-new --project p --quiet
            gcloud beta run deploy s --image i --memory 1Gi --mesh m
            gcloud alpha run deploy s --image i --memory 1Gi --anything-goes
            gcloud run jobs create j --image i --memory 1Gi --update-env-vars A=1  # expect: PF306
            """,
    })
    assert_marks(tmp_path, select=("PF306",))
    assert run(tmp_path, select=("PF306",))[1].message == (
        "gcloud functions deploy does not accept --entrypoint; did you mean --entry-point?")


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
