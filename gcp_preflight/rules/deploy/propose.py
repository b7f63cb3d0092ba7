"""What `preflight init` proposes for `[memory]` and `[deploy]`, read from the deploy commands.

Nothing is guessed. The memory floors are the defaults, written out with what they mean in
bytes. A name-glob floor or a deploy policy is proposed only when the commands whose deployed
names share a suffix (`*-orchestrator`) already agree on it, and the comment names them; when
they do not agree, the comment says what was seen and no key is written.
"""

from __future__ import annotations

from collections import Counter

from gcp_preflight.rules.deploy.floors import DEFAULTS
from gcp_preflight.gcloud.memory import MIB, floor_bytes, mib
from gcp_preflight.rules.deploy.rules import _memory
from gcp_preflight.rules.deploy.context import name_of
from gcp_preflight.validators.deploy.facts import DeployCommand

_KEYS = {"function": "function-floor", "run-service": "service-floor", "run-job": "job-floor"}
_PLURAL = {"function": "functions", "run-service": "Cloud Run services", "run-job": "Cloud Run jobs"}
_ORIGINS = {"shell": "shell scripts", "cloudbuild": "Cloud Build", "github-actions": "GitHub Actions workflows"}
_DEFAULT_NOTE = {
    "function": 'decimal, so a 2nd gen "512MB" (sent as 512M) passes',
    "run-service": "Cloud Run's own default",
    "run-job": "Cloud Run's own default",
}


def distinct_commands(project) -> list[DeployCommand]:
    """Each deploy command once (a command in a sourced file or function is read once per caller)."""
    seen, out = set(), []
    for command in project.facts(DeployCommand):
        key = (command.location.path, command.location.line, command.location.column)
        if key not in seen:
            seen.add(key)
            out.append(command)
    return out


def name_groups(commands: list[DeployCommand]) -> dict[str, list[DeployCommand]]:
    """`*-SUFFIX` -> the commands deploying names that end in -SUFFIX, for suffixes at least two
    different names share (one name alone is not a pattern)."""
    groups: dict[str, list[DeployCommand]] = {}
    for command in commands:
        name = name_of(command)
        if name and "-" in name.strip("-"):
            groups.setdefault("*-" + name.rsplit("-", 1)[1], []).append(command)
    return {glob: group for glob, group in sorted(groups.items()) if len({name_of(c) for c in group}) > 1}


def where(location) -> str:
    return f"{location.path}:{location.line}"


def _listing(items: list[str], limit: int = 4) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _size(n: int) -> str:
    """Bytes as a floor the config reads back exactly: 1GiB, 768MiB, 1GB, 512MB."""
    for unit, size in (("GiB", 2**30), ("MiB", MIB), ("GB", 10**9), ("MB", 10**6)):
        if n % size == 0:
            return f"{n // size}{unit}"
    return str(n)


# -- [memory] ---------------------------------------------------------------------------------------
def _memory_seen(commands: list[DeployCommand], platform: str) -> str:
    mine = [c for c in commands if c.platform == platform]
    if not mine:
        return ""
    counts = Counter((c.value("--memory").text or c.value("--memory").raw) if c.value("--memory") is not None
                     else "no --memory" for c in mine)
    values = ", ".join(f"{value} x{n}" if n > 1 else value for value, n in sorted(counts.items()))
    return f"{len(mine)} deploy command{'s' if len(mine) > 1 else ''} ({values})"


def _glob_floor(glob: str, group: list[DeployCommand]) -> tuple[str | None, str]:
    """(floor, why): a floor for the glob when every command of it sets a readable --memory above
    its platform's default floor; the floor is the smallest of them, so today's deploys pass."""
    head = f"{glob} ({len(group)} commands)"
    for command in group:
        flag, size = _memory(command)
        if size is None:
            what = "sets no --memory" if flag is None else f"sets --memory {flag.value.raw if flag.value else ''}, unreadable"
            return None, f"{head}: no floor proposed, {where(command.location)} {what}"
        if size <= floor_bytes(DEFAULTS[command.platform]):
            return None, (f"{head}: no floor proposed, {where(command.location)} sets --memory "
                          f"{flag.value.text}, not above the default floor")
    smallest = min(_memory(c)[1] for c in group)
    return _size(smallest), (f"{head}: every one sets more than the default floor: "
                             + _listing([f"{where(c.location)} ({c.value('--memory').text})" for c in group]))


