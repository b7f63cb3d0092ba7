"""The flags each deploy command accepts, per release track, as data.

The tables describe Google Cloud SDK 578.0.0 (SDK_VERSION). For each command and track they hold
every flag the command's parser registers in that release, hidden ones included (gcloud accepts a
hidden flag; it only leaves it out of --help): the set `gcloud meta list-commands gcloud.run.jobs.create
--flag-values --hidden` prints, read from the SDK's own command definitions (lib/surface/... and
googlecloudsdk/command_lib/.../flags.py). They agree with the SYNOPSIS of the reference pages
(https://cloud.google.com/sdk/gcloud/reference/functions/deploy, .../run/deploy,
.../run/services/update, .../run/jobs/deploy, .../run/jobs/create, .../run/jobs/update) and, for
the flags both know, with `--help` of SDK 528.0.0 (../shared/reference/gcp.md section 5).

Each track is written as what it adds to the one before: GA, then beta (GA + FOO_BETA), then alpha
(beta + FOO_ALPHA); in 578.0.0 every GA flag is also a beta and an alpha flag. Notation: `--flag=`
takes a value, `--flag` is a switch, `--[no-]flag` a switch whose negative form gcloud also
accepts, `~` marks a hidden flag (accepted, never suggested).

Evidence for flags whose acceptance was disputed (issue 12, cause 1; corpus triage "PF306"):
- `gcloud run jobs create --update-env-vars | --remove-env-vars | --clear-env-vars |
  --update-secrets | --remove-secrets | --clear-secrets`: accepted on the GA track since SDK
  517.0.0 (2025-04), when `run jobs create` moved to the per-container flag group
  (ContainerArgGroup with MutexEnvVarsFlags and SecretsFlags). From 413.0.0 to 516.0.0 GA used
  AddMutexEnvVarsFlagsForCreate (`--env-vars-file | --set-env-vars`) and AddSetSecretsFlag
  (`--set-secrets`) only, which is what the corpus triage read; beta and alpha had the full group
  from 463.0.0. `gcloud run jobs create --help` of 528.0.0 lists them.
- `gcloud run jobs deploy --update-env-vars` and `--update-secrets`: accepted (GA) in 528.0.0
  and 578.0.0.
- Not accepted in 578.0.0 though the former table listed them: `--allow-unauthenticated`,
  `--[no-]automatic-updates`, `--base-image` and `--clear-base-image` on `run services update`;
  `--update-labels`, `--remove-labels`, `--clear-labels`, `--clear-key`, `--platform` and the
  cloudsql add/remove/clear flags on `run jobs deploy|update`; `--source` on `run jobs update`.

A flag no table has may be newer than SDK_VERSION: PF306 says so as a notice, naming the version.
"""

from __future__ import annotations

SDK_VERSION = "578.0.0"

GLOBAL = """
~---flag-file-line-= --access-token-file= --account= ~--authority-selector=
~--authorization-token-file= --billing-project= --configuration= ~--credential-file-override=
~--document= --flags-file= --flatten= --format= --help ~--http-timeout=
--impersonate-service-account= --[no-]log-http --project= --quiet --trace-token= ~--universe-domain=
--[no-]user-output-enabled --verbosity=
"""

FUNCTIONS_DEPLOY = """
--[no-]allow-unauthenticated --binary-authorization= --build-env-vars-file= --build-service-account=
--build-worker-pool= --[no-]clear-binary-authorization --[no-]clear-build-env-vars
--[no-]clear-build-service-account --[no-]clear-build-worker-pool --[no-]clear-docker-repository
--[no-]clear-env-vars --[no-]clear-kms-key --[no-]clear-labels --[no-]clear-max-instances
--[no-]clear-min-instances --[no-]clear-network --[no-]clear-network-tags --[no-]clear-secrets
--[no-]clear-vpc-connector --concurrency= --cpu= --direct-vpc-egress= --docker-registry=
--docker-repository= --egress-settings= --entry-point= --env-vars-file= --[no-]gen2 --ignore-file=
--ingress-settings= --kms-key= --max-instances= --memory= --min-instances= --network=
--network-tags= --region= --remove-build-env-vars= --remove-env-vars= --remove-labels=
--remove-secrets= --[no-]retry --run-service-account= --runtime= --runtime-update-policy=
--security-level= --[no-]serve-all-traffic-latest-revision --service-account= --set-build-env-vars=
--set-env-vars= --set-secrets= --source= --stage-bucket= --subnet= --timeout= --trigger-bucket=
~--trigger-channel= --trigger-event= --trigger-event-filters= --trigger-event-filters-path-pattern=
--[no-]trigger-http --trigger-location= --trigger-resource= --trigger-service-account=
--trigger-topic= --update-build-env-vars= --update-env-vars= --update-labels= --update-secrets=
--vpc-connector=
"""

