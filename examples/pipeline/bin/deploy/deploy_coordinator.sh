#!/usr/bin/env bash
# Build and deploy the scraper coordinator (Cloud Run service).
set -euo pipefail

SERVICE_NAME="nba-scraper-coordinator"
REGION="us-west2"
PROJECT_ID="${PROJECT_ID:-nba-props-platform}"
IMAGE="${REGION}-docker.pkg.dev/${PROJECT_ID}/pipeline/scraper-coordinator:$(git rev-parse --short HEAD)"

cd "$(dirname "$0")/../.."

docker build -f services/coordinator/Dockerfile -t "$IMAGE" .
docker push "$IMAGE"

gcloud run deploy "$SERVICE_NAME" \
  --image "$IMAGE" \
  --region "$REGION" \
  --project "$PROJECT_ID" \
  --platform managed \
  --memory 512MB \
  --cpu 1 \
  --concurrency 10 \
  --timeout 900 \
  --no-allow-unauthenticated \
  --trigger-topic nba-scraper-trigger \
  --update-env-vars "GCP_PROJECT=$PROJECT_ID,RAW_BUCKET=nba-scraped-data"
