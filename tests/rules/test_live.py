"""PF900-PF905 over hand-made facts: deploy commands as the shell reader would give them, and
live resources as an audit would list them. Findings and messages are asserted exactly."""

from gcp_preflight import engine
from gcp_preflight.config import load
from gcp_preflight.model import Location
from gcp_preflight.validators.deploy.facts import DeployCommand, Flag, Word
from gcp_preflight.validators.gcp_inventory.facts import AccessProblem, Listed, LiveResource
from tests.helpers import write_repo

SCRIPT = "bin/deploy.sh"


def word(text, line, column=1, origin=None):
    return Word(text, text if text is not None else "$UNKNOWN", Location(SCRIPT, line, column), origin=origin)


def deploy(line, platform, name, *flags, path=SCRIPT):
    """flags: ("--memory", "512Mi") or ("--gen2", None); each on its own line after `line`."""
    built = tuple(Flag(f, word(v, line + i + 1, 5) if v is not None or f in VALUED else None, Location(path, line + i + 1, 3))
                  for i, (f, v) in enumerate(flags))
    command = {"function": "functions deploy", "run-service": "run deploy", "run-job": "run jobs deploy"}[platform]
    return DeployCommand(path, line, Location(path, line, 1), platform, command, "", word(name, line, 25) if name or name is None else None,
                         built, "shell")


VALUED = {"--memory", "--runtime", "--region", "--set-env-vars", "--project", "--timeout", "--entry-point"}


def fn(name, region="us-central1", **kw):
    base = dict(generation="gen2", memory="512Mi", memory_bytes=512 * 2**20, runtime="python311", entry_point="main",
                timeout_s=60, min_instances=0, max_instances=100, state="ACTIVE", ready=True, project="demo")
    base.update(kw)
    return LiveResource(name=name, kind="function", region=region, **base)


def audit(tmp_path, facts, config="", listed=(("function", "-"),)):
    write_repo(tmp_path, {"preflight.toml": config or "\n"})
    extra = [*facts, *(Listed(kind, region, project="demo") for kind, region in listed)]
    result, _ = engine.check(tmp_path, load(tmp_path), use_cache=False, extra_facts=extra,
                             selection=engine.Selection(("PF9",)))
    return [(f.code, str(f.location) if f.location.path else "", f.message) for f in result.findings]


def test_memory_below_floor_declared_and_undeclared(tmp_path):
    facts = [deploy(1, "function", "orch", ("--region", "us-central1"), ("--memory", "512MB")),
             fn("orch", memory="256M", memory_bytes=256_000_000),
             fn("stray", memory="256MB", memory_bytes=256 * 2**20, generation="gen1"),
             fn("big-orchestrator", memory="1Gi", memory_bytes=2**30)]
    config = '[memory]\nfloors = { "*-orchestrator" = "2GiB" }\n[audit]\nmanaged-elsewhere = ["*"]\n'
    assert audit(tmp_path, facts, config) == [
        ("PF901", "", "deployed function `big-orchestrator` (us-central1) has 1Gi (1024 MiB), below the floor of 2GiB (2048 MiB, floors.\"*-orchestrator\")"),
        ("PF901", "", "deployed function `stray` (us-central1) has 256MB (256 MiB), below the floor of 512MB (488.3 MiB, default for functions)"),
        ("PF901", "bin/deploy.sh:3:3", "deployed function `orch` (us-central1) has 256M (244.1 MiB), below the floor of 512MB (488.3 MiB, default for functions)"),
        ("PF902", "bin/deploy.sh:3:3", "deployed function `orch` (us-central1) has memory 256M (244.1 MiB); this command declares --memory 512MB (488.3 MiB)"),
    ]


def test_drift_in_every_compared_field(tmp_path):
    memory_origin = Location(SCRIPT, 1, 8)
    cmd = deploy(3, "function", "orch", ("--gen2", None), ("--region", "us-central1"), ("--runtime", "python312"),
                 ("--entry-point", "handle"), ("--timeout", "9m"), ("--min-instances", "1"), ("--max-instances", "5"),
                 ("--memory", None))
    memory = Flag("--memory", Word("1GiB", "$MEMORY", Location(SCRIPT, 11, 12), origin=memory_origin), Location(SCRIPT, 11, 3))
    cmd = DeployCommand(cmd.path, cmd.sequence, cmd.location, cmd.platform, cmd.command, "", cmd.name,
                        cmd.flags[:-1] + (memory,), "shell")
    facts = [cmd, fn("orch", timeout_s=540, min_instances=0, max_instances=100)]
    found = audit(tmp_path, facts)
    assert [(c, loc, m) for c, loc, m in found] == [
        ("PF902", "bin/deploy.sh:6:3", "deployed function `orch` (us-central1) has runtime python311; this command declares --runtime python312"),
        ("PF902", "bin/deploy.sh:7:3", "deployed function `orch` (us-central1) has entry point main; this command declares --entry-point handle"),
        ("PF902", "bin/deploy.sh:9:3", "deployed function `orch` (us-central1) has min instances 0; this command declares --min-instances 1"),
        ("PF902", "bin/deploy.sh:10:3", "deployed function `orch` (us-central1) has max instances 100; this command declares --max-instances 5"),
        ("PF902", "bin/deploy.sh:11:3", "deployed function `orch` (us-central1) has memory 512Mi (512 MiB); this command declares --memory 1GiB (1024 MiB)"),
    ]  # --timeout 9m is the deployed 540 s: no finding
    result, _ = engine.check(tmp_path, load(tmp_path), use_cache=False, extra_facts=[*facts, Listed("function", "-")],
                             selection=engine.Selection(("PF902",)))
    memory_finding = result.findings[-1]
    assert [(str(r.location), r.message) for r in memory_finding.related] == [("bin/deploy.sh:1:8", "the value is set here")]


