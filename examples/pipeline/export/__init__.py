"""Phase 6: export predictions for the website."""
