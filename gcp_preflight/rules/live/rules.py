"""PF900-PF905: what is deployed, compared with floors and with the repository's deploy commands.

The facts come from a live audit (`preflight audit`, `preflight validate-all`): LiveResource,
Listed and AccessProblem, passed to the engine as extra facts. A static `check` has none of
them, so these rules report nothing there. Findings about a resource a deploy command declares
point at that command; a resource declared nowhere has no file (Location path "").
"""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight import ignore_patterns
from gcp_preflight.rules.deploy.evidence import evidence
from gcp_preflight.rules.deploy.floors import Evidence, floor_for
from gcp_preflight.gcloud.memory import flag_bytes, mib
from gcp_preflight.model import Diagnostic, Location, Related, Severity
from gcp_preflight.rules.base import rule
from gcp_preflight.rules.live.match import (
    audit, dict_keys, duration_seconds, env_file_keys, known)
from gcp_preflight.validators.deploy.facts import DeployCommand, Flag
from gcp_preflight.validators.gcp_inventory.facts import AccessProblem, LiveResource

NOWHERE = Location("")
DEFAULT_IGNORED_ENV = ("LOG_EXECUTION_ID",)  # added by the Cloud Functions v2 API itself


@dataclass(frozen=True)
class AuditOptions:
    ignore_env_vars: tuple[str, ...] = DEFAULT_IGNORED_ENV
    managed_elsewhere: tuple[str, ...] = ()

    @classmethod
    def of(cls, project) -> "AuditOptions":
        section = project.config.section("audit")
        return cls(tuple(section.get("ignore-env-vars", DEFAULT_IGNORED_ENV)),
                   tuple(section.get("managed-elsewhere", ())))


def _key(res: LiveResource, aspect: str) -> str:
    """Baseline identity: the resource and what is wrong, not the values that may change."""
    return f"{res.kind}:{res.region}:{res.name}:{aspect}"


def _at(cmd: DeployCommand | None, flag: Flag | None = None) -> Location:
    if flag is not None:
        return flag.location
    return cmd.location if cmd is not None else NOWHERE


def _this(cmd: DeployCommand) -> str:
    """What declares the resource: a command, or a Terraform resource or manifest."""
    return {"terraform": "this Terraform resource", "cloud-run-yaml": "this manifest"}.get(cmd.origin, "this command")


def _origin(flag: Flag | None) -> tuple[Related, ...]:
    word = flag.value if flag else None
    if word is not None and word.origin is not None and word.origin != word.location:
        return (Related(word.origin, "the value is set here"),)
    return ()


@rule("PF900", "audit-incomplete", Severity.WARNING)
def audit_incomplete(project):
    """A listing of deployed resources, or an inventory file, could not be read.

    ## What it does
    Reports each part of a live audit that failed while the rest went on: permission denied or
    an API not enabled (naming the permission or the API), a region that timed out or was
    unreachable, a reply or inventory file that is not what it should be. The other findings of
    the audit stand, but nothing is said about what could not be listed.

    ## Why is this bad?
    A gate that passes because it could not look is worse than no gate: an audit that silently
    skipped a region would report that region's under-provisioned functions as fine.

    ## Example
    ```toml preflight.toml
    [audit]
    inventory = ["inventory/functions.json"]
    ```
    ```json inventory/functions.json
    [{"name": "projects/demo/locations/us-central1/functions/orchestrator",
    ```

    ## Fix
    Export the inventory again (`gcloud functions list --format=json > inventory/functions.json`),
    or grant the permission / enable the API the message names.
    ```json inventory/functions.json
    [{"name": "projects/demo/locations/us-central1/functions/orchestrator", "environment": "GEN_2",
      "state": "ACTIVE", "serviceConfig": {"availableMemory": "512Mi"}}]
    ```
    """
    for item in project.facts(AccessProblem):
        location = Location(item.path) if item.path else NOWHERE
        yield Diagnostic(location, item.message, key=f"{item.scope}:{item.reason}")


