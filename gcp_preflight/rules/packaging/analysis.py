"""The packaging analysis every PF2xx rule reads: units, their closures, once per run."""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight.model import Location
from gcp_preflight.rules.packaging.closure import Closure, Modules
from gcp_preflight.rules.packaging.distributions import FUNCTION_RUNTIME
from gcp_preflight.rules.packaging.options import Options
from gcp_preflight.rules.packaging.unit import Unit
from gcp_preflight.rules.packaging.units import gather, repo_index
from gcp_preflight.validators.packaging.requirements import RequirementsFile


@dataclass
class Analysis:
    units: list[Unit]
    closures: list[tuple[Unit, Closure]]
    notes: list[tuple[Location, str]]


def options(project) -> Options:
    return Options.from_config(project.config.section("packaging"))


def declared(project, unit: Unit) -> frozenset[str] | None:
    """Distributions the unit installs; None when that cannot be known (an opaque entry)."""
    if unit.requirements is None:
        return None
    names: set[str] = set(unit.extra_installed)
    if unit.kind == "function":
        names |= set(FUNCTION_RUNTIME)
    todo, seen = list(unit.requirements), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        found = project.facts_in(path, RequirementsFile)
        if not found or found[0].opaque:
            return None
        names |= found[0].names()
        todo.extend(p for p, _ in found[0].includes)
    return frozenset(names)


def analyse(project) -> Analysis:
    opts = project.memo(options)
    units, notes = gather(project, opts)
    repo = project.memo(repo_index)
    repo_modules = Modules(repo.files, ("",), repo.dirs)
    closures = []
    for unit in units:
        if unit.entry is None:
            continue
        closure = Closure(project, unit, repo_modules, opts.import_names, opts.provided, declared(project, unit))
        closures.append((unit, closure.run(unit.entry_module, unit.entry)))
    return Analysis(units, closures, notes)
