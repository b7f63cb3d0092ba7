"""Memory floors, shared by PF301 (deploy commands) and PF901 (live audit) so both judge a
resource against the same byte count.

A floor follows evidence. With no `[memory]` configuration:
- a function or Cloud Run service whose import closure loads a heavy client (HEAVY below: the
  BigQuery and Firestore clients of the outage this tool exists for, pandas, ML frameworks)
  gets the 512 MB floor (512 MiB for services);
- one whose closure loads none, or whose closure cannot be read (no source in the repository, a
  prebuilt image), gets the platform minimum, what the platform needs to start a small Python
  function (LIGHT): 128 MB for functions, the smallest size 1st gen sells (128MB tier) and 2nd
  gen accepts (128 MiB, the Cloud Run minimum in the 1st gen execution environment), and where a
  small Python function starts: Python 3.11 with functions-framework holds 31-36 MiB after
  start, 64-74 MiB with a Storage, Secret Manager or Pub/Sub client (measured, below). So a
  function without heavy clients is held only to what the platform accepts, and nothing is said
  that the evidence cannot stand behind;
- Cloud Run jobs run in the 2nd gen execution environment, whose minimum is 512 MiB, whatever
  they import; a service deployed with `--execution-environment gen2` likewise.

Measured (Python 3.11.7, Linux x86_64, maximum RSS after importing functions-framework and the
module and constructing its client with anonymous credentials, no request served; the releases
the package index served: functions-framework 3.10, google-cloud-bigquery 3.47, firestore 2.34,
storage 3.17, pubsub 2.44, secret-manager 2.32, aiplatform 2.7, pandas 3.1, numpy 2.4): a bare
function 33 MiB; BigQuery 149 MiB; BigQuery Storage 144;
BigQuery with Firestore 154; Firestore 68; pandas 79, with pyarrow 113; Vertex AI 197;
scikit-learn 185; Storage 65, Secret Manager 64, Pub/Sub 74, all three 73; numpy 43; scipy 45.
A 2nd gen "256MB" instance has 244 MiB.

Configuration still wins over evidence:

    [tool.gcp-preflight.memory]
    function-floor = "512MB"      # every function, whatever it imports (decimal: a 2nd gen "512MB" passes)
    service-floor = "512MiB"
    job-floor = "512MiB"
    floors = { "*-orchestrator" = "1GiB" }   # name glob -> floor, any platform; longest glob wins
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gcp_preflight import ignore_patterns
from gcp_preflight.gcloud.memory import floor_bytes
from gcp_preflight.model import Location

# The floor of a unit that loads a heavy client (and, for a live resource no deploy command
# declares, of every unit: the audit has no import closure to read).
DEFAULTS = {"function": "512MB", "run-service": "512MiB", "run-job": "512MiB"}
# The platform minimum: what a unit that loads no heavy client is held to.
LIGHT = {"function": "128MB", "run-service": "128MiB", "run-job": "512MiB"}
_KEYS = {"function": "function-floor", "run-service": "service-floor", "run-job": "job-floor"}
_WHAT = {"function": "functions", "run-service": "Cloud Run services", "run-job": "Cloud Run jobs"}

# Modules whose loading is evidence for the 512 MB floor: (pattern over the dotted name, label,
# the distributions that install them, why). Measured numbers are in the module docstring.
HEAVY = (
    (r"google\.cloud\.bigquery(_storage(_v\w+)?)?", "google.cloud.bigquery",
     ("google-cloud-bigquery", "google-cloud-bigquery-storage"),
     "the BigQuery client starts at about 150 MiB (116 MiB more than a bare function) and holds "
     "query results in memory"),
    (r"google\.cloud\.firestore(_v\w+)?|google\.cloud\.datastore", "google.cloud.firestore",
     ("google-cloud-firestore", "google-cloud-datastore"),
     "the Firestore client (gRPC) starts at about 68 MiB and holds documents, snapshots and "
     "transactions in memory; with BigQuery it ran the outage's orchestrators out of memory at 256MB"),
    (r"pandas|pandas_gbq|bigframes|polars|pyarrow|db_dtypes", "pandas",
     ("pandas", "pandas-gbq", "bigframes", "polars", "pyarrow", "db-dtypes"),
     "DataFrame libraries start at 79-113 MiB (pandas with pyarrow) and copy the data they hold"),
    (r"google\.cloud\.aiplatform|vertexai", "vertexai", ("google-cloud-aiplatform", "vertexai"),
     "the Vertex AI SDK starts at about 197 MiB"),
    (r"sklearn|tensorflow|torch|keras|xgboost|lightgbm|catboost|transformers", "an ML framework",
     ("scikit-learn", "tensorflow", "tensorflow-cpu", "torch", "keras", "xgboost", "lightgbm", "catboost",
      "transformers"),
     "ML frameworks start at 185 MiB and more (scikit-learn measured) and hold models in memory"),
)
_HEAVY = tuple((re.compile(rf"(?:{pattern})(?:\.|$)"), label, dists, why) for pattern, label, dists, why in HEAVY)


def heavy_module(dotted: str) -> tuple[str, tuple[str, ...], str] | None:
    """(label, distributions, why) when importing `dotted` loads a heavy client, else None."""
    for pattern, label, dists, why in _HEAVY:
        if pattern.match(dotted):
            return label, dists, why
    return None


@dataclass(frozen=True)
class Evidence:
    """What a unit's import closure says about its memory. `known` is False when there is no
    closure to read (no source folder in the repository, a prebuilt image, no entry module);
    `heavy` holds the first heavy module it loads and where, when it loads one."""

    known: bool
    heavy: tuple[str, str, Location] | None = None  # (module as imported, label, import place)
    why_unknown: str = ""


UNKNOWN = Evidence(False, why_unknown="its imports could not be read")


@dataclass(frozen=True)
class Floor:
    bytes: int
    text: str  # as configured, for messages
    source: str  # "default for functions", "floors.\"*-orchestrator\"", ...
    where: Location | None = None  # the import that is the evidence, for a related location


def floor_for(name: str | None, platform: str, memory_config: dict, evidence: Evidence | None = None,
              execution_environment: str | None = None) -> Floor:
    """The floor for a deployed name. `evidence` None: no closure was asked for (the live audit
    of a resource no command declares), so the heavy-client default applies to every unit."""
    globs = memory_config.get("floors", {}) or {}
    matching = [g for g in globs if name and ignore_patterns.matches(g, name)]
    if matching:
        glob = max(matching, key=lambda g: (len(g.replace("*", "")), g))
        return Floor(floor_bytes(globs[glob]), globs[glob], f'floors."{glob}"')
    key = _KEYS[platform]
    if key in memory_config:
        return Floor(floor_bytes(memory_config[key]), memory_config[key], key)
    what = _WHAT[platform]
    if evidence is None:
        return Floor(floor_bytes(DEFAULTS[platform]), DEFAULTS[platform], f"default for {what}")
    if platform == "run-job":
        return Floor(floor_bytes(LIGHT[platform]), LIGHT[platform],
                     "the minimum for Cloud Run jobs, which run in the 2nd gen execution environment")
    if evidence.heavy is not None:
        module, label, where = evidence.heavy
        return Floor(floor_bytes(DEFAULTS[platform]), DEFAULTS[platform],
                     f"default for {what} that load a heavy client: {module}, imported at {where.path}:{where.line}",
                     where)
    if platform == "run-service" and execution_environment == "gen2":
        return Floor(floor_bytes(DEFAULTS[platform]), DEFAULTS[platform],
                     "the minimum of the 2nd gen execution environment")
    why = ("its imports load no heavy client" if evidence.known
           else evidence.why_unknown or UNKNOWN.why_unknown)
    return Floor(floor_bytes(LIGHT[platform]), LIGHT[platform], f"the platform minimum for {what}: {why}")