FUNCTIONS_DEPLOY_BETA = """

"""

FUNCTIONS_DEPLOY_ALPHA = """
--buildpack-stack=
"""

RUN_DEPLOY = """
--add-cloudsql-instances= --add-custom-audiences= --add-volume= --add-volume-mount=
--[no-]allow-unauthenticated ~--[no-]allow-unencrypted-build --args= --[no-]async
--[no-]automatic-updates --base-image= --binary-authorization= --breakglass= --build-env-vars-file=
--build-service-account= --build-worker-pool= --[no-]clear-base-image
--[no-]clear-binary-authorization --[no-]clear-build-env-vars --[no-]clear-build-service-account
--[no-]clear-build-worker-pool --[no-]clear-cloudsql-instances ~--[no-]clear-config-maps
--[no-]clear-custom-audiences --[no-]clear-encryption-key-shutdown-hours --[no-]clear-env-vars
--[no-]clear-key --[no-]clear-labels --[no-]clear-network --[no-]clear-network-tags
--[no-]clear-post-key-revocation-action-type --[no-]clear-secrets --[no-]clear-volume-mounts
--[no-]clear-volumes --[no-]clear-vpc-connector ~--client-name= ~--client-version= ~--cluster=
~--cluster-location= --command= --concurrency= ~--connectivity= --container= ~--context= --cpu=
--[no-]cpu-boost --[no-]cpu-throttling --[no-]default-url --depends-on= --[no-]deploy-health-check
--description= --encryption-key-shutdown-hours= --env-vars-file= --execution-environment=
--function= --gpu= --gpu-type= --[no-]gpu-zonal-redundancy --[no-]iap --image= --ingress=
--[no-]invoker-iam-check --key= ~--kubeconfig= --labels= --liveness-probe= --max= --max-instances=
--memory= --min= --min-instances= --namespace= --network= --network-tags= --no-traffic ~--platform=
--port= --post-key-revocation-action-type= --readiness-probe= --region= --regions=
--remove-build-env-vars= --remove-cloudsql-instances= ~--remove-config-maps= --remove-containers=
--remove-custom-audiences= --remove-env-vars= --remove-labels= --remove-secrets= --remove-volume=
--remove-volume-mount= --revision-suffix= --scaling= --service-account= ~--service-max-instances=
~--service-min-instances= --[no-]session-affinity --set-build-env-vars= --set-cloudsql-instances=
~--set-config-maps= --set-custom-audiences= --set-env-vars= --set-secrets= --source=
--startup-probe= --subnet= --tag= --timeout= ~--update-annotations= --update-build-env-vars=
~--update-config-maps= --update-env-vars= --update-labels= --update-secrets= --[no-]use-http2
--vpc-connector= --vpc-egress= --workdir=
"""

RUN_DEPLOY_BETA = """
--domain= --[no-]dry-run --endpoint-mode= --mesh= --no-build --[no-]sandbox-launcher
--scaling-concurrency-target= --scaling-cpu-target= --[no-]ssh
"""

RUN_DEPLOY_ALPHA = """
~--ambient-networking= ~--[no-]clear-presets --[no-]delegate-builds --functional-type= ~--identity=
--[no-]identity-certificate --identity-type= --[no-]local-build ~--mesh-dataplane=
~--[no-]overflow-scaling ~--preset= --[no-]public ~--[no-]run-upload ~--runtime=
"""

