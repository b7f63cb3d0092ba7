CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_reference.team_rosters` (
  team_abbr STRING NOT NULL,
  player_lookup STRING NOT NULL,
  as_of_date DATE NOT NULL
);
