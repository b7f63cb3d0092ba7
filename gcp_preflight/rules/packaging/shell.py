"""Replay the shell steps that build a package folder before `gcloud ... deploy --source DIR`.

Understood (in script order, with the `cd` the reader followed):
  mkdir [-p] DIR...                  an empty package folder
  rm -r/-rf PATH...                  removes what was placed there
  cp [-r|-R|-a] [-L] SRC... DEST     GNU semantics: into DEST/ when it is a folder; `SRC/.` copies
                                     the contents; links are kept as links unless -L
  rsync [-a|-r] [-L|--copy-links] [--exclude=PAT] SRC... DEST
                                     `SRC/` copies the contents, `SRC` the folder itself
  ln -s TARGET LINK                  a link inside the package
  touch FILE                         an empty file (`touch "$D/pkg/__init__.py"`)
  cp X.Dockerfile DIR/Dockerfile     the image a `run deploy --source DIR` builds
Commands inside a branch that ends with `exit` are skipped: the deploy after it runs only when
that branch did not.
  pip install -t/--target DIR ...    vendored distributions (requirements files and names)
Any other command that names the package folder is reported as not understood (PF208), and the
unit's missing-module findings are withheld, since that step may have supplied them.
"""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass, field
from typing import Callable

from gcp_preflight import ignore_patterns
from gcp_preflight.model import Location
from gcp_preflight.rules.packaging.files import Dangling, Node, RepoIndex, UnitFiles
from gcp_preflight.validators.deploy.facts import ShellCommand

MKTEMP = "/tmp/mktemp-line"
_READ_ONLY = {"echo", "printf", "ls", "cat", "test", "[", "[[", "du", "find", "tree", "wc", "stat", "cd",
              "pushd", "popd", "true", "set", "export", "local", "readonly"}


@dataclass
class Entry:
    real: str | None  # a repository file; None for a link or an unreadable file
    link: str | None = None  # raw target of a link kept as a link
    origin: str = ""  # repository path of the link it came from
    where: Location | None = None
    dangling: bool = False  # a link followed (-L) whose target does not exist


