"""`[tool.gcp-preflight.names]`, typed. The JSON Schema checked the shape already; what it cannot
check (a contract naming an undefined source, a regex that does not compile, a selector that
does not parse) comes back as problems, reported as PF108."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from gcp_preflight.rules.names.sources import SourceSpec
from gcp_preflight.rules.names.routes import Normalize
from gcp_preflight.rules.names.query import QueryError, compile_query, is_simple
from gcp_preflight.rules.names.yaml_select import SelectorError, parse

CONTRACT_KINDS = ("subset", "equal", "disjoint", "keys-cover", "prefix", "routes", "dead-routes")
DEFAULT_SEPARATOR = "/"


@dataclass(frozen=True)
class Contract:
    kind: str
    source: str
    targets: tuple[str, ...]  # `target` as one name or several: their names together
    index: int  # position in the config list, for messages
    separator: str = DEFAULT_SEPARATOR  # prefix: what must follow the target name
    ignore: tuple[tuple[str, str], ...] = ()  # (name, reason): names this contract leaves alone
    match: str = "prefix"  # routes: how the router matches an entry (prefix, substring, regex)
    normalize: Normalize | None = None  # names rewritten on both sides before comparing

    @property
    def target(self) -> str:
        return " + ".join(self.targets)

    @property
    def ignored(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.ignore)


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
    if spec.select and not is_simple(spec.select):
        try:
            compile_query(spec.select)
        except QueryError as exc:
            return f"names.sources.{name}.select: {exc}"
    elif spec.yaml:
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


def _names(value: str | list | None) -> tuple[str, ...]:
    """One source name or several."""
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _normalize(raw: dict | None) -> Normalize | None:
    if not raw:
        return None
    return Normalize(tuple(raw.get("strip", ())), bool(raw.get("leading_slash")), bool(raw.get("placeholders")))


def _reference_problem(where: str, ref: str, declared: dict) -> str | None:
    """A reference to a source that is not configured (with the closest name)."""
    if not ref or ref in declared:
        return None
    hint = difflib.get_close_matches(ref, list(declared), n=1)
    suffix = f" (did you mean '{hint[0]}'?)" if hint else ""
    return f"{where}: no source named '{ref}'{suffix}"


def parse_options(section: dict[str, Any]) -> NamesOptions:
    problems: list[str] = []
    sources: dict[str, SourceSpec] = {}
    declared = section.get("sources") or {}
    for name, raw in declared.items():
        fields = {k: v for k, v in raw.items() if k != "where"}
        where = raw.get("where") or {}
        spec = SourceSpec(name=name, where_in=_names(where.get("in")), where_key_in=_names(where.get("key_in")),
                          **fields)
        problem = _source_problem(name, spec) or next(filter(None, (
            _reference_problem(f"names.sources.{name}.where.{role}", ref, declared)
            for role, refs in (("in", spec.where_in), ("key_in", spec.where_key_in)) for ref in refs)), None)
        if spec.where_key_in and not spec.python:
            problem = problem or f"names.sources.{name}.where.key_in: only a python source's dict has keys to filter"
        if problem:
            problems.append(problem)
        else:
            sources[name] = spec
    contracts = []
    for i, raw in enumerate(section.get("contracts") or [], start=1):
        ok = True
        targets = _names(raw["target"])
        for role, ref in [("source", raw["source"])] + [("target", t) for t in targets]:
            if ref not in sources:
                problem = _reference_problem(f"names.contracts[{i}].{role}", ref, declared)
                if problem:
                    problems.append(problem)
                ok = False
        if "match" in raw and raw["kind"] not in ("routes", "dead-routes"):
            problems.append(f"names.contracts[{i}].match: only a routes or dead-routes contract has a match")
            ok = False
        if "separator" in raw and raw["kind"] not in ("prefix", "routes", "dead-routes"):
            problems.append(f"names.contracts[{i}].separator: only a prefix or routes contract has a separator")
            ok = False
        if ok:
            ignore = tuple((e["name"], e["reason"]) for e in raw.get("ignore") or [])
            contracts.append(Contract(raw["kind"], raw["source"], targets, i,
                                      raw.get("separator", DEFAULT_SEPARATOR), ignore, raw.get("match", "prefix"),
                                      _normalize(raw.get("normalize"))))
    return NamesOptions(bool(section.get("auto", True)), sources, tuple(contracts), tuple(problems))