@rule("PF901", "deployed-memory-below-floor", Severity.ERROR)
def deployed_memory_below_floor(project):
    """A deployed function, service or job has less memory than its floor.

    ## What it does
    Compares the memory each deployed resource has, in bytes, with the floor PF301 uses for
    deploy commands (`[memory]` in the configuration: `function-floor`, `service-floor`,
    `job-floor` and name globs under `floors`). The finding points at the deploy command when
    the repository declares the resource.

    ## Why is this bad?
    The repository may be right while production is not: a console edit, an old deploy, or a
    deploy from another branch left the resource below what it needs, and it runs out of memory
    under load. Note that a 2nd gen function deployed with `--memory 256MB` has 256M (about 244
    MiB), not 256 MiB.

    ## Example
    ```toml preflight.toml
    [audit]
    inventory = ["inventory/functions.json"]
    ```
    ```json inventory/functions.json
    [{"name": "projects/demo/locations/us-central1/functions/orchestrator", "environment": "GEN_2",
      "state": "ACTIVE", "serviceConfig": {"availableMemory": "256M"}}]
    ```

    ## Fix
    Redeploy with enough memory (`--memory 512Mi`); the inventory then shows it.
    ```json inventory/functions.json
    [{"name": "projects/demo/locations/us-central1/functions/orchestrator", "environment": "GEN_2",
      "state": "ACTIVE", "serviceConfig": {"availableMemory": "512Mi"}}]
    ```
    """
    memory_config = project.config.section("memory")
    found = project.memo(audit)
    for res in project.facts(LiveResource):
        if res.memory_bytes is None:
            continue
        cmds = found.commands_for(res)
        floor = floor_for(res.name, res.kind, memory_config, _evidence(project, cmds), _execution(cmds))
        if res.memory_bytes >= floor.bytes:
            continue
        cmd = cmds[0] if cmds else None
        flag = cmd.flag("--memory") if cmd else None
        yield Diagnostic(_at(cmd, flag),
                         f"deployed {res.label} has {res.memory} ({mib(res.memory_bytes)}), below the floor of "
                         f"{floor.text} ({mib(floor.bytes)}, {floor.source})",
                         related=tuple(Related(c.location, "also deploys it") for c in cmds[1:]),
                         key=_key(res, "memory-floor"))


def _evidence(project, cmds) -> Evidence | None:
    """What the declaring commands' units load (the same evidence PF301 follows); None for a
    resource no command declares, which is held to the heavy-client floor."""
    if not cmds:
        return None
    found = [project.memo(evidence).of(c) for c in cmds]
    heavy = next((e for e in found if e.heavy is not None), None)
    if heavy is not None:
        return heavy
    return next((e for e in found if not e.known), found[0])


def _execution(cmds) -> str | None:
    """The execution environment the declaring commands ask for (gen2 raises a service's floor)."""
    for cmd in cmds:
        flag = cmd.value("--execution-environment")
        if flag is not None and flag.known:
            return flag.text
    return None


def _memory_drift(cmd: DeployCommand, res: LiveResource):
    flag = cmd.flag("--memory")
    text = known(flag.value) if flag else None
    if text is None or res.memory_bytes is None:
        return None
    try:
        declared = flag_bytes(text, cmd.platform, cmd.generation or res.generation, cmd.via_api)
    except ValueError:
        return None  # PF3xx reports a malformed --memory
    if declared == res.memory_bytes:
        return None
    return flag, f"memory {res.memory} ({mib(res.memory_bytes)})", f"{text} ({mib(declared)})"


def _text_drift(cmd: DeployCommand, res: LiveResource, name: str, live: str | None, what: str):
    flag = cmd.flag(name)
    text = known(flag.value) if flag else None
    if text is None or live is None or text == live:
        return None
    return flag, f"{what} {live}", text


