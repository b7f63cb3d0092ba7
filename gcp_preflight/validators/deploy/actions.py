"""Deploy steps that use Google's actions, read as the gcloud deploy commands they amount to.

`uses: google-github-actions/deploy-cloudrun@v2` runs gcloud itself: the command is the one its
src/main.ts builds (`run deploy SERVICE` or `run jobs deploy JOB`, env vars and secrets as
`--update-*` for the default `merge` strategy and `--set-*` for `overwrite`, `--set-secrets` for
every job, `--region` defaulting to us-central1, then the `flags` input split as actions-utils
`parseFlags` does). `uses: google-github-actions/deploy-cloud-functions@v3` calls the Cloud
Functions v2 API with no gcloud in between: every deploy sends the whole definition (memory
`256Mi`, timeout `60s` when not given; `environment_variables` and `secrets` replace the live
set), and memory reaches the API as written. Majors 0-2 of deploy-cloud-functions deploy 1st gen
functions through the v1 API (`memory_mb`, `env_vars` replacing all variables even when left
out). A ref that is not a version (a commit SHA, a branch) is read as the latest major.

Each flag is placed at its input's value (the flag and its value both), defaults at `uses:`.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable

from gcp_preflight.model import Location
from gcp_preflight.validators.deploy.facts import DeployCommand
from gcp_preflight.validators.deploy.reader import deploy_command
from gcp_preflight.validators.shell.values import Piece, Value, unknown
from gcp_preflight.validators.shell.words import Field
from gcp_preflight.validators.deploy.yaml_scripts import scalar_mapper
from gcp_preflight.validators.yaml.source import YamlNode

_USES = re.compile(r"^(?:google-github-actions/|(?P<old>GoogleCloudPlatform/github-actions/))"
                   r"(?P<action>deploy-cloudrun|deploy-cloud-functions)@(?P<ref>\S+)$")
LATEST = {"deploy-cloudrun": 2, "deploy-cloud-functions": 3}
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

# Resolve a scalar's text (GitHub expressions inside) placed at an exact span, or None.
Resolve = Callable[[str, Location | None], Value]


def major(ref: str, action: str) -> int:
    m = re.fullmatch(r"v?(\d+)(?:\.\d+)*", ref)
    return int(m.group(1)) if m else LATEST[action]


class _Step:
    """The `with:` inputs of one step, as gcloud arguments."""

    def __init__(self, reader, step: YamlNode, uses: YamlNode, resolve: Resolve):
        self.reader = reader
        self.path = reader.path
        self.resolve = resolve
        self.here = reader.literal(uses)[0]
        inputs = step.get("with")
        self.inputs = {k.value: v for k, v in inputs.pairs() if k.value and v.kind == "scalar"} \
            if inputs is not None else {}
        self.fields: list[Field] = [_literal("gcloud", self.here)]
        self.labels: dict[tuple[Location, str], str] = {}
        self.opaque: list[Field] = []

    def field(self, name: str) -> Field | None:
        """The input's value, or None when it is left out or empty (the action reads "" as unset)."""
        node = self.inputs.get(name)
        if node is None:
            return None
        where, span = self.reader.literal(node)
        text = node.value or ""
        if not text.strip():
            return None
        return Field(self.resolve(text, span), text, span or where)

    def text(self, name: str) -> str | None:
        """The input's text when known; "" when left out."""
        f = self.field(name)
        return "" if f is None else f.value.text

    def add(self, flag: str, value: Field | None, at: Field | None, label: str) -> None:
        """`flag [value]`, the flag placed at `at` (the input that decides it), else at `uses:`."""
        where = at.location if at is not None else self.here
        self.fields.append(_literal(flag, where))
        if value is not None:
            self.fields.append(value)
        self.labels[(where, flag)] = label

    def map(self, name: str, flag: str) -> Field | None:
        value = self.field(name)
        if value is not None:
            self.add(flag, value, value, name)
        return value

    def default(self, name: str, flag: str, text: str) -> None:
        """An input the action always sends, with its default when left out."""
        if self.map(name, flag) is None:
            self.add(flag, Field(Value((Piece(text),)), "", self.here), None, name)

    def command(self, sent_by: str, action: str) -> DeployCommand | None:
        cmd = deploy_command(self.path, self.reader.sequence, self.here, self.fields, "github-actions")
        if cmd is None:
            return None
        flags = tuple(dataclasses.replace(f, input=self.labels.get((f.location, f.name), "")) for f in cmd.flags)
        opaque = cmd.opaque + tuple(_word(f) for f in self.opaque)
        return dataclasses.replace(cmd, flags=flags, opaque=opaque, sent_by=sent_by, action=action)


