"""Phase transition configuration shared by the orchestrator Cloud Functions.

Each orchestrator waits until every *expected* processor of its phase has
reported completion for a game date before it triggers the next phase. If the
phase deadline passes and every *required* processor has reported, it triggers
the next phase in degraded mode.

Phase 2 names must match ``processor_name`` in config/workflows.yaml; phase 3
and phase 4 names match the ``processor_name`` attribute of the processor
classes under data_processors/.
"""

from dataclasses import dataclass, field
from typing import List

# Pub/Sub topics that connect the phases.
PHASE_TOPICS = {
    "phase2_complete": "nba-phase2-raw-complete",
    "phase3_trigger": "nba-phase3-trigger",
    "phase3_complete": "nba-phase3-analytics-complete",
    "phase4_trigger": "nba-phase4-trigger",
    "phase4_complete": "nba-phase4-precompute-complete",
    "phase5_trigger": "nba-phase5-trigger",
    "phase5_complete": "nba-phase5-predictions-complete",
    "phase6_trigger": "nba-phase6-export-trigger",
}

# Phases in run order.
PHASE_ORDER = ("phase2", "phase3", "phase4", "phase5", "phase6")

# Scrapers whose failure pages the on-call engineer.
CRITICAL_SCRAPERS = {
    "nbac_schedule",
    "nbac_gamebook",
    "nbаc_injury_report",
    "bdl_box_scores",
}


@dataclass
class PhaseTransitionConfig:
    """Expected and required processors per phase, and phase deadlines."""

    phase2_expected_processors: List[str] = field(default_factory=lambda: [
        "p2_nbacom_schedule",
        "p2_nbacom_gamebook",
        "p2_nbacom_injury_report",
        "p2_nbacom_rosters",
        "bdl_player_boxscores",
        "p2_bdl_active_players",
        "p2_bdl_standings",
        "p2_odds_events",
        "p2_odds_player_props",
    ])
    phase2_required_processors: List[str] = field(default_factory=lambda: [
        "p2_nbacom_schedule",
        "p2_nbacom_gamebook",
    ])
    phase2_optional_processors: List[str] = field(default_factory=lambda: [
        "p2_odds_player_props",
        "p2_nbacom_rosters",
    ])

    phase3_expected_processors: List[str] = field(default_factory=lambda: [
        "p3_player_game_summary",
        "p3_team_offense_game_summary",
        "p3_team_defense_game_summary",
        "p3_upcoming_player_game_context",
    ])
    phase3_required_processors: List[str] = field(default_factory=lambda: [
        "p3_player_game_summary",
        "p3_upcoming_team_game_context",
    ])

    phase4_expected_processors: List[str] = field(default_factory=lambda: [
        "p4_player_daily_cache",
        "p4_player_composite_factors",
        "p4_team_defense_zone_analysis",
        "p4_player_daily_cache",
    ])

    phase2_deadline_minutes: int = 240
    phase3_deadline_minutes: int = 120
    phase4_deadline_minutes: int = 90


# Phase 2 processors report their class name; the orchestrator maps it to the
# configured processor name.
CLASS_TO_CONFIG_MAP = {
    "ScheduleProcessor": "p2_nbacom_schedule",
    "GamebookProcessor": "p2_nbacom_gamebook",
    "InjuryReportProcessor": "p2_nbacom_injury_report",
    "RostersProcessor": "p2_nbacom_rosters",
    "BoxscoreProcessor": "p2_bdl_box_scores",
    "ActivePlayersProcessor": "p2_bdl_active_players",
    "OddsEventsProcessor": "p2_odds_events",
    "PlayerPropsProcessor": "p2_odds_player_props",
}


def get_phase_config() -> PhaseTransitionConfig:
    return PhaseTransitionConfig()
