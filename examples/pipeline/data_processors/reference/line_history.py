"""Yesterday's prop lines, copied into the line history with the time they were archived."""

from datetime import datetime, timezone

from google.cloud import bigquery

from data_processors.reference.base import ReferenceProcessorBase


def _archived_at():
    return datetime.now(timezone.utc)


class LineHistoryProcessor(ReferenceProcessorBase):
    table_name = "line_history"

    def __init__(self, bq_client):
        super().__init__()
        self.bq_client = bq_client

    def transform(self, payload):
        job_config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter("game_date", "DATE", payload["game_date"])]
        )
        query = self.bq_client.query(
            "SELECT player_lookup, line_value FROM nba_predictions.player_prop_predictions WHERE game_date = @game_date",
            job_config=job_config,
        )
        for line in query.result():
            self.rows.append({
                "player_lookup": line.player_lookup,
                "line_value": line.line_value,
                "archived_at": _archived_at(),
            })
