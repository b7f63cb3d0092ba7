"""PF2xx: will this Cloud Function, Cloud Run service or image import once deployed?

The analysis (rules/packaging/) builds each deployment unit's files, walks the imports
from its entry module, and these rules report what it found.
"""

from __future__ import annotations

from collections import defaultdict

from gcp_preflight.model import Diagnostic, Location, Related, Severity
from gcp_preflight.rules.packaging.analysis import analyse
from gcp_preflight.rules.packaging.inputs import unit_inputs
from gcp_preflight.rules.base import rule
from gcp_preflight.validators.base import Problem
from gcp_preflight.validators.packaging.python import ModuleImports
from gcp_preflight.validators.python.syntax_level import SyntaxFeature


def _defined(unit) -> Related:
    return Related(unit.defined_at, f"{unit.label} is defined here")


def _units_text(units) -> str:
    labels = sorted({u.label for u in units})
    return labels[0] if len(labels) == 1 else f"{labels[0]} (and {len(labels) - 1} more)"


def _issues(project, code: str, skip_unsure: bool):
    """Closure issues of one code; the same finding from several units (a function deployed by a
    script and by Cloud Build) is reported once, related to each unit's definition."""
    analysis = project.memo(analyse)
    groups: dict[tuple, list] = defaultdict(list)
    for unit, closure in analysis.closures:
        if skip_unsure and unit.notes:
            continue  # a step that was not understood may have supplied the module
        for issue in closure.issues:
            if issue.code == code:
                groups[(issue.location, issue.message, issue.key, issue.lazy)].append(unit)
    for (location, message, key, lazy), units in groups.items():
        # an import that runs only when a function is called does not fail the cold start
        yield Diagnostic(location, message, tuple(dict.fromkeys(_defined(u) for u in units)), key=key,
                         severity=Severity.WARNING if lazy else None, inputs=unit_inputs(project, units))


@rule("PF201", "dangling-symlink-in-package", Severity.ERROR)
def dangling_symlink(project):
    """A link inside a deployed folder points at nothing.

    ## What it does
    Reports a symbolic link that a Cloud Function, Cloud Run source deploy or package-building
    script places in a deployment unit, when its target does not exist (a typo, a moved file,
    or a relative link copied by `cp -r` into a folder where it no longer resolves).

    ## Why is this bad?
    gcloud uploads links as their targets: a dangling one uploads nothing, and the module it
    stood for is missing at cold start (`ModuleNotFoundError`).

    ## Example
    ```toml preflight.toml
    [[packaging.units]]
    name = "ingest"
    source = "functions/ingest"
    entry-point = "handler"
    ```
    ```python functions/ingest/main.py
    from shared import config

    def handler(request):
        return config.BUCKET
    ```
    ```symlink functions/ingest/shared/config.py
    ../../../shared/confg.py
    ```
    ```python shared/config.py
    BUCKET = "raw"
    ```

    ## Fix
    Point the link at the file that exists.
    ```symlink functions/ingest/shared/config.py
    ../../../shared/config.py
    ```
    """
    analysis = project.memo(analyse)
    groups: dict[tuple[Location, str, str], list] = defaultdict(list)
    steps: dict[tuple[Location, str, str], list] = defaultdict(list)
    for unit in analysis.units:
        if unit.notes:
            continue
        for link in unit.files.dangling:
            key = (link.where, link.link or link.path, link.raw_target)
            groups[key].append(unit)
            if link.step is not None:
                steps[key].append(Related(link.step, "this packaging step follows the link"))
    for (where, link, raw), units in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1])):
        if where.path == link:
            text = f"symlink `{link}` -> `{raw}` points to nothing: {_units_text(units)} is uploaded without it"
        else:
            text = (f"this step places `{link or raw}` in the package as a link to `{raw}`, which points to "
                    f"nothing there: {_units_text(units)} is uploaded without it (copy with -L to follow links)")
        related = tuple(dict.fromkeys(steps[(where, link, raw)] + [_defined(u) for u in units]))
        yield Diagnostic(where, text, related, inputs=unit_inputs(project, units))


