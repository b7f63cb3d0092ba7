#!/usr/bin/env bash
# Deploy the Phase 5 -> Phase 6 orchestrator from a self-contained package.
# The function folder holds only main.py and requirements.txt; the shared code
# it needs is copied in here, so the upload contains no symlinks.
set -euo pipefail

FUNCTION_NAME="phase5-to-phase6-orchestrator"
SOURCE_DIR="orchestration/cloud_functions/phase5_to_phase6"
RUNTIME="python311"
REGION="us-west2"
PROJECT_ID="${PROJECT_ID:-nba-props-platform}"
MEMORY="512MB"

cd "$(dirname "$0")/../.."

BUILD_DIR=$(mktemp -d)
trap 'rm -rf "$BUILD_DIR"' EXIT

mkdir -p "$BUILD_DIR/shared"
cp shared/__init__.py "$BUILD_DIR/shared/"
cp -r shared/config "$BUILD_DIR/shared/"
rsync -aL --exclude '__pycache__' shared/utils "$BUILD_DIR/shared/"
(cd "$SOURCE_DIR" && cp main.py requirements.txt "$BUILD_DIR/")

gcloud functions deploy "$FUNCTION_NAME" \
  --gen2 \
  --runtime "$RUNTIME" \
  --region "$REGION" \
  --project "$PROJECT_ID" \
  --source "$BUILD_DIR" \
  --entry-point orchestrate_phase5_to_phase6 \
  --trigger-topic nba-phase5-predictions-complete \
  --memory "$MEMORY" \
  --timeout 300s --min-instances 1 \
  --update-env-vars "GCP_PROJECT=$PROJECT_ID" \
  --set-env-vars "EXPORT_BUCKET=nba-props-exports"
