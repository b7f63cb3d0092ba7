"""Game id helpers: `20241102_LAL_BOS` -> its date and teams."""

from datetime import date


def game_date_of(game_id: str) -> date:
    return date.fromisoformat(f"{game_id[:4]}-{game_id[4:6]}-{game_id[6:8]}")


def teams_of(game_id: str) -> Tuple[str, str]:
    away, home = game_id.split("_")[1:3]
    return away, home
