-- NBA.com gamebook: one row per player per game (Phase 2).
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_gamebook_player_stats` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  team_abbr STRING,
  player_id INT64,
  player_name STRING,
  minutes STRING,
  points INT64,
  source_file_path STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY team_abbr, player_id
OPTIONS (
  description = "Player lines from NBA.com gamebooks (boxscoretraditionalv2 result set)",
  require_partition_filter = TRUE
);
