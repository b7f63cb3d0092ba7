CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_reference.line_history` (
  player_lookup STRING NOT NULL,
  line_value FLOAT64,
  archived_at TIMESTAMP NOT NULL
);
