"""What a live audit knows: deployed resources, what was listed, and what could not be.

These are facts like any other (plain frozen dataclasses), so the rules read them through the
Project. None of them has a file: `path` is "" (see model.Location).
"""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight.facts import fact

KINDS = ("function", "run-service", "run-job")
KIND_NAMES = {"function": "function", "run-service": "Cloud Run service", "run-job": "Cloud Run job"}
ALL_REGIONS = "-"


@fact
@dataclass(slots=True, unsafe_hash=True)
class LiveResource:
    """One deployed function, Cloud Run service or Cloud Run job, normalised across API shapes.

    None means "the listing did not say". Env var names only, never values.
    """

    name: str  # short name ("orchestrator"), not the full resource path
    kind: str  # one of KINDS, the same vocabulary as DeployCommand.platform
    region: str
    project: str = ""  # project id or number as the listing names it
    generation: str | None = None  # functions: "gen1" / "gen2"
    memory: str | None = None  # as deployed: "256M", "512Mi", "256MB" (1st gen)
    memory_bytes: int | None = None
    cpu: str | None = None
    runtime: str | None = None
    entry_point: str | None = None
    timeout_s: int | None = None  # request timeout (services, functions) or task timeout (jobs)
    min_instances: int | None = None
    max_instances: int | None = None
    env_names: tuple[str, ...] = ()
    secret_env_names: tuple[str, ...] = ()
    state: str = ""  # ACTIVE, FAILED, CONDITION_SUCCEEDED, Ready=False, ... as the API says
    ready: bool | None = None
    state_detail: str = ""  # the API's own explanation when not ready
    update_time: str = ""
    source: str = "api"  # "api" or the inventory file it came from
    path: str = ""  # no file: the Project indexes facts by path

    @property
    def label(self) -> str:
        return f"{KIND_NAMES[self.kind]} `{self.name}` ({self.region})"


@fact
@dataclass(slots=True, unsafe_hash=True)
class Listed:
    """One listing that succeeded: every resource of `kind` in `region` ("-": all regions) is
    among the LiveResource facts. "Declared but not deployed" is only said inside these."""

    kind: str
    region: str
    source: str = "api"
    project: str = ""  # the audited project, when known
    path: str = ""


@fact
@dataclass(slots=True, unsafe_hash=True)
class AccessProblem:
    """A listing (or an inventory file) that failed; the rest of the audit still ran."""

    scope: str  # "Cloud Run services in europe-west1", "inventory/functions.json"
    reason: str  # "permission", "api-disabled", "credentials", "timeout", "network", "malformed", ...
    message: str
    path: str = ""
