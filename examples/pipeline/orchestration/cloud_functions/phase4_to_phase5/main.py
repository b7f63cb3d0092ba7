"""Phase 4 -> Phase 5 orchestrator (Cloud Function, Pub/Sub trigger).

Starts the prediction batch once every Phase 4 precompute processor has
reported for the game date.
"""

import json
import logging
import os
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, List, Optional

import functions_framework
from google.cloud import firestore

from shared.config.orchestration_config import PHASE_TOPICS, PhaseTransitionConfig
from shared.utils.bigquery_utils import insert_bigquery_rows
from shared.utils.pubsub_utils import decode_pubsub_event, publish_message

try:
    import google.cloud.logging as cloud_logging
except ImportError:
    cloud_logging = None

if TYPE_CHECKING:
    from predictions.worker import PredictionRequest

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
TRANSITIONS_TABLE = f"{PROJECT_ID}.nba_orchestration.phase_transitions"
COMPLETION_COLLECTION = "phase4_completion"

if cloud_logging is not None:
    cloud_logging.Client().setup_logging()
logger = logging.getLogger(__name__)
config = PhaseTransitionConfig()
db = firestore.Client(project=PROJECT_ID)


def _prediction_trigger(game_date: str, requests: "Optional[List[PredictionRequest]]" = None) -> dict:
    """Message read by the prediction coordinator; requests are built there when omitted."""
    return {
        "game_date": game_date,
        "source": "phase4_to_phase5",
        "request_count": len(requests) if requests else None,
    }


@functions_framework.cloud_event
def orchestrate_phase4_to_phase5(cloud_event):
    message = decode_pubsub_event(cloud_event)
    game_date = message["game_date"]
    processor_name = message.get("processor_name")
    expected = config.phase4_expected_processors
    if processor_name not in expected:
        logger.info("ignoring completion from %s", processor_name)
        return

    doc_ref = db.collection(COMPLETION_COLLECTION).document(game_date)
    doc_ref.set({"completed": {processor_name: datetime.now(timezone.utc).isoformat()}}, merge=True)
    state = doc_ref.get().to_dict() or {}
    completed = set(state.get("completed", {}))
    if state.get("triggered") or len(completed) < len(expected):
        return

    publish_message(PHASE_TOPICS["phase5_trigger"], _prediction_trigger(game_date))
    doc_ref.set({"triggered": True}, merge=True)
    row = {
        "transition_id": str(uuid.uuid4()),
        "from_phase": "phase4",
        "to_phase": "phase5",
        "game_date": game_date,
        "completed_processors": sorted(completed),
        "missing_processors": [],
        "is_degraded": False,
        "metadata": json.dumps({"expected": len(expected)}),
        "trigger_reason": "all_complete",
        "triggered_at": datetime.now(timezone.utc).isoformat(),
    }
    insert_bigquery_rows(TRANSITIONS_TABLE, [row])
