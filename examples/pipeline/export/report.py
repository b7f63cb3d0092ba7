"""What each export run reports: a status, and a one-line summary for the team's channel."""

import enum
import logging

logger = logging.getLogger(__name__)


class ExportStatus(enum.Enum):
    SUCCESS = "success"
    EMPTY = "empty"
    FAILED = "failed"


class ExportReportClient:
    """Posts export summaries; the channel comes from EXPORT_CHANNEL in production."""

    def __init__(self, channel="#nba-exports"):
        self.channel = channel
        self.sent = 0

    def send_summary(self, game_date, count, status):
        logger.info("%s: %s, %d predictions for %s", self.channel, status.value, count, game_date)
        self.sent += 1
        return True
