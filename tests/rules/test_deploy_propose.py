"""What `preflight init` proposes for [memory] and [deploy]: keys only where the deploy commands
agree, comments naming the evidence, and a proposal that is valid config with the findings it
promises."""

from gcp_preflight.rules.deploy.propose import distinct_commands, name_groups, propose_deploy_config, propose_memory_config
from tests.helpers import found, project_at, write_repo

WORKERS = {"bin/deploy.sh": """
    #!/bin/bash
    gcloud run deploy ingest-worker --image gcr.io/p/a --region us-central1 --memory 1Gi --min-instances 1
    gcloud run deploy score-worker --image gcr.io/p/b --region us-central1 --memory 2Gi --min-instances 2
    gcloud run deploy export-worker --image gcr.io/p/c --region us-central1 --memory 1536Mi --min-instances 0
    gcloud functions deploy orders-api --gen2 --region us-central1 --memory 512MB --min-instances 1
    gcloud functions deploy users-api --gen2 --region us-central1 --memory 1GB
    gcloud functions deploy cleanup --gen2 --region us-central1 --memory 1GB
    """}


def test_memory_floor_for_a_glob_whose_commands_all_deploy_more(tmp_path):
    write_repo(tmp_path, WORKERS)
    assert propose_memory_config(project_at(tmp_path), prefix="") == (
        "# [memory]: memory floors for PF301 (deploy commands) and PF901 (the live audit).\n"
        "# A floor is one byte count on every platform (SI units decimal, IEC binary); these are the\n"
        "# defaults, written out to be changed.\n"
        'function-floor = "512MB"   # 512,000,000 bytes = 488.3 MiB; decimal, so a 2nd gen "512MB" (sent as 512M) passes\n'
        "#   functions: 3 deploy commands (1GB x2, 512MB)\n"
        'service-floor = "512MiB"   # 536,870,912 bytes = 512 MiB; Cloud Run\'s own default\n'
        "#   Cloud Run services: 3 deploy commands (1536Mi, 1Gi, 2Gi)\n"
        'job-floor = "512MiB"   # 536,870,912 bytes = 512 MiB; Cloud Run\'s own default\n'
        "# *-api (2 commands): no floor proposed, bin/deploy.sh:5 sets --memory 512MB, not above the default floor\n"
        "# *-worker (3 commands): every one sets more than the default floor: bin/deploy.sh:2 (1Gi), "
        "bin/deploy.sh:3 (2Gi), bin/deploy.sh:4 (1536Mi)\n"
        'floors = { "*-worker" = "1GiB" }   # deployed-name glob -> floor; the most specific glob wins\n')


def test_deploy_policy_where_most_commands_of_a_glob_keep_a_warm_instance(tmp_path):
    write_repo(tmp_path, WORKERS)
    text = propose_deploy_config(project_at(tmp_path), prefix="")
    assert text == (
        "# [deploy]: deploy-command checks (PF3xx).\n"
        "# 6 deploy commands found: 6 in shell scripts.\n"
        "# A policy (PF307) bounds --min-instances, --max-instances or --timeout for a deployed-name glob;\n"
        "# one is proposed only when most commands of the glob already follow it.\n"
        "# *-api (2 commands): 1 sets --min-instances 1 or more (bin/deploy.sh:5 sets 1): too few for a policy, none proposed\n"
        "# *-worker (3 commands): 2 set --min-instances 1 or more (bin/deploy.sh:2 sets 1, bin/deploy.sh:3 sets 2, "
        "bin/deploy.sh:4 sets 0)\n"
        "\n"
        '[deploy.policy."*-worker"]\n'
        "min-instances = { at-least = 1 }\n")
    # Written as config, the policy reports the one command that breaks it, and nothing else changes.
    before = found(tmp_path)
    (tmp_path / "preflight.toml").write_text(text + "[memory]\n" + propose_memory_config(project_at(tmp_path), prefix=""),
                                            encoding="utf-8")
    assert sorted(set(found(tmp_path)) - set(before)) == [("PF307", "bin/deploy.sh:4")]
    assert set(before) <= set(found(tmp_path))


def test_no_policy_without_evidence_only_a_commented_hint(tmp_path):
    write_repo(tmp_path, {"deploy.sh": """
        gcloud functions deploy a-orchestrator --gen2 --region us-central1 --memory 512MB --min-instances 0
        gcloud functions deploy b-orchestrator --gen2 --region us-central1 --memory 512MB
        gcloud functions deploy c-orchestrator --gen2 --region us-central1 --memory 512MB
        gcloud functions deploy solo --gen2 --region us-central1 --memory 512MB --min-instances 3
        """})
    text = propose_deploy_config(project_at(tmp_path), prefix="")
    assert text.splitlines()[4:] == [
        "# *-orchestrator (3 commands): 0 set --min-instances 1 or more (deploy.sh:1 sets 0): too few for a policy, "
        "none proposed",
        "# If every *-orchestrator should keep a warm instance, uncomment:",
        '# [deploy.policy."*-orchestrator"]',
        "# min-instances = { at-least = 1 }"]


def test_a_name_alone_or_unknown_makes_no_glob(tmp_path):
    write_repo(tmp_path, {"deploy.sh": """
        gcloud run deploy api-worker --image x --region us-central1
        gcloud run deploy api-worker --image y --region europe-west1
        gcloud run deploy "$NAME" --image z --region us-central1
        """})
    assert name_groups(distinct_commands(project_at(tmp_path))) == {}
    assert propose_deploy_config(project_at(tmp_path), prefix="").endswith(
        "# No two deployed names share a suffix (like *-orchestrator), so no policy is proposed.\n")


def test_nothing_to_propose_without_deploy_commands(tmp_path):
    write_repo(tmp_path, {"main.py": "x = 1\n"})
    assert propose_deploy_config(project_at(tmp_path), prefix="") == ""
    assert "\nfloors = {" not in propose_memory_config(project_at(tmp_path), prefix="")
