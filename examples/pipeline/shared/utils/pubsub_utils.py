"""Pub/Sub helpers: publish JSON messages, decode CloudEvents."""

import base64
import json
import os

from google.cloud import pubsub_v1

_publisher = None


def get_publisher():
    global _publisher
    if _publisher is None:
        _publisher = pubsub_v1.PublisherClient()
    return _publisher


def publish_message(topic, payload, project_id=None):
    """Publish payload as JSON to topic and return the message id."""
    publisher = get_publisher()
    topic_path = publisher.topic_path(project_id or os.environ.get("GCP_PROJECT", "nba-props-platform"), topic)
    data = json.dumps(payload, default=str).encode("utf-8")
    return publisher.publish(topic_path, data).result(timeout=30)


def decode_pubsub_event(cloud_event):
    """Return the JSON payload of a Pub/Sub CloudEvent."""
    data = cloud_event.data["message"]["data"]
    return json.loads(base64.b64decode(data).decode("utf-8"))
