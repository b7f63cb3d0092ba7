#!/usr/bin/env bash
# Deploy the prediction grader from its manifest (the image is built by CI).
set -euo pipefail

gcloud run services replace services/grader/service.yaml --region us-west2 --project nba-props-platform
