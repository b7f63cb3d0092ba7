CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_reference.team_aliases` (
  team_abbr STRING NOT NULL,
  alias STRING NOT NULL,
  source STRING
);
