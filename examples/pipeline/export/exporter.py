"""Phase 6 export job (Cloud Run job): the day's predictions as one JSON file."""

import json
import logging
import os
import sys
from datetime import date, datetime
from decimal import Decimal

from google.cloud import bigquery, storage

from export.report import ExportReportClient, ExportStatus

logger = logging.getLogger(__name__)

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
EXPORT_BUCKET = os.environ.get("EXPORT_BUCKET", "nba-props-exports")

EXPORT_QUERY = """
SELECT player_lookup, game_id, game_date, prop_type, line_value, predicted_value,
       confidence_score, recommendation, created_at
FROM `{project}.nba_predictions.player_prop_predictions`
WHERE game_date = @game_date AND recommendation != 'PASS'
ORDER BY confidence_score DESC
"""


def _json_default(value):
    """NUMERIC columns come back as Decimal, DATE and TIMESTAMP as date/datetime."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def export_predictions(game_date):
    started = datetime.now()
    client = bigquery.Client(project=PROJECT_ID)
    job_config = bigquery.QueryJobConfig(
        query_parameters=[bigquery.ScalarQueryParameter("game_date", "DATE", game_date)]
    )
    results = client.query(EXPORT_QUERY.format(project=PROJECT_ID), job_config=job_config).result()
    predictions = [dict(row.items()) for row in results]
    body = json.dumps({"game_date": game_date, "predictions": predictions}, default=_json_default)
    blob = storage.Client(project=PROJECT_ID).bucket(EXPORT_BUCKET).blob(f"predictions/{game_date}.json")
    blob.cache_control = "public, max-age=300"
    blob.upload_from_string(body, content_type="application/json")
    from datetime import datetime, timezone
    logger.info("export took %s (finished %s)", datetime.now() - started, datetime.now(timezone.utc).isoformat())
    return len(predictions)


def main():
    logging.basicConfig(level=logging.INFO)
    game_date = os.environ.get("EXPORT_DATE") or date.today().isoformat()
    count = export_predictions(game_date)
    logger.info("exported %d predictions for %s", count, game_date)
    status = ExportStatus.SUCCEEDED if count else ExportStatus.EMPTY
    reports = ExportReportClient(os.environ.get("EXPORT_CHANNEL", "#nba-exports"))
    reports.send_report(game_date, count, status)
    return 0


if __name__ == "__main__":
    sys.exit(main())
