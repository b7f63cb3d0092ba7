"""`[tool.gcp-preflight.names]`, typed. The JSON Schema checked the shape already; what it cannot
check (a contract naming an undefined source, a regex that does not compile, a selector that
does not parse) comes back as problems, reported as PF108."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from gcp_preflight.rules.names.sources import SourceSpec
from gcp_preflight.rules.names.yaml_select import SelectorError, parse

CONTRACT_KINDS = ("subset", "equal", "disjoint", "keys-cover", "prefix")
DEFAULT_SEPARATOR = "/"


@dataclass(frozen=True)
class Contract:
    kind: str
    source: str
    target: str
    index: int  # position in the config list, for messages
    separator: str = DEFAULT_SEPARATOR  # prefix: what must follow the target name


@dataclass(frozen=True)
class NamesOptions:
    auto: bool = True
    sources: dict[str, SourceSpec] = field(default_factory=dict)
    contracts: tuple[Contract, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def auto_active(self) -> bool:
        """Zero-config detection runs unless turned off or replaced by explicit contracts."""
        return self.auto and not self.contracts


def _source_problem(name: str, spec: SourceSpec) -> str | None:
    if spec.yaml:
        try:
            parse(spec.select)
        except SelectorError as exc:
            return f"names.sources.{name}.select: {exc}"
    if spec.shell:
        try:
            compiled = re.compile(spec.pattern)
        except re.error as exc:
            return f"names.sources.{name}.pattern: not a valid regular expression: {exc}"
        if compiled.groups > 1:
            return f"names.sources.{name}.pattern: use at most one group (the name); use (?:...) for others"
    return None


def parse_options(section: dict[str, Any]) -> NamesOptions:
    problems: list[str] = []
    sources: dict[str, SourceSpec] = {}
    for name, raw in (section.get("sources") or {}).items():
        spec = SourceSpec(name=name, **{k: v for k, v in raw.items()})
        problem = _source_problem(name, spec)
        if problem:
            problems.append(problem)
        else:
            sources[name] = spec
    contracts = []
    for i, raw in enumerate(section.get("contracts") or [], start=1):
        ok = True
        for role in ("source", "target"):
            ref = raw[role]
            if ref not in sources:
                if ref not in (section.get("sources") or {}):
                    hint = difflib.get_close_matches(ref, list(section.get("sources") or {}), n=1)
                    suffix = f" (did you mean '{hint[0]}'?)" if hint else ""
                    problems.append(f"names.contracts[{i}].{role}: no source named '{ref}'{suffix}")
                ok = False
        if "separator" in raw and raw["kind"] != "prefix":
            problems.append(f"names.contracts[{i}].separator: only a prefix contract has a separator")
            ok = False
        if ok:
            contracts.append(Contract(raw["kind"], raw["source"], raw["target"], i,
                                      raw.get("separator", DEFAULT_SEPARATOR)))
    return NamesOptions(bool(section.get("auto", True)), sources, tuple(contracts), tuple(problems))
