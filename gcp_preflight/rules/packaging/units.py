"""Every deployment unit of the repository: from deploy commands (shell scripts and Cloud
Build, with the package-building steps before them replayed), from Dockerfiles, and from the
`[packaging] units` config for layouts nothing declares."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from gcp_preflight import ignore_patterns
from gcp_preflight.model import Location
from gcp_preflight.rules.packaging.docker import image_unit
from gcp_preflight.rules.packaging.files import RepoIndex, UnitFiles
from gcp_preflight.rules.packaging.options import Options, UnitConfig
from gcp_preflight.rules.packaging.shell import Package, Replayer, resolve_path
from gcp_preflight.rules.packaging.unit import EntryPoint, Unit, parse_runtime
from gcp_preflight.validators.deploy.facts import DeployCommand, ShellCommand
from gcp_preflight.validators.packaging.dockerfile import DockerInstruction
from gcp_preflight.validators.packaging.ignore_files import IgnoreFile
from gcp_preflight.validators.packaging.projects import Procfile

_LABEL = {"function": "function", "run-service": "service", "run-job": "job"}


def repo_index(project) -> RepoIndex:
    return RepoIndex(project.tree.files, project.symlinks)


def gather(project, options: Options) -> tuple[list[Unit], list[tuple[Location, str]]]:
    """(units, notes): a note is a deploy step or value that could not be understood."""
    repo = project.memo(repo_index)
    units: list[Unit] = []
    notes: list[tuple[Location, str]] = []
    if options.infer_units:
        dockerfiles: dict[str, list[DockerInstruction]] = {}
        for ins in project.facts(DockerInstruction):
            if not archived(ins.path, options.archived):
                dockerfiles.setdefault(ins.path, []).append(ins)
        copied: set[str] = set()  # Dockerfiles a deploy copies into its source folder first
        replayers: dict[str, Replayer] = {}
        commands = project.facts(DeployCommand)
        # Functions Terraform declares: their source is a Cloud Storage object (or a repository),
        # however the object was made. A name with variables (`data-ingestion-${var.environment}`)
        # stands for every value they may take.
        from_objects = _DeclaredNames([c for c in commands if c.origin == "terraform" and c.platform == "function"])
        for command in commands:
            if archived(command.path, options.archived):
                continue
            unit = _deploy_unit(project, repo, command, notes, copied, replayers, from_objects)
            if unit is not None:
                units.append(unit)
        for path, instructions in sorted(dockerfiles.items()):
            if path in copied:
                continue  # built with the deploy's folder as its context, read there
            unit = image_unit(repo, path, tuple(instructions), ignored=_dockerignore(project, path, None))
            if unit is not None:
                units.append(unit)
    for config in options.units:
        units.append(_config_unit(project, repo, config))
    return units, notes


# Commands that upload source; `run services update`, `run jobs create|update` only take images.
UPLOADING = frozenset({"functions deploy", "run deploy", "run jobs deploy"})


def archived(path: str, folders: tuple[str, ...]) -> bool:
    """Whether a path lies in a documentation or archive folder (`docs/archive/api.Dockerfile`)."""
    parts = path.split("/")[:-1]
    return any(p in folders or any(p.startswith(f + "-") or p.startswith(f + "_") for f in folders) for p in parts)


def _dockerignore(project, dockerfile: str, context: str | None):
    """A predicate over context-relative paths from the context's .dockerignore (or the
    Dockerfile's own `<name>.dockerignore`), or None."""
    from gcp_preflight.rules.packaging.docker import _context, _stage

    candidates = [dockerfile + ".dockerignore"]
    if context is None:
        instructions = project.facts_in(dockerfile, DockerInstruction)
        context = _context(project.memo(repo_index), dockerfile, _stage(instructions)) if instructions else None
    if context is not None:
        candidates.append(posixpath.join(context, ".dockerignore") if context else ".dockerignore")
    for candidate in candidates:
        facts = project.facts_in(candidate, IgnoreFile)
        if facts:
            return ignore_patterns.matcher(tuple(text for _, text in facts[0].patterns))
    return None