@dataclass
class Package:
    """Virtual folders made by a script; paths are root-relative, or absolute ("/tmp/build")."""

    repo: RepoIndex
    entries: dict[str, Entry] = field(default_factory=dict)
    made: set[str] = field(default_factory=set)
    notes: list[tuple[Location, str]] = field(default_factory=list)
    vendored_requirements: list[str] = field(default_factory=list)
    vendored: list[str] = field(default_factory=list)
    vendored_unknown: bool = False
    # `cp docker/api.Dockerfile ./Dockerfile`: folder -> the repository Dockerfile copied into it
    dockerfiles: dict[str, str] = field(default_factory=dict)

    def snapshot(self) -> "Package":
        return Package(self.repo, dict(self.entries), set(self.made), list(self.notes),
                       list(self.vendored_requirements), list(self.vendored), self.vendored_unknown,
                       dict(self.dockerfiles))

    # -- where a path lives -------------------------------------------------------------------
    def virtual(self, path: str) -> bool:
        if path.startswith(MKTEMP):  # `$(mktemp -d)`, as the shell reader names it: a fresh folder
            self.made.add(path[: (path.find("/", len(MKTEMP)) + 1 or len(path) + 1) - 1])
        return any(path == d or path.startswith(d.rstrip("/") + "/") for d in self.made)

    def kind(self, path: str) -> str | None:
        if self.virtual(path):
            if path in self.entries:
                return "file" if self.entries[path].link is None else "link"
            prefix = path.rstrip("/") + "/"
            return "dir" if path in self.made or any(p.startswith(prefix) for p in self.entries) else None
        return self.repo.kind(path) if not path.startswith("/") else None

    def items(self, path: str) -> list[tuple[str, Entry]]:
        """(path relative to `path`, entry) for everything under a virtual or repository path."""
        if self.virtual(path):
            if path in self.entries:
                return [("", self.entries[path])]
            prefix = path.rstrip("/") + "/"
            return [(p[len(prefix):], e) for p, e in sorted(self.entries.items()) if p.startswith(prefix)]
        found = self.repo.items_cache.get(path)
        if found is None:  # a folder copied into many units (`rsync shared/ ...` per function) is listed once
            found = self.repo.items_cache[path] = list(_repo_items(self.repo, path))
        return list(found)

    # -- operations -------------------------------------------------------------------------
    def copy(self, src: str, dest: str, deref: bool, where: Location,
             exclude: Callable[[str], bool] | None = None, depth: int = 0) -> None:
        # What items() lists is normalized (a listing's names, or keys made by _join): below a
        # normalized folder, a path is the two joined (normpath per file cost 0.7 s at scale 4).
        clean = posixpath.normpath(dest) == dest if dest else True
        for rel, entry in self.items(src):
            if exclude is not None and rel and exclude(rel):
                continue
            target = (f"{dest}/{rel}" if dest else rel) if clean and rel else _join(dest, rel)
            if entry.link is not None and deref and depth < 8:
                self._deref(_join(src, rel), entry, target, where, depth)
            else:
                self.entries[target] = Entry(entry.real, entry.link, entry.origin, where, entry.dangling)

    def _deref(self, at: str, entry: Entry, target: str, where: Location, depth: int) -> None:
        link = self.repo.links.get(at)
        resolved = (link.target if link.exists else None) if link else _resolve_link(at, entry.link)
        if resolved is not None and self.kind(resolved) is not None:
            self.copy(resolved, target, True, where, None, depth + 1)
        else:
            self.entries[target] = Entry(None, entry.link, entry.origin, where, dangling=True)

    def remove(self, path: str) -> None:
        prefix = path.rstrip("/") + "/"
        for key in [k for k in self.entries if k == path or k.startswith(prefix)]:
            del self.entries[key]

    def files(self, root: str) -> UnitFiles:
        """The package as gcloud uploads it: links resolved to their targets."""
        out = UnitFiles()
        node = self.repo.node
        for rel, entry in self.items(root):
            if entry.link is None:
                out.files[rel] = node(entry.real)  # rel is normalized (see copy)
                continue
            if entry.dangling:
                out.dangling.append(Dangling(rel, entry.origin, entry.link, Location(entry.origin or rel), entry.where))
                continue
            resolved = _resolve_link(_join(root, rel), entry.link)
            where = entry.where or Location(entry.origin)
            if resolved is None or self.kind(resolved) is None:
                out.dangling.append(Dangling(rel, entry.origin, entry.link, where))
                continue
            if not self.virtual(resolved):  # into the repository: gcloud follows it there
                self.repo.expand(resolved, rel, out)
                continue
            for inner_rel, inner in self.items(resolved):
                if inner.link is None:
                    out.add(_join(rel, inner_rel), Node(inner.real, entry.origin or None))
        return out


def _repo_items(repo: RepoIndex, path: str):
    """Repository content under path, links kept as links (cp without -L copies them so)."""
    kind = repo.kind(path)
    if kind == "file":
        yield "", Entry(path)
    elif kind == "link":
        link = repo.links[path]
        yield "", Entry(None, link.raw_target, link.path)
    elif kind == "dir":
        prefix = path.rstrip("/") + "/" if path else ""
        for child in sorted(set(repo.children.get(path, ()))):
            name = child[len(prefix):]
            for rel, entry in _repo_items(repo, child):
                yield _join(name, rel), entry


def _resolve_link(link_path: str, raw: str | None) -> str | None:
    if raw is None or raw.startswith("/"):
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(link_path), raw))
    return None if resolved.startswith("..") else ("" if resolved == "." else resolved)


def _join(base: str, rel: str) -> str:
    if not rel:
        return base
    return posixpath.normpath(posixpath.join(base, rel)) if base else posixpath.normpath(rel)


def resolve_path(cwd: str, path: str) -> str:
    """A script path, root-relative; Cloud Build's /workspace is the repository root."""
    if path == "/workspace" or path.startswith("/workspace/"):
        path = path[len("/workspace/"):] or "."
    elif path.startswith("/"):
        return posixpath.normpath(path)
    joined = posixpath.normpath(posixpath.join(cwd if cwd not in (".", "") else "", path) or ".")
    return "" if joined == "." else joined


