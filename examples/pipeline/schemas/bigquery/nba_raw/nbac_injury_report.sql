-- NBA.com official injury report: one row per listed player per report hour (Phase 2).
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_injury_report` (
  game_date DATE NOT NULL,
  report_hour STRING NOT NULL,
  team_abbr STRING,
  player_name STRING,
  status STRING,
  reason STRING,
  source_file_path STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY team_abbr
OPTIONS (
  description = "NBA.com injury report, as published at each report hour (e.g. 05PM)"
);