_INTERPOLATION = re.compile(r"\$\{[^}]*\}")


class _DeclaredNames:
    """The names some commands declare; an interpolation (`data-ingestion-${var.environment}`)
    stands for any non-empty text. Matched by finding each literal part in turn (no regex built
    from the repository's text: linear in the name)."""

    def __init__(self, commands: list[DeployCommand]):
        self.exact: set[str] = set()
        self.shapes: list[list[str]] = []
        for command in commands:
            if command.name is None:
                continue
            raw = command.name.raw.strip("\"'")
            if "${" in raw:
                self.shapes.append(_INTERPOLATION.split(raw))
            elif command.name.known:
                self.exact.add(command.name.text)

    def __contains__(self, name: str) -> bool:
        return name in self.exact or any(_fits(parts, name) for parts in self.shapes)


def _fits(parts: list[str], name: str) -> bool:
    """Whether `name` is parts[0] + something + parts[1] + ... + something + parts[-1]."""
    first, *middle, last = parts
    if not name.startswith(first) or not name.endswith(last) or len(name) < len(first) + len(last) + len(parts) - 1:
        return False
    position, end = len(first) + 1, len(name) - len(last) - 1  # each gap holds one character at least
    for part in middle:
        found = name.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part) + 1
    return position <= end + 1


