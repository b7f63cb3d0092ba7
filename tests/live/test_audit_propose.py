"""What `preflight init` proposes for [audit]: the one project the deploy commands name, the
inventory files in the repository, and the regions as a comment (the audit reads them itself)."""

import json

from gcp_preflight.rules.live.propose import propose_audit_config
from tests.helpers import project_at, write_repo

FUNCTION = {"name": "projects/acme-prod/locations/europe-west1/functions/ingest-orchestrator", "environment": "GEN_2",
            "serviceConfig": {"availableMemory": "512Mi"}, "state": "ACTIVE"}
DEPLOY = """
    #!/bin/bash
    PROJECT=acme-prod
    gcloud functions deploy ingest-orchestrator --gen2 --project $PROJECT --region europe-west1 --memory 512MB
    gcloud run deploy api --image gcr.io/acme-prod/api --project acme-prod --region us-central1 --memory 512Mi
    """


def test_project_inventory_folder_and_regions(tmp_path):
    write_repo(tmp_path, {
        "bin/deploy.sh": DEPLOY,
        "inventory/functions.json": json.dumps([FUNCTION]),
        "inventory/services.json": json.dumps({"services": [], "functions": [FUNCTION]}),
        "schemas/events.json": '[{"name": "id", "type": "STRING"}]',  # a BigQuery schema, not an inventory
        "inventory/broken.json.txt": "[",
    })
    assert propose_audit_config(project_at(tmp_path), prefix="") == (
        "# [audit]: the live audit (`preflight audit`, `preflight validate-all`) compares what is\n"
        "# deployed with the deploy commands and the memory floors (PF9xx).\n"
        "# Every deploy command that names a project names acme-prod (bin/deploy.sh:3, bin/deploy.sh:4).\n"
        'project = "acme-prod"\n'
        "# Regions: the deploy commands name europe-west1, us-central1, which the audit lists by default (read\n"
        "# afresh on every run), so they are not pinned here:\n"
        '# regions = ["europe-west1", "us-central1"]\n'
        "# 2 gcloud inventory files (1 resource of project acme-prod): audited instead of calling Google;\n"
        "# remove `inventory` to audit the live project.\n"
        'inventory = ["inventory/*.json"]\n')


def test_inventory_files_listed_when_their_folder_holds_other_json(tmp_path):
    write_repo(tmp_path, {
        "ops/live.json": json.dumps([FUNCTION]),
        "ops/settings.json": '{"retries": 3}',
    })
    assert propose_audit_config(project_at(tmp_path), prefix="").splitlines()[2:] == [
        "# No deploy command names its --project: give --project, or set GOOGLE_CLOUD_PROJECT.",
        "# 1 gcloud inventory file (1 resource of project acme-prod): audited instead of calling Google;",
        "# remove `inventory` to audit the live project.",
        'inventory = ["ops/live.json"]']


def test_several_projects_are_not_chosen_between(tmp_path):
    write_repo(tmp_path, {"deploy.sh": """
        gcloud run deploy api --image x --project acme-prod --region us-central1
        gcloud run deploy api --image x --project acme-staging --region us-central1
        """})
    assert propose_audit_config(project_at(tmp_path), prefix="").splitlines()[2] == (
        "# The deploy commands name several projects, so none is proposed: acme-prod (deploy.sh:1); "
        "acme-staging (deploy.sh:2)")


def test_nothing_to_audit_nothing_proposed(tmp_path):
    write_repo(tmp_path, {"main.py": "x = 1\n"})
    assert propose_audit_config(project_at(tmp_path), prefix="") == ""
