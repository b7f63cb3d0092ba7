"""Replay the Pub/Sub completion messages of one day."""

import json


def decode(message, compressed):
    if compressed:
        import gzip
        import json
        return json.loads(gzip.decompress(message.data))
    return json.loads(message.data)


def replay(messages, publish):
    for message in messages:
        publish(decode(message, message.attributes.get("encoding") == "gzip"))
