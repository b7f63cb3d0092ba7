-- One row each time an orchestrator triggers the next phase.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_orchestration.phase_transitions` (
  transition_id STRING NOT NULL,
  from_phase STRING NOT NULL,
  to_phase STRING NOT NULL,
  game_date DATE NOT NULL,
  completed_processors ARRAY<STRING>,
  missing_processors ARRAY<STRING>,
  is_degraded BOOL,
  metadata JSON,
  triggered_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
OPTIONS (
  description = "Phase transitions recorded by the orchestrator Cloud Functions",
  partition_expiration_days = 365
);
