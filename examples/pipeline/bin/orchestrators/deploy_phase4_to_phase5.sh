#!/usr/bin/env bash
# Deploy the Phase 4 -> Phase 5 orchestrator (Cloud Functions 2nd gen).
# CI deploys the same function from cloudbuild/deploy_functions.yaml.
set -euo pipefail

FUNCTION_NAME="phase4-to-phase5-orchestrator"
SOURCE_DIR="orchestration/cloud_functions/phase4_to_phase5"
RUNTIME="python311"
REGION="us-west2"
PROJECT_ID="${PROJECT_ID:-nba-props-platform}"

cd "$(dirname "$0")/../.."

gcloud functions deploy "$FUNCTION_NAME" \
  --gen2 \
  --runtime="$RUNTIME" \
  --region="$REGION" \
  --project="$PROJECT_ID" \
  --source="$SOURCE_DIR" \
  --entry-point=orchestrate_phase4_to_phase5 \
  --trigger-topic=nba-phase4-precompute-complete \
  --timeout=540s --min-instances=1 \
  --set-env-vars="PREDICTION_BATCH_SIZE=50"
