"""A plain-HTTP fake of the four REST list APIs a live audit calls, for the real client libraries.

    GET /v2/projects/P/locations/L/functions   Cloud Functions v2 (L may be "-")
    GET /v1/projects/P/locations/L/functions   Cloud Functions v1 (L may be "-")
    GET /v2/projects/P/locations/L/services    Cloud Run v2 ("-" rejected, as the real API does)
    GET /v2/projects/P/locations/L/jobs        Cloud Run v2

Pages follow `pageToken`; the page size is the smaller of the request's and the fake's own.
`fail()` makes matching requests answer with an error (optionally only the first N times).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ROUTE = re.compile(r"^/(v1|v2)/projects/([^/]+)/locations/([^/]+)/(services|jobs|functions)$")
_NAME = re.compile(r"^projects/([^/]+)/locations/([^/]+)/(services|jobs|functions)/")


def error_body(code: int, status: str, message: str, reason: str = "", metadata: dict | None = None) -> dict:
    error = {"code": code, "status": status, "message": message}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
                             "domain": "googleapis.com", "metadata": metadata or {}}]
    return {"error": error}


REPLIES = {
    "permission": lambda path: (403, error_body(
        403, "PERMISSION_DENIED", f"Permission '{_permission(path)}' denied on resource (or it may not exist).",
        "IAM_PERMISSION_DENIED", {"permission": _permission(path)})),
    "disabled": lambda path: (403, error_body(
        403, "PERMISSION_DENIED", f"{_api(path)} API has not been used in project demo before or it is disabled.",
        "SERVICE_DISABLED", {"service": _api(path), "consumer": "projects/demo"})),
    "429": lambda path: (429, error_body(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests'.")),
    "500": lambda path: (500, error_body(500, "INTERNAL", "Internal error encountered.")),
    "404": lambda path: (404, error_body(404, "NOT_FOUND", "Requested entity was not found.")),
    "401": lambda path: (401, error_body(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")),
}


def _permission(path: str) -> str:
    coll = path.rsplit("/", 1)[-1]
    return {"functions": "cloudfunctions.functions.list", "services": "run.services.list", "jobs": "run.jobs.list"}[coll]


def _api(path: str) -> str:
    return "cloudfunctions.googleapis.com" if path.endswith("/functions") else "run.googleapis.com"


@dataclass
class Failure:
    reply: str  # a REPLIES key, "slow" or "malformed"
    ver: str | None = None
    coll: str | None = None
    location: str | None = None
    times: int | None = None  # None: always
    delay: float = 0.0  # "slow" only


class FakeGcp:
    def __init__(self, page_size: int = 2):
        self.data: dict[tuple[str, str], dict[str, list[dict]]] = {}
        self.page_size = page_size
        self.failures: list[Failure] = []
        self.requests: list[tuple[str, dict]] = []
        self.unreachable: list[str] = []  # regions the functions listings report as unreachable
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    # -- setting up -------------------------------------------------------------------------
    def add(self, *resources: dict, ver: str = "v2") -> "FakeGcp":
        for resource in resources:
            project, location, coll = _NAME.match(resource["name"]).groups()
            self.data.setdefault((ver, coll), {}).setdefault(location, []).append(resource)
        return self

    def fail(self, reply: str, **match) -> "FakeGcp":
        self.failures.append(Failure(reply, **match))
        return self

    def paths(self) -> list[str]:
        return sorted(path for path, _ in self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- serving ----------------------------------------------------------------------------
    def _failure(self, ver: str, coll: str, location: str) -> Failure | None:
        with self._lock:
            for f in self.failures:
                if (f.ver or ver) == ver and (f.coll or coll) == coll and (f.location or location) == location:
                    if f.times is None:
                        return f
                    if f.times > 0:
                        f.times -= 1
                        return f
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = parse_qs(url.query)
        with self._lock:
            self.requests.append((url.path, query))
        m = ROUTE.match(url.path)
        if not m:
            return _send(handler, 404, error_body(404, "NOT_FOUND", "no route"))
        ver, _project, location, coll = m.groups()
        failure = self._failure(ver, coll, location)
        if failure and failure.reply == "slow":
            time.sleep(failure.delay)
        elif failure and failure.reply == "malformed":
            return _send(handler, 200, b"<html>not json</html>")
        elif failure:
            return _send(handler, *REPLIES[failure.reply](url.path))
        if coll in ("services", "jobs") and location == "-":
            return _send(handler, 400, error_body(400, "INVALID_ARGUMENT", "Location must be a valid region."))
        by_location = self.data.get((ver, coll), {})
        items = [i for loc in sorted(by_location) for i in by_location[loc]] if location == "-" else by_location.get(location, [])
        size = min(int(query.get("pageSize", [self.page_size])[0]), self.page_size)
        start = int(query.get("pageToken", ["0"])[0] or 0)
        body: dict = {coll: items[start:start + size]}
        if start + size < len(items):
            body["nextPageToken"] = str(start + size)
        if coll == "functions" and start == 0 and self.unreachable:
            body["unreachable"] = self.unreachable
        _send(handler, 200, body)


def _send(handler: BaseHTTPRequestHandler, code: int, body) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    try:
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (a timeout test)


# -- realistic resources (field names as the REST APIs spell them) -------------------------------
def function_v2(name: str, region: str = "us-central1", project: str = "demo", memory: str = "256M",
                runtime: str = "python311", entry: str = "main", timeout: int = 60, min_i: int = 0,
                max_i: int = 100, env: dict | None = None, state: str = "ACTIVE", gen: str = "GEN_2",
                secrets: tuple = ()) -> dict:
    service = name.lower().replace("_", "-")
    config = {"availableMemory": memory, "availableCpu": "0.1666", "timeoutSeconds": timeout,
              "maxInstanceCount": max_i, "environmentVariables": env if env is not None else {"LOG_EXECUTION_ID": "true"},
              "service": f"projects/{project}/locations/{region}/services/{service}"}
    if min_i:
        config["minInstanceCount"] = min_i
    if secrets:
        config["secretEnvironmentVariables"] = [{"key": k, "projectId": project, "secret": k.lower(), "version": "latest"} for k in secrets]
    out = {"name": f"projects/{project}/locations/{region}/functions/{name}", "environment": gen, "state": state,
           "buildConfig": {"runtime": runtime, "entryPoint": entry}, "serviceConfig": config,
           "updateTime": "2024-05-01T10:00:00Z"}
    if state != "ACTIVE":
        out["stateMessages"] = [{"severity": "ERROR", "type": "DeploymentFailed", "message": "Container failed to start."}]
    return out


def function_v1(name: str, region: str = "us-central1", project: str = "demo", memory_mb: int = 256,
                runtime: str = "python39", entry: str = "main", timeout: str = "60s", env: dict | None = None,
                status: str = "ACTIVE") -> dict:
    return {"name": f"projects/{project}/locations/{region}/functions/{name}", "availableMemoryMb": memory_mb,
            "runtime": runtime, "entryPoint": entry, "timeout": timeout, "status": status,
            "environmentVariables": env or {}, "updateTime": "2023-01-01T00:00:00Z"}


def run_service(name: str, region: str = "us-central1", project: str = "demo", memory: str = "512Mi",
                cpu: str = "1", timeout: str = "300s", min_i: int = 0, max_i: int = 10, env: dict | None = None,
                state: str = "CONDITION_SUCCEEDED", message: str = "") -> dict:
    scaling = {"maxInstanceCount": max_i}
    if min_i:
        scaling["minInstanceCount"] = min_i
    container = {"image": f"gcr.io/{project}/{name}", "resources": {"limits": {"memory": memory, "cpu": cpu}},
                 "env": [{"name": k, "value": v} for k, v in (env or {}).items()]}
    condition = {"type": "Ready", "state": state}
    if message:
        condition["message"] = message
    return {"name": f"projects/{project}/locations/{region}/services/{name}",
            "template": {"containers": [container], "scaling": scaling, "timeout": timeout},
            "terminalCondition": condition, "updateTime": "2024-05-02T10:00:00Z"}


def run_job(name: str, region: str = "us-central1", project: str = "demo", memory: str = "512Mi",
            timeout: str = "600s", env: dict | None = None, state: str = "CONDITION_SUCCEEDED") -> dict:
    container = {"image": f"gcr.io/{project}/{name}", "resources": {"limits": {"memory": memory, "cpu": "1"}},
                 "env": [{"name": k, "value": v} for k, v in (env or {}).items()]}
    return {"name": f"projects/{project}/locations/{region}/jobs/{name}",
            "template": {"taskCount": 1, "template": {"containers": [container], "timeout": timeout, "maxRetries": 3}},
            "terminalCondition": {"type": "Ready", "state": state}, "updateTime": "2024-05-03T10:00:00Z"}
