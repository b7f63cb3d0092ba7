"""Python's import system, emulated over a unit's files: which modules the entry module reaches,
and which of its imports cannot succeed once deployed.

Every module is read once (facts at its real path); a unit only maps its paths onto them. The
walk is breadth-first from the entry module, so each module is reached by its shortest chain.
"""

from __future__ import annotations

import difflib
import posixpath
from collections import deque
from dataclasses import dataclass
from typing import Callable

from gcp_preflight.model import Location
from gcp_preflight.rules.packaging import distributions, stdlib
from gcp_preflight.rules.packaging.installed import InstalledSet
from gcp_preflight.rules.packaging.unit import Unit
from gcp_preflight.validators.packaging.python import Import, ModuleImports


@dataclass(frozen=True)
class Found:
    name: str  # dotted
    path: str  # unit-relative file ("pkg/__init__.py", "mod.py") or folder (namespace package)
    package: bool
    namespace: bool = False


@dataclass(frozen=True)
class Step:
    """One import statement on the way from the entry module."""

    path: str  # unit-relative
    line: int
    function: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" + (f" (in {self.function}())" if self.function else "")


@dataclass(frozen=True)
class Issue:
    code: str  # PF202, PF203 or PF204
    location: Location
    message: str
    key: str  # identifies the defect independently of the unit, for grouping
    lazy: bool = False  # reached only when a function runs: not at cold start


class Modules:
    """Module lookup on a sys.path made of folders of one file view."""

    def __init__(self, files: dict, sys_path: tuple[str, ...], dirs: set[str]):
        self.files = files
        self.sys_path = sys_path
        self.dirs = dirs
        self._found: dict[str, Found | None] = {}  # every module importing `shared.utils` asks again

    def find(self, dotted: str) -> Found | None:
        if dotted in self._found:
            return self._found[dotted]
        found = self._found[dotted] = self._find(dotted)
        return found

    def _find(self, dotted: str) -> Found | None:
        rel = dotted.replace(".", "/")
        for root in self.sys_path:
            base = posixpath.join(root, rel) if root else rel
            if base + ".py" in self.files:
                return Found(dotted, base + ".py", False)
            if base + "/__init__.py" in self.files:
                return Found(dotted, base + "/__init__.py", True)
        for root in self.sys_path:  # namespace portions lose to a regular module on any entry
            base = posixpath.join(root, rel) if root else rel
            if base in self.dirs:
                return Found(dotted, base, True, True)
        return None


def modules_by_name(project) -> dict[str, Found]:
    """Every module file of the repository by its last name (the first in path order), built
    once per run instead of scanning all files for each unknown import."""
    found: dict[str, Found] = {}
    for path in project.tree.files:
        if path.endswith("/__init__.py"):
            name, package = posixpath.basename(posixpath.dirname(path)), True
        elif path.endswith(".py"):
            name, package = posixpath.basename(path)[:-3], False
        else:
            continue
        found.setdefault(name, Found(name, path, package))
    return found


def _did_you_mean(name: str, names) -> list[str]:
    """A close public name (a private one only for a private name); failing that, a name that
    holds every word of the one asked for (`get_client` -> `get_bigquery_client`)."""
    pool = sorted(n for n in names if name.startswith("_") or not n.startswith("_"))
    close = difflib.get_close_matches(name, pool, n=1)
    if close:
        return close
    words = set(name.strip("_").split("_"))
    return [n for n in pool if words <= set(n.strip("_").split("_"))][:1]


