#!/usr/bin/env bash
# Deploy the Phase 3 -> Phase 4 orchestrator (Cloud Functions 2nd gen).
set -euo pipefail

FUNCTION_NAME="phase3-to-phase4-orchestrator"
SOURCE_DIR="orchestration/cloud_functions/phase3_to_phase4"
ENTRY_POINT="orchestrate_phase3_to_phase4"
RUNTIME="python311"
REGION="us-west2"
PROJECT_ID="nba-props-platform"
MEMORY="256MB"
TIMEOUT="300s"

cd "$(dirname "$0")/../.."

gcloud functions deploy $FUNCTION_NAME \
  --gen2 \
  --runtime $RUNTIME \
  --region $REGION \
  --project $PROJECT_ID \
  --source $SOURCE_DIR \
  --entry-point $ENTRY_POINT \
  --trigger-topic nba-phase3-analytics-complete \
  --memory $MEMORY \
  --timeout $TIMEOUT \
  --min-instances 0 \
  --max-instances 5 \
  --update-env-vars GCP_PROJECT=$PROJECT_ID
