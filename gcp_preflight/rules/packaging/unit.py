"""A deployment unit: what one deploy uploads or one image holds, and how it starts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gcp_preflight.model import Location
from gcp_preflight.rules.packaging.files import UnitFiles

_RUNTIME = re.compile(r"python[-:]?(\d)\.?(\d{1,2})", re.I)


@dataclass(frozen=True)
class EntryPoint:
    name: str
    location: Location  # where the name is written (--entry-point, CMD, config)


@dataclass
class Unit:
    """`sys_path` holds unit-relative folders ("" is the unit root); `entry` is the unit-relative
    path of the module that starts; `requirements` the repository path of the requirements
    file(s) (an empty tuple: none; None: unknown, so third-party imports are not judged)."""

    label: str  # "function phase2-to-phase3", "image services/api/Dockerfile"
    kind: str  # "function", "run-service", "run-job", "image", "config"
    files: UnitFiles
    defined_at: Location
    entry: str | None = None
    entry_module: str = "main"  # the dotted name it runs as ("__main__" for `python file.py`)
    missing_entry: str = ""  # the start command names a module the unit does not hold
    entry_point: EntryPoint | None = None
    sys_path: tuple[str, ...] = ("",)
    runtime: tuple[int, int] | None = None
    runtime_text: str = ""
    requirements: tuple[str, ...] | None = ()
    extra_installed: tuple[str, ...] = ()  # distributions installed by name (pip install x)
    notes: list[str] = field(default_factory=list)  # steps that were not understood


    @property
    def holder(self) -> str:
        return "the image" if self.kind == "image" else "the deployed package"

    @property
    def no_requirements(self) -> str:
        return "no `pip install` in the Dockerfile" if self.kind == "image" else "it has no requirements.txt"


def parse_runtime(text: str | None) -> tuple[int, int] | None:
    """`python311`, `python3.12`, `python:3.11-slim` -> (3, 11)."""
    m = _RUNTIME.search(text or "")
    return (int(m.group(1)), int(m.group(2))) if m else None
