"""Phase 3: one summary row per player per game."""

import json
import os
import re
import unicodedata
from datetime import datetime, timezone

from google.cloud import bigquery

from shared.processors.base import ProcessorBase

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
ANALYTICS_DATASET = "nba_analytics"
SUMMARY_TABLE = "player_game_summary"

SOURCE_QUERY = """
SELECT game_id, game_date, player_id, player_full_name, team_abbr, minutes,
       points, rebounds, assists, steals, blocks, turnovers, tags
FROM `{project}.nba_raw.bdl_player_boxscores`
WHERE game_date = @game_date
"""


def player_lookup(full_name):
    """'Nikola Jokic' -> 'nikolajokic'; accents are folded to ASCII."""
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", ascii_name.lower())


def minutes_played(minutes):
    """'34:12' -> 34.2; empty or None -> 0.0."""
    if not minutes:
        return 0.0
    mins, _, secs = str(minutes).partition(":")
    return round(int(mins) + int(secs or 0) / 60, 1)


class PlayerGameSummaryProcessor(ProcessorBase):
    processor_name = "p3_player_game_summary"
    dataset_id = ANALYTICS_DATASET
    table_name = SUMMARY_TABLE
    completion_topic = "nba-phase3-analytics-complete"

    def process(self, payload, game_date, source_file_path=""):
        results = self.run_query(SOURCE_QUERY.format(project=PROJECT_ID), game_date)
        processed_at = datetime.now(timezone.utc).isoformat()
        metadata = {"source_table": "nba_raw.bdl_player_boxscores", "run_id": payload.get("run_id")}
        rows = []
        for r in results:
            played = minutes_played(r.minutes)
            rows.append({
                "player_lookup": player_lookup(r.player_full_name),
                "player_id": r.player_id,
                "game_id": r.game_id,
                "game_date": r.game_date.isoformat(),
                "team_abbr": r.team_abbr,
                "minutes_played": played,
                "points": r.points,
                "stats": {
                    "rebounds": r.rebounds,
                    "assists": r.assists,
                    "steals": r.steals,
                    "blocks": r.blocks,
                    "turnovers": r.turnovers,
                },
                "tags": list(r.tags),
                "metadata": json.dumps(metadata),
                "data_quality_tier": "gold" if played > 0 else "silver",
                "processed_at": processed_at,
            })
        if not rows:
            return 0
        table_id = f"{PROJECT_ID}.{ANALYTICS_DATASET}.{SUMMARY_TABLE}"
        job_config = bigquery.LoadJobConfig(
            schema=self.bq_client.get_table(table_id).schema,
            write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
        )
        self.bq_client.load_table_from_json(rows, table_id, job_config=job_config).result()
        return len(rows)