def _int_drift(cmd: DeployCommand, res: LiveResource, name: str, live: int | None, what: str, parse=None):
    flag = cmd.flag(name)
    text = known(flag.value) if flag else None
    if text is None or live is None:
        return None
    value = parse(text) if parse else (int(text) if text.strip().isdigit() else None)
    if value is None or value == live:
        return None
    return flag, f"{what} {live}", text


def _drifts(cmd: DeployCommand, res: LiveResource):
    timeout_flag = "--task-timeout" if cmd.platform == "run-job" else "--timeout"
    yield _memory_drift(cmd, res)
    if cmd.platform == "function":
        yield _text_drift(cmd, res, "--runtime", res.runtime, "runtime")
        yield _text_drift(cmd, res, "--entry-point", res.entry_point, "entry point")
    yield _int_drift(cmd, res, timeout_flag, res.timeout_s, "timeout (s)", duration_seconds)
    if cmd.platform != "run-job":
        yield _int_drift(cmd, res, "--min-instances", res.min_instances, "min instances")
        yield _int_drift(cmd, res, "--max-instances", res.max_instances, "max instances")


@rule("PF902", "deployed-config-drift", Severity.WARNING)
def deployed_config_drift(project):
    """A deployed resource's memory, runtime, entry point, timeout or instances differ from its deploy command.

    ## What it does
    For each resource a deploy command in the repository declares, compares what is deployed with
    the command's `--memory` (in bytes, as gcloud translates it for the platform and generation),
    `--runtime`, `--entry-point`, `--timeout` (`--task-timeout` for jobs), `--min-instances` and
    `--max-instances`. The finding points at the flag. Values the command leaves out are not
    compared: gcloud keeps the live value for them.

    ## Why is this bad?
    Either someone changed production by hand (and the next deploy silently undoes it), or the
    repository changed and was never deployed. Both mean the repository no longer describes
    production.

    ## Example
    ```toml preflight.toml
    [audit]
    inventory = ["inventory/functions.json"]
    ```
    ```json inventory/functions.json
    [{"name": "projects/demo/locations/us-central1/functions/orchestrator", "environment": "GEN_2",
      "state": "ACTIVE", "buildConfig": {"runtime": "python311", "entryPoint": "main"},
      "serviceConfig": {"availableMemory": "1Gi", "timeoutSeconds": 60}}]
    ```
    ```bash bin/deploy.sh
    gcloud functions deploy orchestrator --gen2 --region us-central1 \\
      --runtime python312 --entry-point main --memory 1Gi --timeout 60s
    ```

    ## Fix
    Deploy the command (or change it to what production should keep).
    ```bash bin/deploy.sh
    gcloud functions deploy orchestrator --gen2 --region us-central1 \\
      --runtime python311 --entry-point main --memory 1Gi --timeout 60s
    ```
    """
    for cmd, res in project.memo(audit).pairs:
        for drift in _drifts(cmd, res):
            if drift is None:
                continue
            flag, live, declared = drift
            setting = f"{flag.input}: {declared}" if cmd.declarative and flag.input else f"{flag.name} {declared}"
            yield Diagnostic(flag.location, f"deployed {res.label} has {live}; {_this(cmd)} declares {setting}",
                             related=_origin(flag), key=_key(res, f"drift{flag.name}"))


_ENV_FAMILIES = (
    # (what, live attribute, flags that set names, flags that replace everything, clear flag)
    ("env vars", "env_names", ("--set-env-vars", "--update-env-vars"), ("--set-env-vars", "--env-vars-file"), "--clear-env-vars"),
    ("secret env vars", "secret_env_names", ("--set-secrets", "--update-secrets"), ("--set-secrets",), "--clear-secrets"),
)


def _declared_names(project, cmd: DeployCommand, setting: tuple[str, ...], with_file: bool) -> set[str] | None:
    """Names the command sets; None when one of its values cannot be known."""
    names: set[str] = set()
    for flag in cmd.flags:
        if flag.name in setting or (with_file and flag.name == "--env-vars-file"):
            text = known(flag.value)
            if text is None:
                return None
            keys = env_file_keys(project, cmd, text) if flag.name == "--env-vars-file" else dict_keys(text)
            if keys is None:
                return None
            names.update(k for k in keys if not k.startswith("/"))  # "/path=secret:v" is a volume
    return names


