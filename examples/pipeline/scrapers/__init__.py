"""Phase 1 scrapers: fetch source data and store it unchanged in GCS."""