@rule("PF202", "missing-local-module", Severity.ERROR)
def missing_local_module(project):
    """An import of a project module that the deployed unit does not contain.

    ## What it does
    Walks the imports of each deployment unit from its entry module (`main.py` of a Cloud
    Function, the module a Dockerfile's CMD starts), through package `__init__` files and
    imports inside functions, and reports an import of a module that is not in the unit's
    files: a folder the deploy script does not copy, a Dockerfile without the COPY, a file
    missing from a copied or linked `shared/`. The message shows the import chain from the
    entry module. Imports under `if TYPE_CHECKING:` or in `try/except ImportError` are skipped,
    and so are imports in functions nothing calls, or calls only inside `try/except Exception`;
    an import inside a function that runs is a warning. A folder that is a published project
    named in the unit's requirements is installed by pip, not missing.

    ## Why is this bad?
    The function deploys, then crashes at cold start with `ModuleNotFoundError`; an import
    inside a function fails later, when that code path first runs.

    ## Example
    ```dockerfile services/api/Dockerfile
    FROM python:3.11-slim
    WORKDIR /app
    COPY services/api/ ./
    RUN pip install -r requirements.txt
    CMD ["gunicorn", "--bind", ":8080", "main:app"]
    ```
    ```text services/api/requirements.txt
    flask==3.0.3
    gunicorn==22.0.0
    ```
    ```python services/api/main.py
    from flask import Flask
    from shared.validation import check

    app = Flask(__name__)
    ```
    ```python shared/validation.py
    def check(row):
        return bool(row)
    ```

    ## Fix
    Copy the package into the image.
    ```dockerfile services/api/Dockerfile
    FROM python:3.11-slim
    WORKDIR /app
    COPY shared/ ./shared/
    COPY services/api/ ./
    RUN pip install -r requirements.txt
    CMD ["gunicorn", "--bind", ":8080", "main:app"]
    ```
    """
    yield from _issues(project, "PF202", skip_unsure=True)
    analysis = project.memo(analyse)
    for unit in analysis.units:
        if unit.missing_entry and not unit.notes and unit.kind in ("image",):
            yield Diagnostic(unit.defined_at, f"the start command runs `{unit.missing_entry}`, which {unit.label} does not contain")


@rule("PF203", "missing-distribution", Severity.ERROR)
def missing_distribution(project):
    """A third-party import whose distribution the unit's requirements do not install.

    ## What it does
    For every module a deployment unit imports (transitively from its entry module), reports a
    third-party import (not the standard library of the unit's Python runtime, not a module of
    the unit) that no distribution of the unit's installed set provides. The set is what the
    requirements install: their dependencies (boto3 brings botocore), extras, markers for the
    runtime, `-r` includes, a lock or compiled requirements file, the Functions Framework of
    Cloud Functions; import names come from a table of well-known distributions (`yaml` is
    PyYAML, `pythonjsonlogger` is python-json-logger), `[packaging] import-names`, or the wheels
    themselves with `--resolve`. It reports only when that set is known as a whole; a
    requirement the tool cannot expand gives one PF209 notice instead. An import inside a
    function is a warning (it fails when the function runs, not at cold start).

    ## Why is this bad?
    A module three or four imports away from `main.py` (a shared package `__init__`, a
    validator, a config loader, then `import yaml`) is easy to miss in one function's
    `requirements.txt`; the function then fails at cold start.

    ## Example
    ```toml preflight.toml
    [[packaging.units]]
    name = "ingest"
    source = "functions/ingest"
    include = ["shared"]
    entry-point = "handler"
    ```
    ```python functions/ingest/main.py
    from shared.settings import load

    def handler(request):
        return load()
    ```
    ```python shared/settings.py
    import yaml

    def load():
        return yaml.safe_load("a: 1")
    ```
    ```text functions/ingest/requirements.txt
    functions-framework==3.*
    ```

    ## Fix
    Add the distribution to the unit's requirements.
    ```text functions/ingest/requirements.txt
    functions-framework==3.*
    PyYAML==6.0.1
    ```
    """
    return _issues(project, "PF203", skip_unsure=True)


