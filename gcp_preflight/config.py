"""Read `[tool.gcp-preflight]` (pyproject.toml) or `preflight.toml`, validate it, type it.

The JSON Schema in schemas/config.schema.json is the single source of truth for what keys exist;
each rule family keeps its own section in schemas/config-<section>.schema.json. A bad key or
value is one line naming the file and the key path, and exit status 2.
"""

from __future__ import annotations

import difflib
import json
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

SCHEMA_DIR = Path(__file__).parent / "schemas"
TOOL_KEY = "gcp-preflight"


class ConfigError(Exception):
    """A configuration problem, already phrased for the user (file and key path first)."""


@dataclass(frozen=True)
class Config:
    path: str | None = None  # where it was read, relative to the root when inside it
    raw: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.raw.get(name) or {})

    @property
    def exclude(self) -> list[str]:
        return list(self.raw.get("exclude", [])) + list(self.raw.get("extend-exclude", []))

    @property
    def select(self) -> list[str]:
        return list(self.raw.get("select", []))

    @property
    def ignore(self) -> list[str]:
        return list(self.raw.get("ignore", []))

    @property
    def severity(self) -> dict[str, str]:
        return dict(self.raw.get("severity", {}))

    @property
    def per_file_ignores(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.raw.get("per-file-ignores", {}).items()}

    @property
    def fail_on(self) -> str:
        return self.raw.get("fail-on", "warning")


MAX_CONFIG_BYTES = 4 << 20


def _read_toml(path: Path) -> dict:
    """A TOML file's data (OSError, ValueError or UnicodeDecodeError otherwise); never more
    than 4 MiB of it, never a special file."""
    from gcp_preflight.safe_io import read_text

    return tomllib.loads(read_text(path, MAX_CONFIG_BYTES, "configuration"))


def has_tool_section(pyproject: Path) -> bool:
    try:
        data = _read_toml(pyproject)
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and TOOL_KEY in tool


def find_config_file(root: Path) -> Path | None:
    """`preflight.toml` wins over a `pyproject.toml` with a `[tool.gcp-preflight]` table."""
    candidate = root / "preflight.toml"
    if candidate.is_file():
        return candidate
    candidate = root / "pyproject.toml"
    if candidate.is_file() and has_tool_section(candidate):
        return candidate
    return None


