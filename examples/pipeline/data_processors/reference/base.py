"""Reference-data processors: each subclass names its table and builds rows in transform();
the base class writes whatever transform() left in self.rows."""

from shared.utils.bigquery_utils import insert_bigquery_rows


class ReferenceProcessorBase:
    dataset_id = "nba_reference"
    table_name = ""

    def __init__(self):
        self.rows = []

    def transform(self, payload):
        raise NotImplementedError

    def save(self, payload):
        self.transform(payload)
        return insert_bigquery_rows(f"{self.dataset_id}.{self.table_name}", self.rows)
