"""PF3xx: deploy commands (`gcloud functions deploy`, `gcloud run deploy|services update`,
`gcloud run jobs deploy|create|update`) in shell scripts, Cloud Build and GitHub Actions."""

from __future__ import annotations

import difflib
import re

from gcp_preflight.gcloud import flags as gcloud_flags
from gcp_preflight.gcloud.limits import (
    DEFAULT_MEMORY, GEN1_TIERS_MB, MAX_MEMORY, cpu_count, cpus_needed, duration_seconds, memory_bytes,
    raised_memory, timeout_max,
)
from gcp_preflight.rules.deploy.floors import floor_for
from gcp_preflight.gcloud.memory import MIB, gen2_as_sent, mib
from gcp_preflight.model import Diagnostic, Fix, Related, Severity, TextEdit
from gcp_preflight.rules.base import once, rule
from gcp_preflight.rules.deploy.context import (
    commands, name_of, options, place, platform_reading, shown, target, unresolved,
)


def _once(diagnostics):
    """A command in a function or sourced file is read once per caller: report each place once."""
    return once(diagnostics)


def _memory(command):
    """(flag, bytes) for a command whose --memory is known and valid, else (flag, None)."""
    flag = command.flag("--memory")
    if flag is None or flag.value is None or flag.value.text is None:
        return flag, None
    try:
        return flag, memory_bytes(flag.value.text, command.platform, command.generation, command.via_api)
    except ValueError:
        return flag, None


def _sent(command, text: str) -> str:
    if command.platform == "function" and command.generation != "gen1" and not command.via_api:
        try:
            sent = gen2_as_sent(text)
        except ValueError:
            return ""
        return f", sent as {sent}" if sent != text else ""
    return ""


def _memory_fix(project, command, word, floor) -> Fix | None:
    """Raise the literal where it is written, in the same file as the command, same unit style."""
    span = word.literal_at
    if span is None or span.path != command.path or span.end_column is None:
        return None
    line = project.line(span.path, span.line)
    if line[span.column - 1:span.end_column - 1] != word.text:
        return None
    new = raised_memory(word.text, floor.bytes, command.platform, command.generation, command.via_api)
    if new is None:
        return None
    try:
        if memory_bytes(new, command.platform, command.generation, command.via_api) < floor.bytes:
            return None
    except ValueError:
        return None
    edit = TextEdit(span.path, span.line, span.column, span.line, span.end_column, new)
    return Fix(f"raise {word.text} to {new}", (edit,), safe=False)  # more memory costs more


@rule("PF301", "memory-below-floor", Severity.ERROR)
def memory_below_floor(project):
    """A deploy command gives less memory than the floor for that function, service or job.

    ## What it does
    Reads `--memory` the way gcloud does for the platform: 1st gen functions read every unit as
    binary (`1GB` is 1024 MiB), 2nd gen functions send the unit as a Kubernetes quantity
    (`256MB` becomes `256M`, decimal, about 244 MiB), Cloud Run takes Kubernetes quantities
    (`512Mi`, `1Gi`). It compares the bytes with the floor configured under
    `[tool.gcp-preflight.memory]` for the deployed name (`floors = {"*-orchestrator" = "1GiB"}`),
    or the platform's default floor: 512 MB for functions, 512 MiB for Cloud Run. When the value
    comes through a variable, the finding is on the assignment and the flag is a related
    location. `--fix` raises a literal written in the same file, keeping its unit. A
    `google-github-actions/deploy-cloud-functions@v3` step sends `memory` to the API as written
    (a bare number is bytes) and `256Mi` when the input is left out, on every deploy.

    ## Why is this bad?
    An orchestrator holding BigQuery and Firestore clients uses about 250 MB before it does
    any work; at 256 MB it is killed for running out of memory, often only under load.

    ## Example
    ```bash bin/deploy_orchestrator.sh
    MEMORY="256MB"
    gcloud functions deploy phase2-orchestrator --gen2 --runtime python311 --memory $MEMORY
    ```

    ## Fix
    ```bash bin/deploy_orchestrator.sh
    MEMORY="512MB"
    gcloud functions deploy phase2-orchestrator --gen2 --runtime python311 --memory $MEMORY
    ```
    """
    settings = project.memo(options)
    found = []
    for command in project.memo(commands):
        flag, size = _memory(command)
        if size is None:
            continue
        floor = floor_for(name_of(command), command.platform, settings.memory)
        if size >= floor.bytes:
            continue
        word = flag.value
        location, related = place(word, flag)
        message = (f"{shown(flag)} is {mib(size)} on {platform_reading(command)}{_sent(command, word.text)}; "
                   f"the floor for {target(command)} is {floor.text} ({mib(floor.bytes)}, {floor.source})")
        found.append(Diagnostic(location, message, related, _memory_fix(project, command, word, floor),
                                inputs=(command.path,)))  # the value may be set in another file
    return _once(found)


