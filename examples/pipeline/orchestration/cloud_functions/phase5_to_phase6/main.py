"""Phase 5 -> Phase 6 orchestrator (Cloud Function, Pub/Sub trigger).

Deployed as a self-contained package: the deploy script copies the shared
code next to this file (see bin/orchestrators/deploy_phase5_to_phase6.sh).
When the prediction coordinator reports a finished batch, announce the export.
"""

import logging

import functions_framework

from shared.config.orchestration_config import PHASE_TOPICS
from shared.utils.pubsub_utils import decode_pubsub_event, publish_message
from shared.validation import ValidationError, validate_game_date

logger = logging.getLogger(__name__)


@functions_framework.cloud_event
def orchestrate_phase5_to_phase6(cloud_event):
    message = decode_pubsub_event(cloud_event)
    if message.get("status") != "batch_complete":
        return
    try:
        game_date = validate_game_date(message.get("game_date")).isoformat()
    except ValidationError as exc:
        logger.warning("dropping batch message: %s", exc)
        return
    publish_message(PHASE_TOPICS["phase6_trigger"], {
        "game_date": game_date,
        "source": "phase5_to_phase6",
        "prediction_count": message.get("prediction_count", 0),
    })
    logger.info("Phase 6 export requested for %s", game_date)
