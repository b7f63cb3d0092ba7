#!/usr/bin/env bash
# Create the Cloud Scheduler jobs that trigger scrapers through Pub/Sub.
# The scraper coordinator receives the message body via a push subscription.
set -euo pipefail

PROJECT_ID="${PROJECT_ID:-nba-props-platform}"
LOCATION="us-west2"
TOPIC="nba-scraper-trigger"
TZ_NAME="America/New_York"

gcloud scheduler jobs create pubsub nbac-schedule-daily \
  --project="$PROJECT_ID" --location="$LOCATION" --schedule="0 8 * * *" --time-zone="$TZ_NAME" \
  --topic="$TOPIC" --message-body='{"scraper": "nbac_schedule"}'

gcloud scheduler jobs create pubsub nbac-rosters-daily \
  --project="$PROJECT_ID" --location="$LOCATION" --schedule="5 8 * * *" --time-zone="$TZ_NAME" \
  --topic="$TOPIC" --message-body='{"scraper": "nbac_rosters"}'

gcloud scheduler jobs create pubsub bdl-active-players-daily \
  --project="$PROJECT_ID" --location="$LOCATION" --schedule="10 8 * * *" --time-zone="$TZ_NAME" \
  --topic="$TOPIC" --message-body='{"scraper": "bdl_active_players"}'

gcloud scheduler jobs create pubsub nbac-injury-report-hourly \
  --project="$PROJECT_ID" --location="$LOCATION" --schedule="15 8-23 * * *" --time-zone="$TZ_NAME" \
  --topic="$TOPIC" --message-body='{"scraper": "nbac_injury_report"}'

gcloud scheduler jobs create pubsub bdl-standings-daily \
  --project="$PROJECT_ID" --location="$LOCATION" --schedule="20 8 * * *" --time-zone="$TZ_NAME" \
  --topic="$TOPIC" --message-body='{"scraper": "bdl_standings"}'

gcloud scheduler jobs create pubsub odds-events-bihourly \
  --project="$PROJECT_ID" --location="$LOCATION" --schedule="0 10-22/2 * * *" --time-zone="$TZ_NAME" \
  --topic="$TOPIC" --message-body='{"scraper": "odds_events"}'

gcloud scheduler jobs create pubsub odds-player-props-bihourly \
  --project="$PROJECT_ID" --location="$LOCATION" --schedule="15 10-22/2 * * *" --time-zone="$TZ_NAME" \
  --topic="$TOPIC" --message-body='{"scraper": "odds_player_props"}'

gcloud scheduler jobs create pubsub nbac-gamebook-nightly \
  --project="$PROJECT_ID" --location="$LOCATION" --schedule="30 1 * * *" --time-zone="$TZ_NAME" \
  --topic="$TOPIC" --message-body='{"scraper": "nbac_gamebook"}'

gcloud scheduler jobs create pubsub bdl-box-scores-nightly \
  --project="$PROJECT_ID" --location="$LOCATION" --schedule="30 1 * * *" --time-zone="$TZ_NAME" \
  --topic="$TOPIC" --message-body='{"scraper": "bdl_box_scores"}'
