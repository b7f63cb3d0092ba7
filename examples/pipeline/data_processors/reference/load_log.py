"""One row per reference load, in the orchestration dataset (names overridable per environment)."""

import os
from datetime import datetime, timezone

from shared.utils.bigquery_utils import insert_bigquery_rows


def log_reference_load(processor_name, rows_written):
    dataset = os.environ.get("ORCHESTRATION_DATASET", "nba_orchestration")
    table = os.environ.get("REFERENCE_LOAD_LOG_TABLE", "reference_load_log")
    row = {
        "processor_name": processor_name,
        "row_count": rows_written,
        "loaded_at": datetime.now(timezone.utc).isoformat(),
    }
    return insert_bigquery_rows(f"{dataset}.{table}", [row])