def _literal(text: str, where: Location) -> Field:
    return Field(Value((Piece(text),)), text, where)


def _word(field: Field):
    from gcp_preflight.validators.deploy.reader import word
    return word(field)


# -- deploy-cloudrun ----------------------------------------------------------------------------

def _cloudrun(s: _Step, version: int) -> bool:
    if s.field("metadata") is not None:
        return False  # `run services|jobs replace FILE`: not a deploy command the rules read
    job = s.field("job") if version >= 2 else None
    track = s.text("gcloud_component")
    if track in ("alpha", "beta"):
        s.fields.append(_literal(track, s.here))
    s.fields += [_literal(w, s.here) for w in (("run", "jobs", "deploy") if job else ("run", "deploy"))]
    name = job or s.field("service")
    if name is not None:
        s.fields.append(name)
    s.map("image", "--image")
    s.map("source", "--source")
    _kv_flag(s, "env_vars", "env_vars_update_strategy", "env-vars", version, job is not None, "env_vars_file")
    _kv_flag(s, "secrets", "secrets_update_strategy", "secrets", version, job is not None)
    if job is None:
        s.map("tag", "--tag")
        s.map("suffix", "--revision-suffix")
        no_traffic = s.field("no_traffic")
        if no_traffic is not None and (no_traffic.value.text or "").lower() == "true":
            s.add("--no-traffic", None, no_traffic, "no_traffic")
        s.map("timeout", "--timeout")  # services only: the action does not pass it for jobs
    s.default("region", "--region", "us-central1")
    s.map("project_id", "--project")
    flags = s.inputs.get("flags")
    if flags is not None and (flags.value or "").strip():
        _flags(s, flags)
    return True


def _kv_flag(s: _Step, name: str, strategy_name: str, kind: str, version: int, job: bool, file_name: str = ""):
    """env_vars / secrets: `--update-*` for merge (the default), `--set-*` for overwrite."""
    value = s.field(name)
    from_file = s.field(file_name) if file_name else None
    if value is None and from_file is None:
        return
    strategy = s.field(strategy_name) if version >= 2 else None
    chosen = "merge" if strategy is None else strategy.value.text
    if chosen is None:
        s.opaque.append(strategy)  # the flag depends on a value known only when the workflow runs
        return
    if chosen not in ("merge", "overwrite"):
        return  # the action stops: 'Invalid "..._update_strategy" value'
    replace = chosen == "overwrite" or (kind == "secrets" and job)  # jobs: the action swaps in --set-secrets
    flag = f"--{'set' if replace else 'update'}-{kind}"
    if value is not None:
        joined = kv_for_gcloud(value.value.text) if value.value.known else None
        if value.value.known and joined is None:
            return  # '{}' or nothing: the action passes no flag
        if joined is not None and joined != value.value.text:
            value = Field(Value((Piece(joined),)), value.raw, value.location)
    if from_file is not None:
        reason = f"the variables are read from {from_file.raw} when the action runs"
        value = Field(unknown(reason), (value or from_file).raw, (value or from_file).location)
    at, label = value, name
    if strategy is not None and chosen == "overwrite":
        at, label = strategy, strategy_name
    s.add(flag, value, at, label)


def parse_kv(text: str) -> dict[str, str]:
    """actions-utils parseKVString: pairs split by `,` or newlines, `\\` escapes the next
    character, keys and values trimmed; "{}" is empty."""
    text = text.strip()
    result: dict[str, str] = {}
    if not text or text == "{}":
        return result
    key, value, in_value, escaped = "", "", False, False
    for ch in text:
        if escaped:
            if in_value:
                value += ch
            else:
                key += ch
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "=" and not in_value:
            if not key:
                raise ValueError("a value with no key before '='")
            in_value = True
        elif ch in ",\n\r\u2028\u2029":
            if key:
                result[key.strip()] = value.strip()
            key, value, in_value = "", "", False
        elif in_value:
            value += ch
        else:
            key += ch
    if escaped:
        raise ValueError("an unterminated escape")
    if key:
        result[key.strip()] = value.strip()
    return result


