"""Memory floors from `[tool.gcp-preflight.memory]`, shared by PF301 (deploy commands) and PF901
(live audit) so both judge a resource against the same byte count.

    [tool.gcp-preflight.memory]
    function-floor = "512MB"      # default: 512 MB (decimal), so a 2nd gen "512MB" (sent as 512M) passes
    service-floor = "512MiB"      # default: Cloud Run's own 512 MiB
    job-floor = "512MiB"
    floors = { "*-orchestrator" = "1GiB" }   # name glob -> floor, any platform; longest glob wins
"""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight import ignore_patterns
from gcp_preflight.gcloud.memory import floor_bytes

DEFAULTS = {"function": "512MB", "run-service": "512MiB", "run-job": "512MiB"}
_KEYS = {"function": "function-floor", "run-service": "service-floor", "run-job": "job-floor"}


@dataclass(frozen=True)
class Floor:
    bytes: int
    text: str  # as configured, for messages
    source: str  # "default for functions", "floors.\"*-orchestrator\"", ...


def floor_for(name: str | None, platform: str, memory_config: dict) -> Floor:
    globs = memory_config.get("floors", {}) or {}
    matching = [g for g in globs if name and ignore_patterns.matches(g, name)]
    if matching:
        glob = max(matching, key=lambda g: (len(g.replace("*", "")), g))
        return Floor(floor_bytes(globs[glob]), globs[glob], f'floors."{glob}"')
    key = _KEYS[platform]
    if key in memory_config:
        return Floor(floor_bytes(memory_config[key]), memory_config[key], key)
    what = {"function": "functions", "run-service": "Cloud Run services", "run-job": "Cloud Run jobs"}[platform]
    return Floor(floor_bytes(DEFAULTS[platform]), DEFAULTS[platform], f"default for {what}")
