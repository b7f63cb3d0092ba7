"""What `preflight init` finds in a repository: where the pipeline's parts live.

Everything is read statically. Deploy facts (DeployCommand) are used when a validator produced
them; otherwise regions and the project come from a light textual scan of the deploy scripts,
so init still says something useful before (or without) the deploy family.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field

from gcp_preflight.lines import split_lines
from gcp_preflight.project import Project, read_source
from gcp_preflight.validators.bigquery.schema import BqSchema
from gcp_preflight.validators.base import matches_any
from gcp_preflight.validators.deploy.facts import DeployCommand
from gcp_preflight.validators.python.name_lists import PyNameLists
from gcp_preflight.validators.yaml.source import YamlDocument, YamlNode

CLOUDBUILD = ("cloudbuild*.yaml", "cloudbuild*.yml")
SHELL_SUFFIXES = (".sh", ".bash")
REGION = r"[a-z]+-[a-z]+[0-9]"
PROJECT_ID = r"[a-z][a-z0-9-]{4,28}[a-z0-9]"
_FLAG_VALUE = r"""--{flag}(?:=|\s+)["']?({pattern})\b"""
_ASSIGNED = r"""^\s*(?:export\s+)?(?:{names})=["']?({pattern})["']?\s*(?:#.*)?$"""
_DEFAULTED = r"""\$\{{(?:{names}):?[-=]["']?({pattern})\b"""


@dataclass(frozen=True)
class Found:
    """One thing found: a path (file or folder) and a short note on why it counts."""

    path: str
    note: str = ""


@dataclass(frozen=True)
class Value:
    """A value read from a file (a region, a project id), with every place that states it."""

    value: str
    places: tuple[str, ...]  # "path:line"


@dataclass
class Layout:
    workflows: list[Found] = field(default_factory=list)
    config_modules: list[Found] = field(default_factory=list)
    functions: list[Found] = field(default_factory=list)
    services: list[Found] = field(default_factory=list)
    deploy_scripts: list[Found] = field(default_factory=list)
    cloudbuild: list[Found] = field(default_factory=list)
    bigquery_schemas: list[Found] = field(default_factory=list)
    projects: list[Value] = field(default_factory=list)
    regions: list[Value] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # a part that could not be detected, and why


def detect(project: Project) -> Layout:
    """Each part found on its own: a detector's failure leaves that part empty and is said in a
    note, never stops init (as a reader's failure never stops check)."""
    layout = Layout()
    detectors = {
        "workflows": workflows_yaml,
        "config_modules": config_modules,
        "functions": function_units,
        "services": service_units,
        "deploy_scripts": deploy_scripts,
        "cloudbuild": lambda p: [Found(path) for path in p.paths if matches_any(path, CLOUDBUILD)],
        "bigquery_schemas": bigquery_schemas,
        "projects": lambda p: _values(p, "project", PROJECT_ID, ("PROJECT", "PROJECT_ID", "GCP_PROJECT", "GOOGLE_CLOUD_PROJECT")),
        "regions": lambda p: _values(p, "region", REGION, ("REGION", "GCP_REGION", "LOCATION")),
    }
    for part, detector in detectors.items():
        try:
            setattr(layout, part, detector(project))
        except Exception as exc:  # noqa: BLE001 - reported in the notes, init goes on
            layout.notes.append(f"could not look for {part.replace('_', ' ')} ({type(exc).__name__}: {exc})")
    return layout


# -- workflows YAML -----------------------------------------------------------------------------
def _keys(node: YamlNode):
    for key, value in node.pairs():
        yield key.value, value
        yield from _keys(value)
    if node.kind == "seq":
        for item in node.items:
            yield from _keys(item)


def workflows_yaml(project: Project) -> list[Found]:
    """YAML (outside CI and Cloud Build) that declares `processor_name` fields or a `workflows` map."""
    counts: dict[str, int] = defaultdict(int)
    for doc in project.facts(YamlDocument):
        if doc.path.startswith(".github/") or matches_any(doc.path, CLOUDBUILD):
            continue
        names = sum(1 for key, _ in _keys(doc.root) if key == "processor_name")
        top = {k.value for k, _ in doc.root.pairs()}
        if names or "workflows" in top:
            counts[doc.path] += names
    return [Found(path, f"{n} processor_name" if n else "workflows") for path, n in sorted(counts.items())]


# -- orchestration config modules -----------------------------------------------------------------
def config_modules(project: Project) -> list[Found]:
    """Modules assigning lists or maps of names (read with each module's parse: name_lists.py)."""
    return [Found(f.path, f.names) for f in sorted(project.facts(PyNameLists), key=lambda f: f.path)]


# -- deployment units -----------------------------------------------------------------------------
def _sources(project: Project, platform: str) -> set[str]:
    """Repository folders deployed with --source (a package built in /tmp or /workspace is not
    one: the folders it is built from are found by their main.py)."""
    folders = set(project.tree.dirs) | {"."}
    sources = {posixpath.normpath(posixpath.join(d.cwd, d.value("--source").text))
               for d in project.facts(DeployCommand)
               if d.platform == platform and d.value("--source") is not None and d.value("--source").known}
    return {s for s in sources if s in folders}


def function_units(project: Project) -> list[Found]:
    """Folders with a main.py beside a requirements.txt (and no Dockerfile: that is a Cloud Run
    service), and the --source of function deploys."""
    files = set(project.paths)
    services = {f.path for f in service_units(project)}
    units = {}
    for path in files:
        folder = posixpath.dirname(path)
        if posixpath.basename(path) == "main.py" and posixpath.join(folder, "requirements.txt") in files \
                and (folder or ".") not in services:
            units[folder or "."] = "main.py, requirements.txt"
    for source in _sources(project, "function"):
        units.setdefault(source, "deployed with --source")
    return [Found(path, note) for path, note in sorted(units.items())]


def service_units(project: Project) -> list[Found]:
    units = {}
    for path in project.paths:
        base = posixpath.basename(path)
        if base == "Dockerfile" or base.startswith("Dockerfile.") or base.endswith(".Dockerfile"):
            units.setdefault(posixpath.dirname(path) or ".", base)
    for source in _sources(project, "run-service") | _sources(project, "run-job"):
        units.setdefault(source, "deployed with --source")
    return [Found(path, note) for path, note in sorted(units.items())]


def _text(project: Project, path: str) -> str:
    text = project.text(path)
    if text is None:
        text = read_source(project.root, path).text
    return text or ""


def _is_shell(project: Project, path: str) -> bool:
    if path.endswith(SHELL_SUFFIXES):
        return True
    if "." in posixpath.basename(path):
        return False
    head = _text(project, path)[:200].split("\n", 1)[0]
    return head.startswith("#!") and re.search(r"\b(ba|z|da|k)?sh\b", head) is not None


def deploy_scripts(project: Project) -> list[Found]:
    """Shell scripts that run a gcloud deploy-like command."""
    from_facts = {d.path for d in project.facts(DeployCommand) if d.origin == "shell"}
    out = []
    for path in project.paths:
        if path in from_facts or (_is_shell(project, path) and re.search(
                r"\bgcloud\s+(?:(?:beta|alpha)\s+)?(?:functions|run)\b[^\n]*?\b(?:deploy|update|create)\b",
                _text(project, path).replace("\\\n", " "))):
            out.append(Found(path))
    return out


# -- BigQuery schema files --------------------------------------------------------------------------
def bigquery_schemas(project: Project) -> list[Found]:
    """DDL files, and JSON files the schema reader took for schemas (one definition of a schema
    file: the reader's, whatever shape a JSON file has)."""
    json_schemas = {s.path for s in project.facts(BqSchema) if s.origin == "json"}
    out = []
    for path in project.paths:
        if path.endswith(".sql") and re.search(r"\b(create|alter)\s+(or\s+replace\s+)?(table|view)\b",
                                               _text(project, path), re.I):
            out.append(Found(path))
        elif path in json_schemas:
            out.append(Found(path))
    return out


# -- project and regions ----------------------------------------------------------------------------
def _values(project: Project, flag: str, pattern: str, names: tuple[str, ...]) -> list[Value]:
    """Values of --FLAG in deploy commands (deploy facts when present, else the scripts' text)."""
    places: dict[str, list[str]] = defaultdict(list)
    for d in project.facts(DeployCommand):
        word = d.value(f"--{flag}")
        if word is not None and word.known and re.fullmatch(pattern, word.text):
            where = word.origin or word.location
            places[word.text].append(f"{where.path}:{where.line}")
    if not places:
        texts = [f.path for f in deploy_scripts(project)] + [p for p in project.paths if matches_any(p, CLOUDBUILD)]
        spellings = [re.compile(s.format(flag=flag, names="|".join(names), pattern=pattern), re.M)
                     for s in (_FLAG_VALUE, _ASSIGNED, _DEFAULTED)]
        for path in texts:
            for number, line in enumerate(split_lines(_text(project, path)), start=1):
                for spelling in spellings:
                    for match in spelling.finditer(line):
                        places[match.group(1)].append(f"{path}:{number}")
    return [Value(v, tuple(dict.fromkeys(p))) for v, p in sorted(places.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
