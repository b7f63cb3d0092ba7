"""Raw resources, as the REST APIs return them and as gcloud prints them, into LiveResource.

Six shapes, told apart by their own fields (no google import: inventory files use this too):
- Cloud Functions v2 (`serviceConfig`, `buildConfig`, `environment`; also lists 1st gen as GEN_1)
- Cloud Functions v1 (`availableMemoryMb`, `status`): what 1st gen functions look like
- Cloud Run v2 services and jobs (`projects/P/locations/R/services/N`, `template`)
- Cloud Run v1 / Knative services and jobs (`apiVersion`, `kind`, `metadata`, `spec`): what
  `gcloud run services list --format=json` and `gcloud run jobs list --format=json` print
"""

from __future__ import annotations

import re
from typing import Any

from gcp_preflight.gcloud.memory import MIB, k8s_quantity_bytes
from gcp_preflight.validators.gcp_inventory.facts import LiveResource

_PATH = re.compile(r"^projects/([^/]+)/locations/([^/]+)/(functions|services|jobs)/([^/]+)$")
_KIND = {"functions": "function", "services": "run-service", "jobs": "run-job"}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s?\s*$")
LOCATION_LABEL = "cloud.googleapis.com/location"
MANAGED_BY_FUNCTIONS = ("goog-managed-by", "cloudfunctions")


class ShapeError(ValueError):
    """Not a function, service or job in any shape this module knows."""


def normalise(raw: Any, source: str = "api") -> LiveResource:
    if not isinstance(raw, dict):
        raise ShapeError(f"expected an object, got {type(raw).__name__}")
    if "apiVersion" in raw or "metadata" in raw:
        return _knative(raw, source)
    m = _PATH.match(str(raw.get("name", "")))
    if not m:
        raise ShapeError(f"no resource name like projects/P/locations/R/functions/N: {str(raw.get('name', ''))[:80]!r}")
    project, region, collection, name = m.groups()
    base = dict(name=name, region=region, project=project, source=source, update_time=str(raw.get("updateTime", "")))
    if collection == "functions":
        if "serviceConfig" in raw or "buildConfig" in raw or "environment" in raw or "state" in raw:
            return _function_v2(raw, base)
        return _function_v1(raw, base)
    return _run_v2(raw, base, _KIND[collection])


def function_backing_service(raw: dict) -> tuple[str, str] | None:
    """(region, service name) of the Cloud Run service behind a 2nd gen function."""
    config = raw.get("serviceConfig")
    service = str(config.get("service", "")) if isinstance(config, dict) else ""
    m = _PATH.match(service)
    return (m.group(2), m.group(4)) if m else None


def managed_by_functions(raw: dict) -> bool:
    """A Cloud Run service that a 2nd gen function created (gcloud run services list shows them)."""
    meta = raw.get("metadata")
    labels = (meta.get("labels") if isinstance(meta, dict) else None) or raw.get("labels")
    return isinstance(labels, dict) and labels.get(MANAGED_BY_FUNCTIONS[0]) == MANAGED_BY_FUNCTIONS[1]


# -- Cloud Functions ----------------------------------------------------------------------------
def _function_v2(raw: dict, base: dict) -> LiveResource:
    service, build = _obj(raw, "serviceConfig"), _obj(raw, "buildConfig")
    generation = {"GEN_1": "gen1", "GEN_2": "gen2"}.get(str(raw.get("environment", "")), "gen2")
    memory = _str(service.get("availableMemory"))
    state = str(raw.get("state", ""))
    return LiveResource(
        kind="function", generation=generation, memory=memory, memory_bytes=_k8s(memory),
        cpu=_str(service.get("availableCpu")), runtime=_str(build.get("runtime")),
        entry_point=_str(build.get("entryPoint")), timeout_s=_int(service.get("timeoutSeconds")),
        min_instances=_int(service.get("minInstanceCount")) or 0,
        max_instances=_int(service.get("maxInstanceCount")) or None,
        env_names=_keys(service.get("environmentVariables")),
        secret_env_names=_secret_keys(service.get("secretEnvironmentVariables")),
        state=state, ready=state == "ACTIVE" if state else None,
        state_detail="; ".join(str(m.get("message", "")) for m in _arr(raw, "stateMessages") if isinstance(m, dict)),
        **base)


def _function_v1(raw: dict, base: dict) -> LiveResource:
    mb = _int(raw.get("availableMemoryMb"))
    status = str(raw.get("status", ""))
    return LiveResource(
        kind="function", generation="gen1", memory=f"{mb}MB" if mb else None,
        memory_bytes=mb * MIB if mb else None, runtime=_str(raw.get("runtime")),
        entry_point=_str(raw.get("entryPoint")), timeout_s=_seconds(raw.get("timeout")),
        min_instances=_int(raw.get("minInstances")) or 0, max_instances=_int(raw.get("maxInstances")) or None,
        env_names=_keys(raw.get("environmentVariables")),
        secret_env_names=_secret_keys(raw.get("secretEnvironmentVariables")),
        state=status, ready=status == "ACTIVE" if status else None, **base)


