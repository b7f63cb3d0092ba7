"""What a deployment unit holds: its paths, each mapped onto the real repository file.

Discovery never follows links and parses each file once at its real path, so a unit is a view:
`shared/utils/__init__.py` inside a function folder may be the repository's
`shared/utils/__init__.py` reached through a link to `shared/`. Links are resolved the way
gcloud uploads them (to their targets); a dangling one is recorded, not followed.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field, replace

from gcp_preflight.discovery import Symlink
from gcp_preflight.model import Location

MAX_LINK_DEPTH = 8


@dataclass(frozen=True)
class Node:
    """One file of a unit: the real repository file (None when it lies outside the repository
    and cannot be read), and the link it came through, if any."""

    real: str | None
    via: str | None = None


@dataclass(frozen=True)
class Dangling:
    """A link whose target does not exist; `where` is the link (or the step that copied it)."""

    path: str  # inside the unit
    link: str  # the link's own repository path ("" for one made by a script)
    raw_target: str
    where: Location
    step: Location | None = None  # the script step that tried to follow or copy it


class RepoIndex:
    """The repository's files and links by folder, built once per run."""

    def __init__(self, files: tuple[str, ...], links: dict[str, Symlink]):
        self.files = set(files)
        self.links = links
        self.children: dict[str, list[str]] = defaultdict(list)
        self.dirs: set[str] = {""}
        self._folders: dict[tuple[str, int], tuple[list[tuple[str, Node]], list[Dangling]]] = {}
        # path -> (relative path, entry) under it, as packaging/shell.py lists it (entries are read, never changed)
        self.items_cache: dict[str, list] = {}
        self._nodes: dict[str | None, Node] = {}  # one Node per repository file, for every unit holding it
        for path in list(files) + list(links):
            parent = posixpath.dirname(path)
            self.children[parent].append(path)
            while parent and parent not in self.dirs:
                self.dirs.add(parent)
                grand = posixpath.dirname(parent)
                self.children[grand].append(parent)
                parent = grand

    def node(self, real: str | None) -> Node:
        found = self._nodes.get(real)
        if found is None:
            found = self._nodes[real] = Node(real)
        return found

    def kind(self, path: str) -> str | None:
        """"file", "dir", "link" or None."""
        path = _norm(path)
        if path in self.links:
            return "link"
        if path in self.files:
            return "file"
        if path in self.dirs:
            return "dir"
        return None

    def expand(self, path: str, into: str, out: "UnitFiles", depth: int = 0) -> None:
        """Place the repository path (file, folder or link) at `into` inside the unit."""
        path = _norm(path)
        kind = self.kind(path)
        if kind == "file":
            out.add(into, Node(path))
        elif kind == "dir":
            files, dangling = self._folder(path, depth)
            base = _norm(into)
            for rel, node in files:
                out.files[f"{base}/{rel}" if base else rel] = node
            out.dangling.extend(replace(d, path=f"{base}/{d.path}" if base else d.path) for d in dangling)
        elif kind == "link":
            self._follow(self.links[path], into, out, depth)

    def _folder(self, path: str, depth: int) -> tuple[list[tuple[str, Node]], list[Dangling]]:
        """A folder's files and dangling links, relative to it: expanded once per run, however
        many units copy it (`COPY . .` in every image of a repository copies the whole tree)."""
        found = self._folders.get((path, depth))
        if found is None:
            inside = UnitFiles()
            for child in sorted(set(self.children.get(path, ()))):
                self.expand(child, posixpath.basename(child), inside, depth)
            found = self._folders[(path, depth)] = (list(inside.files.items()), inside.dangling)
        return found

    def _follow(self, link: Symlink, into: str, out: "UnitFiles", depth: int) -> None:
        if not link.exists or depth >= MAX_LINK_DEPTH:
            out.dangling.append(Dangling(into, link.path, link.raw_target, Location(link.path)))
        elif link.target is None:  # outside the repository: present, but unreadable here
            out.add(into, Node(None, link.path))
        elif link.is_dir:
            before = len(out.files)
            self.expand(link.target, into, out, depth + 1)
            for key in list(out.files)[before:]:
                if out.files[key].via is None:
                    out.files[key] = Node(out.files[key].real, link.path)
        else:
            out.add(into, Node(link.target, link.path))


@dataclass
class UnitFiles:
    files: dict[str, Node] = field(default_factory=dict)
    dangling: list[Dangling] = field(default_factory=list)

    def add(self, path: str, node: Node) -> None:
        self.files[_norm(path)] = node

    def dirs(self) -> set[str]:
        out = {""}
        for path in self.files:
            parent = _parent(path)
            while parent not in out:
                out.add(parent)
                parent = _parent(parent)
        return out

    def without(self, excluded) -> "UnitFiles":
        """A copy without the paths `excluded(path)` answers True for."""
        kept = UnitFiles({p: n for p, n in self.files.items() if not excluded(p)},
                         [d for d in self.dangling if not excluded(d.path)])
        return kept


def _parent(path: str) -> str:
    """posixpath.dirname, without its call for the common case (a unit of a thousand files
    asks for every folder of every file)."""
    head = path.rpartition("/")[0]
    if head and head[-1] != "/":
        return head
    return posixpath.dirname(path)  # the root, a `//`, or no folder at all


def _norm(path: str) -> str:
    path = posixpath.normpath(path) if path else ""
    return "" if path == "." else path


def _join(base: str, name: str) -> str:
    return _norm(posixpath.join(base, name)) if base else name
