"""The files a packaging finding depends on besides where it points: what defines the unit (the
deploy script, Cloud Build file or Dockerfile), what installs its distributions (requirements
files) and what decides its files (.gcloudignore, .dockerignore). A commit that changes only one
of them can make the finding, so the pre-commit hook must report it for that commit."""

from __future__ import annotations

import posixpath
from typing import Iterable

IGNORE_FILES = (".gcloudignore", ".dockerignore")


def unit_inputs(project, units: Iterable) -> tuple[str, ...]:
    existing = set(project.paths)
    paths: list[str] = []
    for unit in units:
        paths.append(unit.defined_at.path)
        paths += list(unit.requirements or ())
        for folder in _folders(unit):
            for name in IGNORE_FILES + ("Dockerfile",):
                candidate = posixpath.join(folder, name) if folder else name
                if candidate in existing:
                    paths.append(candidate)
    return tuple(sorted({p for p in paths if p}))


def _folders(unit) -> set[str]:
    """The repository folders the unit is uploaded or built from: where its top-level files lie
    (an ignore file that ignores itself is not among the unit's files, but lies there), and the
    Dockerfile's own folder."""
    folders = {posixpath.dirname(node.real) for rel, node in unit.files.files.items()
               if "/" not in rel and node.real and node.via is None and posixpath.basename(node.real) == rel}
    if posixpath.basename(unit.defined_at.path).endswith("Dockerfile"):
        folders.add(posixpath.dirname(unit.defined_at.path))
    return folders
