"""Phase 2-4 processors."""
