"""Phase 4: per-player caches and factors read by the prediction systems."""
