"""ScraperBase: fetch one document and store it in the raw bucket."""

import logging
import os
from datetime import datetime, timezone

import requests
from google.cloud import storage

logger = logging.getLogger(__name__)

RAW_BUCKET = os.environ.get("RAW_BUCKET", "nba-scraped-data")


def season_label(game_date):
    """'2024-11-02' -> '2024-25' (seasons start in October)."""
    year, month = int(game_date[:4]), int(game_date[5:7])
    start = year if month >= 10 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


class ScraperBase:
    """Subclasses set scraper_name, url_template and gcs_path_template."""

    scraper_name = ""
    url_template = ""
    gcs_path_template = ""
    timeout_seconds = 30

    def __init__(self, bucket_name=RAW_BUCKET):
        self.bucket_name = bucket_name
        self.storage_client = storage.Client()

    def default_params(self, **params):
        """Template parameters derived from the given ones (override in subclasses)."""
        return {}

    def build_url(self, **params):
        return self.url_template.format(**params)

    def headers(self):
        return {"User-Agent": "nba-props-pipeline/1.0", "Accept": "application/json"}

    def fetch(self, **params):
        response = requests.get(self.build_url(**params), headers=self.headers(), timeout=self.timeout_seconds)
        response.raise_for_status()
        return response

    def gcs_path(self, **params):
        timestamp = datetime.now(timezone.utc).strftime("%Y%m%d_%H%M%S")
        return self.gcs_path_template.format(timestamp=timestamp, **params)

    def run(self, **params):
        """Fetch the document and store it; return the GCS object path."""
        params = {**self.default_params(**params), **params}
        response = self.fetch(**params)
        path = self.gcs_path(**params)
        blob = self.storage_client.bucket(self.bucket_name).blob(path)
        blob.upload_from_string(response.content, content_type="application/json")
        logger.info("%s wrote gs://%s/%s", self.scraper_name, self.bucket_name, path)
        return path
