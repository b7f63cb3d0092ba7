"""Phase 3: per-game analytics built from the nba_raw tables."""