RUN_SERVICES_UPDATE = """
--add-cloudsql-instances= --add-custom-audiences= --add-volume= --add-volume-mount= --args=
--[no-]async --binary-authorization= --breakglass= --[no-]clear-binary-authorization
--[no-]clear-cloudsql-instances ~--[no-]clear-config-maps --[no-]clear-custom-audiences
--[no-]clear-encryption-key-shutdown-hours --[no-]clear-env-vars --[no-]clear-key
--[no-]clear-labels --[no-]clear-network --[no-]clear-network-tags
--[no-]clear-post-key-revocation-action-type --[no-]clear-secrets --[no-]clear-volume-mounts
--[no-]clear-volumes --[no-]clear-vpc-connector ~--client-name= ~--client-version= ~--cluster=
~--cluster-location= --command= --concurrency= ~--connectivity= --container= ~--context= --cpu=
--[no-]cpu-boost --[no-]cpu-throttling --[no-]default-url --depends-on= --[no-]deploy-health-check
--encryption-key-shutdown-hours= --env-vars-file= --execution-environment= --gpu= --gpu-type=
--[no-]gpu-zonal-redundancy --[no-]iap --image= --ingress= --[no-]invoker-iam-check --key=
~--kubeconfig= --labels= --liveness-probe= --max= --max-instances= --memory= --min= --min-instances=
--namespace= --network= --network-tags= --no-traffic ~--platform= --port=
--post-key-revocation-action-type= --readiness-probe= --region= --remove-cloudsql-instances=
~--remove-config-maps= --remove-containers= --remove-custom-audiences= --remove-env-vars=
--remove-labels= --remove-secrets= --remove-volume= --remove-volume-mount= --revision-suffix=
--scaling= --service-account= ~--service-max-instances= ~--service-min-instances=
--[no-]session-affinity --set-cloudsql-instances= ~--set-config-maps= --set-custom-audiences=
--set-env-vars= --set-secrets= --startup-probe= --subnet= --tag= --timeout= ~--update-annotations=
~--update-config-maps= --update-env-vars= --update-labels= --update-secrets= --[no-]use-http2
--vpc-connector= --vpc-egress= --workdir=
"""

RUN_SERVICES_UPDATE_BETA = """
--[no-]dry-run --endpoint-mode= --mesh= --[no-]sandbox-launcher --scaling-concurrency-target=
--scaling-cpu-target= --[no-]ssh
"""

RUN_SERVICES_UPDATE_ALPHA = """
~--ambient-networking= ~--[no-]clear-presets --description= --functional-type= ~--identity=
--[no-]identity-certificate --identity-type= ~--mesh-dataplane= ~--[no-]overflow-scaling
--[no-]public ~--runtime=
"""

RUN_JOBS_DEPLOY = """
--add-volume= --add-volume-mount= --args= --[no-]async --binary-authorization= --breakglass=
--[no-]clear-env-vars --[no-]clear-network --[no-]clear-network-tags --[no-]clear-secrets
--[no-]clear-volume-mounts --[no-]clear-volumes ~--client-name= ~--client-version= --command=
--container= --cpu= --depends-on= --env-vars-file= --[no-]execute-now ~--execution-environment=
--gpu= --gpu-type= --[no-]gpu-zonal-redundancy --image= --key= --labels= --max-retries= --memory=
--network= --network-tags= --parallelism= --region= --remove-containers= --remove-env-vars=
--remove-secrets= --remove-volume= --remove-volume-mount= --service-account=
--set-cloudsql-instances= --set-env-vars= --set-secrets= --source= --startup-probe= --subnet=
--task-timeout= --tasks= ~--update-annotations= --update-env-vars= --update-secrets=
--vpc-connector= --vpc-egress= --[no-]wait --workdir=
"""

RUN_JOBS_DEPLOY_BETA = """
--endpoint-mode= --[no-]sandbox-launcher
"""

RUN_JOBS_DEPLOY_ALPHA = """
~--[no-]delay-execution ~--functional-type= ~--[no-]identity-certificate ~--identity-type=
~--runtime=
"""

