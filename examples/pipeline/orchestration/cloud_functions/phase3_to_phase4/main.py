"""Phase 3 -> Phase 4 orchestrator (Cloud Function, Pub/Sub trigger).

Counts Phase 3 analytics completions per game date and triggers Phase 4
precompute once every expected processor has reported.
"""

import base64
import json
import logging
import os
from datetime import datetime, timedelta, timezone

import functions_framework
from google.cloud import firestore, pubsub_v1

from shared.validation import ValidationError, validate_completion_message

try:
    from shared.config.orchestration_config import PhaseTransitionConfig

    _CONFIG = PhaseTransitionConfig()
    EXPECTED_PROCESSORS = _CONFIG.phase3_expected_processors
except ImportError:
    # Fallback copy so a packaging slip does not stall Phase 4.
    # Keep in step with shared/config/orchestration_config.py.
    _CONFIG = None
    EXPECTED_PROCESSORS = [
        "p3_player_game_summary",
        "p3_team_offense_game_summary",
        "p3_team_defense_game_summary",
    ]

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
PHASE4_TRIGGER_TOPIC = "nba-phase4-trigger"
COMPLETION_COLLECTION = "phase3_completion"
DEADLINE = timedelta(minutes=120)

logger = logging.getLogger(__name__)
db = firestore.Client(project=PROJECT_ID)
publisher = pubsub_v1.PublisherClient()


def _send_failure_alert(game_date, error):
    from shared.utils.notifications import send_alert

    send_alert(f"Phase 3 -> 4 trigger failed for {game_date}", str(error), severity="error")


def _required_processors():
    if _CONFIG is not None:
        return _CONFIG.phase3_required_processors
    return list(EXPECTED_PROCESSORS)


def _trigger_phase4(game_date, degraded):
    data = json.dumps({"game_date": game_date, "source": "phase3_to_phase4", "degraded": degraded})
    topic_path = publisher.topic_path(PROJECT_ID, PHASE4_TRIGGER_TOPIC)
    publisher.publish(topic_path, data.encode("utf-8")).result(timeout=30)


@functions_framework.cloud_event
def orchestrate_phase3_to_phase4(cloud_event):
    message = json.loads(base64.b64decode(cloud_event.data["message"]["data"]).decode("utf-8"))
    try:
        validate_completion_message(message)
    except ValidationError as exc:
        logger.warning("dropping invalid completion message: %s", exc)
        return

    game_date = message["game_date"]
    processor_name = message["processor_name"]
    if processor_name not in EXPECTED_PROCESSORS:
        logger.info("ignoring completion from %s", processor_name)
        return

    doc_ref = db.collection(COMPLETION_COLLECTION).document(game_date)
    doc_ref.set({"completed": {processor_name: datetime.now(timezone.utc).isoformat()}}, merge=True)
    state = doc_ref.get().to_dict() or {}
    if state.get("triggered"):
        return
    completed = state.get("completed", {})
    missing = [p for p in EXPECTED_PROCESSORS if p not in completed]
    if missing:
        first = min(datetime.fromisoformat(at) for at in completed.values())
        required_done = all(p in completed for p in _required_processors())
        if not required_done or datetime.now(timezone.utc) - first < DEADLINE:
            logger.info("Phase 3 %s: waiting on %s", game_date, ", ".join(missing))
            return

    try:
        _trigger_phase4(game_date, degraded=bool(missing))
    except Exception as exc:
        _send_failure_alert(game_date, exc)
        raise
    doc_ref.set({"triggered": True}, merge=True)