def test_same_bytes_in_other_units_and_unknown_values_are_not_drift(tmp_path):
    facts = [deploy(1, "function", "gen2-fn", ("--memory", "512MB")),  # sent as 512M
             fn("gen2-fn", memory="512M", memory_bytes=512_000_000),
             deploy(5, "function", "gen1-fn", ("--memory", "1GB"), ("--runtime", None)),  # gen1: 1024 MB
             fn("gen1-fn", generation="gen1", memory="1024MB", memory_bytes=2**30),
             deploy(9, "run-service", "svc", ("--memory", "1Gi"), ("--timeout", "300")),
             LiveResource("svc", "run-service", "us-central1", memory="1Gi", memory_bytes=2**30, timeout_s=300,
                          min_instances=0, ready=True)]
    assert audit(tmp_path, facts, listed=()) == []


def test_env_var_names_missing_live_and_wiped_by_set_env_vars(tmp_path):
    facts = [deploy(1, "function", "orch", ("--set-env-vars", "DATASET=prod,MODE=full")),
             fn("orch", env_names=("DATASET", "LOG_EXECUTION_ID", "SLACK_WEBHOOK_URL")),
             deploy(5, "function", "loader", ("--update-env-vars", "^;^A=1;B=x,y"), ("--update-secrets", "TOKEN=tok:latest,/etc/key=k:1")),
             fn("loader", env_names=("B", "KEEP"), secret_env_names=()),
             deploy(9, "function", "files", ("--env-vars-file", "config/env.yaml"), ("--set-secrets", "TOKEN=tok:latest")),
             fn("files", env_names=("HOST", "PORT"), secret_env_names=("OLD_TOKEN", "TOKEN"))]
    write_repo(tmp_path, {"config/env.yaml": "HOST: db.internal\nUSER: etl\n"})
    assert audit(tmp_path, facts) == [
        ("PF903", "bin/deploy.sh:2:3", "--set-env-vars replaces all env vars: redeploying removes SLACK_WEBHOOK_URL from deployed function `orch` (us-central1); name them here or use --update-env-vars"),
        ("PF903", "bin/deploy.sh:2:3", "this command sets env vars MODE, which deployed function `orch` (us-central1) does not have (removed since, or this command was never deployed)"),
        ("PF903", "bin/deploy.sh:6:3", "this command sets env vars A, which deployed function `loader` (us-central1) does not have (removed since, or this command was never deployed)"),
        ("PF903", "bin/deploy.sh:7:3", "this command sets secret env vars TOKEN, which deployed function `loader` (us-central1) does not have (removed since, or this command was never deployed)"),
        ("PF903", "bin/deploy.sh:10:3", "--env-vars-file replaces all env vars: redeploying removes PORT from deployed function `files` (us-central1); name them here or use --update-env-vars"),
        ("PF903", "bin/deploy.sh:10:3", "this command sets env vars USER, which deployed function `files` (us-central1) does not have (removed since, or this command was never deployed)"),
        ("PF903", "bin/deploy.sh:11:3", "--set-secrets replaces all secret env vars: redeploying removes OLD_TOKEN from deployed function `files` (us-central1); name them here or use --update-secrets"),
    ]


def test_not_ready_and_declared_or_deployed_mismatch(tmp_path):
    facts = [deploy(1, "function", "broken", ("--region", "us-central1")),
             fn("broken", state="FAILED", ready=False, state_detail="Container failed to start."),
             deploy(4, "function", "never-deployed", ("--region", "us-central1")),
             deploy(7, "run-service", "api", ("--region", "asia-east1")),  # Cloud Run not listed there: not said
             deploy(10, "function", "staging-only", ("--project", "other-project")),  # another project: out of scope
             fn("by-hand"), fn("terraformed")]
    config = '[audit]\nmanaged-elsewhere = ["terra*"]\n'
    assert audit(tmp_path, facts, config, listed=(("function", "-"), ("run-service", "us-central1"))) == [
        ("PF905", "", "deployed function `by-hand` (us-central1) is declared by no deploy command in this repository"),
        ("PF904", "bin/deploy.sh:1:1", "deployed function `broken` (us-central1) is not ready (state FAILED): Container failed to start."),
        ("PF905", "bin/deploy.sh:4:1", "this command deploys function `never-deployed` in us-central1, which is not deployed"),
    ]


def test_unknown_command_name_silences_declared_nowhere(tmp_path):
    facts = [deploy(1, "function", None), fn("anything")]
    assert audit(tmp_path, facts) == []


def test_access_problems_are_findings(tmp_path):
    facts = [AccessProblem("Cloud Run services in europe-west1", "permission",
                           "Cloud Run services in europe-west1: permission denied"),
             AccessProblem("inventory/run.json", "malformed", "inventory inventory/run.json is not JSON", path="inventory/run.json")]
    assert audit(tmp_path, facts) == [
        ("PF900", "", "Cloud Run services in europe-west1: permission denied"),
        ("PF900", "inventory/run.json:1:1", "inventory inventory/run.json is not JSON"),
    ]