RUN_JOBS_CREATE = """
--add-volume= --add-volume-mount= --args= --[no-]async --binary-authorization= --breakglass=
--[no-]clear-env-vars --[no-]clear-secrets --[no-]clear-volume-mounts --[no-]clear-volumes
~--client-name= ~--client-version= --command= --container= --cpu= --depends-on= --env-vars-file=
--[no-]execute-now ~--execution-environment= --gpu= --gpu-type= --[no-]gpu-zonal-redundancy --image=
--key= --labels= --max-retries= --memory= --network= --network-tags= --parallelism= --region=
--remove-env-vars= --remove-secrets= --remove-volume= --remove-volume-mount= --service-account=
--set-cloudsql-instances= --set-env-vars= --set-secrets= --startup-probe= --subnet= --task-timeout=
--tasks= ~--update-annotations= --update-env-vars= --update-secrets= --vpc-connector= --vpc-egress=
--[no-]wait --workdir=
"""

RUN_JOBS_CREATE_BETA = """
--endpoint-mode= --[no-]sandbox-launcher
"""

RUN_JOBS_CREATE_ALPHA = """
~--[no-]delay-execution ~--functional-type= ~--[no-]identity-certificate ~--identity-type=
~--runtime=
"""

RUN_JOBS_UPDATE = """
--add-cloudsql-instances= --add-volume= --add-volume-mount= --args= --[no-]async
--binary-authorization= --breakglass= --[no-]clear-binary-authorization
--[no-]clear-cloudsql-instances --[no-]clear-env-vars --[no-]clear-labels --[no-]clear-network
--[no-]clear-network-tags --[no-]clear-secrets --[no-]clear-volume-mounts --[no-]clear-volumes
--[no-]clear-vpc-connector ~--client-name= ~--client-version= --command= --container= --cpu=
--depends-on= --env-vars-file= --[no-]execute-now ~--execution-environment= --gpu= --gpu-type=
--[no-]gpu-zonal-redundancy --image= --key= --labels= --max-retries= --memory= --network=
--network-tags= --parallelism= --region= --remove-cloudsql-instances= --remove-containers=
--remove-env-vars= --remove-labels= --remove-secrets= --remove-volume= --remove-volume-mount=
--service-account= --set-cloudsql-instances= --set-env-vars= --set-secrets= --startup-probe=
--subnet= --task-timeout= --tasks= ~--update-annotations= --update-env-vars= --update-labels=
--update-secrets= --vpc-connector= --vpc-egress= --[no-]wait --workdir=
"""

RUN_JOBS_UPDATE_BETA = """
--endpoint-mode= --[no-]sandbox-launcher
"""

RUN_JOBS_UPDATE_ALPHA = """
~--[no-]delay-execution ~--functional-type= ~--[no-]identity-certificate ~--identity-type=
~--runtime=
"""


_TRACK_SPECS = {
    "functions deploy": (FUNCTIONS_DEPLOY, FUNCTIONS_DEPLOY_BETA, FUNCTIONS_DEPLOY_ALPHA),
    "run deploy": (RUN_DEPLOY, RUN_DEPLOY_BETA, RUN_DEPLOY_ALPHA),
    "run services update": (RUN_SERVICES_UPDATE, RUN_SERVICES_UPDATE_BETA, RUN_SERVICES_UPDATE_ALPHA),
    "run jobs deploy": (RUN_JOBS_DEPLOY, RUN_JOBS_DEPLOY_BETA, RUN_JOBS_DEPLOY_ALPHA),
    "run jobs create": (RUN_JOBS_CREATE, RUN_JOBS_CREATE_BETA, RUN_JOBS_CREATE_ALPHA),
    "run jobs update": (RUN_JOBS_UPDATE, RUN_JOBS_UPDATE_BETA, RUN_JOBS_UPDATE_ALPHA),
}
COMMANDS = {command: specs[0] for command, specs in _TRACK_SPECS.items()}
TRACKS = ("", "beta", "alpha")

PLATFORMS = {
    "functions deploy": "function",
    "run deploy": "run-service",
    "run services update": "run-service",
    "run jobs deploy": "run-job",
    "run jobs create": "run-job",
    "run jobs update": "run-job",
}