def _deploy_unit(project, repo: RepoIndex, command: DeployCommand, notes, copied: set[str],
                 replayers: dict, from_objects: _DeclaredNames | None = None) -> Unit | None:
    if command.command not in UPLOADING or command.value("--image") is not None:
        return None
    word = command.value("--source")
    if word is None and command.declarative:
        return None  # Terraform or a manifest that names no folder: nothing is uploaded from here
    if word is None and command.opaque:
        hidden = next((w for w in command.opaque if w.raw.lstrip("\"'").startswith("--source")), command.opaque[0])
        notes.append((hidden.location, f"`{hidden.raw}` may name the source folder (it cannot be resolved), so the "
                                       f"package of this deploy is not checked"))
        return None
    if word is None and command.has("--flags-file") and not command.flags_files:
        notes.append((command.location, "the source folder may be set in the --flags-file, which is not read, so "
                                        "the package of this deploy is not checked"))
        return None
    if word is None and not command.declarative and command.value("--runtime") is None \
            and command.name is not None and command.name.known and from_objects is not None \
            and command.name.text in from_objects:
        # A redeploy (no --runtime, which a new function needs) of a function declared with a
        # Cloud Storage object for its source: without --source, gcloud leaves that source as it is.
        notes.append((command.location, f"no --source: this redeploys function {command.name.text}, which is "
                                        f"declared elsewhere with a Cloud Storage object for its source, and gcloud "
                                        f"leaves that source as it is, so the package of this deploy is not checked"))
        return None
    if word is not None and not word.known:
        notes.append((word.location, f"cannot tell which folder `{word.raw}` is, so the package of this deploy "
                                     f"is not checked ({word.unknown_reason or 'unresolved value'})"))
        return None
    source = word.text if word is not None else "."
    if "://" in source:
        return None
    if not command.cwd_known and not source.startswith("/"):
        notes.append((word.location if word is not None else command.location,
                      f"cannot tell which folder `{source}` is: a `cd`, `pushd` or `popd` before the deploy could "
                      f"not be followed, so the package of this deploy is not checked"))
        return None
    replayer = replayers.get(command.path)
    if replayer is None:
        replayer = replayers[command.path] = Replayer(repo, list(project.facts_in(command.path, ShellCommand)))
    package = replayer.before(command.sequence)
    notes.extend(package.notes)
    root = resolve_path(command.cwd, source)
    if not package.virtual(root) and command.origin != "terraform":  # Terraform names repository paths
        # Scripts are read as run from the repository root; a per-function script with
        # `--source=.` is run from its own folder. Take that folder when only it is a unit.
        beside = resolve_path(posixpath.dirname(command.path), posixpath.join(command.cwd, source))
        if repo.kind(root) is None or (not _has_entry(repo, root, command.platform)
                                       and _has_entry(repo, beside, command.platform)):
            root = beside if repo.kind(beside) is not None else root
    if package.virtual(root):
        files = package.files(root)
    elif repo.kind(root) is None:
        notes.append((word.location if word is not None else command.location,
                      f"the source folder `{source}` is not in the repository (built elsewhere?), so the "
                      f"package of this deploy is not checked"))
        return None
    else:
        files = UnitFiles()
        repo.expand(root, "", files)
        # folders the script made inside the repository's own source folder and filled
        # (`mkdir -p "$SRC/shared"; rsync -aL shared/utils "$SRC/shared/"`) are uploaded too
        prefix = root + "/" if root else ""
        for made in sorted(package.made):
            if made.startswith(prefix) and not made.startswith("/") and made != root:
                inner = package.files(made)
                rel = made[len(prefix):]
                for path, node in inner.files.items():
                    files.add(posixpath.join(rel, path) if path else rel, node)
                files.dangling.extend(replace(d, path=posixpath.join(rel, d.path)) for d in inner.dangling)
    # a folder zipped by Terraform's archive_file: its `excludes`, not a .gcloudignore, say what is left out
    files = _archive_excludes(project, command, files) if command.origin == "terraform" else _gcloudignore(project, files)
    if command.name is not None and command.name.known:
        name = command.name.text
    else:  # a variable, matrix value or substitution: named after the folder it uploads
        shown = word.raw.strip("\"'") if word is not None else "."
        name = f"{root}/" if root and not root.startswith("/") else f"built in {shown}" if root else "at the root"
    label = f"{_LABEL.get(command.platform, command.platform)} {name}"
    if command.platform != "function":
        dockerfile = package.dockerfiles.get(root)
        if dockerfile is not None and project.facts_in(dockerfile, DockerInstruction):
            copied.add(dockerfile)
            return image_unit(repo, dockerfile, project.facts_in(dockerfile, DockerInstruction),
                              context=root, ignored=_dockerignore(project, dockerfile, root),
                              label=label, defined_at=command.location)
        if "Dockerfile" in files.files:
            return None  # built from its Dockerfile: that unit is read from the Dockerfile itself
        if command.has("--set-build-env-vars") or command.has("--build-env-vars-file"):
            notes.append((command.location, "build environment variables (GOOGLE_ENTRYPOINT, ...) may choose the "
                                            "entry point, so the package of this deploy is not checked"))
            return None
    runtime = command.value("--runtime")
    if _not_python(files, runtime.text if runtime is not None and runtime.known else None):
        return None  # a Node.js, Go or Java unit: its imports are not ours to check
    unit = Unit(label, command.platform, files, command.location, entry="main.py")
    unit.notes = [text for _, text in package.notes]
    procfile = files.files.get("Procfile")
    if command.platform != "function" and procfile is not None and procfile.real:
        _procfile_entry(project, unit, procfile.real)
    elif "main.py" not in files.files:
        unit.missing_entry = "main.py"
        unit.entry = None
    if runtime is not None and runtime.known:
        unit.runtime, unit.runtime_text = parse_runtime(runtime.text), runtime.text
    entry_point = command.value("--entry-point") or command.value("--function")
    if command.platform == "function":
        source_of_name = entry_point if entry_point is not None else command.name
        if source_of_name is not None and source_of_name.known:
            unit.entry_point = EntryPoint(source_of_name.text, source_of_name.location)
    elif entry_point is not None and entry_point.known:
        unit.entry_point = EntryPoint(entry_point.text, entry_point.location)
    unit.requirements = _requirements(files, package)
    unit.extra_installed = tuple(package.vendored)
    return unit


