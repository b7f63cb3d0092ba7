"""Phase 2 processors for Ball Don't Lie files."""

import os
from datetime import datetime, timezone

from shared.processors.base import ProcessorBase
from shared.utils.bigquery_utils import insert_bigquery_rows

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
DATASET = "nba_raw"
TABLE = "bdl_player_boxscores"


class BoxscoresProcessor(ProcessorBase):
    """One row per player per game, streamed into nba_raw.bdl_player_boxscores."""

    processor_name = "p2_bdl_box_scores"
    table_name = TABLE

    def process(self, payload, game_date, source_file_path=""):
        processed_at = datetime.now(timezone.utc).isoformat()
        metadata = {
            "source": "balldontlie",
            "api_version": "v1",
            "next_cursor": payload.get("meta", {}).get("next_cursor"),
        }
        rows = []
        for stat in payload["data"]:
            game = stat["game"]
            player = stat["player"]
            tags = ["postseason"] if game.get("postseason") else []
            row = {
                "game_id": str(game["id"]),
                "game_date": game["date"][:10],
                "season_year": game["season"],
                "player_id": player["id"],
                "player_full_name": f"{player['first_name']} {player['last_name']}",
                "team_abbr": stat["team"]["abbreviation"],
                "minutes": stat["min"],
                "points": stat["pts"],
                "rebounds": stat["reb"],
                "assists": stat["ast"],
                "steals": stat["stl"],
                "blocks": stat["blk"],
                "turnovers": stat["turnover"],
                "tags": tags,
                "metadata": metadata,
                "source_file_path": source_file_path,
                "processed_at": processed_at,
            }
            rows.append(row)
        if not insert_bigquery_rows(f"{PROJECT_ID}.{DATASET}.{TABLE}", rows):
            raise RuntimeError(f"{self.processor_name}: streaming insert failed for {game_date}")
        return len(rows)


class ActivePlayersProcessor(ProcessorBase):
    processor_name = "p2_bdl_active_players"
    table_name = "bdl_active_players"

    def process(self, payload, game_date, source_file_path=""):
        processed_at = datetime.now(timezone.utc).isoformat()
        rows = [
            {
                "snapshot_date": game_date,
                "player_id": player["id"],
                "player_name": f"{player['first_name']} {player['last_name']}",
                "team_abbr": player["team"]["abbreviation"],
                "position": player.get("position") or None,
                "source_file_path": source_file_path,
                "processed_at": processed_at,
            }
            for player in payload["data"]
        ]
        insert_bigquery_rows(self.table_id, rows)
        return len(rows)
