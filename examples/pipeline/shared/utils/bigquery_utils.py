"""BigQuery helpers shared by processors and orchestrators."""

import logging
import os

from google.cloud import bigquery

logger = logging.getLogger(__name__)

_client = None


def get_bigquery_client(project_id=None):
    """Return a process-wide BigQuery client."""
    global _client
    if _client is None:
        _client = bigquery.Client(project=project_id or os.environ.get("GCP_PROJECT", "nba-props-platform"))
    return _client


def insert_bigquery_rows(table_id, rows, client=None):
    """Stream rows into table_id with the insertAll API.

    Values must already be JSON-serialisable: JSON columns as json.dumps(...)
    strings, DATE and TIMESTAMP columns as ISO strings, NUMERIC as float or str.
    Returns True when every row was accepted.
    """
    if not rows:
        return True
    client = client or get_bigquery_client()
    errors = client.insert_rows_json(table_id, rows)
    if errors:
        logger.error("insert into %s failed for %d rows: %s", table_id, len(errors), errors[:5])
        return False
    return True
