"""The flags each deploy command accepts, as data.

Sources: the SYNOPSIS sections of gcloud's reference pages (Cloud SDK 5xx, read 2025):
  https://cloud.google.com/sdk/gcloud/reference/functions/deploy
  https://cloud.google.com/sdk/gcloud/reference/run/deploy
  https://cloud.google.com/sdk/gcloud/reference/run/services/update
  https://cloud.google.com/sdk/gcloud/reference/run/jobs/deploy
  https://cloud.google.com/sdk/gcloud/reference/run/jobs/create
  https://cloud.google.com/sdk/gcloud/reference/run/jobs/update
  https://cloud.google.com/sdk/gcloud/reference (GCLOUD_WIDE_FLAGs)
and ../shared/reference/gcp.md section 5. Notation as on those pages: `--flag=` takes a value,
`--flag` is a switch, `--[no-]flag` is a switch with a negative form. The beta and alpha tracks
accept more flags; BETA_EXTRA lists the common ones and alpha is not checked.
"""

from __future__ import annotations

GLOBAL = """
--access-token-file= --account= --billing-project= --configuration= --flags-file= --flatten=
--format= --help --impersonate-service-account= --log-http --no-log-http --project= --quiet
--trace-token= --user-output-enabled --no-user-output-enabled --verbosity=
"""

_ENV = "--clear-env-vars --env-vars-file= --set-env-vars= --remove-env-vars= --update-env-vars="
_SECRETS = "--clear-secrets --set-secrets= --remove-secrets= --update-secrets="
_LABELS = "--clear-labels --remove-labels= --labels= --update-labels="

FUNCTIONS_DEPLOY = f"""
--region= --[no-]allow-unauthenticated --concurrency= --docker-registry= --egress-settings=
--entry-point= --[no-]gen2 --ignore-file= --ingress-settings= --[no-]retry --run-service-account=
--runtime= --runtime-update-policy= --security-level= --serve-all-traffic-latest-revision
--service-account= --source= --stage-bucket= --timeout= --trigger-location=
--trigger-service-account= --update-labels= --clear-labels --remove-labels=
--binary-authorization= --clear-binary-authorization
--build-env-vars-file= --clear-build-env-vars --set-build-env-vars= --remove-build-env-vars=
--update-build-env-vars= --build-service-account= --clear-build-service-account
--build-worker-pool= --clear-build-worker-pool --clear-docker-repository --docker-repository=
{_ENV} --clear-kms-key --kms-key= --clear-max-instances --max-instances= --clear-min-instances
--min-instances= {_SECRETS} --clear-vpc-connector --vpc-connector= --cpu= --memory=
--trigger-bucket= --trigger-http --trigger-topic= --trigger-event= --trigger-resource=
--trigger-event-filters= --trigger-event-filters-path-pattern=
"""

_RUN_CONTAINER = f"""
--container= --add-volume-mount= --args= --[no-]automatic-updates --clear-volume-mounts --command=
--cpu= --depends-on= --gpu= --image= --memory= --port= --remove-volume-mount= --[no-]use-http2
--base-image= --clear-base-image --liveness-probe= --readiness-probe= --startup-probe=
{_ENV} {_SECRETS}
"""

_RUN_SERVICE = f"""
--namespace= --async --breakglass= --clear-vpc-connector --concurrency= --[no-]cpu-boost
--[no-]cpu-throttling --[no-]default-url --[no-]deploy-health-check --execution-environment=
--gpu-type= --[no-]gpu-zonal-redundancy --ingress= --[no-]invoker-iam-check --max= --max-instances=
--min= --min-instances= --region= --remove-containers= --revision-suffix= --scaling=
--service-account= --service-min-instances= --[no-]session-affinity --tag= --timeout= --no-traffic
--vpc-connector= --vpc-egress= --add-cloudsql-instances= --clear-cloudsql-instances
--remove-cloudsql-instances= --set-cloudsql-instances= --add-custom-audiences=
--clear-custom-audiences --remove-custom-audiences= --set-custom-audiences= --add-volume=
--clear-volumes --remove-volume= {_RUN_CONTAINER} {_LABELS} --clear-key --key=
--clear-network --network= --subnet= --clear-network-tags --network-tags=
--clear-post-key-revocation-action-type --post-key-revocation-action-type=
--encryption-key-shutdown-hours= --clear-encryption-key-shutdown-hours
--binary-authorization= --clear-binary-authorization --platform= --cluster= --cluster-location=
--context= --kubeconfig= --connectivity= --clear-config-maps --set-config-maps=
--remove-config-maps= --update-config-maps= --[no-]allow-unauthenticated
"""

