"""Phase 2 -> Phase 3 orchestrator (Cloud Function, Pub/Sub trigger).

Every Phase 2 processor publishes a completion message to
nba-phase2-raw-complete. This function records each completion in Firestore
and, once every expected processor has reported for the game date (or the
deadline has passed and the required ones have), triggers Phase 3.
"""

import json
import logging
import os
import uuid
from datetime import datetime, timedelta, timezone

import functions_framework
from google.cloud import firestore

from shared.config.orchestration_config import CLASS_TO_CONFIG_MAP, PHASE_TOPICS, PhaseTransitionConfig
from shared.utils import decode_pubsub_event, insert_bigquery_rows, publish_message

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
TRANSITIONS_TABLE = f"{PROJECT_ID}.nba_orchestration.phase_transitions"
COMPLETION_COLLECTION = "phase2_completion"

logger = logging.getLogger(__name__)
config = PhaseTransitionConfig()
db = firestore.Client(project=PROJECT_ID)


def normalize_processor_name(message):
    """Older processors send only their class name."""
    class_name = message.get("processor", "")
    if class_name in CLASS_TO_CONFIG_MAP:
        return CLASS_TO_CONFIG_MAP[class_name]
    return message.get("processor_name", class_name)


@firestore.transactional
def _record_completion(transaction, doc_ref, processor_name, row_count):
    snapshot = doc_ref.get(transaction=transaction)
    state = snapshot.to_dict() or {}
    completed = state.get("completed", {})
    completed[processor_name] = {"rows": row_count, "at": datetime.now(timezone.utc).isoformat()}
    first_seen = state.get("first_seen") or datetime.now(timezone.utc).isoformat()
    transaction.set(doc_ref, {"completed": completed, "first_seen": first_seen}, merge=True)
    return set(completed), first_seen, state.get("triggered", False)


def _deadline_passed(first_seen):
    started = datetime.fromisoformat(first_seen)
    return datetime.now(timezone.utc) - started > timedelta(minutes=config.phase2_deadline_minutes)


def _trigger_phase3(game_date, completed, missing, doc_ref):
    publish_message(PHASE_TOPICS["phase3_trigger"], {
        "game_date": game_date,
        "source": "phase2_to_phase3",
        "degraded": bool(missing),
    })
    doc_ref.set({"triggered": True}, merge=True)
    metadata = {"expected": len(config.phase2_expected_processors), "completed": len(completed)}
    row = {
        "transition_id": str(uuid.uuid4()),
        "from_phase": "phase2",
        "to_phase": "phase3",
        "game_date": game_date,
        "completed_processors": sorted(completed),
        "missing_processors": missing,
        "is_degraded": bool(missing),
        "metadata": json.dumps(metadata),
        "triggered_at": datetime.now(timezone.utc).isoformat(),
    }
    insert_bigquery_rows(TRANSITIONS_TABLE, [row])


@functions_framework.cloud_event
def orchestrate_phase2_to_phase3(cloud_event):
    message = decode_pubsub_event(cloud_event)
    game_date = message["game_date"]
    processor_name = normalize_processor_name(message)
    if processor_name not in config.phase2_expected_processors:
        logger.info("ignoring completion from %s: not an expected Phase 2 processor", processor_name)
        return

    doc_ref = db.collection(COMPLETION_COLLECTION).document(game_date)
    completed, first_seen, triggered = _record_completion(
        db.transaction(), doc_ref, processor_name, message.get("rows", 0)
    )
    if triggered:
        return

    missing = [p for p in config.phase2_expected_processors if p not in completed]
    required_missing = [p for p in config.phase2_required_processors if p not in completed]
    if missing and (required_missing or not _deadline_passed(first_seen)):
        logger.info(f"Phase 2 {message["game_date"]}: waiting on {len(missing)} processors")
        return
    _trigger_phase3(game_date, completed, missing, doc_ref)
