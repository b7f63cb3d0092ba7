"""Plan and run a live audit: where the inventory comes from, and the facts it adds.

The inventory is read from files (`--inventory`, `[audit] inventory`) when any are given, never
touching Google; otherwise it is listed through the APIs for a project (`--project`,
`[audit] project`, GOOGLE_CLOUD_PROJECT) in the regions given (`--region`, `[audit] regions`),
else in the regions the repository's deploy commands name. The Google client libraries are
imported here only on that last path.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from gcp_preflight.config import Config
from gcp_preflight.validators.gcp_inventory.inventory import Inventory

LIVE_EXTRA = "pip install 'gcp-preflight[live]'"


class AuditError(Exception):
    """The audit cannot run at all: one line for the user, exit status 2."""


@dataclass(frozen=True)
class Plan:
    project: str | None
    regions: tuple[str, ...]  # explicit; empty: from the deploy commands
    inventories: tuple[Path, ...]  # absolute; non-empty means offline
    save_inventory: Path | None = None
    timeout: float = 30.0


def make_plan(root: Path, config: Config, *, project: str | None = None, regions: Sequence[str] = (),
              inventories: Sequence[str] = (), save_inventory: str | None = None,
              timeout: float | None = None) -> Plan:
    """Options win over the configuration; inventory paths on the command line are relative to
    the working directory, those in the configuration to the root (globs allowed there)."""
    section = config.section("audit")
    if inventories:
        files = tuple(Path(p).absolute() for p in inventories)
        for given, path in zip(inventories, files):
            if not path.exists():
                raise AuditError(f"--inventory {given}: no such file")
            if path.is_dir():
                raise AuditError(f"--inventory {given}: is a folder; name the JSON files in it")
    else:
        files = _configured_inventories(root, section.get("inventory", []))
    project = project or section.get("project") or os.environ.get("GOOGLE_CLOUD_PROJECT") or None
    return Plan(project, tuple(regions) or tuple(section.get("regions", ())), files,
                Path(save_inventory).absolute() if save_inventory else None,
                float(timeout if timeout is not None else section.get("timeout", 30.0)))


def _configured_inventories(root: Path, patterns: Sequence[str]) -> tuple[Path, ...]:
    """Files the repository's own configuration names: they must stay inside the root, links
    followed (a checkout must not make the audit read, and print, files elsewhere)."""
    from gcp_preflight.safe_io import UnsafePath, check_inside

    files: list[Path] = []
    for pattern in patterns:
        if os.path.isabs(pattern) or ".." in Path(pattern).parts:
            raise AuditError(f"[audit] inventory: {pattern!r} is outside the repository; name files inside it "
                             "(or pass --inventory on the command line)")
        matched = sorted(glob.glob(glob.escape(str(root)) + "/" + pattern, recursive=True))
        if not matched:
            raise AuditError(f"[audit] inventory: no file matches {pattern!r} under {root}")
        for m in matched:
            try:
                real = check_inside(Path(m), root, "[audit] inventory")
            except UnsafePath as exc:
                raise AuditError(str(exc)) from None
            if real.is_dir():
                continue  # a glob like inventory/** also matches folders
            if not real.is_file():
                raise AuditError(f"[audit] inventory: {m} is not a regular file (a FIFO or a device)")
            files.append(Path(m))
    return tuple(files)


@dataclass
class LiveAudit:
    """The callable the Project calls once the repository is read (so regions can come from
    the deploy commands); it keeps what happened for the command to report."""

    plan: Plan
    root: Path
    connection: object = None  # api.Connection; None: Application Default Credentials
    limits: object = None  # api.Limits; None: from the plan's timeout
    progress: Callable[[int, int, str], None] | None = None
    notices: list[str] = field(default_factory=list)
    inventory: Inventory | None = None
    keep_going: bool = False  # validate-all: a failed audit still lets the static report out
    error: str | None = None

    def __call__(self, project) -> list[object]:
        try:
            return self._run(project)
        except AuditError as exc:
            if not self.keep_going:
                raise
            self.error = str(exc)
            return []

    def _run(self, project) -> list[object]:
        if self.plan.inventories:
            self.inventory = self._read_files()
        elif self.plan.project:
            self.inventory = self._list(project)
        else:
            raise AuditError("no project to audit and no inventory")
        if self.plan.save_inventory:
            from gcp_preflight.validators.gcp_inventory.files import write_snapshot

            from gcp_preflight.safe_io import UnsafePath

            try:
                write_snapshot(self.plan.save_inventory, self.inventory, self.plan.project or "")
            except UnsafePath as exc:
                raise AuditError(f"--save-inventory {exc}") from None
            except OSError as exc:
                raise AuditError(f"--save-inventory {self.plan.save_inventory}: {exc.strerror or exc}") from None
            self.notices.append(f"Saved the inventory ({len(self.inventory.resources)} resources) to {self.plan.save_inventory}.")
        self.notices.append(self.summary())
        return self.inventory.facts()

    def summary(self) -> str:
        inventory = self.inventory
        count = len(inventory.resources)
        source = (", ".join(_shown(p, self.root)[0] for p in self.plan.inventories) if self.plan.inventories
                  else f"project {self.plan.project}")
        failed = f"; {len(inventory.problems)} part(s) could not be read (PF900)" if inventory.problems else ""
        return f"Live audit: {count} deployed resource{'s' if count != 1 else ''} from {source}{failed}."

    def _read_files(self) -> Inventory:
        from gcp_preflight.validators.gcp_inventory.files import read_file

        inventory = Inventory()
        for path in self.plan.inventories:
            shown, inside = _shown(path, self.root)
            part = read_file(path, shown)
            if inside:  # a broken inventory in the repository points at the file itself
                part.problems = [dataclasses.replace(p, path=shown) for p in part.problems]
            inventory.extend(part)
        if self.plan.project:
            inventory.listed = [dataclasses.replace(item, project=self.plan.project) for item in inventory.listed]
        return inventory

    def _list(self, project) -> Inventory:
        try:
            from gcp_preflight.validators.gcp_inventory import api
        except ImportError as exc:
            raise AuditError(f"the live audit needs the Google Cloud client libraries ({exc.name} is missing): {LIVE_EXTRA}") from None
        connection = self.connection if self.connection is not None else _adc(api)
        regions = self.plan.regions or deploy_regions(project)
        if not regions:
            self.notices.append("Cloud Run not audited: no region known (pass --region, set [audit] regions, "
                                "or give the deploy commands --region).")
        limits = self.limits or api.Limits(timeout=self.plan.timeout)
        return api.list_live(self.plan.project, regions, connection, limits, self.progress)


def _adc(api):
    from google.auth import exceptions as gauth

    try:
        return api.adc_connection()
    except gauth.DefaultCredentialsError as exc:
        detail = str(exc).split(". ")[0].rstrip(".")
        raise AuditError(f"no Google credentials ({detail}): run `gcloud auth application-default login`, "
                         "set GOOGLE_APPLICATION_CREDENTIALS to a key file, or audit an exported inventory "
                         "with --inventory FILE") from None


def deploy_regions(project) -> tuple[str, ...]:
    from gcp_preflight.rules.live.match import known
    from gcp_preflight.validators.deploy.facts import DeployCommand

    return tuple(sorted({r for c in project.facts(DeployCommand) if (r := known(c.value("--region")))}))


def _shown(path: Path, root: Path) -> tuple[str, bool]:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix(), True
    except ValueError:
        return str(path), False


def terminal_progress(stream=None) -> Callable[[int, int, str], None] | None:
    """A one-line progress display on a terminal; None (nothing at all) on a pipe or in CI."""
    stream = stream or sys.stderr
    if not stream.isatty() or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return None

    def show(done: int, total: int, scope: str) -> None:
        line = f"preflight: listed {scope} ({done}/{total})"
        stream.write("\r\033[K" + (line if done < total else ""))
        stream.flush()

    return show
