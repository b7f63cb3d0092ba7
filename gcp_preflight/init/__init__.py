"""`preflight init [ROOT]`: find the layout, ask each family for its section, write the config.

The result goes into `[tool.gcp-preflight]` of an existing pyproject.toml (tomlkit keeps the
rest of the file as it was), else into a new preflight.toml. An existing configuration is never
replaced without --force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import tomlkit

from gcp_preflight import safe_io
from gcp_preflight.config import TOOL_KEY, Config, ConfigError, find_config_file, load, validate
from gcp_preflight.init.layout import Found, Layout, Value, detect
from gcp_preflight.init.proposals import FAMILIES, SECTIONS, Proposal, propose
from gcp_preflight.project import Project


class InitError(Exception):
    """Init cannot write (a config exists, pyproject.toml is not TOML); phrased for the user."""


@dataclass
class InitResult:
    path: Path
    text: str  # what was (or, with dry_run, would be) written to path
    layout: Layout
    notes: list[str] = field(default_factory=list)


def found_summary(layout: Layout) -> list[str]:
    """One short line per kind of thing found (the sections below list the paths)."""
    def paths(items: list[Found]) -> str:
        if not items:
            return ""
        return f"{len(items)}: {items[0].path}" + (", ..." if len(items) > 1 else "")

    def values(items: list[Value]) -> str:
        return ", ".join(f"{v.value} ({v.places[0]})" for v in items[:3]) + (", ..." if len(items) > 3 else "")

    rows = [
        ("workflows YAML", paths(layout.workflows)),
        ("name lists in", paths(layout.config_modules)),
        ("Cloud Functions", paths(layout.functions)),
        ("Cloud Run", paths(layout.services)),
        ("deploy scripts", paths(layout.deploy_scripts)),
        ("Cloud Build", paths(layout.cloudbuild)),
        ("BigQuery schemas", paths(layout.bigquery_schemas)),
        ("project", values(layout.projects)),
        ("regions", values(layout.regions)),
    ]
    return [f"{label:<17} {text or 'none found'}" for label, text in rows]


def _header() -> list[str]:
    return [
        "gcp-preflight configuration, proposed by `preflight init` from what it found here.",
        "`preflight rules` lists the checks; `preflight rule CODE` explains one.",
        "Found:",
    ]


def _assemble(proposals: list[Proposal], layout: Layout) -> tomlkit.items.Table:
    """The whole configuration as one table (the body of preflight.toml or [tool.gcp-preflight])."""
    table = tomlkit.table()
    for line in _header():
        table.add(tomlkit.comment(line))
    for line in found_summary(layout):
        table.add(tomlkit.comment("  " + line))
    for proposal in proposals:
        table.add(proposal.section, proposal.table)
    return table


def _render_preflight_toml(table: tomlkit.items.Table) -> str:
    doc = tomlkit.document()
    for key, item in table.value.body:
        if key is None:
            doc.add(item)
        else:
            doc.add(key, item)
    return tomlkit.dumps(doc)


def _render_pyproject(path: Path, table: tomlkit.items.Table) -> str:
    try:
        doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as exc:
        raise InitError(f"{path.name}: cannot add [tool.{TOOL_KEY}]: {exc}") from None
    if "tool" not in doc:
        doc.add(tomlkit.nl())
        doc.add("tool", tomlkit.table(is_super_table=True))
    tool = doc["tool"]
    if TOOL_KEY in tool:
        tool[TOOL_KEY] = table
    elif isinstance(tool, tomlkit.items.Table):
        tool.add(TOOL_KEY, table)
    else:  # [tool.*] tables split by another table (tomlkit's proxy cannot add): append ours at the end
        ours = tomlkit.document()
        ours.add("tool", tomlkit.table(is_super_table=True))
        ours["tool"].add(TOOL_KEY, table)
        return tomlkit.dumps(doc).rstrip("\n") + "\n\n" + tomlkit.dumps(ours)
    return tomlkit.dumps(doc)


def _project(root: Path) -> Project:
    from gcp_preflight.validators import default_validators

    try:
        config = load(root)  # an existing config's excludes still apply (with --force)
    except ConfigError:
        config = Config()
    return Project(root, Config(raw={"exclude": config.exclude}), default_validators())


# Proposed in a forked child on a large tree (forked.py) while this process proposes the rest:
# the names evidence is about half of the proposers' time on the benchmark's tree.
FORKED_SECTIONS = ("names",)


def _proposals(project: Project) -> tuple[dict[str, Proposal], Layout]:
    """Every section's proposal, and the layout. This process finds the layout while the child
    proposes (a child finds its own only if a fallback asks for it)."""
    from gcp_preflight import forked
    from gcp_preflight.project import workers_for

    found: list[Layout] = []

    def layout() -> Layout:
        if not found:
            found.append(detect(project))
        return found[0]

    def here(sections: list[str]) -> dict[str, Proposal]:
        if any(section not in FORKED_SECTIONS for section in sections):  # the process that reports
            layout()
        return _propose_in_order(project, layout, sections)

    by_section = forked.split(SECTIONS, [s for s in SECTIONS if s in FORKED_SECTIONS], here,
                              workers_for(len(project.paths_read)))
    return by_section, layout()


def _propose_in_order(project: Project, layout: Callable[[], Layout], sections: list[str]) -> dict[str, Proposal]:
    out = {}
    for index, section in enumerate(sections):
        if index:  # as a check does between rule families: the peak holds one proposer's analyses
            project.release_analyses({FAMILIES[later] for later in sections[index:]})
        out[section] = propose(section, project, layout)
    return out


def run(root: Path, force: bool = False, dry_run: bool = False) -> InitResult:
    existing = find_config_file(root)
    if existing is not None and not force and not dry_run:
        where = f"[tool.{TOOL_KEY}] in {existing.name}" if existing.name == "pyproject.toml" else existing.name
        raise InitError(f"{where} already configures gcp-preflight; `preflight init --force` replaces it")
    preflight_toml, pyproject = root / "preflight.toml", root / "pyproject.toml"
    target = preflight_toml if preflight_toml.is_file() or not pyproject.is_file() else pyproject
    try:  # before any work: the checkout may have planted a link under either name
        safe_io.check_writable(target, root)
    except safe_io.UnsafePath as exc:
        raise InitError(str(exc)) from None
    project = _project(root)
    by_section, layout = _proposals(project)
    proposals = [by_section[section] for section in SECTIONS]
    table = _assemble(proposals, layout)
    validate(table.unwrap(), "the proposed configuration", "")  # a bug here must not write a broken file
    text = _render_preflight_toml(table) if target == preflight_toml else _render_pyproject(pyproject, table)
    if not dry_run:
        try:
            safe_io.write_text(target, text, root)
        except safe_io.UnsafePath as exc:
            raise InitError(str(exc)) from None
        except OSError as exc:
            raise InitError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return InitResult(target, text, layout, layout.notes + [p.note for p in proposals if p.note])
