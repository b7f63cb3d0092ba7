"""The live inventory: what is deployed, as facts the PF9xx rules compare with the repository.

Two sources, one normalisation (shapes.py): the Cloud Functions and Cloud Run APIs (api.py,
which imports the Google client libraries; import it only when an audit runs) and inventory
files that gcloud printed or `preflight audit --save-inventory` wrote (files.py, no Google
import).
"""

from gcp_preflight.validators.gcp_inventory.facts import AccessProblem, Listed, LiveResource
from gcp_preflight.validators.gcp_inventory.inventory import Inventory

__all__ = ["AccessProblem", "Inventory", "Listed", "LiveResource"]
