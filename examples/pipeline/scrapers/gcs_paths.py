"""GCS path templates of the scraped files, by scraper id."""

GCS_PATH_TEMPLATES = {
    "bdl_box_scores": "ball-dont-lie/boxscores/{date}/{timestamp}.json",
    "odds_player_props": "odds-api/player-props/{date}/{timestamp}.json",
    "nbac_injury_report": "nba-com/injury-report/{date}/{hour}/{timestamp}.json",
}


class GCSPathBuilder:
    @classmethod
    def get_path(cls, scraper_id):
        return GCS_PATH_TEMPLATES[scraper_id]


class InjuryReportPaths:
    SCRAPER_ID = "nbac_injury_reports"
    PATH = GCSPathBuilder.get_path(SCRAPER_ID)