_DELIMITERS = ",.!@#$%&*()_=+~`[]{}|:;<>?"


def kv_for_gcloud(text: str) -> str | None:
    """actions-utils joinKVStringForGCloud(parseKVString(text)): `^D^K=V...` with the first
    delimiter not in the text; None when there are no pairs (or the text does not parse)."""
    try:
        pairs = parse_kv(text)
    except ValueError:
        return None
    if not pairs:
        return None
    flat = "".join(f"{k}={v}" for k, v in pairs.items())
    delimiter = next((d for d in _DELIMITERS if d not in flat), None)
    if delimiter is None:
        return None
    return f"^{delimiter}^" + delimiter.join(f"{k}={v}" for k, v in pairs.items())


def split_flags(text: str) -> list[tuple[int, int]] | None:
    """actions-utils parseFlags as (start, end) offsets: split on spaces and newlines, quotes
    kept together, `--flag=value` split in two, a token wholly in matching quotes unquoted.
    A `${{ }}` expression stays in one token (GitHub replaces it before the action splits).
    None for an unterminated quote (the action stops)."""
    tokens: list[tuple[int, int]] = []
    start: int | None = None
    expecting = False
    i = 0
    while i < len(text):
        ch = text[i]
        if text.startswith("${{", i):
            end = text.find("}}", i)
            start = i if start is None else start
            i = len(text) if end < 0 else end + 2
        elif ch in "'\"":
            close = _read_until(text, i + 1, ch)
            if close is None:
                return None
            start = i if start is None else start
            i = close + 1
        elif ch in " \r\n":
            expecting = False
            if start is not None:
                tokens.append((start, i))
                start = None
            i += 1
        elif ch == "=" and not expecting and start is not None and text[start] == "-":
            tokens.append((start, i))
            start, expecting = None, True
            i += 1
        else:
            start = i if start is None else start
            i += 1
    if start is not None:
        tokens.append((start, len(text)))
    out = []
    for lo, hi in tokens:
        while hi - lo >= 2 and text[lo] in "'\"" and text[lo] == text[hi - 1]:
            lo, hi = lo + 1, hi - 1
        out.append((lo, hi))
    return out


def _read_until(text: str, i: int, quote: str) -> int | None:
    escaped = False
    for j in range(i, len(text)):
        if text[j] == "\\":
            escaped = True
            continue
        if text[j] == quote and not escaped:
            return j
        escaped = False
    return None


def _flags(s: _Step, node: YamlNode) -> None:
    text = node.value or ""
    tokens = split_flags(text)
    if tokens is None:
        where = s.reader.literal(node)[0]
        s.opaque.append(Field(unknown("an unterminated quote in `flags`: the action stops"), text, where, True))
        return
    mapper, exact = scalar_mapper(node, s.reader.lines)
    for lo, hi in tokens:
        row = text.count("\n", 0, lo)
        column = lo - (text.rfind("\n", 0, lo) + 1)
        line, col, ok = mapper(row, column)
        token = text[lo:hi]
        span = Location(s.path, line, col, line, col + len(token)) if ok and exact and "\n" not in token else None
        where = span or Location(s.path, line, col)
        value = s.resolve(token, span)
        many = not value.known and _EXPRESSION.fullmatch(token) is not None
        s.fields.append(Field(value, token, where, many))


# -- deploy-cloud-functions ---------------------------------------------------------------------

def _functions(s: _Step, version: int) -> bool:
    s.fields += [_literal("functions", s.here), _literal("deploy", s.here)]
    name = s.field("name")
    if name is not None:
        s.fields.append(name)
    if version >= 3:
        _functions_v2_api(s)
    else:
        _functions_v1_api(s)
    return True


