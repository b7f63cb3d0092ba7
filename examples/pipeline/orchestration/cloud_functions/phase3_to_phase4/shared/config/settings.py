"""Pipeline settings read from config/workflows.yaml and the environment."""

import os
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
DEFAULT_WORKFLOWS_PATH = Path(__file__).resolve().parents[2] / "config" / "workflows.yaml"
SEASON_START_MONTH = 10
SEASON_END_MONTH = 6
SEASON_END_DAY = 30


def get_setting(name, default=None):
    """Return an environment setting, or default."""
    return os.environ.get(name, default)


@lru_cache(maxsize=1)
def load_workflows(path=None):
    """Parse the scraper catalogue and workflows (cached)."""
    workflows_path = Path(path or get_setting("WORKFLOWS_CONFIG", DEFAULT_WORKFLOWS_PATH))
    with open(workflows_path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def season_bounds(season_start_year):
    """First and last day of a season (regular season and playoffs)."""
    first = date(season_start_year, SEASON_START_MONTH, 1)
    last = date(season_start_year + 1, SEASON_END_MONTH, SEASON_END_DAY)
    return first, last
