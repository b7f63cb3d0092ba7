"""Every deployment unit of the repository: from deploy commands (shell scripts and Cloud
Build, with the package-building steps before them replayed), from Dockerfiles, and from the
`[packaging] units` config for layouts nothing declares."""

from __future__ import annotations

import posixpath

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
            dockerfiles.setdefault(ins.path, []).append(ins)
        for path, instructions in sorted(dockerfiles.items()):
            unit = image_unit(repo, path, tuple(instructions))
            if unit is not None:
                units.append(unit)
        replayers: dict[str, Replayer] = {}
        for command in project.facts(DeployCommand):
            unit = _deploy_unit(project, repo, command, notes, replayers)
            if unit is not None:
                units.append(unit)
    for config in options.units:
        units.append(_config_unit(project, repo, config))
    return units, notes


# Commands that upload source; `run services update`, `run jobs create|update` only take images.
UPLOADING = frozenset({"functions deploy", "run deploy", "run jobs deploy"})


def _deploy_unit(project, repo: RepoIndex, command: DeployCommand, notes, replayers: dict) -> Unit | None:
    if command.command not in UPLOADING or command.value("--image") is not None:
        return None
    word = command.value("--source")
    if word is not None and not word.known:
        notes.append((word.location, f"cannot tell which folder `{word.raw}` is, so the package of this deploy "
                                     f"is not checked ({word.unknown_reason or 'unresolved value'})"))
        return None
    source = word.text if word is not None else "."
    if "://" in source:
        return None
    replayer = replayers.get(command.path)
    if replayer is None:
        replayer = replayers[command.path] = Replayer(repo, list(project.facts_in(command.path, ShellCommand)))
    package = replayer.before(command.sequence)
    notes.extend(package.notes)
    root = resolve_path(command.cwd, source)
    if not package.virtual(root):
        # Scripts are read as run from the repository root; a per-function script with
        # `--source=.` is run from its own folder. Take that folder when only it is a unit.
        beside = resolve_path(posixpath.dirname(command.path), posixpath.join(command.cwd, source))
        if repo.kind(root) is None or (not _has_entry(repo, root) and _has_entry(repo, beside)):
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
    files = _gcloudignore(project, files)
    name = command.name.text if command.name is not None and command.name.known else "?"
    label = f"{_LABEL.get(command.platform, command.platform)} {name}"
    if command.platform != "function" and "Dockerfile" in files.files:
        return None  # built from its Dockerfile: that unit is read from the Dockerfile itself
    runtime = command.value("--runtime")
    if _not_python(files, runtime.text if runtime is not None and runtime.known else None):
        return None  # a Node.js, Go or Java unit: its imports are not ours to check
    unit = Unit(label, command.platform, files, command.location, entry="main.py")
    unit.notes = [text for _, text in package.notes]
    if "main.py" not in files.files:
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


OTHER_LANGUAGES = ("package.json", "go.mod", "pom.xml", "build.gradle", "Gemfile", "composer.json")


def _has_entry(repo: RepoIndex, folder: str) -> bool:
    return repo.kind(posixpath.join(folder, "main.py") if folder else "main.py") in ("file", "link")


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
