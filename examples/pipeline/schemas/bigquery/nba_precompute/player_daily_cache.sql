-- Phase 4: last-10-game averages per player, as of the morning of cache_date.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_daily_cache` (
  player_lookup STRING NOT NULL,
  cache_date DATE NOT NULL,
  games_played_last_10 INT64,
  points_avg_last_10 NUMERIC(6, 2),
  minutes_avg_last_10 NUMERIC(6, 2),
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY cache_date
CLUSTER BY player_lookup
OPTIONS (
  description = "Daily per-player feature cache read by the prediction systems"
);
