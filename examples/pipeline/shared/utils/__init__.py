"""Utilities shared by processors and orchestrators."""

from .bigquery_utils import get_bigquery_client, insert_bigquery_rows
from .pubsub_utils import decode_pubsub_event, publish_message
from .date_utils import parse_game_date, season_for_date

__all__ = [
    "decode_pubsub_event",
    "get_bigquery_client",
    "insert_bigquery_rows",
    "parse_game_date",
    "publish_message",
    "season_for_date",
]