@rule("PF204", "import-name-not-defined", Severity.ERROR)
def import_name_not_defined(project):
    """`from package import Name` where that project module defines no `Name`.

    ## What it does
    Within a deployment unit's import closure, reports `from X import Name` when X is a module
    of the project and neither defines `Name` (a function, class, assignment or import, directly
    or through a star import) nor has a submodule of that name.

    ## Why is this bad?
    The import raises `ImportError: cannot import name` when the module loads, which for a
    Cloud Function means at cold start.

    ## Example
    ```toml preflight.toml
    [[packaging.units]]
    name = "ingest"
    source = "functions/ingest"
    entry-point = "handler"
    ```
    ```python functions/ingest/main.py
    from helpers import normalise_row

    def handler(request):
        return normalise_row({})
    ```
    ```python functions/ingest/helpers.py
    def normalize_row(row):
        return row
    ```

    ## Fix
    Import the name the module defines.
    ```python functions/ingest/main.py
    from helpers import normalize_row

    def handler(request):
        return normalize_row({})
    ```
    """
    analysis = project.memo(analyse)
    seen: dict[str, Diagnostic] = {}
    related: dict[str, list] = defaultdict(list)
    units: dict[str, list] = defaultdict(list)
    for unit, closure in analysis.closures:
        for issue in closure.issues:
            if issue.code == "PF204":
                seen.setdefault(issue.key, Diagnostic(issue.location, issue.message))
                related[issue.key].append(_defined(unit))
                units[issue.key].append(unit)
    for key, diag in seen.items():
        yield Diagnostic(diag.location, diag.message, tuple(dict.fromkeys(related[key])),
                         inputs=unit_inputs(project, units[key]))


@rule("PF205", "entry-point-not-defined", Severity.ERROR)
def entry_point_not_defined(project):
    """The deploy's entry point is not defined in the entry module.

    ## What it does
    Reports `--entry-point NAME` (or the function name when the flag is left out, a
    `module:app` in a Dockerfile CMD, or `entry-point` in config) when the entry module
    (`main.py`) defines no such name, and a function source folder without `main.py`.

    ## Why is this bad?
    The deploy fails, or the new revision fails to start, with "Function NAME is not defined
    in main.py" after minutes of building.

    ## Example
    ```toml preflight.toml
    [[packaging.units]]
    name = "ingest"
    source = "functions/ingest"
    entry-point = "handle_event"
    ```
    ```python functions/ingest/main.py
    def handle_events(event, context):
        return "ok"
    ```

    ## Fix
    Name the function the module defines (or rename the function).
    ```python functions/ingest/main.py
    def handle_event(event, context):
        return "ok"
    ```
    """
    import difflib

    analysis = project.memo(analyse)
    for unit in analysis.units:
        if unit.missing_entry and unit.kind != "image":
            if unit.notes:
                continue  # a step that was not understood may have placed it
            yield Diagnostic(unit.defined_at, f"{unit.label} has no entry module `{unit.missing_entry}` in its source folder")
            continue
        if unit.entry is None or unit.entry_point is None:
            continue
        node = unit.files.files.get(unit.entry)
        info = project.facts_in(node.real, ModuleImports) if node and node.real else ()
        if not info or info[0].has_getattr or any(i.star and not i.never and not i.function for i in info[0].imports):
            continue
        name = unit.entry_point.name
        if name in info[0].defines:
            continue
        hint = difflib.get_close_matches(name, info[0].functions or info[0].defines, n=1)
        yield Diagnostic(unit.entry_point.location,
                         f"entry point `{name}` is not defined in {unit.entry} of {unit.label}"
                         + (f" (did you mean `{hint[0]}`?)" if hint else ""),
                         (Related(Location(node.real, 1), f"{unit.entry} of {unit.label}"),))


