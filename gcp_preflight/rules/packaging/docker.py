"""What a Dockerfile puts into its image and which module its CMD or ENTRYPOINT starts.

Modelled (the final stage, after the earlier stages it is built on: `FROM base AS job`):
WORKDIR; COPY/ADD of context files and folders (a folder's contents go into the destination,
as Docker does); ENV PYTHONPATH; `pip install -r FILE` and `pip install
NAME` in RUN; CMD/ENTRYPOINT in exec or shell form starting gunicorn/uvicorn/hypercorn
(`module:app`), `python -m module`, `python path.py` or `functions-framework --target NAME`.
The build context is the Dockerfile's folder, or the nearest folder above it where the COPY
sources exist (`docker build -f services/api/Dockerfile .` from the root is common). A base
image other than Docker Hub's official ones may set its own WORKDIR, and `python -m` may run a
standard or installed module: a start command those may satisfy is not reported as missing.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import shlex
from dataclasses import replace

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from gcp_preflight.model import Location
from gcp_preflight.rules.packaging.files import RepoIndex, UnitFiles
from gcp_preflight.rules.packaging.unit import EntryPoint, Unit, parse_runtime
from gcp_preflight.validators.packaging.dockerfile import DockerInstruction

_APP = re.compile(r"^([A-Za-z_][\w.]*):([A-Za-z_]\w*)(\(.*\))?$")
_SERVERS = {"gunicorn", "uvicorn", "hypercorn", "waitress-serve", "granian"}


def _stage(instructions: tuple[DockerInstruction, ...]) -> list[DockerInstruction]:
    """The instructions of the final build stage, after those of the earlier stages it is built
    on (`FROM base AS job` starts from stage `base`'s files, WORKDIR and CMD)."""
    starts = [i for i, ins in enumerate(instructions) if ins.keyword == "FROM"] or [0]
    stages = [list(instructions[a:b]) for a, b in zip(starts, starts[1:] + [len(instructions)])]
    names = {}
    for index, stage in enumerate(stages):
        words = stage[0].words if stage and stage[0].keyword == "FROM" else ()
        if len(words) >= 3 and words[-2].upper() == "AS":
            names[words[-1].lower()] = index
    chain, index = [stages[-1]], len(stages) - 1
    while chain[0] and chain[0][0].keyword == "FROM" and chain[0][0].words:
        parent = names.get(chain[0][0].words[0].lower())
        if parent is None or parent >= index:  # an image, or a stage not built before this one
            break
        chain[0] = chain[0][1:]  # the stage's own FROM names its parent, not an image
        chain.insert(0, stages[parent])
        index = parent
    return [ins for stage in chain for ins in stage]


def _context(repo: RepoIndex, dockerfile: str, stage: list[DockerInstruction]) -> str:
    sources = [w for ins in stage if ins.keyword in ("COPY", "ADD") and not _from_stage(ins)
               for w in ins.words[:-1] if "://" not in w]
    folder = posixpath.dirname(dockerfile)
    candidates = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        candidates.append(folder)
    best, score = candidates[0], -1
    for candidate in candidates:
        hits = sum(1 for s in sources if _matches(repo, _join(candidate, s)))
        if hits > score:
            best, score = candidate, hits
    return best


def _matches(repo: RepoIndex, path: str) -> bool:
    if any(c in path for c in "*?["):
        parent, name = posixpath.split(path)
        return any(fnmatch.fnmatchcase(posixpath.basename(c), name) for c in repo.children.get(parent, ()))
    return repo.kind(path) is not None


def _from_stage(ins: DockerInstruction) -> bool:
    return any(f.startswith("--from") for f in ins.flags)


def _join(base: str, rel: str) -> str:
    joined = posixpath.normpath(posixpath.join(base, rel)) if base else posixpath.normpath(rel)
    return "" if joined == "." else joined


def _image_path(workdir: str, path: str) -> str:
    """Image paths without the leading slash ("app/main.py")."""
    full = path if path.startswith("/") else posixpath.join(workdir or "/", path)
    return _join("", posixpath.normpath(full).lstrip("/"))


def image_unit(repo: RepoIndex, path: str, instructions: tuple[DockerInstruction, ...], context: str | None = None,
               ignored=None, label: str | None = None, defined_at: Location | None = None) -> Unit | None:
    """`ignored(context, path)` answers whether .dockerignore leaves a context path out; `context`
    is known when a deploy names it (`run deploy --source DIR` after copying the Dockerfile)."""
    stage = _stage(instructions)
    if not stage:
        return None
    context = _context(repo, path, stage) if context is None else context
    files = UnitFiles()
    workdir, python_path, notes = "/", [], []
    requirements: list[str] | None = []
    installed: list[str] = []
    argv: dict[str, tuple[DockerInstruction, list[str]]] = {}
    runtime = parse_runtime(stage[0].words[0]) if stage[0].keyword == "FROM" and stage[0].words else None
    env: dict[str, str] = {}  # ENV and ARG defaults, for $VAR in WORKDIR, COPY and PYTHONPATH
    # An official image (`python:3.11`) starts in /; another base image may set its own WORKDIR
    # (gcr.io/google-appengine/python: /app), unknown here until the Dockerfile sets one.
    workdir_known = _official(stage[0].words[0]) if stage[0].keyword == "FROM" and stage[0].words else False
    for ins in stage:
        if ins.keyword in ("WORKDIR", "COPY", "ADD", "ENV", "ARG"):
            ins = replace(ins, words=tuple(_expand(w, env) for w in ins.words))
        if ins.keyword == "WORKDIR" and ins.words:
            workdir = "/" + _image_path(workdir, ins.words[0])
            workdir_known = workdir_known or ins.words[0].startswith("/")
        elif ins.keyword in ("COPY", "ADD") and len(ins.words) >= 2:
            if _from_stage(ins) or any("://" in w for w in ins.words):
                notes.append(f"{path}:{ins.line}: {ins.keyword} from another stage or a URL is not modelled")
                continue
            if any("$" in w for w in ins.words):
                notes.append(f"{path}:{ins.line}: {ins.keyword} names a variable with no default")
                continue
            _copy(repo, context, workdir, ins, files, ignored)
        elif ins.keyword == "ARG":
            for word in ins.words:
                key, eq, value = word.partition("=")
                if eq:
                    env.setdefault(key, value)
        elif ins.keyword == "ENV":
            for key, value in _env_pairs(ins.words):
                env[key] = value
                if key == "PYTHONPATH":
                    python_path = [_image_path(workdir, p) for p in value.split(":") if p and "$" not in p]
        elif ins.keyword == "RUN":
            requirements = _pip(ins, workdir, files, requirements, installed)
        elif ins.keyword in ("CMD", "ENTRYPOINT"):
            words = list(ins.words) if ins.exec_form else ["sh", "-c", ins.text]
            argv[ins.keyword] = (ins, words)
            if ins.keyword == "ENTRYPOINT":
                argv.pop("CMD", None)  # a later ENTRYPOINT resets an earlier CMD
    command = argv.get("ENTRYPOINT", (None, []))[1] + argv.get("CMD", (None, []))[1]
    defined = (argv.get("CMD") or argv.get("ENTRYPOINT") or (stage[0], []))[0]
    where = defined_at or Location(path, defined.line)
    unit = Unit(label or f"image {path}", "image", files, where, runtime=runtime,
                runtime_text=stage[0].words[0] if stage[0].words else "",
                requirements=None if requirements is None or not runtime else tuple(requirements),
                extra_installed=tuple(installed), notes=notes)
    _start(unit, command, workdir, python_path, Location(path, defined.line))
    if unit.missing_entry and not workdir_known and not unit.missing_entry.startswith("/"):
        unit.notes.append(f"{path}:{defined.line}: the base image may set the working folder, so where "
                          f"`{unit.missing_entry}` is looked for is not known")
        unit.missing_entry = ""
    return unit


def _official(image: str) -> bool:
    """Docker Hub's official images (`python:3.11-slim`, `docker.io/library/python`), which start
    in /; any other image may set its own WORKDIR."""
    name = image.split("@", 1)[0].rsplit(":", 1)[0] if "/" not in image.rsplit(":", 1)[-1] else image
    for prefix in ("docker.io/library/", "index.docker.io/library/", "library/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return "/" not in name and "$" not in name


_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def _expand(text: str, env: dict[str, str]) -> str:
    """$VAR and ${VAR} from earlier ENV/ARG lines; an unknown one stays as written."""
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), text)


