"""Each rule family proposes its own configuration section; init only assembles them.

A family provides `propose_<section>_config(project) -> str`: TOML as it would appear in
preflight.toml, either the body of its section (keys and comments) or a document whose only
top-level table is that section (needed for sub-tables). "" means nothing to propose. A family
that has no proposer yet, or whose proposer fails or proposes an invalid section, gets the
fallback below: comments stating what init found, never a key that could change the findings.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Callable

import tomlkit
from tomlkit.exceptions import TOMLKitError

from gcp_preflight.config import ConfigError, validate
from gcp_preflight.rules.deploy.floors import DEFAULTS
from gcp_preflight.init.layout import Found, Layout, Value
from gcp_preflight.project import Project

# section -> "module:function" of the family's proposer (one line per family).
PROPOSERS: dict[str, str] = {
    "names": "gcp_preflight.rules.names.propose:propose_names_config",
    "packaging": "gcp_preflight.rules.packaging.propose:propose_packaging_config",
    "memory": "gcp_preflight.rules.deploy.propose:propose_memory_config",
    "deploy": "gcp_preflight.rules.deploy.propose:propose_deploy_config",
    "bigquery": "gcp_preflight.rules.bigquery.propose:propose_bigquery_config",
    "audit": "gcp_preflight.rules.live.propose:propose_audit_config",
}
SECTIONS = tuple(PROPOSERS)
# section -> the rule family whose analyses its proposer reads (Project.release_analyses)
FAMILIES: dict[str, str] = {"names": "PF1", "packaging": "PF2", "memory": "PF3", "deploy": "PF3",
                            "bigquery": "PF4", "audit": "PF9"}


@dataclass(frozen=True)
class Proposal:
    section: str
    table: tomlkit.items.Table
    source: str  # "family" or "fallback"
    note: str = ""  # why the fallback was used, when it matters to the user


def _proposer(section: str) -> Callable[[Project], str] | None:
    module_name, _, function = PROPOSERS[section].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None  # the family is not there (yet)
        raise
    found = getattr(module, function, None)
    return found if callable(found) else None


def as_table(section: str, text: str) -> tomlkit.items.Table:
    """The section's table from a proposal's TOML (either form); raises ValueError when the
    text is not TOML or holds other top-level tables."""
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ValueError(f"not valid TOML: {exc}") from None
    if list(doc) == [section] and isinstance(doc[section], tomlkit.items.Table):
        table = tomlkit.table()  # comments above the header stay with the section
        for key, item in [kv for kv in doc.body if kv[0] is None] + list(doc[section].value.body):
            table.add(item) if key is None else table.add(key, item)
        return table
    if any(isinstance(v, tomlkit.items.Table) and k in SECTIONS for k, v in doc.items()):
        raise ValueError(f"holds tables other than [{section}]")
    table = tomlkit.table()
    for key, item in doc.body:
        if key is None:
            table.add(item)
        else:
            table.add(key, item)
    return table


def propose(section: str, project: Project, layout: Callable[[], Layout]) -> Proposal:
    """The family's proposal, else (nothing to propose, or it failed) what `layout()` found, as
    comments: the layout is asked for only then (a forked child proposing names rarely needs it)."""
    note = ""
    try:
        proposer = _proposer(section)
        if proposer is not None:
            # A proposer may take the header prefix ("" for preflight.toml form, which init wants).
            text = proposer(project, prefix="") if "prefix" in inspect.signature(proposer).parameters \
                else proposer(project)
            if not (text or "").strip():  # nothing to propose: say what was found instead
                return Proposal(section, as_table(section, FALLBACKS[section](layout())), "fallback")
            table = as_table(section, text)
            validate({section: table.unwrap()}, "proposal", "")
            return Proposal(section, table, "family")
    except (ValueError, ConfigError) as exc:
        note = f"the {section} proposal was not usable ({exc}); wrote comments instead"
    except Exception as exc:  # noqa: BLE001 - a family's bug must not stop init
        note = f"the {section} proposal failed ({type(exc).__name__}: {exc}); wrote comments instead"
    return Proposal(section, as_table(section, FALLBACKS[section](layout())), "fallback", note)


# -- fallbacks: what init found, as comments (memory floors as their defaults) --------------------
def _places(items: list[Found], limit: int = 8) -> list[str]:
    lines = [f"#   {f.path}" + (f"  ({f.note})" if f.note else "") for f in items[:limit]]
    if len(items) > limit:
        lines.append(f"#   ... and {len(items) - limit} more")
    return lines


def _names(layout: Layout) -> str:
    lines = ["# Name contracts (PF1xx): a name used in one place must be declared in another."]
    if layout.workflows or layout.config_modules:
        lines += ["# Declared in:"] + _places(layout.workflows)
        lines += ["# Used in:"] + _places(layout.config_modules)
        lines.append("# The processor_name layout is checked with no configuration; add contracts for other names.")
    else:
        lines.append("# No workflows YAML or name lists found.")
    return "\n".join(lines) + "\n"


def _packaging(layout: Layout) -> str:
    lines = ["# Deployment units (PF2xx): will each function or service import once deployed?"]
    lines += (["# Cloud Functions:"] + _places(layout.functions)) if layout.functions else ["# No Cloud Function units found."]
    lines += (["# Cloud Run:"] + _places(layout.services)) if layout.services else ["# No Cloud Run units found."]
    return "\n".join(lines) + "\n"


def _memory(layout: Layout) -> str:
    return (
        "# Memory floors (PF301 in deploy commands, PF901 in the live audit). Without keys a floor\n"
        "# follows evidence: 512MB where a unit's imports load BigQuery, Firestore, pandas or the like,\n"
        "# else the platform minimum. A key holds every unit of its kind to one floor:\n"
        f'# function-floor = "{DEFAULTS["function"]}"   # decimal, so a 2nd gen "512MB" (sent as 512M) passes\n'
        f'# service-floor = "{DEFAULTS["run-service"]}"\n'
        f'# job-floor = "{DEFAULTS["run-job"]}"\n'
        '# floors = { "*-orchestrator" = "1GiB" }   # deployed-name glob -> floor; the most specific glob wins\n'
    )


def _deploy(layout: Layout) -> str:
    lines = ["# Deploy commands (PF3xx) are read from shell scripts, Cloud Build and CI workflows."]
    lines += (["# Deploy scripts:"] + _places(layout.deploy_scripts)) if layout.deploy_scripts else ["# No deploy scripts found."]
    lines += (["# Cloud Build:"] + _places(layout.cloudbuild)) if layout.cloudbuild else []
    return "\n".join(lines) + "\n"


def _bigquery(layout: Layout) -> str:
    lines = ["# BigQuery writes (PF4xx) are checked against the table schemas."]
    lines += (["# Schema files:"] + _places(layout.bigquery_schemas)) if layout.bigquery_schemas else ["# No schema files found."]
    return "\n".join(lines) + "\n"


def _value_line(key: str, values: list[Value], many: bool) -> str:
    if not values:
        return f"# {key} = ...   # not found in the deploy scripts"
    shown = [v.value for v in values] if many else [values[0].value]
    where = ", ".join(p for v in values[: len(shown)] for p in v.places[:2])
    literal = "[" + ", ".join(f'"{v}"' for v in shown) + "]" if many else f'"{shown[0]}"'
    return f"# {key} = {literal}   # {where}"


def _audit(layout: Layout) -> str:
    return "\n".join([
        "# The live audit (`preflight audit`) compares deployed resources with the floors and deploy",
        "# commands. Project and regions as the deploy scripts state them:",
        _value_line("project", layout.projects, many=False),
        _value_line("regions", layout.regions, many=True),
    ]) + "\n"


FALLBACKS: dict[str, Callable[[Layout], str]] = {
    "names": _names, "packaging": _packaging, "memory": _memory,
    "deploy": _deploy, "bigquery": _bigquery, "audit": _audit,
}