def _functions_v2_api(s: _Step) -> None:
    environment = s.field("environment")
    if environment is not None and environment.value.text == "GEN_1":
        s.add("--no-gen2", None, environment, "environment")
    else:
        s.add("--gen2", None, environment, "environment")
    s.default("region", "--region", "us-central1")
    s.map("project_id", "--project")
    for name, flag in (("source_dir", "--source"), ("runtime", "--runtime"), ("entry_point", "--entry-point"),
                       ("build_service_account", "--build-service-account"),
                       ("build_worker_pool", "--build-worker-pool"), ("docker_repository", "--docker-repository"),
                       ("kms_key_name", "--kms-key"), ("cpu", "--cpu")):
        s.map(name, flag)
    s.default("memory", "--memory", "256Mi")
    _whole_set(s, "build_environment_variables", "build-env-vars")
    _whole_set(s, "environment_variables", "env-vars")
    _whole_set(s, "secrets", "secrets")
    for name, flag in (("ingress_settings", "--ingress-settings"), ("max_instance_count", "--max-instances"),
                       ("min_instance_count", "--min-instances"),
                       ("max_instance_request_concurrency", "--concurrency"),
                       ("service_account", "--service-account")):
        s.map(name, flag)
    s.default("service_timeout", "--timeout", "60s")
    if s.map("vpc_connector", "--vpc-connector") is not None:
        s.map("vpc_connector_egress_settings", "--egress-settings")
    topic, kind = s.field("event_trigger_pubsub_topic"), s.field("event_trigger_type")
    if topic is not None and kind is not None:
        s.add("--trigger-topic", topic, topic, "event_trigger_pubsub_topic")
    elif kind is not None:
        text = kind.value.text
        value = Value((Piece(f"type={text}"),)) if text is not None else kind.value
        s.add("--trigger-event-filters", Field(value, kind.raw, kind.location), kind, "event_trigger_type")
    else:
        s.add("--trigger-http", None, None, "event_trigger_type")
    if kind is not None:
        s.map("event_trigger_location", "--trigger-location")
        s.map("event_trigger_service_account", "--trigger-service-account")


def _whole_set(s: _Step, name: str, kind: str) -> None:
    """Sent as the function's whole set: non-empty replaces what is live, "{}" clears it."""
    value = s.field(name)
    if value is None:
        return
    if value.value.known and not kv_for_gcloud(value.value.text):
        if value.value.text.strip() == "{}":
            s.add(f"--clear-{kind}", None, value, name)
        return
    if value.value.known:
        value = Field(Value((Piece(kv_for_gcloud(value.value.text)),)), value.raw, value.location)
    s.add(f"--set-{kind}", value, value, name)


def _functions_v1_api(s: _Step) -> None:
    s.add("--no-gen2", None, None, "environment")
    s.default("region", "--region", "us-central1")
    s.map("project_id", "--project")
    for name, flag in (("source_dir", "--source"), ("runtime", "--runtime"), ("entry_point", "--entry-point"),
                       ("memory_mb", "--memory"), ("timeout", "--timeout"), ("max_instances", "--max-instances"),
                       ("min_instances", "--min-instances"), ("service_account_email", "--service-account"),
                       ("vpc_connector", "--vpc-connector"), ("ingress_settings", "--ingress-settings")):
        s.map(name, flag)
    # Declarative: environmentVariables is always in the update, so it replaces the live set.
    env, env_file = s.field("env_vars"), s.field("env_vars_file")
    if env is not None:
        _whole_set(s, "env_vars", "env-vars")
    elif env_file is not None:
        s.add("--env-vars-file", env_file, env_file, "env_vars_file")
    else:
        s.add("--clear-env-vars", None, None, "env_vars")
    kind, resource = s.field("event_trigger_type"), s.field("event_trigger_resource")
    if kind is not None and resource is not None:
        s.add("--trigger-event", kind, kind, "event_trigger_type")
        s.add("--trigger-resource", resource, resource, "event_trigger_resource")
    else:
        s.add("--trigger-http", None, None, "event_trigger_type")


def read_step(reader, step: YamlNode, resolve: Resolve) -> DeployCommand | None:
    """The deploy command of a step that uses one of Google's deploy actions, else None."""
    uses = step.get("uses")
    m = _USES.match((uses.value or "").strip()) if uses is not None and uses.kind == "scalar" else None
    if m is None:
        return None
    action = m.group("action")
    version = 0 if m.group("old") else major(m.group("ref"), action)
    s = _Step(reader, step, uses, resolve)
    if action == "deploy-cloudrun":
        ok, sent_by = _cloudrun(s, version), "gcloud"
    else:
        ok, sent_by = _functions(s, version), "api"
    return s.command(sent_by, uses.value.strip()) if ok else None
