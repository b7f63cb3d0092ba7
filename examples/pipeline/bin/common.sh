#!/usr/bin/env bash
# Settings shared by the deploy scripts. Source it; do not run it.

PROJECT_ID="${PROJECT_ID:-nba-props-platform}"
REGION="${REGION:-us-west2}"
SERVICE_ACCOUNT="${SERVICE_ACCOUNT:-pipeline-orchestrator@${PROJECT_ID}.iam.gserviceaccount.com}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() {
  echo "[$(date -u +%H:%M:%S)] $*"
}
