"""Find the files of a repository: what to read, what to skip, where links point.

Symbolic links are recorded, not followed: a linked file is read once at its target, and the
packaging rules resolve links themselves (a dangling link is a finding there, not an error here).
"""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path

import pathspec

from gcp_preflight.facts import fact
from gcp_preflight.lines import split_lines

DEFAULT_EXCLUDES = (
    ".git/", ".hg/", ".svn/", ".venv/", "venv/", "node_modules/", "__pycache__/",
    ".preflight_cache/", ".tox/", ".nox/", ".mypy_cache/", ".pytest_cache/", ".ruff_cache/",
    "*.egg-info/", "site-packages/",
)


@fact
@dataclass(frozen=True)
class Symlink:
    """A link inside the repository. `target` is the root-relative path the link resolves to
    (None when it leaves the repository); `exists` is False for a dangling link."""

    path: str
    raw_target: str
    target: str | None
    exists: bool
    is_dir: bool


@dataclass(frozen=True)
class Tree:
    files: tuple[str, ...]
    symlinks: tuple[Symlink, ...]
    dirs: tuple[str, ...]


def _gitignore_specs(root: Path, rel_dir: str, names: list[str]) -> list[tuple[str, pathspec.PathSpec]]:
    if ".gitignore" not in names:
        return []
    try:
        lines = split_lines((root / rel_dir / ".gitignore").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []
    return [(rel_dir, pathspec.GitIgnoreSpec.from_lines(lines))]


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _link(root: Path, rel: str) -> Symlink:
    abspath = root / rel
    raw = os.readlink(abspath)
    resolved = Path(os.path.normpath(os.path.join(os.path.dirname(abspath), raw)))
    try:
        real = abspath.resolve(strict=False)
    except (OSError, RuntimeError):  # a loop of links
        return Symlink(rel, raw, None, False, False)
    exists = real.exists()
    target = None
    for candidate in (real, resolved):
        try:
            target = _rel(root.resolve(), candidate) if candidate.is_absolute() else None
            break
        except ValueError:
            continue
    return Symlink(rel, raw, target, exists, exists and real.is_dir())


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def walk(root: Path, excludes: tuple[str, ...] = (), use_gitignore: bool = True) -> Tree:
    """Every file under root that is not excluded, in sorted order."""
    root = root.resolve()
    user_spec = pathspec.GitIgnoreSpec.from_lines(DEFAULT_EXCLUDES + tuple(excludes))
    files: list[str] = []
    links: list[Symlink] = []
    dirs: list[str] = []
    ignores: list[tuple[str, pathspec.PathSpec]] = []

    def ignored(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if user_spec.match_file(probe):
            return True
        for base, spec in ignores:
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1:] if base else rel
            if spec.match_file(sub + "/" if is_dir else sub):
                return True
        return False

    for current, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = _rel(root, Path(current)) if Path(current) != root else ""
        if use_gitignore:
            ignores.extend(_gitignore_specs(root, rel_dir, filenames))
        keep = []
        for d in sorted(dirnames):
            rel = posixpath.join(rel_dir, d) if rel_dir else d
            if ignored(rel, True):
                continue
            if os.path.islink(os.path.join(current, d)):
                links.append(_link(root, rel))
            else:
                keep.append(d)
                dirs.append(rel)
        dirnames[:] = keep
        for name in sorted(filenames):
            rel = posixpath.join(rel_dir, name) if rel_dir else name
            if ignored(rel, False):
                continue
            full = os.path.join(current, name)
            if os.path.islink(full):
                links.append(_link(root, rel))
            elif _regular(full):  # a FIFO or a device would block or never end when read
                files.append(rel)
    return Tree(tuple(sorted(files)), tuple(sorted(links, key=lambda s: s.path)), tuple(sorted(dirs)))
