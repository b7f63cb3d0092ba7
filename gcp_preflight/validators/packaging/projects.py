"""Project metadata and lock files: which in-repository folders are published distributions, and
which distributions a lock file installs (for the packaging family's installed sets).

- `setup.cfg` (`[metadata] name`, `[options] install_requires`), `pyproject.toml` (`[project]`,
  `[tool.poetry]`), and `setup.py` (a literal `setup(name=...)`, read from the syntax tree by
  `setup_py`, never run) give a PublishedProject.
- `poetry.lock`, `uv.lock` and `Pipfile.lock` give a LockFile: every distribution they pin.
"""

from __future__ import annotations

import ast
import configparser
import json
import posixpath
import re
from dataclasses import dataclass
from typing import Iterable

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from gcp_preflight.facts import fact
from gcp_preflight.validators.base import SourceText

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

LOCK_NAMES = ("poetry.lock", "uv.lock", "Pipfile.lock")


@fact
@dataclass(slots=True, unsafe_hash=True)
class PublishedProject:
    """A folder of the repository that builds a distribution (`path` is its metadata file)."""

    path: str
    name: str  # canonical
    line: int
    dependencies: tuple[str, ...] | None  # requirement strings; None when not literal


@fact
@dataclass(slots=True, unsafe_hash=True)
class Process:
    kind: str  # "web", "worker", ...
    command: str
    line: int


@fact
@dataclass(slots=True, unsafe_hash=True)
class Procfile:
    """A buildpacks Procfile: one Process per entry."""

    path: str
    processes: tuple[Process, ...]


@fact
@dataclass(slots=True, unsafe_hash=True)
class LockFile:
    path: str
    names: tuple[str, ...]  # canonical names of every locked distribution (main group)


def _deps(values) -> tuple[str, ...] | None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    return tuple(v.strip() for v in values if v.strip())


def _line_of(text: str, pattern: str) -> int:
    m = re.search(pattern, text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


class ProjectFileValidator:
    name = "projects"

    def wants(self, path: str, head: str) -> bool:
        return posixpath.basename(path) in ("setup.cfg", "pyproject.toml", "Procfile") + LOCK_NAMES

    def read(self, source: SourceText) -> Iterable[object]:
        base = posixpath.basename(source.path)
        try:
            if base == "Procfile":
                processes = []
                for number, line in enumerate(source.text.splitlines(), start=1):
                    kind, colon, command = line.partition(":")
                    if colon and kind.strip() and not kind.lstrip().startswith("#"):
                        processes.append(Process(kind.strip(), command.strip(), number))
                yield Procfile(source.path, tuple(processes))
            elif base == "setup.cfg":
                yield from _setup_cfg(source)
            elif base == "pyproject.toml":
                yield from _pyproject(source)
            elif base == "Pipfile.lock":
                data = json.loads(source.text)
                names = data.get("default", {}) if isinstance(data, dict) else {}
                yield LockFile(source.path, tuple(sorted(canonicalize_name(n) for n in names)))
            else:
                data = tomllib.loads(source.text)
                packages = data.get("package", [])
                names = [p.get("name") for p in packages if isinstance(p, dict) and isinstance(p.get("name"), str)
                         and p.get("category", "main") == "main"]
                yield LockFile(source.path, tuple(sorted({canonicalize_name(n) for n in names})))
        except (ValueError, configparser.Error, AttributeError, TypeError):
            return  # an unreadable file names nothing; other families report broken TOML


def _setup_cfg(source: SourceText) -> Iterable[object]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(source.text)
    name = parser.get("metadata", "name", fallback=None)
    if not name:
        return
    raw = parser.get("options", "install_requires", fallback=None)
    deps = tuple(line.strip() for line in raw.splitlines() if line.strip()) if raw is not None else ()
    yield PublishedProject(source.path, canonicalize_name(name.strip()), _line_of(source.text, r"^\s*name\s*="), deps)


def _pyproject(source: SourceText) -> Iterable[object]:
    data = tomllib.loads(source.text)
    project = data.get("project")
    if isinstance(project, dict) and isinstance(project.get("name"), str):
        dynamic = project.get("dynamic", [])
        deps = None if "dependencies" in dynamic else _deps(project.get("dependencies", []))
        yield PublishedProject(source.path, canonicalize_name(project["name"]),
                               _line_of(source.text, r"^\s*name\s*="), deps)
        return
    poetry = data.get("tool", {}).get("poetry")
    if isinstance(poetry, dict) and isinstance(poetry.get("name"), str):
        table = poetry.get("dependencies", {})
        deps = tuple(n for n in table if n.lower() != "python") if isinstance(table, dict) else None
        yield PublishedProject(source.path, canonicalize_name(poetry["name"]), _line_of(source.text, r"^\s*name\s*="),
                               deps)


def setup_py(tree: ast.Module, source: SourceText) -> Iterable[object]:
    """`setup(name="x", install_requires=[...])` with literal values, read from the tree."""
    if posixpath.basename(source.path) != "setup.py":
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if called != "setup":
            continue
        values = {k.arg: k.value for k in node.keywords if k.arg}
        name = values.get("name")
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            continue
        deps = None
        if "install_requires" not in values:
            deps = ()
        else:
            try:
                deps = _deps(ast.literal_eval(values["install_requires"]))
            except (ValueError, SyntaxError, TypeError):
                deps = None
        yield PublishedProject(source.path, canonicalize_name(name.value), node.lineno, deps)
        return


def requirement_name(text: str) -> str | None:
    try:
        return canonicalize_name(Requirement(text).name)
    except InvalidRequirement:
        return None