# -- Cloud Run v2 -------------------------------------------------------------------------------
def _run_v2(raw: dict, base: dict, kind: str) -> LiveResource:
    template = _obj(raw, "template")
    if kind == "run-job":
        task = _obj(template, "template", "template")
        containers, timeout, scaling = task.get("containers"), task.get("timeout"), None
    else:
        containers, timeout, scaling = template.get("containers"), template.get("timeout"), _obj(template, "scaling", "template")
    condition = _obj(raw, "terminalCondition")
    state = str(condition.get("state", ""))
    return LiveResource(
        kind=kind, timeout_s=_seconds(timeout),
        min_instances=None if scaling is None else _int(scaling.get("minInstanceCount")) or 0,
        max_instances=None if scaling is None else _int(scaling.get("maxInstanceCount")) or None,
        state=state, ready=state == "CONDITION_SUCCEEDED" if state else None,
        state_detail=str(condition.get("message", "")),
        **_container(containers, "valueSource"), **base)


# -- Cloud Run v1 (Knative), as gcloud prints it ----------------------------------------------
def _knative(raw: dict, source: str) -> LiveResource:
    meta, spec = _obj(raw, "metadata"), _obj(raw, "spec")
    kind = {"Service": "run-service", "Job": "run-job"}.get(str(raw.get("kind", "")))
    name = _str(meta.get("name"))
    if kind is None:
        raise ShapeError(f"kind {raw.get('kind')!r} is not a Cloud Run Service or Job")
    if not name:
        raise ShapeError(f"a Cloud Run {raw.get('kind')} without metadata.name")
    template = _obj(spec, "template", "spec")
    if kind == "run-job":
        job = _obj(_obj(template, "spec", "spec.template"), "template", "spec.template.spec")
        task = _obj(job, "spec", "spec.template.spec.template")
        annotations, min_i, max_i = {}, None, None
    else:
        task = _obj(template, "spec", "spec.template")
        annotations = _obj(_obj(template, "metadata", "spec.template"), "annotations", "spec.template.metadata")
        min_i = _int(annotations.get("autoscaling.knative.dev/minScale")) or 0
        max_i = _int(annotations.get("autoscaling.knative.dev/maxScale")) or None
    ready = next((c for c in _arr(_obj(raw, "status"), "conditions", "status")
                  if isinstance(c, dict) and c.get("type") == "Ready"), None)
    status = str(ready.get("status", "")) if ready else ""
    return LiveResource(
        name=name, kind=kind, region=str(_obj(meta, "labels", "metadata").get(LOCATION_LABEL, "")),
        project=str(meta.get("namespace", "")), source=source,
        timeout_s=_seconds(task.get("timeoutSeconds")), min_instances=min_i, max_instances=max_i,
        state=f"Ready={status}" if status else "", ready=status == "True" if status else None,
        state_detail=str(ready.get("message", "")) if ready else "",
        **_container(task.get("containers"), "valueFrom"))


# -- fields -------------------------------------------------------------------------------------
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
               float: "a number", type(None): "null"}


def _obj(parent: dict, key: str, where: str = "") -> dict:
    """parent[key] when it is an object, {} when absent; ShapeError naming its JSON path otherwise."""
    value = parent.get(key)
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        path = f"{where}.{key}" if where else key
        raise ShapeError(f"{path}: expected an object, got {_JSON_TYPES.get(type(value), type(value).__name__)}")
    return value


def _arr(parent: dict, key: str, where: str = "") -> list:
    value = parent.get(key)
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        path = f"{where}.{key}" if where else key
        raise ShapeError(f"{path}: expected an array, got {_JSON_TYPES.get(type(value), type(value).__name__)}")
    return value


def _container(containers: Any, secret_key: str) -> dict:
    """Memory, CPU and env names of the first container (the one that serves)."""
    first = containers[0] if isinstance(containers, list) and containers and isinstance(containers[0], dict) else {}
    limits = _obj(_obj(first, "resources", "containers[0]"), "limits", "containers[0].resources")
    env = [e for e in _arr(first, "env", "containers[0]") if isinstance(e, dict) and e.get("name")]
    memory = _str(limits.get("memory"))
    return dict(memory=memory, memory_bytes=_k8s(memory), cpu=_str(limits.get("cpu")),
                env_names=tuple(sorted(str(e["name"]) for e in env if secret_key not in e)),
                secret_env_names=tuple(sorted(str(e["name"]) for e in env if secret_key in e)))


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _k8s(text: str | None) -> int | None:
    try:
        return k8s_quantity_bytes(text) if text else None
    except ValueError:
        return None


def _seconds(value: Any) -> int | None:
    """A proto Duration ("300s", "3.5s") or a number of seconds (Knative timeoutSeconds)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    m = _DURATION.match(str(value)) if isinstance(value, str) else None
    return int(float(m.group(1))) if m else None


def _keys(mapping: Any) -> tuple[str, ...]:
    return tuple(sorted(str(k) for k in mapping)) if isinstance(mapping, dict) else ()


def _secret_keys(items: Any) -> tuple[str, ...]:
    items = items if isinstance(items, list) else ()
    return tuple(sorted(str(i["key"]) for i in items if isinstance(i, dict) and i.get("key")))