def _env_pairs(words: tuple[str, ...]):
    if len(words) >= 2 and "=" not in words[0]:  # legacy `ENV KEY value`
        yield words[0], " ".join(words[1:])
        return
    for word in words:
        key, _, value = word.partition("=")
        yield key, value


def _copy(repo: RepoIndex, context: str, workdir: str, ins: DockerInstruction, files: UnitFiles, ignored=None) -> None:
    *sources, dest = ins.words
    dest_path = _image_path(workdir, dest)
    # `COPY main.py .` into the WORKDIR (or any folder the image has): into that folder
    into = (dest.endswith("/") or len(sources) > 1 or dest_path == _image_path("/", workdir)
            or dest_path in files.dirs())
    if ignored is not None:
        kept = UnitFiles()
        for source in sources:
            _copy_one(repo, context, source, dest_path, into, kept)
        prefix = context + "/" if context else ""
        for image_path, node in kept.files.items():
            if node.real is None or not ignored(node.real[len(prefix):] if node.real.startswith(prefix) else node.real):
                files.files[image_path] = node
        files.dangling.extend(kept.dangling)
        return
    for source in sources:
        _copy_one(repo, context, source, dest_path, into, files)


def _copy_one(repo: RepoIndex, context: str, source: str, dest_path: str, into: bool, files: UnitFiles) -> None:
    src = _join(context, source)
    matches = [src]
    if any(c in source for c in "*?["):
        parent, name = posixpath.split(src)
        matches = sorted(c for c in set(repo.children.get(parent, ())) if fnmatch.fnmatchcase(posixpath.basename(c), name))
        into = True
    for match in matches:
        kind = repo.kind(match)
        if kind == "dir" or (kind == "link" and repo.links[match].is_dir):
            target = repo.links[match].target if kind == "link" else match
            repo.expand(target or match, dest_path, files)
        elif kind is not None:
            repo.expand(match, _join(dest_path, posixpath.basename(match)) if into else dest_path, files)


