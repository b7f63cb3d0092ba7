"""Validators for phase completion messages."""

from datetime import date

from shared.config.settings import season_bounds

REQUIRED_MESSAGE_KEYS = ("processor_name", "game_date", "status")


class ValidationError(ValueError):
    """A message failed validation."""


def validate_game_date(value):
    """Parse a YYYY-MM-DD game date and check it falls inside a season."""
    try:
        parsed = date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"invalid game_date {value!r}") from exc
    start_year = parsed.year if parsed.month >= 10 else parsed.year - 1
    first, last = season_bounds(start_year)
    if not first <= parsed <= last:
        raise ValidationError(f"game_date {value} is outside the {start_year} season")
    return parsed


def validate_completion_message(message, required_keys=REQUIRED_MESSAGE_KEYS):
    """Check a processor completion message and return it."""
    missing = [key for key in required_keys if key not in message]
    if missing:
        raise ValidationError(f"message is missing {', '.join(missing)}")
    if message["status"] not in ("success", "partial"):
        raise ValidationError(f"unexpected status {message['status']!r}")
    validate_game_date(message["game_date"])
    return message
