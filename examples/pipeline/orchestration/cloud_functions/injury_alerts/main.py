"""Injury report alerts (Cloud Function, Pub/Sub trigger), deployed by Terraform.

infra/terraform/main.tf zips this folder (archive_file), uploads it and points the
function at it. When the injury report scraper publishes new entries, alert on-call
about players in tonight's props.
"""

import base64
import json
import logging

import functions_framework

from shared.utils.notifications import send_alert

logger = logging.getLogger(__name__)


@functions_framework.cloud_event
def send_injury_alerts(cloud_event):
    message = json.loads(base64.b64decode(cloud_event.data["message"]["data"]))
    players = [p for p in message.get("players", []) if p.get("status") in ("Out", "Doubtful")]
    if not players:
        return
    names = ", ".join(p["name"] for p in players)
    logger.info("alerting on %d players", len(players))
    send_alert("Injury report", f"{message.get('game_date')}: {names}")
