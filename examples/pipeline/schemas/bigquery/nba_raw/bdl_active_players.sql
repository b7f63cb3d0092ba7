-- Ball Don't Lie active players: one row per player per daily snapshot (Phase 2).
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.bdl_active_players` (
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
  description = "Active NBA players from the Ball Don't Lie API, one snapshot per day"
);
