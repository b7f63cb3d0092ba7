-- Ball Don't Lie player box scores: one row per player per game (Phase 2).
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.bdl_player_boxscores` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64,
  player_id INT64 NOT NULL,
  player_full_name STRING,
  team_abbr STRING,
  minutes STRING,
  points INT64,
  rebounds INT64,
  assists INT64,
  steals INT64,
  blocks INT64,
  turnovers INT64,
  tags ARRAY<STRING>,
  metadata JSON,
  source_file_path STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_id, team_abbr
OPTIONS (
  description = "Player box scores from the Ball Don't Lie API",
  require_partition_filter = TRUE
);