def propose_memory_config(project, prefix: str = "tool.gcp-preflight.") -> str:
    """The `[memory]` body: the default floors, and a floor per name glob only where every command
    of the glob already deploys more than the default."""
    commands = distinct_commands(project)
    out = [f"# [{prefix}memory]: memory floors for PF301 (deploy commands) and PF901 (the live audit).",
           "# A floor is one byte count on every platform (SI units decimal, IEC binary); these are the",
           "# defaults, written out to be changed."]
    for platform, key in _KEYS.items():
        text = DEFAULTS[platform]
        n = floor_bytes(text)
        out.append(f'{key} = "{text}"   # {n:,} bytes = {mib(n)}; {_DEFAULT_NOTE[platform]}')
        seen = _memory_seen(commands, platform)
        if seen:
            out.append(f"#   {_PLURAL[platform]}: {seen}")
    floors, reasons = {}, []
    for glob, group in name_groups(commands).items():
        floor, why = _glob_floor(glob, group)
        reasons.append(f"# {why}")
        if floor:
            floors[glob] = floor
    out += reasons
    if floors:
        body = ", ".join(f'"{glob}" = "{floor}"' for glob, floor in floors.items())
        out.append(f"floors = {{ {body} }}   # deployed-name glob -> floor; the most specific glob wins")
    else:
        out.append('# floors = { "*-suffix" = "1GiB" }   # deployed-name glob -> floor; the most specific glob wins')
    return "\n".join(out) + "\n"


# -- [deploy] ---------------------------------------------------------------------------------------
def _count(command: DeployCommand, flag: str) -> int | None:
    word = command.value(flag)
    text = word.text.strip() if word is not None and word.text is not None else ""
    return int(text) if text.isdigit() else None


def _min_instances_policy(glob: str, group: list[DeployCommand]) -> tuple[int | None, str]:
    """(at-least, why): proposed when more than half of the glob's commands (two at least) set
    --min-instances to 1 or more; the bound is the smallest of those values."""
    setting = [c for c in group if c.has("--min-instances")]
    warm = [(c, n) for c in setting if (n := _count(c, "--min-instances")) is not None and n >= 1]
    said = _listing([f"{where(c.value('--min-instances').location)} sets {c.value('--min-instances').raw}"
                     for c in setting], limit=6)
    head = f"{glob} ({len(group)} commands): "
    if not setting:
        return None, head + "none sets --min-instances, no policy proposed"
    counted = f"{len(warm)} set{'s' if len(warm) == 1 else ''} --min-instances 1 or more ({said})"
    if len(warm) >= 2 and 2 * len(warm) > len(group):
        return min(n for _, n in warm), head + counted
    return None, head + counted + ": too few for a policy, none proposed"


def propose_deploy_config(project, prefix: str = "tool.gcp-preflight.") -> str:
    """The `[deploy]` section: a min-instances policy per name glob where most of its commands
    already keep a warm instance; comments on what the commands set otherwise."""
    commands = distinct_commands(project)
    if not commands:
        return ""
    origins = Counter(c.origin for c in commands)
    out = [f"# [{prefix}deploy]: deploy-command checks (PF3xx).",
           f"# {len(commands)} deploy commands found: "
           + ", ".join(f"{n} in {_ORIGINS.get(o, o)}"
                       for o, n in sorted(origins.items())) + ".",
           "# A policy (PF307) bounds --min-instances, --max-instances or --timeout for a deployed-name glob;",
           "# one is proposed only when most commands of the glob already follow it."]
    policies = []
    groups = name_groups(commands)
    for glob, group in groups.items():
        at_least, why = _min_instances_policy(glob, group)
        out.append(f"# {why}")
        if at_least is not None:
            policies += ["", f'[{prefix}deploy.policy."{glob}"]', f"min-instances = {{ at-least = {at_least} }}"]
    if not groups:
        out.append("# No two deployed names share a suffix (like *-orchestrator), so no policy is proposed.")
    elif not policies:
        glob = next(iter(groups))
        out += [f"# If every {glob} should keep a warm instance, uncomment:",
                f'# [{prefix}deploy.policy."{glob}"]', "# min-instances = { at-least = 1 }"]
    return "\n".join(out + policies) + "\n"