@rule("PF903", "deployed-env-var-drift", Severity.WARNING)
def deployed_env_var_drift(project):
    """Env var names a deploy command sets are missing live, or a `--set-env-vars` redeploy would wipe live ones.

    ## What it does
    Compares env var names (never values) of each declared resource with its deploy command:
    names the command sets (`--set-env-vars`, `--update-env-vars`, `--env-vars-file`) that the
    deployed resource lacks, and names the deployed resource has that a replacing flag
    (`--set-env-vars`, `--env-vars-file`, `--clear-env-vars`) would remove on the next deploy.
    Secret env vars (`--set-secrets`, `--update-secrets`) are compared the same way. Names the
    platform adds itself (`LOG_EXECUTION_ID`) are ignored; `[audit] ignore-env-vars` lists more.

    ## Why is this bad?
    `--set-env-vars` removes every variable it does not name. A variable someone added by hand
    (a feature flag, an API endpoint) disappears at the next deploy, and the function fails at
    run time, not at deploy time.

    ## Example
    ```toml preflight.toml
    [audit]
    inventory = ["inventory/functions.json"]
    ```
    ```json inventory/functions.json
    [{"name": "projects/demo/locations/us-central1/functions/orchestrator", "environment": "GEN_2",
      "state": "ACTIVE", "serviceConfig": {"availableMemory": "1Gi",
      "environmentVariables": {"DATASET": "prod", "SLACK_WEBHOOK_URL": "https://example.invalid"}}}]
    ```
    ```bash bin/deploy.sh
    gcloud functions deploy orchestrator --gen2 --region us-central1 --set-env-vars DATASET=prod
    ```

    ## Fix
    Name every variable, or change only some with `--update-env-vars`.
    ```bash bin/deploy.sh
    gcloud functions deploy orchestrator --gen2 --region us-central1 --update-env-vars DATASET=prod
    ```
    """
    options = AuditOptions.of(project)
    ignored = set(options.ignore_env_vars)
    for cmd, res in project.memo(audit).pairs:
        for what, attribute, setting, replacing, clear in _ENV_FAMILIES:
            live = set(getattr(res, attribute)) - ignored
            with_file = what == "env vars"
            declared = _declared_names(project, cmd, setting, with_file)
            if declared is None:
                continue
            flags = [f for f in cmd.flags if f.name in setting or f.name in replacing or f.name == clear]
            missing = sorted(declared - set(getattr(res, attribute)))
            if missing and flags:
                yield Diagnostic(flags[0].location,
                                 f"{_this(cmd)} sets {what} {', '.join(missing)}, which deployed {res.label} does not have "
                                 f"(removed since, or {_this(cmd)} was never deployed)",
                                 key=_key(res, f"{attribute}-missing"))
            wiping = [f for f in cmd.flags if f.name in replacing or f.name == clear]
            wiped = sorted(live - declared)
            if wiping and wiped and cmd.declarative:
                yield Diagnostic(wiping[0].location,
                                 f"{wiping[0].input or what} lists all {what}: the next apply removes {', '.join(wiped)} "
                                 f"from deployed {res.label}; name them here if they are still needed",
                                 key=_key(res, f"{attribute}-wiped"))
            elif wiping and wiped:
                yield Diagnostic(wiping[0].location,
                                 f"{wiping[0].name} replaces all {what}: redeploying removes {', '.join(wiped)} from deployed "
                                 f"{res.label}; name them here or use --update-{'secrets' if 'secret' in what else 'env-vars'}",
                                 key=_key(res, f"{attribute}-wiped"))


