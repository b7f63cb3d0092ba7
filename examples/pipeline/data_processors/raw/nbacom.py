"""Phase 2 processors for NBA.com files."""

import os
from datetime import datetime, timezone

from google.cloud import bigquery

from shared.processors.base import ProcessorBase
from shared.utils.bigquery_utils import insert_bigquery_rows

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
RAW_DATASET = "nba_raw"
SCHEDULE_TABLE = "nbac_schedule"


class ScheduleProcessor(ProcessorBase):
    """Full-season schedule; reloaded in one batch load job."""

    processor_name = "p2_nbacom_schedule"
    table_name = SCHEDULE_TABLE

    def process(self, payload, game_date, source_file_path=""):
        schedule = payload["leagueSchedule"]
        processed_at = datetime.now(timezone.utc).isoformat()
        rows = []
        for game_day in schedule["gameDates"]:
            for game in game_day["games"]:
                national_tv = game["broadcasters"]["nationalTvBroadcasters"]
                rows.append({
                    "game_id": game["gameId"],
                    "game_code": game["gameCode"],
                    "game_date": game["gameDateEst"][:10],
                    "season": schedule["seasonYear"],
                    "home_team_abbr": game["homeTeam"]["teamTricode"],
                    "away_team_abbr": game["awayTeam"]["teamTricode"],
                    "game_status": game["gameStatus"],
                    "broadcasters": [b["broadcasterDisplay"] for b in national_tv],
                    "arena": {
                        "name": game["arenaName"],
                        "city": game["arenaCity"],
                        "state": game["arenaState"],
                    },
                    "metadata": {"league_id": schedule["leagueId"], "week_number": game["weekNumber"]},
                    "source_file_path": source_file_path,
                    "processed_at": processed_at,
                })
        table_id = f"{PROJECT_ID}.{RAW_DATASET}.{SCHEDULE_TABLE}"
        job_config = bigquery.LoadJobConfig(
            schema=self.bq_client.get_table(table_id).schema,
            write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
        )
        self.bq_client.load_table_from_json(rows, table_id, job_config=job_config).result()
        return len(rows)


class GamebookProcessor(ProcessorBase):
    processor_name = "p2_nbacom_gamebook"
    table_name = "nbac_gamebook_player_stats"

    def process(self, payload, game_date, source_file_path=""):
        result = payload["resultSets"][0]
        columns = result["headers"]
        processed_at = datetime.now(timezone.utc).isoformat()
        rows = []
        for values in result["rowSet"]:
            record = dict(zip(columns, values))
            rows.append({
                "game_id": record["GAME_ID"],
                "game_date": game_date,
                "team_abbr": record["TEAM_ABBREVIATION"],
                "player_id": record["PLAYER_ID"],
                "player_name": record["PLAYER_NAME"],
                "minutes": record["MIN"],
                "points": record["PTS"],
                "source_file_path": source_file_path,
                "processed_at": processed_at,
            })
        insert_bigquery_rows(self.table_id, rows)
        return len(rows)


class InjuryReportProcessor(ProcessorBase):
    processor_name = "p2_nbacom_injury_report"
    table_name = "nbac_injury_report"

    def process(self, payload, game_date, source_file_path=""):
        processed_at = datetime.now(timezone.utc).isoformat()
        rows = [
            {
                "game_date": game_date,
                "report_hour": payload["report_hour"],
                "team_abbr": entry["team"],
                "player_name": entry["player"],
                "status": entry["status"],
                "reason": entry.get("reason"),
                "source_file_path": source_file_path,
                "processed_at": processed_at,
            }
            for entry in payload["entries"]
        ]
        insert_bigquery_rows(self.table_id, rows)
        return len(rows)


class RostersProcessor(ProcessorBase):
    processor_name = "p2_nbacom_rosters"
    table_name = "nbac_player_list"

    def process(self, payload, game_date, source_file_path=""):
        result = payload["resultSets"][0]
        columns = result["headers"]
        processed_at = datetime.now(timezone.utc).isoformat()
        rows = []
        for values in result["rowSet"]:
            record = dict(zip(columns, values))
            rows.append({
                "snapshot_date": game_date,
                "player_id": record["PERSON_ID"],
                "player_name": f"{record['PLAYER_FIRST_NAME']} {record['PLAYER_LAST_NAME']}",
                "team_abbr": record["TEAM_ABBREVIATION"],
                "position": record["POSITION"],
                "source_file_path": source_file_path,
                "processed_at": processed_at,
            })
        insert_bigquery_rows(self.table_id, rows)
        return len(rows)
