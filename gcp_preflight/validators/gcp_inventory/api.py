"""List deployed functions, Cloud Run services and jobs through the official client libraries.

Imported only when an audit runs (the `[live]` extra): a static check never pays for these
imports. REST transport; one set of credentials for every client; every call has an explicit
timeout and retry policy, because some list calls have none by default and can hang.

Requests: Cloud Functions v2 and v1 once each for all regions (`locations/-`), Cloud Run
services and jobs once per region (Cloud Run has no `-` wildcard), in a few threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable, Sequence

import requests
from google.api_core import exceptions as gexc
from google.api_core import retry as gretry
from google.cloud import functions_v1, functions_v2, run_v2
from google.protobuf.json_format import MessageToDict

from gcp_preflight.validators.gcp_inventory.errors import explain
from gcp_preflight.validators.gcp_inventory.facts import ALL_REGIONS, AccessProblem, Listed
from gcp_preflight.validators.gcp_inventory.inventory import Inventory, assemble

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


@dataclass(frozen=True)
class Connection:
    credentials: object
    endpoint: str | None = None  # "http://127.0.0.1:PORT" for a fake; None: Google's


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0  # seconds per page request, retries included
    initial_backoff: float = 0.5
    workers: int = 4
    page_size: int = 500


def adc_connection() -> Connection:
    """Application Default Credentials, looked up once and shared by every client."""
    import google.auth

    credentials, _ = google.auth.default(scopes=SCOPES)
    return Connection(credentials)


@dataclass(frozen=True)
class _Task:
    kind: str
    region: str  # ALL_REGIONS for functions
    api: str  # "functions-v2", "functions-v1", "services", "jobs"
    scope: str  # for messages


def _tasks(regions: Sequence[str]) -> list[_Task]:
    tasks = [_Task("function", ALL_REGIONS, "functions-v2", "Cloud Functions"),
             _Task("function", ALL_REGIONS, "functions-v1", "Cloud Functions (1st gen, v1 API)")]
    for region in regions:
        tasks.append(_Task("run-service", region, "services", f"Cloud Run services in {region}"))
        tasks.append(_Task("run-job", region, "jobs", f"Cloud Run jobs in {region}"))
    return tasks


def _client(api: str, connection: Connection):
    kwargs = dict(transport="rest", credentials=connection.credentials)
    if connection.endpoint:
        kwargs["client_options"] = {"api_endpoint": connection.endpoint}
    cls = {"functions-v2": functions_v2.FunctionServiceClient, "functions-v1": functions_v1.CloudFunctionsServiceClient,
           "services": run_v2.ServicesClient, "jobs": run_v2.JobsClient}[api]
    return cls(**kwargs)


def _retry(limits: Limits) -> gretry.Retry:
    return gretry.Retry(
        initial=limits.initial_backoff, maximum=max(limits.initial_backoff, 4.0), multiplier=2.0,
        timeout=limits.timeout,
        predicate=gretry.if_exception_type(
            gexc.TooManyRequests, gexc.InternalServerError, gexc.BadGateway, gexc.ServiceUnavailable,
            gexc.GatewayTimeout, gexc.DeadlineExceeded, requests.exceptions.ConnectionError))


def _list(task: _Task, project: str, connection: Connection, limits: Limits) -> tuple[list[dict], set[str]]:
    """Every page of one listing (errors come from the first call or from any later page)."""
    client = _client(task.api, connection)
    request = {"parent": f"projects/{project}/locations/{task.region}", "page_size": limits.page_size}
    method = {"functions-v2": "list_functions", "functions-v1": "list_functions",
              "services": "list_services", "jobs": "list_jobs"}[task.api]
    pager = getattr(client, method)(request=request, retry=_retry(limits), timeout=limits.timeout)
    items, unreachable = [], set()
    for page in pager.pages:  # `pager.unreachable` would be the last page's only
        unreachable.update(getattr(page, "unreachable", ()) or ())
        for item in getattr(page, {"services": "services", "jobs": "jobs"}.get(task.api, "functions")):
            items.append(MessageToDict(type(item).pb(item)))
    return items, unreachable


def list_live(project: str, regions: Sequence[str], connection: Connection, limits: Limits = Limits(),
              progress: Callable[[int, int, str], None] | None = None) -> Inventory:
    """List what is deployed; a listing that fails becomes an AccessProblem, the rest go on.
    With no regions, functions are listed in every region and Cloud Run is not listed."""
    tasks = _tasks(regions)
    results: dict[_Task, tuple[list[dict], set[str]] | BaseException] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(limits.workers, len(tasks)))) as pool:
        futures = {pool.submit(_list, t, project, connection, limits): t for t in tasks}
        for done, future in enumerate(as_completed(futures), start=1):
            task = futures[future]
            try:
                results[task] = future.result()
            except Exception as exc:  # noqa: BLE001 - every failure becomes a finding, never a traceback
                results[task] = exc
            if progress:
                progress(done, len(tasks), task.scope)
    return _collect(tasks, results, project, regions, limits)


def _collect(tasks: list[_Task], results: dict, project: str, regions: Sequence[str], limits: Limits) -> Inventory:
    items: list[tuple[dict, str]] = []
    listed: list[Listed] = []
    problems: list[AccessProblem] = []
    wanted = set(regions)
    for task in tasks:  # task order, not completion order: deterministic output
        result = results[task]
        if isinstance(result, BaseException):
            reason, message = explain(result, task.kind, project, limits.timeout)
            problems.append(AccessProblem(task.scope, reason, f"{task.scope}: {message}"))
            continue
        found, unreachable = result
        if task.kind == "function":
            found = [raw for raw in found if not wanted or _region_of(raw) in wanted]
            unreachable = {r for r in unreachable if not wanted or r in wanted}
            if task.api == "functions-v2":  # the v2 API lists both generations: it decides coverage
                covered = sorted(wanted - unreachable) if wanted else [ALL_REGIONS]
                listed += [Listed("function", r, project=project) for r in covered]
            for region in sorted(unreachable):
                problems.append(AccessProblem(task.scope, "unreachable",
                                              f"{task.scope}: region {region} was unreachable; its functions are not audited"))
        else:
            listed.append(Listed(task.kind, task.region, project=project))
        items += [(raw, "api") for raw in found]
    return assemble(items, listed, problems)


def _region_of(raw: dict) -> str:
    parts = str(raw.get("name", "")).split("/")
    return parts[3] if len(parts) > 3 else ""