@rule("PF206", "syntax-newer-than-runtime", Severity.ERROR)
def syntax_newer_than_runtime(project):
    """A module uses syntax that the unit's Python runtime cannot parse.

    ## What it does
    For each module a deployment unit imports, reports grammar newer than the unit's runtime
    (`--runtime python311`, `FROM python:3.11-slim`, `runtime` in config): Python 3.12
    f-strings that reuse their quotes, hold backslashes or comments, or span lines in a
    single-quoted string; `type` statements and type parameters (3.12); `except*` (3.11);
    `match` (3.10); `:=` and positional-only parameters (3.8). The check reads the text with
    a lexer that knows each version's grammar, so its answer does not depend on the Python
    that runs gcp-preflight.

    ## Why is this bad?
    The code runs on a developer's Python 3.12 and fails with a `SyntaxError` at import on the
    deployed 3.11 runtime.

    ## Example
    ```toml preflight.toml
    [[packaging.units]]
    name = "report"
    source = "functions/report"
    entry-point = "handler"
    runtime = "python311"
    ```
    ```python functions/report/main.py
    def handler(request):
        row = {"name": "x"}
        return f"{row["name"]}"
    ```

    ## Fix
    Use the other quote inside the replacement field (or raise the runtime).
    ```python functions/report/main.py
    def handler(request):
        row = {"name": "x"}
        return f"{row['name']}"
    ```
    """
    analysis = project.memo(analyse)
    found: dict[tuple, list] = defaultdict(list)
    for unit, closure in analysis.closures:
        if unit.runtime is None:
            continue
        for path in closure.reached:
            node = unit.files.files.get(path)
            if node is None or node.real is None:
                continue
            for feature in project.facts_in(node.real, SyntaxFeature):
                if feature.version > unit.runtime:
                    found[(node.real, feature.line, feature.column, feature.feature, feature.version)].append(unit)
    for (path, line, column, what, version), units in sorted(found.items()):
        runtimes = sorted({u.runtime_text for u in units})
        yield Diagnostic(Location(path, line, column),
                         f"{what} needs Python {version[0]}.{version[1]}, but {_units_text(units)} runs "
                         f"{', '.join(runtimes)}: a SyntaxError at import",
                         tuple(_defined(u) for u in units))


@rule("PF207", "invalid-requirement", Severity.ERROR)
def invalid_requirement(project):
    """A requirements line that pip cannot parse.

    ## What it does
    Reports a line of a requirements file that is not a valid requirement specifier (PEP 508),
    as `packaging`, the parser pip uses, reads it.

    ## Why is this bad?
    The build step runs `pip install -r requirements.txt` and fails, so the deploy fails.

    ## Example
    ```text functions/ingest/requirements.txt
    PyYAML=6.0.1
    ```

    ## Fix
    Use a version operator (`==`, `>=`, `~=`).
    ```text functions/ingest/requirements.txt
    PyYAML==6.0.1
    ```
    """
    for item in project.facts(Problem):
        if item.code == "PF207":
            yield item.diagnostic


@rule("PF208", "package-step-not-understood", Severity.INFO)
def package_step_not_understood(project):
    """A package-building step or deploy value that the packaging checks cannot follow.

    ## What it does
    Reports a command in a deploy script that changes the package folder in a way the tool does
    not model (anything other than mkdir, cp, rsync, ln -s, rm and `pip install -t`), or a
    `--source` it cannot resolve. Missing-module checks of that unit are withheld, since the step
    may supply the module.

    ## Why is this bad?
    It is not wrong; it says where the packaging checks are blind, so a clean run is not taken
    for more than it is. Declare the unit in `[packaging] units` to check it anyway.

    ## Example
    ```shell bin/deploy.sh
    BUILD=/tmp/build
    mkdir -p $BUILD
    cp fn/main.py $BUILD/
    tar -xzf vendor.tgz -C $BUILD
    gcloud functions deploy ingest --source $BUILD --entry-point handler --runtime python311
    ```
    ```python fn/main.py
    def handler(request):
        return "ok"
    ```
    ```python vendor/lib.py
    VERSION = 1
    ```

    ## Fix
    Build the package with steps the tool follows (or accept the note).
    ```shell bin/deploy.sh
    BUILD=/tmp/build
    mkdir -p $BUILD
    cp fn/main.py $BUILD/
    cp -r vendor $BUILD/
    gcloud functions deploy ingest --source $BUILD --entry-point handler --runtime python311
    ```
    """
    analysis = project.memo(analyse)
    for where, text in sorted(set(analysis.notes)):
        yield Diagnostic(where, f"package step not understood: {text}")


