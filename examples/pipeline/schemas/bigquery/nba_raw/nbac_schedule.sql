-- NBA.com league schedule: one row per game (Phase 2, reloaded in full).
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_schedule` (
  game_id STRING NOT NULL,
  game_code STRING,
  game_date DATE NOT NULL,
  season STRING,
  home_team_abbr STRING,
  away_team_abbr STRING,
  game_status INT64,
  broadcasters ARRAY<STRING>,
  arena STRUCT<name STRING, city STRING, state STRING>,
  metadata JSON,
  source_file_path STRING,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY home_team_abbr
OPTIONS (
  description = "NBA.com schedule (scheduleLeagueV2)"
);
