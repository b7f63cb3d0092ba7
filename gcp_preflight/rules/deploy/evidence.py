"""What each deploy command's unit loads, read from the packaging family's import closures
(rules/packaging/analysis.py, computed once per run): the evidence the memory floors follow.

Only the packaging analysis' public results are read: its units (a deploy unit is defined at
its command's location, an image unit at its Dockerfile) and each closure's reached modules
with their imports. An import counts when it runs (`never` ones, under TYPE_CHECKING or
`__main__`, do not); one inside a function counts, since the memory is used when that function
runs; one inside `try/except` counts when the unit's requirements install its distribution.
"""

from __future__ import annotations

import posixpath
import re

from gcp_preflight.model import Location
from gcp_preflight.rules.deploy.floors import UNKNOWN, Evidence, heavy_module
from gcp_preflight.validators.deploy.facts import DeployCommand
from gcp_preflight.validators.packaging.requirements import RequirementsFile


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(project, unit) -> frozenset[str]:
    """The distributions the unit's requirements files name (followed through `-r`)."""
    names: set[str] = set()
    todo, seen = list(unit.requirements or ()), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for found in project.facts_in(path, RequirementsFile):
            names |= {_canonical(n) for n in found.names()}
            todo.extend(p for p, _ in found.includes)
    return frozenset(names)


def _heavy(closure, declared: frozenset[str]) -> tuple[str, str, Location] | None:
    """The first heavy module the closure loads (in the order modules are reached), or None."""
    for path in closure.reached:
        info = closure.info(path)
        if info is None:
            continue
        for imp in info.imports:
            if imp.never or imp.level or not imp.module:
                continue
            if closure.modules.find(imp.module.split(".")[0]) is not None:
                continue  # one of the unit's own modules
            dotted = [imp.module] + [f"{imp.module}.{n}" for n in imp.names if n != "*"]
            for name in dotted:
                found = heavy_module(name)
                # an import in a try/except loads the client when its distribution is installed
                if found is not None and (not imp.optional or declared & set(found[1])):
                    return name, found[0], Location(closure.real(path), imp.line, imp.column)
    return None


class UnitEvidence:
    """Evidence per deploy command, from the closures of the run's packaging analysis."""

    def __init__(self, project):
        from gcp_preflight.rules.packaging.analysis import analyse

        analysis = project.memo(analyse)
        self.by_place: dict[Location, Evidence] = {}
        self.by_dockerfile: dict[str, Evidence] = {}
        self.defined: set[Location] = set()
        for unit in analysis.units:
            self.defined.add(unit.defined_at)
        for unit, closure in analysis.closures:
            evidence = Evidence(True, _heavy(closure, _declared(project, unit)))
            if unit.kind == "image":
                self.by_dockerfile[unit.defined_at.path] = evidence
            else:
                self.by_place[unit.defined_at] = evidence

    def of(self, command: DeployCommand) -> Evidence:
        found = self.by_place.get(command.location)
        if found is not None:
            return found
        if command.platform == "run-service" and command.value("--image") is None:
            source = command.value("--source")
            folder = source.text if source is not None and source.known else "." if source is None else None
            if folder is not None:
                dockerfile = posixpath.normpath(posixpath.join(command.cwd, folder, "Dockerfile"))
                if dockerfile in self.by_dockerfile:
                    return self.by_dockerfile[dockerfile]
        if command.value("--image") is not None:
            return Evidence(False, why_unknown="it deploys a prebuilt image, whose imports are not read")
        if command.location in self.defined:
            return Evidence(False, why_unknown="its entry module was not found, so its imports were not read")
        return UNKNOWN


def evidence(project) -> UnitEvidence:
    return UnitEvidence(project)
