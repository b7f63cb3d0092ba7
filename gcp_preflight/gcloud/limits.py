"""What gcloud and the platforms accept for memory, CPU and timeouts (../shared/reference/gcp.md
section 5, FIELD-GUIDE section 3), and how to read durations and CPU counts as gcloud does."""

from __future__ import annotations

import math
import re

from gcp_preflight.gcloud.memory import MIB, flag_bytes

GIB = 2**30
GEN1_TIERS_MB = (128, 256, 512, 1024, 2048, 4096, 8192)  # "Allowed values for v1 are ..."
MAX_MEMORY = {"gen1": 8192 * MIB, "gen2": 32 * GIB, "run-service": 32 * GIB, "run-job": 32 * GIB}
# More than this memory needs at least this many CPUs (Cloud Run, and 2nd gen functions on it).
CPU_FOR_MEMORY = ((24 * GIB, 8), (16 * GIB, 6), (8 * GIB, 4), (4 * GIB, 2), (GIB, 1), (512 * MIB, 0.5))
DEFAULT_MEMORY = {"function": "256M (256MB on 1st gen)", "run-service": "512Mi", "run-job": "512Mi"}
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")


def duration_seconds(text: str) -> float:
    """gcloud durations: "540", "540s", "9m", "1h30m", "10m5s"; ValueError otherwise."""
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    m = _DURATION.match(text)
    if not text or not m or not any(m.groups()):
        raise ValueError(f"not a duration: {text!r} (expected seconds, or a value like 540s, 9m, 1h)")
    d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    return d * 86400 + h * 3600 + mi * 60 + s


def cpu_count(text: str) -> float:
    """"1", "2", "0.5", "1000m" -> CPUs; ValueError otherwise."""
    text = text.strip()
    if re.fullmatch(r"\d+m", text):
        return int(text[:-1]) / 1000
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    raise ValueError(f"not a CPU count: {text!r}")


def cpus_needed(memory: int) -> float | None:
    for limit, cpus in CPU_FOR_MEMORY:
        if memory > limit:
            return cpus
    return None


def timeout_max(platform: str, generation: str | None, event_driven: bool) -> tuple[float, str]:
    """The longest --timeout (or --task-timeout for jobs), with where the limit comes from."""
    if platform == "function":
        if generation == "gen1":
            return 540, "1st gen functions"
        if event_driven:
            return 540, "event-driven 2nd gen functions"
        return 3600, "2nd gen HTTP functions"
    if platform == "run-job":
        return 168 * 3600, "Cloud Run job tasks"
    return 3600, "Cloud Run services"


def memory_bytes(text: str, platform: str, generation: str | None, api: bool = False) -> int:
    return flag_bytes(text, platform, generation, api)


_UNIT = re.compile(r"^(\d+)([A-Za-z]*)$")


def raised_memory(text: str, floor: int, platform: str, generation: str | None, api: bool = False) -> str | None:
    """The smallest value at or above `floor` bytes, written in the unit style of `text`
    ("256MB" -> "512MB" for a 2nd gen function; "256Mi" -> "512Mi"); None if none fits."""
    m = _UNIT.match(text.strip())
    if not m:
        return None
    number, unit = int(m.group(1)), m.group(2)
    if api and not unit and generation != "gen1":
        return None  # a bare number is bytes to the API: MB was surely meant, so no literal fix
    try:
        per_unit = memory_bytes(f"1{unit}", platform, generation, api) if number else None
    except ValueError:
        return None
    if not per_unit:
        return None
    count = math.ceil(floor / per_unit)
    if platform == "function" and generation == "gen1":
        tier = next((t for t in GEN1_TIERS_MB if t * MIB >= floor), None)
        if tier is None:
            return None
        count = max(count, math.ceil(tier * MIB / per_unit))
        if (count * per_unit) // MIB not in GEN1_TIERS_MB:
            return f"{tier}" if api else f"{tier}MB"
    return f"{count}{unit}"
