-- NBA.com player list: one row per player per roster snapshot (Phase 2).
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_player_list` (
  snapshot_date DATE NOT NULL,
  player_id INT64 NOT NULL,
  player_name STRING,
  team_abbr STRING,
  position STRING,
  source_file_path STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY snapshot_date
CLUSTER BY team_abbr
OPTIONS (
  description = "NBA.com rosters (commonallplayers / playerindex)"
);
