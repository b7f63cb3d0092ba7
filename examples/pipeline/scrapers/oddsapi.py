"""The Odds API scrapers (events and player prop lines)."""

import os

from scrapers.base import ScraperBase

ODDS_API_BASE = "https://api.the-odds-api.com/v4/sports/basketball_nba"


class OddsApiScraper(ScraperBase):
    """The API key travels as a query parameter."""

    def build_url(self, **params):
        return self.url_template.format(api_key=os.environ.get("ODDS_API_KEY", ""), **params)


class EventsScraper(OddsApiScraper):
    scraper_name = "odds_events"
    url_template = ODDS_API_BASE + "/events?apiKey={api_key}&dateFormat=iso"
    gcs_path_template = "odds-api/events/{date}/{timestamp}.json"


class PlayerPropsScraper(OddsApiScraper):
    scraper_name = "odds_player_props"
    url_template = ODDS_API_BASE + "/events/{event_id}/odds?apiKey={api_key}&regions=us&markets=player_points"
    gcs_path_template = "odds-api/player-props/{date}/{event_id}/{timestamp}.json"
