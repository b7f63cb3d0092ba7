"""ProcessorBase: the common life cycle of Phase 2, 3 and 4 processors.

A processor loads one unit of work (a raw file or a game date) into BigQuery,
then publishes a completion message that the phase orchestrator counts.
"""

import logging
import os

from google.cloud import bigquery

from shared.utils.bigquery_utils import get_bigquery_client
from shared.utils.pubsub_utils import publish_message

logger = logging.getLogger(__name__)


class ProcessorBase:
    """Subclasses set processor_name, dataset_id, table_name and process()."""

    processor_name = ""
    dataset_id = "nba_raw"
    table_name = ""
    completion_topic = "nba-phase2-raw-complete"

    def __init__(self, project_id=None):
        self.project_id = project_id or os.environ.get("GCP_PROJECT", "nba-props-platform")
        self.bq_client = get_bigquery_client(self.project_id)

    @property
    def table_id(self):
        return f"{self.project_id}.{self.dataset_id}.{self.table_name}"

    def process(self, payload, game_date, source_file_path=""):
        """Load the work unit and return the number of rows written."""
        raise NotImplementedError

    def run(self, payload, game_date, source_file_path=""):
        row_count = self.process(payload, game_date, source_file_path)
        self.publish_completion(game_date, row_count)
        return row_count

    def publish_completion(self, game_date, row_count):
        publish_message(self.completion_topic, {
            "processor": type(self).__name__,
            "processor_name": self.processor_name,
            "game_date": game_date,
            "rows": row_count,
            "status": "success",
        }, project_id=self.project_id)
        logger.info("%s wrote %d rows for %s", self.processor_name, row_count, game_date)

    def _query_job(self, sql, game_date):
        job_config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter("game_date", "DATE", game_date)]
        )
        return self.bq_client.query(sql, job_config=job_config)

    def run_query(self, sql, game_date):
        """Run a SELECT parameterised by @game_date and return its rows."""
        return self._query_job(sql, game_date).result()

    def run_dml(self, sql, game_date):
        """Run a MERGE or INSERT parameterised by @game_date; return rows affected."""
        job = self._query_job(sql, game_date)
        job.result()
        return job.num_dml_affected_rows or 0