def _split_options(words: list[str], with_value: tuple[str, ...] = ()) -> tuple[set[str], list[str], dict[str, list[str]]]:
    """Short flags (each letter), long flags, positional arguments and option values."""
    flags: set[str] = set()
    values: dict[str, list[str]] = {}
    args: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            args.extend(words[i + 1:])
            break
        if word.startswith("--"):
            name, eq, value = word.partition("=")
            if name in with_value and not eq and i + 1 < len(words):
                value, i = words[i + 1], i + 1
            flags.add(name)
            if value or eq:
                values.setdefault(name, []).append(value)
        elif word.startswith("-") and len(word) > 1:
            if word in with_value and i + 1 < len(words):
                values.setdefault(word, []).append(words[i + 1])
                i += 1
            flags.update(word[1:])
        else:
            args.append(word)
        i += 1
    return flags, args, values


def _glob(package: Package, pattern: str) -> list[str]:
    if not any(c in pattern for c in "*?["):
        return [pattern]
    parent, name = posixpath.split(pattern)
    children = {p.split("/")[0] for p, _ in package.items(parent) if p} if package.kind(parent) == "dir" else set()
    return sorted(_join(parent, c) for c in children if fnmatch.fnmatchcase(c, name))


class Replayer:
    """The package state before each deploy of one script, replayed once for the whole script
    (a script with a thousand deploys is read once, not once per deploy)."""

    def __init__(self, repo: RepoIndex, commands: list[ShellCommand]):
        self.commands = sorted(commands, key=lambda c: c.sequence)
        self.package = Package(repo)
        self.done = 0

    def before(self, sequence: int) -> Package:
        """The package as the commands before `sequence` leave it (a copy; calls in any order)."""
        if self.commands[self.done - 1:self.done] and self.commands[self.done - 1].sequence >= sequence:
            self.package, self.done = Package(self.package.repo), 0  # asked for an earlier point: start over
        upto = self.done
        while upto < len(self.commands) and self.commands[upto].sequence < sequence:
            upto += 1
        _apply(self.package, self.commands[self.done:upto])
        self.done = upto
        return self.package.snapshot()


def _apply(package: Package, commands: list[ShellCommand]) -> None:
    for command in commands:
        if command.exits:
            continue  # a branch that exits: the deploy after it runs only when it did not
        words = [w.text for w in command.words]
        if not words or words[0] is None:
            continue
        name = posixpath.basename(words[0])
        if name == "sudo" and len(words) > 1:
            words, name = words[1:], posixpath.basename(words[1] or "")
        if None in words:
            if any(w.text and package.virtual(resolve_path(command.cwd, w.text)) for w in command.words[1:]):
                package.notes.append((command.location, "an argument could not be resolved"))
            continue
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(package, command, words[1:])
        elif name in ("pip", "pip3", "python", "python3") and "install" in words:
            _pip(package, command, words)
        elif name not in _READ_ONLY and package.made and any(package.virtual(resolve_path(command.cwd, w))
                                                             for w in words[1:]):
            package.notes.append((command.location, f"`{' '.join(words)}` changes the package folder"))


def _mkdir(package: Package, command: ShellCommand, words: list[str]) -> None:
    _, args, _ = _split_options(words, ("-m", "--mode"))
    for arg in args:
        path = resolve_path(command.cwd, arg)
        while path not in ("", "/", ".") and (package.virtual(path) or package.repo.kind(path) is None):
            package.made.add(path)  # with -p, parents that do not exist are made too
            path = posixpath.dirname(path)


def _rm(package: Package, command: ShellCommand, words: list[str]) -> None:
    _, args, _ = _split_options(words)
    for arg in args:
        path = resolve_path(command.cwd, arg)
        if package.virtual(path):
            package.remove(path)