@rule("PF209", "installed-set-not-known", Severity.INFO)
def installed_set_not_known(project):
    """A unit imports modules that only a requirement the tool cannot expand may provide.

    ## What it does
    PF203 reports a module as not installed only when the unit's whole installed set is known:
    every requirement is a distribution whose dependencies and import names are in the tool's
    tables (or a lock or compiled requirements file lists them all). A requirement outside them
    (an in-house package, a private index, a `git+` URL, a local path or wheel) may install
    anything; when the unit imports a module that no known distribution provides, this notice
    (one per unit, at the first such requirement) names the requirement and the modules instead.

    ## Why is this bad?
    It is not wrong; it says where PF203 is blind. `preflight check --resolve` asks the real
    resolver what the requirements install, which makes the check exact.

    ## Example
    ```toml preflight.toml
    [[packaging.units]]
    name = "ingest"
    source = "functions/ingest"
    entry-point = "handler"
    ```
    ```text functions/ingest/requirements.txt
    acme-broker-utils>=0.2
    ```
    ```python functions/ingest/main.py
    import numpy

    def handler(request):
        return numpy.zeros(1)
    ```

    ## Fix
    Resolve the requirements (`preflight check --resolve`), or name what the requirement brings.
    ```toml preflight.toml
    [[packaging.units]]
    name = "ingest"
    source = "functions/ingest"
    entry-point = "handler"

    [packaging]
    import-names = { acme = "acme-broker-utils", numpy = "acme-broker-utils" }
    ```
    """
    analysis = project.memo(analyse)
    groups: dict[tuple, list] = defaultdict(list)
    for unit, closure in analysis.closures:
        if not closure.unexplained or closure.installed is None or not closure.installed.unknown:
            continue
        modules = tuple(dict.fromkeys(m.split(".")[0] if not m.startswith("google.") else m
                                      for m, _ in closure.unexplained))
        first = closure.installed.unknown[0]
        names = tuple(dict.fromkeys(u.name for u in closure.installed.unknown))
        groups[(first.location, first.why, names, modules)].append(unit)
    for (where, why, names, modules), units in sorted(groups.items(), key=lambda g: g[0][0]):
        shown = ", ".join(f"`{m}`" for m in modules[:4]) + (f" and {len(modules) - 4} more" if len(modules) > 4 else "")
        reqs = ", ".join(f"`{n}`" for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        lead = f"{reqs} {why}" if len(names) == 1 else f"{reqs} are not all in the tool's tables"
        yield Diagnostic(where, f"{lead}, so it may install {shown}, which {_units_text(units)} imports and no "
                                f"known distribution provides: PF203 does not judge them. `preflight check --resolve` "
                                f"makes the check exact (or name the modules in `[packaging] import-names`)",
                         tuple(dict.fromkeys(_defined(u) for u in units)))


@rule("PF210", "unresolvable-requirements", Severity.ERROR)
def unresolvable_requirements(project):
    """The unit's requirements cannot be resolved (exact mode, `--resolve`).

    ## What it does
    With `preflight check --resolve` (or `[packaging] resolve = true`), each unit's requirements
    are resolved by pip without installing anything, for the unit's Python runtime and Linux.
    When no set of releases satisfies them (a name the index does not have, a version that does
    not exist, requirements that conflict), this reports it once, on the requirement pip names.

    ## Why is this bad?
    The deploy runs the same resolution in its build step and fails there, after the upload.

    ## Example
    ```toml preflight.toml
    [packaging]
    resolve = true

    [[packaging.units]]
    name = "ingest"
    source = "functions/ingest"
    entry-point = "handler"
    ```
    ```text functions/ingest/requirements.txt
    requests==0.0.0.0.1
    ```
    ```python functions/ingest/main.py
    def handler(request):
        return "ok"
    ```

    ## Fix
    Require a release that exists (and that the other requirements allow).
    ```text functions/ingest/requirements.txt
    requests==2.32.3
    ```
    """
    analysis = project.memo(analyse)
    groups: dict[tuple, list] = defaultdict(list)
    for unit, closure in analysis.closures:
        if closure.installed is not None and closure.installed.error is not None:
            where, text = closure.installed.error
            groups[(where, text)].append(unit)
    for (where, text), units in sorted(groups.items()):
        yield Diagnostic(where, f"pip cannot resolve the requirements of {_units_text(units)}: {text}",
                         tuple(dict.fromkeys(_defined(u) for u in units)))


RULES = (dangling_symlink, missing_local_module, missing_distribution, import_name_not_defined,
         entry_point_not_defined, syntax_newer_than_runtime, invalid_requirement, package_step_not_understood,
         installed_set_not_known, unresolvable_requirements)
