"""Routes a raw file in GCS to the Phase 2 processor that loads it.

Keys are object-name prefixes in the raw bucket (see gcs_path_template on the
scraper classes).
"""

from data_processors.raw.balldontlie import ActivePlayersProcessor, BoxscoresProcessor
from data_processors.raw.nbacom import GamebookProcessor, InjuryReportProcessor, ScheduleProcessor
from data_processors.raw.oddsapi import OddsEventsProcessor, PlayerPropsProcessor

PROCESSOR_REGISTRY = {
    "nba-com/schedule": ScheduleProcessor,
    "nba-com/gamebooks-data": GamebookProcessor,
    "nba-com/injury-report-data": InjuryReportProcessor,
    "ball-dont-lie/boxscores": BoxscoresProcessor,
    "ball-dont-lie/active-players": ActivePlayersProcessor,
    "odds-api/events": OddsEventsProcessor,
    "odds-api/player-props": PlayerPropsProcessor,
}


def route_file(file_path):
    """Return the processor class for a GCS object name, or None."""
    for prefix, processor_class in PROCESSOR_REGISTRY.items():
        if file_path.startswith(prefix + "/"):
            return processor_class
    return None
