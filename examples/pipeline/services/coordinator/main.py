"""Scraper coordinator (Cloud Run service).

Cloud Scheduler publishes {"scraper": "<id>"} to nba-scraper-trigger; a push
subscription delivers it to POST /scrape, which runs the scraper, announces the
new raw file and records the run in nba_orchestration.coordinator_runs.
"""

import base64
import json
import logging
import os
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, jsonify, request

from scrapers.registry import SCRAPER_REGISTRY, get_scraper_class
from shared.utils.bigquery_utils import insert_bigquery_rows
from shared.utils.pubsub_utils import publish_message

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
ORCHESTRATION_DATASET = "nba_orchestration"
RUNS_TABLE = "coordinator_runs"
SCRAPERS_COMPLETE_TOPIC = "nba-phase1-scrapers-complete"

app = Flask(__name__)
logger = logging.getLogger(__name__)


def _decode_push(envelope):
    data = envelope.get("message", {}).get("data")
    return json.loads(base64.b64decode(data).decode("utf-8")) if data else {}


@app.route("/health", methods=["GET"])
def health():
    return jsonify({"status": "ok"})


@app.route("/scrape", methods=["POST"])
def scrape():
    envelope = request.get_json(silent=True) or {}
    message = _decode_push(envelope)
    scraper_name = message.get("scraper")
    if scraper_name not in SCRAPER_REGISTRY:
        logger.error("unknown scraper %r", scraper_name)
        return jsonify({"error": f"unknown scraper {scraper_name!r}"}), 400

    params = {"date": datetime.now(timezone.utc).date().isoformat()}
    params.update(message.get("params") or {})
    run_id = str(uuid.uuid4())
    started_at = datetime.now(timezone.utc)
    t0 = time.monotonic()
    status, error, gcs_path = "success", None, None
    try:
        gcs_path = get_scraper_class(scraper_name)().run(**params)
        publish_message(SCRAPERS_COMPLETE_TOPIC, {"scraper": scraper_name, "gcs_path": gcs_path, "run_id": run_id})
    except Exception as exc:  # the run is recorded either way
        logger.exception("scraper %s failed", scraper_name)
        status, error = "failed", str(exc)

    request_payload = {
        "scraper": scraper_name,
        "params": params,
        "message_id": envelope.get("message", {}).get("messageId"),
    }
    insert_bigquery_rows(f"{PROJECT_ID}.{ORCHESTRATION_DATASET}.{RUNS_TABLE}", [{
        "run_id": run_id,
        "scraper_name": scraper_name,
        "status": status,
        "request_payload": request_payload,
        "error_message": error,
        "gcs_path": gcs_path,
        "duration_seconds": round(time.monotonic() - t0, 3),
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(timezone.utc).isoformat(),
    }])
    return jsonify({"run_id": run_id, "status": status, "gcs_path": gcs_path}), 200 if status == "success" else 500


@app.route("/health", methods=["GET"])
def health():
    """Liveness probe: also proves the BigQuery client can be built."""
    from shared.utils.bigquery_utils import get_client

    get_client()
    return jsonify({"status": "ok"}), 200
