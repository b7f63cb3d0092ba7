"""What the PF3xx rules share: the typed `[deploy]` options, the deploy commands, and how to
describe a command's target and place a finding on a value (its literal when it came through a
variable)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gcp_preflight import ignore_patterns
from gcp_preflight.model import Location, Related
from gcp_preflight.validators.deploy.facts import DeployCommand, Flag, Word


@dataclass(frozen=True)
class Range:
    at_least: float | None = None
    at_most: float | None = None


@dataclass(frozen=True)
class Policy:
    glob: str
    min_instances: Range | None = None
    max_instances: Range | None = None
    timeout: Range | None = None


@dataclass(frozen=True)
class DeployOptions:
    extra_flags: frozenset[str] = frozenset()
    allow_replace: tuple[str, ...] = ()
    policies: tuple[Policy, ...] = ()
    memory: dict = field(default_factory=dict)

    def policy_for(self, name: str | None) -> Policy | None:
        matching = [p for p in self.policies if name and ignore_patterns.matches(p.glob, name)]
        return max(matching, key=lambda p: (len(p.glob.replace("*", "")), p.glob)) if matching else None

    def replace_allowed(self, name: str | None) -> bool:
        return bool(name) and any(ignore_patterns.matches(g, name) for g in self.allow_replace)


def _range(raw: dict | None, parse=float) -> Range | None:
    if not raw:
        return None
    return Range(parse(raw["at-least"]) if "at-least" in raw else None,
                 parse(raw["at-most"]) if "at-most" in raw else None)


def options(project) -> DeployOptions:
    from gcp_preflight.gcloud.limits import duration_seconds

    raw = project.config.section("deploy")
    policies = tuple(
        Policy(glob, _range(p.get("min-instances")), _range(p.get("max-instances")),
               _range(p.get("timeout"), duration_seconds))
        for glob, p in sorted((raw.get("policy") or {}).items()))
    return DeployOptions(frozenset(raw.get("extra-flags", ())), tuple(raw.get("allow-replace", ())), policies,
                         project.config.section("memory"))


def commands(project) -> tuple[DeployCommand, ...]:
    return project.facts(DeployCommand)


def name_of(command: DeployCommand) -> str | None:
    return command.name.text if command.name is not None else None


def target(command: DeployCommand) -> str:
    """"function phase2-orchestrator", "Cloud Run service api", "this Cloud Run job"."""
    kind = {"function": "function", "run-service": "Cloud Run service", "run-job": "Cloud Run job"}[command.platform]
    name = name_of(command)
    return f"{kind} {name}" if name else f"this {kind}"


def platform_reading(command: DeployCommand) -> str:
    """How gcloud (or the API, for an action that calls it) reads --memory for this command."""
    if command.platform == "function" and command.via_api:
        # Terraform names the fields available_memory_mb and available_memory
        sender, prefix = ("Terraform", "available_") if command.origin == "terraform" else ("the action", "")
        if command.generation == "gen1":
            return f"a 1st gen function ({sender} sends {prefix}memory_mb to the API as a number of MB)"
        return f"a 2nd gen function ({sender} sends {prefix}memory to the API as written: a bare number is bytes)"
    if command.platform == "function":
        return {"gen1": "a 1st gen function", "gen2": "a 2nd gen function"}.get(
            command.generation, "a 2nd gen function (the default for new functions)")
    return {"run-service": "a Cloud Run service", "run-job": "a Cloud Run job"}[command.platform]


def shown(flag: Flag, text: str | None = None) -> str:
    """A flag and its value as the user wrote them: `--memory 256MB`, `memory: 256MB` for an
    action input, or the action's default when the input is left out."""
    text = text if text is not None else (flag.value.text if flag.value is not None else None) or ""
    if not flag.input:
        return f"{flag.name} {text}".rstrip()
    if flag.value is not None and flag.value.raw == "":
        sender = "Terraform" if flag.location.path.endswith(".tf") else "the action"
        return f"{flag.input} (left out, so {sender} sends {text})"
    return f"{flag.input}: {text}".rstrip()


def place(word: Word, flag: Flag) -> tuple[Location, tuple[Related, ...]]:
    """Where to report a value: its literal when it came through a variable (the flag is then a
    related location), else the value itself."""
    if word.origin is not None:
        return word.origin, (Related(flag.location, f"{flag.name} {word.raw} uses it here"),)
    return word.location, ()


def unresolved(word: Word) -> str:
    return word.unknown_reason or "it cannot be resolved statically"
