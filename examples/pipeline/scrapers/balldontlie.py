"""Ball Don't Lie API scrapers."""

import os

from scrapers.base import ScraperBase


class BallDontLieScraper(ScraperBase):
    """The API key travels in the Authorization header."""

    def headers(self):
        headers = super().headers()
        headers["Authorization"] = os.environ.get("BDL_API_KEY", "")
        return headers


class BoxScoresScraper(BallDontLieScraper):
    scraper_name = "bdl_box_scores"
    url_template = "https://api.balldontlie.io/v1/stats?dates[]={date}&per_page=100"
    gcs_path_template = "ball-dont-lie/boxscores/{date}/{timestamp}.json"


class ActivePlayersScraper(BallDontLieScraper):
    scraper_name = "bdl_active_players"
    url_template = "https://api.balldontlie.io/v1/players/active?per_page=100"
    gcs_path_template = "ball-dont-lie/active-players/{date}/{timestamp}.json"
