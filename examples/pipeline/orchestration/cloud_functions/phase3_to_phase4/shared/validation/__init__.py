"""Validation of the messages passed between phases."""

from .validators import ValidationError, validate_completion_message, validate_game_date

__all__ = ["ValidationError", "validate_completion_message", "validate_game_date"]