def _pip(ins: DockerInstruction, workdir: str, files: UnitFiles, requirements, installed):
    """Requirements files and names a RUN installs; None once something cannot be named."""
    if requirements is None:
        return None
    for part in re.split(r"&&|;|\|\|", " ".join(ins.words) if ins.exec_form else ins.text):
        try:
            words = shlex.split(part)
        except ValueError:
            words = part.split()
        if "install" not in words or not any(w.split("/")[-1].startswith("pip") or w == "pip" for w in words[:4] + words[-1:]):
            continue
        args = words[words.index("install") + 1:]
        i = 0
        while i < len(args):
            arg = args[i]
            if arg in ("-r", "--requirement") and i + 1 < len(args):
                node = files.files.get(_image_path(workdir, args[i + 1]))
                if node is None or node.real is None:
                    return None
                requirements.append(node.real)
                i += 2
                continue
            if arg in ("-t", "--target", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f"):
                i += 2
                continue
            if arg.startswith("-"):
                i += 1
                continue
            try:
                installed.append(canonicalize_name(Requirement(arg).name))
            except InvalidRequirement:
                return None  # `pip install .` or a path: the installed set cannot be named
            i += 1
    return requirements


def _start(unit: Unit, argv: list[str], workdir: str, python_path: list[str], where: Location) -> None:
    """Entry module and sys.path from the start command."""
    if len(argv) >= 3 and posixpath.basename(argv[0]) in ("sh", "bash") and argv[1] == "-c":
        try:
            argv = shlex.split(argv[2])
        except ValueError:
            return
    argv = [w for w in argv if w != "exec"]
    if not argv:
        return
    program = posixpath.basename(argv[0])
    cwd = _image_path("/", workdir)
    if program in _SERVERS or program.startswith("python") and argv[1:3] in (["-m", "gunicorn"], ["-m", "uvicorn"]):
        for word in reversed(argv[1:]):
            m = _APP.match(word)
            if m:
                _set_module(unit, m.group(1), [cwd] + python_path, EntryPoint(m.group(2), where))
                return
    elif program.startswith("python"):
        rest = [w for w in argv[1:] if not w.startswith("-") or w == "-m"]
        if rest[:1] == ["-m"] and len(rest) > 1:
            _set_module(unit, rest[1], [cwd] + python_path, None)
            if unit.missing_entry and _may_be_installed(unit, rest[1]):
                # `python -m pytest`, `python -m http.server`: a module pip or Python provides
                unit.missing_entry = ""
                unit.notes.append(f"{where.path}:{where.line}: `python -m {rest[1]}` runs a module the image's "
                                  f"files do not hold: the standard library's or an installed one")
        elif rest and rest[0].endswith(".py"):
            script = _image_path(workdir, rest[0])
            unit.entry, unit.sys_path = script, tuple([posixpath.dirname(script)] + python_path)
            unit.entry_module = "__main__"
            if script not in unit.files.files:
                unit.entry, unit.missing_entry = None, rest[0]
    elif program == "functions-framework":
        target = next((w.split("=", 1)[1] for w in argv if w.startswith("--target=")), None)
        if target is None and "--target" in argv[:-1]:
            target = argv[argv.index("--target") + 1]
        source = next((w.split("=", 1)[1] for w in argv if w.startswith("--source=")), "main.py")
        unit.entry, unit.sys_path = _image_path(workdir, source), tuple([cwd] + python_path)
        if unit.entry not in unit.files.files:
            unit.entry, unit.missing_entry = None, source
        if target:
            unit.entry_point = EntryPoint(target, where)


def _may_be_installed(unit: Unit, module: str) -> bool:
    """Whether `python -m module` may run a module from outside the image's files: the standard
    library's, or one the image installs with pip (any requirement may provide it)."""
    from gcp_preflight.rules.packaging.stdlib import is_stdlib

    return is_stdlib(module.split(".")[0], unit.runtime) or bool(unit.requirements) or bool(unit.extra_installed)


def _set_module(unit: Unit, module: str, sys_path: list[str], entry_point: EntryPoint | None) -> None:
    rel = module.replace(".", "/")
    for root in sys_path:
        for candidate in (_join(root, rel + ".py"), _join(root, rel + "/__init__.py")):
            if candidate in unit.files.files:
                unit.entry = candidate
                break
        if unit.entry:
            break
    unit.entry_module = module
    unit.sys_path = tuple(sys_path)
    unit.entry_point = entry_point
    if unit.entry is None:
        unit.missing_entry = module
