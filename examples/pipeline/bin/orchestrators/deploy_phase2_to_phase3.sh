#!/usr/bin/env bash
# Deploy the Phase 2 -> Phase 3 orchestrator (Cloud Functions 2nd gen).
# Usage: bin/orchestrators/deploy_phase2_to_phase3.sh   (MEMORY=... to override)
set -euo pipefail

source "$(dirname "$0")/../common.sh"

FUNCTION_NAME="phase2-to-phase3-orchestrator"
SOURCE_DIR="orchestration/cloud_functions/phase2_to_phase3"
ENTRY_POINT="orchestrate_phase2_to_phase3"
TRIGGER_TOPIC="nba-phase2-raw-complete"
RUNTIME="python311"
MEMORY="${MEMORY:-256MB}"
TIMEOUT="540s"

cd "$REPO_ROOT"
log "Packaging $FUNCTION_NAME from $SOURCE_DIR"

# shared/ in the function folder is made of symlinks; gcloud uploads linked
# files but not linked folders, so dereference every link into a build folder.
BUILD_DIR=$(mktemp -d)
trap 'rm -rf "$BUILD_DIR"' EXIT
rsync -aL --exclude '__pycache__' "$SOURCE_DIR/" "$BUILD_DIR/"

gcloud functions deploy "$FUNCTION_NAME" \
  --gen2 \
  --project "$PROJECT_ID" \
  --region "$REGION" \
  --runtime "$RUNTIME" \
  --source "$BUILD_DIR" \
  --entry-point "$ENTRY_POINT" \
  --trigger-topic "$TRIGGER_TOPIC" \
  --memory "$MEMORY" \
  --timeout "$TIMEOUT" --min-instances 1 \
  --service-account "$SERVICE_ACCOUNT" \
  --update-env-vars "GCP_PROJECT=$PROJECT_ID"

log "Deployed $FUNCTION_NAME"
