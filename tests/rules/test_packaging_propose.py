"""What `preflight init` proposes for [packaging]: no keys, the units found, and a flag on a
function folder no deploy command uploads."""

import tomllib

from gcp_preflight.config import validate
from gcp_preflight.rules.packaging.propose import propose_packaging_config
from tests.helpers import project_at, write_repo

REPO = {
    "functions/ingest/main.py": "def ingest(request):\n    return 'ok'\n",
    "functions/ingest/requirements.txt": "flask\n",
    "functions/orphan/main.py": "x = 1\n",
    "functions/orphan/requirements.txt": "\n",
    "services/api/Dockerfile": 'FROM python:3.12-slim\nCOPY services/api/ /app/\nCMD ["python", "/app/main.py"]\n',
    "services/api/main.py": "print(1)\n",
    "services/static/Dockerfile": "FROM nginx:1.25\nCOPY site/ /usr/share/nginx/html/\n",
    "bin/deploy.sh": """
        #!/bin/bash
        gcloud functions deploy ingest --gen2 --runtime python312 --source functions/ingest --entry-point ingest --memory 512MB
        gcloud run deploy api --image gcr.io/p/api --memory 512Mi
        """,
}


def test_units_found_and_a_folder_nothing_deploys(tmp_path):
    write_repo(tmp_path, REPO)
    text = propose_packaging_config(project_at(tmp_path), prefix="")
    assert text == (
        "# [packaging]: will each function, service and job import once deployed (PF2xx)?\n"
        "# Units are read from the deploy commands and Dockerfiles, so none is configured here.\n"
        "# Units found (3):\n"
        "#   function ingest  (bin/deploy.sh:2, runs functions/ingest/main.py, python312)\n"
        "#   image services/api/Dockerfile  (services/api/Dockerfile:3, runs services/api/main.py, python:3.12-slim)\n"
        "#   image services/static/Dockerfile  (services/static/Dockerfile:1, no Python entry module found)\n"
        "# functions/orphan/ has main.py and requirements.txt, but no deploy command uploads it. If it\n"
        "# is deployed some other way, describe it so its imports are checked:\n"
        "# [[packaging.units]]\n"
        '# source = "functions/orphan"\n'
        "# Deployed from a built --image, so checked through their Dockerfile (if it is in the repository):\n"
        "#   service api  (bin/deploy.sh:3)\n")
    assert tomllib.loads(text) == {}  # comments only: nothing changes what is checked
    validate(tomllib.loads(text.replace("# [[", "[[").replace("# source", "source")),
             "the commented unit, uncommented", "")


def test_nothing_found_means_nothing_proposed(tmp_path):
    write_repo(tmp_path, {"lib/util.py": "x = 1\n"})
    assert propose_packaging_config(project_at(tmp_path), prefix="") == ""
