"""NBA.com scrapers (CDN and stats endpoints)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from scrapers.base import ScraperBase, season_label


class NbaComScraper(ScraperBase):
    """stats.nba.com rejects requests without browser-like headers."""

    def headers(self):
        headers = super().headers()
        headers.update({"Referer": "https://www.nba.com/", "Origin": "https://www.nba.com"})
        return headers


class ScheduleScraper(NbaComScraper):
    scraper_name = "nbac_schedule"
    url_template = "https://cdn.nba.com/static/json/staticData/scheduleLeagueV2_1.json"
    gcs_path_template = "nba-com/schedule/{date}/{timestamp}.json"


class GamebookScraper(NbaComScraper):
    scraper_name = "nbac_gamebook"
    url_template = (
        "https://stats.nba.com/stats/leaguegamelog?LeagueID=00&PlayerOrTeam=P"
        "&Season={season}&DateFrom={date}&DateTo={date}"
    )
    gcs_path_template = "nba-com/gamebooks-data/{date}/{timestamp}.json"

    def default_params(self, **params):
        return {"season": season_label(params["date"])}


class InjuryReportScraper(NbaComScraper):
    scraper_name = "nbac_injury_report"
    url_template = "https://ak-static.cms.nba.com/referee/injury/Injury-Report_{date}_{hour}.json"
    gcs_path_template = "nba-com/injury-report-data/{date}/{hour}/{timestamp}.json"

    def default_params(self, **params):
        return {"hour": datetime.now(ZoneInfo("America/New_York")).strftime("%I%p")}


class RostersScraper(NbaComScraper):
    scraper_name = "nbac_rosters"
    url_template = "https://stats.nba.com/stats/playerindex?LeagueID=00&Season={season}"
    gcs_path_template = "nba-com/player-list/{date}/{timestamp}.json"

    def default_params(self, **params):
        return {"season": season_label(params["date"])}