@rule("PF302", "memory-not-declared", Severity.INFO)
def memory_not_declared(project):
    """A deploy command without a `--memory` the tool can read.

    ## What it does
    Reports a deploy command with no `--memory` flag, or one whose value cannot be resolved
    statically (a command substitution, a variable the file never sets), saying why.

    ## Why is this bad?
    Without the flag a first deploy gets the platform default (256M for functions, 512Mi for
    Cloud Run) and a redeploy keeps whatever is live, so what runs depends on history, and the
    memory floor (PF301) cannot be checked.

    ## Example
    ```bash bin/deploy.sh
    gcloud run deploy api --image gcr.io/p/api --region us-central1
    ```

    ## Fix
    ```bash bin/deploy.sh
    gcloud run deploy api --image gcr.io/p/api --region us-central1 --memory 1Gi
    ```
    """
    found = []
    for command in project.memo(commands):
        flag = command.flag("--memory")
        if flag is None:
            hidden = f" (unless {', '.join(w.raw for w in command.opaque)}, unresolved, adds it)" if command.opaque else ""
            what = "no memory size" if command.declarative else "no --memory"
            found.append(Diagnostic(command.location,
                                    f"{what} for {target(command)}{hidden}: a first deploy gets "
                                    f"{DEFAULT_MEMORY[command.platform]}, a redeploy keeps whatever is live"))
        elif flag.value is not None and flag.value.text is None:
            found.append(Diagnostic(flag.value.location,
                                    f"{shown(flag, flag.value.raw)} for {target(command)} is not checked against "
                                    f"the floor: {unresolved(flag.value)}"))
    return _once(found)


def _invalid_memory(command):
    flag = command.flag("--memory")
    if flag is None or flag.value is None or flag.value.text is None:
        return
    text, where = flag.value.text, flag.value
    location, related = place(where, flag)
    try:
        size = memory_bytes(text, command.platform, command.generation, command.via_api)
    except ValueError as exc:
        if command.declarative and command.platform == "function" and command.generation == "gen1":
            yield Diagnostic(location, f"{shown(flag)} is not a whole number of MB, which {platform_reading(command)} "
                                       f"needs", related)
        elif command.declarative:  # sent as written: a Kubernetes quantity
            yield Diagnostic(location, f"{shown(flag)} is not a size {platform_reading(command)} accepts (a Kubernetes "
                                       f"quantity such as 512Mi or 1Gi; MB and GB suffixes are not)", related)
        elif command.via_api:
            yield Diagnostic(location, f"{shown(flag)}: {exc}", related)
        elif command.platform != "function":
            hint = " (a Kubernetes quantity such as 512Mi or 1Gi; MB and GB suffixes are not)"
            yield Diagnostic(location, f"{shown(flag)} is not a size {platform_reading(command)} accepts{hint}",
                             related)
        else:
            yield Diagnostic(location, f"{shown(flag)} is not valid for {platform_reading(command)}: {exc}", related)
        return
    if command.platform == "function" and command.generation == "gen1":
        if not GEN1_TIERS_MB[0] * MIB <= size <= GEN1_TIERS_MB[-1] * MIB:
            yield Diagnostic(location, f"{shown(flag)} ({mib(size)}) is outside 128MB..8192MB, "
                                       f"the range of 1st gen functions", related)
        return
    key = command.platform if command.platform != "function" else "gen2"
    if size > MAX_MEMORY[key]:
        yield Diagnostic(location, f"{shown(flag)} ({mib(size)}) is above the {mib(MAX_MEMORY[key])} maximum "
                                   f"for {platform_reading(command)}", related)
        return
    cpu_flag = command.flag("--cpu")
    needed = cpus_needed(size)
    if cpu_flag is None or cpu_flag.value is None or cpu_flag.value.text is None or needed is None:
        return
    try:
        cpus = cpu_count(cpu_flag.value.text)
    except ValueError:
        return
    if cpus < needed:
        yield Diagnostic(location, f"{shown(flag)} ({mib(size)}) needs at least {needed:g} CPU on "
                                   f"{platform_reading(command)}; {shown(cpu_flag)} gives {cpus:g}",
                         related + (Related(cpu_flag.location, "the --cpu given"),))


