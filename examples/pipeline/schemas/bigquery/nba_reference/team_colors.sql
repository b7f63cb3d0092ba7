CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_reference.team_colors` (
  team_abbr STRING NOT NULL,
  primary_color STRING,
  secondary_color STRING
);
