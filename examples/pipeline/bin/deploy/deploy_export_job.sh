#!/usr/bin/env bash
# Deploy the Phase 6 export job (Cloud Run job). The image is built by CI.
set -euo pipefail

JOB_NAME="nba-phase6-export"
REGION="us-west2"
PROJECT_ID="${PROJECT_ID:-nba-props-platform}"
IMAGE="${REGION}-docker.pkg.dev/${PROJECT_ID}/pipeline/export:${IMAGE_TAG:-latest}"

gcloud run jobs deploy "$JOB_NAME" \
  --image "$IMAGE" \
  --region "$REGION" \
  --project "$PROJECT_ID" \
  --command python \
  --args=-m,export.exporter \
  --tasks 1 \
  --max-retries 1 \
  --task-timeout 30m \
  --memory 1Gi \
  --cpu 1 \
  --update-env-vars "GCP_PROJECT=$PROJECT_ID,EXPORT_BUCKET=nba-props-exports"