# Flags gcloud accepts at most one of (each inner tuple is one choice). Source: the `|` groups
# of the SYNOPSIS lines above; `--remove-X` and `--update-X` go together as one choice.
EXCLUSIVE_GROUPS = (
    (("--clear-env-vars",), ("--env-vars-file",), ("--set-env-vars",), ("--remove-env-vars", "--update-env-vars")),
    (("--clear-secrets",), ("--set-secrets",), ("--remove-secrets", "--update-secrets")),
    (("--clear-build-env-vars",), ("--build-env-vars-file",), ("--set-build-env-vars",),
     ("--remove-build-env-vars", "--update-build-env-vars")),
    (("--clear-min-instances",), ("--min-instances",)),
    (("--clear-max-instances",), ("--max-instances",)),
    (("--clear-vpc-connector",), ("--vpc-connector",)),
    (("--image",), ("--source",)),
    (("--trigger-http",), ("--trigger-topic",), ("--trigger-bucket",), ("--trigger-event", "--trigger-resource"),
     ("--trigger-event-filters", "--trigger-event-filters-path-pattern")),
)


def _parse(spec: str) -> tuple[dict[str, bool], frozenset[str]]:
    """'--a= --b --[no-]c ~--d=' -> ({"--a": True, "--b": False, "--c": False, "--no-c": False,
    "--d": True}, frozenset({"--d"})): flag -> takes a value, and the hidden flags."""
    flags: dict[str, bool] = {}
    hidden: set[str] = set()
    for token in spec.split():
        secret = token.startswith("~")
        token = token.lstrip("~")
        takes_value = token.endswith("=")
        name = token.rstrip("=")
        names = [name]
        if name.startswith("--[no-]"):
            base = name[len("--[no-]"):]
            names = ["--" + base, "--no-" + base]
        for one in names:
            flags[one] = takes_value
            if secret:
                hidden.add(one)
    return flags, frozenset(hidden)


GLOBAL_FLAGS, _GLOBAL_HIDDEN = _parse(GLOBAL)


def _tables() -> dict[tuple[str, str], tuple[dict[str, bool], frozenset[str]]]:
    out = {}
    for command, specs in _TRACK_SPECS.items():
        flags: dict[str, bool] = dict(GLOBAL_FLAGS)
        hidden: set[str] = set(_GLOBAL_HIDDEN)
        for track, spec in zip(TRACKS, specs):
            more, more_hidden = _parse(spec)
            flags = {**flags, **more}
            hidden = hidden | more_hidden
            out[(command, track)] = (flags, frozenset(hidden))
    return out


_TABLES = _tables()


def accepted(command: str, release_track: str = "") -> dict[str, bool] | None:
    """Flag -> takes a value, for a command on a release track ("", "beta", "alpha"); None for a
    command no table describes."""
    found = _TABLES.get((command, release_track))
    return found[0] if found is not None else None


def suggestible(command: str, release_track: str = "") -> list[str]:
    """The flags of a command that --help shows (hidden ones are never suggested)."""
    found = _TABLES.get((command, release_track))
    return sorted(set(found[0]) - found[1]) if found is not None else []


def tracks_accepting(command: str, flag: str) -> list[str]:
    """The release tracks of a command that accept a flag ("" for GA)."""
    return [track for track in TRACKS if flag in _TABLES.get((command, track), ({}, None))[0]]


def commands_accepting(flag: str) -> list[str]:
    """The deploy commands that accept a flag on some track."""
    return [command for command in _TRACK_SPECS if tracks_accepting(command, flag)]


def takes_value(command: str, flag: str) -> bool | None:
    """Whether a flag takes a value, on the most complete track of a command (alpha holds every
    beta and GA flag), else on any command; None for a flag no table knows."""
    table = _TABLES.get((command, "alpha"), ({}, None))[0]
    if flag in table:
        return table[flag]
    if flag in GLOBAL_FLAGS:
        return GLOBAL_FLAGS[flag]
    for (_, track), (flags, _) in _TABLES.items():
        if track == "alpha" and flag in flags:
            return flags[flag]
    return None
