"""Game date helpers."""

from datetime import date, timedelta


def parse_game_date(value):
    """Accept a date or a YYYY-MM-DD string and return a date."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def season_for_date(value):
    """Season label for a game date, e.g. 2024-11-02 -> "2024-25"."""
    game_date = parse_game_date(value)
    start_year = game_date.year if game_date.month >= 10 else game_date.year - 1
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def previous_day(value):
    """The day before a game date, as YYYY-MM-DD."""
    return (parse_game_date(value) - timedelta(days=1)).isoformat()
