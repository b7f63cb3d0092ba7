"""Phase 5 prediction worker: one prediction per player prop line.

Each prediction system returns a points estimate from the Phase 4 features;
the worker blends them, writes the prediction to BigQuery and announces it.
"""

import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from google.cloud import pubsub_v1

from shared.utils.bigquery_utils import insert_bigquery_rows

logger = logging.getLogger(__name__)

PROJECT_ID = os.environ.get("GCP_PROJECT", "nba-props-platform")
PREDICTIONS_DATASET = "nba_predictions"
PREDICTIONS_TABLE = "player_prop_predictions"
PREDICTIONS_TOPIC = "nba-phase5-predictions-complete"
EDGE_THRESHOLD = 1.5
DISAGREEMENT_THRESHOLD = 3.0


@dataclass
class PredictionRequest:
    player_lookup: str
    game_id: str
    game_date: str
    line_value: float
    features: dict = field(default_factory=dict)


class PredictionWorker:
    """systems: objects with a system_id attribute and a predict(features) method."""

    def __init__(self, systems):
        self.systems = systems
        self.publisher = pubsub_v1.PublisherClient()
        self.topic_path = self.publisher.topic_path(PROJECT_ID, PREDICTIONS_TOPIC)

    def predict(self, request):
        # Sportsbook lines are half points; normalise float noise such as 24.4999.
        line = Decimal(str(request.line_value)).quantize(Decimal("0.1"))
        system_predictions = [
            {"system_id": system.system_id, "predicted_value": round(system.predict(request.features), 2)}
            for system in self.systems
        ]
        values = [p["predicted_value"] for p in system_predictions]
        ensemble = sum(values) / len(values)
        edge = ensemble - float(line)
        spread = max(values) - min(values)

        reasons = []
        if abs(edge) >= EDGE_THRESHOLD:
            reasons.append(f"edge {edge:+.1f} points")
        if spread > DISAGREEMENT_THRESHOLD:
            reasons.append(f"systems disagree by {spread:.1f} points")
        if edge >= EDGE_THRESHOLD:
            recommendation = "OVER"
        elif edge <= -EDGE_THRESHOLD:
            recommendation = "UNDER"
        else:
            recommendation = "PASS"

        prediction_id = str(uuid.uuid4())
        row = {
            "prediction_id": prediction_id,
            "player_lookup": request.player_lookup,
            "game_id": request.game_id,
            "game_date": request.game_date,
            "prop_type": "points",
            "line_value": float(line),
            "predicted_value": round(ensemble, 2),
            "confidence_score": round(max(0.0, 1.0 - spread / 10.0), 3),
            "recommendation": recommendation,
            "recommendation_reasons": reasons,
            "system_ids": [p["system_id"] for p in system_predictions],
            "system_predictions": system_predictions,
            "created_at": datetime.now(timezone.utc).isoformat(),
        }
        insert_bigquery_rows(f"{PROJECT_ID}.{PREDICTIONS_DATASET}.{PREDICTIONS_TABLE}", [row])

        payload = {
            "prediction_id": prediction_id,
            "player_lookup": request.player_lookup,
            "game_date": request.game_date,
            "line_value": line,
            "recommendation": recommendation,
            "status": "prediction_written",
        }
        self.publisher.publish(self.topic_path, data=json.dumps(payload).encode("utf-8"))
        logger.info("prediction %s for %s: %s", prediction_id, request.player_lookup, recommendation)
        return row
