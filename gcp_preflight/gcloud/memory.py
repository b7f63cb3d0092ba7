"""Memory sizes exactly as gcloud and the APIs read them (FIELD-GUIDE section 3, reference/gcp.md 5).

- Functions 1st gen (`availableMemoryMb`): every unit binary and case-insensitive, a trailing
  B dropped, no unit means MB, whole MB only: "1GB" is 1024 MiB.
- Functions 2nd gen (`serviceConfig.availableMemory`): the unit is case-corrected to a
  Kubernetes quantity and sent as is: "256MB" becomes "256M" (decimal), no unit means M.
- Cloud Run: a Kubernetes quantity, passed through unchanged ("512Mi", "1Gi", "1G").
- Sent to the API as written (google-github-actions/deploy-cloud-functions, no gcloud between):
  2nd gen `availableMemory` is a Kubernetes quantity where no unit means bytes ("256MB" is not
  one); 1st gen `availableMemoryMb` is a whole number of MB.
- Floors in the configuration: SI units are decimal, IEC units binary ("512MB" = 512e6 bytes,
  "512MiB" = 512 * 2**20 bytes), so a floor is one byte count whatever the platform.
"""

from __future__ import annotations

import re

_K8S = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15,
        "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50}
_K8S_QTY = re.compile(r"^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$")
_GEN2_UNITS = {u.upper(): u for u in ("k", "Ki", "M", "Mi", "G", "Gi", "T", "Ti", "P", "Pi")}
_BINARY = {"": 2**20, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40, "P": 2**50,
           "KI": 2**10, "MI": 2**20, "GI": 2**30, "TI": 2**40, "PI": 2**50}
_FLOOR = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtTpP])?([iI])?[bB]?\s*$")

MIB = 2**20


def k8s_quantity_bytes(text: str) -> int:
    """A Kubernetes memory quantity ("512Mi", "1G", "256M") in bytes; ValueError otherwise."""
    m = _K8S_QTY.match(text.strip())
    if not m:
        raise ValueError(f"not a Kubernetes memory quantity: {text!r}")
    return int(float(m.group(1)) * _K8S[m.group(2) or ""])


def gen2_as_sent(flag: str) -> str:
    """What `gcloud functions deploy --gen2 --memory FLAG` sends: "256MB" -> "256M"."""
    m = re.fullmatch(r"(\d+)(?:([-/ac-zAC-Z]+)[bB]?)?", flag.strip())
    if not m:
        raise ValueError(f"not a valid 2nd gen memory value: {flag!r} (a whole number and a unit such as 512Mi)")
    unit = _GEN2_UNITS.get((m.group(2) or "M").upper())
    if unit is None:
        raise ValueError(f"unknown memory unit in {flag!r} (allowed: k, M, G, Ki, Mi, Gi)")
    return m.group(1) + unit


def gen1_bytes(flag: str) -> int:
    """What `gcloud functions deploy --no-gen2 --memory FLAG` sets, in bytes ("1GB" -> 1 GiB)."""
    m = re.fullmatch(r"(\d+)([a-zA-Z]*)", flag.strip())
    if not m:
        raise ValueError(f"not a valid 1st gen memory value: {flag!r} (a whole number and a unit such as 512MB)")
    unit = m.group(2).upper()
    unit = unit[:-1] if unit.endswith("B") else unit
    if unit not in _BINARY:
        raise ValueError(f"unknown memory unit in {flag!r}")
    n = int(m.group(1)) * _BINARY[unit]
    if n % MIB:
        raise ValueError(f"{flag!r} is not a whole number of MB")
    return n


def api_bytes(value: str, generation: str | None) -> int:
    """Bytes a function's memory means when it reaches the Cloud Functions API as written."""
    if generation == "gen1":
        if not re.fullmatch(r"\d+", value.strip()):
            raise ValueError("the action sends memory_mb to the API as a number of MB, and this is not a "
                             "whole number (no unit)")
        return int(value) * MIB
    try:
        return k8s_quantity_bytes(value)
    except ValueError:
        raise ValueError("the action sends memory to the Cloud Functions API as written, without gcloud's unit "
                         "correction, and the API documents only the units k, M, G, Mi and Gi (512Mi, 1Gi)") from None


def flag_bytes(flag: str, platform: str, generation: str | None, api: bool = False) -> int:
    """Bytes a `--memory` value means for a platform ("function", "run-service", "run-job").
    A function with no generation flag is read as 2nd gen, the default since Cloud SDK 492.
    `api`: the value reaches the Cloud Functions API as written (no gcloud in between)."""
    if platform == "function" and api:
        return api_bytes(flag, generation)
    if platform == "function":
        if generation == "gen1":
            return gen1_bytes(flag)
        return k8s_quantity_bytes(gen2_as_sent(flag))
    return k8s_quantity_bytes(flag)


def floor_bytes(text: str) -> int:
    """A configured floor: SI decimal, IEC binary, no unit means bytes."""
    m = _FLOOR.match(text)
    if not m:
        raise ValueError(f"expected a memory size like \"512MiB\", got {text!r}")
    prefix, binary = (m.group(2) or "").upper(), bool(m.group(3))
    if prefix == "K" and not binary:
        prefix = "k"
    key = prefix + ("i" if binary and prefix else "")
    return int(float(m.group(1)) * _K8S[key])


def mib(n: int) -> str:
    """Bytes as MiB for messages: 268435456 -> "256 MiB", 256000000 -> "244.1 MiB", 512 -> "512 bytes"."""
    if 0 < n < MIB // 10:
        return f"{n} bytes"
    value = n / MIB
    return f"{value:.0f} MiB" if value == int(value) else f"{value:.1f} MiB"
