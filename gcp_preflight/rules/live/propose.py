"""What `preflight init` proposes for `[audit]`: the project the deploy commands name, and the
gcloud inventory files the repository holds. Regions are left to the default (the regions the
deploy commands name, read afresh on every run) and only stated in a comment.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict

from gcp_preflight.audit import deploy_regions
from gcp_preflight.rules.live.match import known
from gcp_preflight.validators.deploy.facts import DeployCommand
from gcp_preflight.validators.gcp_inventory.files import read_file

MAX_INVENTORY_BYTES = 20 * 2**20


def _places(words: list, limit: int = 3) -> str:
    shown = sorted({f"{w.location.path}:{w.location.line}" for w in words})
    return ", ".join(shown[:limit]) + (f" and {len(shown) - limit} more" if len(shown) > limit else "")


def inventory_files(project) -> dict[str, list]:
    """JSON files that read as a gcloud list (or a saved snapshot) with at least one resource and
    no malformed item: path -> its resources."""
    found = {}
    for path in sorted(project.tree.files):
        full = project.root / path
        try:
            if not path.endswith(".json") or full.stat().st_size > MAX_INVENTORY_BYTES:
                continue
        except OSError:
            continue
        inventory = read_file(full, path)
        if inventory.resources and not inventory.problems:
            found[path] = inventory.resources
    return found


def _patterns(paths: list[str], all_paths: tuple[str, ...]) -> list[str]:
    """`folder/*.json` for a folder whose JSON files are all inventories, else the paths."""
    by_folder = defaultdict(list)
    for path in paths:
        by_folder[posixpath.dirname(path)].append(path)
    out = []
    for folder, mine in sorted(by_folder.items()):
        siblings = [p for p in all_paths if posixpath.dirname(p) == folder and p.endswith(".json")]
        if len(mine) > 1 and len(siblings) == len(mine):
            out.append(posixpath.join(folder, "*.json"))
        else:
            out += mine
    return out


def propose_audit_config(project, prefix: str = "tool.gcp-preflight.") -> str:
    commands = project.facts(DeployCommand)
    named: dict[str, list] = defaultdict(list)
    for command in commands:
        if value := known(command.value("--project")):
            named[value].append(command.value("--project"))
    inventories = inventory_files(project)
    if not commands and not inventories:
        return ""
    out = [f"# [{prefix}audit]: the live audit (`preflight audit`, `preflight validate-all`) compares what is",
           "# deployed with the deploy commands and the memory floors (PF9xx)."]
    if len(named) == 1:
        (value, words), = named.items()
        out += [f"# Every deploy command that names a project names {value} ({_places(words)}).",
                f'project = "{value}"']
    elif named:
        out.append("# The deploy commands name several projects, so none is proposed: "
                   + "; ".join(f"{v} ({_places(w, 2)})" for v, w in sorted(named.items())))
    else:
        out.append("# No deploy command names its --project: give --project, or set GOOGLE_CLOUD_PROJECT.")
    regions = deploy_regions(project)
    if regions:
        listed = ", ".join(f'"{r}"' for r in regions)
        out += [f"# Regions: the deploy commands name {', '.join(regions)}, which the audit lists by default (read",
                "# afresh on every run), so they are not pinned here:", f"# regions = [{listed}]"]
    if inventories:
        resources = {(r.kind, r.region, r.name) for found in inventories.values() for r in found}
        projects = sorted({r.project for found in inventories.values() for r in found
                           if r.project and not r.project.isdigit()})  # ids, not project numbers
        of = f" of project {', '.join(projects)}" if projects else ""
        patterns = _patterns(list(inventories), project.tree.files)
        out += [f"# {len(inventories)} gcloud inventory file{'s' if len(inventories) > 1 else ''} ({len(resources)} "
                f"resource{'s' if len(resources) > 1 else ''}{of}): audited instead of calling Google;",
                "# remove `inventory` to audit the live project.",
                "inventory = [" + ", ".join(f'"{p}"' for p in patterns) + "]"]
    return "\n".join(out) + "\n"
