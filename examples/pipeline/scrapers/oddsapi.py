"""The Odds API scrapers (events and player prop lines)."""

import os

import requests

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

    def event_ids(self, date):
        """Ids of the events that start on date (UTC), from the events endpoint."""
        url = EventsScraper.url_template.format(api_key=os.environ.get("ODDS_API_KEY", ""))
        response = requests.get(url, headers=self.headers(), timeout=self.timeout_seconds)
        response.raise_for_status()
        return [event["id"] for event in response.json() if event["commence_time"].startswith(date)]

    def run(self, **params):
        """The props endpoint is per event: store one file per event, return the folder."""
        for event_id in self.event_ids(params["date"]):
            super().run(event_id=event_id, **params)
        return f"odds-api/player-props/{params['date']}/"
