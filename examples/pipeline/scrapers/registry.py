"""Scrapers by id. The coordinator service looks scheduler payloads up here."""

import importlib

SCRAPER_REGISTRY = {
    "nbac_schedule": ("scrapers.nbacom", "ScheduleScraper"),
    "nbac_gamebook": ("scrapers.nbacom", "GamebookScraper"),
    "nbac_injury_report": ("scrapers.nbacom", "InjuryReportScraper"),
    "nbac_rosters": ("scrapers.nbacom", "RostersScraper"),
    "bdl_box_scores": ("scrapers.balldontlie", "BoxScoresScraper"),
    "bdl_active_players": ("scrapers.balldontlie", "ActivePlayersScraper"),
    "odds_events": ("scrapers.oddsapi", "EventsScraper"),
    "odds_player_props": ("scrapers.oddsapi", "PlayerPropsScraper"),
}

# Scraper to re-run when a Phase 2 processor reports that its input is missing.
PROCESSOR_TO_SCRAPER = {
    "p2_nbacom_schedule": "nbac_schedule",
    "p2_nbacom_gamebook": "nbac_gamebook",
    "p2_nbacom_injury_report": "nbac_injury_report",
    "p2_nbacom_rosters": "nbac_rosters",
    "p2_bdl_box_scores": "bdl_box_scores",
    "p2_bdl_active_players": "bdl_active_players",
    "p2_odds_events": "odds_events",
    "p2_odds_player_props": "odds_props",
}


def get_scraper_class(scraper_id):
    """Import and return the scraper class registered under scraper_id."""
    module_path, class_name = SCRAPER_REGISTRY[scraper_id]
    return getattr(importlib.import_module(module_path), class_name)


def scraper_for_processor(processor_name):
    """Return the scraper class that produces a Phase 2 processor's input."""
    module_path, class_name = SCRAPER_REGISTRY[PROCESSOR_TO_SCRAPER[processor_name]]
    return getattr(importlib.import_module(module_path), class_name)