def load(root: Path, explicit: Path | None = None, remember: bool = False) -> Config:
    """remember: keep the schema's verdict on a valid configuration in the cache folder, and
    trust a verdict kept there (see _verdict)."""
    path = explicit or find_config_file(root)
    if path is None:
        return Config()
    shown = _display(path, root)
    if explicit is None and not _inside(path, root):  # a link planted by the checkout
        raise ConfigError(f"{path.name}: a link to a file outside the repository; not read (pass --config to use it)")
    try:
        data = _read_toml(path)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read configuration: {getattr(exc, 'strerror', None) or exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{shown}: tool: expected a table, got {_toml_type(tool)}")
        raw, prefix = tool.get(TOOL_KEY, {}), f"tool.{TOOL_KEY}"
        if not isinstance(raw, dict):
            raise ConfigError(f"{shown}: {prefix}: expected a table, got {_toml_type(raw)}")
    else:
        raw, prefix = data, ""
    validate(raw, shown, prefix, remember)
    return Config(shown, raw)


def _toml_type(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array"}.get(
        type(value), type(value).__name__)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


@lru_cache(maxsize=1)
def _validator():
    import jsonschema
    from referencing import Registry, Resource

    resources = []
    for schema_file in sorted(SCHEMA_DIR.glob("config*.schema.json")):
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    root = json.loads((SCHEMA_DIR / "config.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(root)
    return cls(root, registry=registry)


def validate(raw: dict[str, Any], shown: str, prefix: str, remember: bool = False) -> None:
    _check_codes(raw, shown, prefix)  # first: a typo gets its did-you-mean, not the schema's pattern
    marker = _verdict(raw) if remember else None
    if marker is None or not marker.is_file():
        errors = sorted(_validator().iter_errors(raw), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        if errors:
            raise ConfigError(_describe(errors[0], shown, prefix))
        if marker is not None:
            _keep(marker)
    _check_patterns(raw, shown, prefix)


VERDICTS = "valid-configs"  # in the cache folder: one empty file per configuration found valid


def _verdict(raw: dict[str, Any]) -> Path | None:
    """Where the verdict on `raw` is kept: its name hashes the configuration, the schemas and the
    tool's code, so an edit to any of them asks the schema again. jsonschema takes about a
    tenth of a warm run (its import, mostly); a valid configuration rarely changes between runs.
    None when the cache folder cannot be used."""
    import hashlib

    from gcp_preflight.cache import cache_dir, private_folder
    from gcp_preflight.project import code_fingerprint

    folder = cache_dir() / VERDICTS
    if private_folder(folder.parent) is not None or private_folder(folder) is not None:
        return None
    digest = hashlib.sha256(f"{code_fingerprint()}\0{json.dumps(raw, sort_keys=True, default=str)}".encode())
    for schema_file in sorted(SCHEMA_DIR.glob("config*.schema.json")):
        digest.update(schema_file.read_bytes())
    return folder / digest.hexdigest()[:32]


KEEP_VERDICTS = 64  # the newest kept: every edit of a configuration or upgrade of the tool adds one


def _keep(marker: Path) -> None:
    try:
        marker.touch()
        kept = sorted(marker.parent.iterdir(), key=lambda path: path.stat().st_mtime_ns, reverse=True)
        for old in kept[KEEP_VERDICTS:]:
            old.unlink()
    except OSError:  # a read-only cache, or another run pruning too: validated again next time
        pass


def _check_codes(raw: dict[str, Any], shown: str, prefix: str) -> None:
    """Every code or prefix names a rule: a typo would select or ignore nothing, silently."""
    from gcp_preflight.codes import unknown

    def where(*parts: str) -> str:
        return ".".join(p for p in (prefix, *parts) if p)

    def listed(value: Any) -> list:  # the schema reports values of the wrong type
        return list(value) if isinstance(value, list) else []

    def table(value: Any) -> dict:
        return value if isinstance(value, dict) else {}

    places = [(where(key) + f"[{i}]", code, True) for key in ("select", "ignore")
              for i, code in enumerate(listed(raw.get(key)))]
    for glob, codes in table(raw.get("per-file-ignores")).items():
        places += [(where("per-file-ignores", json.dumps(glob)) + f"[{i}]", code, True)
                   for i, code in enumerate(listed(codes))]
    places += [(where("severity", code), code, False) for code in table(raw.get("severity"))]  # exact codes only
    for place, code, prefixes in places:
        problem = unknown(code, prefix=prefixes) if isinstance(code, str) else None
        if problem:
            raise ConfigError(f"{shown}: {place}: {problem}")


def _check_patterns(raw: dict[str, Any], shown: str, prefix: str) -> None:
    """Configured patterns are gitignore patterns: one that cannot be used is an error naming it."""
    from gcp_preflight import ignore_patterns

    places = [(f"{key}[{index}]", pattern) for key in ("exclude", "extend-exclude")
              for index, pattern in enumerate(raw.get(key, ()))]
    places += [(f"per-file-ignores.{json.dumps(p)}", p) for p in raw.get("per-file-ignores", {})]
    places += [(f"memory.floors.{json.dumps(p)}", p) for p in (raw.get("memory") or {}).get("floors", {})]
    for place, pattern in places:
        reason = ignore_patterns.problem(ignore_patterns.normalize(pattern))
        if reason:
            where = ".".join(p for p in (prefix, place) if p)
            raise ConfigError(f"{shown}: {where}: pattern {pattern!r} cannot be used: {reason}")


def _describe(error, shown: str, prefix: str) -> str:
    parts = [prefix] if prefix else []
    parts += [str(p) for p in error.absolute_path]
    where = ".".join(parts) or "(top level)"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        if unknown and allowed:
            key = unknown[0]
            hint = difflib.get_close_matches(key, allowed, n=1)
            suffix = f" (did you mean '{hint[0]}'?)" if hint else f" (expected one of: {', '.join(allowed)})"
            return f"{shown}: {where + '.' if parts else ''}{key}: unknown key{suffix}"
    message = schema.get("x-message")
    if not message:
        if error.validator == "type":
            message = f"expected {error.validator_value}, got {type(error.instance).__name__}"
        elif error.validator == "enum":
            message = f"expected one of {', '.join(map(str, error.validator_value))}, got {error.instance!r}"
        else:
            message = error.message
    return f"{shown}: {where}: {message}"
