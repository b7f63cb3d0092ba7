"""Write a large synthetic pipeline repository for benchmarks: `python benchmarks/generate.py DIR [--functions N]`."""

from __future__ import annotations

import argparse
from pathlib import Path

SHARED_MODULE = '''"""Shared helpers {i}."""
import json
import logging
from datetime import datetime, timezone

from shared.config.settings import PROJECT_ID

LOGGER = logging.getLogger(__name__)
TABLE_{i} = f"{{PROJECT_ID}}.analytics.table_{i}"


def build_row_{i}(record: dict) -> dict:
    return {{
        "id": record["id"],
        "created_at": datetime.now(timezone.utc).isoformat(),
        "metadata": json.dumps(record.get("metadata", {{}})),
    }}


class Processor{i}:
    processor_name = "p2_processor_{i}"

    def run(self, records):
        return [build_row_{i}(r) for r in records]
'''

MAIN = '''import functions_framework

from shared.utils import helpers_0


@functions_framework.cloud_event
def handle(cloud_event):
    data = cloud_event.data
    return helpers_0.build_row_0(data)
'''

DEPLOY = '''#!/usr/bin/env bash
set -euo pipefail
FUNCTION_NAME="fn-{i}-orchestrator"
SOURCE_DIR="functions/fn_{i}"
MEMORY="${{MEMORY:-512MB}}"
REGION="us-central1"
gcloud functions deploy "$FUNCTION_NAME" \\
  --gen2 --runtime python311 --region "$REGION" \\
  --source "$SOURCE_DIR" --entry-point handle \\
  --trigger-topic "topic-{i}" --memory "$MEMORY" \\
  --update-env-vars "PHASE={i}"
'''


def generate(root: Path, functions: int, shared_modules: int) -> int:
    files = 0

    def write(rel: str, text: str) -> None:
        nonlocal files
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files += 1

    write("shared/__init__.py", "")
    write("shared/config/__init__.py", "")
    write("shared/config/settings.py", 'PROJECT_ID = "demo-project"\n')
    write("shared/utils/__init__.py", "".join(f"from shared.utils import helpers_{i}\n" for i in range(shared_modules)))
    for i in range(shared_modules):
        write(f"shared/utils/helpers_{i}.py", SHARED_MODULE.format(i=i))
    scrapers = "".join(f'  scraper_{i}:\n    module: scrapers.s{i}\n    processor_name: "p2_processor_{i}"\n'
                       for i in range(shared_modules))
    write("config/workflows.yaml", "scrapers:\n" + scrapers)
    for f in range(functions):
        base = f"functions/fn_{f}"
        write(f"{base}/main.py", MAIN)
        write(f"{base}/requirements.txt", "functions-framework==3.*\ngoogle-cloud-bigquery\n")
        write(f"{base}/shared/__init__.py", "")
        write(f"{base}/shared/config/__init__.py", "")
        write(f"{base}/shared/config/settings.py", 'PROJECT_ID = "demo-project"\n')
        write(f"{base}/shared/utils/__init__.py", "from shared.utils import helpers_0\n")
        write(f"{base}/shared/utils/helpers_0.py", SHARED_MODULE.format(i=0))
        write(f"bin/deploy_fn_{f}.sh", DEPLOY.format(i=f))
    return files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--functions", type=int, default=200)
    parser.add_argument("--shared-modules", type=int, default=100)
    args = parser.parse_args()
    count = generate(args.root, args.functions, args.shared_modules)
    print(f"wrote {count} files under {args.root}")


if __name__ == "__main__":
    main()