def _invalid_timeout(command):
    name = "--task-timeout" if command.platform == "run-job" else "--timeout"
    flag = command.flag(name)
    if flag is None or flag.value is None or flag.value.text is None:
        return
    location, related = place(flag.value, flag)
    try:
        seconds = duration_seconds(flag.value.text)
    except ValueError as exc:
        yield Diagnostic(location, f"{shown(flag)}: {exc}", related)
        return
    event = any(command.has(f) for f in ("--trigger-topic", "--trigger-bucket", "--trigger-event",
                                         "--trigger-event-filters"))
    limit, what = timeout_max(command.platform, command.generation, event)
    if seconds > limit:
        yield Diagnostic(location, f"{shown(flag)} is above the {limit:g}s maximum for {what}", related)


@rule("PF303", "invalid-deploy-value", Severity.ERROR)
def invalid_deploy_value(project):
    """A memory, CPU or timeout value that gcloud or the platform rejects.

    ## What it does
    Reports `--memory` in a unit the platform does not take (`512MB` for Cloud Run, which wants
    a Kubernetes quantity such as `512Mi`), memory above the platform maximum (32 GiB; 8192MB
    for 1st gen functions) or outside 128MB..8192MB on 1st gen, memory that needs more CPUs than
    `--cpu` gives (more than 4 GiB needs 2, more than 8 GiB 4, 16 GiB 6, 24 GiB 8), and a
    `--timeout` above the maximum (540s for 1st gen and event-driven functions, 3600s for HTTP
    functions and Cloud Run services, 168h for job tasks) or not a duration.

    ## Why is this bad?
    The deploy fails, often late in a pipeline, or (for a unit read differently than meant) the
    service gets a size nobody chose.

    ## Example
    ```bash bin/deploy_api.sh
    gcloud run deploy api --image gcr.io/p/api --memory 512MB
    ```

    ## Fix
    ```bash bin/deploy_api.sh
    gcloud run deploy api --image gcr.io/p/api --memory 512Mi
    ```
    """
    found = []
    for command in project.memo(commands):
        found.extend(_invalid_memory(command))
        found.extend(_invalid_timeout(command))
    return _once(found)


_REPLACING = {
    "--set-env-vars": "replaces every environment variable already set on {t}; use --update-env-vars "
                      "(and --remove-env-vars) to change only the keys given",
    "--env-vars-file": "replaces every environment variable already set on {t} with the file's; use "
                       "--update-env-vars to change only the keys given",
    "--clear-env-vars": "removes every environment variable set on {t}",
    "--set-secrets": "replaces every secret already mounted on {t}; use --update-secrets (and "
                     "--remove-secrets) to change only the keys given",
    "--clear-secrets": "removes every secret set on {t}",
}


# Action inputs that amount to a replacing flag: what the action does, and what to write instead.
_ACTION_REPLACING = {
    "env_vars_update_strategy": "use env_vars_update_strategy: merge (the default), which passes --update-env-vars",
    "secrets_update_strategy": "use secrets_update_strategy: merge (the default), which passes --update-secrets",
    "secrets": "deploy-cloudrun passes --set-secrets for every job, whatever secrets_update_strategy says; list "
               "every secret the job needs here, or update it with gcloud run jobs update --update-secrets",
    "environment_variables": "the action sends the function's whole set to the API and has no merge mode: list "
                             "every variable the function needs here",
    "env_vars": "before v3 the action sends the whole set of variables on every deploy, even when env_vars is "
                "left out: list every variable the function needs here",
}


def _replacing(command, flag) -> str:
    effect = _REPLACING[flag.name].split(";")[0].format(t=target(command))
    if not flag.input:
        return f"{flag.name} " + _REPLACING[flag.name].format(t=target(command))
    if flag.value is None and flag.input == "env_vars":
        return f"env_vars is left out, so {command.action} {effect}; " \
               + _ACTION_REPLACING["env_vars"]
    advice = _ACTION_REPLACING.get(flag.input, "")
    written = f"{flag.input}: overwrite" if flag.input.endswith("_update_strategy") else flag.input
    return f"{written} makes {command.action} pass {flag.name}, which {effect}" + (f"; {advice}" if advice else "")