def _procfile_entry(project, unit: Unit, path: str) -> None:
    """Buildpacks start the Procfile's `web` process (`web: gunicorn -b :$PORT app.server:app`)."""
    import shlex

    from gcp_preflight.rules.packaging.docker import _start

    found = project.facts_in(path, Procfile)
    web = next(((p.command, p.line) for p in found[0].processes if p.kind == "web"), None) if found else None
    unit.entry, unit.entry_point = None, None
    if web is None:
        unit.notes.append(f"{path}: no `web` process")
        return
    try:
        argv = shlex.split(web[0])
    except ValueError:
        unit.notes.append(f"{path}:{web[1]}: the command cannot be split")
        return
    _start(unit, argv, "/", [], Location(path, web[1]))
    if unit.entry is None and not unit.missing_entry:
        unit.notes.append(f"{path}:{web[1]}: the start command is not one the tool follows")


OTHER_LANGUAGES = ("package.json", "go.mod", "pom.xml", "build.gradle", "Gemfile", "composer.json")


def _has_entry(repo: RepoIndex, folder: str, platform: str) -> bool:
    """Whether the folder is a source folder: a function starts from main.py; a Cloud Run service
    built from source may instead be built from its Dockerfile or started by its Procfile."""
    names = ("main.py",) if platform == "function" else ("main.py", "Dockerfile", "Procfile")
    return any(repo.kind(posixpath.join(folder, name) if folder else name) in ("file", "link") for name in names)


def _not_python(files: UnitFiles, runtime: str | None) -> bool:
    """A runtime that names another language, or, without one, another language's manifest
    and no main.py (Cloud Run buildpacks pick the language from the files)."""
    if runtime is not None:
        return not runtime.lower().startswith("python")
    return "main.py" not in files.files and any(name in files.files for name in OTHER_LANGUAGES)


def _requirements(files: UnitFiles, package: Package | None = None) -> tuple[str, ...] | None:
    found = files.files.get("requirements.txt")
    reqs = [found.real] if found is not None and found.real else []
    if package is not None:
        if package.vendored_unknown:
            return None
        reqs += package.vendored_requirements
    return tuple(reqs)


def _gcloudignore(project, files: UnitFiles) -> UnitFiles:
    node = files.files.get(".gcloudignore")
    facts = project.facts_in(node.real, IgnoreFile) if node is not None and node.real else ()
    if not facts:
        return files
    lines = [text for _, text in facts[0].patterns if not text.startswith("#!include:")]
    spec = ignore_patterns.compile_patterns(lines)
    return files.without(spec.match_file)


def _archive_excludes(project, command: DeployCommand, files: UnitFiles) -> UnitFiles:
    """archive_file `excludes`: globs relative to source_dir (`**` crosses folders), a folder
    excluded with everything in it."""
    from gcp_preflight.validators.terraform.facts import ArchivedSource

    found = [a for a in project.facts_in(command.path, ArchivedSource) if a.sequence == command.sequence]
    if not found or not found[0].excludes:
        return files
    spec = ignore_patterns.compile_patterns(["/" + p.lstrip("/") for p in found[0].excludes if p.strip()])
    return files.without(spec.match_file)


def _config_unit(project, repo: RepoIndex, config: UnitConfig) -> Unit:
    files = UnitFiles()
    repo.expand(config.source, "", files)
    for src, dest in config.include:
        repo.expand(src, dest, files)
    files = _gcloudignore(project, files)
    where = Location(project.config.path or "", 1)
    unit = Unit(f"unit {config.name}", "config", files, where, entry=config.entry,
                sys_path=config.python_path)
    unit.entry_module = _dotted(config.entry, config.python_path)
    if config.entry not in files.files:
        unit.entry, unit.missing_entry = None, config.entry
    if config.entry_point:
        unit.entry_point = EntryPoint(config.entry_point, where)
    if config.runtime:
        unit.runtime, unit.runtime_text = parse_runtime(config.runtime), config.runtime
    unit.requirements = (config.requirements,) if config.requirements else _requirements(files)
    return unit


def _dotted(entry: str, python_path: tuple[str, ...]) -> str:
    for root in python_path:
        prefix = root + "/" if root else ""
        if entry.startswith(prefix):
            rel = entry[len(prefix):]
            rel = rel[: -len("/__init__.py")] if rel.endswith("/__init__.py") else rel[: -len(".py")]
            return rel.replace("/", ".")
    return "__main__"
