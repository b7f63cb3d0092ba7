"""Which deploy command made which deployed resource: the analysis PF901-PF905 share.

A command matches a live resource of its platform and name, in its `--region` (any region when
the region is not written or cannot be resolved). Commands whose `--project` names another
project than the audited one are out of scope.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from gcp_preflight.validators.deploy.facts import DeployCommand, Word
from gcp_preflight.validators.gcp_inventory.facts import ALL_REGIONS, Listed, LiveResource
from gcp_preflight.validators.yaml.source import YamlDocument


@dataclass(frozen=True)
class Audit:
    pairs: tuple[tuple[DeployCommand, LiveResource], ...]
    not_deployed: tuple[DeployCommand, ...]  # in a listed kind and region, found nowhere
    undeclared: tuple[LiveResource, ...]  # no command deploys it (or could, by an unknown name)
    by_resource: dict = field(default_factory=dict)  # LiveResource -> [DeployCommand, ...]

    def commands_for(self, resource: LiveResource) -> list[DeployCommand]:
        return self.by_resource.get(resource, [])


def known(word: Word | None) -> str | None:
    return word.text if word is not None and word.known and word.text else None


def audit(project) -> Audit:
    """project.memo(audit): the pairing every live rule reads."""
    resources = project.facts(LiveResource)
    listed = project.facts(Listed)
    projects = {item.project for item in listed if item.project}
    commands = [c for c in project.facts(DeployCommand)
                if known(c.name) and not (known(c.value("--project")) and projects and known(c.value("--project")) not in projects)]
    index: dict[tuple[str, str], list[LiveResource]] = {}
    for res in resources:
        index.setdefault((res.kind, res.name), []).append(res)
    pairs, not_deployed, by_resource = [], [], {}
    for cmd in sorted(commands, key=lambda c: (c.path, c.location.line, c.location.column)):
        region = known(cmd.value("--region"))
        matches = [r for r in index.get((cmd.platform, known(cmd.name)), ()) if region is None or r.region == region]
        for res in matches:
            pairs.append((cmd, res))
            by_resource.setdefault(res, []).append(cmd)
        if not matches and _covered(listed, cmd.platform, region):
            not_deployed.append(cmd)
    # a command whose name cannot be resolved might deploy anything of its platform
    blind = {c.platform for c in project.facts(DeployCommand) if not known(c.name)}
    # the Cloud Run service behind a 2nd gen function, when the functions could not be listed
    function_services = {run_service_name(known(c.name)) for c in commands if c.platform == "function"}
    undeclared = [r for r in resources if r not in by_resource and r.kind not in blind
                  and not (r.kind == "run-service" and r.name in function_services)]
    return Audit(tuple(pairs), tuple(not_deployed), tuple(undeclared), by_resource)


def run_service_name(function_name: str) -> str:
    """The Cloud Run service a 2nd gen function gets: "Function_1" -> "function-1"."""
    return function_name.lower().replace("_", "-")


def _covered(listed, kind: str, region: str | None) -> bool:
    regions = {item.region for item in listed if item.kind == kind}
    return ALL_REGIONS in regions or (region is not None and region in regions)


# -- flag values as gcloud reads them ----------------------------------------------------------
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def duration_seconds(text: str) -> int | None:
    """`--timeout` / `--task-timeout`: "540", "540s", "9m", "1h30m"; None if not a duration."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    m = _DURATION.match(text)
    if not m or not any(m.groups()):
        return None
    h, mi, s = (int(g or 0) for g in m.groups())
    return h * 3600 + mi * 60 + s


def dict_keys(text: str) -> tuple[str, ...]:
    """Keys of a gcloud ArgDict value: "A=1,B=2", or "^;^A=1;B=x,y" with a chosen delimiter."""
    delimiter = ","
    m = re.match(r"^\^(.+?)\^", text)
    if m:
        delimiter, text = m.group(1), text[m.end():]
    return tuple(part.split("=", 1)[0].strip() for part in text.split(delimiter) if part.strip())


def list_items(text: str) -> tuple[str, ...]:
    """A gcloud ArgList value ("A,B" for --remove-env-vars)."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def env_file_keys(project, cmd: DeployCommand, text: str) -> tuple[str, ...] | None:
    """Top-level keys of the YAML file `--env-vars-file` names, when the repository has it."""
    base = posixpath.dirname(cmd.path)
    for candidate in (text, posixpath.join(base, text), posixpath.join(base, cmd.cwd, text)):
        path = posixpath.normpath(candidate)
        docs = project.facts_in(path, YamlDocument)
        if docs:
            return tuple(str(k.value) for k, _ in docs[0].root.pairs())
    return None
