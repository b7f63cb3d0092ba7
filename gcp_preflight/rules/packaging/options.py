"""The `[tool.gcp-preflight.packaging]` section, typed (schemas/config-packaging.schema.json)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitConfig:
    name: str
    source: str
    include: tuple[tuple[str, str], ...] = ()  # (repository path, path inside the unit)
    requirements: str | None = None
    entry: str = "main.py"
    entry_point: str | None = None
    runtime: str | None = None
    python_path: tuple[str, ...] = ("",)


ARCHIVED = ("docs", "doc", "archive", "archived", "deprecated", "backup", "backups", "old")


@dataclass(frozen=True)
class Options:
    units: tuple[UnitConfig, ...] = ()
    import_names: dict[str, str] = field(default_factory=dict)
    provided: tuple[str, ...] = ()
    infer_units: bool = True
    # Folders whose Dockerfiles and deploy commands define no unit (documentation, archives)
    archived: tuple[str, ...] = ARCHIVED
    resolve: bool = False  # exact mode: ask the real resolver (opt-in, never on pre-commit)

    @classmethod
    def from_config(cls, section: dict) -> "Options":
        units = []
        for raw in section.get("units", []):
            include = []
            for item in raw.get("include", []):
                src, _, dest = item.partition(":")
                include.append((src.strip("/"), (dest or src.rstrip("/").rsplit("/", 1)[-1]).strip("/")))
            units.append(UnitConfig(
                raw.get("name") or raw["source"], raw["source"].strip("/"), tuple(include),
                raw.get("requirements"), raw.get("entry", "main.py"), raw.get("entry-point"),
                raw.get("runtime"), tuple(p.strip("/") for p in raw.get("python-path", [""]))))
        return cls(tuple(units), dict(section.get("import-names", {})), tuple(section.get("provided", [])),
                   bool(section.get("infer-units", True)),
                   tuple(p.strip("/") for p in section.get("archived-folders", ARCHIVED)),
                   bool(section.get("resolve", False)))
