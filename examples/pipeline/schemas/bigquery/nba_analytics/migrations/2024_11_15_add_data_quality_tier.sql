-- 2024-11-15: quality tier written by PlayerGameSummaryProcessor.
ALTER TABLE `nba-props-platform.nba_analytics.player_game_summary`
  ADD COLUMN IF NOT EXISTS data_quality_tier STRING
  OPTIONS (description = "gold: full box score; silver: did not play or partial data");