class Closure:
    def __init__(self, project, unit: Unit, repo: Modules, overrides: dict[str, str],
                 installed: InstalledSet | None):
        self.project = project
        self.unit = unit
        self.repo = repo
        self.overrides = overrides
        self.modules = Modules(unit.files.files, unit.sys_path, unit.files.dirs())
        self.installed = installed
        self.reached: dict[str, tuple[Step, ...]] = {}  # unit path -> chain
        self.issues: list[Issue] = []
        # imports no known distribution provides while the installed set is not certain
        self.unexplained: list[tuple[str, Location]] = []
        self._started: set[tuple[str, str]] = set()
        self._forced: set[tuple[str, str]] = set()
        self._names: dict[str, tuple[frozenset[str], bool]] = {}

    # -- facts ------------------------------------------------------------------------------
    def info(self, path: str) -> ModuleImports | None:
        node = self.unit.files.files.get(path)
        if node is None or node.real is None:
            return None
        found = self.project.facts_in(node.real, ModuleImports)
        return found[0] if found else None

    def real(self, path: str) -> str:
        node = self.unit.files.files.get(path)
        return node.real if node and node.real else path

    # -- the walk ---------------------------------------------------------------------------
    def run(self, entry_name: str, entry_path: str) -> "Closure":
        """Breadth-first over the imports that run: module-level ones at once; those inside a
        function only once the function can run (its name is mentioned by code that runs, it is
        decorated, or it is the entry point), and never those of a function that is called only
        inside a `try` that catches any exception (the import error is handled there)."""
        queue = deque([(Found(entry_name, entry_path, entry_path.endswith("/__init__.py")), ())])
        self.reached[entry_path] = ()
        names: set[str] = set()
        fresh: list[str] = []  # names added since the pending scopes were last looked at

        def mention(refs) -> None:
            for ref in refs:
                if ref not in names:
                    names.add(ref)
                    fresh.append(ref)

        if self.unit.entry_point is not None:
            mention((self.unit.entry_point.name,))
        # (module path, scope) -> the scope's module, chain and imports, until it can run
        pending: dict[tuple[str, str], tuple[Found, tuple, list[Import], ModuleImports]] = {}
        by_name: dict[str, list[tuple[str, str]]] = {}
        waiting_ready: list[tuple[str, str]] = []
        self._forced = set()
        while True:
            while queue:
                module, chain = queue.popleft()
                info = self.info(module.path)
                if info is None:
                    continue
                waiting: dict[str, list[Import]] = {}
                for imp in info.imports:
                    if imp.never or imp.optional:
                        continue
                    if imp.function:
                        waiting.setdefault(imp.function, []).append(imp)
                        continue
                    self._follow(module, imp, chain, queue)
                for scope in info.references:
                    if scope.name == "":
                        mention(scope.names)  # names mentioned only inside `try/except Exception` do not count
                    else:
                        waiting.setdefault(scope.name, [])
                for scope in info.decorated:
                    waiting.setdefault(scope, [])
                    self._forced.add((module.path, scope))
                for scope, imports in waiting.items():
                    key = (module.path, scope)
                    if key in pending or key in self._started:
                        continue
                    pending[key] = (module, chain, imports, info)
                    parts = scope.split(".")
                    if all(p in names for p in parts):
                        waiting_ready.append(key)
                    for part in set(parts):
                        by_name.setdefault(part, []).append(key)
            ready = waiting_ready + [k for k in self._forced if k in pending]
            waiting_ready = []
            while fresh:
                for key in by_name.get(fresh.pop(), ()):
                    if key in pending and all(p in names for p in key[1].split(".")):
                        ready.append(key)
            for key in ready:
                if key not in pending:
                    continue
                module, chain, imports, info = pending.pop(key)
                self._started.add(key)
                for scope in info.references:
                    if scope.name == key[1]:
                        mention(scope.names)
                for imp in imports:
                    self._follow(module, imp, chain, queue)
            if not queue and not fresh and not waiting_ready and not any(k in pending for k in self._forced):
                break
        return self

    def _follow(self, module: Found, imp: Import, chain, queue) -> None:
        step = Step(module.path, imp.line, imp.function)
        for found in self._import(module, imp, step, chain):
            if not found.namespace and found.path not in self.reached:
                self.reached[found.path] = chain + (step,)
                queue.append((found, chain + (step,)))

    def _import(self, module: Found, imp: Import, step: Step, chain):
        # where the import is, its chain and its text: made only for an issue (most imports have none)
        def site() -> tuple[Location, tuple, str]:
            return Location(self.real(step.path), imp.line, imp.column), chain + (step,), _statement(imp)

        base = imp.module
        if imp.level:
            parts = (module.name if module.package else module.name.rpartition(".")[0]).split(".")
            parts = [p for p in parts if p]
            if imp.level - 1 >= len(parts) or module.name == "__main__":
                where, trail, statement = site()
                self._issue("PF202", where, f"`{statement}` is a relative import with no parent package in "
                            f"{self.unit.label}: {module.path} is imported as the top-level module `{module.name}`",
                            trail, statement, f"relative:{where}")
                return
            package = ".".join(parts[:len(parts) - (imp.level - 1)])
            base = f"{package}.{imp.module}" if imp.module else package
        parents = base.split(".")
        if self.modules.find(parents[0]) is None:
            self._external(base, imp, site)
            return
        found = None
        for size in range(1, len(parents) + 1):
            found = self.modules.find(".".join(parents[:size]))
            if found is None:
                self._missing_local(".".join(parents[:size]), *site(),
                                    self.repo.find(".".join(parents[:size])))
                return
            yield found
        if not imp.names or imp.star:
            return
        for name in imp.names:
            sub = self.modules.find(f"{base}.{name}")
            if sub is not None:
                yield sub
                continue
            names, known = self.names_of(found)
            if name not in names and not found.namespace:
                info = self.info(found.path)
                if info is not None and info.has_getattr:  # PEP 562: the module's __getattr__ runs
                    self._forced.add((found.path, "__getattr__"))
            if name in names or not known:
                continue
            counterpart = self.repo.find(f"{base}.{name}")
            if found.namespace or counterpart is not None:
                self._missing_local(f"{base}.{name}", *site(), counterpart)
            else:
                hint = _did_you_mean(name, names)
                where = site()[0]
                self.issues.append(Issue(
                    "PF204", where,
                    f"`{base}` ({self.real(found.path)}) defines no `{name}`"
                    + (f" (did you mean `{hint[0]}`?)" if hint else ""),
                    f"name:{where}:{name}"))

    def _external(self, base: str, imp: Import, site: Callable[[], tuple[Location, tuple, str]]) -> None:
        """A module outside the unit: the standard library, an installed distribution, or missing.
        `site()` gives the import's location, chain and text, for an issue."""
        top = base.split(".")[0]
        if stdlib.is_stdlib(top, self.unit.runtime):
            return
        wanted = [f"{base}.{n}" for n in imp.names if n != "*"] if imp.names else [base]
        missing = [n for n in wanted if not self._declares(n)]
        if not missing:
            return
        counterpart = self.repo.find(base) or self._same_named_module(top)
        if counterpart is not None:  # a project package that was not copied, not a distribution
            self._missing_local(base, *site(), counterpart)
            return
        if self.installed is None:
            return
        where, trail, statement = site()
        if not self.installed.certain:  # an unknown requirement may bring it
            self.unexplained.extend((module, where) for module in missing)
            return
        removed = stdlib.removed_in(top, self.unit.runtime)
        why = f"`{top}` was removed from the standard library in Python {removed[0]}.{removed[1]}; " if removed else ""
        by_dist: dict[str | None, str] = {}
        for module in missing:  # `from google.cloud import bigquery` names google.cloud.bigquery
            by_dist.setdefault(distributions.display(module, self.overrides), module)
        for name, module in by_dist.items():
            # name the submodule only when it decides the distribution (google.cloud.bigquery)
            shown = module if distributions.display(base, self.overrides) != name else base
            if name is None:
                text = (f"{why}`{shown}` is provided by none of the distributions {self.unit.label} installs "
                        f"({self._declared_where()})")
            else:
                text = (f"{why}`{shown}` needs the distribution {name}, which "
                        f"{self.unit.label} does not install ({self._declared_where()})")
            self._issue("PF203", where, text, trail, statement, f"dist:{where}:{name or shown}")

    def _same_named_module(self, top: str) -> Found | None:
        """A module of the repository named like an import no distribution table knows: a file
        the image or package left out (`import auth` with backend/auth.py not copied)."""
        if distributions.is_known(top, self.overrides):
            return None
        return self.project.memo(modules_by_name).get(top)

    def _declares(self, dotted: str) -> bool:
        """Whether the unit's installed set (as far as it is known) provides the module."""
        return self.installed is not None and self.installed.provides(dotted, self.overrides)

    def _declared_where(self) -> str:
        reqs = self.unit.requirements or ()
        if not reqs:
            return self.unit.no_requirements
        return "not in " + ", ".join(reqs)

    def _missing_local(self, dotted: str, where: Location, trail, statement: str, counterpart: Found | None):
        if counterpart is not None:
            what = (f"{counterpart.path}/ exists in the repository" if counterpart.namespace
                    else f"{counterpart.path} exists in the repository")
            why = f"{what} but not in {self.unit.holder}"
        else:
            why = f"no such module in {self.unit.holder}"
        self._issue("PF202", where, f"`{dotted}` cannot be imported in {self.unit.label}: {why}",
                    trail, statement, f"module:{where}:{dotted}")

    def _issue(self, code: str, where: Location, text: str, trail, statement: str, key: str) -> None:
        steps = " -> ".join(str(s) for s in trail)
        runs = next((s.function for s in trail if s.function), "")
        when = f"; reached only when {runs}() runs" if runs else ""
        self.issues.append(Issue(code, where, f"{text}; import chain: {steps} -> {statement}{when}", key, bool(runs)))

    # -- names a module defines -------------------------------------------------------------
    def names_of(self, found: Found) -> tuple[frozenset[str], bool]:
        """(names, known): known is False when a star import or `__getattr__` hides some."""
        if found.namespace:
            return frozenset(), True
        if found.path in self._names:
            return self._names[found.path]
        self._names[found.path] = (frozenset(), False)  # a cycle of star imports: unknown
        info = self.info(found.path)
        if info is None:
            result = (frozenset(), False)
        else:
            names, known = set(info.defines), not info.has_getattr
            for imp in info.imports:
                if imp.star and not imp.never and not imp.function:
                    target = self._star_target(found, imp)
                    if target is None:
                        known = False
                        continue
                    inner, inner_known = self.names_of(target)
                    names |= {n for n in inner if not n.startswith("_")}
                    known = known and inner_known
            result = (frozenset(names), known)
        self._names[found.path] = result
        return result

    def _star_target(self, module: Found, imp: Import) -> Found | None:
        if imp.level:
            parts = (module.name if module.package else module.name.rpartition(".")[0]).split(".")
            if imp.level - 1 >= len(parts):
                return None
            package = ".".join(parts[:len(parts) - (imp.level - 1)])
            dotted = f"{package}.{imp.module}" if imp.module else package
        else:
            dotted = imp.module
        return self.modules.find(dotted)


def _statement(imp: Import) -> str:
    if imp.names:
        return f"from {'.' * imp.level}{imp.module} import {', '.join(imp.names)}"
    return f"import {imp.module}"
