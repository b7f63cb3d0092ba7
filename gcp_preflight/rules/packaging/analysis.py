"""The packaging analysis every PF2xx rule reads: units, their closures, once per run."""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight.model import Location
from gcp_preflight.project import shared_analysis
from gcp_preflight.rules.packaging.closure import Closure, Modules
from gcp_preflight.rules.packaging.installed import installed_set
from gcp_preflight.rules.packaging.options import Options
from gcp_preflight.rules.packaging.unit import Unit
from gcp_preflight.rules.packaging.units import gather, repo_index


@dataclass
class Analysis:
    units: list[Unit]
    closures: list[tuple[Unit, Closure]]
    notes: list[tuple[Location, str]]


def options(project) -> Options:
    return Options.from_config(project.config.section("packaging"))


@shared_analysis("PF2", "PF3", "PF5")  # the deploy family reads the units too, PF510/PF511 their runtimes
def analyse(project) -> Analysis:
    opts = project.memo(options)
    units, notes = gather(project, opts)
    repo = project.memo(repo_index)
    repo_modules = Modules(repo.files, ("",), repo.dirs)
    closures = []
    for unit in units:
        if unit.entry is None:
            continue
        installed = installed_set(project, unit, opts.provided, opts.import_names)
        closure = Closure(project, unit, repo_modules, opts.import_names, installed)
        closures.append((unit, closure.run(unit.entry_module, unit.entry)))
    return Analysis(units, closures, notes)
