"""Alerts to the team's Slack channel (imported lazily on error paths)."""

import json
import logging
import os
import urllib.request

logger = logging.getLogger(__name__)


def send_alert(title, message, severity="warning"):
    """Post an alert to SLACK_WEBHOOK_URL; return True when Slack accepted it."""
    webhook = os.environ.get("SLACK_WEBHOOK_URL")
    if not webhook:
        logger.warning("SLACK_WEBHOOK_URL not set; alert dropped: %s", title)
        return False
    body = json.dumps({"text": f"[{severity.upper()}] {title}\n{message}"}).encode("utf-8")
    req = urllib.request.Request(webhook, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.status == 200
