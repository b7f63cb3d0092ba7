"""Phase 2 processors for The Odds API files."""

from datetime import datetime, timezone

from shared.processors.base import ProcessorBase
from shared.utils.bigquery_utils import insert_bigquery_rows


class OddsEventsProcessor(ProcessorBase):
    processor_name = "p2_odds_events"
    table_name = "odds_api_events"

    def process(self, payload, game_date, source_file_path=""):
        processed_at = datetime.now(timezone.utc).isoformat()
        rows = [
            {
                "event_id": event["id"],
                "game_date": game_date,
                "commence_time": event["commence_time"],
                "home_team": event["home_team"],
                "away_team": event["away_team"],
                "source_file_path": source_file_path,
                "processed_at": processed_at,
            }
            for event in payload
        ]
        insert_bigquery_rows(self.table_id, rows)
        return len(rows)


class PlayerPropsProcessor(ProcessorBase):
    processor_name = "p2_odds_player_props"
    table_name = "odds_api_player_points_props"

    def process(self, payload, game_date, source_file_path=""):
        processed_at = datetime.now(timezone.utc).isoformat()
        rows = []
        for bookmaker in payload.get("bookmakers", []):
            for market in bookmaker["markets"]:
                for outcome in market["outcomes"]:
                    rows.append({
                        "event_id": payload["id"],
                        "game_date": game_date,
                        "bookmaker": bookmaker["key"],
                        "player_name": outcome["description"],
                        "side": outcome["name"],
                        "points_line": outcome.get("point"),
                        "price": outcome["price"],
                        "last_update": market["last_update"],
                        "source_file_path": source_file_path,
                        "processed_at": processed_at,
                    })
        insert_bigquery_rows(self.table_id, rows)
        return len(rows)