@rule("PF304", "destructive-flag", Severity.WARNING)
def destructive_flag(project):
    """A deploy flag that replaces all environment variables or secrets already set.

    ## What it does
    Reports `--set-env-vars`, `--env-vars-file`, `--clear-env-vars`, `--set-secrets` and
    `--clear-secrets` on commands that update an existing function, service or job (not
    `gcloud run jobs create`), and the action inputs that amount to them:
    `env_vars_update_strategy: overwrite` and `secrets_update_strategy: overwrite` of
    `google-github-actions/deploy-cloudrun`, its `secrets` on a job, `environment_variables`
    and `secrets` of `deploy-cloud-functions@v3`, `env_vars` (given or not) before v3. Names
    listed in `[tool.gcp-preflight.deploy] allow-replace` are exempt, and so are Terraform
    resources and Cloud Run manifests, which declare the whole set on purpose (and show what
    they remove before they apply).

    ## Why is this bad?
    gcloud removes every existing variable first: one set by hand in the console, by another
    pipeline, or by a teammate's hotfix disappears silently on the next deploy. `--update-env-vars`
    and `--update-secrets` change only the keys they name.

    ## Example
    ```bash bin/deploy.sh
    gcloud functions deploy ingest --gen2 --memory 512MB --set-env-vars BUCKET=raw-data
    ```

    ## Fix
    ```bash bin/deploy.sh
    gcloud functions deploy ingest --gen2 --memory 512MB --update-env-vars BUCKET=raw-data
    ```
    """
    settings = project.memo(options)
    found = []
    for command in project.memo(commands):
        if command.command == "run jobs create" or settings.replace_allowed(name_of(command)) \
                or command.declarative:  # Terraform or a manifest declares the whole set
            continue
        seen = set()
        for flag in command.flags:
            if flag.name in _REPLACING and flag.name not in seen:  # repeated flags merge: say it once
                seen.add(flag.name)
                found.append(Diagnostic(flag.location, _replacing(command, flag)))
    return _once(found)


def _pairs(word) -> list[str]:
    if word is None or word.text is None:
        return []
    text = word.text
    if text.startswith("^") and text.count("^") >= 2:  # gcloud's ^DELIM^ escaping
        delimiter, text = text[1:].split("^", 1)
        return [p.split("=", 1)[0] for p in text.split(delimiter) if p]
    return [p.split("=", 1)[0] for p in text.split(",") if p]


@rule("PF305", "conflicting-flags", Severity.ERROR)
def conflicting_flags(project):
    """Flags that gcloud refuses in one command, or a key set twice.

    ## What it does
    Reports flags from different choices of one of gcloud's mutually exclusive groups: at most
    one of `--clear-env-vars`, `--env-vars-file`, `--set-env-vars` and `--update-env-vars` with
    `--remove-env-vars` (and likewise for secrets and build env vars); `--image` with
    `--source`; a flag with its `--clear-` form; two kinds of trigger. It also reports a key
    given twice across repeated `--set-env-vars` / `--update-env-vars` / secrets flags: gcloud
    merges repeated flags, so only the last value of that key is deployed.

    ## Why is this bad?
    gcloud stops with "argument --update-env-vars: At most one of ... can be specified" and the
    deploy never happens; a key given twice deploys a value the reader did not expect.

    ## Example
    ```bash bin/deploy.sh
    gcloud run deploy api --image gcr.io/p/api --memory 1Gi --set-env-vars A=1 --update-env-vars B=2
    ```

    ## Fix
    ```bash bin/deploy.sh
    gcloud run deploy api --image gcr.io/p/api --memory 1Gi --update-env-vars A=1,B=2
    ```
    """
    found = []
    for command in project.memo(commands):
        present = {f.name: f for f in reversed(command.flags)}  # the first occurrence of each
        for group in gcloud_flags.EXCLUSIVE_GROUPS:
            chosen = [[present[n] for n in choice if n in present] for choice in group]
            chosen = [c for c in chosen if c]
            if len(chosen) > 1:
                first, second = chosen[0][0], chosen[1][0]
                if second.location < first.location:
                    first, second = second, first
                names = " | ".join(" + ".join(choice) for choice in group)
                found.append(Diagnostic(second.location,
                                        f"gcloud rejects {second.name} together with {first.name} (at most one of: {names})",
                                        (Related(first.location, f"{first.name} is given here"),)))
        for name in ("--set-env-vars", "--update-env-vars", "--set-secrets", "--update-secrets"):
            seen = {}
            for flag in command.flags:
                if flag.name != name:
                    continue
                for key in _pairs(flag.value):
                    if key in seen:
                        found.append(Diagnostic(flag.location, f"{name} sets {key} twice in one command; gcloud keeps "
                                                               f"only the last value",
                                                (Related(seen[key], f"{key} is first set here"),)))
                    seen.setdefault(key, flag.location)
    return _once(found)