RUN_DEPLOY = _RUN_SERVICE + """
--description= --regions= --source= --function= --build-service-account= --build-worker-pool=
--clear-build-worker-pool --set-build-env-vars= --update-build-env-vars= --remove-build-env-vars=
--clear-build-env-vars --build-env-vars-file= --no-build
"""

RUN_SERVICES_UPDATE = _RUN_SERVICE

_RUN_JOB = f"""
--args= --binary-authorization= --clear-binary-authorization --breakglass= --command= --cpu=
--key= --clear-key --labels= --max-retries= --memory= --parallelism= --region= --service-account=
--task-timeout= --tasks= --vpc-connector= --vpc-egress= --async --execute-now --wait --image=
--container= --depends-on= --gpu= --gpu-type= --network= --subnet= --network-tags=
--add-volume= --remove-volume= --clear-volumes --add-volume-mount= --remove-volume-mount=
--clear-volume-mounts --platform=
"""

RUN_JOBS_CREATE = _RUN_JOB + " --env-vars-file= --set-env-vars= --set-secrets= --set-cloudsql-instances="

RUN_JOBS_DEPLOY = _RUN_JOB + f"""
{_ENV} {_SECRETS} --source= --clear-network --clear-network-tags --add-cloudsql-instances=
--clear-cloudsql-instances --remove-cloudsql-instances= --set-cloudsql-instances=
--update-labels= --remove-labels= --clear-labels --clear-vpc-connector
"""

RUN_JOBS_UPDATE = RUN_JOBS_DEPLOY

BETA_EXTRA = """
--direct-vpc-egress= --buildpack-stack= --[no-]iap --mesh= --regions= --gpu-type=
--trigger-service-account= --[no-]default-url --[no-]deploy-health-check
"""

COMMANDS = {
    "functions deploy": FUNCTIONS_DEPLOY,
    "run deploy": RUN_DEPLOY,
    "run services update": RUN_SERVICES_UPDATE,
    "run jobs deploy": RUN_JOBS_DEPLOY,
    "run jobs create": RUN_JOBS_CREATE,
    "run jobs update": RUN_JOBS_UPDATE,
}

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


def _parse(spec: str) -> dict[str, bool]:
    """'--a= --b --[no-]c' -> {"--a": True, "--b": False, "--c": False, "--no-c": False}."""
    flags: dict[str, bool] = {}
    for token in spec.split():
        takes_value = token.endswith("=")
        name = token.rstrip("=")
        if name.startswith("--[no-]"):
            base = name[len("--[no-]"):]
            flags["--" + base] = False
            flags["--no-" + base] = False
        else:
            flags[name] = takes_value
    return flags


GLOBAL_FLAGS = _parse(GLOBAL)
_TABLES = {command: {**_parse(spec), **GLOBAL_FLAGS} for command, spec in COMMANDS.items()}
_BETA = _parse(BETA_EXTRA)


def accepted(command: str, release_track: str = "") -> dict[str, bool] | None:
    """Flag -> takes a value, for a command; None when the track is not checked (alpha)."""
    table = _TABLES.get(command)
    if table is None or release_track == "alpha":
        return None
    return {**table, **_BETA} if release_track == "beta" else table


def takes_value(command: str, flag: str) -> bool | None:
    """Whether a flag takes a value in any track; None for a flag no table knows."""
    for table in (_TABLES.get(command, {}), _BETA, GLOBAL_FLAGS):
        if flag in table:
            return table[flag]
    return None