@rule("PF904", "deployed-not-ready", Severity.ERROR)
def deployed_not_ready(project):
    """A deployed function is not ACTIVE, or a Cloud Run service or job is not ready.

    ## What it does
    Reports resources whose state says they are not serving: a function in state `FAILED`,
    `DEPLOYING` or `OFFLINE`, a Cloud Run service or job whose terminal condition is not
    `CONDITION_SUCCEEDED` (or whose `Ready` condition is not `True`), with the platform's own
    explanation.

    ## Why is this bad?
    A failed deploy can leave the previous revision serving, or nothing: either way, what the
    repository says is not what runs, and a pipeline step that calls it fails.

    ## Example
    ```toml preflight.toml
    [audit]
    inventory = ["inventory/functions.json"]
    ```
    ```json inventory/functions.json
    [{"name": "projects/demo/locations/us-central1/functions/orchestrator", "environment": "GEN_2",
      "state": "FAILED", "stateMessages": [{"message": "Container failed to start."}],
      "serviceConfig": {"availableMemory": "1Gi"}}]
    ```

    ## Fix
    Read the deploy logs, fix the cause and deploy again until the state is ACTIVE.
    ```json inventory/functions.json
    [{"name": "projects/demo/locations/us-central1/functions/orchestrator", "environment": "GEN_2",
      "state": "ACTIVE", "serviceConfig": {"availableMemory": "1Gi"}}]
    ```
    """
    found = project.memo(audit)
    for res in project.facts(LiveResource):
        if res.ready is not False:
            continue
        cmds = found.commands_for(res)
        detail = f": {res.state_detail}" if res.state_detail else ""
        yield Diagnostic(_at(cmds[0] if cmds else None), f"deployed {res.label} is not ready (state {res.state}){detail}",
                         key=_key(res, "not-ready"))


@rule("PF905", "deployed-declared-mismatch", Severity.INFO)
def deployed_declared_mismatch(project):
    """A resource declared in the repository but not deployed, or deployed but declared nowhere.

    ## What it does
    Reports deploy commands whose function, service or job the audit did not find (only where
    the audit listed that kind of resource in that region), and deployed resources that no
    deploy command in the repository declares. A command whose name cannot be resolved could
    deploy anything, so it silences the second kind for its platform. Names matching
    `[audit] managed-elsewhere` (deployed by Terraform or another repository) are not reported.

    ## Why is this bad?
    A command for something that is not deployed is dead code or a deploy that never ran; a
    resource nobody declares is deployed by hand, costs money and drifts unseen.

    ## Example
    ```toml preflight.toml
    [audit]
    inventory = ["inventory/functions.json"]
    ```
    ```json inventory/functions.json
    [{"name": "projects/demo/locations/us-central1/functions/old-report", "environment": "GEN_2",
      "state": "ACTIVE", "serviceConfig": {"availableMemory": "1Gi"}}]
    ```

    ## Fix
    Delete what is no longer used, or declare who deploys it.
    ```toml preflight.toml
    [audit]
    inventory = ["inventory/functions.json"]
    managed-elsewhere = ["old-report"]
    ```
    """
    options = AuditOptions.of(project)
    found = project.memo(audit)
    for cmd in found.not_deployed:
        region = known(cmd.value("--region"))
        where = f" in {region}" if region else ""
        what = {"function": "function", "run-service": "Cloud Run service", "run-job": "Cloud Run job"}[cmd.platform]
        yield Diagnostic(cmd.location, f"{_this(cmd)} deploys {what} `{known(cmd.name)}`{where}, which is not deployed",
                         key=f"{cmd.platform}:{region}:{known(cmd.name)}:not-deployed")
    for res in found.undeclared:
        if any(ignore_patterns.matches(glob, res.name) for glob in options.managed_elsewhere):
            continue
        yield Diagnostic(NOWHERE, f"deployed {res.label} is declared by no deploy command in this repository",
                         key=_key(res, "undeclared"))


RULES = (audit_incomplete, deployed_memory_below_floor, deployed_config_drift, deployed_env_var_drift,
         deployed_not_ready, deployed_declared_mismatch)