def _cp(package: Package, command: ShellCommand, words: list[str]) -> None:
    flags, args, _ = _split_options(words, ("-t", "--target-directory"))
    if len(args) < 2:
        return
    recursive = bool(flags & {"r", "R", "a", "--recursive", "--archive"})
    deref = bool(flags & {"L", "--dereference"})
    *sources, dest = [resolve_path(command.cwd, a) for a in args]
    contents_only = [a.endswith("/.") for a in args[:-1]]
    sources = [s for pattern in sources for s in _glob(package, pattern)]
    into = len(sources) > 1 or args[-1].endswith("/") or package.kind(dest) == "dir"
    if not package.virtual(dest):
        target = _join(dest, posixpath.basename(sources[0])) if into and sources else dest
        if (len(sources) == 1 and posixpath.basename(target) == "Dockerfile"
                and package.repo.kind(sources[0]) == "file"):
            package.dockerfiles[posixpath.dirname(target)] = sources[0]
        if package.kind(dest) is None and any(package.virtual(s) for s in sources):
            package.notes.append((command.location, f"copies out of the package folder into {args[-1]}"))
        return
    for src, only in zip(sources, contents_only + [False] * len(sources)):
        kind = package.kind(src)
        if kind is None:
            package.notes.append((command.location, f"{src} does not exist"))
            continue
        if kind == "dir" and not recursive:
            continue  # cp: -r not specified; omitting directory
        target = dest if (only or not into) else _join(dest, posixpath.basename(src))
        package.copy(src, target, deref or (kind == "link" and "H" in flags), command.location)


def _rsync(package: Package, command: ShellCommand, words: list[str]) -> None:
    flags, args, values = _split_options(words, ("--exclude", "--include", "--exclude-from", "-e", "--rsh", "--filter", "-f"))
    if len(args) < 2:
        return
    if values.get("--include") or values.get("--filter") or values.get("-f") or values.get("--exclude-from"):
        package.notes.append((command.location, "rsync include/filter rules are not modelled"))
        return
    recursive = bool(flags & {"a", "r", "--archive", "--recursive"})
    deref = bool(flags & {"L", "--copy-links"})
    exclude = ignore_patterns.matcher(tuple(values["--exclude"])) if values.get("--exclude") else None
    *sources, dest = args
    dest_path = resolve_path(command.cwd, dest)
    if not package.virtual(dest_path):
        return
    for raw in sources:
        src = resolve_path(command.cwd, raw)
        for path in _glob(package, src):
            kind = package.kind(path)
            if kind is None:
                package.notes.append((command.location, f"{raw} does not exist"))
                continue
            if kind == "dir" and not recursive:
                continue
            contents = raw.endswith("/") and kind in ("dir", "link")
            target = dest_path if contents else _join(dest_path, posixpath.basename(path))
            package.copy(path, target, deref, command.location, exclude)


def _touch(package: Package, command: ShellCommand, words: list[str]) -> None:
    _, args, _ = _split_options(words, ("-d", "-r", "-t"))
    for arg in args:
        path = resolve_path(command.cwd, arg)
        if package.virtual(path) and path not in package.entries:
            package.entries[path] = Entry(None, None, "", command.location)  # an empty file


def _ln(package: Package, command: ShellCommand, words: list[str]) -> None:
    flags, args, _ = _split_options(words)
    if "s" not in flags or len(args) != 2:
        return
    target, link = args
    path = resolve_path(command.cwd, link)
    if package.virtual(path):
        if package.kind(path) == "dir":
            path = _join(path, posixpath.basename(target))
        package.entries[path] = Entry(None, target, "", command.location)


def _pip(package: Package, command: ShellCommand, words: list[str]) -> None:
    flags, args, values = _split_options(words, ("-t", "--target", "-r", "--requirement", "-c", "-i", "--index-url"))
    target = (values.get("-t") or values.get("--target") or [None])[-1]
    if target is None or not package.virtual(resolve_path(command.cwd, target)):
        return
    for req in values.get("-r", []) + values.get("--requirement", []):
        package.vendored_requirements.append(resolve_path(command.cwd, req))
    names = [a for a in args if a not in ("pip", "pip3", "python", "python3", "install") and not a.startswith("-")]
    for name in names:
        if "/" in name or name.startswith("."):
            package.vendored_unknown = True
        else:
            package.vendored.append(name)


_HANDLERS = {"mkdir": _mkdir, "rm": _rm, "cp": _cp, "rsync": _rsync, "ln": _ln, "touch": _touch}
