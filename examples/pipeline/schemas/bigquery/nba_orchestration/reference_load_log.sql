CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_orchestration.reference_load_log` (
  processor_name STRING NOT NULL,
  rows_written INT64,
  loaded_at TIMESTAMP NOT NULL
);
