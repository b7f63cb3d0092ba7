"""Cloud Run manifests: Knative `Service` and Cloud Run `Job` YAML (apiVersion
`serving.knative.dev/v1` or `run.googleapis.com/v1`), as `gcloud run services replace FILE` and
`gcloud run jobs replace FILE` deploy them, read as the deploy commands they amount to.

The manifest is the whole resource, sent to the Cloud Run API as written (`sent_by="api"`): the
serving container's `resources.limits` memory and cpu, `env` (secrets from `valueFrom`),
`image`, `command`, `args`, the scaling annotations, `timeoutSeconds`, `containerConcurrency`;
for a job also `taskCount`, `parallelism`, `maxRetries`. A value filled in before the replace
(`${IMAGE}`, `$MEMORY`, as envsubst does) is unknown, never read as written.
Sources: https://cloud.google.com/run/docs/reference/yaml/v1 and the `replace` commands' pages.
"""

from __future__ import annotations

import re
from typing import Iterable

from gcp_preflight.lines import split_lines
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.deploy.facts import DeployCommand, Flag, Word
from gcp_preflight.validators.deploy.yaml_scripts import scalar_span
from gcp_preflight.validators.yaml.source import YamlDocument, YamlNode

API_VERSIONS = ("serving.knative.dev/v1", "run.googleapis.com/v1")
_PLACEHOLDER = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*?\}\}")


class _Manifest:
    def __init__(self, source: SourceText):
        self.path = source.path
        self.lines = split_lines(source.text)
        self.flags: list[Flag] = []

    def word(self, node: YamlNode) -> Word:
        where, span = scalar_span(self.path, node, self.lines)
        text = node.value if node.kind == "scalar" else None
        if text is not None and _PLACEHOLDER.search(text):
            return Word(None, text, where, None, f"{text} is filled in before the manifest is applied")
        if text is None:
            return Word(None, "", where, None, "not a single value")
        return Word(text, text, where, None, "", span)

    def add(self, flag: str, node: YamlNode | None, label: str) -> None:
        if node is None or (node.kind == "scalar" and node.value in (None, "")):
            return
        w = self.word(node)
        self.flags.append(Flag(flag, w, w.location, label))


def _get(node: YamlNode | None, *keys: str) -> YamlNode | None:
    for key in keys:
        if node is None or node.kind != "map":
            return None
        node = node.get(key)
    return node


def _container(spec: YamlNode | None) -> YamlNode | None:
    containers = _get(spec, "containers")
    if containers is None or containers.kind != "seq" or not containers.items:
        return None
    items = [c for c in containers.items if c.kind == "map"]
    serving = [c for c in items if c.get("ports") is not None]
    return (serving or items or [None])[0]


def _env(m: _Manifest, container: YamlNode | None, at: Location) -> None:
    env = _get(container, "env")
    if env is None or env.kind != "seq":
        return
    plain, secret = [], []
    first = None
    for item in env.items:
        name = _get(item, "name")
        if name is None or not name.value:
            continue
        first = first or Location(m.path, item.line, item.column)
        if _get(item, "valueFrom") is not None:
            secret.append(f"{name.value}=(secret)")
        else:
            value = _get(item, "value")
            plain.append(f"{name.value}={value.value if value is not None and value.value is not None else ''}")
    for flag, pairs, label in (("--set-env-vars", plain, "env"), ("--set-secrets", secret, "env.valueFrom")):
        if pairs:
            text = _joined(pairs)
            where = first or at
            m.flags.append(Flag(flag, Word(text, text, where), where, label))


def _joined(pairs: list[str]) -> str:
    flat = "".join(pairs)
    for delimiter in (",", ";", "|", "#", "@", "~"):
        if delimiter not in flat:
            return delimiter.join(pairs) if delimiter == "," else f"^{delimiter}^" + delimiter.join(pairs)
    return ",".join(pairs)


def _containers(m: _Manifest, spec: YamlNode | None, at: Location) -> None:
    container = _container(spec)
    if container is None:
        return
    m.add("--image", _get(container, "image"), "image")
    for flag, key in (("--command", "command"), ("--args", "args")):
        node = _get(container, key)
        if node is not None and node.kind == "seq" and all(i.kind == "scalar" for i in node.items) and node.items:
            text = ",".join(i.value or "" for i in node.items)
            where = Location(m.path, node.line, node.column)
            m.flags.append(Flag(flag, Word(text, text, where), where, key))
    limits = _get(container, "resources", "limits")
    m.add("--memory", _get(limits, "memory"), "resources.limits.memory")
    m.add("--cpu", _get(limits, "cpu"), "resources.limits.cpu")
    _env(m, container, at)


def _annotations(m: _Manifest, metadata: YamlNode | None) -> None:
    annotations = _get(metadata, "annotations")
    for key, flag in (("autoscaling.knative.dev/minScale", "--min-instances"),
                      ("autoscaling.knative.dev/maxScale", "--max-instances"),
                      ("run.googleapis.com/execution-environment", "--execution-environment")):
        m.add(flag, _get(annotations, key), f"annotations.{key}")


def _command(m: _Manifest, root: YamlNode, document: YamlDocument, platform: str, command: str) -> DeployCommand:
    metadata = _get(root, "metadata")
    name_node = _get(metadata, "name")
    name = m.word(name_node) if name_node is not None and name_node.kind == "scalar" else None
    m.add("--region", _get(metadata, "labels", "cloud.googleapis.com/location"), "cloud.googleapis.com/location")
    at = Location(m.path, root.line, root.column)
    kind = root.get("kind").value
    return DeployCommand(m.path, document.index, at, platform, command, "", name, tuple(m.flags), "cloud-run-yaml",
                         ".", (), True, "api", f"{kind} manifest")


def extract(document: YamlDocument, source: SourceText) -> Iterable[object]:
    root = document.root
    if root.kind != "map":
        return ()
    api = _get(root, "apiVersion")
    kind = _get(root, "kind")
    if api is None or kind is None or api.value not in API_VERSIONS or kind.value not in ("Service", "Job"):
        return ()
    m = _Manifest(source)
    at = Location(source.path, root.line, root.column)
    template = _get(root, "spec", "template")
    if kind.value == "Service":
        _annotations(m, _get(template, "metadata"))
        spec = _get(template, "spec")
        m.add("--timeout", _get(spec, "timeoutSeconds"), "timeoutSeconds")
        m.add("--concurrency", _get(spec, "containerConcurrency"), "containerConcurrency")
        m.add("--service-account", _get(spec, "serviceAccountName"), "serviceAccountName")
        _containers(m, spec, at)
        return (_command(m, root, document, "run-service", "run deploy"),)
    else:
        job_spec = _get(template, "spec")
        m.add("--tasks", _get(job_spec, "taskCount"), "taskCount")
        m.add("--parallelism", _get(job_spec, "parallelism"), "parallelism")
        task = _get(job_spec, "template", "spec")
        m.add("--task-timeout", _get(task, "timeoutSeconds"), "timeoutSeconds")
        m.add("--max-retries", _get(task, "maxRetries"), "maxRetries")
        m.add("--service-account", _get(task, "serviceAccountName"), "serviceAccountName")
        _containers(m, task, at)
        return (_command(m, root, document, "run-job", "run jobs deploy"),)
