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

from gcp_preflight import ignore_patterns, safe_io
from gcp_preflight.facts import fact
from gcp_preflight.lines import split_lines
from gcp_preflight.validators.base import Problem, problem

DEFAULT_EXCLUDES = (
    ".git/", ".hg/", ".svn/", ".venv/", "venv/", "node_modules/", "__pycache__/",
    ".preflight_cache/", ".tox/", ".nox/", ".mypy_cache/", ".pytest_cache/", ".ruff_cache/",
    "*.egg-info/", "site-packages/",
)


@fact
@dataclass(slots=True, unsafe_hash=True)
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
    problems: tuple[Problem, ...] = ()  # folders that could not be listed, .gitignore files not read
    # (size, mtime_ns, inode) of each file, as listed: unchanged files are not read again
    stats: dict[str, tuple[int, int, int]] | None = None


MAX_DEPTH = 64  # folders nested deeper are not listed (said as PF004): no real repository goes there
MAX_GITIGNORE_BYTES = 1 << 20


def _gitignore(root: Path, rel_dir: str, entry: os.DirEntry, problems: list[Problem]):
    """The spec of one folder's .gitignore. Like git, a .gitignore that is a link is not read;
    a special file (FIFO, device) is never opened."""
    rel = posixpath.join(rel_dir, ".gitignore") if rel_dir else ".gitignore"
    try:
        if entry.is_symlink():
            problems.append(problem("PF004", rel, 1, 1, ".gitignore is a symbolic link; not read (git does not read it either)"))
            return None
        text = safe_io.read_bytes(Path(entry.path), MAX_GITIGNORE_BYTES)
    except OSError as exc:
        problems.append(problem("PF004", rel, 1, 1, f"cannot read .gitignore: {exc.strerror or exc}"))
        return None
    if len(text) > MAX_GITIGNORE_BYTES:
        problems.append(problem("PF004", rel, 1, 1, f".gitignore is larger than {MAX_GITIGNORE_BYTES >> 20} MiB; not read"))
        return None
    lines = split_lines(text.decode("utf-8", "replace"))
    spec, bad = ignore_patterns.compile_lines(enumerate(lines, start=1))
    for item in bad:
        problems.append(problem("PF007", rel, item.line, 1, f"ignore pattern `{item.shown}` not used: {item.reason}"))
    return spec


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _link(root: Path, rel: str) -> Symlink:
    """root: resolved (as walk resolves it)."""
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
            target = _rel(root, candidate) if candidate.is_absolute() else None
            break
        except ValueError:
            continue
    return Symlink(rel, raw, target, exists, exists and real.is_dir())


def walk(root: Path, excludes: tuple[str, ...] = (), use_gitignore: bool = True,
         tracked: frozenset[str] | None = None) -> Tree:
    """Every file under root that is not excluded, in sorted order. Folders are listed with an
    explicit stack (no recursion), each once; links are recorded, never followed; a folder that
    cannot be listed, or lies too deep, is a PF004 problem, never a silent gap. git ignores
    .gitignore for a file it tracks (a committed requirements.txt under a `*.txt` pattern is
    deployed all the same), and so does this walk: the tracked files are `tracked` when given
    (git's own list), else read from .git/index the first time a .gitignore pattern matches."""
    root = root.resolve()
    user_spec = ignore_patterns.compile_patterns(DEFAULT_EXCLUDES + tuple(excludes))
    known: list[tuple[frozenset[str], frozenset[str]]] = []  # (tracked files, their folders), once asked

    def is_tracked(rel: str, is_dir: bool) -> bool:
        if not known:
            from gcp_preflight.git_index import index_paths

            paths = tracked if tracked is not None else index_paths(root) or frozenset()
            known.append((paths, _folders_of(paths)))
        paths, folders = known[0]
        return rel in folders if is_dir else rel in paths
    files: list[str] = []
    stats: dict[str, tuple[int, int, int]] = {}
    links: list[Symlink] = []
    dirs: list[str] = []
    problems: list[Problem] = []
    ignores: list[tuple[str, object]] = []

    def ignored(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if user_spec.match_file(probe):
            return True
        for base, spec in ignores:
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1:] if base else rel
            if spec.match_file(sub + "/" if is_dir else sub):
                return not is_tracked(rel, is_dir)
        return False

    stack: list[tuple[str, int]] = [("", 0)]
    top = str(root)
    while stack:
        rel_dir, depth = stack.pop()
        folder = os.path.join(top, rel_dir) if rel_dir else top  # strings: a Path per folder costs a tenth of the walk
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(problem("PF004", rel_dir or ".", 1, 1, f"cannot list folder: {exc.strerror or exc}; its files are not checked"))
            continue
        if use_gitignore:
            for entry in entries:
                if entry.name == ".gitignore":
                    spec = _gitignore(root, rel_dir, entry, problems)
                    if spec is not None:
                        ignores.append((rel_dir, spec))
        subfolders = []
        for entry in entries:
            rel = posixpath.join(rel_dir, entry.name) if rel_dir else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_link:
                if not ignored(rel, _points_to_dir(entry)):
                    links.append(_link(root, rel))
            elif is_dir:
                if ignored(rel, True):
                    continue
                if depth + 1 > MAX_DEPTH:
                    problems.append(problem("PF004", rel, 1, 1, f"folder nested more than {MAX_DEPTH} levels deep; not checked"))
                    continue
                dirs.append(rel)
                subfolders.append((rel, depth + 1))
            elif not ignored(rel, False):
                info = _regular(entry)
                if info is not None:  # a FIFO or a device would block or never end
                    files.append(rel)
                    stats[rel] = (info.st_size, info.st_mtime_ns, info.st_ino)
        stack.extend(reversed(subfolders))
    return Tree(tuple(sorted(files)), tuple(sorted(links, key=lambda s: s.path)), tuple(sorted(dirs)),
                tuple(problems), stats)


def _folders_of(paths: frozenset[str]) -> frozenset[str]:
    """Every folder that holds one of `paths`, at any depth."""
    folders: set[str] = set()
    for path in paths:
        folder = posixpath.dirname(path)
        while folder and folder not in folders:
            folders.add(folder)
            folder = posixpath.dirname(folder)
    return frozenset(folders)


def only_tracked(tree: Tree, tracked: frozenset[str]) -> Tree:
    """The tree without the files and links git does not track (folders kept only when something
    tracked lies below them)."""
    files = tuple(f for f in tree.files if f in tracked)
    links = tuple(s for s in tree.symlinks if s.path in tracked)
    below = {posixpath.dirname(p) for p in files + tuple(s.path for s in links)}
    kept = set()
    for folder in below:
        while folder and folder not in kept:
            kept.add(folder)
            folder = posixpath.dirname(folder)
    return Tree(files, links, tuple(d for d in tree.dirs if d in kept), tree.problems, tree.stats)


def _points_to_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def _regular(entry: os.DirEntry) -> os.stat_result | None:
    """The entry's stat when it is a regular file."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None
