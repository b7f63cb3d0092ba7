"""Phase 3 processors that run as SQL MERGE statements."""

from shared.processors.base import ProcessorBase


class AnalyticsMergeProcessor(ProcessorBase):
    """Runs merge_sql for one game date inside BigQuery."""

    dataset_id = "nba_analytics"
    completion_topic = "nba-phase3-analytics-complete"
    merge_sql = ""

    def process(self, payload, game_date, source_file_path=""):
        sql = self.merge_sql.format(project=self.project_id)
        return self.run_dml_statement(sql, game_date)


class TeamOffenseGameSummaryProcessor(AnalyticsMergeProcessor):
    processor_name = "p3_team_offense_game_summary"
    table_name = "team_offense_game_summary"
    merge_sql = """
    MERGE `{project}.nba_analytics.team_offense_game_summary` t
    USING (
      SELECT game_id, game_date, team_abbr, SUM(points) AS points, SUM(assists) AS assists
      FROM `{project}.nba_raw.bdl_player_boxscores`
      WHERE game_date = @game_date
      GROUP BY game_id, game_date, team_abbr
    ) s
    ON t.game_id = s.game_id AND t.team_abbr = s.team_abbr AND t.game_date = @game_date
    WHEN MATCHED THEN UPDATE SET points = s.points, assists = s.assists
    WHEN NOT MATCHED THEN INSERT (game_id, game_date, team_abbr, points, assists)
      VALUES (s.game_id, s.game_date, s.team_abbr, s.points, s.assists)
    """


class TeamDefenseGameSummaryProcessor(AnalyticsMergeProcessor):
    processor_name = "p3_team_defense_game_summary"
    table_name = "team_defense_game_summary"
    merge_sql = """
    MERGE `{project}.nba_analytics.team_defense_game_summary` t
    USING (
      SELECT o.game_id, o.game_date, d.team_abbr, o.points AS points_allowed
      FROM `{project}.nba_analytics.team_offense_game_summary` o
      JOIN `{project}.nba_analytics.team_offense_game_summary` d
        ON o.game_id = d.game_id AND o.team_abbr != d.team_abbr
      WHERE o.game_date = @game_date AND d.game_date = @game_date
    ) s
    ON t.game_id = s.game_id AND t.team_abbr = s.team_abbr AND t.game_date = @game_date
    WHEN MATCHED THEN UPDATE SET points_allowed = s.points_allowed
    WHEN NOT MATCHED THEN INSERT (game_id, game_date, team_abbr, points_allowed)
      VALUES (s.game_id, s.game_date, s.team_abbr, s.points_allowed)
    """


class UpcomingPlayerGameContextProcessor(AnalyticsMergeProcessor):
    processor_name = "p3_upcoming_player_game_context"
    table_name = "upcoming_player_game_context"
    merge_sql = """
    MERGE `{project}.nba_analytics.upcoming_player_game_context` t
    USING (
      SELECT REGEXP_REPLACE(LOWER(player_name), r'[^a-z]', '') AS player_lookup,
             game_date, AVG(points_line) AS points_line
      FROM `{project}.nba_raw.odds_api_player_points_props`
      WHERE game_date = @game_date AND side = 'Over'
      GROUP BY player_lookup, game_date
    ) s
    ON t.player_lookup = s.player_lookup AND t.game_date = @game_date
    WHEN MATCHED THEN UPDATE SET points_line = s.points_line
    WHEN NOT MATCHED THEN INSERT (player_lookup, game_date, points_line)
      VALUES (s.player_lookup, s.game_date, s.points_line)
    """


class UpcomingTeamGameContextProcessor(AnalyticsMergeProcessor):
    processor_name = "p3_upcoming_team_game_context"
    table_name = "upcoming_team_game_context"
    merge_sql = """
    MERGE `{project}.nba_analytics.upcoming_team_game_context` t
    USING (
      SELECT game_id, game_date, home_team_abbr, away_team_abbr
      FROM `{project}.nba_raw.nbac_schedule`
      WHERE game_date = @game_date
    ) s
    ON t.game_id = s.game_id AND t.game_date = @game_date
    WHEN NOT MATCHED THEN INSERT (game_id, game_date, home_team_abbr, away_team_abbr)
      VALUES (s.game_id, s.game_date, s.home_team_abbr, s.away_team_abbr)
    """
