"""One line for the user from whatever a listing raised (google, auth, requests, protobuf).

Imported only when an audit talks to Google, like the client libraries themselves.
"""

from __future__ import annotations

import requests
from google.api_core import exceptions as gexc
from google.auth import exceptions as gauth
from google.protobuf.json_format import ParseError

LOGIN = "run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a key file)"
API = {"function": "cloudfunctions.googleapis.com", "run-service": "run.googleapis.com", "run-job": "run.googleapis.com"}
PERMISSION = {"function": "cloudfunctions.functions.list", "run-service": "run.services.list", "run-job": "run.jobs.list"}
ROLE = {"function": "roles/cloudfunctions.viewer", "run-service": "roles/run.viewer", "run-job": "roles/run.viewer"}


def explain(exc: BaseException, kind: str, project: str, timeout: float) -> tuple[str, str]:
    """(reason, message) for an AccessProblem."""
    if isinstance(exc, gexc.RetryError) and exc.cause is not None:
        reason, message = explain(exc.cause, kind, project, timeout)
        if reason in ("timeout", "network"):
            return reason, message
        return reason, f"{message} (still failing after retries for {timeout:g}s)"
    if isinstance(exc, gauth.DefaultCredentialsError):
        return "credentials", f"no Google credentials: {LOGIN}"
    if isinstance(exc, (gauth.RefreshError, gexc.Unauthorized)):
        return "credentials", f"the credentials were rejected: {LOGIN}"
    if isinstance(exc, gauth.TransportError):
        return "network", f"cannot reach Google's token endpoint: {exc}"
    if isinstance(exc, gexc.Forbidden):
        metadata = exc.metadata or {}
        if exc.reason == "SERVICE_DISABLED":
            api = metadata.get("service") or API[kind]
            return "api-disabled", (f"the {api} API is not enabled in project {project}; "
                                    f"enable it with `gcloud services enable {api} --project {project}`")
        permission = metadata.get("permission") or PERMISSION[kind]
        return "permission", (f"permission denied: the caller lacks {permission} in project {project} "
                              f"(a role such as {ROLE[kind]} grants it)")
    if isinstance(exc, gexc.NotFound):
        return "not-found", f"project {project} or the location was not found ({_detail(exc)})"
    if isinstance(exc, gexc.TooManyRequests):
        return "rate-limit", f"rate limited by the API (429): {_detail(exc)}"
    if isinstance(exc, gexc.GoogleAPICallError):
        return "api-error", f"API error {exc.code}: {_detail(exc)}"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout", f"no reply within {timeout:g}s"
    if isinstance(exc, requests.exceptions.RequestException):
        return "network", f"network error: {type(exc).__name__}"
    if isinstance(exc, ParseError):
        return "malformed", "the API's reply could not be read (not the JSON it should be)"
    return "error", f"{type(exc).__name__}: {exc}"


def _detail(exc: "gexc.GoogleAPICallError") -> str:
    """The server's own message, without the "GET http://...: " prefix REST errors carry."""
    try:
        message = exc.response.json()["error"]["message"]
    except Exception:  # noqa: BLE001 - any odd body: fall back to the exception text
        message = str(exc.message or "")
        if message.startswith(("GET ", "POST ")) and ": " in message:
            message = message.split(": ", 1)[1]
    message = " ".join(str(message).split())
    return message[:200] or f"HTTP {exc.code}"
