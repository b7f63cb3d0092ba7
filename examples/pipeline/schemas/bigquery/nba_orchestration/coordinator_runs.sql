-- One row per scraper run handled by the scraper coordinator service.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_orchestration.coordinator_runs` (
  run_id STRING NOT NULL,
  scraper_name STRING NOT NULL,
  status STRING,
  request_payload STRING,
  error_message STRING,
  gcs_path STRING,
  duration_seconds FLOAT64,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP
)
PARTITION BY DATE(started_at)
CLUSTER BY scraper_name
OPTIONS (
  description = "Scraper runs; request_payload holds the Pub/Sub message as JSON text"
);