@rule("PF306", "unknown-flag", Severity.WARNING)
def unknown_flag(project):
    """A flag the deploy command does not accept.

    ## What it does
    Compares each flag with the flags gcloud's reference lists for that command
    (`functions deploy`, `run deploy`, `run services update`, `run jobs deploy|create|update`)
    and the gcloud-wide flags, and suggests the closest one. The beta track adds its own flags;
    the alpha track is not checked. Flags newer than the table can be accepted with
    `[tool.gcp-preflight.deploy] extra-flags = ["--new-flag"]`.

    ## Why is this bad?
    gcloud stops with "unrecognized arguments" and nothing is deployed; a misspelt flag in a
    rarely run script is found during an incident.

    ## Example
    ```bash bin/deploy.sh
    gcloud run jobs deploy nightly --image gcr.io/p/job --memory 1Gi --timeout 3600s
    ```

    ## Fix
    Cloud Run jobs take `--task-timeout`.
    ```bash bin/deploy.sh
    gcloud run jobs deploy nightly --image gcr.io/p/job --memory 1Gi --task-timeout 3600s
    ```
    """
    settings = project.memo(options)
    found = []
    for command in project.memo(commands):
        accepted = gcloud_flags.accepted(command.command, command.release_track)
        if accepted is None:
            continue
        for flag in command.flags:
            if flag.name in accepted or flag.name in settings.extra_flags or not flag.name.startswith("--"):
                continue
            close = difflib.get_close_matches(flag.name, accepted, n=1, cutoff=0.75)
            hint = f"; did you mean {close[0]}?" if close else ""
            track = f"{command.release_track} " if command.release_track else ""
            found.append(Diagnostic(flag.location, f"gcloud {track}{command.command} does not accept {flag.name}{hint}"))
    return _once(found)


def _count(word) -> int | None:
    if word is None or word.text is None or not re.fullmatch(r"\d+", word.text.strip()):
        return None
    return int(word.text)


@rule("PF307", "instance-or-timeout-policy", Severity.WARNING)
def instance_or_timeout_policy(project):
    """A min-instances, max-instances or timeout value outside the configured policy.

    ## What it does
    Applies `[tool.gcp-preflight.deploy.policy]`, keyed by deployed-name glob, to
    `--min-instances`, `--max-instances` and `--timeout` (`--task-timeout` for jobs) when the
    command sets them (a command that leaves a flag out keeps the live value on a redeploy).
    Nothing is checked without a policy.

    ## Why is this bad?
    A hard-coded `--min-instances 0` resets, on every deploy, the warm instance someone set on
    an orchestrator to avoid cold starts; a `--max-instances` too high lets a retry storm
    exhaust a database's connections.

    ## Example
    ```toml preflight.toml
    [deploy.policy."*-orchestrator"]
    min-instances = { at-least = 1 }
    ```
    ```bash bin/deploy.sh
    gcloud functions deploy phase2-orchestrator --gen2 --memory 512MB --min-instances 0
    ```

    ## Fix
    ```bash bin/deploy.sh
    gcloud functions deploy phase2-orchestrator --gen2 --memory 512MB --min-instances 1
    ```
    """
    settings = project.memo(options)
    found = []
    for command in project.memo(commands):
        policy = settings.policy_for(name_of(command))
        if policy is None:
            continue
        timeout = "--task-timeout" if command.platform == "run-job" else "--timeout"
        checks = (("--min-instances", policy.min_instances, _count, lambda v: f"{v:g}"),
                  ("--max-instances", policy.max_instances, _count, lambda v: f"{v:g}"),
                  (timeout, policy.timeout, _duration, lambda v: f"{v:g}s"))
        for name, limits, read, show in checks:
            if limits is None:
                continue
            flag = command.flag(name)
            rule_text = f'deploy.policy."{policy.glob}"'
            if flag is None:  # a redeploy keeps the live value; PF302-like reports belong to the audit
                continue
            value = read(flag.value)
            if value is None:
                continue
            location, related = place(flag.value, flag)
            if limits.at_least is not None and value < limits.at_least:
                found.append(Diagnostic(location, f"{shown(flag)} for {target(command)} is below "
                                                  f"{show(limits.at_least)}, the least {rule_text} allows", related,
                                        inputs=(command.path,)))
            if limits.at_most is not None and value > limits.at_most:
                found.append(Diagnostic(location, f"{shown(flag)} for {target(command)} is above "
                                                  f"{show(limits.at_most)}, the most {rule_text} allows", related,
                                        inputs=(command.path,)))
    return _once(found)


def _duration(word) -> float | None:
    if word is None or word.text is None:
        return None
    try:
        return duration_seconds(word.text)
    except ValueError:
        return None


RULES = (memory_below_floor, memory_not_declared, invalid_deploy_value, destructive_flag, conflicting_flags,
         unknown_flag, instance_or_timeout_policy)
