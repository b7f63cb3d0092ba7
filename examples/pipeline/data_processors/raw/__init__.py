"""Phase 2: load raw scraper files from GCS into the nba_raw dataset."""
