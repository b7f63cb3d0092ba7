"""What `preflight init` proposes for `[packaging]`: usually nothing, since units are read from
the deploy commands and Dockerfiles. The section lists the units found, so the user can see
that each function and service was understood, and flags a function folder (main.py beside a
requirements.txt) or a Dockerfile no unit was read from, with a commented unit to start from.
"""

from __future__ import annotations

import posixpath

from gcp_preflight.rules.packaging.analysis import analyse, options
from gcp_preflight.rules.packaging.options import ARCHIVED, Options
from gcp_preflight.rules.packaging.unit import Unit
from gcp_preflight.rules.packaging.units import _LABEL, archived, gather
from gcp_preflight.validators.deploy.facts import DeployCommand


def _entry_file(unit: Unit) -> str | None:
    node = unit.files.files.get(unit.entry) if unit.entry else None
    return node.real if node is not None else None


def _describe(unit: Unit) -> str:
    parts = [f"{unit.defined_at.path}:{unit.defined_at.line}"]
    real = _entry_file(unit)
    if real:
        parts.append(f"runs {real}")
    elif unit.missing_entry:
        parts.append(f"{unit.missing_entry} not in it")
    else:
        parts.append("no Python entry module found")
    if unit.runtime:
        parts.append(unit.runtime_text)
    return f"{unit.label}  ({', '.join(parts)})"


def _function_folders(paths: set[str]) -> list[str]:
    return sorted(posixpath.dirname(p) for p in paths
                  if posixpath.basename(p) == "main.py" and posixpath.join(posixpath.dirname(p), "requirements.txt") in paths)


def _dockerfiles(paths: set[str]) -> list[str]:
    return sorted(p for p in paths if (b := posixpath.basename(p)) == "Dockerfile"
                  or b.startswith("Dockerfile.") or b.endswith(".Dockerfile"))


def propose_packaging_config(project, prefix: str = "tool.gcp-preflight.") -> str:
    # the units every PF2xx rule reads, when the options are the defaults (as under init): the
    # memory proposal reads the same analysis, and gathering costs seconds on a large tree
    units = project.memo(analyse).units if project.memo(options) == Options() else gather(project, Options())[0]
    paths = set(project.tree.files)
    entries = {_entry_file(u) for u in units}
    images = {u.defined_at.path for u in units if u.kind == "image"}
    lonely = [f for f in _function_folders(paths) if posixpath.join(f, "main.py") not in entries]
    unread = [d for d in _dockerfiles(paths) if d not in images and not archived(d, ARCHIVED)]
    if not units and not lonely and not unread and not project.facts(DeployCommand):
        return ""
    out = [f"# [{prefix}packaging]: will each function, service and job import once deployed (PF2xx)?",
           "# Units are read from the deploy commands and Dockerfiles, so none is configured here."]
    out.append(f"# Units found ({len(units)}):" if units else "# No units found.")
    out += [f"#   {_describe(u)}" for u in sorted(units, key=lambda u: u.label)]
    for folder in lonely:
        out += [f"# {folder}/ has main.py and requirements.txt, but no deploy command uploads it. If it",
                "# is deployed some other way, describe it so its imports are checked:",
                f"# [[{prefix}packaging.units]]", f'# source = "{folder}"']
    images_deployed = [c for c in project.facts(DeployCommand) if c.value("--image") is not None]
    if images_deployed:
        out.append("# Deployed from a built --image, so checked through their Dockerfile (if it is in the repository):")
        out += sorted({f"#   {_LABEL.get(c.platform, c.platform)} {c.name.text if c.name and c.name.known else '?'}  "
                       f"({c.location.path}:{c.location.line})" for c in images_deployed})
    for path in unread:
        out.append(f"# {path}: no Python unit was read from it (no FROM stage, or not a Python image).")
    return "\n".join(out) + "\n"
