"""Phase 5: player prop predictions."""
