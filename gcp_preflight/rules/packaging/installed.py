"""The installed set of a unit: which distributions its deploy installs, and whether that is known.

Sources, most exact first: the resolver's answer (`--resolve`, resolve.py); a lock file beside the
unit (poetry.lock, uv.lock, Pipfile.lock) or a compiled requirements file (pip-compile,
`uv pip compile`), which list every distribution; the requirements files with their `-r`
includes, requested extras and environment markers evaluated for the unit's runtime, each
requirement expanded through the dependency table (knowledge.py); the Functions Framework that
Cloud Functions adds; an in-repository project that is also published (its setup.py,
setup.cfg or pyproject.toml name in the requirements: pip installs it from the index).

The set is *certain* when every distribution in it is known with its import names (and, unless a
lock or compiled file lists them all, its dependencies). Only then is a module that no
distribution provides reported missing (PF203); otherwise each unknown requirement is kept with
its line, for one notice (PF209).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import lru_cache

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement as Parsed
from packaging.utils import canonicalize_name

from gcp_preflight.model import Location
from gcp_preflight.rules.packaging import knowledge
from gcp_preflight.rules.packaging.unit import Unit
from gcp_preflight.validators.packaging.projects import LOCK_NAMES, LockFile, PublishedProject
from gcp_preflight.validators.packaging.requirements import RequirementsFile

FUNCTION_RUNTIME = ("functions-framework",)  # Cloud Functions adds it when requirements.txt does not
IMAGE_BASE = ("pip", "setuptools", "wheel")  # in the python:* images


@dataclass(frozen=True)
class Unknown:
    """A requirement the tool cannot expand: it may install any module."""

    name: str  # as written (a distribution name, a URL, a path)
    location: Location
    why: str


@dataclass
class InstalledSet:
    dists: frozenset[str]
    unknown: tuple[Unknown, ...]
    # Import names of distributions not in the table whose modules are known anyway (in-repository
    # published projects, the resolver's answer): canonical name -> module patterns.
    modules: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exact: bool = False  # read from the resolver: dists and modules are the truth
    error: tuple[Location, str] | None = None  # the resolver could not resolve the requirements
    _explained: dict[str, bool] = field(default_factory=dict)

    @property
    def certain(self) -> bool:
        return self.exact or not self.unknown

    def provides(self, dotted: str, overrides: dict[str, str]) -> bool:
        """Whether some distribution of the set provides the import (or plausibly does: a
        distribution named like the import counts, though only the table is certain)."""
        hit = self._explained.get(dotted)
        if hit is None:
            # sets with the same distributions answer alike (200 functions, one requirements text)
            key = (self.dists, self.exact, dotted, tuple(sorted(overrides.items()))) if not self.modules else None
            hit = _SHARED.get(key) if key is not None else None
            if hit is None:
                hit = self._provides(dotted, overrides)
                if key is not None and len(_SHARED) < 100_000:
                    _SHARED[key] = hit
            self._explained[dotted] = hit
        return hit

    def _provides(self, dotted: str, overrides: dict[str, str]) -> bool:
        parts = dotted.split(".")
        for size in range(len(parts), 0, -1):
            prefix = ".".join(parts[:size])
            if prefix in overrides:
                return canonicalize_name(overrides[prefix]) in self.dists
        for name in self.dists:
            dist = knowledge.DISTS.get(name)
            patterns = self.modules.get(name) or (dist.modules if dist is not None else ())
            if patterns and any(knowledge.covers(p, dotted) for p in patterns):
                return True
        if self.exact:
            return False
        return any(c in self.dists for c in naming_candidates(dotted))


_SHARED: dict[tuple, bool] = {}


@lru_cache(maxsize=4096)
def naming_candidates(dotted: str) -> tuple[str, ...]:
    """Distribution names an import is commonly published under, when no table says."""
    parts = dotted.split(".")
    out = [] if parts[0] == "google" else [canonicalize_name(parts[0])]  # PyPI's `google` is unrelated
    if parts[0] == "google" and len(parts) > 2 and parts[1] == "cloud":
        name = parts[2].rsplit("_v", 1)[0] if "_v" in parts[2] else parts[2]
        out.append(canonicalize_name(f"google-cloud-{name}"))
    for size in (2, 3):
        if len(parts) >= size:
            out.append(canonicalize_name("-".join(parts[:size])))
    return tuple(dict.fromkeys(out))


def _marker_applies(marker: str, runtime: tuple[int, int] | None) -> bool:
    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return True
    versions = [runtime] if runtime else [(3, minor) for minor in range(8, 14)]
    for major, minor in versions:
        env = {"python_version": f"{major}.{minor}", "python_full_version": f"{major}.{minor}.0",
               "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
               "platform_machine": "x86_64", "implementation_name": "cpython",
               "platform_python_implementation": "CPython", "extra": ""}
        try:
            if parsed.evaluate(env):
                return True
        except Exception:  # an undefined variable in an odd marker: assume it applies
            return True
    return False


def published_projects(project) -> dict[str, tuple[PublishedProject, tuple[str, ...]]]:
    """In-repository projects by canonical name, with the top-level packages each folder holds."""
    out: dict[str, tuple[PublishedProject, tuple[str, ...]]] = {}
    folders = []
    for item in project.facts(PublishedProject):
        folders.append((posixpath.dirname(item.path), item))
    for folder, item in folders:
        prefix = folder + "/" if folder else ""
        packages = set()
        for path in project.tree.files:
            if not path.startswith(prefix) or not path.endswith("/__init__.py"):
                continue
            rel = path[len(prefix):].split("/")
            if len(rel) == 2:
                packages.add(rel[0])
            elif len(rel) == 3 and rel[0] == "src":
                packages.add(rel[1])
        packages -= {"tests", "test", "docs"}
        out.setdefault(item.name, (item, tuple(sorted(packages))))
    return out


def _requirement(text: str):
    try:
        parsed = Parsed(text)
    except InvalidRequirement:
        return None
    return canonicalize_name(parsed.name), tuple(sorted(parsed.extras)), str(parsed.marker) if parsed.marker else ""


def _cache(project) -> dict:
    return {}


def installed_set(project, unit: Unit, provided: tuple[str, ...], overrides: dict[str, str]) -> InstalledSet | None:
    """The unit's installed set (None when its requirements cannot be known at all); computed once
    per distinct (requirements, kind, runtime, extras) in a run."""
    if unit.requirements is None:
        return None
    lock = _lock_beside(project, unit)
    key = (unit.requirements, unit.kind, unit.runtime, unit.extra_installed, lock, provided,
           tuple(sorted(overrides.items())), unit.defined_at if unit.extra_installed else None)
    cache = project.memo(_cache)
    if key not in cache:
        static = _compute(project, unit, lock, provided, overrides)
        cache[key] = _resolved(project, unit, static) if project.resolver is not None else static
    return cache[key]


def _resolved(project, unit: Unit, static: InstalledSet) -> InstalledSet:
    """The exact set: the named requirements (with their index options) resolved by pip; lines that
    name a path or URL are never passed (building them would run their code), so they stay unknown."""
    lines: list[str] = []
    declared: dict[str, Location] = {}
    todo, seen = list(unit.requirements or ()), set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        found = project.facts_in(path, RequirementsFile)
        if not found:
            continue
        lines += found[0].options
        for req in found[0].requirements:
            if not req.url:
                lines.append(req.text)
                declared.setdefault(req.name, Location(path, req.line))
        todo.extend(p for p, _ in found[0].includes)
    lines += list(unit.extra_installed)
    if unit.kind == "function":
        lines += list(FUNCTION_RUNTIME)
    first = (unit.requirements or (unit.defined_at.path,))[0]
    cwd = project.root / posixpath.dirname(first)
    result = project.resolver.resolve(tuple(lines), unit.runtime, cwd if cwd.is_dir() else project.root)
    if result.error is not None:
        name, text = result.error
        where = declared.get(name, Location(first, 1))
        if not name and not result.error[1].startswith(("pip did not run", "pip wrote")):
            static.error = (where, text)
        elif name:
            static.error = (where, text)
        return static
    unknown = tuple(u for u in static.unknown if u.why in ("is installed from a URL or a path",
                                                           "names no distribution the tool can look up"))
    base = IMAGE_BASE if unit.kind == "image" else ()
    dists = frozenset(result.dists) | frozenset(base)
    return InstalledSet(dists, unknown, {n: m for n, m in result.modules}, exact=not unknown)


def _lock_beside(project, unit: Unit) -> str | None:
    for name in LOCK_NAMES:
        node = unit.files.files.get(name)
        if node is not None and node.real and project.facts_in(node.real, LockFile):
            return node.real
    return None


def _compute(project, unit: Unit, lock: str | None, provided, overrides) -> InstalledSet:
    published = project.memo(published_projects)
    specs: list[tuple[tuple[str, tuple[str, ...]], Location]] = []
    unknown: list[Unknown] = []
    listed: set[str] = set()  # every distribution named by a lock or compiled file
    complete = lock is not None
    modules: dict[str, tuple[str, ...]] = {}
    if lock is not None:
        listed |= set(project.facts_in(lock, LockFile)[0].names)
    compiled_all = bool(unit.requirements)
    todo, seen = list(unit.requirements), set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        found = project.facts_in(path, RequirementsFile)
        if not found:
            unknown.append(Unknown(path, Location(path, 1), "a requirements file that was not read"))
            continue
        reqs = found[0]
        compiled_all = compiled_all and reqs.compiled
        for line, text in reqs.opaque:
            unknown.append(Unknown(text, Location(path, line), "names no distribution the tool can look up"))
        for req in reqs.requirements:
            if req.marker and not _marker_applies(req.marker, unit.runtime):
                continue
            where = Location(path, req.line)
            if req.url:
                unknown.append(Unknown(req.text, where, "is installed from a URL or a path"))
                listed.add(req.name)
                continue
            specs.append(((req.name, req.extras), where))
        todo.extend(p for p, _ in reqs.includes)
    complete = complete or compiled_all
    for name in unit.extra_installed:
        parsed = _requirement(name)
        if parsed is not None:
            specs.append(((parsed[0], parsed[1]), unit.defined_at))
    base = FUNCTION_RUNTIME if unit.kind == "function" else IMAGE_BASE if unit.kind == "image" else ()
    specs += [((name, ()), unit.defined_at) for name in base]
    vouched = {canonicalize_name(n) for n in provided} | {canonicalize_name(v) for v in overrides.values()}
    dists: set[str] = set(listed) | vouched
    pending = list(specs)
    done: set[tuple[str, tuple[str, ...]]] = set()
    while pending:
        (name, extras), where = pending.pop(0)
        if (name, extras) in done:
            continue
        done.add((name, extras))
        if name in published and knowledge.DISTS.get(name) is None:
            item, packages = published[name]
            dists.add(name)
            modules[name] = packages
            if item.dependencies is None and not complete:
                unknown.append(Unknown(name, where, f"is built from {item.path}, whose dependencies are not literal"))
            for dep in item.dependencies or ():
                parsed = _requirement(dep)
                if parsed is not None and (not parsed[2] or _marker_applies(parsed[2], unit.runtime)):
                    pending.append(((parsed[0], parsed[1]), where))
            continue
        closure, missing = knowledge.expand([(name, extras)])
        dists |= closure
        for dist in sorted(missing):
            if dist in vouched:
                continue
            known = knowledge.DISTS.get(dist)
            if complete and known is not None and known.modules:
                continue  # a lock lists what it installs; its import names are what matter
            why = ("is not in the tool's tables" if known is None
                   else "is known only by its import names, not its dependencies")
            unknown.append(Unknown(name if dist == name else f"{name} (through {dist})", where, why))
    if complete:
        for dist in sorted(listed - vouched):
            known = knowledge.DISTS.get(dist)
            if (known is None or not known.modules) and dist not in modules and \
                    not any(u.name == dist or u.name.startswith(dist + " ") for u in unknown):
                where = next((w for (n, _), w in specs if n == dist), Location(lock or unit.requirements[0], 1))
                unknown.append(Unknown(dist, where, "is not in the tool's tables"))
    unique = tuple(sorted(dict.fromkeys(unknown), key=lambda u: u.location))
    return InstalledSet(frozenset(dists), unique, modules)
