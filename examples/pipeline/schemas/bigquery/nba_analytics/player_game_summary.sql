-- Phase 3: one summary row per player per game.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.player_game_summary` (
  player_lookup STRING NOT NULL,
  player_id INT64,
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  team_abbr STRING,
  minutes_played FLOAT64,
  points INT64,
  stats STRUCT<
    rebounds INT64,
    assists INT64,
    steals INT64,
    blocks INT64,
    turnovers INT64
  >,
  tags ARRAY<STRING>,
  metadata JSON,
  processed_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY player_lookup, team_abbr
OPTIONS (
  description = "Per-player game summaries built from nba_raw.bdl_player_boxscores",
  partition_expiration_days = 1095
);
