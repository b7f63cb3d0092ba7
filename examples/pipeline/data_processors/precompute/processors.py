"""Phase 4 precompute processors."""

import os
from datetime import datetime, timezone

from shared.processors.base import ProcessorBase
from shared.utils.bigquery_utils import insert_bigquery_rows

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
PRECOMPUTE_DATASET = "nba_precompute"
CACHE_TABLE = "player_daily_cache"

CACHE_QUERY = """
SELECT player_lookup,
       COUNT(*) AS games_played,
       CAST(ROUND(AVG(points), 2) AS NUMERIC) AS points_avg,
       CAST(ROUND(AVG(minutes_played), 2) AS NUMERIC) AS minutes_avg
FROM (
  SELECT player_lookup, points, minutes_played,
         ROW_NUMBER() OVER (PARTITION BY player_lookup ORDER BY game_date DESC) AS rn
  FROM `{project}.nba_analytics.player_game_summary`
  WHERE game_date < @game_date AND game_date >= DATE_SUB(@game_date, INTERVAL 60 DAY)
)
WHERE rn <= 10
GROUP BY player_lookup
"""


class PrecomputeProcessor(ProcessorBase):
    dataset_id = PRECOMPUTE_DATASET
    completion_topic = "nba-phase4-precompute-complete"


class PlayerDailyCacheProcessor(PrecomputeProcessor):
    """Last-10-game averages per player, as of the morning of game_date."""

    processor_name = "p4_player_daily_cache"
    table_name = CACHE_TABLE

    def process(self, payload, game_date, source_file_path=""):
        rows = []
        for r in self.run_query(CACHE_QUERY.format(project=PROJECT_ID), game_date):
            rows.append({
                "player_lookup": r.player_lookup,
                "cache_date": game_date,
                "games_played_last_10": r.games_played,
                "points_avg_last_10": float(r.points_avg),
                "minutes_avg_last_10": float(r.minutes_avg),
                "processed_at": datetime.now(timezone.utc),
            })
        insert_bigquery_rows(f"{PROJECT_ID}.{PRECOMPUTE_DATASET}.{CACHE_TABLE}", rows)
        return len(rows)


class PlayerCompositeFactorsProcessor(PrecomputeProcessor):
    processor_name = "p4_player_composite_factors"
    table_name = "player_composite_factors"

    def process(self, payload, game_date, source_file_path=""):
        return self.run_dml(f"""
        INSERT INTO `{self.project_id}.nba_precompute.player_composite_factors`
          (player_lookup, game_date, fatigue_score, usage_trend)
        SELECT player_lookup, @game_date,
               LEAST(1.0, minutes_avg_last_10 / 40.0),
               points_avg_last_10 / NULLIF(minutes_avg_last_10, 0)
        FROM `{self.project_id}.nba_precompute.player_daily_cache`
        WHERE cache_date = @game_date
        """, game_date)


class TeamDefenseZoneAnalysisProcessor(PrecomputeProcessor):
    processor_name = "p4_team_defense_zone_analysis"
    table_name = "team_defense_zone_analysis"

    def process(self, payload, game_date, source_file_path=""):
        return self.run_dml(f"""
        INSERT INTO `{self.project_id}.nba_precompute.team_defense_zone_analysis`
          (team_abbr, analysis_date, points_allowed_avg_last_10)
        SELECT team_abbr, @game_date, AVG(points_allowed)
        FROM `{self.project_id}.nba_analytics.team_defense_game_summary`
        WHERE game_date < @game_date AND game_date >= DATE_SUB(@game_date, INTERVAL 30 DAY)
        GROUP BY team_abbr
        """, game_date)
